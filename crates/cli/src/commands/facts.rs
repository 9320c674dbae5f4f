//! `clusterlab facts`: the battery of stylised facts of a run, several runs, or a sweep.

use crate::error::CliResult;
use clap::Args;
use clusterlab_lab::facts::{format_number, of_dirs, Battery, Group, Holds};
use clusterlab_lab::LabError;
use std::path::PathBuf;

/// Measure the stylised facts of firm and industry dynamics on runs' firm panels, and say
/// which hold.
///
/// Reads each run folder's firm panel (DIR/panel.parquet, written by `run --panel`) and time
/// series, or every run of a sweep whose experiment records panels (`panel = EVERY`), and
/// computes the facts F1–F13 of docs/validation.md: firm sizes with a Pareto tail, fat-tailed
/// growth, volatility falling with size, exit hazards falling with age, continuous entry and
/// exit, margins, productivity dispersion, concentrated R&D with falling research
/// productivity, S-shaped diffusion, the life cycle, clustered networks, agglomeration. The
/// data are annual: a year is `--steps-per-year` steps (default: the run's calendar, else 4 —
/// a step is a quarter); the firm-level facts skip a two-year burn-in. Run folders given
/// together are assessed as replications of one scenario; a sweep, per design point. Each
/// statistic is shown with its mean across runs and 95% interval (Student's t; one run: its
/// value, no interval), its criterion and whether it passes; a fact holds when every judged
/// statistic passes. `--json` writes the same for tools.
#[derive(Debug, Args)]
pub struct FactsArgs {
    /// Run folders (written by `run --panel`) and sweep folders (with `panel = EVERY`).
    #[arg(value_name = "RUN_OR_SWEEP", required = true)]
    dirs: Vec<PathBuf>,

    /// Write JSON (every fact, statistic, interval, criterion, source, verdict and each run's
    /// values) instead of the table.
    #[arg(long)]
    json: bool,

    /// Steps in a year (default: the run's own calendar, else 4).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    steps_per_year: Option<u32>,

    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

/// Runs the command.
pub fn run(args: FactsArgs) -> CliResult {
    let groups = of_dirs(&args.dirs, args.steps_per_year, args.quiet)?;
    if args.json {
        let json = serde_json::json!({ "groups": groups });
        let text = serde_json::to_string_pretty(&json)
            .map_err(|e| LabError::failure(anyhow::Error::new(e)))?;
        println!("{text}");
    } else {
        for (i, group) in groups.iter().enumerate() {
            if i > 0 {
                println!();
            }
            print!("{}", table(group));
        }
    }
    Ok(())
}

/// The human table of a group: fact | statistic | mean | 95% interval | criterion | passes, and
/// the fact's verdict.
fn table(group: &Group) -> String {
    let b: &Battery = &group.battery;
    let mut out = format!(
        "{}: {} run{}, {} steps a year, {}-year burn-in; means across runs with 95% intervals (Student's t)\n",
        group.label,
        b.runs,
        if b.runs == 1 { " (no intervals)" } else { "s" },
        b.steps_per_year,
        b.burn_in_years
    );
    out.push_str(&format!(
        "{:<4} {:<28} {:>10} {:>23}  {:<16} {}\n",
        "fact", "statistic", "mean", "95% interval", "criterion", "passes"
    ));
    for fact in &b.facts {
        let verdict = match fact.holds {
            Holds::Yes => format!("HOLDS ({} of {} runs)", fact.runs_holding, fact.runs),
            Holds::No => format!(
                "does not hold ({} of {} runs hold; {})",
                fact.runs_holding,
                fact.runs,
                fact.why.as_deref().unwrap_or("")
            ),
            Holds::NotApplicable => format!(
                "not applicable: {}",
                fact.why.as_deref().unwrap_or("no value")
            ),
        };
        out.push_str(&format!("{:<4} {} — {}\n", fact.id, fact.name, verdict));
        for s in &fact.statistics {
            let interval = if s.lo.is_nan() {
                "–".to_string()
            } else {
                format!("[{}, {}]", format_number(s.lo), format_number(s.hi))
            };
            let passes = match s.passes {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            };
            out.push_str(&format!(
                "{:<4} {:<28} {:>10} {:>23}  {:<16} {}\n",
                "",
                s.name,
                format_number(s.mean),
                interval,
                s.test,
                passes
            ));
        }
        out.push_str(&format!("{:<4} source: {}\n", "", fact.source));
    }
    let not_applicable = b.facts.len() - b.applicable;
    out.push_str(&format!(
        "{} of {} facts hold; {} do not; {} not applicable\n",
        b.holding,
        b.facts.len(),
        b.applicable - b.holding,
        not_applicable
    ));
    out
}
