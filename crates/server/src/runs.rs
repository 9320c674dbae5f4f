//! The dashboard's saved runs: each a run directory under DATA/runs/, written by `clusterlab
//! run` itself (the same files a user gets on the command line: timeseries.csv, summary.json,
//! maps.json, report.html) plus scenario.toml and timeseries.parquet.

use serde::Serialize;
use std::path::{Path, PathBuf};

/// Where saved runs are kept, inside the data folder.
pub const RUNS: &str = "runs";

/// The files of a run the server hands out, with their content types.
pub const FILES: [(&str, &str); 7] = [
    ("timeseries.csv", "text/csv; charset=utf-8"),
    ("timeseries.parquet", "application/vnd.apache.parquet"),
    ("summary.json", "application/json"),
    ("report.html", "text/html; charset=utf-8"),
    ("scenario.toml", "application/toml; charset=utf-8"),
    ("maps.json", "application/json"),
    ("network.json", "application/json"),
];

/// A run id: `0001-name`, letters, digits, `-` and `_` only.
fn valid_id(id: &str) -> bool {
    super::plain_name(id, 80, false)
}

/// One saved run, as listed.
#[derive(Serialize)]
pub struct Listed {
    /// Its id (the directory's name).
    pub id: String,
    /// The scenario's name.
    pub scenario: String,
    /// The seed.
    pub seed: u64,
    /// Steps run.
    pub steps: u64,
    /// Firms at the start.
    pub firms: u64,
    /// Final share of each technology.
    pub final_shares: Vec<(String, f64)>,
}

/// The saved runs, oldest first.
pub fn list(data: &Path) -> Vec<Listed> {
    let mut out: Vec<Listed> = std::fs::read_dir(data.join(RUNS))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let id = e.file_name().to_string_lossy().to_string();
            if !valid_id(&id) {
                return None;
            }
            let summary = clusterlab_lab::run::read_summary(&e.path()).ok()?;
            Some(Listed {
                scenario: summary.scenario.name,
                seed: summary.seed,
                steps: u64::from(summary.steps),
                firms: summary.firms,
                final_shares: summary
                    .technologies
                    .into_iter()
                    .map(|t| (t.id, t.final_share))
                    .collect(),
                id,
            })
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// Why a file was not handed out.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// The path would leave the data folder, or names a file the server does not serve.
    Outside,
    /// No such run or file.
    Missing,
}

/// The path of file `file` of run `id`, if it is one the server serves and lies inside the
/// data folder (links are resolved before the check).
pub fn file(data: &Path, id: &str, file: &str) -> Result<(PathBuf, &'static str), Refused> {
    let Some((_, kind)) = FILES.iter().find(|(name, _)| *name == file) else {
        return Err(Refused::Outside);
    };
    if !valid_id(id) {
        return Err(Refused::Outside);
    }
    let path = data.join(RUNS).join(id).join(file);
    let (Ok(real), Ok(root)) = (path.canonicalize(), data.canonicalize()) else {
        return Err(Refused::Missing);
    };
    if !real.starts_with(root) {
        return Err(Refused::Outside);
    }
    Ok((real, kind))
}

/// Saves a finished live run: a new directory DATA/runs/NNNN-NAME holding the scenario as run
/// and what `clusterlab run SCENARIO --report` writes from it (the model is deterministic for
/// a seed, so these are the live run's numbers), plus the time series as Parquet. Returns the
/// id.
pub fn save(data: &Path, name: &str, scenario_text: &str) -> Result<String, String> {
    let runs = data.join(RUNS);
    std::fs::create_dir_all(&runs).map_err(|e| format!("cannot create {}: {e}", runs.display()))?;
    let next = std::fs::read_dir(&runs)
        .map_err(|e| format!("cannot read {}: {e}", runs.display()))?
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_string_lossy()
                .split('-')
                .next()
                .and_then(|n| n.parse::<u32>().ok())
        })
        .max()
        .map_or(1, |n| n + 1);
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    // Two saves at once may pick the same number: the directory is created exclusively, and
    // the next number taken when it exists.
    let (id, dir) = (next..next + 1000)
        .find_map(|n| {
            let id = format!("{n:04}-{clean}");
            let dir = runs.join(&id);
            match std::fs::create_dir(&dir) {
                Ok(()) => Some(Ok((id, dir))),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => None,
                Err(e) => Some(Err(format!("cannot create {}: {e}", dir.display()))),
            }
        })
        .unwrap_or_else(|| {
            Err(format!(
                "cannot find a free run number in {}",
                runs.display()
            ))
        })?;
    let result = (|| {
        let scenario = dir.join("scenario.toml");
        std::fs::write(&scenario, scenario_text)
            .map_err(|e| format!("cannot write {}: {e}", scenario.display()))?;
        // What `clusterlab run SCENARIO --report --quiet --out DIR` does, in this process.
        let worded =
            |e: clusterlab_lab::LabError| format!("the run failed: {}", e.lines.join("; "));
        let loaded = clusterlab_lab::load::load_scenario(
            Some(&scenario),
            clusterlab_lab::load::Overrides::default(),
        )
        .map_err(worded)?;
        let options = clusterlab_lab::run::RunOptions {
            out: dir.clone(),
            quiet: true,
            timings: false,
            maps: true,
            panel: None,
        };
        clusterlab_lab::run::run_to_dir(&loaded, &options).map_err(worded)?;
        clusterlab_report::write_report(&dir, &dir.join("report.html")).map_err(worded)?;
        parquet_of_csv(&dir, &dir.join("timeseries.parquet"))
    })();
    match result {
        Ok(()) => Ok(id),
        Err(e) => {
            let _ = std::fs::remove_dir_all(&dir);
            Err(e)
        }
    }
}

/// Writes a run's time series as Parquet: `step` as an integer, every other column a double.
fn parquet_of_csv(dir: &Path, parquet_path: &Path) -> Result<(), String> {
    let table = clusterlab_lab::run::read_timeseries(dir)
        .map_err(|e| e.lines.join("; "))?
        .to_table();
    clusterlab_store::atomic::write_atomically(parquet_path, |partial| table.write_parquet(partial))
        .map_err(|e| format!("cannot write {}: {e:#}", parquet_path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_outside_the_data_folder_are_refused() {
        let data = tempfile::tempdir().unwrap();
        let run = data.path().join(RUNS).join("0001-x");
        std::fs::create_dir_all(&run).unwrap();
        std::fs::write(run.join("summary.json"), "{}").unwrap();
        assert!(file(data.path(), "0001-x", "summary.json").is_ok());
        assert_eq!(
            file(data.path(), "0001-x", "report.html"),
            Err(Refused::Missing)
        );
        assert_eq!(
            file(data.path(), "..", "summary.json"),
            Err(Refused::Outside)
        );
        assert_eq!(
            file(data.path(), "0001-x", "../../x"),
            Err(Refused::Outside)
        );
        assert_eq!(
            file(data.path(), "0001-x", "secret.txt"),
            Err(Refused::Outside)
        );
        // A link inside the folder to a file outside it.
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("summary.json"), "{}").unwrap();
        let linked = data.path().join(RUNS).join("0002-link");
        std::os::unix::fs::symlink(outside.path(), &linked).unwrap();
        assert_eq!(
            file(data.path(), "0002-link", "summary.json"),
            Err(Refused::Outside)
        );
    }
}
