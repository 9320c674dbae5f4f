//! Progress and stopping: bars on standard error when it is a terminal (hidden otherwise and
//! when quiet), the process-wide interrupt flag that every long job checks between steps or
//! runs, and [`Stop`], an interrupt or a deadline.

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

/// Asks every job of the lab to stop at its next check (between steps, between runs): what
/// the command line's SIGINT and SIGTERM handler calls. Returns whether a stop had been
/// asked for already (a second signal: the caller may end the process at once).
pub fn request_interrupt() -> bool {
    INTERRUPTED.swap(true, Ordering::SeqCst)
}

/// When a job must give up: an interrupt of the whole process, or a deadline of its own
/// (the dashboard gives its in-process jobs one).
#[derive(Clone, Copy, Debug, Default)]
pub struct Stop {
    deadline: Option<std::time::Instant>,
}

impl Stop {
    /// Stops only on an interrupt.
    pub fn on_interrupt() -> Stop {
        Stop { deadline: None }
    }

    /// Stops on an interrupt or once `within` has passed from now.
    pub fn within(within: std::time::Duration) -> Stop {
        Stop {
            deadline: std::time::Instant::now().checked_add(within),
        }
    }

    /// Whether the job should stop now.
    pub fn now(&self) -> bool {
        interrupted()
            || self
                .deadline
                .is_some_and(|d| std::time::Instant::now() >= d)
    }

    /// Whether its deadline (not an interrupt) has passed.
    pub fn timed_out(&self) -> bool {
        self.deadline
            .is_some_and(|d| std::time::Instant::now() >= d)
    }
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
