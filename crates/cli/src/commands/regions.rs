//! `clusterlab regions`: several regions in one run, and firms migrating between them.

use crate::error::{CliError, CliResult};
use anyhow::Context;
use clap::Args;
use clusterlab_lab::load::check_outputs;
use clusterlab_lab::load::{load_scenario_text, machine_limits, read_scenario, Overrides};
use clusterlab_lab::progress::{interrupted, step_bar};
use clusterlab_lab::series::Series;
use clusterlab_model::regions::{check_regions, CrossTies, Regions, RegionsFile, Trade};
use clusterlab_model::scenario::{parse_toml, Parsed};
use clusterlab_store::atomic::Staged;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Run several regions at once, firms migrating between them.
///
/// REGIONS.toml lists the regions (`[[region]]`: `id`, its `scenario` file, a location `x`,
/// `y`), the `[migration]` parameters (rate, classes that move, moving and distance costs, the
/// logit's scale, weights of groundings, market access, agglomeration and cost) and
/// relocation `[[incentive]]`s (a region, a bonus, a period). Writes DIR/timeseries-<id>.csv
/// for each region (its series, then in- and out-migrants by class), DIR/migration.csv and
/// DIR/summary.json with each region's accounting. See examples/regions/ and docs/ODD.md
/// (S21).
#[derive(Debug, Args)]
pub struct RegionsArgs {
    /// The regions file (TOML).
    #[arg(value_name = "REGIONS.toml")]
    file: PathBuf,

    /// Output directory, created if missing.
    #[arg(long, value_name = "DIR", default_value = "clusterlab-regions")]
    out: PathBuf,

    /// No progress bar and no closing report.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Serialize)]
struct RegionSummary {
    id: String,
    scenario: String,
    initial_firms: u64,
    entries: u64,
    exits: u64,
    moved_in: u64,
    moved_out: u64,
    final_firms: u64,
    /// Output sold on other regions' markets, and sold here by other regions' firms.
    exported_to_regions: f64,
    imported_from_regions: f64,
    /// Knowledge its firms learned over ties to other regions, and those ties at the end.
    learned_abroad: f64,
    ties_abroad: usize,
}

const FLOWS: [&str; 6] = [
    "leaders_in",
    "middle_in",
    "laggards_in",
    "leaders_out",
    "middle_out",
    "laggards_out",
];

/// Runs the command.
pub fn run(args: RegionsArgs) -> CliResult {
    let source = args.file.display().to_string();
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| CliError::input(format!("cannot read the regions file {source}: {e}")))?;
    let parsed: Parsed<RegionsFile> = parse_toml(&text, &source, |_| None)
        .map_err(|p| CliError::inputs(p.0.iter().map(ToString::to_string).collect()))?;
    if !parsed.problems.is_empty() {
        return Err(CliError::inputs(
            parsed.problems.iter().map(ToString::to_string).collect(),
        ));
    }
    let file = &parsed.file;
    let (migration, incentives) = check_regions(file).map_err(|problems| {
        CliError::inputs(
            problems
                .iter()
                .map(|(field, message)| {
                    let line = parsed
                        .lines
                        .line_of(field)
                        .map(|l| format!(":{l}"))
                        .unwrap_or_default();
                    format!("{source}{line}: {field}: {message}")
                })
                .collect(),
        )
    })?;
    let dir = args
        .file
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let limits = machine_limits()?;
    let mut list = Vec::new();
    let mut sources = Vec::new();
    for (i, r) in file.regions.iter().enumerate() {
        let path = dir.join(&r.scenario);
        let (text, scenario_source, base) = read_scenario(Some(&path))?;
        let loaded = load_scenario_text(
            &text,
            &scenario_source,
            &base,
            Overrides {
                seed: Some(file.seed.wrapping_add(i as u64)),
                steps: Some(file.steps),
            },
            limits,
        )?;
        if !loaded.scenario.processes().economy() {
            return Err(CliError::input(format!(
                "{scenario_source}: processes: region `{}` runs no process of the economy, so it has no firms that could move (expected e.g. processes = [\"market\", \"diffusion\"])",
                r.id
            )));
        }
        sources.push(scenario_source);
        list.push((r.id.clone(), (r.x, r.y), loaded.scenario));
    }
    let outputs: Vec<PathBuf> = file
        .regions
        .iter()
        .map(|r| args.out.join(format!("timeseries-{}.csv", r.id)))
        .chain([
            args.out.join("migration.csv"),
            args.out.join("summary.json"),
        ])
        .collect();
    check_outputs("--out", &outputs)?;
    let scenarios: Vec<_> = list.iter().map(|(_, _, s)| s.clone()).collect();
    let mut regions = Regions::new(list, migration, incentives, file.seed);
    if let Some(t) = &file.ties {
        regions = regions.with_cross_ties(CrossTies {
            formation: t.formation,
            distance_scale: t.distance_scale,
            learning: t.learning,
            decay: t.decay,
        });
    }
    if let Some(t) = &file.trade {
        regions = regions.with_trade(Trade {
            base: t.base,
            per_distance: t.per_distance,
        });
    }
    let mut series: Vec<Series> = scenarios.iter().map(Series::new).collect();
    let mut staged = Staged::in_dir(&args.out)?;
    let mut writers = Vec::new();
    for (r, s) in file.regions.iter().zip(&series) {
        let path = args.out.join(format!("timeseries-{}.csv", r.id));
        let mut w = staged.create(&path)?;
        writeln!(w, "step,{},{}", s.columns().join(","), FLOWS.join(","))
            .context("cannot write a time series")?;
        writers.push(w);
    }
    let migration_path = args.out.join("migration.csv");
    let mut migration_out = staged.create(&migration_path)?;
    writeln!(migration_out, "step,region,{}", FLOWS.join(","))
        .context("cannot write migration.csv")?;
    let mut row = Vec::new();
    let write_all = |regions: &Regions,
                     series: &mut [Series],
                     writers: &mut [_],
                     migration_out: &mut dyn Write,
                     row: &mut Vec<f64>|
     -> std::io::Result<()> {
        let t = regions.current_step();
        for ((region, s), w) in regions
            .regions
            .iter()
            .zip(series.iter_mut())
            .zip(writers.iter_mut())
        {
            let w: &mut dyn Write = w;
            s.observe(&region.world, row);
            write!(w, "{t}")?;
            for v in row.iter() {
                write!(w, ",{v}")?;
            }
            let flows = region.flows[0].iter().chain(&region.flows[1]);
            for f in flows.clone() {
                write!(w, ",{f}")?;
            }
            writeln!(w)?;
            if t > 0 {
                write!(migration_out, "{t},{}", region.id)?;
                for f in flows {
                    write!(migration_out, ",{f}")?;
                }
                writeln!(migration_out)?;
            }
        }
        Ok(())
    };
    write_all(
        &regions,
        &mut series,
        &mut writers,
        &mut migration_out,
        &mut row,
    )
    .context("cannot write the time series")?;
    let bar = step_bar(u64::from(file.steps), args.quiet);
    while regions.current_step() < file.steps {
        if interrupted() {
            bar.abandon();
            return Err(CliError {
                lines: vec!["interrupted: nothing was written".into()],
                code: crate::error::EXIT_INTERRUPTED,
            });
        }
        regions.step();
        write_all(
            &regions,
            &mut series,
            &mut writers,
            &mut migration_out,
            &mut row,
        )
        .context("cannot write the time series")?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    for w in &mut writers {
        w.flush().context("cannot write a time series")?;
    }
    drop(writers);
    migration_out
        .flush()
        .context("cannot write migration.csv")?;
    drop(migration_out);
    let summary: Vec<RegionSummary> = regions
        .regions
        .iter()
        .zip(&sources)
        .map(|(r, s)| {
            let e = r.world.economy();
            RegionSummary {
                id: r.id.clone(),
                scenario: s.clone(),
                initial_firms: r.initial_firms,
                entries: e.map_or(0, |e| e.total_entries()),
                exits: e.map_or(0, |e| e.total_exits()),
                moved_in: r.moved_in,
                moved_out: r.moved_out,
                final_firms: r.world.n_firms(),
                exported_to_regions: r.traded.0,
                imported_from_regions: r.traded.1,
                learned_abroad: r.learned_abroad,
                ties_abroad: regions
                    .ties
                    .iter()
                    .filter(|(a, b)| {
                        regions.regions[a.0].id == r.id || regions.regions[b.0].id == r.id
                    })
                    .count(),
            }
        })
        .collect();
    let mut summary_file = staged.create(&args.out.join("summary.json"))?;
    serde_json::to_writer_pretty(
        &mut summary_file,
        &serde_json::json!({
            "regions_file": source,
            "name": file.name,
            "seed": file.seed,
            "steps": file.steps,
            "regions": summary,
        }),
    )
    .context("cannot write the summary")?;
    writeln!(summary_file).context("cannot write the summary")?;
    drop(summary_file);
    staged.commit()?;
    if !args.quiet {
        println!(
            "{}: {} regions, {} steps -> {}",
            source,
            summary.len(),
            file.steps,
            args.out.display()
        );
        for r in &summary {
            println!(
                "  {:<16} firms {} → {} (entries {}, exits {}, moved in {}, moved out {})",
                r.id, r.initial_firms, r.final_firms, r.entries, r.exits, r.moved_in, r.moved_out
            );
        }
    }
    Ok(())
}
