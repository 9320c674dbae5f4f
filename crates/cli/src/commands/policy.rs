//! `clusterlab policy`: the policy lab — list the policies, diagnose a cluster's failures,
//! compare policies on outcomes and cost with common random numbers.

use crate::error::{CliError, CliResult};
use clap::{Args, Subcommand};
use clusterlab_lab::load::check_outputs;
use clusterlab_lab::policy_lab::{
    compare as compare_policies, diagnose as diagnose_failures, CompareOptions, Comparison,
    DiagnoseOptions, Effect,
};
use clusterlab_lab::progress::Stop;
use clusterlab_model::policy::POLICIES;
use serde::Serialize;
use std::path::PathBuf;

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

    /// Baseline runs averaged (replication r seeded as in sweeps: `replication_seed`).
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

fn diagnose(args: DiagnoseArgs) -> CliResult {
    let all = diagnose_failures(
        &DiagnoseOptions {
            scenarios: args.scenarios.clone(),
            replications: args.replications,
        },
        Stop::on_interrupt(),
    )?;
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

fn compare(args: CompareArgs) -> CliResult {
    // The lab checks the policies, the period, the budget and the objective; the report's
    // file is checked here, before any run.
    if let Some(report) = &args.report {
        check_outputs("--report", std::slice::from_ref(report))?;
    }
    let results = compare_policies(
        &CompareOptions {
            scenarios: args.scenarios.clone(),
            policies: args.policies.clone(),
            replications: args.replications,
            start: args.start,
            end: args.end,
            budget: args.budget,
            objective: args.objective.clone(),
            technology: args.technology.clone(),
        },
        Stop::on_interrupt(),
    )?;
    if let Some(report) = &args.report {
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
        clusterlab_report::policy::write(&results, &command.join(" "), report)?;
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
