//! `clusterlab summarize`: means, standard deviations and 95% intervals across replications.

use crate::error::CliResult;
use clap::Args;
use clusterlab_lab::summarize::{write_summary, SummaryOutcome};
use std::path::PathBuf;

/// Summarise a sweep across replications: per design point and step, each metric's mean,
/// standard deviation and 95% interval (Student's t).
///
/// Reads DIR/runs/*.parquet one run at a time (memory does not grow with the number of runs)
/// and writes DIR/summary.parquet and DIR/summary.csv: `point`, the parameters, `step`, `n`
/// (runs that reached the step), then for each metric `<metric>:mean`, `<metric>:sd`,
/// `<metric>:lo`, `<metric>:hi`. Prints each point's last step for the first metrics.
#[derive(Debug, Args)]
pub struct SummarizeArgs {
    /// The sweep's directory.
    #[arg(value_name = "DIR")]
    dir: PathBuf,

    /// No table on standard output.
    #[arg(long, short)]
    quiet: bool,
}

/// Runs the command.
pub fn run(args: SummarizeArgs) -> CliResult {
    let SummaryOutcome {
        done,
        total,
        param_names,
        metric_names,
        last_rows,
    } = write_summary(&args.dir)?;
    if !args.quiet {
        println!(
            "{}: {done} of {total} runs; means and 95% intervals across replications at each point's last step -> {}",
            args.dir.display(),
            args.dir.join("summary.csv").display()
        );
        let shown = metric_names.len().min(3);
        let mut header = format!("{:>6}", "point");
        for p in &param_names {
            header.push_str(&format!(" {p:>22}"));
        }
        header.push_str(&format!(" {:>5}", "step"));
        for m in &metric_names[..shown] {
            header.push_str(&format!(" {m:>34}"));
        }
        println!("{header}");
        for (point, params, step, cells) in &last_rows {
            let mut line = format!("{point:>6}");
            for p in params {
                line.push_str(&format!(" {p:>22}"));
            }
            line.push_str(&format!(" {step:>5}"));
            for (mean, lo, hi) in &cells[..shown] {
                line.push_str(&format!(" {:>34}", format!("{mean:.4} [{lo:.4}, {hi:.4}]")));
            }
            println!("{line}");
        }
    }
    Ok(())
}
