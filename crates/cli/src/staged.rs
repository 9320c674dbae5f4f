//! Output files that appear whole or not at all.
//!
//! Each file is written under a temporary name in its final directory and renamed into place
//! only when the whole command has succeeded. If the command fails or is dropped, the
//! temporary files are removed, and so is the directory if this command created it.

use crate::error::{CliError, CliResult};
use anyhow::{Context, Result};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// Checks, before any work is done, that each of `files` can be written: none is an existing
/// directory, and the nearest existing ancestor of each is a directory. `option` names the
/// command-line option in the message.
pub fn check_outputs(option: &str, files: &[PathBuf]) -> CliResult {
    for file in files {
        if file.is_dir() {
            return Err(CliError::input(format!(
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
                    return Err(CliError::input(format!(
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

    /// Opens `path` for writing under a temporary name beside it.
    pub fn create(&mut self, path: &Path) -> Result<BufWriter<File>> {
        let name = path
            .file_name()
            .with_context(|| format!("{} is not a file name", path.display()))?;
        let temporary = path.with_file_name(format!(
            ".{}.partial-{}",
            name.to_string_lossy(),
            std::process::id()
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

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
    fn outputs_that_cannot_be_written_are_refused_up_front() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("f");
        std::fs::write(&file, "").unwrap();
        assert!(check_outputs("--out", &[root.path().to_path_buf()]).is_err());
        assert!(check_outputs("--out", &[file.join("x.csv")]).is_err());
        assert!(check_outputs("--out", &[root.path().join("new/dir/x.csv")]).is_ok());
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
