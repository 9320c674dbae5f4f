//! `clusterlab sensitivity`: Sobol' indices or Morris's elementary effects from a sweep.

use crate::error::{CliError, CliResult};
use clap::Args;
use clusterlab_lab::sensitivity::indices;
use clusterlab_model::experiment::Design;
use clusterlab_numerics::sensitivity::Index;
use std::path::PathBuf;

/// Global sensitivity of a metric to a sweep's parameters.
///
/// For a `sobol` design: first-order and total Sobol' indices (Saltelli's design, Jansen's
/// estimators); for a `morris` design: μ, μ* and σ of the elementary effects — each with a
/// bootstrap 95% interval. The output of a run is the metric at --step (default: the run's
/// last step), averaged over the point's replications.
#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// The sweep's directory (a `sobol` or `morris` design).
    #[arg(value_name = "DIR")]
    dir: PathBuf,

    /// The time-series column analysed.
    #[arg(long, value_name = "COLUMN")]
    metric: String,

    /// The step read (default: each run's last).
    #[arg(long, value_name = "N")]
    step: Option<i64>,

    /// Bootstrap resamples for the intervals.
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(0..=100_000))]
    bootstrap: u32,

    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// Runs the command.
pub fn run(args: SensitivityArgs) -> CliResult {
    let (design, rows, total) = indices(&args.dir, &args.metric, args.step, args.bootstrap)?;
    if args.json {
        let text = serde_json::to_string_pretty(&serde_json::json!({
            "sweep": args.dir.display().to_string(),
            "metric": args.metric,
            "step": args.step,
            "runs": total,
            "indices": rows,
        }))
        .map_err(|err| CliError::failure(anyhow::Error::new(err)))?;
        println!("{text}");
        return Ok(());
    }
    let at = args
        .step
        .map_or("each run's last step".to_string(), |s| format!("step {s}"));
    println!(
        "{}: sensitivity of `{}` at {at}, {total} runs, 95% bootstrap intervals",
        args.dir.display(),
        args.metric
    );
    let show = |i: &Index| format!("{:.4} [{:.4}, {:.4}]", i.value, i.lo, i.hi);
    if matches!(design, Design::Sobol { .. }) {
        println!(
            "{:<32} {:>28} {:>28}",
            "parameter", "first order S", "total ST"
        );
        for r in &rows {
            println!(
                "{:<32} {:>28} {:>28}",
                r.parameter,
                r.first_order.as_ref().map(show).unwrap_or_default(),
                r.total.as_ref().map(show).unwrap_or_default()
            );
        }
    } else {
        println!("{:<32} {:>12} {:>32} {:>12}", "parameter", "μ", "μ*", "σ");
        for r in &rows {
            println!(
                "{:<32} {:>12.4} {:>32} {:>12.4}",
                r.parameter,
                r.mu.unwrap_or(f64::NAN),
                r.mu_star.as_ref().map(show).unwrap_or_default(),
                r.sigma.unwrap_or(f64::NAN)
            );
        }
    }
    Ok(())
}
