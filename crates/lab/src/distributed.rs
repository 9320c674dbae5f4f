//! Sweeps across the ranks of an MPI job (`--features mpi`; see docs/hpc.md).
//!
//! `mpirun -n N clusterlab sweep EXPERIMENT --out DIR` runs the same command on every rank.
//! Every rank checks the experiment the same way (so a bad file is refused by all, and said
//! once, by rank 0). Rank 0 alone owns DIR: it sets it up (catalogue, lock, what is left to
//! do), hands runs out one at a time to whoever asks, writes every finished run's files and
//! marks it done in the catalogue. Every rank, rank 0 included, computes runs on `--jobs`
//! threads (default 1: a rank per core is how MPI jobs are laid out). Workers send their
//! finished runs' files to rank 0 as bytes — the same bytes a single process writes — so only
//! rank 0 needs to see DIR, and a run is done only once its file is whole: a killed job
//! resumes, on any number of ranks or none, with only the missing runs.
//!
//! Only each rank's main thread calls MPI (`Threading::Funneled`); it polls with
//! non-blocking probes and sleeps between them, so a waiting rank leaves its cores to the
//! threads computing runs.

use crate::error::{LabError, LabResult, EXIT_INTERRUPTED};
use crate::progress::{interrupted, runs_bar};
use crate::sweep::{
    close, compute, prepare, set_up, store, Closing, Executor, Finished, Prepared, SweepOptions,
    SweepOutcome,
};
use anyhow::{anyhow, bail, Context};
use clusterlab_store::catalogue::RunRecord;
use mpi::collective::SystemOperation;
use mpi::topology::SimpleCommunicator;
use mpi::traits::*;
use mpi::Tag;
use std::collections::VecDeque;
use std::sync::mpsc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A worker asks rank 0 for a run (empty message).
const NEED: Tag = 1;
/// Rank 0 answers: `[run, point, replication, seed]`, or all `u64::MAX` for "no more".
const ASSIGN: Tag = 2;
/// A worker sends a finished run ([`encode`]).
const DONE: Tag = 3;
/// A worker's run failed (the message, UTF-8).
const FAILED: Tag = 4;
/// A worker rank has stopped all its threads.
const BYE: Tag = 5;

/// Bytes attached for rank 0's buffered answers (each is 32 bytes and its envelope; a
/// worker thread has at most one answer outstanding).
const ASSIGN_BUFFER: usize = 1 << 20;

/// How long a rank's main thread sleeps when nothing has arrived.
const IDLE: Duration = Duration::from_micros(500);

/// Whether this process was started by an MPI launcher (`mpirun`, `mpiexec`, `srun` with
/// PMI/PMIx): only then is MPI initialised.
pub fn launched_by_mpi() -> bool {
    [
        "OMPI_COMM_WORLD_SIZE",
        "PMIX_RANK",
        "PMI_RANK",
        "PMI_SIZE",
        "MV2_COMM_WORLD_SIZE",
    ]
    .iter()
    .any(|v| std::env::var_os(v).is_some())
}

/// The ranks of the MPI job this process belongs to, each computing runs on `jobs` threads.
#[derive(Clone, Copy, Debug, Default)]
pub struct MpiRanks;

impl Executor for MpiRanks {
    fn sweep(&self, options: &SweepOptions) -> LabResult<Option<SweepOutcome>> {
        sweep(options)
    }
}

/// A sweep across the job's ranks: rank 0's outcome, `None` on the other ranks.
fn sweep(args: &SweepOptions) -> LabResult<Option<SweepOutcome>> {
    let Some((mut universe, _)) = mpi::initialize_with_threading(mpi::Threading::Funneled) else {
        return Err(LabError::failure(anyhow!("MPI could not be initialised")));
    };
    // Rank 0 answers with buffered sends, which never wait for the receiver: it can never be
    // stuck sending to a worker that is itself sending a finished run to it.
    universe.set_buffer_size(ASSIGN_BUFFER);
    let world = universe.world();
    let rank = world.rank();
    let jobs = usize::from(args.jobs.unwrap_or(1));
    // Every rank checks the experiment and makes its threads; then all agree whether to go
    // on, so that a rank that cannot (another node's files, or less memory) stops the job
    // instead of leaving the others waiting. Rank 0 says what is wrong with the experiment;
    // another rank says only what is wrong with it alone.
    let ready = prepare(&args.experiment).and_then(|p| Ok((p, pool(jobs)?)));
    let code = ready.as_ref().err().map_or(0, |e| i32::from(e.code));
    let mut worst = 0i32;
    world.all_reduce_into(&code, &mut worst, SystemOperation::max());
    let mut at_root = code;
    world.process_at_rank(0).broadcast_into(&mut at_root);
    let (prepared, pool) = match ready {
        Ok(ready) if worst == 0 => ready,
        Ok(_) => return Err(silent(u8::try_from(worst).unwrap_or(1))),
        Err(e) if rank == 0 => return Err(e),
        // Rank 0 said it already: the same files give every rank the same problem.
        Err(e) if at_root != 0 => return Err(silent(e.code)),
        Err(e) => {
            for line in &e.lines {
                eprintln!("clusterlab: rank {rank}: {line}");
            }
            return Err(silent(e.code));
        }
    };
    let result = if rank == 0 {
        coordinate(&world, args, &prepared, &pool, jobs).map(Some)
    } else {
        work(&world, args, &prepared, pool, jobs).map(|()| None)
    };
    if interrupted() {
        // A rank of the job died or the job was cancelled: the launcher is stopping every
        // rank. Leave without MPI_Finalize, which would wait for ranks that are gone; what
        // is done is in the catalogue.
        let code = match result {
            Err(e) => {
                for line in &e.lines {
                    eprintln!("clusterlab: {line}");
                }
                e.code
            }
            Ok(_) => EXIT_INTERRUPTED,
        };
        std::process::exit(i32::from(code));
    }
    drop(universe);
    result
}

/// An error already said by rank 0: the exit code alone.
fn silent(code: u8) -> LabError {
    LabError {
        lines: Vec::new(),
        code,
    }
}

/// Rank 0: sets up the directory, tells every rank whether to go, computes runs on `jobs`
/// threads and hands the rest out, storing what comes back.
fn coordinate(
    world: &SimpleCommunicator,
    args: &SweepOptions,
    prepared: &Prepared,
    pool: &rayon::ThreadPool,
    jobs: usize,
) -> LabResult<SweepOutcome> {
    let setup = set_up(args, prepared);
    let mut go: i32 = match &setup {
        Ok(_) => 0,
        Err(e) => i32::from(e.code),
    };
    world.process_at_rank(0).broadcast_into(&mut go);
    let setup = setup?;
    let size = world.size();
    let out = &args.out;
    let bar = runs_bar(setup.total, args.quiet);
    bar.set_position(setup.total - setup.pending.len() as u64);
    let queue = Mutex::new(VecDeque::from(setup.pending));
    let catalogue = Mutex::new(setup.catalogue);
    let failed: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    let fail = |e: anyhow::Error| {
        if let Ok(mut q) = queue.lock() {
            q.clear();
        }
        if let Ok(mut f) = failed.lock() {
            f.get_or_insert(e);
        }
    };
    let next = || -> Option<RunRecord> {
        if interrupted() {
            return None;
        }
        queue.lock().ok()?.pop_front()
    };
    let started = Instant::now();
    std::thread::scope(|scope| {
        // This rank's own share: `jobs` threads, each taking runs until none is left; the
        // model's parallel loops run on the same threads.
        scope.spawn(|| {
            pool.broadcast(|_| {
                while let Some(r) = next() {
                    match guarded(|| compute(prepared, &r, args.csv))
                        .and_then(|f| store(out, &f, &catalogue))
                    {
                        Ok(()) => bar.inc(1),
                        Err(e) => fail(e),
                    }
                }
            })
        });
        // The other ranks, until each has said it stopped.
        let mut alive = size - 1;
        while alive > 0 && !interrupted() {
            let Some((message, status)) = world.any_process().immediate_matched_probe() else {
                std::thread::sleep(IDLE);
                continue;
            };
            let source = status.source_rank();
            let (bytes, _) = (message, status).matched_receive_vec::<u8>();
            match status.tag() {
                NEED => {
                    let words = next().map_or([u64::MAX; 4], |r| {
                        [r.run, r.point, u64::from(r.replication), r.seed]
                    });
                    world
                        .process_at_rank(source)
                        .send_with_tag(&words[..], ASSIGN);
                }
                DONE => match decode(&bytes).and_then(|f| store(out, &f, &catalogue)) {
                    Ok(()) => bar.inc(1),
                    Err(e) => fail(e.context(format!("the run rank {source} sent"))),
                },
                FAILED => fail(anyhow!(
                    "on rank {source}: {}",
                    String::from_utf8_lossy(&bytes)
                )),
                BYE => alive -= 1,
                other => fail(anyhow!(
                    "rank {source} sent an unknown message (tag {other})"
                )),
            }
        }
    });
    let result = if interrupted() {
        Err(anyhow!("interrupted"))
    } else {
        match failed.into_inner() {
            Ok(None) => Ok(()),
            Ok(Some(e)) => Err(e),
            Err(_) => Err(anyhow!("a thread failed while reporting a failure")),
        }
    };
    if result.is_err() {
        bar.abandon();
    } else {
        bar.finish_and_clear();
    }
    let catalogue = catalogue
        .into_inner()
        .map_err(|_| LabError::failure(anyhow!("the catalogue lock was poisoned")))?;
    close(
        args,
        prepared,
        &catalogue,
        result,
        Closing {
            done_before: setup.done_before,
            started,
            workers: format!(
                "{size} ranks × {jobs} job{}",
                if jobs == 1 { "" } else { "s" }
            ),
            stopped: "stopped (a rank of the MPI job died, or the job was cancelled)",
        },
    )
}

/// What a worker rank's computing threads tell its main thread.
enum Local {
    Need(usize),
    Done(Vec<u8>),
    Failed(String),
    Stopped,
}

/// A worker rank: `jobs` threads compute the runs rank 0 hands out; the main thread carries
/// their requests and results to rank 0 and the answers back.
fn work(
    world: &SimpleCommunicator,
    args: &SweepOptions,
    prepared: &Prepared,
    pool: rayon::ThreadPool,
    jobs: usize,
) -> LabResult {
    let root = world.process_at_rank(0);
    let mut go: i32 = 0;
    root.broadcast_into(&mut go);
    if go != 0 {
        return Err(silent(u8::try_from(go).unwrap_or(1)));
    }
    let (to_main, from_threads) = mpsc::channel::<Local>();
    let mut to_threads = Vec::with_capacity(jobs);
    let mut inboxes = Vec::with_capacity(jobs);
    for _ in 0..jobs {
        let (tx, rx) = mpsc::channel::<Option<RunRecord>>();
        to_threads.push(tx);
        inboxes.push(Mutex::new(Some(rx)));
    }
    std::thread::scope(|scope| {
        let to_main_for_pool = to_main.clone();
        let inboxes = &inboxes;
        scope.spawn(move || {
            pool.broadcast(|ctx| {
                let t = ctx.index();
                let to_main = to_main_for_pool.clone();
                let Some(rx) = inboxes[t].lock().ok().and_then(|mut i| i.take()) else {
                    let _ = to_main.send(Local::Stopped);
                    return;
                };
                while to_main.send(Local::Need(t)).is_ok() {
                    let Ok(Some(r)) = rx.recv() else { break };
                    let message = match guarded(|| compute(prepared, &r, args.csv)) {
                        Ok(f) => Local::Done(encode(&f)),
                        Err(e) => Local::Failed(format!("{e:#}")),
                    };
                    if to_main.send(message).is_err() {
                        break;
                    }
                }
                let _ = to_main.send(Local::Stopped);
            })
        });
        drop(to_main);
        let mut awaiting: VecDeque<usize> = VecDeque::new();
        let mut running = jobs;
        while running > 0 && !interrupted() {
            let mut busy = false;
            while let Ok(message) = from_threads.try_recv() {
                busy = true;
                match message {
                    Local::Need(t) => {
                        root.send_with_tag(&[0u8][..], NEED);
                        awaiting.push_back(t);
                    }
                    Local::Done(bytes) => root.send_with_tag(&bytes[..], DONE),
                    Local::Failed(text) => root.send_with_tag(text.as_bytes(), FAILED),
                    Local::Stopped => running -= 1,
                }
            }
            if let Some(probed) = root.immediate_matched_probe_with_tag(ASSIGN) {
                busy = true;
                let (words, _) = probed.matched_receive_vec::<u64>();
                let run = match words[..] {
                    [run, point, replication, seed] if run != u64::MAX => Some(RunRecord {
                        run,
                        point,
                        replication: u32::try_from(replication).unwrap_or(u32::MAX),
                        seed,
                    }),
                    _ => None,
                };
                if let Some(t) = awaiting.pop_front() {
                    let _ = to_threads[t].send(run);
                }
            }
            if !busy {
                std::thread::sleep(IDLE);
            }
        }
        if interrupted() {
            // Unblock the threads: they see the interruption and stop.
            for tx in &to_threads {
                let _ = tx.send(None);
            }
        }
    });
    if !interrupted() {
        root.send_with_tag(&[0u8][..], BYE);
    }
    Ok(())
}

/// Runs `f`, turning a panic into an error, so that a run that fails in an unforeseen way
/// stops the sweep with a message instead of leaving a thread that never reports back.
fn guarded<T>(f: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".into());
        Err(anyhow!("a run stopped unexpectedly: {what}"))
    })
}

/// A pool of `jobs` threads for this rank's runs and the model's parallel loops within them.
fn pool(jobs: usize) -> LabResult<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| LabError::failure(anyhow::Error::new(e)))
}

/// A finished run as bytes: run, steps, seconds, then the final metrics, the Parquet file
/// and the CSV file (if any), each with its length.
fn encode(f: &Finished) -> Vec<u8> {
    let (csv, panel) = (f.csv.as_deref(), f.panel.as_deref());
    let mut out = Vec::with_capacity(
        64 + f.last.len()
            + f.parquet.len()
            + csv.map_or(0, <[u8]>::len)
            + panel.map_or(0, <[u8]>::len),
    );
    out.extend_from_slice(&f.run.to_le_bytes());
    out.extend_from_slice(&f.steps.to_le_bytes());
    out.extend_from_slice(&f.seconds.to_le_bytes());
    for part in [Some(f.last.as_bytes()), Some(&f.parquet[..]), csv, panel] {
        match part {
            Some(bytes) => {
                out.push(1);
                out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
                out.extend_from_slice(bytes);
            }
            None => out.push(0),
        }
    }
    out
}

/// The run [`encode`] wrote.
fn decode(bytes: &[u8]) -> anyhow::Result<Finished> {
    let mut at = 0usize;
    let mut take = |n: usize| -> anyhow::Result<&[u8]> {
        let end = at.checked_add(n).filter(|&e| e <= bytes.len());
        let Some(end) = end else {
            bail!("a finished run's message is cut short")
        };
        let part = &bytes[at..end];
        at = end;
        Ok(part)
    };
    let word = |b: &[u8]| -> [u8; 8] { b.try_into().unwrap_or([0; 8]) };
    let run = u64::from_le_bytes(word(take(8)?));
    let steps = u32::from_le_bytes(take(4)?.try_into().unwrap_or([0; 4]));
    let seconds = f64::from_le_bytes(word(take(8)?));
    let mut parts: Vec<Option<Vec<u8>>> = Vec::with_capacity(4);
    for _ in 0..4 {
        let part = match take(1)?[0] {
            0 => None,
            _ => {
                let n = u64::from_le_bytes(word(take(8)?));
                let n = usize::try_from(n).context("a part too large for this machine")?;
                Some(take(n)?.to_vec())
            }
        };
        parts.push(part);
    }
    let panel = parts.pop().flatten();
    let csv = parts.pop().flatten();
    let parquet = parts
        .pop()
        .flatten()
        .context("a finished run without its Parquet file")?;
    let last = String::from_utf8(parts.pop().flatten().unwrap_or_default())
        .context("a finished run's metrics are not UTF-8")?;
    Ok(Finished {
        run,
        steps,
        seconds,
        last,
        parquet,
        csv,
        panel,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finished_run_crosses_as_bytes_unchanged() {
        let f = Finished {
            run: 41,
            steps: 200,
            seconds: 0.25,
            last: "{\"share:erp\":0.5}".into(),
            parquet: vec![1, 2, 3, 0, 255],
            csv: Some(b"step,x\n0,1\n".to_vec()),
            panel: Some(b"PAR1 panel".to_vec()),
        };
        let g = decode(&encode(&f)).unwrap();
        assert_eq!(
            (g.run, g.steps, g.seconds, &g.last, &g.parquet, &g.csv, &g.panel),
            (f.run, f.steps, f.seconds, &f.last, &f.parquet, &f.csv, &f.panel)
        );
        let no_csv = Finished {
            csv: None,
            panel: None,
            ..f
        };
        let back = decode(&encode(&no_csv)).unwrap();
        assert_eq!((back.csv, back.panel), (None, None));
        let bytes = encode(&no_csv);
        assert!(decode(&bytes[..bytes.len() - 3]).is_err());
    }
}
