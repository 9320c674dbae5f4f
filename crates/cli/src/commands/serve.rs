//! `clusterlab serve`: the web dashboard (see the `clusterlab-server` crate).

use crate::error::{CliError, CliResult};
use clap::Args;
use clusterlab_server::{self as dashboard, Settings};
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

/// Serve the web dashboard: run a scenario live and watch it, compare runs, test policies.
///
/// Open the address it prints in a browser. Choose a bundled scenario or upload one, set its
/// key parameters with the sliders (seed, steps, region, firm density, each technology's p
/// and q), start it, and watch the map of the region and the charts fill as it runs; pause,
/// step, reset, change the speed. A finished run is saved in DATA/runs/ (the files `clusterlab
/// run --report` writes, and the time series as Parquet) and listed: download its CSV,
/// Parquet or report, or compare two. Forms run `policy compare` and the GEM scoring.
///
/// The server listens on loopback (127.0.0.1), answering only to this machine's own names,
/// unless --bind says otherwise; it reads and writes only inside its data folder, takes only
/// JSON bodies, and refuses bodies over --max-body and regions over --max-cells with a message
/// on the page. Stop it with Ctrl-C.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on; 0 for any free one (the address is printed).
    #[arg(long, value_name = "P", default_value_t = 8080)]
    port: u16,

    /// Address to listen on. The default is loopback, this machine only; 0.0.0.0 opens the
    /// dashboard to the network (it has no login).
    #[arg(long, value_name = "ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,

    /// The data folder: uploaded scenarios (DIR/scenarios) and saved runs (DIR/runs); created
    /// if missing.
    #[arg(long, value_name = "DIR", default_value = "clusterlab-data")]
    data: PathBuf,

    /// Largest region a scenario may ask for, in cells (width × height).
    #[arg(long, value_name = "N", default_value_t = 1 << 22, value_parser = clap::value_parser!(u64).range(1..))]
    max_cells: u64,

    /// Largest request body, in bytes (an uploaded scenario, a form).
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20, value_parser = clap::value_parser!(u64).range(1..=(1 << 30)))]
    max_body: u64,
}

/// Runs the command.
pub fn run(args: ServeArgs) -> CliResult {
    let data = dashboard::data_folder(&args.data).map_err(|e| {
        CliError::input(format!(
            "--data: cannot use {} as the data folder: {e}",
            args.data.display()
        ))
    })?;
    let wanted = SocketAddr::new(args.bind, args.port);
    let listener = std::net::TcpListener::bind(wanted)
        .map_err(|e| CliError::input(format!("--port: cannot listen on {wanted}: {e}")))?;
    let address = listener.local_addr().unwrap_or(wanted);
    if !args.bind.is_loopback() {
        eprintln!(
            "clusterlab: warning: listening on {address}: anyone who can reach this machine can use the dashboard (it has no login)"
        );
    }
    println!(
        "clusterlab dashboard at http://{address}/ (data folder {}); Ctrl-C stops it",
        data.display()
    );
    let _ = std::io::stdout().flush();
    dashboard::serve(
        listener,
        Settings {
            data,
            max_cells: args.max_cells,
            max_body: args.max_body as usize,
            max_connections: 64,
            loopback: args.bind.is_loopback(),
        },
    )
    .map_err(|e| CliError::failure(anyhow::anyhow!("the dashboard stopped: {e}")))?;
    Ok(())
}
