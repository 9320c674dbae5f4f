//! `clusterlab evaluate`: a multi-criteria evaluation system over alternatives.

use crate::error::{CliError, CliResult};
use crate::table::csv_rows;
use clap::Args;
use clusterlab_analysis::evaluation::{evaluate, Alternative, EvaluationSpec, SpecProblem};
use clusterlab_model::scenario::{parse_toml, Parsed};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Evaluate alternatives by an indicator tree (goal → criteria → indicators).
///
/// SPEC.toml lists the criteria and their indicators (benefit or cost), the weighting (AHP
/// pairwise comparisons with their consistency ratios, entropy, or given weights) and the
/// scoring (TOPSIS with vector or min-max normalisation, or fuzzy comprehensive evaluation
/// with the weighted-average or max-min operator). The alternatives are a CSV with a column
/// `alternative` and one per indicator id. See examples/evaluation/diffusion-performance.toml.
#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// The evaluation spec (TOML).
    #[arg(value_name = "SPEC.toml")]
    spec: PathBuf,

    /// The alternatives (CSV), instead of the spec's `alternatives`.
    #[arg(long, value_name = "CSV")]
    alternatives: Option<PathBuf>,

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

/// Reads alternatives: a column `alternative`, then the indicators by id (in any order).
fn read_alternatives(path: &Path, ids: &[&str]) -> CliResult<Vec<Alternative>> {
    let source = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::input(format!("cannot read the alternatives {source}: {e}")))?;
    let rows = csv_rows(&text);
    let Some((header_line, columns)) = rows.first() else {
        return Err(CliError::input(format!(
            "{source}: the file is empty (expected a header `alternative,{}` and one row per alternative)",
            ids.join(",")
        )));
    };
    let header_line = *header_line;
    let name_column = columns.iter().position(|c| c == "alternative");
    let mut index = Vec::with_capacity(ids.len());
    for id in ids {
        index.push(columns.iter().position(|c| c == id).ok_or_else(|| {
            CliError::input(format!("{source}:{header_line}: missing column `{id}` (expected one column per indicator of the spec)"))
        })?);
    }
    let mut problems = Vec::new();
    let mut alternatives = Vec::new();
    for (line, row) in &rows[1..] {
        let line = *line;
        let mut values = Vec::with_capacity(ids.len());
        for (id, &col) in ids.iter().zip(&index) {
            let raw = row.get(col).map_or("", String::as_str);
            match raw.parse::<f64>() {
                Ok(v) if v.is_finite() => values.push(v),
                _ => problems.push(format!(
                    "{source}:{line}: {id}: `{raw}` is not a number (expected a finite number)"
                )),
            }
        }
        let name = name_column
            .and_then(|c| row.get(c).cloned())
            .unwrap_or_else(|| format!("alternative-{}", alternatives.len() + 1));
        alternatives.push(Alternative { name, values });
    }
    if !problems.is_empty() {
        return Err(CliError::inputs(problems));
    }
    if alternatives.is_empty() {
        return Err(CliError::input(format!(
            "{source}: no alternatives (expected one row per alternative after the header)"
        )));
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
    evaluation: &'a clusterlab_analysis::evaluation::Evaluation,
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
    let csv = match (&args.alternatives, &spec.alternatives) {
        (Some(path), _) => path.clone(),
        (None, Some(relative)) => args.spec.parent().map(|d| d.join(relative)).unwrap_or_else(|| relative.into()),
        (None, None) => {
            return Err(CliError::input(format!(
                "{source}: no alternatives (expected `alternatives = \"file.csv\"` in the spec, or --alternatives)"
            )))
        }
    };
    let alternatives = read_alternatives(&csv, &spec.indicator_ids())?;
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
