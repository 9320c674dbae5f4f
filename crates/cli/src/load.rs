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

/// The environment variable that caps the memory a world may take.
pub const MAX_MEMORY_VAR: &str = "CLUSTERLAB_MAX_MEMORY";

/// Parses a size such as `1073741824`, `512M` or `8G` (binary units).
fn parse_size_bytes(text: &str) -> Option<u64> {
    let t = text.trim();
    let (digits, multiplier) = match t.char_indices().last()? {
        (i, 'k' | 'K') => (&t[..i], 1u64 << 10),
        (i, 'm' | 'M') => (&t[..i], 1 << 20),
        (i, 'g' | 'G') => (&t[..i], 1 << 30),
        (i, 't' | 'T') => (&t[..i], 1 << 40),
        _ => (t, 1),
    };
    digits.trim().parse::<u64>().ok()?.checked_mul(multiplier)
}

fn read_number(path: &str) -> Option<u64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// Memory a world may take: the least of `MemAvailable` in `/proc/meminfo`, the control
/// group's limit (v2 or v1), and `CLUSTERLAB_MAX_MEMORY`, where each exists.
pub fn machine_limits() -> CliResult<Limits> {
    let mem_available = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("MemAvailable:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
                .map(|kb| kb * 1024)
        });
    let cgroup = read_number("/sys/fs/cgroup/memory.max")
        .or_else(|| read_number("/sys/fs/cgroup/memory/memory.limit_in_bytes"));
    let user = match std::env::var(MAX_MEMORY_VAR) {
        Ok(text) => Some(parse_size_bytes(&text).ok_or_else(|| {
            CliError::input(format!(
                "{MAX_MEMORY_VAR}: `{text}` is not a size (expected bytes, or a number with K, M, G or T, e.g. 8G)"
            ))
        })?),
        Err(_) => None,
    };
    let available_bytes = [mem_available, cgroup, user].into_iter().flatten().min();
    Ok(Limits { available_bytes })
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
    let (scenario, warnings) = validate(&parsed, firm_csv, machine_limits()?)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_in_binary_units() {
        assert_eq!(parse_size_bytes("1024"), Some(1024));
        assert_eq!(parse_size_bytes("512M"), Some(512 << 20));
        assert_eq!(parse_size_bytes("8g"), Some(8 << 30));
        assert_eq!(parse_size_bytes(" 2 T "), Some(2 << 40));
        assert_eq!(parse_size_bytes("lots"), None);
        assert_eq!(parse_size_bytes("-1G"), None);
        assert_eq!(parse_size_bytes(""), None);
    }
}
