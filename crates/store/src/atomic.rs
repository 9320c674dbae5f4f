//! Output files that appear whole or not at all: the one place that writes under a temporary
//! name and renames into place.
//!
//! - [`Staged`]: a set of files written under temporary names in their final directory and
//!   renamed into place together only when the whole job has succeeded; if it fails or is
//!   dropped, the temporary files are removed, and so is the directory if it created it.
//! - [`write_atomically`]: one file, written by a closure under a temporary name, renamed.
//! - [`write_synced`]: bytes to a new file, waited for until they are on disk.
//!
//! **Invariant:** a reader (or a kill at any moment) sees the old file or the new one, never
//! a mix.

use anyhow::{Context, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A set of output files being written.
#[derive(Debug)]
pub struct Staged {
    created_dirs: Vec<PathBuf>,
    files: Vec<(PathBuf, PathBuf)>,
    committed: bool,
}

impl Staged {
    /// Prepares to write files into `dir`, creating it (and its parents) if needed.
    pub fn in_dir(dir: &Path) -> Result<Staged> {
        let mut created_dirs = Vec::new();
        let mut missing = Vec::new();
        let mut d = Some(dir);
        while let Some(p) = d {
            if p.as_os_str().is_empty() || p.exists() {
                break;
            }
            missing.push(p.to_path_buf());
            d = p.parent();
        }
        for p in missing.iter().rev() {
            std::fs::create_dir(p)
                .with_context(|| format!("cannot create the directory {}", p.display()))?;
            created_dirs.push(p.clone());
        }
        Ok(Staged {
            created_dirs,
            files: Vec::new(),
            committed: false,
        })
    }

    /// Opens `path` for writing under a temporary name beside it, unique to this process and
    /// call (`.NAME.partial-PID-N`), so two jobs of one process never share one.
    pub fn create(&mut self, path: &Path) -> Result<BufWriter<File>> {
        let name = path
            .file_name()
            .with_context(|| format!("{} is not a file name", path.display()))?;
        let temporary = path.with_file_name(format!(
            ".{}.partial-{}-{}",
            name.to_string_lossy(),
            std::process::id(),
            next_call()
        ));
        let file = File::create(&temporary)
            .with_context(|| format!("cannot write {}", temporary.display()))?;
        self.files.push((temporary, path.to_path_buf()));
        Ok(BufWriter::new(file))
    }

    /// Renames every file into place.
    pub fn commit(mut self) -> Result<()> {
        for (temporary, path) in &self.files {
            std::fs::rename(temporary, path).with_context(|| {
                format!("cannot move the output into place at {}", path.display())
            })?;
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        for (temporary, _) in &self.files {
            let _ = std::fs::remove_file(temporary);
        }
        for dir in self.created_dirs.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// A number no other call of this process gets: what makes temporary names unique.
fn next_call() -> u64 {
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Writes a file through `write` under a temporary name beside `path`, unique to this process
/// and call (`NAME.EXT.PID-N.tmp`, so two writers never share one), then renames it into
/// place; on an error the temporary file is removed.
pub fn write_atomically(path: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let call = next_call();
    let tmp = path.with_extension(format!(
        "{}.{}-{call}.tmp",
        path.extension().and_then(|e| e.to_str()).unwrap_or("out"),
        std::process::id()
    ));
    if let Err(e) = write(&tmp) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, path)
        .with_context(|| format!("cannot move {} into place", path.display()))
}

/// Writes `bytes` to a new file at `path` and waits until they are on disk.
pub fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file =
        File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_left_when_not_committed() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b");
        {
            let mut staged = Staged::in_dir(&dir).unwrap();
            let mut w = staged.create(&dir.join("x.csv")).unwrap();
            writeln!(w, "half").unwrap();
        }
        assert!(!root.path().join("a").exists());
    }

    #[test]
    fn a_file_written_atomically_appears_whole_or_not_at_all() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("s.csv");
        write_atomically(&path, |tmp| write_synced(tmp, b"old")).unwrap();
        let failed = write_atomically(&path, |tmp| {
            write_synced(tmp, b"half")?;
            anyhow::bail!("failed midway")
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 1);
    }

    #[test]
    fn files_appear_on_commit() {
        let root = tempfile::tempdir().unwrap();
        let mut staged = Staged::in_dir(root.path()).unwrap();
        let mut w = staged.create(&root.path().join("x.csv")).unwrap();
        writeln!(w, "whole").unwrap();
        drop(w);
        assert!(!root.path().join("x.csv").exists());
        staged.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(root.path().join("x.csv")).unwrap(),
            "whole\n"
        );
        assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 1);
    }
}
