//! `clusterlab evaluate`: a multi-criteria evaluation system over alternatives.

use crate::error::{CliError, CliResult};
use clap::Args;
use clusterlab_lab::input::read_alternatives;
use clusterlab_lab::run::performance;
use clusterlab_model::scenario::{parse_toml, Parsed};
use clusterlab_numerics::evaluation::{evaluate, Alternative, EvaluationSpec, SpecProblem};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Evaluate alternatives by an indicator tree (goal → criteria → indicators).
///
/// SPEC.toml lists the criteria and their indicators (benefit or cost), the weighting (AHP
/// pairwise comparisons with their consistency ratios, entropy, or given weights) and the
/// scoring (TOPSIS with vector or min-max normalisation, or fuzzy comprehensive evaluation
/// with the weighted-average or max-min operator). The alternatives are a CSV with a column
/// `alternative` and one per indicator id, or simulation runs (--runs): each run directory
/// written by `clusterlab run` is an alternative, its indicators read from summary.json for
/// one technology — t10, t50, t90 (steps; never reached counts as steps + 1),
/// peak_adoption_rate, final_share, spatial_reach, laggard_adoption, welfare_total,
/// welfare_gain (percent over --baseline), fiscal_cost (subsidies per initial firm) — or any
/// column of the economy's last indicators (gem, innovation_dynamics, …). See
/// examples/evaluation/diffusion-performance.toml and docs/evaluation.md.
#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// The evaluation spec (TOML).
    #[arg(value_name = "SPEC.toml")]
    spec: PathBuf,

    /// The alternatives (CSV), instead of the spec's `alternatives`.
    #[arg(long, value_name = "CSV", conflicts_with = "runs")]
    alternatives: Option<PathBuf>,

    /// Run directories (from `clusterlab run`) as the alternatives.
    #[arg(long, value_name = "DIR", num_args = 1..)]
    runs: Vec<PathBuf>,

    /// With --runs: the run that `welfare_gain` is measured against; it is also an
    /// alternative.
    #[arg(long, value_name = "DIR", requires = "runs")]
    baseline: Option<PathBuf>,

    /// With --runs: the technology whose diffusion is evaluated (needed when the runs have
    /// more than one).
    #[arg(long, value_name = "ID", requires = "runs")]
    technology: Option<String>,

    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

fn line_problem(parsed: &Parsed<EvaluationSpec>, p: &SpecProblem) -> String {
    let line = parsed
        .lines
        .line_of(&p.field)
        .map(|l| format!(":{l}"))
        .unwrap_or_default();
    let warning = if p.warning { "warning: " } else { "" };
    format!(
        "{warning}{}{line}: {}: {}",
        parsed.source, p.field, p.message
    )
}

/// Reads the runs (and the baseline, first unless it is among them) and their indicators.
fn runs_as_alternatives(args: &EvaluateArgs, ids: &[&str]) -> CliResult<Vec<Alternative>> {
    let technology = args.technology.as_deref();
    let baseline = args
        .baseline
        .as_deref()
        .map(|dir| performance(dir, technology))
        .transpose()?;
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    let mut runs = Vec::new();
    if let (Some(dir), Some(base)) = (&args.baseline, &baseline) {
        if !args.runs.iter().any(|r| same(r, dir)) {
            runs.push(base.clone());
        }
    }
    for dir in &args.runs {
        runs.push(performance(dir, technology)?);
    }
    let mut problems = Vec::new();
    let mut alternatives = Vec::with_capacity(runs.len());
    for run in &runs {
        let mut values = Vec::with_capacity(ids.len());
        for id in ids {
            match run.indicator(id, baseline.as_ref()) {
                Ok(v) => values.push(v),
                Err(e) => problems.push(format!("run {}: {e}", run.name)),
            }
            if run.censored(id) {
                eprintln!(
                    "clusterlab: warning: run {}: {id} was never reached; it counts as step {} (the run's steps + 1)",
                    run.name,
                    run.steps + 1
                );
            }
        }
        alternatives.push(Alternative {
            name: run.name.clone(),
            values,
        });
    }
    if !problems.is_empty() {
        return Err(CliError::inputs(problems));
    }
    Ok(alternatives)
}

#[derive(Serialize)]
struct Report<'a> {
    spec: &'a str,
    name: &'a str,
    scoring: &'a str,
    weights: &'a str,
    #[serde(flatten)]
    evaluation: &'a clusterlab_numerics::evaluation::Evaluation,
}

/// Runs the command.
pub fn run(args: EvaluateArgs) -> CliResult {
    let source = args.spec.display().to_string();
    let text = std::fs::read_to_string(&args.spec)
        .map_err(|e| CliError::input(format!("cannot read the spec {source}: {e}")))?;
    let parsed: Parsed<EvaluationSpec> = parse_toml(&text, &source, |_| None)
        .map_err(|problems| CliError::inputs(problems.0.iter().map(|p| p.to_string()).collect()))?;
    if !parsed.problems.is_empty() {
        return Err(CliError::inputs(
            parsed.problems.iter().map(|p| p.to_string()).collect(),
        ));
    }
    let spec = &parsed.file;
    let alternatives = if args.runs.is_empty() {
        let csv = match (&args.alternatives, &spec.alternatives) {
            (Some(path), _) => path.clone(),
            (None, Some(relative)) => args.spec.parent().map(|d| d.join(relative)).unwrap_or_else(|| relative.into()),
            (None, None) => {
                return Err(CliError::input(format!(
                    "{source}: no alternatives (expected `alternatives = \"file.csv\"` in the spec, --alternatives or --runs)"
                )))
            }
        };
        read_alternatives(&csv, &spec.indicator_ids())?
    } else {
        runs_as_alternatives(&args, &spec.indicator_ids())?
    };
    let evaluation = evaluate(spec, &alternatives).map_err(|problems| {
        CliError::inputs(problems.iter().map(|p| line_problem(&parsed, p)).collect())
    })?;
    for w in &evaluation.warnings {
        eprintln!("clusterlab: {}", line_problem(&parsed, w));
    }
    if args.json {
        let report = Report {
            spec: &source,
            name: &spec.name,
            scoring: &spec.method.scoring,
            weights: &spec.method.weights,
            evaluation: &evaluation,
        };
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| CliError::failure(anyhow::Error::new(e)))?;
        println!("{text}");
        return Ok(());
    }
    let title = if spec.name.is_empty() {
        source.as_str()
    } else {
        spec.name.as_str()
    };
    println!(
        "{title}: {} alternatives, weights by {}, scored by {}",
        alternatives.len(),
        spec.method.weights,
        spec.method.scoring
    );
    println!("criteria:");
    for c in &evaluation.criteria {
        println!("  {:<22} {:>7.4}", c.id, c.weight);
    }
    println!("indicators:                   criterion     kind     local   global");
    for i in &evaluation.indicators {
        println!(
            "  {:<26} {:<13} {:<7} {:>7.4} {:>8.4}",
            i.id,
            i.criterion.as_deref().unwrap_or(""),
            i.kind.as_deref().unwrap_or(""),
            i.local_weight.unwrap_or(1.0),
            i.weight
        );
    }
    for c in &evaluation.consistency {
        let cr = c.cr.map_or("-".to_string(), |cr| format!("{cr:.4}"));
        println!(
            "consistency of {}: λmax {:.4}, CI {:.4}, CR {cr}",
            c.matrix, c.lambda_max, c.ci
        );
    }
    let mut ranked: Vec<_> = evaluation.alternatives.iter().collect();
    ranked.sort_by_key(|a| a.rank);
    let label = if spec.method.scoring == "fce" {
        "grade score"
    } else {
        "closeness"
    };
    println!("rank  alternative              {label}");
    for a in ranked {
        let grades = a.grades.as_ref().map_or(String::new(), |g| {
            let parts: Vec<String> = spec
                .fce
                .grades
                .iter()
                .zip(g)
                .map(|(n, b)| format!("{n} {b:.3}"))
                .collect();
            format!("   ({})", parts.join(", "))
        });
        println!("{:>4}  {:<24} {:>9.4}{grades}", a.rank, a.name, a.score);
    }
    Ok(())
}
