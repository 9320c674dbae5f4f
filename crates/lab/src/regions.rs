//! Several regions in one run, and firms migrating between them: a regions file read and
//! checked, its regions' scenarios loaded, the `Regions` stepped, and every file written whole
//! (DIR/timeseries-<id>.csv, DIR/migration.csv, DIR/summary.json) or none.

use crate::error::{LabError, LabResult};
use crate::load::{check_outputs, load_scenario_text, machine_limits, read_scenario, Overrides};
use crate::progress::{interrupted, step_bar};
use crate::series::Series;
use anyhow::Context;
use clusterlab_model::regions::{check_regions, CrossTies, Regions, RegionsFile, Trade};
use clusterlab_model::scenario::{parse_toml, Parsed};
use clusterlab_store::atomic::Staged;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What a regions run reads and writes.
#[derive(Clone, Debug)]
pub struct RegionsOptions {
    /// The regions file (TOML).
    pub file: PathBuf,
    /// Output directory, created if missing.
    pub out: PathBuf,
    /// No progress bar.
    pub quiet: bool,
}

/// How a regions run went: its file, steps and each region's accounting.
#[derive(Clone, Debug)]
pub struct RegionsOutcome {
    /// The regions file, as named.
    pub source: String,
    /// Steps run.
    pub steps: u32,
    /// Each region's accounting, as in summary.json.
    pub regions: Vec<RegionSummary>,
}

/// A region's accounting over the run.
#[derive(Clone, Debug, Serialize)]
pub struct RegionSummary {
    /// The region's id.
    pub id: String,
    /// Its scenario file.
    pub scenario: String,
    /// Firms at step 0.
    pub initial_firms: u64,
    /// Entries over the run.
    pub entries: u64,
    /// Exits over the run.
    pub exits: u64,
    /// Firms that moved in.
    pub moved_in: u64,
    /// Firms that moved out.
    pub moved_out: u64,
    /// Firms at the end.
    pub final_firms: u64,
    /// Output sold on other regions' markets.
    pub exported_to_regions: f64,
    /// Output sold here by other regions' firms.
    pub imported_from_regions: f64,
    /// Knowledge its firms learned over ties to other regions.
    pub learned_abroad: f64,
    /// Its ties to other regions at the end.
    pub ties_abroad: usize,
}

const FLOWS: [&str; 6] = [
    "leaders_in",
    "middle_in",
    "laggards_in",
    "leaders_out",
    "middle_out",
    "laggards_out",
];

/// Runs the regions of `args.file` to their last step and writes their files.
pub fn run_regions(args: &RegionsOptions) -> LabResult<RegionsOutcome> {
    let source = args.file.display().to_string();
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| LabError::input(format!("cannot read the regions file {source}: {e}")))?;
    let parsed: Parsed<RegionsFile> = parse_toml(&text, &source, |_| None)
        .map_err(|p| LabError::inputs(p.0.iter().map(ToString::to_string).collect()))?;
    if !parsed.problems.is_empty() {
        return Err(LabError::inputs(
            parsed.problems.iter().map(ToString::to_string).collect(),
        ));
    }
    let file = &parsed.file;
    let (migration, incentives) = check_regions(file).map_err(|problems| {
        LabError::inputs(
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
            return Err(LabError::input(format!(
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
            return Err(LabError {
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
    Ok(RegionsOutcome {
        source,
        steps: file.steps,
        regions: summary,
    })
}
