//! `clusterlab gem`: a cluster's innovation capacity by the GEM model, from expert scores.

use crate::error::{CliError, CliResult};
use clap::Args;
use clusterlab_lab::input::read_gem_scores;
use clusterlab_numerics::gem::{panel, Gem, FACTORS, PAIRS};
use serde::Serialize;
use std::path::PathBuf;

/// Score a cluster with the GEM model (Padmore & Gibson 1998) from experts' factor scores.
///
/// SCORES.csv has a header and one row per expert: an optional `expert` label and the six
/// factors `resources`, `infrastructure`, `suppliers`, `structure`, `local_markets`,
/// `external_markets` (or D11, D12, D21, D22, D31, D32), each from 1 to 10. Prints each
/// expert's GEM and pair scores, the panel's GEM from the mean scores, its weakest pair and
/// factor, and the spread across experts with a bootstrap 95% interval.
#[derive(Debug, Args)]
pub struct GemArgs {
    /// Expert scores (CSV).
    #[arg(value_name = "SCORES.csv")]
    scores: PathBuf,

    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,

    /// Bootstrap resamples of the experts for the interval.
    #[arg(long, value_name = "N", default_value_t = 2000, value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    bootstrap: u32,

    /// Seed of the bootstrap.
    #[arg(long, value_name = "N", default_value_t = 0)]
    seed: u64,
}

#[derive(Serialize)]
struct Diagnosis<'a> {
    expert: &'a str,
    factors: std::collections::BTreeMap<&'static str, f64>,
    pairs: std::collections::BTreeMap<&'static str, f64>,
    gem: f64,
}

fn diagnosis<'a>(name: &'a str, g: &Gem) -> Diagnosis<'a> {
    Diagnosis {
        expert: name,
        factors: FACTORS.iter().copied().zip(g.factors).collect(),
        pairs: PAIRS.iter().copied().zip(g.pairs).collect(),
        gem: g.score,
    }
}

#[derive(Serialize)]
struct Report<'a> {
    scores: String,
    experts: Vec<Diagnosis<'a>>,
    panel: Diagnosis<'a>,
    weakest_pair: &'static str,
    weakest_factor: &'static str,
    gem_mean: f64,
    gem_sd: f64,
    bootstrap_interval_95: [f64; 2],
    resamples: usize,
    seed: u64,
}

/// Runs the command.
pub fn run(args: GemArgs) -> CliResult {
    let experts = read_gem_scores(&args.scores)?;
    let scores: Vec<[f64; 6]> = experts.iter().map(|(_, s)| *s).collect();
    let p = panel(&scores, args.bootstrap as usize, args.seed);
    let report = Report {
        scores: args.scores.display().to_string(),
        experts: experts
            .iter()
            .zip(&p.experts)
            .map(|((name, _), g)| diagnosis(name, g))
            .collect(),
        panel: diagnosis("panel (mean scores)", &p.aggregate),
        weakest_pair: PAIRS[p.aggregate.weakest_pair()],
        weakest_factor: FACTORS[p.aggregate.weakest_factor()],
        gem_mean: p.mean,
        gem_sd: p.sd,
        bootstrap_interval_95: [p.interval.0, p.interval.1],
        resamples: args.bootstrap as usize,
        seed: args.seed,
    };
    if args.json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| CliError::failure(anyhow::Error::new(e)))?;
        println!("{text}");
        return Ok(());
    }
    println!("GEM of {}: {} experts", report.scores, experts.len());
    let short = ["res", "infra", "suppl", "struct", "local", "extern"];
    print!("{:<20}", "expert");
    for s in short {
        print!("{s:>7}");
    }
    println!("{:>8}{:>8}{:>8}{:>9}", "G", "E", "M", "GEM");
    let row = |name: &str, g: &Gem| {
        print!("{name:<20}");
        for f in g.factors {
            print!("{f:>7.2}");
        }
        println!(
            "{:>8.2}{:>8.2}{:>8.2}{:>9.2}",
            g.pairs[0], g.pairs[1], g.pairs[2], g.score
        );
    };
    for ((name, _), g) in experts.iter().zip(&p.experts) {
        row(name, g);
    }
    row("panel (mean scores)", &p.aggregate);
    println!(
        "weakest pair: {} ({:.2}); weakest factor: {} ({:.2})",
        report.weakest_pair,
        p.aggregate.pairs[p.aggregate.weakest_pair()],
        report.weakest_factor,
        p.aggregate.factors[p.aggregate.weakest_factor()]
    );
    println!(
        "GEM across experts: mean {:.2}, sd {:.2}; panel GEM {:.2}, bootstrap 95% interval [{:.2}, {:.2}] ({} resamples, seed {})",
        p.mean, p.sd, p.aggregate.score, p.interval.0, p.interval.1, args.bootstrap as usize, args.seed
    );
    Ok(())
}
