//! A run and its outputs: one simulation of a scenario, written whole (or not at all) as
//! DIR/timeseries.csv and DIR/summary.json, with DIR/maps.json and DIR/network.json for the
//! report when asked. [`RunSummary`] is summary.json's one type, written and read.

use crate::error::{LabError, LabResult};
use crate::input::csv_rows;
use crate::load::{load_scenario_text, machine_limits, Loaded, Overrides};
use crate::panel::Panel;
use crate::progress::run_writing_rows;
use crate::series::Series;
use anyhow::Context;
use clusterlab_model::economy::diagnosis::DynamicFactors;
use clusterlab_model::economy::lifecycle::Phase;
use clusterlab_model::scenario::ScenarioFile;
use clusterlab_model::{ProcessTimings, TechId, World};
use clusterlab_numerics::performance::RunPerformance;
use clusterlab_store::atomic::Staged;
use clusterlab_store::table::{Column, Table};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What a run writes besides its time series and summary.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// The output directory, created if missing; its files are replaced whole.
    pub out: PathBuf,
    /// No progress bar.
    pub quiet: bool,
    /// Record the seconds each process of the step takes.
    pub timings: bool,
    /// Also write DIR/maps.json (the region at twelve steps) and, when the economy runs,
    /// DIR/network.json (the ties at the last step): what a report draws beyond the series.
    pub maps: bool,
    /// Also write the firm panel (DIR/panel.parquet, and DIR/panel.csv when asked): one row
    /// per firm per recorded step ([`crate::panel`]).
    pub panel: Option<PanelOptions>,
}

/// How the firm panel is recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PanelOptions {
    /// Record every this many steps (step 0 included); at least 1.
    pub every: u32,
    /// Also write DIR/panel.csv.
    pub csv: bool,
}

/// The panel's file names in a run directory.
pub const PANEL: &str = "panel.parquet";
/// See [`PANEL`].
pub const PANEL_CSV: &str = "panel.csv";

impl RunOptions {
    /// The files a run with these options writes.
    pub fn outputs(&self) -> Vec<PathBuf> {
        let mut files = vec![self.out.join(TIMESERIES), self.out.join(SUMMARY)];
        if self.maps {
            files.push(self.out.join("maps.json"));
            files.push(self.out.join("network.json"));
        }
        if let Some(panel) = self.panel {
            files.push(self.out.join(PANEL));
            if panel.csv {
                files.push(self.out.join(PANEL_CSV));
            }
        }
        files
    }
}

/// The time series' file name in a run directory.
pub const TIMESERIES: &str = "timeseries.csv";
/// The summary's file name in a run directory.
pub const SUMMARY: &str = "summary.json";

/// What a finished run hands back: its summary (as written), the seconds per process when
/// asked, and warnings worth telling.
#[derive(Debug)]
pub struct RunOutput {
    /// summary.json's contents.
    pub summary: RunSummary,
    /// Seconds per process, by [`ProcessTimings::NAMES`], when timings were recorded.
    pub timings: Option<Vec<(&'static str, f64)>>,
    /// Warnings of the run (seed adopters that could not all be placed).
    pub warnings: Vec<String>,
    /// Rows of the firm panel, when it was written.
    pub panel_rows: Option<u64>,
}

/// One technology's diffusion over a run.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct TechnologySummary {
    /// Its id in the scenario.
    pub id: String,
    /// Its competition group.
    pub group: String,
    /// The step it arrived; `None` for a radical technology that no innovation created. For a
    /// radical slot reused by a newer technology, the newest's arrival.
    pub arrival: Option<u32>,
    /// First step at which its share reached 10% (`None`: never).
    pub t10: Option<usize>,
    /// First step at which its share reached 50%.
    pub t50: Option<usize>,
    /// First step at which its share reached 90%.
    pub t90: Option<usize>,
    /// Adopters at the end.
    pub final_adopters: u64,
    /// Share of all firms at the end.
    pub final_share: f64,
    /// Largest rise of the share in one step.
    pub peak_adoption_rate: f64,
    /// The step of that rise.
    pub peak_step: Option<usize>,
    /// Share of the region's extent its adopters span.
    pub spatial_reach: f64,
    /// Share of laggards that adopted, when the economy classes firms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub laggard_adoption: Option<f64>,
}

/// A summary written before the calendar was stated: a step was then read as a quarter.
fn quarter() -> String {
    "quarter".to_string()
}

fn four() -> u32 {
    4
}

/// summary.json: written by [`run_to_dir`], read by [`read_summary`] (the report, the
/// dashboard and `evaluate --runs` read it through this type).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct RunSummary {
    /// The clusterlab version that made the run.
    pub clusterlab_version: String,
    /// The scenario's file, or the bundled default's name.
    pub scenario_source: String,
    /// The firm file read, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firm_file: Option<String>,
    /// The seed of every random stream.
    pub seed: u64,
    /// Steps run.
    pub steps: u32,
    /// The calendar time a step stands for (`month`, `quarter` or `year`).
    #[serde(default = "quarter")]
    pub period: String,
    /// Steps per year: annual statistics take this many steps.
    #[serde(default = "four")]
    pub steps_per_year: u32,
    /// Firms at the end.
    pub firms: u64,
    /// The economy over the run, when it runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub economy: Option<EconomySummary>,
    /// Per technology, in the scenario's order.
    pub technologies: Vec<TechnologySummary>,
    /// The scenario with every default filled in.
    pub scenario: ScenarioFile,
}

/// The economy over the run: who entered and left, and what the last step looked like.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct EconomySummary {
    /// Firms at step 0.
    pub initial_firms: usize,
    /// Entries over the run.
    pub entries: u64,
    /// Exits over the run.
    pub exits: u64,
    /// Radical technologies innovations created (those that reused an extinct one's slot
    /// included).
    pub radical_technologies: usize,
    /// Welfare summed over the run.
    pub welfare_total: f64,
    /// Public money over the run.
    pub fiscal_cost: f64,
    /// The same per initial firm.
    pub fiscal_cost_per_firm: f64,
    /// R&D spending over the run.
    pub rd_spending_total: f64,
    /// Innovations over the run.
    pub innovations_total: u64,
    /// Weights of the core subsystem's three factors.
    pub core_weights: [f64; 3],
    /// Weights of the auxiliary subsystem's three factors.
    pub auxiliary_weights: [f64; 3],
    /// Where each phase of the life cycle began, and the six dynamic factors' means by phase.
    pub life_cycle: LifeCycleSummary,
    /// Every indicator at the last step, by column name.
    pub final_indicators: BTreeMap<String, f64>,
}

/// The life cycle over a run.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct LifeCycleSummary {
    /// The phases in the order they began.
    pub phases: Vec<PhaseStart>,
    /// Per phase, each dynamic factor's mean over its steps.
    pub dynamic_factors_by_phase: BTreeMap<String, BTreeMap<String, f64>>,
}

/// Where a phase began.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct PhaseStart {
    /// The phase's name.
    pub phase: String,
    /// The step it began.
    pub start: u32,
}

/// Reads a run directory's summary.json.
pub fn read_summary(dir: &Path) -> LabResult<RunSummary> {
    let path = dir.join(SUMMARY);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        LabError::input(format!(
            "cannot read {}: {e} (expected a directory written by `clusterlab run`)",
            path.display()
        ))
    })?;
    serde_json::from_str(&text).map_err(|e| {
        LabError::input(format!(
            "{}: line {}: {e} (expected the summary `clusterlab run` writes)",
            path.display(),
            e.line()
        ))
    })
}

/// Runs `loaded`'s scenario to its last step and writes its files into `options.out`, all of
/// them or none: after an error or an interrupt nothing is left behind. The caller checks
/// beforehand that the outputs can be written ([`crate::load::check_outputs`]).
pub fn run_to_dir(loaded: &Loaded, options: &RunOptions) -> LabResult<RunOutput> {
    let scenario = &loaded.scenario;
    let timeseries_path = options.out.join(TIMESERIES);
    let summary_path = options.out.join(SUMMARY);

    let mut world = World::new(scenario);
    world.record_timings(options.timings);
    let mut staged = Staged::in_dir(&options.out)?;
    let mut timeseries = staged.create(&timeseries_path)?;

    let mut series = Series::new(scenario);
    writeln!(timeseries, "step,{}", series.columns().join(","))
        .context("cannot write the time series")?;
    let mut row = Vec::with_capacity(series.columns().len());
    let mut maps = options.maps.then(|| crate::series::Maps::new(scenario, 12));
    // The life cycle: the phase and the six dynamic factors, gathered per phase.
    let mut life_cycle = LifeCycleSummary::default();
    let mut sums: BTreeMap<Phase, (Vec<f64>, f64)> = BTreeMap::new();
    let mut panel = match options.panel {
        Some(p) => {
            let parquet = staged.create(&options.out.join(PANEL))?;
            let csv = if p.csv {
                Some(staged.create(&options.out.join(PANEL_CSV))?)
            } else {
                None
            };
            Some(Panel::new(p.every, parquet, csv))
        }
        None => None,
    };
    let write_row = |w: &World, out: &mut dyn Write| -> std::io::Result<()> {
        if let Some(panel) = panel.as_mut() {
            panel.observe(w).map_err(std::io::Error::other)?;
        }
        let observation = series.observe(w, &mut row);
        if let Some(m) = maps.as_mut() {
            m.observe(w);
        }
        if let Some(o) = observation {
            let phase = o.indicators.phase;
            if life_cycle.phases.last().map(|p| p.phase.as_str()) != Some(phase.name()) {
                life_cycle.phases.push(PhaseStart {
                    phase: phase.name().to_string(),
                    start: w.current_step(),
                });
            }
            let entry = sums
                .entry(phase)
                .or_insert_with(|| (vec![0.0; DynamicFactors::NAMES.len()], 0.0));
            for (sum, factor) in entry
                .0
                .iter_mut()
                .zip(o.diagnosis.dynamic_factors().values())
            {
                *sum += factor;
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
        options.quiet,
        &mut timeseries,
        write_row,
    )
    .map_err(|e| LabError::while_writing(e, &timeseries_path.display().to_string()))?;
    let panel_rows = match panel {
        Some(panel) => Some(panel.finish().context("cannot write the firm panel")?.1),
        None => None,
    };
    let warnings = world
        .seed_shortfalls()
        .iter()
        .map(|s| {
            format!(
                "warning: technology `{}` asked for {} seed adopters at step {}, but only {} firms were eligible",
                scenario.technologies()[s.tech.0].id, s.wanted, s.step, s.placed
            )
        })
        .collect();
    drop(timeseries);

    let technologies: Vec<TechnologySummary> = scenario
        .technologies()
        .iter()
        .enumerate()
        .map(|(k, t)| TechnologySummary {
            id: t.id.clone(),
            group: t.group.clone(),
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
    let summary = RunSummary {
        clusterlab_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario_source: loaded.source.clone(),
        firm_file: loaded.firm_file.clone(),
        seed: scenario.seed(),
        steps: scenario.steps(),
        period: scenario.period().name().to_string(),
        steps_per_year: scenario.period().steps_per_year(),
        firms: world.n_firms(),
        economy: world.economy().map(|e| EconomySummary {
            initial_firms: e.initial_firms(),
            entries: e.total_entries(),
            exits: e.total_exits(),
            radical_technologies: world.radical_introduced() as usize,
            welfare_total: e.totals().welfare,
            fiscal_cost: e.totals().subsidy,
            fiscal_cost_per_firm: e.totals().subsidy / e.initial_firms().max(1) as f64,
            rd_spending_total: e.totals().rd_spending,
            innovations_total: e.totals().innovations,
            life_cycle: {
                let mut summary = std::mem::take(&mut life_cycle);
                for (phase, (sum, n)) in &sums {
                    summary.dynamic_factors_by_phase.insert(
                        phase.name().to_string(),
                        DynamicFactors::NAMES
                            .iter()
                            .zip(sum)
                            .map(|(f, s)| (f.to_string(), s / n))
                            .collect(),
                    );
                }
                summary
            },
            core_weights: e.subsystem_weights().0,
            auxiliary_weights: e.subsystem_weights().1,
            final_indicators: e
                .observe(world.current_step())
                .pairs()
                .map(|(name, value)| (name.to_string(), value))
                .collect(),
        }),
        technologies,
        scenario: scenario.as_written().clone(),
    };
    if let Some(m) = &maps {
        let maps_path = options.out.join("maps.json");
        let mut maps_file = staged.create(&maps_path)?;
        serde_json::to_writer(&mut maps_file, m).context("cannot write the maps")?;
        drop(maps_file);
        if let Some(network) = crate::series::NetworkView::of(&world) {
            let path = options.out.join("network.json");
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
    let timings = world.timings().map(|t| {
        ProcessTimings::NAMES
            .iter()
            .copied()
            .zip(t.seconds.iter().copied())
            .collect()
    });
    Ok(RunOutput {
        summary,
        timings,
        warnings,
        panel_rows,
    })
}

/// The scenario of run `run` of the sweep in `dir`, with its seed.
pub fn sweep_run(dir: &Path, run: u64, overrides: Overrides) -> LabResult<Loaded> {
    use clusterlab_store::catalogue::{Catalogue, FILE};
    if !dir.join(FILE).is_file() {
        return Err(LabError::input(format!(
            "--from: {} holds no sweep (expected the directory a `clusterlab sweep` wrote, with {FILE})",
            dir.display()
        )));
    }
    let catalogue = Catalogue::open(dir)?;
    let Some(record) = catalogue.run(run)? else {
        let (_, total) = catalogue.progress()?;
        return Err(LabError::input(format!(
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

/// A run's diffusion performance (the indicators an evaluation of runs reads) from its
/// summary, for `technology` (or its only one).
pub fn performance(dir: &Path, technology: Option<&str>) -> LabResult<RunPerformance> {
    let summary = read_summary(dir)?;
    let shown = dir.join(SUMMARY).display().to_string();
    let technologies = &summary.technologies;
    let ids: Vec<&str> = technologies.iter().map(|t| t.id.as_str()).collect();
    let tech = match technology {
        Some(id) => technologies.iter().find(|t| t.id == id).ok_or_else(|| {
            LabError::input(format!(
                "{shown}: no technology `{id}` (expected one of: {})",
                ids.join(", ")
            ))
        })?,
        None if technologies.len() == 1 => &technologies[0],
        None => {
            return Err(LabError::input(format!(
                "{shown}: the run has {} technologies; choose one with --technology (one of: {})",
                technologies.len(),
                ids.join(", ")
            )))
        }
    };
    let economy = summary.economy.as_ref();
    let step = |t: Option<usize>| t.map(|t| t as u32);
    Ok(RunPerformance {
        name: dir.file_name().map_or_else(
            || dir.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        ),
        steps: summary.steps,
        t10: step(tech.t10),
        t50: step(tech.t50),
        t90: step(tech.t90),
        peak_adoption_rate: tech.peak_adoption_rate,
        final_share: tech.final_share,
        spatial_reach: tech.spatial_reach,
        laggard_adoption: tech.laggard_adoption,
        welfare_total: economy.map(|e| e.welfare_total),
        fiscal_cost_per_firm: economy.map(|e| e.fiscal_cost_per_firm),
        final_indicators: economy
            .map(|e| {
                e.final_indicators
                    .iter()
                    .map(|(k, v)| (k.clone(), *v))
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// A run's time series as written in timeseries.csv: its columns by name, every value a number.
#[derive(Clone, Debug, PartialEq)]
pub struct Timeseries {
    /// Column names, `step` first.
    pub names: Vec<String>,
    /// Values by column.
    pub columns: Vec<Vec<f64>>,
}

impl Timeseries {
    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&[f64]> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| self.columns[i].as_slice())
    }

    /// As a table for Parquet or CSV: `step` an integer, every other column a double.
    pub fn to_table(&self) -> Table {
        let mut table = Table::default();
        for (name, column) in self.names.iter().zip(&self.columns) {
            if name == "step" {
                table.push(
                    name,
                    Column::Int(column.iter().map(|&v| v as i64).collect()),
                );
            } else {
                table.push(name, Column::Float(column.clone()));
            }
        }
        table
    }
}

/// Reads a run directory's timeseries.csv; a cell that is not a number is refused with its
/// line and column.
pub fn read_timeseries(dir: &Path) -> LabResult<Timeseries> {
    let path = dir.join(TIMESERIES);
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(&path).map_err(|e| {
        LabError::input(format!(
            "cannot read {shown}: {e} (expected a directory written by `clusterlab run`)"
        ))
    })?;
    let rows = csv_rows(&text);
    let Some((_, header)) = rows.first() else {
        return Err(LabError::input(format!("{shown}: the file is empty")));
    };
    let mut columns = vec![Vec::with_capacity(rows.len()); header.len()];
    for (line, row) in &rows[1..] {
        for (i, column) in columns.iter_mut().enumerate() {
            let cell = row.get(i).map_or("", String::as_str);
            let v = cell.parse::<f64>().map_err(|_| {
                LabError::input(format!(
                    "{shown}:{line}: {}: `{cell}` is not a number",
                    header[i]
                ))
            })?;
            column.push(v);
        }
    }
    Ok(Timeseries {
        names: header.clone(),
        columns,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_scenario_text;

    /// Every bundled scenario's summary reads back, field for field, into the type that wrote
    /// it: summary.json has one type.
    #[test]
    fn a_summary_reads_back_as_written() {
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        for name in [
            "default.toml",
            "lifecycle.toml",
            "listed-firms.toml",
            "bass-global.toml",
        ] {
            let path = examples.join(name);
            let text = std::fs::read_to_string(&path).unwrap();
            let loaded = load_scenario_text(
                &text,
                &path.display().to_string(),
                &examples,
                Overrides {
                    seed: None,
                    steps: Some(5),
                },
                clusterlab_model::scenario::Limits::default(),
            )
            .unwrap();
            let dir = tempfile::tempdir().unwrap();
            let options = RunOptions {
                out: dir.path().join("out"),
                quiet: true,
                timings: false,
                maps: true,
                panel: Some(PanelOptions {
                    every: 2,
                    csv: true,
                }),
            };
            let output = run_to_dir(&loaded, &options).unwrap();
            assert_eq!(
                read_summary(&options.out).unwrap(),
                output.summary,
                "{name}"
            );
            for file in options.outputs() {
                assert!(
                    file.is_file() || file.ends_with("network.json"),
                    "{name}: {file:?}"
                );
            }
        }
    }

    #[test]
    fn a_file_that_is_not_a_summary_is_refused_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(SUMMARY), "{\n  \"seed\": \"x\"\n}\n").unwrap();
        let error = read_summary(dir.path()).unwrap_err();
        assert_eq!(error.code, crate::error::EXIT_BAD_INPUT);
        assert!(error.lines[0].contains("line 2"), "{:?}", error.lines);
    }
}

#[cfg(test)]
mod panel_tests {
    use super::*;
    use crate::load::load_scenario_text;
    use clusterlab_store::table::{Column, Table};
    use std::collections::{BTreeMap, BTreeSet};

    fn ints(table: &Table, name: &str) -> Vec<i64> {
        match table.column(name) {
            Some(Column::Int(v)) => v.clone(),
            other => panic!("{name}: {other:?}"),
        }
    }

    /// The panel agrees with the run's own accounting: a row per live firm at every step,
    /// each firm once per step, entries and exits flagged as often as the economy counted
    /// them, and the CSV holds the same rows as the Parquet file.
    #[test]
    fn the_panel_holds_every_firm_once_per_step_and_its_entries_and_exits() {
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        let path = examples.join("lifecycle.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        let loaded = load_scenario_text(
            &text,
            "lifecycle.toml",
            &examples,
            Overrides {
                seed: None,
                steps: Some(80),
            },
            clusterlab_model::scenario::Limits::default(),
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let options = RunOptions {
            out: dir.path().to_path_buf(),
            quiet: true,
            panel: Some(PanelOptions {
                every: 1,
                csv: true,
            }),
            ..RunOptions::default()
        };
        let output = run_to_dir(&loaded, &options).unwrap();
        let panel = Table::read_parquet(&dir.path().join(PANEL)).unwrap();
        assert_eq!(panel.names, crate::panel::COLUMNS);
        assert_eq!(output.panel_rows, Some(panel.rows() as u64));
        let series = read_timeseries(dir.path()).unwrap();
        let firms = series.column("firms").unwrap();
        let (steps, ids) = (ints(&panel, "step"), ints(&panel, "firm"));
        let mut per_step: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
        for (&t, &id) in steps.iter().zip(&ids) {
            assert!(
                per_step.entry(t).or_default().insert(id),
                "firm {id} twice at {t}"
            );
        }
        for (t, firms) in firms.iter().enumerate() {
            let rows = per_step.get(&(t as i64)).map_or(0, BTreeSet::len);
            assert_eq!(rows as f64, *firms, "step {t}");
        }
        let economy = output.summary.economy.as_ref().unwrap();
        assert!(
            economy.entries > 0 && economy.exits > 0,
            "the run needs turnover"
        );
        assert_eq!(
            ints(&panel, "entry").iter().sum::<i64>() as u64,
            economy.entries
        );
        assert_eq!(
            ints(&panel, "exit").iter().sum::<i64>() as u64,
            economy.exits
        );
        // A firm's exit row is its last; it never comes back.
        let last_step = *steps.iter().max().unwrap();
        for ((&t, &id), &exit) in steps.iter().zip(&ids).zip(&ints(&panel, "exit")) {
            if exit == 1 {
                assert!(t < last_step);
                assert!(!per_step[&(t + 1)].contains(&id));
            }
        }
        let csv = std::fs::read_to_string(dir.path().join(PANEL_CSV)).unwrap();
        assert_eq!(csv.lines().count(), panel.rows() + 1);
        assert_eq!(csv.lines().next().unwrap(), crate::panel::COLUMNS.join(","));
    }
}
