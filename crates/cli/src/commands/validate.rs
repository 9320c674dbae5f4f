//! `clusterlab validate`: check scenario files without running them.

use crate::error::print_warnings;
use crate::error::{CliError, CliResult};
use clap::Args;
use clusterlab_lab::load::{load_scenario, Overrides};
use clusterlab_model::scenario::FirmPlacement;
use std::path::PathBuf;

/// Check scenario files (and the firm CSVs they name) and report every problem with its file,
/// line, field and expected value. Exits with 2 if any file has an error.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario files (TOML).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

/// Runs the command.
pub fn run(args: ValidateArgs) -> CliResult {
    let mut errors = Vec::new();
    for path in &args.files {
        match load_scenario(Some(path), Overrides::default()) {
            Ok(loaded) => {
                print_warnings(&loaded.warnings);
                let s = &loaded.scenario;
                let firms = match s.firms() {
                    FirmPlacement::Density { density, .. } => {
                        format!("about {:.0} firms", density * s.region().cells() as f64)
                    }
                    FirmPlacement::Listed { firms, .. } => format!("{} listed firms", firms.len()),
                };
                let n_tech = s.technologies().len();
                println!(
                    "{}: ok: {}×{} region, {}, {} neighbourhood, {} {}, {} steps; processes: {}",
                    path.display(),
                    s.region().width,
                    s.region().height,
                    firms,
                    s.neighbourhood(),
                    n_tech,
                    if n_tech == 1 {
                        "technology"
                    } else {
                        "technologies"
                    },
                    s.steps(),
                    s.as_written().processes.join(", ")
                );
            }
            Err(e) => errors.extend(e.lines),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CliError::inputs(errors))
    }
}
