//! Reading scenarios from files: the only place that touches the scenario's files.

use crate::error::{CliError, CliResult};
use clusterlab_model::scenario::{parse_scenario_text, validate, FirmCsv, Limits, Problems};
use clusterlab_model::Scenario;
use std::path::{Path, PathBuf};

/// The scenario `clusterlab run` uses when given none.
pub const DEFAULT_SCENARIO: &str = include_str!("../../../examples/default.toml");
/// How the bundled default is named in messages and summaries.
pub const DEFAULT_SCENARIO_NAME: &str = "(bundled default: examples/default.toml)";

/// A checked scenario and where it came from.
pub struct Loaded {
    /// The scenario.
    pub scenario: Scenario,
    /// Its file, or [`DEFAULT_SCENARIO_NAME`].
    pub source: String,
    /// Warnings found while checking it.
    pub warnings: Problems,
}

/// Memory the machine can give a world: `MemAvailable` of `/proc/meminfo`, where there is one.
pub fn machine_limits() -> Limits {
    let available_bytes = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("MemAvailable:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map(|kb| kb * 1024);
    Limits { available_bytes }
}

fn problem_lines(problems: &Problems) -> Vec<String> {
    problems.errors().map(|p| p.to_string()).collect()
}

/// Reads, parses and checks the scenario at `path` (the bundled default when `None`).
pub fn load_scenario(path: Option<&Path>) -> CliResult<Loaded> {
    let (text, source, base) = match path {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                CliError::input(format!("cannot read the scenario {}: {e}", path.display()))
            })?;
            let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
            (text, path.display().to_string(), base)
        }
        None => (
            DEFAULT_SCENARIO.to_string(),
            DEFAULT_SCENARIO_NAME.to_string(),
            PathBuf::new(),
        ),
    };
    let parsed = parse_scenario_text(&text, &source)
        .map_err(|problems| CliError::inputs(problem_lines(&problems)))?;
    let csv = match &parsed.file.firms.csv {
        Some(csv_path) => {
            let resolved = base.join(csv_path);
            let text = std::fs::read_to_string(&resolved).map_err(|e| {
                let line = parsed
                    .lines
                    .line_of("firms.csv")
                    .map(|l| format!(":{l}"))
                    .unwrap_or_default();
                CliError::input(format!(
                    "{source}{line}: firms.csv: cannot read the firm file {}: {e}",
                    resolved.display()
                ))
            })?;
            Some((resolved.display().to_string(), text))
        }
        None => None,
    };
    let firm_csv = csv.as_ref().map(|(source, text)| FirmCsv { source, text });
    let (scenario, warnings) = validate(&parsed, firm_csv, machine_limits())
        .map_err(|problems| CliError::inputs(problem_lines(&problems)))?;
    Ok(Loaded {
        scenario,
        source,
        warnings,
    })
}

/// Prints warnings to standard error.
pub fn print_warnings(problems: &Problems) {
    for w in problems.warnings() {
        eprintln!("clusterlab: {w}");
    }
}
