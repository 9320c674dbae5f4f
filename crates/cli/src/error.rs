//! The command line's errors are the lab's, worded for the user: the lines to print after the
//! `clusterlab: ` prefix, and the exit code (2 bad input, 1 a failure, 130 interrupted).

pub use clusterlab_lab::error::{EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_INTERRUPTED};
pub use clusterlab_lab::{LabError as CliError, LabResult as CliResult};

/// Prints a scenario's warnings to standard error, each after the `clusterlab: ` prefix.
pub fn print_warnings(problems: &clusterlab_model::scenario::Problems) {
    for w in problems.warnings() {
        eprintln!("clusterlab: {w}");
    }
}
