//! Sweeps: an experiment's runs executed by an [`Executor`] (threads on this machine, or the
//! ranks of an MPI job in `crate::distributed`), each run streamed to disk as it finishes and
//! marked done in the SQLite catalogue only once its file is whole, so a sweep resumes after
//! any interruption with only the missing runs.

use crate::error::{LabError, LabResult, EXIT_INTERRUPTED};
use crate::load::{machine_limits, read_scenario};
use crate::panel::Panel;
use crate::progress::{interrupted, runs_bar};
use crate::series::Series;
use crate::variants::{check_variant, VariantError};
use anyhow::{anyhow, Context};
use clusterlab_model::experiment::{check_experiment, Design, Experiment, ExperimentFile};
use clusterlab_model::scenario::{did_you_mean, parse_scenario_text, parse_toml, Limits, Problem};
use clusterlab_model::{Scenario, World};
use clusterlab_store::atomic::{write_atomically, write_synced};
use clusterlab_store::catalogue::{Catalogue, ExperimentRecord, RunRecord};
use clusterlab_store::table::{Column, Table};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

/// How to run a sweep.
#[derive(Clone, Debug)]
pub struct SweepOptions {
    /// The experiment file (TOML).
    pub experiment: PathBuf,
    /// Runs at once (default: every core; under MPI, per rank, default 1).
    pub jobs: Option<u16>,
    /// The output directory: created if missing; an existing one must hold this experiment.
    pub out: PathBuf,
    /// Also write each run's time series as CSV.
    pub csv: bool,
    /// No progress bar.
    pub quiet: bool,
}

/// How a sweep ended, for its closing line.
#[derive(Clone, Debug)]
pub struct SweepOutcome {
    /// The experiment's name (its file when it has none).
    pub name: String,
    /// Runs in the sweep.
    pub total: u64,
    /// Design points.
    pub points: usize,
    /// Replications per point.
    pub replications: u32,
    /// The design's name.
    pub design: &'static str,
    /// Runs done by this call.
    pub run_now: u64,
    /// Seconds its runs took.
    pub seconds: f64,
    /// What ran them (`2 jobs`, `3 ranks × 1 job`).
    pub workers: String,
    /// Runs done before this call.
    pub done_before: u64,
}

/// What runs a sweep's runs: every executor prepares the experiment, sets up the directory
/// ([`set_up`]), computes runs ([`compute`]), stores them ([`store`]) and ends with [`close`].
pub trait Executor {
    /// Runs what is left of the sweep. `Ok(None)` on a process that is not the one that
    /// reports (an MPI worker rank).
    fn sweep(&self, options: &SweepOptions) -> LabResult<Option<SweepOutcome>>;
}

/// The runs on this machine's cores, `jobs` at a time (rayon).
#[derive(Clone, Copy, Debug, Default)]
pub struct Threads;

/// An experiment ready to run: checked, with its points and what each run records.
pub struct Prepared {
    /// The experiment.
    pub experiment: Experiment,
    /// The experiment file's text.
    pub text: String,
    /// The base scenario's text.
    pub base_text: String,
    /// Every point's scenario text, firm file made absolute.
    pub point_texts: Vec<String>,
    /// Every point's values, as JSON (for the catalogue) and as table cells.
    pub point_values: Vec<Vec<toml::Value>>,
    /// The series columns, and the indices of those kept.
    pub columns: Vec<String>,
    /// Indices into `columns` of the metrics kept.
    pub kept: Vec<usize>,
    /// Index into `columns` of the stop metric.
    pub stop_column: Option<usize>,
    /// The firm file's name and text, if the scenario reads one.
    pub firm_file: Option<(String, String)>,
}

/// FNV-1a over the parts: what makes two sweeps the same experiment.
fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// `a = 1, b = "x"`: a point's values for messages.
fn describe_point(experiment: &Experiment, values: &[toml::Value]) -> String {
    experiment
        .parameters
        .iter()
        .zip(values)
        .map(|(p, v)| format!("{} = {v}", p.path))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads and checks an experiment and every one of its points.
pub fn prepare(path: &Path) -> LabResult<Prepared> {
    let source = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| LabError::input(format!("cannot read the experiment {source}: {e}")))?;
    let parsed = parse_toml::<ExperimentFile>(&text, &source, |_| None)
        .map_err(|p| LabError::inputs(p.0.iter().map(ToString::to_string).collect()))?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let scenario_path = parsed.file.scenario.as_ref().map(|s| dir.join(s));
    let (base_text, base_source, base_dir) = read_scenario(scenario_path.as_deref())?;
    // The base scenario's own problems first, with its lines.
    parse_scenario_text(&base_text, &base_source)
        .map_err(|p| LabError::inputs(p.0.iter().map(ToString::to_string).collect()))?;
    let mut base: toml::Table = base_text
        .parse()
        .map_err(|e| LabError::input(format!("{base_source}: {e}")))?;
    let experiment = check_experiment(&parsed, &base)
        .map_err(|p| LabError::inputs(p.0.iter().map(ToString::to_string).collect()))?;
    // A firm file relative to the base scenario is read once, and named absolutely in the
    // points' scenarios so a run can be repeated from the catalogue alone.
    let csv_name = base
        .get("firms")
        .and_then(|f| f.get("csv"))
        .and_then(|c| c.as_str())
        .map(String::from);
    let firm_file = match csv_name {
        Some(name) => {
            let resolved = base_dir.join(&name);
            let absolute = std::fs::canonicalize(&resolved).map_err(|e| {
                LabError::input(format!(
                    "cannot read the firm file {}: {e}",
                    resolved.display()
                ))
            })?;
            let csv_text = std::fs::read_to_string(&absolute).map_err(|e| {
                LabError::input(format!(
                    "cannot read the firm file {}: {e}",
                    absolute.display()
                ))
            })?;
            let shown = absolute.display().to_string();
            if let Some(firms) = base.get_mut("firms").and_then(|f| f.as_table_mut()) {
                firms.insert("csv".into(), toml::Value::String(shown.clone()));
            }
            Some((shown, csv_text))
        }
        None => None,
    };
    let limits = machine_limits()?;
    let point_values = experiment.points();
    let mut point_texts = Vec::with_capacity(point_values.len());
    let mut problems = Vec::new();
    let mut first: Option<Scenario> = None;
    for (i, values) in point_values.iter().enumerate() {
        let label = format!(
            "{source}: point {i} ({})",
            describe_point(&experiment, values)
        );
        let point_text = match experiment.scenario_text(&base, values) {
            Ok(t) => t,
            Err(e) => {
                problems.push(format!("{label}: {e}"));
                continue;
            }
        };
        match check_point(&point_text, &label, firm_file.as_ref(), limits, None) {
            Ok(scenario) => {
                if first.is_none() {
                    first = Some(scenario);
                }
            }
            Err(lines) => problems.extend(lines),
        }
        point_texts.push(point_text);
        if problems.len() >= 20 {
            problems.push(format!("{source}: (further points not checked)"));
            break;
        }
    }
    if !problems.is_empty() {
        return Err(LabError::inputs(problems));
    }
    let first =
        first.ok_or_else(|| LabError::input(format!("{source}: the design has no points")))?;
    let columns: Vec<String> = Series::new(&first).columns().to_vec();
    let find = |name: &str, field: &str| -> LabResult<usize> {
        columns.iter().position(|c| c == name).ok_or_else(|| {
            let hint = did_you_mean(name, columns.iter().map(String::as_str));
            LabError::input(format!(
                "{source}: {field}: `{name}` is not a column of the runs' time series{hint}"
            ))
        })
    };
    let kept = if experiment.metrics.is_empty() {
        (0..columns.len()).collect()
    } else {
        experiment
            .metrics
            .iter()
            .map(|m| find(m, "metrics"))
            .collect::<LabResult<Vec<_>>>()?
    };
    let stop_column = experiment
        .stop
        .as_ref()
        .map(|s| find(&s.metric, "stop.metric"))
        .transpose()?;
    Ok(Prepared {
        experiment,
        text,
        base_text,
        point_texts,
        point_values,
        columns,
        kept,
        stop_column,
        firm_file,
    })
}

/// Parses and checks one point's scenario; problems as lines naming the point.
fn check_point(
    text: &str,
    label: &str,
    firm_file: Option<&(String, String)>,
    limits: Limits,
    seed: Option<u64>,
) -> Result<Scenario, Vec<String>> {
    let describe = |p: &Problem| {
        if p.field.is_empty() {
            format!("{label}: {}", p.message)
        } else {
            format!("{label}: {}: {}", p.field, p.message)
        }
    };
    check_variant(text, label, seed, firm_file, limits).map_err(|e| match e {
        VariantError::Unreadable(p) | VariantError::Invalid(p) => {
            p.0.iter().map(describe).collect()
        }
    })
}

/// The scenario of a point with a run's seed.
pub fn run_scenario(prepared: &Prepared, point: usize, seed: u64) -> anyhow::Result<Scenario> {
    let label = format!("point {point}");
    check_point(
        &prepared.point_texts[point],
        &label,
        prepared.firm_file.as_ref(),
        Limits::default(),
        Some(seed),
    )
    .map_err(|lines| anyhow!(lines.join("\n")))
}

/// A point's values as JSON.
fn point_json(experiment: &Experiment, values: &[toml::Value]) -> String {
    let map: serde_json::Map<String, serde_json::Value> = experiment
        .parameters
        .iter()
        .zip(values)
        .map(|(p, v)| {
            let json = match v {
                toml::Value::Integer(i) => serde_json::json!(i),
                toml::Value::Float(f) => serde_json::json!(f),
                toml::Value::Boolean(b) => serde_json::json!(b),
                toml::Value::String(s) => serde_json::json!(s),
                other => serde_json::json!(other.to_string()),
            };
            (p.path.clone(), json)
        })
        .collect();
    serde_json::Value::Object(map).to_string()
}

/// The table of run `run` of the sweep in `dir`; a missing file is refused with how to redo it.
pub fn read_run_table(dir: &Path, run: u64) -> LabResult<Table> {
    let path = run_file(dir, run, "parquet");
    if !path.is_file() {
        return Err(LabError::input(format!(
            "{}: run {run}'s results are missing (run `clusterlab sweep` with the same experiment and --out again to redo it)",
            path.display()
        )));
    }
    Ok(Table::read_parquet(&path)?)
}

/// The extension of a run's firm panel (`runs/run-NNNNNN.panel.parquet`).
pub const PANEL_EXTENSION: &str = "panel.parquet";

/// The name of a run's file.
pub fn run_file(dir: &Path, run: u64, extension: &str) -> PathBuf {
    dir.join("runs").join(format!("run-{run:06}.{extension}"))
}

/// Runs one run and returns its table and final values.
fn execute(
    prepared: &Prepared,
    run: u64,
    point: usize,
    replication: u32,
    seed: u64,
) -> anyhow::Result<Executed> {
    let scenario = run_scenario(prepared, point, seed)?;
    let mut world = World::new(&scenario);
    let mut panel = prepared
        .experiment
        .panel
        .map(|every| Panel::new(every, Vec::new(), None::<Vec<u8>>));
    let mut series = Series::new(&scenario);
    let mut row = Vec::new();
    let kept = &prepared.kept;
    let mut steps: Vec<i64> = Vec::new();
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); kept.len()];
    let stop = prepared.experiment.stop.as_ref();
    loop {
        series.observe(&world, &mut row);
        if let Some(panel) = panel.as_mut() {
            panel.observe(&world)?;
        }
        steps.push(i64::from(world.current_step()));
        for (column, &k) in values.iter_mut().zip(kept) {
            column.push(row[k]);
        }
        let stopped = match (stop, prepared.stop_column) {
            (Some(s), Some(c)) => s.met(row[c]),
            _ => false,
        };
        if stopped || world.current_step() >= scenario.steps() {
            break;
        }
        if interrupted() {
            return Err(anyhow!("interrupted"));
        }
        world.step();
    }
    let n = steps.len();
    let mut table = Table::default();
    table.push("run", Column::Int(vec![run as i64; n]));
    table.push("point", Column::Int(vec![point as i64; n]));
    table.push("replication", Column::Int(vec![i64::from(replication); n]));
    table.push("seed", Column::UInt(vec![seed; n]));
    table.push("step", Column::Int(steps));
    for (p, v) in prepared
        .experiment
        .parameters
        .iter()
        .zip(&prepared.point_values[point])
    {
        let column = match number_of(v) {
            Some(x) if prepared.numeric(p) => Column::Float(vec![x; n]),
            _ => Column::Text(vec![text_of(v); n]),
        };
        table.push(&p.path, column);
    }
    let mut last = serde_json::Map::new();
    for (&k, column) in kept.iter().zip(values) {
        last.insert(
            prepared.columns[k].clone(),
            serde_json::json!(column[n - 1]),
        );
        table.push(&prepared.columns[k], Column::Float(column));
    }
    let panel = match panel {
        Some(panel) => Some(panel.finish()?.0),
        None => None,
    };
    Ok(Executed {
        table,
        steps: world.current_step(),
        last: serde_json::Value::Object(last).to_string(),
        panel,
    })
}

/// What a run of a sweep produced.
struct Executed {
    table: Table,
    steps: u32,
    last: String,
    panel: Option<Vec<u8>>,
}

fn number_of(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn text_of(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Prepared {
    /// Whether every value of parameter `p` in the design is a number (a numeric column).
    fn numeric(&self, p: &clusterlab_model::experiment::Parameter) -> bool {
        let i = self
            .experiment
            .parameters
            .iter()
            .position(|q| q.path == p.path)
            .unwrap_or(0);
        self.point_values.iter().all(|v| number_of(&v[i]).is_some())
    }

    /// The design's name.
    pub fn design_name(&self) -> &'static str {
        match self.experiment.design {
            Design::Factorial => "factorial",
            Design::LatinHypercube { .. } => "latin-hypercube",
            Design::Sobol { .. } => "sobol",
            Design::Morris { .. } => "morris",
        }
    }
}

impl Executor for Threads {
    fn sweep(&self, args: &SweepOptions) -> LabResult<Option<SweepOutcome>> {
        threads(args).map(Some)
    }
}

fn threads(args: &SweepOptions) -> LabResult<SweepOutcome> {
    let prepared = prepare(&args.experiment)?;
    let setup = set_up(args, &prepared)?;
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let out = &args.out;
    let catalogue = Mutex::new(setup.catalogue);
    let bar = runs_bar(setup.total, args.quiet);
    bar.set_position(setup.total - setup.pending.len() as u64);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|err| LabError::failure(anyhow::Error::new(err)))?;
    let started = Instant::now();
    let result: anyhow::Result<()> = pool.install(|| {
        setup
            .pending
            .par_iter()
            .try_for_each(|r| -> anyhow::Result<()> {
                if interrupted() {
                    return Err(anyhow!("interrupted"));
                }
                let finished = compute(&prepared, r, args.csv)?;
                store(out, &finished, &catalogue)?;
                bar.inc(1);
                Ok(())
            })
    });
    let catalogue = catalogue
        .into_inner()
        .map_err(|_| LabError::failure(anyhow!("the catalogue lock was poisoned")))?;
    if result.is_err() {
        bar.abandon();
    } else {
        bar.finish_and_clear();
    }
    close(
        args,
        &prepared,
        &catalogue,
        result,
        Closing {
            done_before: setup.done_before,
            started,
            workers: format!("{jobs} jobs"),
            stopped: "interrupted",
        },
    )
}

/// A sweep directory ready for its runs: the catalogue (this experiment's, checked), the
/// directory's lock held, and the runs still to do.
pub struct Setup {
    /// The catalogue.
    pub catalogue: Catalogue,
    /// Held while the sweep runs.
    _lock: std::fs::File,
    /// Runs to do, in order.
    pub pending: Vec<RunRecord>,
    /// Runs done before this command.
    pub done_before: u64,
    /// All runs.
    pub total: u64,
}

/// Prepares `args.out` for `prepared`'s runs: creates it and its catalogue, or checks that the
/// catalogue there holds this experiment; takes the directory's lock; clears what runs cut
/// short left; lists the runs to do (pending, or done but with their file gone).
pub fn set_up(args: &SweepOptions, prepared: &Prepared) -> LabResult<Setup> {
    let e = &prepared.experiment;
    let out = &args.out;
    if out.exists() && !out.is_dir() {
        return Err(LabError::input(format!(
            "--out: {} exists and is not a directory",
            out.display()
        )));
    }
    std::fs::create_dir_all(out.join("runs"))
        .with_context(|| format!("cannot create {}", out.display()))?;
    let design = prepared.design_name();
    let params_json = serde_json::to_string(
        &e.parameters
            .iter()
            .map(|p| p.path.as_str())
            .collect::<Vec<_>>(),
    )
    .map_err(|err| LabError::failure(anyhow::Error::new(err)))?;
    let kept_names: Vec<&str> = prepared
        .kept
        .iter()
        .map(|&k| prepared.columns[k].as_str())
        .collect();
    let print = fingerprint(&[
        env!("CARGO_PKG_VERSION"),
        &prepared.text,
        &prepared.base_text,
        prepared.firm_file.as_ref().map_or("", |f| f.1.as_str()),
        &kept_names.join(","),
    ]);
    // One sweep at a time in a directory: an advisory lock, released by the system however
    // the process ends (kill -9 included), so a resumed sweep never finds it stale.
    let lock_path = out.join("sweep.lock");
    let lock = std::fs::File::create(&lock_path)
        .with_context(|| format!("cannot create {}", lock_path.display()))?;
    if lock.try_lock().is_err() {
        return Err(LabError::input(format!(
            "--out: another `clusterlab sweep` is writing into {} (wait for it, or choose another --out)",
            out.display()
        )));
    }
    let mut catalogue = Catalogue::open(out)?;
    match catalogue.experiment()? {
        Some(existing) if existing.fingerprint != print => {
            return Err(LabError::input(format!(
                "--out: {} holds another experiment (`{}`, or this one changed since): choose another --out, or remove it to start over",
                out.display(),
                existing.name
            )));
        }
        Some(_) => {}
        None => {
            let seeds: Vec<u64> = (0..e.replications).map(|r| e.run_seed(r)).collect();
            let record = ExperimentRecord {
                name: e.name.clone(),
                fingerprint: print,
                experiment: prepared.text.clone(),
                scenario: prepared.base_text.clone(),
                design: design.to_string(),
                parameters: params_json,
            };
            let mut points = prepared
                .point_values
                .iter()
                .zip(&prepared.point_texts)
                .map(|(v, t)| (point_json(e, v), t.clone()));
            catalogue.create(&record, &mut points, e.replications, &seeds)?;
            std::fs::write(out.join("experiment.toml"), &prepared.text)
                .with_context(|| format!("cannot write into {}", out.display()))?;
            std::fs::write(out.join("scenario.toml"), &prepared.base_text)
                .with_context(|| format!("cannot write into {}", out.display()))?;
        }
    }
    // Leftovers of runs cut short: temporary files.
    for entry in std::fs::read_dir(out.join("runs")).context("cannot list the runs")? {
        let path = entry.context("cannot list the runs")?.path();
        if path.extension().is_some_and(|x| x == "tmp") {
            std::fs::remove_file(&path).ok();
        }
    }
    let pending: Vec<_> = catalogue
        .pending()?
        .into_iter()
        .chain(catalogue.all_runs()?.into_iter().filter(|r| {
            // Done in the catalogue but a file of it gone: run again.
            !run_file(out, r.run, "parquet").exists()
                || (prepared.experiment.panel.is_some()
                    && !run_file(out, r.run, PANEL_EXTENSION).exists())
        }))
        .collect();
    let mut pending = pending;
    pending.sort_by_key(|r| r.run);
    pending.dedup_by_key(|r| r.run);
    let (done_before, total) = catalogue.progress()?;
    Ok(Setup {
        catalogue,
        _lock: lock,
        pending,
        done_before,
        total,
    })
}

/// A finished run, ready to be stored: its files' bytes and what the catalogue records.
pub struct Finished {
    /// The run.
    pub run: u64,
    /// Steps it ran.
    pub steps: u32,
    /// Seconds it took.
    pub seconds: f64,
    /// Its metrics at the last step (JSON).
    pub last: String,
    /// Its table as Parquet.
    pub parquet: Vec<u8>,
    /// Its table as CSV, when asked for.
    pub csv: Option<Vec<u8>>,
    /// Its firm panel as Parquet, when the experiment records one.
    pub panel: Option<Vec<u8>>,
}

/// Runs run `r` of the sweep and encodes its table.
pub fn compute(prepared: &Prepared, r: &RunRecord, csv: bool) -> anyhow::Result<Finished> {
    let clock = Instant::now();
    let executed = execute(prepared, r.run, r.point as usize, r.replication, r.seed)
        .with_context(|| format!("run {}", r.run))?;
    Ok(Finished {
        run: r.run,
        steps: executed.steps,
        seconds: clock.elapsed().as_secs_f64(),
        last: executed.last,
        parquet: executed.table.parquet_bytes()?,
        csv: if csv {
            Some(executed.table.csv_bytes()?)
        } else {
            None
        },
        panel: executed.panel,
    })
}

/// Writes a finished run's files atomically, then marks it done in the catalogue: a run is
/// done only once its file is whole.
pub fn store(out: &Path, f: &Finished, catalogue: &Mutex<Catalogue>) -> anyhow::Result<()> {
    write_atomically(&run_file(out, f.run, "parquet"), |p| {
        write_synced(p, &f.parquet)
    })?;
    if let Some(csv) = &f.csv {
        write_atomically(&run_file(out, f.run, "csv"), |p| write_synced(p, csv))?;
    }
    if let Some(panel) = &f.panel {
        write_atomically(&run_file(out, f.run, PANEL_EXTENSION), |p| {
            write_synced(p, panel)
        })?;
    }
    catalogue
        .lock()
        .map_err(|_| anyhow!("the catalogue lock was poisoned"))?
        .finish(f.run, f.steps, f.seconds, &f.last)
}

/// How a sweep ended, for its closing line.
pub struct Closing {
    /// Runs done before this command.
    pub done_before: u64,
    /// When its runs began.
    pub started: Instant,
    /// What ran them (`2 jobs`, `3 ranks × 1 job`).
    pub workers: String,
    /// What an interruption is called (`interrupted`, or what stopped an MPI job).
    pub stopped: &'static str,
}

/// Ends a sweep: the error (an interruption says how to finish), or how it went.
pub fn close(
    args: &SweepOptions,
    prepared: &Prepared,
    catalogue: &Catalogue,
    result: anyhow::Result<()>,
    closing: Closing,
) -> LabResult<SweepOutcome> {
    let e = &prepared.experiment;
    let out = &args.out;
    let (done, total) = catalogue.progress()?;
    if let Err(err) = result {
        if interrupted() {
            return Err(LabError {
                lines: vec![format!(
                    "{}: {done} of {total} runs done in {}; run the same command again to finish",
                    closing.stopped,
                    out.display()
                )],
                code: EXIT_INTERRUPTED,
            });
        }
        return Err(LabError::failure(err));
    }
    Ok(SweepOutcome {
        name: if e.name.is_empty() {
            args.experiment.display().to_string()
        } else {
            e.name.clone()
        },
        total,
        points: prepared.point_values.len(),
        replications: e.replications,
        design: prepared.design_name(),
        run_now: done - closing.done_before,
        seconds: closing.started.elapsed().as_secs_f64(),
        workers: closing.workers,
        done_before: closing.done_before,
    })
}

/// A finished (or partly finished) sweep directory: its catalogue and experiment.
pub struct SweepDir {
    /// The catalogue.
    pub catalogue: Catalogue,
    /// The experiment as checked again from the texts the catalogue keeps.
    pub experiment: Experiment,
}

/// Opens the sweep in `dir` (exit 2 when it holds none).
pub fn open_sweep(dir: &Path) -> LabResult<SweepDir> {
    use clusterlab_store::catalogue::FILE;
    if !dir.join(FILE).is_file() {
        return Err(LabError::input(format!(
            "{} holds no sweep (expected the directory a `clusterlab sweep` wrote, with {FILE})",
            dir.display()
        )));
    }
    let catalogue = Catalogue::open(dir)?;
    let record = catalogue.experiment()?.ok_or_else(|| {
        LabError::input(format!(
            "{}: the catalogue records no experiment",
            dir.display()
        ))
    })?;
    let source = dir.join("experiment.toml").display().to_string();
    let parsed = parse_toml::<ExperimentFile>(&record.experiment, &source, |_| None)
        .map_err(|p| LabError::inputs(p.0.iter().map(ToString::to_string).collect()))?;
    let base: toml::Table = record
        .scenario
        .parse()
        .map_err(|e| LabError::input(format!("{}: the recorded scenario: {e}", dir.display())))?;
    let experiment = check_experiment(&parsed, &base)
        .map_err(|p| LabError::inputs(p.0.iter().map(ToString::to_string).collect()))?;
    Ok(SweepDir {
        catalogue,
        experiment,
    })
}
