//! Stepping a world while writing a row per step, with a progress bar on standard error
//! when it is a terminal.

use clusterlab_model::World;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{self, IsTerminal, Write};

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

/// Steps `world` until step `steps`, writing `row` for the current state first and after every
/// step, then flushes `out`. Stops writing at the first error (and returns it).
pub fn run_writing_rows(
    world: &mut World,
    steps: u32,
    quiet: bool,
    out: &mut dyn Write,
    mut row: impl FnMut(&World, &mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    row(world, out)?;
    let bar = step_bar(u64::from(steps), quiet);
    let mut error = None;
    world.run_until(steps, |w| {
        if error.is_none() {
            error = row(w, out).err();
        }
        bar.inc(1);
    });
    bar.finish_and_clear();
    match error {
        Some(e) => Err(e),
        None => out.flush(),
    }
}
