//! Experiments: a base scenario, parameters varied by a design, replications — the runs a
//! sweep makes, each a scenario and a seed. Pure: the caller reads the files and runs the
//! worlds.
//!
//! A parameter is a path into the scenario (`government.rd_subsidy`, `technology[0].q`,
//! `diffusion.neighbourhood`) with a list of values, a range, or a distribution. Designs:
//! - `factorial`: every combination of the parameters' values (a range gives `points` evenly
//!   spaced values);
//! - `latin-hypercube`: `samples` points, each parameter's range cut into `samples` strata
//!   visited once each in a random order (McKay, Beckman & Conover 1979);
//! - `sobol`: Saltelli's design of `samples` base samples, `samples · (k + 2)` points, for
//!   Sobol' indices;
//! - `morris`: `samples` trajectories on a `levels`-level grid, `samples · (k + 1)` points,
//!   for Morris's elementary effects.
//!
//! Sampled designs draw in the unit hypercube and map each coordinate through the parameter's
//! distribution: uniform or log-uniform over its range, or normal (`mean`, `sd`). Run `r` of
//! point `i` has id `i · replications + r`, and replication `r` of every point the same seed
//! (common random numbers), derived from the experiment's seed.

use crate::scenario::{all_fields, Parsed, Problem, Problems};
use clusterlab_numerics::sensitivity::{
    morris_design, saltelli_design, MAX_SOBOL_INPUTS, MAX_SOBOL_SAMPLES,
};
use clusterlab_numerics::stats::{splitmix64_mix, SplitMix64};
use serde::{Deserialize, Serialize};

fn default_replications() -> u32 {
    1
}
fn default_design() -> String {
    "factorial".into()
}
fn default_levels() -> u32 {
    4
}

/// An experiment file as written.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ExperimentFile {
    /// A label.
    #[serde(default)]
    pub name: String,
    /// The base scenario, relative to the experiment file; the bundled default when left out.
    #[serde(default)]
    pub scenario: Option<String>,
    /// The experiment's seed, from which every run's seed derives.
    #[serde(default)]
    pub seed: u64,
    /// Runs per design point.
    #[serde(default = "default_replications")]
    pub replications: u32,
    /// Steps per run, instead of the scenario's.
    #[serde(default)]
    pub steps: Option<u32>,
    /// `factorial`, `latin-hypercube`, `sobol` or `morris`.
    #[serde(default = "default_design")]
    pub design: String,
    /// Points (latin-hypercube), base samples (sobol) or trajectories (morris).
    #[serde(default)]
    pub samples: Option<u32>,
    /// Grid levels of a Morris design (even).
    #[serde(default = "default_levels")]
    pub levels: u32,
    /// Time-series columns to store (all when empty).
    #[serde(default)]
    pub metrics: Vec<String>,
    /// When a run stops before its last step.
    #[serde(default)]
    pub stop: Option<StopSection>,
    /// Record every run's firm panel every this many steps (`runs/run-NNNNNN.panel.parquet`).
    #[serde(default)]
    pub panel: Option<u32>,
    /// The parameters varied.
    #[serde(default, rename = "parameter")]
    pub parameters: Vec<ParameterSection>,
}

/// `[stop]`: a run ends at the first step at which `metric` reaches a bound.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StopSection {
    /// A time-series column.
    pub metric: String,
    /// Stop once the metric is at least this.
    #[serde(default)]
    pub at_least: Option<f64>,
    /// Stop once the metric is at most this.
    #[serde(default)]
    pub at_most: Option<f64>,
}

/// One `[[parameter]]`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ParameterSection {
    /// Path into the scenario.
    pub path: String,
    /// Explicit values (factorial designs).
    #[serde(default)]
    pub values: Option<Vec<toml::Value>>,
    /// `[min, max]`.
    #[serde(default)]
    pub range: Option<Vec<f64>>,
    /// Evenly spaced values over the range (factorial designs).
    #[serde(default)]
    pub points: Option<u32>,
    /// `uniform` (default), `log-uniform` or `normal`.
    #[serde(default)]
    pub distribution: Option<String>,
    /// Mean of a normal distribution.
    #[serde(default)]
    pub mean: Option<f64>,
    /// Standard deviation of a normal distribution.
    #[serde(default)]
    pub sd: Option<f64>,
}

/// How a parameter's values are given.
#[derive(Clone, Debug, PartialEq)]
pub enum Values {
    /// Explicit values.
    List(Vec<toml::Value>),
    /// Uniform (or log-uniform) over `[min, max]`; `points` evenly spaced in a factorial.
    Range {
        /// Lower end.
        min: f64,
        /// Upper end.
        max: f64,
        /// Points in a factorial design.
        points: u32,
        /// Log-uniform.
        log: bool,
    },
    /// Normal, for sampled designs.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
}

/// A checked parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// Path into the scenario.
    pub path: String,
    /// Its values.
    pub values: Values,
    /// Whether the scenario field holds whole numbers (sampled values are rounded).
    pub integer: bool,
}

/// The design.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Design {
    /// Every combination.
    Factorial,
    /// Latin hypercube of `samples` points.
    LatinHypercube {
        /// Points.
        samples: u32,
    },
    /// Saltelli's design with `samples` base samples.
    Sobol {
        /// Base samples `N`.
        samples: u32,
    },
    /// Morris trajectories.
    Morris {
        /// Trajectories `r`.
        trajectories: u32,
        /// Grid levels.
        levels: u32,
    },
}

/// A stop condition.
#[derive(Clone, Debug, PartialEq)]
pub struct Stop {
    /// A time-series column.
    pub metric: String,
    /// Lower bound reached.
    pub at_least: Option<f64>,
    /// Upper bound reached.
    pub at_most: Option<f64>,
}

impl Stop {
    /// Whether `value` meets the condition.
    pub fn met(&self, value: f64) -> bool {
        self.at_least.is_some_and(|b| value >= b) || self.at_most.is_some_and(|b| value <= b)
    }
}

/// A checked experiment.
#[derive(Clone, Debug, PartialEq)]
pub struct Experiment {
    /// Label.
    pub name: String,
    /// The base scenario as written in the file (relative to it), if any.
    pub scenario: Option<String>,
    /// Seed.
    pub seed: u64,
    /// Runs per point.
    pub replications: u32,
    /// Steps override.
    pub steps: Option<u32>,
    /// Design.
    pub design: Design,
    /// Parameters, in file order.
    pub parameters: Vec<Parameter>,
    /// Columns stored (all when empty).
    pub metrics: Vec<String>,
    /// Stop condition.
    pub stop: Option<Stop>,
    /// Every how many steps each run's firm panel is recorded, when it is.
    pub panel: Option<u32>,
}

/// Most runs an experiment may make.
pub const MAX_RUNS: u64 = 10_000_000;

/// The schema path of a scenario path: indices dropped (`technology[0].q` → `technology[].q`).
fn schema_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for ch in path.chars() {
        match ch {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            _ => out.push(ch),
        }
    }
    out
}

/// A path's segments: `(key, index)`.
fn segments(path: &str) -> Result<Vec<(String, Option<usize>)>, String> {
    path.split('.')
        .map(|part| match part.split_once('[') {
            None if !part.is_empty() => Ok((part.to_string(), None)),
            Some((key, rest)) if !key.is_empty() => {
                let index = rest
                    .strip_suffix(']')
                    .and_then(|i| i.parse::<usize>().ok())
                    .ok_or_else(|| format!("`{part}` has no valid index (expected NAME[N])"))?;
                Ok((key.to_string(), Some(index)))
            }
            _ => Err(format!("`{path}` has an empty part")),
        })
        .collect()
}

/// The names an array of tables has in a scenario file (`technology`, `research_body`, …).
fn array_key(key: &str) -> &str {
    key
}

/// The value at `path` in `table`, if any.
pub fn value_at<'a>(table: &'a toml::Table, path: &str) -> Option<&'a toml::Value> {
    let segs = segments(path).ok()?;
    let mut current: Option<&toml::Value> = None;
    let mut t = table;
    for (i, (key, index)) in segs.iter().enumerate() {
        let v = t.get(array_key(key))?;
        let v = match index {
            Some(n) => v.as_array()?.get(*n)?,
            None => v,
        };
        if i + 1 < segs.len() {
            t = v.as_table()?;
        } else {
            current = Some(v);
        }
    }
    current
}

/// Sets `value` at `path` in `table`, creating tables on the way; an indexed element must
/// already exist.
pub fn set_at(table: &mut toml::Table, path: &str, value: toml::Value) -> Result<(), String> {
    let segs = segments(path)?;
    let mut t = table;
    let last = segs.len() - 1;
    for (i, (key, index)) in segs.into_iter().enumerate() {
        let key = array_key(&key).to_string();
        match index {
            None if i == last => {
                t.insert(key, value);
                return Ok(());
            }
            None => {
                let entry = t
                    .entry(key.clone())
                    .or_insert_with(|| toml::Value::Table(toml::Table::new()));
                t = entry
                    .as_table_mut()
                    .ok_or_else(|| format!("`{key}` is not a table in the scenario"))?;
            }
            Some(n) => {
                let array = t
                    .get_mut(&key)
                    .and_then(|v| v.as_array_mut())
                    .ok_or_else(|| format!("the scenario has no `[[{key}]]` entries"))?;
                let len = array.len();
                let element = array.get_mut(n).ok_or_else(|| {
                    format!("the scenario has {len} `[[{key}]]` entries, so `{key}[{n}]` does not exist")
                })?;
                if i == last {
                    *element = value;
                    return Ok(());
                }
                t = element
                    .as_table_mut()
                    .ok_or_else(|| format!("`{key}[{n}]` is not a table"))?;
            }
        }
    }
    Ok(())
}

/// Checks a parsed experiment against its base scenario (`base`, the scenario file's TOML).
pub fn check_experiment(
    parsed: &Parsed<ExperimentFile>,
    base: &toml::Table,
) -> Result<Experiment, Problems> {
    let f = &parsed.file;
    let mut problems = parsed.problems.clone();
    let mut error = |field: &str, message: String| {
        problems.push(Problem {
            source: parsed.source.clone(),
            line: parsed.lines.line_of(field),
            field: field.to_string(),
            message,
            warning: false,
        });
    };
    if f.replications == 0 {
        error(
            "replications",
            "0 replications (expected a whole number of at least 1)".into(),
        );
    }
    if f.panel == Some(0) {
        error(
            "panel",
            "0 (expected a whole number of at least 1: record each run's firm panel every this many steps)"
                .into(),
        );
    }
    let samples = |error: &mut dyn FnMut(&str, String), what: &str, max: u32| -> u32 {
        match f.samples {
            Some(s) if s >= 1 && s <= max => s,
            Some(s) => {
                error(
                    "samples",
                    format!("{s} {what} (expected a whole number from 1 to {max})"),
                );
                1
            }
            None => {
                error(
                    "samples",
                    format!(
                        "the `{}` design needs `samples`: the number of {what}",
                        f.design
                    ),
                );
                1
            }
        }
    };
    let design = match f.design.as_str() {
        "factorial" => Design::Factorial,
        "latin-hypercube" => Design::LatinHypercube {
            samples: samples(&mut error, "points", 1_000_000),
        },
        "sobol" => {
            let n = samples(&mut error, "base samples", MAX_SOBOL_SAMPLES as u32);
            if n < 8 {
                error(
                    "samples",
                    format!(
                        "{n} base samples are too few for Sobol' indices (expected at least 8)"
                    ),
                );
            }
            Design::Sobol { samples: n }
        }
        "morris" => {
            if f.levels < 2 || !f.levels.is_multiple_of(2) || f.levels > 100 {
                error(
                    "levels",
                    format!(
                        "{} levels (expected an even number from 2 to 100)",
                        f.levels
                    ),
                );
            }
            Design::Morris {
                trajectories: samples(&mut error, "trajectories", 100_000),
                levels: f.levels.max(2),
            }
        }
        other => {
            error(
                "design",
                format!("unknown design `{other}` (expected `factorial`, `latin-hypercube`, `sobol` or `morris`)"),
            );
            Design::Factorial
        }
    };
    if f.parameters.is_empty() {
        error(
            "parameter",
            "no parameters (expected at least one [[parameter]] with a `path`)".into(),
        );
    }
    if let Design::Sobol { .. } = design {
        if f.parameters.len() > MAX_SOBOL_INPUTS {
            error(
                "parameter",
                format!(
                    "{} parameters are too many for a Sobol' design (at most {MAX_SOBOL_INPUTS})",
                    f.parameters.len()
                ),
            );
        }
    }
    let known: Vec<&str> = all_fields().map(|d| d.path).collect();
    let mut parameters = Vec::with_capacity(f.parameters.len());
    for (i, p) in f.parameters.iter().enumerate() {
        let at = |field: &str| format!("parameter[{i}].{field}");
        let schema = schema_path(&p.path);
        let doc = all_fields().find(|d| d.path == schema);
        let Some(doc) = doc else {
            let hint = crate::hint::did_you_mean(&schema, known.iter().copied());
            error(
                &at("path"),
                format!("`{}` is not a scenario field{hint}", p.path),
            );
            continue;
        };
        if let Err(e) = segments(&p.path) {
            error(&at("path"), e);
            continue;
        }
        // Fields the experiment itself sets, or that name files read once for every point.
        let reserved = match p.path.as_str() {
            "seed" => {
                Some("the experiment gives every run its seed (its own `seed` and the replication)")
            }
            "steps" if f.steps.is_some() => {
                Some("the experiment's own `steps` sets every run's steps")
            }
            "firms.csv" => {
                Some("the firm file is read once, from the base scenario, for every point")
            }
            _ => None,
        };
        if let Some(why) = reserved {
            error(&at("path"), format!("`{}` cannot be varied: {why}", p.path));
            continue;
        }
        // Indexed elements must exist in the base scenario.
        let mut probe = base.clone();
        if let Err(e) = set_at(&mut probe, &p.path, toml::Value::Integer(0)) {
            error(&at("path"), e);
            continue;
        }
        if parameters.iter().any(|q: &Parameter| q.path == p.path) {
            error(&at("path"), format!("`{}` is varied twice", p.path));
        }
        let integer = match value_at(base, &p.path) {
            Some(v) => v.is_integer(),
            None => doc.expected.starts_with("a whole number"),
        };
        let distribution = p.distribution.as_deref().unwrap_or("uniform");
        let values = match (&p.values, &p.range, distribution) {
            (Some(list), None, _) => {
                if list.is_empty() {
                    error(
                        &at("values"),
                        "an empty list (expected at least one value)".into(),
                    );
                }
                if design != Design::Factorial {
                    error(&at("values"), format!("a list of values only works in a factorial design; the `{}` design samples a `range` or `distribution`", f.design));
                }
                Values::List(list.clone())
            }
            (None, Some(range), "uniform" | "log-uniform") => {
                let ok = range.len() == 2
                    && range[0].is_finite()
                    && range[1].is_finite()
                    && range[0] < range[1];
                if !ok {
                    error(
                        &at("range"),
                        format!("{range:?} is not a range (expected [min, max] with min < max)"),
                    );
                }
                let log = distribution == "log-uniform";
                if ok && log && range[0] <= 0.0 {
                    error(&at("range"), "a log-uniform range must be positive".into());
                }
                let points = p.points.unwrap_or(0);
                if design == Design::Factorial && points < 1 {
                    error(&at("points"), "a range in a factorial design needs `points`: how many evenly spaced values (at least 1)".into());
                }
                if u64::from(points) > MAX_RUNS {
                    error(
                        &at("points"),
                        format!("{points} points (expected at most {MAX_RUNS})"),
                    );
                }
                Values::Range {
                    min: range.first().copied().unwrap_or(0.0),
                    max: range.get(1).copied().unwrap_or(1.0),
                    points: points.max(1),
                    log,
                }
            }
            (None, None, "normal") => {
                let (mean, sd) = (p.mean.unwrap_or(f64::NAN), p.sd.unwrap_or(f64::NAN));
                if !(mean.is_finite() && sd.is_finite() && sd > 0.0) {
                    error(
                        &at("distribution"),
                        "a normal distribution needs `mean` and a positive `sd`".into(),
                    );
                }
                if design == Design::Factorial {
                    error(
                        &at("distribution"),
                        "a factorial design needs `values` or a `range` with `points`".into(),
                    );
                }
                if matches!(design, Design::Morris { .. }) {
                    error(
                        &at("distribution"),
                        "a Morris design moves on a grid over a range: give a `range` (uniform or log-uniform)".into(),
                    );
                }
                Values::Normal { mean, sd }
            }
            (None, None, _) => {
                error(&at("path"), "no values (expected `values`, a `range`, or `distribution = \"normal\"` with `mean` and `sd`)".into());
                continue;
            }
            (Some(_), Some(_), _) => {
                error(
                    &at("range"),
                    "both `values` and a `range` (expected one)".into(),
                );
                continue;
            }
            (None, Some(_), "normal") => {
                error(
                    &at("distribution"),
                    "a normal distribution takes `mean` and `sd`, not a `range`".into(),
                );
                continue;
            }
            (_, _, other) => {
                error(&at("distribution"), format!("unknown distribution `{other}` (expected `uniform`, `log-uniform` or `normal`)"));
                continue;
            }
        };
        parameters.push(Parameter {
            path: p.path.clone(),
            values,
            integer,
        });
    }
    let stop = f.stop.as_ref().map(|s| {
        if s.at_least.is_none() && s.at_most.is_none() {
            error("stop", "no bound (expected `at_least` or `at_most`)".into());
        }
        Stop {
            metric: s.metric.clone(),
            at_least: s.at_least,
            at_most: s.at_most,
        }
    });
    let experiment = Experiment {
        name: f.name.clone(),
        scenario: f.scenario.clone(),
        seed: f.seed,
        replications: f.replications.max(1),
        steps: f.steps,
        design,
        parameters,
        metrics: f.metrics.clone(),
        stop,
        panel: f.panel,
    };
    let runs = experiment.run_count();
    if runs > MAX_RUNS {
        error(
            "replications",
            format!("the experiment makes {runs} runs (at most {MAX_RUNS})"),
        );
    }
    if problems.is_empty() {
        Ok(experiment)
    } else {
        problems.sort_by_key(|p| p.line);
        Err(Problems(problems))
    }
}

/// The inverse of the standard normal distribution function (Acklam's rational
/// approximation, relative error below 1.2e-9).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.38357751867269e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    let p = p.clamp(1e-300, 1.0 - 1e-16);
    let low = 0.02425;
    if p < low {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - low {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -normal_quantile(1.0 - p)
    }
}

impl Parameter {
    /// The value at unit coordinate `u` (sampled designs).
    pub fn at_unit(&self, u: f64) -> toml::Value {
        let x = match &self.values {
            Values::Range {
                min,
                max,
                log: false,
                ..
            } => min + (max - min) * u,
            Values::Range {
                min,
                max,
                log: true,
                ..
            } => (min.ln() + (max.ln() - min.ln()) * u).exp(),
            // At most six standard deviations out, whatever the design's extreme coordinates.
            Values::Normal { mean, sd } => mean + sd * normal_quantile(u.clamp(1e-9, 1.0 - 1e-9)),
            Values::List(list) => {
                return list[((u * list.len() as f64) as usize).min(list.len() - 1)].clone()
            }
        };
        self.number(x)
    }

    /// How many factorial values it has, without making them.
    pub fn level_count(&self) -> u64 {
        match &self.values {
            Values::List(list) => list.len() as u64,
            Values::Range { points, .. } => u64::from(*points),
            Values::Normal { .. } => 1,
        }
    }

    /// The parameter's factorial values.
    pub fn levels(&self) -> Vec<toml::Value> {
        match &self.values {
            Values::List(list) => list.clone(),
            Values::Range {
                min,
                max,
                points,
                log,
            } => (0..*points)
                .map(|i| {
                    let t = if *points == 1 {
                        0.0
                    } else {
                        f64::from(i) / f64::from(points - 1)
                    };
                    let x = if *log {
                        (min.ln() + (max.ln() - min.ln()) * t).exp()
                    } else {
                        min + (max - min) * t
                    };
                    // Evenly spaced values as written (0.08, not 0.07999999999999999): 12
                    // significant digits are far finer than any parameter step.
                    let x = format!("{x:.11e}").parse().unwrap_or(x);
                    self.number(x)
                })
                .collect(),
            Values::Normal { mean, .. } => vec![self.number(*mean)],
        }
    }

    fn number(&self, x: f64) -> toml::Value {
        if self.integer {
            toml::Value::Integer(x.round() as i64)
        } else {
            toml::Value::Float(x)
        }
    }
}

impl Experiment {
    /// Number of design points.
    pub fn point_count(&self) -> u64 {
        let k = self.parameters.len() as u64;
        match self.design {
            Design::Factorial => self
                .parameters
                .iter()
                .map(Parameter::level_count)
                .fold(1u64, u64::saturating_mul),
            Design::LatinHypercube { samples } => u64::from(samples),
            Design::Sobol { samples } => u64::from(samples) * (k + 2),
            Design::Morris { trajectories, .. } => u64::from(trajectories) * (k + 1),
        }
    }

    /// Number of runs.
    pub fn run_count(&self) -> u64 {
        self.point_count()
            .saturating_mul(u64::from(self.replications))
    }

    /// The design in the unit hypercube, for sampled designs (`None` for factorial).
    pub fn unit_design(&self) -> Option<Vec<Vec<f64>>> {
        let k = self.parameters.len();
        let seed = splitmix64_mix(self.seed ^ 0xd1b5_4a32_d192_ed03);
        match self.design {
            Design::Factorial => None,
            Design::LatinHypercube { samples } => {
                let n = samples as usize;
                let mut rng = SplitMix64::new(seed);
                let mut columns = Vec::with_capacity(k);
                for _ in 0..k {
                    let mut strata: Vec<usize> = (0..n).collect();
                    for i in (1..n).rev() {
                        strata.swap(i, rng.below(i + 1));
                    }
                    let column: Vec<f64> = strata
                        .iter()
                        .map(|&s| {
                            (s as f64 + (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64)
                                / n as f64
                        })
                        .collect();
                    columns.push(column);
                }
                Some(
                    (0..n)
                        .map(|j| columns.iter().map(|c| c[j]).collect())
                        .collect(),
                )
            }
            Design::Sobol { samples } => Some(saltelli_design(k, samples as usize, seed as u32)),
            Design::Morris {
                trajectories,
                levels,
            } => Some(morris_design(
                k,
                trajectories as usize,
                levels as usize,
                seed,
            )),
        }
    }

    /// Every design point: the parameters' values, in parameter order.
    pub fn points(&self) -> Vec<Vec<toml::Value>> {
        match self.unit_design() {
            Some(unit) => unit
                .iter()
                .map(|u| {
                    self.parameters
                        .iter()
                        .zip(u)
                        .map(|(p, &x)| p.at_unit(x.clamp(0.0, 1.0 - 1e-12)))
                        .collect()
                })
                .collect(),
            None => {
                let mut points: Vec<Vec<toml::Value>> = vec![Vec::new()];
                for p in &self.parameters {
                    let levels = p.levels();
                    points = points
                        .into_iter()
                        .flat_map(|prefix| {
                            levels.iter().map(move |v| {
                                let mut point = prefix.clone();
                                point.push(v.clone());
                                point
                            })
                        })
                        .collect();
                }
                points
            }
        }
    }

    /// The seed of replication `replication` (the same for every point).
    pub fn run_seed(&self, replication: u32) -> u64 {
        replication_seed(self.seed, replication)
    }

    /// The base scenario with a point's values set (and the experiment's steps), as TOML text.
    pub fn scenario_text(
        &self,
        base: &toml::Table,
        point: &[toml::Value],
    ) -> Result<String, String> {
        let mut table = base.clone();
        for (p, v) in self.parameters.iter().zip(point) {
            set_at(&mut table, &p.path, v.clone())?;
        }
        if let Some(steps) = self.steps {
            table.insert("steps".into(), toml::Value::Integer(i64::from(steps)));
        }
        toml::to_string(&table).map_err(|e| e.to_string())
    }
}

/// The seed of replication `replication` of anything run from `seed` — a sweep's points, a
/// policy comparison's alternatives, a calibration's candidates: every variant's replication
/// r uses this seed (common random numbers). SplitMix64's finaliser over the seed advanced by
/// r + 1 golden-ratio increments, so replications of neighbouring seeds never coincide (with
/// `seed + r`, replication 1 of seed 1 would be replication 0 of seed 2).
pub fn replication_seed(seed: u64, replication: u32) -> u64 {
    splitmix64_mix(
        seed.wrapping_add(0x9e37_79b9_7f4a_7c15u64.wrapping_mul(u64::from(replication) + 1)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_toml;

    fn experiment(text: &str, base: &str) -> Result<Experiment, Problems> {
        let parsed = parse_toml::<ExperimentFile>(text, "e.toml", |_| None).unwrap();
        check_experiment(&parsed, &base.parse::<toml::Table>().unwrap())
    }

    const BASE: &str = "steps = 10\n[government]\nbudget = 5.0\n[[technology]]\nid = \"a\"\nq = 0.1\nseed_adopters = 2\n";

    #[test]
    fn factorial_points_are_every_combination() {
        let e = experiment(
            "replications = 2\n[[parameter]]\npath = \"government.rd_subsidy\"\nvalues = [0.0, 0.5]\n[[parameter]]\npath = \"technology[0].q\"\nrange = [0.1, 0.3]\npoints = 3\n",
            BASE,
        )
        .unwrap();
        let points = e.points();
        assert_eq!(points.len(), 6);
        assert_eq!(e.run_count(), 12);
        assert_eq!(
            points[5],
            vec![toml::Value::Float(0.5), toml::Value::Float(0.3)]
        );
        let text = e.scenario_text(&BASE.parse().unwrap(), &points[4]).unwrap();
        let t: toml::Table = text.parse().unwrap();
        assert_eq!(
            value_at(&t, "government.rd_subsidy"),
            Some(&toml::Value::Float(0.5))
        );
        assert_eq!(
            value_at(&t, "government.budget"),
            Some(&toml::Value::Float(5.0))
        );
        assert_eq!(
            value_at(&t, "technology[0].q"),
            Some(&toml::Value::Float(0.2))
        );
        assert_ne!(e.run_seed(0), e.run_seed(1));
    }

    #[test]
    fn latin_hypercube_visits_every_stratum_once() {
        let e = experiment(
            "design = \"latin-hypercube\"\nsamples = 10\n[[parameter]]\npath = \"technology[0].q\"\nrange = [0.0, 1.0]\n[[parameter]]\npath = \"technology[0].seed_adopters\"\nrange = [0.0, 100.0]\n",
            BASE,
        )
        .unwrap();
        let unit = e.unit_design().unwrap();
        for column in 0..2 {
            let mut strata: Vec<usize> = unit.iter().map(|r| (r[column] * 10.0) as usize).collect();
            strata.sort();
            assert_eq!(strata, (0..10).collect::<Vec<_>>());
        }
        // Whole-number fields get whole numbers.
        assert!(e.points().iter().all(|p| p[1].is_integer()));
    }

    #[test]
    fn bad_experiments_are_refused_with_their_fields() {
        let problems = experiment(
            "replications = 0\ndesign = \"grid\"\n[[parameter]]\npath = \"goverment.rd_subsidy\"\nvalues = [1]\n[[parameter]]\npath = \"technology[3].q\"\nvalues = [1]\n[[parameter]]\npath = \"technology[0].p\"\nrange = [0.5, 0.1]\npoints = 2\n[[parameter]]\npath = \"technology[0].q\"\nvalues = []\n",
            BASE,
        )
        .unwrap_err()
        .to_string();
        for says in [
            "e.toml:1: replications: 0 replications",
            "e.toml:2: design: unknown design `grid`",
            "e.toml:4: parameter[0].path: `goverment.rd_subsidy` is not a scenario field; did you mean `government.rd_subsidy`?",
            "e.toml:7: parameter[1].path: the scenario has 1 `[[technology]]` entries, so `technology[3]` does not exist",
            "e.toml:11: parameter[2].range: [0.5, 0.1] is not a range",
            "e.toml:15: parameter[3].values: an empty list",
        ] {
            assert!(problems.contains(says), "{problems}\nlacks: {says}");
        }
    }

    /// What review found accepted and silently wrong: fields the experiment sets itself,
    /// absurd point counts, normal distributions on a Morris grid, tiny Sobol' designs.
    #[test]
    fn unsound_designs_are_refused() {
        let refused = |text: &str, says: &str| {
            let problems = experiment(text, BASE).unwrap_err().to_string();
            assert!(problems.contains(says), "{problems}\nlacks: {says}");
        };
        refused(
            "[[parameter]]\npath = \"seed\"\nvalues = [1, 2]\n",
            "`seed` cannot be varied",
        );
        refused(
            "steps = 5\n[[parameter]]\npath = \"steps\"\nvalues = [3, 4]\n",
            "`steps` cannot be varied",
        );
        refused(
            "[[parameter]]\npath = \"firms.csv\"\nvalues = [\"a.csv\"]\n",
            "`firms.csv` cannot be varied",
        );
        refused(
            "[[parameter]]\npath = \"technology[0].q\"\nrange = [0.1, 0.3]\npoints = 4000000000\n",
            "4000000000 points",
        );
        refused("design = \"morris\"\nsamples = 4\n[[parameter]]\npath = \"technology[0].q\"\ndistribution = \"normal\"\nmean = 0.5\nsd = 0.01\n", "a Morris design moves on a grid");
        refused("design = \"sobol\"\nsamples = 2\n[[parameter]]\npath = \"technology[0].q\"\nrange = [0.1, 0.3]\n", "too few for Sobol");
        refused("design = \"latin-hypercube\"\nsamples = 4\n[[parameter]]\npath = \"technology[0].q\"\nrange = [0.1, 0.3]\ndistribution = \"normal\"\n", "takes `mean` and `sd`, not a `range`");
        // Normal values stay within six standard deviations at the design's edges.
        let e = experiment("design = \"latin-hypercube\"\nsamples = 4\n[[parameter]]\npath = \"technology[0].q\"\ndistribution = \"normal\"\nmean = 0.5\nsd = 0.01\n", BASE).unwrap();
        for u in [0.0, 1.0] {
            let v = e.parameters[0].at_unit(u).as_float().unwrap();
            assert!((v - 0.5).abs() <= 0.061, "{v}");
        }
    }

    #[test]
    fn normal_quantiles_are_accurate() {
        assert!(normal_quantile(0.5).abs() < 1e-9);
        assert!((normal_quantile(0.975) - 1.959963985).abs() < 1e-8);
        assert!((normal_quantile(0.001) + 3.090232306).abs() < 1e-8);
    }
}
