//! `clusterlab policy`: the policy lab — list the policies, diagnose a cluster's failures,
//! compare policies on outcomes and cost with common random numbers.

use crate::error::{CliError, CliResult};
use crate::load::{machine_limits, read_scenario};
use clap::{Args, Subcommand};
use clusterlab_numerics::stats::Moments;
use clusterlab_model::policy::{find, run_outcomes, Failure, RunOutcome, POLICIES};
use clusterlab_model::scenario::{did_you_mean, parse_scenario_text, validate};
use clusterlab_model::Scenario;
use rayon::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The policy lab: the failure → response table as policies, the diagnosis of a cluster's
/// failures, and the comparison of policies on outcomes and cost. See docs/policy.md.
#[derive(Debug, Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    action: PolicyCommand,
}

#[derive(Debug, Subcommand)]
enum PolicyCommand {
    /// List the policies: the failure each answers, its mechanism, default strength and cost.
    List(ListArgs),
    /// Run a scenario's baseline and score each failure's symptoms; rank the responses.
    Diagnose(DiagnoseArgs),
    /// Compare policies and mixes with the baseline over the same seeds (common random
    /// numbers): innovation, diffusion speed (t50), knowledge dispersion, welfare and cost,
    /// with 95% intervals, cost-effectiveness, and the best mix within a budget.
    Compare(CompareArgs),
}

#[derive(Debug, Args)]
struct ListArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct DiagnoseArgs {
    /// Scenario file(s) (TOML); the bundled default when left out.
    #[arg(value_name = "SCENARIO.toml")]
    scenarios: Vec<PathBuf>,

    /// Baseline runs averaged (seeds from the scenario's seed up).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1000))]
    replications: u32,

    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct CompareArgs {
    /// Scenario file(s) (TOML); the bundled default when left out. With several, each is
    /// compared and the best policies set side by side.
    #[arg(value_name = "SCENARIO.toml")]
    scenarios: Vec<PathBuf>,

    /// Policies and mixes, comma-separated; a mix joins names with `+`, a strength follows a
    /// colon: `rd-subsidy,broker-network,rd-subsidy:0.8+broker-network`.
    #[arg(long, value_name = "LIST", required = true)]
    policies: String,

    /// Runs per alternative; replication r of every alternative uses the same seed.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(2..=1000))]
    replications: u32,

    /// First step the policies act in.
    #[arg(long, value_name = "STEP", default_value_t = 0)]
    start: u32,

    /// The step they stop before (default: the end of the run).
    #[arg(long, value_name = "STEP")]
    end: Option<u32>,

    /// Most public money a policy or mix may cost over the run, beyond the baseline's.
    #[arg(long, value_name = "B", allow_negative_numbers = true)]
    budget: Option<f64>,

    /// What "best" maximises: welfare (its gain net of the extra public money), innovation,
    /// speed (lower t50) or equality (lower knowledge dispersion).
    #[arg(long, value_name = "NAME", default_value = "welfare")]
    objective: String,

    /// The technology whose t50 is compared (default: the scenario's first).
    #[arg(long, value_name = "ID")]
    technology: Option<String>,

    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,

    /// Also write a self-contained HTML report of the comparison to FILE: effects and costs as
    /// bars with 95% intervals, every effect in a table, the baseline and the diagnosis.
    #[arg(long, value_name = "FILE.html")]
    report: Option<PathBuf>,
}

/// Runs the command.
pub fn run(args: PolicyArgs) -> CliResult {
    match args.action {
        PolicyCommand::List(a) => list(a),
        PolicyCommand::Diagnose(a) => diagnose(a),
        PolicyCommand::Compare(a) => compare(a),
    }
}

#[derive(Serialize)]
struct PolicyRow {
    name: &'static str,
    failure: &'static str,
    response: &'static str,
    mechanism: &'static str,
    default_strength: f64,
    default_cost_per_step: f64,
    source: &'static str,
}

fn list(args: ListArgs) -> CliResult {
    let rows: Vec<PolicyRow> = POLICIES
        .iter()
        .map(|p| PolicyRow {
            name: p.name,
            failure: p.failure.name(),
            response: p.response,
            mechanism: p.mechanism,
            default_strength: p.default_strength,
            default_cost_per_step: p.default_cost,
            source: p.source,
        })
        .collect();
    if args.json {
        println!("{}", to_json(&rows)?);
        return Ok(());
    }
    for r in &rows {
        println!("{}  (answers: {}; {})", r.name, r.failure, r.source);
        println!("    response : {}", r.response);
        println!("    mechanism: {}", r.mechanism);
        let cost = match r.name {
            "rd-subsidy" => format!(
                "the subsidies it pays (budget +{} per step)",
                r.default_cost_per_step
            ),
            "public-procurement" => "its share of local sales".to_string(),
            _ => format!("{} per step", r.default_cost_per_step),
        };
        println!(
            "    strength s = {} by default; cost: {cost}",
            r.default_strength
        );
    }
    Ok(())
}

fn to_json(value: &impl Serialize) -> CliResult<String> {
    serde_json::to_string_pretty(value).map_err(|e| CliError::failure(anyhow::Error::new(e)))
}

/// A scenario read for the lab: its TOML table and name, checked once.
struct Base {
    source: String,
    dir: PathBuf,
    table: toml::Table,
    scenario: Scenario,
}

fn read_base(path: Option<&Path>) -> CliResult<Base> {
    let (text, source, dir) = read_scenario(path)?;
    let parsed = parse_scenario_text(&text, &source)
        .map_err(|p| CliError::inputs(p.0.iter().map(ToString::to_string).collect()))?;
    let (scenario, _) = validate(
        &parsed,
        firm_file(&parsed.file.firms.csv, &dir)?
            .as_ref()
            .map(|(s, t)| Ok(clusterlab_model::scenario::FirmCsv { source: s, text: t })),
        machine_limits()?,
    )
    .map_err(|p| CliError::inputs(p.0.iter().map(ToString::to_string).collect()))?;
    if !scenario.processes().economy() {
        return Err(CliError::input(format!(
            "{source}: processes: policies act on the cluster's economy, and the scenario runs none of its processes (expected e.g. processes = [\"market\", \"rnd\", \"spillover\", \"network\", \"diffusion\"])"
        )));
    }
    let mut table: toml::Table = text
        .parse()
        .map_err(|e| CliError::input(format!("{source}: {e}")))?;
    // A firm file is named absolutely so the lab's variants find it.
    if let Some(csv) = parsed.file.firms.csv.as_ref() {
        let absolute = dir.join(csv);
        if let Some(firms) = table.get_mut("firms").and_then(|f| f.as_table_mut()) {
            firms.insert(
                "csv".into(),
                toml::Value::String(absolute.display().to_string()),
            );
        }
    }
    Ok(Base {
        source,
        dir,
        table,
        scenario,
    })
}

fn firm_file(csv: &Option<String>, dir: &Path) -> CliResult<Option<(String, String)>> {
    match csv {
        None => Ok(None),
        Some(name) => {
            let path = dir.join(name);
            let text = std::fs::read_to_string(&path).map_err(|e| {
                CliError::input(format!("cannot read the firm file {}: {e}", path.display()))
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
fn parse_mixes(text: &str) -> CliResult<Vec<Vec<Choice>>> {
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
        return Err(CliError::inputs(problems));
    }
    if mixes.is_empty() {
        return Err(CliError::input(
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
) -> CliResult<Scenario> {
    let mut table = base.table.clone();
    let mut entries: Vec<toml::Value> = table
        .get("policy")
        .and_then(|p| p.as_array())
        .cloned()
        .unwrap_or_default();
    for c in mix {
        let mut entry = toml::Table::new();
        entry.insert("name".into(), toml::Value::String(c.name.clone()));
        entry.insert("start".into(), toml::Value::Integer(i64::from(start)));
        if let Some(end) = end {
            entry.insert("end".into(), toml::Value::Integer(i64::from(end)));
        }
        if let Some(s) = c.strength {
            entry.insert("strength".into(), toml::Value::Float(s));
        }
        entries.push(toml::Value::Table(entry));
    }
    if !entries.is_empty() {
        table.insert("policy".into(), toml::Value::Array(entries));
    }
    let text = toml::to_string(&table).map_err(|e| CliError::failure(anyhow::Error::new(e)))?;
    let mut parsed = parse_scenario_text(&text, &base.source)
        .map_err(|p| CliError::inputs(p.0.iter().map(ToString::to_string).collect()))?;
    parsed.file.seed = base.scenario.seed().wrapping_add(u64::from(replication));
    let csv = firm_file(&parsed.file.firms.csv, &base.dir)?;
    let firm_csv = csv
        .as_ref()
        .map(|(s, t)| Ok(clusterlab_model::scenario::FirmCsv { source: s, text: t }));
    validate(&parsed, firm_csv, machine_limits()?)
        .map(|(s, _)| s)
        .map_err(|p| {
            CliError::inputs(
                p.errors()
                    .map(|p| format!("{}: {}: {}", base.source, p.field, p.message))
                    .collect(),
            )
        })
}

#[derive(Serialize)]
struct FailureScore {
    failure: &'static str,
    score: f64,
    symptom: &'static str,
    responses: Vec<&'static str>,
}

#[derive(Serialize)]
struct Diagnosis {
    scenario: String,
    replications: u32,
    failures: Vec<FailureScore>,
}

fn diagnosis_of(base: &Base, replications: u32) -> CliResult<Diagnosis> {
    let runs: Vec<CliResult<RunOutcome>> = (0..replications)
        .into_par_iter()
        .map(|r| Ok(run_outcomes(&variant(base, &[], 0, None, r)?, 0)))
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

fn diagnose(args: DiagnoseArgs) -> CliResult {
    let paths: Vec<Option<&Path>> = if args.scenarios.is_empty() {
        vec![None]
    } else {
        args.scenarios.iter().map(|p| Some(p.as_path())).collect()
    };
    let mut all = Vec::new();
    for path in paths {
        let base = read_base(path)?;
        all.push(diagnosis_of(&base, args.replications)?);
    }
    if args.json {
        println!("{}", to_json(&all)?);
        return Ok(());
    }
    for d in &all {
        println!(
            "{}: failures by symptom score (0 none, 1 worst), mean of {} baseline runs",
            d.scenario, d.replications
        );
        for (rank, f) in d.failures.iter().enumerate() {
            println!(
                "  {}. {:<52} {:.3}   responses: {}",
                rank + 1,
                f.failure,
                f.score,
                f.responses.join(", ")
            );
            println!("       symptom: {}", f.symptom);
        }
    }
    Ok(())
}

/// A difference from the baseline with its 95% interval.
#[derive(Clone, Copy, Debug, Serialize)]
struct Effect {
    mean: f64,
    lo: f64,
    hi: f64,
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

#[derive(Serialize)]
struct Alternative {
    policies: String,
    innovations: Effect,
    t50: Effect,
    knowledge_dispersion: Effect,
    welfare: Effect,
    /// Welfare's effect less the extra public money.
    net_welfare: Effect,
    cost: Effect,
    /// Objective gain per unit of extra public money.
    cost_effectiveness: Option<f64>,
    within_budget: bool,
    /// Variance of the objective's effect estimate without common random numbers over its
    /// variance with them (null when the paired differences do not vary at all).
    variance_reduction: f64,
}

#[derive(Serialize)]
struct Comparison {
    scenario: String,
    replications: u32,
    objective: String,
    baseline: BaselineMeans,
    alternatives: Vec<Alternative>,
    best: Option<String>,
    why: String,
    diagnosis: Vec<FailureScore>,
}

#[derive(Serialize)]
struct BaselineMeans {
    innovations: f64,
    t50: f64,
    knowledge_dispersion: f64,
    welfare: f64,
    cost: f64,
}

fn compare(args: CompareArgs) -> CliResult {
    let mixes = parse_mixes(&args.policies)?;
    if let Some(end) = args.end {
        if end <= args.start {
            return Err(CliError::input(format!(
                "--end: {end} is not after --start {} (expected the step the policies stop before)",
                args.start
            )));
        }
    }
    if let Some(b) = args.budget {
        if !(b >= 0.0 && b.is_finite()) {
            return Err(CliError::input(format!(
                "--budget: {b} is not a budget (expected a number of at least 0)"
            )));
        }
    }
    let objective = args.objective.as_str();
    if !["welfare", "innovation", "speed", "equality"].contains(&objective) {
        return Err(CliError::input(format!(
            "--objective: `{objective}` is not one (expected welfare, innovation, speed or equality){}",
            did_you_mean(objective, ["welfare", "innovation", "speed", "equality"])
        )));
    }
    if let Some(report) = &args.report {
        crate::staged::check_outputs("--report", std::slice::from_ref(report))?;
    }
    if let Some(report) = &args.report {
        crate::staged::check_outputs("--report", std::slice::from_ref(report))?;
    }
    let paths: Vec<Option<&Path>> = if args.scenarios.is_empty() {
        vec![None]
    } else {
        args.scenarios.iter().map(|p| Some(p.as_path())).collect()
    };
    let mut results = Vec::new();
    for path in paths {
        let base = read_base(path)?;
        results.push(compare_one(&args, &base, &mixes)?);
    }
    if let Some(report) = &args.report {
        let value =
            serde_json::to_value(&results).map_err(|e| CliError::failure(anyhow::Error::new(e)))?;
        let command: Vec<String> = std::iter::once("clusterlab".to_string())
            .chain(std::env::args().skip(1))
            .map(|a| {
                if a.contains([' ', '"', '\'']) {
                    format!("'{a}'")
                } else {
                    a
                }
            })
            .collect();
        crate::commands::report::policy::write(&value, &command.join(" "), report)?;
        if !args.json {
            println!("report -> {}", report.display());
        }
    }
    if args.json {
        println!("{}", to_json(&results)?);
        return Ok(());
    }
    for c in &results {
        print_comparison(c);
    }
    if results.len() > 1 {
        println!("best by cluster ({}):", args.objective);
        for c in &results {
            println!(
                "  {:<40} {:<28} {}",
                c.scenario,
                c.best.as_deref().unwrap_or("none improves on the baseline"),
                c.why
            );
        }
    }
    Ok(())
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

fn compare_one(args: &CompareArgs, base: &Base, mixes: &[Vec<Choice>]) -> CliResult<Comparison> {
    let steps = base.scenario.steps();
    if args.start >= steps {
        return Err(CliError::input(format!(
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
                return Err(CliError::input(format!(
                    "--policies: {s} is not a strength of {} (expected a number in [0, 1))",
                    c.name
                )));
            }
        }
    }
    let techs = base.scenario.technologies();
    let tech = match &args.technology {
        Some(id) => techs.iter().position(|t| &t.id == id).ok_or_else(|| {
            CliError::input(format!(
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
        .map(|(a, s)| (*a, run_outcomes(s, tech)))
        .collect();
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
    let diagnosis = diagnosis_of(base, args.replications.min(3))?;
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

fn print_comparison(c: &Comparison) {
    println!(
        "{}: {} runs per alternative, the same seeds for all (common random numbers)",
        c.scenario, c.replications
    );
    let b = &c.baseline;
    println!(
        "  baseline: innovations {:.1}, t50 {:.1}, knowledge dispersion {:.4}, welfare {:.4e}, public money {:.1}",
        b.innovations, b.t50, b.knowledge_dispersion, b.welfare, b.cost
    );
    println!("  effects over the baseline, mean [95% interval]:");
    let show = |e: &Effect, digits: usize| {
        format!(
            "{:+.*} [{:+.*}, {:+.*}]",
            digits, e.mean, digits, e.lo, digits, e.hi
        )
    };
    for r in &c.alternatives {
        println!(
            "  {}{}",
            r.policies,
            if r.within_budget {
                ""
            } else {
                "  (over the budget)"
            }
        );
        println!(
            "      innovations {}   t50 {}",
            show(&r.innovations, 1),
            show(&r.t50, 1)
        );
        println!(
            "      knowledge dispersion {}   welfare {:+.4e} [{:+.4e}, {:+.4e}]",
            show(&r.knowledge_dispersion, 4),
            r.welfare.mean,
            r.welfare.lo,
            r.welfare.hi
        );
        let reduction = if r.variance_reduction.is_nan() {
            "n/a (nothing varies)".to_string()
        } else if r.variance_reduction > 1000.0 {
            "over 1000".to_string()
        } else {
            format!("{:.1}", r.variance_reduction)
        };
        println!(
            "      public money {}   net welfare {:+.4e}   {} gain per unit of money {}",
            show(&r.cost, 1),
            r.net_welfare.mean,
            c.objective,
            r.cost_effectiveness
                .map_or("-".to_string(), |v| format!("{v:.4}")),
        );
        println!(
            "      common random numbers make the {} effect's variance {reduction} times smaller",
            c.objective
        );
    }
    println!(
        "  best for {}: {} — {}",
        c.objective,
        c.best.as_deref().unwrap_or("none"),
        c.why
    );
}
