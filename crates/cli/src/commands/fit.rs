//! `clusterlab fit`: the Bass model fitted to observed sales, and the automaton calibrated to
//! them by simulation.

use crate::error::{CliError, CliResult};
use clap::Args;
use clusterlab_lab::calibrate::{calibrate, Calibration, CalibrationOptions};
use clusterlab_lab::input::read_sales;
use clusterlab_numerics::fit::{bass_nls, bass_ols, BassFit};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;

/// Fit the Bass model to observed sales (Bass's OLS and non-linear least squares, with
/// standard errors), and optionally calibrate a scenario's automaton to them by simulation.
///
/// DATA.csv has a column `sales` (or `adoptions`): new adopters per period, one row per
/// period, in order; an optional first column `period`, `year` or `t` must count up by one
/// (no gaps). With --calibrate SCENARIO, the technology's p and q (and with --parameter one
/// more scenario field) are searched by Nelder–Mead so that the simulated adoption share at
/// step t, averaged over --replications seeds, matches the observed cumulative sales at period
/// t over the market potential (--market-potential, or m of the NLS fit).
#[derive(Debug, Args)]
pub struct FitArgs {
    /// Observed sales (CSV).
    #[arg(value_name = "DATA.csv")]
    data: PathBuf,

    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,

    /// Write the observed and fitted curves to this CSV file.
    #[arg(long, value_name = "FILE.csv")]
    out: Option<PathBuf>,

    /// A scenario whose automaton is calibrated to the data by simulation.
    #[arg(long, value_name = "SCENARIO.toml")]
    calibrate: Option<PathBuf>,

    /// With --calibrate: the technology calibrated (default: the scenario's first).
    #[arg(long, value_name = "ID", requires = "calibrate")]
    technology: Option<String>,

    /// With --calibrate: one more scenario field searched too, as PATH=MIN:MAX.
    #[arg(long, value_name = "PATH=MIN:MAX", requires = "calibrate")]
    parameter: Option<String>,

    /// With --calibrate: seeds averaged per evaluation (common to every candidate).
    #[arg(long, value_name = "N", default_value_t = 3, requires = "calibrate", value_parser = clap::value_parser!(u32).range(1..=1000))]
    replications: u32,

    /// With --calibrate: the number of potential adopters the observed cumulative sales are
    /// divided by (default: the market potential m of the NLS fit, else of the OLS fit).
    #[arg(long, value_name = "M", requires = "calibrate")]
    market_potential: Option<f64>,

    /// With --calibrate: most simulations of candidates.
    #[arg(long, value_name = "N", default_value_t = 150, requires = "calibrate")]
    evaluations: usize,
}

#[derive(Serialize)]
struct Report {
    data: String,
    periods: Vec<String>,
    sales: Vec<f64>,
    ols: BassFit,
    nls: Option<BassFit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    calibration: Option<Calibration>,
}

/// Runs the command.
pub fn run(args: FitArgs) -> CliResult {
    let (periods, sales) = read_sales(&args.data)?;
    let source = args.data.display().to_string();
    let ols = bass_ols(&sales).map_err(|e| CliError::input(format!("{source}: {e}")))?;
    let nls = bass_nls(&sales, [ols.m.value, ols.p.value, ols.q.value]).ok();
    let calibration = match &args.calibrate {
        Some(path) => Some(calibrate(
            &CalibrationOptions {
                scenario: path.clone(),
                technology: args.technology.clone(),
                parameter: args.parameter.clone(),
                replications: args.replications,
                market_potential: args.market_potential,
                evaluations: args.evaluations,
            },
            &sales,
            nls.as_ref().unwrap_or(&ols),
        )?),
        None => None,
    };
    if let Some(out) = &args.out {
        let mut text = String::from("period,sales,ols,nls\n");
        for (i, p) in periods.iter().enumerate() {
            let nls_value = nls
                .as_ref()
                .map_or(String::new(), |f| f.fitted[i].to_string());
            text.push_str(&format!("{p},{},{},{nls_value}\n", sales[i], ols.fitted[i]));
        }
        clusterlab_store::atomic::write_atomically(out, |tmp| Ok(std::fs::write(tmp, &text)?))
            .map_err(|e| {
                CliError::failure(anyhow::anyhow!("cannot write {}: {e:#}", out.display()))
            })?;
    }
    let report = Report {
        data: source.clone(),
        periods,
        sales,
        ols,
        nls,
        calibration,
    };
    if args.json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| CliError::failure(anyhow::Error::new(e)))?;
        println!("{text}");
        return Ok(());
    }
    println!("{source}: {} periods", report.sales.len());
    println!("                         m (se)                     p (se)                 q (se)          SSE       R²");
    let line = |name: &str, f: &BassFit| {
        println!(
            "  {name:<6} {:>12.1} ({:>9.1}) {:>10.5} ({:>8.5}) {:>9.5} ({:>8.5}) {:>12.1} {:>8.4}",
            f.m.value, f.m.se, f.p.value, f.p.se, f.q.value, f.q.se, f.sse, f.r_squared
        );
    };
    line("OLS", &report.ols);
    match &report.nls {
        Some(f) => line("NLS", f),
        None => println!("  NLS    did not converge from the OLS estimates"),
    }
    if let Some(c) = &report.calibration {
        let extra = c
            .parameter
            .as_ref()
            .map_or(String::new(), |(path, v)| format!(", {path} = {v:.5}"));
        println!(
            "calibrated automaton ({}, technology `{}`): p = {:.5}, q = {:.5}{extra}; SSE of the share {:.6} after {} simulations",
            c.scenario, c.technology, c.p, c.q, c.sse, c.evaluations
        );
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "  period      sales     OLS fit     NLS fit").ok();
    for (i, p) in report.periods.iter().enumerate() {
        let nls_value = report.nls.as_ref().map_or(f64::NAN, |f| f.fitted[i]);
        writeln!(
            out,
            "  {p:>6} {:>10.1} {:>11.1} {:>11.1}",
            report.sales[i], report.ols.fitted[i], nls_value
        )
        .ok();
    }
    Ok(())
}
