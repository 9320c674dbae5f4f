//! Errors at the edge: what went wrong, and which exit code says so.

use std::fmt;

/// Exit code for bad input (a malformed scenario, a bad option, a missing file).
pub const EXIT_BAD_INPUT: u8 = 2;
/// Exit code for a failure while working (an output that could not be written).
pub const EXIT_FAILURE: u8 = 1;
/// Exit code after an interrupt (128 + SIGINT), as shells report it.
pub const EXIT_INTERRUPTED: u8 = 130;

/// A failure of a command, already worded for the user.
#[derive(Debug)]
pub struct CliError {
    /// Lines to print, each after the `clusterlab: ` prefix.
    pub lines: Vec<String>,
    /// The process exit code.
    pub code: u8,
}

impl CliError {
    /// Bad input: exit code 2.
    pub fn input(message: impl Into<String>) -> CliError {
        CliError {
            lines: vec![message.into()],
            code: EXIT_BAD_INPUT,
        }
    }

    /// Several problems with the input, one per line: exit code 2.
    pub fn inputs(lines: Vec<String>) -> CliError {
        CliError {
            lines,
            code: EXIT_BAD_INPUT,
        }
    }

    /// A failure while working, with its chain of causes: exit code 1.
    pub fn failure(error: anyhow::Error) -> CliError {
        CliError {
            lines: vec![format!("{error:#}")],
            code: EXIT_FAILURE,
        }
    }
}

impl CliError {
    /// A failure while stepping and writing: an interrupt, or an output error in `what`.
    pub fn while_writing(error: std::io::Error, what: &str) -> CliError {
        if error.kind() == std::io::ErrorKind::Interrupted {
            CliError {
                lines: vec!["interrupted: no output was written".to_string()],
                code: EXIT_INTERRUPTED,
            }
        } else {
            CliError::failure(anyhow::Error::new(error).context(format!("cannot write {what}")))
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.lines.join("\n"))
    }
}

impl From<anyhow::Error> for CliError {
    fn from(error: anyhow::Error) -> CliError {
        CliError::failure(error)
    }
}

/// Result of a command.
pub type CliResult<T = ()> = Result<T, CliError>;
