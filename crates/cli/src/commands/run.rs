//! `clusterlab run`: one simulation of a scenario, written as a time series and a summary.

use crate::error::print_warnings;
use crate::error::CliResult;
use clap::Args;
use clusterlab_lab::load::{check_outputs, load_scenario, Overrides};
use clusterlab_lab::run::{run_to_dir, sweep_run, PanelOptions, RunOptions, RunSummary};
use std::path::{Path, PathBuf};

/// Run a scenario and write DIR/timeseries.csv and DIR/summary.json.
///
/// timeseries.csv has one row per step (step 0 is the initial state): `step`; when the
/// scenario runs the economy, its indicators, diagnosis and per-layer indicators (docs/ODD.md
/// S14, S15); then for each technology `adopters:<id>` and `share:<id>` (share of all firms).
/// summary.json echoes the scenario with every default filled in, the seed, the firm file read
/// (if any), the economy's entries, exits, totals (welfare, fiscal cost), subsystem weights and
/// last indicators (when it runs), and per technology its diffusion performance: t10/t50/t90
/// (first step at which the share reaches 10/50/90%, null if never), the peak adoption rate,
/// the final share, the spatial reach and the laggards' adoption. `clusterlab evaluate --runs`
/// reads these. `--from DIR --run-id K` repeats run K of a sweep alone: the scenario and seed
/// its catalogue recorded (a `[stop]` condition of the sweep is not applied).
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML); the bundled default cluster when left out.
    #[arg(conflicts_with = "from")]
    scenario: Option<PathBuf>,

    /// A sweep's directory, to repeat one of its runs (with --run-id).
    #[arg(long, value_name = "DIR", requires = "run_id", conflicts_with = "seed")]
    from: Option<PathBuf>,

    /// The run of --from to repeat.
    #[arg(long, value_name = "K", requires = "from")]
    run_id: Option<u64>,

    /// Seed of every random stream (default: the scenario's `seed`).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,

    /// Number of steps (default: the scenario's `steps`).
    #[arg(long, value_name = "N")]
    steps: Option<u32>,

    /// Output directory, created if missing; its two files are replaced whole.
    #[arg(long, value_name = "DIR", default_value = "clusterlab-out")]
    out: PathBuf,

    /// No progress bar and no closing report.
    #[arg(long, short)]
    quiet: bool,

    /// Print the seconds spent in each process of the step when the run ends.
    #[arg(long)]
    timings: bool,

    /// Also write DIR/report.html, a self-contained report of the run (`clusterlab report`),
    /// with what it draws beyond the time series: DIR/maps.json (the region at twelve steps)
    /// and, when the economy runs, DIR/network.json (the ties between firms at the last step).
    #[arg(long)]
    report: bool,

    /// Also write DIR/panel.parquet, the firm panel: one row per firm per recorded step (every
    /// EVERY-th step, step 0 included; EVERY defaults to 1) — firm id, step, age, class, cell,
    /// output, price, unit cost, margin, profit, capital, knowledge, R&D spending, absorptive
    /// capacity, ties, technologies held, entry and exit flags. Only a scenario that runs the
    /// economy has firms to record.
    #[arg(long, value_name = "EVERY", num_args = 0..=1, default_missing_value = "1",
          value_parser = clap::value_parser!(u32).range(1..))]
    panel: Option<u32>,

    /// With --panel: also write the panel as DIR/panel.csv.
    #[arg(long, requires = "panel")]
    panel_csv: bool,
}

/// Runs the command.
pub fn run(args: RunArgs) -> CliResult {
    let overrides = Overrides {
        seed: args.seed,
        steps: args.steps,
    };
    let loaded = match (&args.from, args.run_id) {
        (Some(dir), Some(run)) => sweep_run(dir, run, overrides)?,
        _ => load_scenario(args.scenario.as_deref(), overrides)?,
    };
    print_warnings(&loaded.warnings);
    let options = RunOptions {
        out: args.out.clone(),
        quiet: args.quiet,
        timings: args.timings,
        maps: args.report,
        panel: args.panel.map(|every| PanelOptions {
            every,
            csv: args.panel_csv,
        }),
    };
    let report_path = args.out.join("report.html");
    // Every file a run may write, with or without --report.
    let outputs = [
        "timeseries.csv",
        "summary.json",
        "maps.json",
        "network.json",
        "report.html",
    ]
    .map(|name| args.out.join(name));
    check_outputs("--out", &outputs)?;
    let output = run_to_dir(&loaded, &options)?;
    for warning in &output.warnings {
        eprintln!("clusterlab: {warning}");
    }
    if args.report {
        clusterlab_report::write_report(&args.out, &report_path)?;
    }
    if !args.quiet {
        report(&args.out, &output.summary);
    }
    if let Some(timings) = &output.timings {
        let total: f64 = timings.iter().map(|(_, s)| s).sum();
        eprintln!("seconds per process over {} steps:", output.summary.steps);
        for (name, seconds) in timings {
            if *seconds > 0.0 {
                eprintln!(
                    "  {name:<12} {seconds:>9.3} s  {:>5.1}%",
                    100.0 * seconds / total.max(f64::MIN_POSITIVE)
                );
            }
        }
    }
    Ok(())
}

fn report(out: &Path, summary: &RunSummary) {
    println!(
        "{}: {} firms, {} steps, seed {} -> {}",
        summary.scenario.name,
        summary.firms,
        summary.steps,
        summary.seed,
        out.display()
    );
    let show = |t: Option<usize>| t.map_or("-".to_string(), |t| t.to_string());
    for t in &summary.technologies {
        println!(
            "  {:<16} t10 {:>5}  t50 {:>5}  t90 {:>5}  final share {:.4}",
            t.id,
            show(t.t10),
            show(t.t50),
            show(t.t90),
            t.final_share
        );
    }
}
