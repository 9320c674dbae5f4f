//! The policy lab: diagnose a cluster's failures from its baseline runs, and compare policies
//! and mixes with the baseline on outcomes and cost over common random numbers (replication
//! r of every alternative uses the same seed), with paired 95% intervals and the best mix
//! within a budget. See docs/policy.md.

use crate::error::{LabError, LabResult};
use crate::load::{machine_limits, read_scenario};
use crate::progress::Stop;
use crate::variants::{add_policies, check_variant, replication_seed, VariantError};
use clusterlab_model::policy::{find, run_outcomes_while, Failure, RunOutcome, POLICIES};
use clusterlab_model::scenario::{did_you_mean, parse_scenario_text, validate, Limits};
use clusterlab_model::Scenario;
use clusterlab_numerics::stats::Moments;
use rayon::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// What `diagnose` runs.
#[derive(Clone, Debug)]
pub struct DiagnoseOptions {
    /// Scenario files; the bundled default when empty.
    pub scenarios: Vec<PathBuf>,
    /// Baseline runs averaged (replication r seeded as in sweeps: `replication_seed`).
    pub replications: u32,
}

/// What `compare` runs.
#[derive(Clone, Debug)]
pub struct CompareOptions {
    /// Scenario files; the bundled default when empty.
    pub scenarios: Vec<PathBuf>,
    /// Policies and mixes, comma-separated; a mix joins names with `+`, a strength follows a
    /// colon: `rd-subsidy,broker-network,rd-subsidy:0.8+broker-network`.
    pub policies: String,
    /// Runs per alternative.
    pub replications: u32,
    /// First step the policies act in.
    pub start: u32,
    /// The step they stop before (default: the end of the run).
    pub end: Option<u32>,
    /// Most public money a policy or mix may cost over the run, beyond the baseline's.
    pub budget: Option<f64>,
    /// What "best" maximises: welfare, innovation, speed or equality.
    pub objective: String,
    /// The technology whose t50 is compared (default: the scenario's first).
    pub technology: Option<String>,
}

/// A scenario read for the lab: its TOML table and name, checked once.
struct Base {
    source: String,
    table: toml::Table,
    scenario: Scenario,
    /// The firm file's name and text, read once for every variant.
    firm_file: Option<(String, String)>,
    limits: Limits,
}

fn read_base(path: Option<&Path>) -> LabResult<Base> {
    let (text, source, dir) = read_scenario(path)?;
    let parsed = parse_scenario_text(&text, &source)
        .map_err(|p| LabError::inputs(p.0.iter().map(ToString::to_string).collect()))?;
    let firm_file = firm_file(&parsed.file.firms.csv, &dir)?;
    let limits = machine_limits()?;
    let (scenario, _) = validate(
        &parsed,
        firm_file
            .as_ref()
            .map(|(s, t)| Ok(clusterlab_model::scenario::FirmCsv { source: s, text: t })),
        limits,
    )
    .map_err(|p| LabError::inputs(p.0.iter().map(ToString::to_string).collect()))?;
    if !scenario.processes().economy() {
        return Err(LabError::input(format!(
            "{source}: processes: policies act on the cluster's economy, and the scenario runs none of its processes (expected e.g. processes = [\"market\", \"rnd\", \"spillover\", \"network\", \"diffusion\"])"
        )));
    }
    let table: toml::Table = text
        .parse()
        .map_err(|e| LabError::input(format!("{source}: {e}")))?;
    Ok(Base {
        source,
        table,
        scenario,
        firm_file,
        limits,
    })
}

fn firm_file(csv: &Option<String>, dir: &Path) -> LabResult<Option<(String, String)>> {
    match csv {
        None => Ok(None),
        Some(name) => {
            let path = dir.join(name);
            let text = std::fs::read_to_string(&path).map_err(|e| {
                LabError::input(format!("cannot read the firm file {}: {e}", path.display()))
            })?;
            Ok(Some((path.display().to_string(), text)))
        }
    }
}

/// A policy in a mix: name and optional strength.
#[derive(Clone, Debug)]
struct Choice {
    name: String,
    strength: Option<f64>,
}

/// Parses `a,b:0.5,a+b` into mixes.
fn parse_mixes(text: &str) -> LabResult<Vec<Vec<Choice>>> {
    let mut mixes = Vec::new();
    let mut problems = Vec::new();
    for mix in text.split(',').map(str::trim).filter(|m| !m.is_empty()) {
        let mut choices = Vec::new();
        for part in mix.split('+').map(str::trim) {
            let (name, strength) = match part.split_once(':') {
                Some((n, s)) => match s.trim().parse::<f64>() {
                    Ok(v) if v.is_finite() && v >= 0.0 => (n.trim(), Some(v)),
                    _ => {
                        problems.push(format!("--policies: `{s}` is not a strength of {n} (expected a number of at least 0)"));
                        continue;
                    }
                },
                None => (part, None),
            };
            if find(name).is_none() {
                let hint = did_you_mean(name, POLICIES.iter().map(|p| p.name));
                problems.push(format!(
                    "--policies: unknown policy `{name}` (see `clusterlab policy list`){hint}"
                ));
                continue;
            }
            choices.push(Choice {
                name: name.to_string(),
                strength,
            });
        }
        mixes.push(choices);
    }
    if !problems.is_empty() {
        return Err(LabError::inputs(problems));
    }
    if mixes.is_empty() {
        return Err(LabError::input(
            "--policies: no policy given (expected e.g. rd-subsidy,broker-network)",
        ));
    }
    Ok(mixes)
}

/// The base scenario with a mix's `[[policy]]` entries, run `replication`'s seed.
fn variant(
    base: &Base,
    mix: &[Choice],
    start: u32,
    end: Option<u32>,
    replication: u32,
) -> LabResult<Scenario> {
    let mut table = base.table.clone();
    add_policies(
        &mut table,
        mix.iter().map(|c| {
            let mut entry = toml::Table::new();
            entry.insert("name".into(), toml::Value::String(c.name.clone()));
            entry.insert("start".into(), toml::Value::Integer(i64::from(start)));
            if let Some(end) = end {
                entry.insert("end".into(), toml::Value::Integer(i64::from(end)));
            }
            if let Some(s) = c.strength {
                entry.insert("strength".into(), toml::Value::Float(s));
            }
            entry
        }),
    );
    let text = toml::to_string(&table).map_err(|e| LabError::failure(anyhow::Error::new(e)))?;
    let seed = replication_seed(base.scenario.seed(), replication);
    check_variant(
        &text,
        &base.source,
        Some(seed),
        base.firm_file.as_ref(),
        base.limits,
    )
    .map_err(|e| match e {
        VariantError::Unreadable(p) => {
            LabError::inputs(p.0.iter().map(ToString::to_string).collect())
        }
        VariantError::Invalid(p) => LabError::inputs(
            p.0.iter()
                .map(|p| format!("{}: {}: {}", base.source, p.field, p.message))
                .collect(),
        ),
    })
}

/// A failure's symptom score and the policies that answer it.
#[derive(Clone, Debug, Serialize)]
pub struct FailureScore {
    /// The failure's name.
    pub failure: &'static str,
    /// Its symptom score, 0 (none) to 1 (worst).
    pub score: f64,
    /// How the score is read off a run.
    pub symptom: &'static str,
    /// The policies that answer it.
    pub responses: Vec<&'static str>,
}

/// A cluster's failures, worst first.
#[derive(Clone, Debug, Serialize)]
pub struct Diagnosis {
    /// The scenario.
    pub scenario: String,
    /// Baseline runs averaged.
    pub replications: u32,
    /// Failures by score, worst first.
    pub failures: Vec<FailureScore>,
}

fn diagnosis_of(base: &Base, replications: u32, stop: Stop) -> LabResult<Diagnosis> {
    let runs: Vec<LabResult<RunOutcome>> = (0..replications)
        .into_par_iter()
        .map(|r| {
            run_outcomes_while(&variant(base, &[], 0, None, r)?, 0, || !stop.now())
                .ok_or_else(|| stopped(stop))
        })
        .collect();
    let mut mean = [0.0f64; 6];
    for run in runs {
        let scores = run?.symptoms.symptoms().scores;
        for (m, s) in mean.iter_mut().zip(scores) {
            *m += s / f64::from(replications);
        }
    }
    let mut failures: Vec<FailureScore> = Failure::ALL
        .iter()
        .zip(mean)
        .map(|(&f, score)| FailureScore {
            failure: f.name(),
            score,
            symptom: f.symptom(),
            responses: POLICIES
                .iter()
                .filter(|p| p.failure == f)
                .map(|p| p.name)
                .collect(),
        })
        .collect();
    failures.sort_by(|a, b| b.score.total_cmp(&a.score));
    Ok(Diagnosis {
        scenario: base.source.clone(),
        replications,
        failures,
    })
}

/// Diagnoses each scenario's failures from the mean of its baseline runs; gives up between
/// two steps when `stop` says so.
pub fn diagnose(args: &DiagnoseOptions, stop: Stop) -> LabResult<Vec<Diagnosis>> {
    let paths: Vec<Option<&Path>> = if args.scenarios.is_empty() {
        vec![None]
    } else {
        args.scenarios.iter().map(|p| Some(p.as_path())).collect()
    };
    let mut all = Vec::new();
    for path in paths {
        let base = read_base(path)?;
        all.push(diagnosis_of(&base, args.replications, stop)?);
    }
    Ok(all)
}

/// A difference from the baseline with its 95% interval.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Effect {
    /// Mean paired difference.
    pub mean: f64,
    /// Lower end of its 95% interval.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
}

/// The paired (common random numbers) and unpaired effects of `policy` over `baseline`, and
/// the variance of each estimate.
fn effect(policy: &[f64], baseline: &[f64]) -> (Effect, f64, f64) {
    let mut paired = Moments::default();
    let (mut a, mut b) = (Moments::default(), Moments::default());
    for (p, q) in policy.iter().zip(baseline) {
        paired.push(p - q);
        a.push(*p);
        b.push(*q);
    }
    let n = policy.len() as f64;
    let (lo, hi) = paired.interval95();
    let var_paired = paired.sd().powi(2) / n;
    let var_unpaired = (a.sd().powi(2) + b.sd().powi(2)) / n;
    (
        Effect {
            mean: paired.mean(),
            lo,
            hi,
        },
        var_paired,
        var_unpaired,
    )
}

/// A policy or mix against the baseline.
#[derive(Clone, Debug, Serialize)]
pub struct Alternative {
    /// The mix, as `name[:strength]+…`.
    pub policies: String,
    /// Effect on innovations over the run.
    pub innovations: Effect,
    /// Effect on the compared technology's t50.
    pub t50: Effect,
    /// Effect on knowledge dispersion at the end.
    pub knowledge_dispersion: Effect,
    /// Effect on welfare over the run.
    pub welfare: Effect,
    /// Welfare's effect less the extra public money.
    pub net_welfare: Effect,
    /// Extra public money.
    pub cost: Effect,
    /// Objective gain per unit of extra public money.
    pub cost_effectiveness: Option<f64>,
    /// Whether its cost is within the budget.
    pub within_budget: bool,
    /// Variance of the objective's effect estimate without common random numbers over its
    /// variance with them (null when the paired differences do not vary at all).
    pub variance_reduction: f64,
}

/// A scenario's comparison.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// The scenario.
    pub scenario: String,
    /// Runs per alternative.
    pub replications: u32,
    /// What "best" maximises.
    pub objective: String,
    /// The baseline's means.
    pub baseline: BaselineMeans,
    /// Every policy or mix.
    pub alternatives: Vec<Alternative>,
    /// The best within the budget, if any gains significantly.
    pub best: Option<String>,
    /// Why.
    pub why: String,
    /// The baseline's diagnosis.
    pub diagnosis: Vec<FailureScore>,
}

/// The baseline's means.
#[derive(Clone, Debug, Serialize)]
pub struct BaselineMeans {
    /// Innovations over the run.
    pub innovations: f64,
    /// The compared technology's t50.
    pub t50: f64,
    /// Knowledge dispersion at the end.
    pub knowledge_dispersion: f64,
    /// Welfare over the run.
    pub welfare: f64,
    /// Public money over the run.
    pub cost: f64,
}

/// Compares the policies and mixes with each scenario's baseline; gives up between two steps
/// when `stop` says so.
pub fn compare(args: &CompareOptions, stop: Stop) -> LabResult<Vec<Comparison>> {
    let mixes = parse_mixes(&args.policies)?;
    if let Some(end) = args.end {
        if end <= args.start {
            return Err(LabError::input(format!(
                "--end: {end} is not after --start {} (expected the step the policies stop before)",
                args.start
            )));
        }
    }
    if let Some(b) = args.budget {
        if !(b >= 0.0 && b.is_finite()) {
            return Err(LabError::input(format!(
                "--budget: {b} is not a budget (expected a number of at least 0)"
            )));
        }
    }
    let objective = args.objective.as_str();
    if !["welfare", "innovation", "speed", "equality"].contains(&objective) {
        return Err(LabError::input(format!(
            "--objective: `{objective}` is not one (expected welfare, innovation, speed or equality){}",
            did_you_mean(objective, ["welfare", "innovation", "speed", "equality"])
        )));
    }
    let paths: Vec<Option<&Path>> = if args.scenarios.is_empty() {
        vec![None]
    } else {
        args.scenarios.iter().map(|p| Some(p.as_path())).collect()
    };
    let mut results = Vec::new();
    for path in paths {
        let base = read_base(path)?;
        results.push(compare_one(args, &base, &mixes, stop)?);
    }
    Ok(results)
}

fn label(mix: &[Choice]) -> String {
    mix.iter()
        .map(|c| match c.strength {
            Some(s) => format!("{}:{s}", c.name),
            None => c.name.clone(),
        })
        .collect::<Vec<_>>()
        .join("+")
}

fn compare_one(
    args: &CompareOptions,
    base: &Base,
    mixes: &[Vec<Choice>],
    stop: Stop,
) -> LabResult<Comparison> {
    let steps = base.scenario.steps();
    if args.start >= steps {
        return Err(LabError::input(format!(
            "--start: {} is not before the last step {steps} of {} (the policies would never act)",
            args.start, base.source
        )));
    }
    for c in mixes.iter().flatten() {
        let below_one = matches!(
            c.name.as_str(),
            "diffusion-coordination" | "generic-technology"
        );
        if let Some(s) = c.strength {
            if below_one && s >= 1.0 {
                return Err(LabError::input(format!(
                    "--policies: {s} is not a strength of {} (expected a number in [0, 1))",
                    c.name
                )));
            }
        }
    }
    let techs = base.scenario.technologies();
    let tech = match &args.technology {
        Some(id) => techs.iter().position(|t| &t.id == id).ok_or_else(|| {
            LabError::input(format!(
                "--technology: {} has no technology `{id}` (expected one of {})",
                base.source,
                techs
                    .iter()
                    .map(|t| t.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?,
        None => 0,
    };
    let alternatives: Vec<&[Choice]> = std::iter::once(&[][..])
        .chain(mixes.iter().map(Vec::as_slice))
        .collect();
    // Every (alternative, replication) scenario first: bad input stops before any run.
    let mut jobs = Vec::new();
    for (a, mix) in alternatives.iter().enumerate() {
        for r in 0..args.replications {
            jobs.push((a, variant(base, mix, args.start, args.end, r)?));
        }
    }
    let outcomes: Vec<(usize, RunOutcome)> = jobs
        .par_iter()
        .map(|(a, s)| run_outcomes_while(s, tech, || !stop.now()).map(|o| (*a, o)))
        .collect::<Option<_>>()
        .ok_or_else(|| stopped(stop))?;
    let n = args.replications as usize;
    let series = |a: usize, get: &dyn Fn(&RunOutcome) -> f64| -> Vec<f64> {
        outcomes
            .iter()
            .filter(|(i, _)| *i == a)
            .map(|(_, o)| get(o))
            .collect()
    };
    type Getter = fn(&RunOutcome) -> f64;
    let getters: [(&str, Getter); 6] = [
        ("innovations", |o| o.innovations),
        ("t50", |o| o.t50),
        ("knowledge_dispersion", |o| o.knowledge_dispersion),
        ("welfare", |o| o.welfare),
        ("cost", |o| o.fiscal_cost),
        ("net welfare", |o| o.welfare - o.fiscal_cost),
    ];
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let base_series: Vec<Vec<f64>> = getters.iter().map(|(_, g)| series(0, g)).collect();
    // The objective as a gain: more welfare or innovation, lower t50 or dispersion.
    let (objective_index, sign) = match args.objective.as_str() {
        "welfare" => (5, 1.0),
        "innovation" => (0, 1.0),
        "speed" => (1, -1.0),
        _ => (2, -1.0),
    };
    let mut rows = Vec::new();
    for (a, mix) in alternatives.iter().enumerate().skip(1) {
        let effects: Vec<(Effect, f64, f64)> = getters
            .iter()
            .zip(&base_series)
            .map(|((_, g), b)| effect(&series(a, g), b))
            .collect();
        let (obj, var_paired, var_unpaired) = effects[objective_index];
        let cost = effects[4].0;
        let gain = sign * obj.mean;
        rows.push(Alternative {
            policies: label(mix),
            innovations: effects[0].0,
            t50: effects[1].0,
            knowledge_dispersion: effects[2].0,
            welfare: effects[3].0,
            net_welfare: effects[5].0,
            cost,
            cost_effectiveness: (cost.mean > 0.0).then(|| gain / cost.mean),
            within_budget: args.budget.is_none_or(|b| cost.mean <= b),
            variance_reduction: if var_paired > 0.0 {
                var_unpaired / var_paired
            } else if var_unpaired > 0.0 {
                f64::INFINITY
            } else {
                // Nothing varies at all: no saving to speak of.
                f64::NAN
            },
        });
    }
    let gain_of = |r: &Alternative| {
        let e = [
            r.innovations,
            r.t50,
            r.knowledge_dispersion,
            r.welfare,
            r.cost,
            r.net_welfare,
        ][objective_index];
        (sign * e.mean, sign * if sign > 0.0 { e.lo } else { e.hi })
    };
    // Best: within the budget, the largest gain whose interval excludes no gain.
    let best = rows
        .iter()
        .filter(|r| r.within_budget)
        .filter(|r| gain_of(r).1 > 0.0)
        .max_by(|a, b| gain_of(a).0.total_cmp(&gain_of(b).0));
    let diagnosis = diagnosis_of(base, args.replications.min(3), stop)?;
    let why = match best {
        Some(b) => {
            let first = b.policies.split('+').next().unwrap_or("");
            let first = first.split(':').next().unwrap_or(first);
            let def = find(first);
            let failure = def.map(|p| p.failure.name()).unwrap_or("");
            let score = diagnosis
                .failures
                .iter()
                .find(|f| f.failure == failure)
                .map_or(f64::NAN, |f| f.score);
            let rank = diagnosis
                .failures
                .iter()
                .position(|f| f.failure == failure)
                .map_or(0, |i| i + 1);
            let (name, e) = match objective_index {
                0 => ("innovations", b.innovations),
                1 => ("t50", b.t50),
                2 => ("knowledge dispersion", b.knowledge_dispersion),
                _ => ("net welfare", b.net_welfare),
            };
            format!(
                "it changes {name} by {:+.4} [{:+.4}, {:+.4}] for {:.0} of public money, because {}; \"{failure}\" scores {score:.2} here (rank {rank} of 6)",
                e.mean,
                e.lo,
                e.hi,
                b.cost.mean,
                def.map_or("", |d| d.mechanism)
            )
        }
        None => "no policy's gain is significant within the budget: the cluster needs service, not intervention".to_string(),
    };
    Ok(Comparison {
        scenario: base.source.clone(),
        replications: n as u32,
        objective: args.objective.clone(),
        baseline: BaselineMeans {
            innovations: mean(&base_series[0]),
            t50: mean(&base_series[1]),
            knowledge_dispersion: mean(&base_series[2]),
            welfare: mean(&base_series[3]),
            cost: mean(&base_series[4]),
        },
        best: best.map(|b| b.policies.clone()),
        why,
        alternatives: rows,
        diagnosis: diagnosis.failures,
    })
}

/// Why a job gave up: its deadline, or an interrupt.
fn stopped(stop: Stop) -> LabError {
    if stop.timed_out() {
        LabError {
            lines: vec!["the runs took too long: try fewer replications or a shorter run".into()],
            code: crate::error::EXIT_TIMED_OUT,
        }
    } else {
        LabError {
            lines: vec!["interrupted: nothing was written".into()],
            code: crate::error::EXIT_INTERRUPTED,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lagging() -> PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/policy/lagging.toml")
    }

    /// The dashboard's deadline holds within a step: a comparison or a diagnosis past its
    /// deadline stops between two steps and says so (exit code 124, HTTP 503), whatever the
    /// runs in flight.
    #[test]
    fn a_job_past_its_deadline_stops_and_says_so() {
        let options = CompareOptions {
            scenarios: vec![lagging()],
            policies: "rd-subsidy".into(),
            replications: 2,
            start: 0,
            end: None,
            budget: None,
            objective: "welfare".into(),
            technology: None,
        };
        let clock = std::time::Instant::now();
        let error = compare(&options, Stop::within(std::time::Duration::ZERO)).unwrap_err();
        assert_eq!(error.code, crate::error::EXIT_TIMED_OUT);
        let error = diagnose(
            &DiagnoseOptions {
                scenarios: vec![lagging()],
                replications: 3,
            },
            Stop::within(std::time::Duration::ZERO),
        )
        .unwrap_err();
        assert_eq!(error.code, crate::error::EXIT_TIMED_OUT);
        assert!(clock.elapsed() < std::time::Duration::from_secs(5));
    }

    /// The innovation effect of brokered networks in the ordinary cluster (docs/policy.md),
    /// and its route, by ablation: at the scenario's own settings with every process on, 5
    /// replications with common random numbers as the documented comparison, the brokered
    /// network raises innovations significantly; with partners' knowledge taken out of the R&D
    /// hazard (`innovation.partner_weight = 0`, everything else as it was) the effect is no
    /// longer significant and its mean falls below the first interval's lower end. More ties
    /// raise innovation because partners' knowledge raises each R&D performer's hazard.
    #[test]
    fn brokered_networks_raise_innovation_through_partners_knowledge_in_rnd() {
        let ordinary = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/policy/ordinary.toml");
        let text = std::fs::read_to_string(&ordinary).unwrap();
        assert!(!text.contains("\n[innovation]"));
        let dir = tempfile::tempdir().unwrap();
        let ablated = dir.path().join("ordinary-no-partner-knowledge.toml");
        std::fs::write(
            &ablated,
            format!("{text}\n[innovation]\npartner_weight = 0.0\n"),
        )
        .unwrap();
        let effect_in = |scenario: PathBuf| {
            let options = CompareOptions {
                scenarios: vec![scenario],
                policies: "broker-network".into(),
                replications: 5,
                start: 0,
                end: None,
                budget: None,
                objective: "innovation".into(),
                technology: None,
            };
            let comparison = compare(&options, Stop::on_interrupt()).unwrap();
            comparison[0].alternatives[0].innovations
        };
        let (with, without) = (effect_in(ordinary), effect_in(ablated));
        eprintln!(
            "brokered networks, innovations: {:+.1} [{:+.1}, {:+.1}]; without partners' knowledge in R&D {:+.1} [{:+.1}, {:+.1}]",
            with.mean, with.lo, with.hi, without.mean, without.lo, without.hi
        );
        assert!(with.lo > 0.0, "the documented effect is not significant");
        assert!(
            without.lo <= 0.0 && without.mean < with.lo,
            "the effect survives without partners' knowledge in the hazard"
        );
    }
}
