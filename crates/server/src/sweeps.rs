//! Sweeps in the dashboard's data folder (DATA/sweeps/NAME, each written by `clusterlab
//! sweep --out`, on this machine or over MPI): listed from their catalogues, with their reports
//! made on request by `clusterlab report`.

use clusterlab_store::catalogue::{Catalogue, FILE};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Where sweeps are kept, inside the data folder.
pub const SWEEPS: &str = "sweeps";

/// A sweep's id: its directory's name, letters, digits, `-`, `_` and `.` (no `..`).
fn valid_id(id: &str) -> bool {
    super::plain_name(id, 80, true)
}

/// One sweep, as listed.
#[derive(Serialize)]
pub struct Listed {
    /// Its directory's name.
    pub id: String,
    /// The experiment's name.
    pub name: String,
    /// Its design.
    pub design: String,
    /// Runs done.
    pub done: u64,
    /// All runs.
    pub total: u64,
}

/// The sweeps in the data folder, by id; a directory whose catalogue cannot be read is left
/// out.
pub fn list(data: &Path) -> Vec<Listed> {
    let mut out: Vec<Listed> = std::fs::read_dir(data.join(SWEEPS))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let id = e.file_name().to_string_lossy().to_string();
            let dir = dir(data, &id)?;
            let catalogue = Catalogue::open(&dir).ok()?;
            let record = catalogue.experiment().ok()??;
            let (done, total) = catalogue.progress().ok()?;
            Some(Listed {
                id,
                name: record.name,
                design: record.design,
                done,
                total,
            })
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// The directory of sweep `id`, if it is one inside the data folder (links resolved).
fn dir(data: &Path, id: &str) -> Option<PathBuf> {
    if !valid_id(id) {
        return None;
    }
    let dir = data.join(SWEEPS).join(id).canonicalize().ok()?;
    let root = data.canonicalize().ok()?;
    let catalogue = dir.join(FILE).canonicalize().ok()?;
    (dir.starts_with(&root) && catalogue.starts_with(&dir) && catalogue.is_file()).then_some(dir)
}

/// One report made at a time: two requests for one sweep's report would both write it.
static MAKING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// How long making a report may take before it is given up.
const REPORT_TIME: std::time::Duration = std::time::Duration::from_secs(300);

/// Sweep `id`'s report, made (or made again, when runs finished since) as `clusterlab report`
/// makes it, on a thread of its own: past [`REPORT_TIME`] the page is told so while the report
/// is finished in the background, one at a time.
pub fn report(data: &Path, id: &str) -> Result<Vec<u8>, (u16, String)> {
    let dir = dir(data, id).ok_or((404, format!("no sweep `{id}` in the data folder")))?;
    let report = dir.join("report.html");
    let (done, finished) = std::sync::mpsc::channel();
    let (making_dir, making_report) = (dir.clone(), report.clone());
    std::thread::spawn(move || {
        let _making = MAKING.lock().unwrap_or_else(|p| p.into_inner());
        let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        let result =
            if modified(&making_report) < clusterlab_store::catalogue::modified(&making_dir) {
                clusterlab_report::write_any(&making_dir, &making_report)
            } else {
                Ok(())
            };
        let _ = done.send(result);
    });
    match finished.recv_timeout(REPORT_TIME) {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err((422, e.lines.join("\n"))),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            return Err((503, "the report took too long to make".to_string()))
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            return Err((500, "making the report failed".to_string()))
        }
    }
    let real = report
        .canonicalize()
        .map_err(|e| (500, format!("cannot read the report: {e}")))?;
    if !real.starts_with(&dir) {
        return Err((
            403,
            "refused: the report lies outside the data folder".into(),
        ));
    }
    std::fs::read(&real).map_err(|e| (500, format!("cannot read the report: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_ids_never_leave_the_folder() {
        assert!(valid_id("subsidy-2026.1"));
        for bad in ["", "..", ".hidden", "a/b", "../x", &"x".repeat(81)] {
            assert!(!valid_id(bad), "{bad:?}");
        }
        let data = tempfile::tempdir().unwrap();
        assert!(dir(data.path(), "..").is_none());
        assert!(dir(data.path(), "missing").is_none());
    }
}
