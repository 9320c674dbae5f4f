//! Stepping a world while writing a row per step, with a progress bar on standard error
//! when it is a terminal.

use clusterlab_model::World;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// A bar counting `steps` steps, hidden when standard error is not a terminal or `quiet`.
pub fn step_bar(steps: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::with_draw_target(Some(steps), ProgressDrawTarget::hidden());
    }
    let bar = ProgressBar::new(steps);
    bar.set_style(
        ProgressStyle::with_template("{spinner} step {pos}/{len} [{bar:40}] {per_sec} eta {eta}")
            .expect("the template is valid")
            .progress_chars("=> "),
    );
    bar
}

/// A bar counting `runs` runs of a sweep, hidden when standard error is not a terminal or
/// `quiet`.
pub fn runs_bar(runs: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::with_draw_target(Some(runs), ProgressDrawTarget::hidden());
    }
    let bar = ProgressBar::new(runs);
    bar.set_style(
        ProgressStyle::with_template("{spinner} run {pos}/{len} [{bar:40}] {per_sec} eta {eta}")
            .expect("the template is valid")
            .progress_chars("=> "),
    );
    bar
}

/// Whether SIGINT or SIGTERM has arrived.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Set by the first SIGINT or SIGTERM; checked between steps.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Makes SIGINT and SIGTERM stop a run between two steps, so that its staged output is
/// removed rather than left half-written. A second signal ends the process at once.
pub fn handle_interrupts() {
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(i32::from(crate::error::EXIT_INTERRUPTED));
        }
    });
}

/// Steps `world` until step `steps`, writing `row` for the current state first and after every
/// step, then flushes `out`. Stops at the first write error, or with an
/// [`io::ErrorKind::Interrupted`] error after a signal.
pub fn run_writing_rows(
    world: &mut World,
    steps: u32,
    quiet: bool,
    out: &mut dyn Write,
    mut row: impl FnMut(&World, &mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    row(world, out)?;
    let bar = step_bar(u64::from(steps), quiet);
    while world.current_step() < steps {
        if INTERRUPTED.load(Ordering::SeqCst) {
            bar.abandon();
            return Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"));
        }
        world.step();
        row(world, out)?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    out.flush()
}
