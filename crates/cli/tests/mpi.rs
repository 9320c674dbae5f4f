//! Sweeps over MPI (issue 10; `cargo test -p clusterlab --features mpi --test mpi`, which
//! `.ci/run` runs after installing OpenMPI): `mpirun -n 2` and `-n 3 --oversubscribe` give the
//! single process's files bit for bit; a rank killed mid-sweep fails the job with a clear
//! message, and the same command again does only the missing runs.
#![cfg(feature = "mpi")]

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn clusterlab() -> &'static str {
    env!("CARGO_BIN_EXE_clusterlab")
}

/// `mpirun -n N [extra] clusterlab ARGS` in `dir`.
fn mpirun(n: u32, extra: &[&str], args: &[&str], dir: &Path) -> Command {
    let mut c = Command::new("mpirun");
    c.arg("-n")
        .arg(n.to_string())
        .args(extra)
        .arg(clusterlab())
        .args(args)
        .current_dir(dir)
        // CI runs as root; OpenMPI refuses that unless told it is meant.
        .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
        .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
    c
}

fn text(o: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The files of a sweep's runs, by name, with their bytes.
fn run_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.join("runs"))
        .unwrap()
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn experiment(dir: &Path, replications: u32, size: u32, steps: u32) {
    std::fs::write(
        dir.join("base.toml"),
        format!("steps = {steps}\n[region]\nwidth = {size}\nheight = {size}\n[[technology]]\nid = \"a\"\np = 0.002\nq = 0.2\nseed_adopters = 3\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("f.toml"),
        format!("scenario = \"base.toml\"\nreplications = {replications}\nmetrics = [\"share:a\", \"adopters:a\"]\n[[parameter]]\npath = \"technology[0].q\"\nvalues = [0.1, 0.2, 0.3]\n"),
    )
    .unwrap();
}

#[test]
fn mpirun_sweeps_equal_the_single_process_sweep_bit_for_bit() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    experiment(d, 5, 60, 25);
    let o = Command::new(clusterlab())
        .args(["sweep", "f.toml", "--out", "one", "--csv", "--quiet"])
        .current_dir(d)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let single = run_files(&d.join("one"));
    assert_eq!(single.len(), 30, "15 runs, Parquet and CSV");
    for (n, extra, out) in [(2, &[][..], "two"), (3, &["--oversubscribe"][..], "three")] {
        let o = mpirun(n, extra, &["sweep", "f.toml", "--out", out, "--csv"], d)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", text(&o));
        let said = String::from_utf8_lossy(&o.stdout);
        assert!(
            said.contains("15 run now") && said.contains(&format!("{n} ranks × 1 job")),
            "{said}"
        );
        assert!(
            single == run_files(&d.join(out)),
            "{n} ranks wrote other files than one process"
        );
    }
    // A directory holding another experiment: rank 0 refuses it, every rank stops, exit 2.
    std::fs::write(
        d.join("other.toml"),
        std::fs::read_to_string(d.join("f.toml"))
            .unwrap()
            .replace("replications = 5", "replications = 6"),
    )
    .unwrap();
    let o = mpirun(2, &[], &["sweep", "other.toml", "--out", "two"], d)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.matches("holds another experiment").count(), 1, "{err}");
    // One rank alone cannot run it (here: less memory on its node): every rank stops, that
    // rank says why, nobody waits for it.
    let o = Command::new("mpirun")
        .args([
            "-n",
            "1",
            clusterlab(),
            "sweep",
            "f.toml",
            "--out",
            "uneven",
            ":",
        ])
        .args(["-n", "1", "-x", "CLUSTERLAB_MAX_MEMORY=1K", clusterlab()])
        .args(["sweep", "f.toml", "--out", "uneven"])
        .current_dir(d)
        .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
        .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("clusterlab: rank 1: f.toml: point 0"), "{err}");
    assert!(
        !d.join("uneven").exists(),
        "nothing is written when a rank cannot go"
    );
    // A bad experiment is refused by every rank, said once, exit 2.
    std::fs::write(
        d.join("bad.toml"),
        "scenario = \"base.toml\"\nreplications = 0\n",
    )
    .unwrap();
    let o = mpirun(2, &[], &["sweep", "bad.toml", "--out", "bad"], d)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.matches("bad.toml:2: replications:").count(), 1, "{err}");
    assert!(
        !d.join("bad").exists(),
        "nothing is written for a refused sweep"
    );
}

/// The process id of rank `rank` of the job writing into `out`.
fn rank_pid(rank: u32, out: &str) -> Option<u32> {
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        let cmdline = std::fs::read(e.path().join("cmdline")).ok()?;
        let args: Vec<&[u8]> = cmdline.split(|&b| b == 0).collect();
        let ours = args.first().is_some_and(|a| a.ends_with(b"clusterlab"))
            && args
                .windows(2)
                .any(|w| w[0] == b"--out" && w[1] == out.as_bytes());
        if !ours {
            return None;
        }
        let environ = std::fs::read(e.path().join("environ")).ok()?;
        let wanted = format!("OMPI_COMM_WORLD_RANK={rank}");
        environ
            .split(|&b| b == 0)
            .any(|v| v == wanted.as_bytes())
            .then_some(pid)
    })
}

#[test]
fn a_killed_rank_fails_the_job_and_the_same_command_finishes_only_what_was_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    experiment(d, 20, 150, 60);
    let out = "killed";
    let job = mpirun(2, &[], &["sweep", "f.toml", "--out", out, "--quiet"], d)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until some runs are done, then kill rank 1 as a node failure would.
    let clock = Instant::now();
    let done = |dir: &Path| {
        std::fs::read_dir(dir.join("runs")).map_or(0, |r| {
            r.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "parquet"))
                .count()
        })
    };
    while done(&d.join(out)) < 4 {
        assert!(
            clock.elapsed() < Duration::from_secs(120),
            "no run finished"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let pid = rank_pid(1, out).expect("rank 1 is running");
    let killed = Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let o = job.wait_with_output().unwrap();
    assert!(!o.status.success(), "the job must fail when a rank dies");
    let said = text(&o);
    assert!(
        said.contains("stopped (a rank of the MPI job died, or the job was cancelled)")
            && said.contains("run the same command again to finish"),
        "{said}"
    );
    // The same command again: only what was missing.
    let o = mpirun(2, &[], &["sweep", "f.toml", "--out", out], d)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let said = String::from_utf8_lossy(&o.stdout);
    let number_before = |marker: &str| -> u64 {
        let at = said.find(marker).unwrap_or_else(|| panic!("{said}"));
        said[..at]
            .split_whitespace()
            .last()
            .and_then(|w| w.parse().ok())
            .unwrap_or_else(|| panic!("{said}"))
    };
    let (now, before) = (number_before(" run now"), number_before(" done before"));
    assert!(before >= 4, "{said}");
    assert!(now > 0 && now + before == 60, "{said}");
    // And the result is the single process's.
    let o = Command::new(clusterlab())
        .args(["sweep", "f.toml", "--out", "one", "--quiet"])
        .current_dir(d)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(run_files(&d.join("one")) == run_files(&d.join(out)));
}
