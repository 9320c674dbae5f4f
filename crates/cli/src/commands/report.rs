//! `clusterlab report`: one self-contained HTML file of a run or a sweep, to open offline or
//! send on.

use crate::error::CliResult;
use clap::Args;
use std::path::PathBuf;

/// Write a self-contained HTML report of a run or a sweep.
///
/// Of a run's directory, it reads DIR/timeseries.csv and DIR/summary.json (as `clusterlab run` wrote them) and writes
/// one HTML file that works offline: the adoption curve of every technology with the Bass
/// curve fitted to it, the six dynamic factors, the class composition and welfare over time
/// (when the economy runs), the GEM radar of the last step, the diffusion performance table,
/// the diffusion map of each competition group at twelve steps with a slider and an
/// animation (when the run was made with `run --report`, which records DIR/maps.json), the network of ties between firms at
/// the last step (DIR/network.json, also recorded by `run --report`), and the scenario with
/// its seed so the run can be repeated.
///
/// Of a sweep's directory (one holding catalogue.sqlite), it shows each metric's mean across
/// replications with its 95% interval — over the steps for up to six points, against the
/// parameter for a one-parameter sweep, and at the last step in a table — and, for a Sobol'
/// or Morris design, the sensitivity indices as bars with their bootstrap intervals; it writes
/// DIR/summary.csv first when missing or stale (`clusterlab summarize`).
///
/// `policy compare --report FILE.html` writes the report of a policy comparison. The charts
/// are drawn by uPlot (MIT), embedded whole: the file works offline.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The run's or the sweep's directory.
    #[arg(value_name = "RUN_OR_SWEEP_DIR")]
    dir: PathBuf,

    /// The report file (default: DIR/report.html).
    #[arg(long, value_name = "FILE.html")]
    out: Option<PathBuf>,
}

/// Runs the command.
pub fn run(args: ReportArgs) -> CliResult {
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| args.dir.join("report.html"));
    clusterlab_report::write_any(&args.dir, &out)?;
    println!("{} -> {}", args.dir.display(), out.display());
    Ok(())
}
