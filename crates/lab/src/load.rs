//! Reading scenarios from files (the only place that touches a scenario's files), the memory
//! a world may take, and checking up front that outputs can be written.

use crate::error::{LabError, LabResult};
use clusterlab_model::scenario::{
    parse_scenario_text, validate, FirmCsv, Limits, Problems, MAX_STEPS,
};
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
    /// The firm file it read, as a path from the working directory.
    pub firm_file: Option<String>,
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
pub fn machine_limits() -> LabResult<Limits> {
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
            LabError::input(format!(
                "{MAX_MEMORY_VAR}: `{text}` is not a size (expected bytes, or a number with K, M, G or T, e.g. 8G)"
            ))
        })?),
        Err(_) => None,
    };
    let available_bytes = [mem_available, cgroup, user].into_iter().flatten().min();
    Ok(Limits { available_bytes })
}

/// Every problem, errors and warnings, one per line.
fn problem_lines(problems: &Problems) -> Vec<String> {
    problems.0.iter().map(|p| p.to_string()).collect()
}

/// Values given on the command line in place of the scenario's own.
#[derive(Clone, Copy, Debug, Default)]
pub struct Overrides {
    /// `--seed`.
    pub seed: Option<u64>,
    /// `--steps`.
    pub steps: Option<u32>,
}

/// Reads, parses and checks the scenario at `path` (the bundled default when `None`), with
/// the command line's overrides applied before the checks so they are checked too.
pub fn load_scenario(path: Option<&Path>, overrides: Overrides) -> LabResult<Loaded> {
    let (text, source, base) = read_scenario(path)?;
    load_scenario_text(&text, &source, &base, overrides, machine_limits()?)
}

/// A scenario's text, its name in messages, and the directory its firm file is relative to.
pub fn read_scenario(path: Option<&Path>) -> LabResult<(String, String, PathBuf)> {
    Ok(match path {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                LabError::input(format!("cannot read the scenario {}: {e}", path.display()))
            })?;
            let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
            (text, path.display().to_string(), base)
        }
        None => (
            DEFAULT_SCENARIO.to_string(),
            DEFAULT_SCENARIO_NAME.to_string(),
            PathBuf::new(),
        ),
    })
}

/// Parses and checks scenario `text` (named `source`, its firm file relative to `base`), with
/// the overrides applied before the checks.
pub fn load_scenario_text(
    text: &str,
    source: &str,
    base: &Path,
    overrides: Overrides,
    limits: Limits,
) -> LabResult<Loaded> {
    let source = source.to_string();
    let mut parsed = parse_scenario_text(text, &source)
        .map_err(|problems| LabError::inputs(problem_lines(&problems)))?;
    if let Some(steps) = overrides.steps {
        if steps > MAX_STEPS {
            return Err(LabError::input(format!(
                "--steps: {steps} steps is too many (expected at most {MAX_STEPS})"
            )));
        }
        parsed.file.steps = steps;
    }
    if let Some(seed) = overrides.seed {
        parsed.file.seed = seed;
    }
    let csv = parsed.file.firms.csv.as_ref().map(|csv_path| {
        let resolved = base.join(csv_path);
        let name = resolved.display().to_string();
        std::fs::read_to_string(&resolved)
            .map(|text| (name.clone(), text))
            .map_err(|e| format!("cannot read the firm file {name}: {e}"))
    });
    let firm_csv = csv.as_ref().map(|read| {
        read.as_ref()
            .map(|(source, text)| FirmCsv { source, text })
            .map_err(Clone::clone)
    });
    let (scenario, warnings) = validate(&parsed, firm_csv, limits)
        .map_err(|problems| LabError::inputs(problem_lines(&problems)))?;
    Ok(Loaded {
        scenario,
        source,
        warnings,
        firm_file: csv.and_then(|read| read.ok()).map(|(name, _)| name),
    })
}

/// Checks, before any work is done, that each of `files` can be written: none is an existing
/// directory, and the nearest existing ancestor of each is a directory. `option` names the
/// command-line option in the message.
pub fn check_outputs(option: &str, files: &[PathBuf]) -> LabResult {
    for file in files {
        if file.is_dir() {
            return Err(LabError::input(format!(
                "{option}: {} is a directory (expected a file name)",
                file.display()
            )));
        }
        let mut ancestor = file.parent();
        while let Some(dir) = ancestor {
            if dir.as_os_str().is_empty() {
                break;
            }
            if dir.exists() {
                if !dir.is_dir() {
                    return Err(LabError::input(format!(
                        "{option}: {} exists and is not a directory",
                        dir.display()
                    )));
                }
                break;
            }
            ancestor = dir.parent();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_that_cannot_be_written_are_refused_up_front() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("f");
        std::fs::write(&file, "").unwrap();
        assert!(check_outputs("--out", &[root.path().to_path_buf()]).is_err());
        assert!(check_outputs("--out", &[file.join("x.csv")]).is_err());
        assert!(check_outputs("--out", &[root.path().join("new/dir/x.csv")]).is_ok());
    }

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
