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

/// Set while a report is being made: one at a time, by one thread, however many pages ask.
static MAKING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// How long a page waits for a report before it is told so.
const REPORT_TIME: std::time::Duration = std::time::Duration::from_secs(300);

/// Sweep `id`'s report, made (or made again, when runs finished since) as `clusterlab report`
/// makes it. At most one report is made at a time, on a thread of its own; a request waits for
/// the one being made, then makes its own only if the file is still older than the catalogue.
/// Past [`REPORT_TIME`] the page is told so (503) while the report is finished in the
/// background: a later request finds it made.
pub fn report(data: &Path, id: &str) -> Result<Vec<u8>, (u16, String)> {
    use std::sync::atomic::Ordering;
    let dir = dir(data, id).ok_or((404, format!("no sweep `{id}` in the data folder")))?;
    let report = dir.join("report.html");
    let deadline = std::time::Instant::now() + REPORT_TIME;
    let too_long = || (503, "the report took too long to make".to_string());
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    loop {
        if modified(&report) >= clusterlab_store::catalogue::modified(&dir) {
            break;
        }
        if MAKING
            .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
            .is_err()
        {
            // Another report is being made (perhaps this one): wait for it, then look again.
            if std::time::Instant::now() >= deadline {
                return Err(too_long());
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
            continue;
        }
        let (done, finished) = std::sync::mpsc::channel();
        let (making_dir, making_report) = (dir.clone(), report.clone());
        std::thread::spawn(move || {
            let result = clusterlab_report::write_any(&making_dir, &making_report);
            MAKING.store(false, Ordering::SeqCst);
            let _ = done.send(result);
        });
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match finished.recv_timeout(left) {
            Ok(Ok(())) => break,
            Ok(Err(e)) => return Err((422, e.lines.join("\n"))),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => return Err(too_long()),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                // The thread panicked: free the flag so that the next request tries again.
                MAKING.store(false, Ordering::SeqCst);
                return Err((500, "making the report failed".to_string()));
            }
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
