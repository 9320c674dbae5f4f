//! `clusterlab run`: one simulation of a scenario, written as a time series and a summary.

use crate::error::{CliError, CliResult};
use crate::load::{
    load_scenario, load_scenario_text, machine_limits, print_warnings, Loaded, Overrides,
};
use crate::progress::run_writing_rows;
use crate::series::Series;
use crate::staged::{check_outputs, Staged};
use anyhow::Context;
use clap::Args;
use clusterlab_model::economy::lifecycle::Phase;
use clusterlab_model::economy::Observation;
use clusterlab_model::scenario::ScenarioFile;
use clusterlab_model::{ProcessTimings, TechId, World};
use serde::Serialize;
use std::io::Write;
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
}

#[derive(Serialize)]
struct TechnologySummary<'a> {
    id: &'a str,
    group: &'a str,
    /// `None` for a radical technology that no innovation created.
    arrival: Option<u32>,
    t10: Option<usize>,
    t50: Option<usize>,
    t90: Option<usize>,
    final_adopters: u64,
    final_share: f64,
    peak_adoption_rate: f64,
    peak_step: Option<usize>,
    spatial_reach: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    laggard_adoption: Option<f64>,
}

#[derive(Serialize)]
struct Summary<'a> {
    clusterlab_version: &'static str,
    scenario_source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    firm_file: Option<&'a str>,
    seed: u64,
    steps: u32,
    firms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    economy: Option<EconomySummary>,
    technologies: Vec<TechnologySummary<'a>>,
    scenario: &'a ScenarioFile,
}

/// The economy over the run: who entered and left, and what the last step looked like.
#[derive(Serialize)]
struct EconomySummary {
    initial_firms: usize,
    entries: u64,
    exits: u64,
    radical_technologies: usize,
    welfare_total: f64,
    fiscal_cost: f64,
    fiscal_cost_per_firm: f64,
    rd_spending_total: f64,
    innovations_total: u64,
    core_weights: [f64; 3],
    auxiliary_weights: [f64; 3],
    /// Where each phase of the life cycle began, and the six dynamic factors' means by phase.
    life_cycle: LifeCycleSummary,
    final_indicators: std::collections::BTreeMap<&'static str, f64>,
}

#[derive(Serialize, Default)]
struct LifeCycleSummary {
    phases: Vec<PhaseStart>,
    dynamic_factors_by_phase:
        std::collections::BTreeMap<&'static str, std::collections::BTreeMap<&'static str, f64>>,
}

#[derive(Serialize)]
struct PhaseStart {
    phase: &'static str,
    start: u32,
}

/// The six dynamic factors, as columns.
const DYNAMIC_FACTORS: [&str; 6] = [
    "social_capital",
    "knowledge_capital",
    "coopetition",
    "market_demand",
    "intermediary_organisations",
    "local_government",
];

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
    let scenario = loaded.scenario;
    let timeseries_path = args.out.join("timeseries.csv");
    let summary_path = args.out.join("summary.json");
    check_outputs(
        "--out",
        &[
            timeseries_path.clone(),
            summary_path.clone(),
            args.out.join("maps.json"),
            args.out.join("network.json"),
            args.out.join("report.html"),
        ],
    )?;

    let mut world = World::new(&scenario);
    world.record_timings(args.timings);
    let mut staged = Staged::in_dir(&args.out)?;
    let mut timeseries = staged.create(&timeseries_path)?;

    let mut series = Series::new(&scenario);
    writeln!(timeseries, "step,{}", series.columns().join(","))
        .context("cannot write the time series")?;
    let mut row = Vec::with_capacity(series.columns().len());
    let mut maps = args.report.then(|| crate::series::Maps::new(&scenario, 12));
    // The life cycle: the phase column and the six factors, gathered per phase.
    let at = |name: &str| series.columns().iter().position(|c| c == name);
    let phase_column = at("phase");
    let factor_columns: Vec<Option<usize>> = DYNAMIC_FACTORS.iter().map(|f| at(f)).collect();
    let mut life_cycle = LifeCycleSummary::default();
    let mut sums: std::collections::BTreeMap<u8, ([f64; 6], f64)> = Default::default();
    let write_row = |w: &World, out: &mut dyn Write| -> std::io::Result<()> {
        series.observe(w, &mut row);
        if let Some(m) = maps.as_mut() {
            m.observe(w);
        }
        if let Some(pc) = phase_column {
            let code = row[pc] as u8;
            let name = Phase::NAMES[usize::from(code).min(4)];
            if life_cycle.phases.last().map(|p| p.phase) != Some(name) {
                life_cycle.phases.push(PhaseStart {
                    phase: name,
                    start: w.current_step(),
                });
            }
            let entry = sums.entry(code).or_insert(([0.0; 6], 0.0));
            for (sum, column) in entry.0.iter_mut().zip(&factor_columns) {
                *sum += column.map_or(0.0, |c| row[c]);
            }
            entry.1 += 1.0;
        }
        write!(out, "{}", w.current_step())?;
        for value in &row {
            write!(out, ",{value}")?;
        }
        writeln!(out)
    };
    run_writing_rows(
        &mut world,
        scenario.steps(),
        args.quiet,
        &mut timeseries,
        write_row,
    )
    .map_err(|e| CliError::while_writing(e, &timeseries_path.display().to_string()))?;
    for s in world.seed_shortfalls() {
        eprintln!(
            "clusterlab: warning: technology `{}` asked for {} seed adopters at step {}, but only {} firms were eligible",
            scenario.technologies()[s.tech.0].id, s.wanted, s.step, s.placed
        );
    }
    drop(timeseries);

    let technologies: Vec<TechnologySummary> = scenario
        .technologies()
        .iter()
        .enumerate()
        .map(|(k, t)| TechnologySummary {
            id: &t.id,
            group: &t.group,
            arrival: Some(world.technologies()[k].arrival).filter(|&a| a != u32::MAX),
            t10: series.take_up()[k].t10,
            t50: series.take_up()[k].t50,
            t90: series.take_up()[k].t90,
            final_adopters: world.adopters(TechId(k)),
            final_share: world.adoption_share(TechId(k)),
            peak_adoption_rate: series.take_up()[k].peak_rate,
            peak_step: series.take_up()[k].peak_step,
            spatial_reach: world.spatial_reach(TechId(k)),
            laggard_adoption: world.laggard_adoption(TechId(k)),
        })
        .collect();
    let summary = Summary {
        clusterlab_version: env!("CARGO_PKG_VERSION"),
        scenario_source: &loaded.source,
        firm_file: loaded.firm_file.as_deref(),
        seed: scenario.seed(),
        steps: scenario.steps(),
        firms: world.n_firms(),
        economy: world.economy().map(|e| EconomySummary {
            initial_firms: e.initial_firms(),
            entries: e.total_entries(),
            exits: e.total_exits(),
            radical_technologies: world
                .technologies()
                .iter()
                .filter(|t| t.radical && t.arrival != u32::MAX)
                .count(),
            welfare_total: e.totals().welfare,
            fiscal_cost: e.totals().subsidy,
            fiscal_cost_per_firm: e.totals().subsidy / e.initial_firms().max(1) as f64,
            rd_spending_total: e.totals().rd_spending,
            innovations_total: e.totals().innovations,
            life_cycle: {
                let mut summary = std::mem::take(&mut life_cycle);
                for (code, (sum, n)) in &sums {
                    summary.dynamic_factors_by_phase.insert(
                        Phase::NAMES[usize::from(*code).min(4)],
                        DYNAMIC_FACTORS
                            .iter()
                            .zip(sum)
                            .map(|(f, s)| (*f, s / n))
                            .collect(),
                    );
                }
                summary
            },
            core_weights: e.subsystem_weights().0,
            auxiliary_weights: e.subsystem_weights().1,
            final_indicators: Observation::columns(world.processes().strategy)
                .zip(e.observe(world.current_step()).values())
                .collect(),
        }),
        technologies,
        scenario: scenario.as_written(),
    };
    if let Some(m) = &maps {
        let maps_path = args.out.join("maps.json");
        let mut maps_file = staged.create(&maps_path)?;
        serde_json::to_writer(&mut maps_file, m).context("cannot write the maps")?;
        drop(maps_file);
        if let Some(network) = crate::series::NetworkView::of(&world) {
            let path = args.out.join("network.json");
            let mut file = staged.create(&path)?;
            serde_json::to_writer(&mut file, &network).context("cannot write the network")?;
        }
    }
    let mut summary_file = staged.create(&summary_path)?;
    serde_json::to_writer_pretty(&mut summary_file, &summary)
        .context("cannot write the summary")?;
    writeln!(summary_file)
        .and_then(|_| summary_file.flush())
        .with_context(|| format!("cannot write {}", summary_path.display()))?;
    drop(summary_file);
    staged.commit()?;

    if args.report {
        crate::commands::report::write_report(&args.out, &args.out.join("report.html"))?;
    }
    if !args.quiet {
        report(&args.out, &summary);
    }
    if let Some(timings) = world.timings() {
        let total: f64 = timings.seconds.iter().sum();
        eprintln!("seconds per process over {} steps:", scenario.steps());
        for (name, seconds) in ProcessTimings::NAMES.iter().zip(timings.seconds) {
            if seconds > 0.0 {
                eprintln!(
                    "  {name:<12} {seconds:>9.3} s  {:>5.1}%",
                    100.0 * seconds / total.max(f64::MIN_POSITIVE)
                );
            }
        }
    }
    Ok(())
}

/// The scenario of run `run` of the sweep in `dir`, with its seed.
fn sweep_run(dir: &Path, run: u64, overrides: Overrides) -> CliResult<Loaded> {
    use crate::store::catalogue::{Catalogue, FILE};
    if !dir.join(FILE).is_file() {
        return Err(CliError::input(format!(
            "--from: {} holds no sweep (expected the directory a `clusterlab sweep` wrote, with {FILE})",
            dir.display()
        )));
    }
    let catalogue = Catalogue::open(dir)?;
    let Some(record) = catalogue.run(run)? else {
        let (_, total) = catalogue.progress()?;
        return Err(CliError::input(format!(
            "--run-id: the sweep in {} has no run {run} (expected 0 to {})",
            dir.display(),
            total.saturating_sub(1)
        )));
    };
    let (_, text) = catalogue.point(record.point)?;
    let source = format!("{} run {run}", dir.display());
    load_scenario_text(
        &text,
        &source,
        Path::new(""),
        Overrides {
            seed: Some(record.seed),
            steps: overrides.steps,
        },
        machine_limits()?,
    )
}

fn report(out: &Path, summary: &Summary<'_>) {
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
