//! What went wrong in the lab, already worded for a person, and which kind of failure it is.
//!
//! The kinds are the exit codes of the command line (2 bad input, 1 a failure while working,
//! 130 interrupted, 124 past a deadline); the dashboard maps them to HTTP statuses. Messages
//! carry the offending input: the file, the line, the field and the value expected.

use std::fmt;

/// Exit code for bad input (a malformed scenario, a bad option, a missing file).
pub const EXIT_BAD_INPUT: u8 = 2;
/// Exit code for a failure while working (an output that could not be written).
pub const EXIT_FAILURE: u8 = 1;
/// Exit code after an interrupt (128 + SIGINT), as shells report it.
pub const EXIT_INTERRUPTED: u8 = 130;

/// A failure of a lab job, already worded for the user.
#[derive(Debug)]
pub struct LabError {
    /// Lines to print, each after the `clusterlab: ` prefix.
    pub lines: Vec<String>,
    /// The process exit code.
    pub code: u8,
}

impl LabError {
    /// Bad input: exit code 2.
    pub fn input(message: impl Into<String>) -> LabError {
        LabError {
            lines: vec![message.into()],
            code: EXIT_BAD_INPUT,
        }
    }

    /// Several problems with the input, one per line: exit code 2.
    pub fn inputs(lines: Vec<String>) -> LabError {
        LabError {
            lines,
            code: EXIT_BAD_INPUT,
        }
    }

    /// A failure while working, with its chain of causes: exit code 1.
    pub fn failure(error: anyhow::Error) -> LabError {
        LabError {
            lines: vec![format!("{error:#}")],
            code: EXIT_FAILURE,
        }
    }
}

impl LabError {
    /// A failure while stepping and writing: an interrupt, or an output error in `what`.
    pub fn while_writing(error: std::io::Error, what: &str) -> LabError {
        if error.kind() == std::io::ErrorKind::Interrupted {
            LabError {
                lines: vec!["interrupted: no output was written".to_string()],
                code: EXIT_INTERRUPTED,
            }
        } else {
            LabError::failure(anyhow::Error::new(error).context(format!("cannot write {what}")))
        }
    }
}

impl fmt::Display for LabError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.lines.join("\n"))
    }
}

impl From<anyhow::Error> for LabError {
    fn from(error: anyhow::Error) -> LabError {
        LabError::failure(error)
    }
}

/// Result of a lab job.
pub type LabResult<T = ()> = Result<T, LabError>;

/// Exit code of a job that ran past its deadline (as `timeout(1)` reports it).
pub const EXIT_TIMED_OUT: u8 = 124;
