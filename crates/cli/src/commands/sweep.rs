//! `clusterlab sweep`: an experiment's runs on all cores (or the ranks of an MPI job),
//! streamed to disk as they finish, resumable after any interruption.

use crate::error::CliResult;
use clap::Args;
use clusterlab_lab::sweep::{Executor, SweepOptions, Threads};
use std::path::PathBuf;

/// Run an experiment: a base scenario, parameters varied by a design, replications.
///
/// EXPERIMENT.toml names the base scenario (relative to it; the bundled default when left
/// out), the experiment's seed, the replications per point, the design (`factorial`,
/// `latin-hypercube`, `sobol`, `morris`), the parameters (paths into the scenario with
/// `values`, a `range`, or a `distribution`), the time-series columns to keep (`metrics`) and
/// an optional `[stop]` condition. Runs execute on all cores (or --jobs); each run's time
/// series is written to DIR/runs/run-NNNNNN.parquet (and .csv with --csv) as soon as it
/// finishes, with its run id, point, replication, seed, step and parameter values; the SQLite
/// catalogue DIR/catalogue.sqlite records the experiment, its points and every run's status.
/// Re-running the same command after a crash, Ctrl-C or kill -9 completes only the missing
/// runs. Replication r of every point uses the same seed (common random numbers). See
/// docs/experiments.md and examples/experiments/.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The experiment file (TOML).
    #[arg(value_name = "EXPERIMENT.toml")]
    experiment: PathBuf,

    /// Runs at once (default: every core).
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,

    /// Output directory: created if missing; an existing one must hold this experiment.
    #[arg(long, value_name = "DIR", default_value = "clusterlab-sweep")]
    out: PathBuf,

    /// Also write each run's time series as CSV.
    #[arg(long)]
    csv: bool,

    /// No progress bar and no closing report.
    #[arg(long, short)]
    quiet: bool,

    /// Also write DIR/report.html when the sweep is done: each metric's mean and 95% interval
    /// across replications, and sensitivity bars for a Sobol' or Morris design (`clusterlab
    /// report DIR`).
    #[arg(long)]
    report: bool,
}

/// Runs the command: on this machine, or, when started by `mpirun`/`srun` with the `mpi`
/// feature built in, across the job's ranks.
pub fn run(args: SweepArgs) -> CliResult {
    let options = SweepOptions {
        experiment: args.experiment.clone(),
        jobs: args.jobs,
        out: args.out.clone(),
        csv: args.csv,
        quiet: args.quiet,
    };
    let executor: &dyn Executor = executor();
    let Some(outcome) = executor.sweep(&options)? else {
        // A worker rank of an MPI job: rank 0 reports.
        return Ok(());
    };
    let out = &args.out;
    if !args.quiet {
        println!(
            "{}: {} runs ({} points × {} replications, {} design), {} run now in {:.1} s with {}, {} done before -> {}",
            outcome.name,
            outcome.total,
            outcome.points,
            outcome.replications,
            outcome.design,
            outcome.run_now,
            outcome.seconds,
            outcome.workers,
            outcome.done_before,
            out.display()
        );
    }
    if args.report {
        let report = out.join("report.html");
        clusterlab_report::write_any(out, &report)?;
        if !args.quiet {
            println!("report -> {}", report.display());
        }
    }
    Ok(())
}

/// MPI's ranks when started by an MPI launcher (with the `mpi` feature), else this machine's
/// threads.
fn executor() -> &'static dyn Executor {
    #[cfg(feature = "mpi")]
    if clusterlab_lab::distributed::launched_by_mpi() {
        return &clusterlab_lab::distributed::MpiRanks;
    }
    &Threads
}
