//! `clusterlab regions`: several regions in one run, and firms migrating between them.

use crate::error::CliResult;
use clap::Args;
use clusterlab_lab::regions::{run_regions, RegionsOptions};
use std::path::PathBuf;

/// Run several regions at once, firms migrating between them.
///
/// REGIONS.toml lists the regions (`[[region]]`: `id`, its `scenario` file, a location `x`,
/// `y`), the `[migration]` parameters (rate, classes that move, moving and distance costs, the
/// logit's scale, weights of groundings, market access, agglomeration and cost) and
/// relocation `[[incentive]]`s (a region, a bonus, a period). Writes DIR/timeseries-<id>.csv
/// for each region (its series, then in- and out-migrants by class), DIR/migration.csv and
/// DIR/summary.json with each region's accounting. See examples/regions/ and docs/ODD.md
/// (S21).
#[derive(Debug, Args)]
pub struct RegionsArgs {
    /// The regions file (TOML).
    #[arg(value_name = "REGIONS.toml")]
    file: PathBuf,

    /// Output directory, created if missing.
    #[arg(long, value_name = "DIR", default_value = "clusterlab-regions")]
    out: PathBuf,

    /// No progress bar and no closing report.
    #[arg(long, short)]
    quiet: bool,
}

/// Runs the command.
pub fn run(args: RegionsArgs) -> CliResult {
    let outcome = run_regions(&RegionsOptions {
        file: args.file.clone(),
        out: args.out.clone(),
        quiet: args.quiet,
    })?;
    if !args.quiet {
        println!(
            "{}: {} regions, {} steps -> {}",
            outcome.source,
            outcome.regions.len(),
            outcome.steps,
            args.out.display()
        );
        for r in &outcome.regions {
            println!(
                "  {:<16} firms {} → {} (entries {}, exits {}, moved in {}, moved out {})",
                r.id, r.initial_firms, r.final_firms, r.entries, r.exits, r.moved_in, r.moved_out
            );
        }
    }
    Ok(())
}
