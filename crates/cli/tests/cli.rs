//! The `clusterlab` binary end to end: what a user types, what lands on disk, exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn clusterlab(args: &[&str], dir: &Path) -> Output {
    clusterlab_with(args, dir, &[])
}

fn clusterlab_with(args: &[&str], dir: &Path, env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clusterlab"))
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .output()
        .expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn run_without_a_scenario_runs_the_bundled_default() {
    let tmp = tempfile::tempdir().unwrap();
    let o = clusterlab(&["run", "--steps", "30"], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let out = tmp.path().join("clusterlab-out");
    assert_eq!(entries(&out), ["summary.json", "timeseries.csv"]);
    let csv = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    // The economy's indicators, then every technology's adopters and share.
    assert_eq!(&header[..4], ["step", "firms", "leaders", "middle_firms"]);
    for column in [
        "clustering",
        "adopters:erp",
        "share:erp",
        "share:five-axis",
        "share:radical-5",
    ] {
        assert!(header.contains(&column), "no column {column}");
    }
    assert_eq!(csv.lines().count(), 32, "a header and steps 0..=30");
    let first: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|&h| h == name).unwrap();
    assert_eq!(first[col("step")], "0");
    assert_eq!(first[col("adopters:erp")], "10");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["seed"], 2024);
    assert_eq!(summary["steps"], 30);
    assert_eq!(summary["scenario"]["region"]["width"], 100);
    assert_eq!(
        summary["scenario"]["steps"], 30,
        "the echo shows the overrides"
    );
    let economy = &summary["economy"];
    assert_eq!(
        economy["initial_firms"].as_u64().unwrap() + economy["entries"].as_u64().unwrap()
            - economy["exits"].as_u64().unwrap(),
        summary["firms"].as_u64().unwrap()
    );
    assert_eq!(
        economy["final_indicators"]["firms"],
        summary["firms"].as_f64().unwrap()
    );
    let erp = &summary["technologies"][0];
    assert_eq!(erp["id"], "erp");
    for key in ["t10", "t50", "t90", "final_share", "final_adopters"] {
        assert!(erp.get(key).is_some(), "summary lacks {key}");
    }
    // The final share in the summary is the last row of the time series.
    let last: Vec<&str> = csv.lines().last().unwrap().split(',').collect();
    let share: f64 = last[col("share:erp")].parse().unwrap();
    assert_eq!(erp["final_share"].as_f64().unwrap(), share);
}

#[test]
fn the_same_seed_gives_byte_identical_output_on_one_and_two_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = examples().join("default.toml");
    let scenario = scenario.to_str().unwrap();
    for (threads, dir) in [("1", "one"), ("2", "two")] {
        let o = clusterlab(
            &[
                "run",
                scenario,
                "--threads",
                threads,
                "--seed",
                "7",
                "--out",
                dir,
                "--quiet",
            ],
            tmp.path(),
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    for file in ["timeseries.csv", "summary.json"] {
        let one = std::fs::read(tmp.path().join("one").join(file)).unwrap();
        let two = std::fs::read(tmp.path().join("two").join(file)).unwrap();
        assert!(one == two, "{file} differs between 1 and 2 threads");
    }
    let o = clusterlab(
        &[
            "diffuse",
            "--size",
            "300x200",
            "--p",
            "0.01",
            "--q",
            "0.2",
            "--threads",
            "1",
        ],
        tmp.path(),
    );
    let t = clusterlab(
        &[
            "diffuse",
            "--size",
            "300x200",
            "--p",
            "0.01",
            "--q",
            "0.2",
            "--threads",
            "2",
        ],
        tmp.path(),
    );
    assert!(o.status.success() && o.stdout == t.stdout);
}

#[test]
fn diffuse_writes_csv_to_stdout_or_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let o = clusterlab(
        &[
            "diffuse", "--size", "64x48", "--p", "0.01", "--q", "0.3", "--steps", "10", "--seed",
            "3",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows[0], "step,adopters,share");
    assert_eq!(rows.len(), 12);
    assert!(rows[1].starts_with("0,0,0"));
    let last: Vec<f64> = rows[11].split(',').map(|v| v.parse().unwrap()).collect();
    assert_eq!(last[0], 10.0);
    assert!(
        (last[2] - last[1] / (64.0 * 48.0)).abs() < 1e-12,
        "share = adopters / firms"
    );

    let o = clusterlab(
        &[
            "diffuse",
            "--size",
            "64x48",
            "--p",
            "0.01",
            "--q",
            "0.3",
            "--steps",
            "10",
            "--seed",
            "3",
            "--out",
            "sub/d.csv",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("sub/d.csv")).unwrap(),
        text
    );
    assert_eq!(entries(&tmp.path().join("sub")), ["d.csv"]);
}

/// Bad input: exit code 2, a message naming the problem, and no output left behind.
fn refused(args: &[&str], dir: &Path, says: &str) {
    refused_with(args, dir, &[], says)
}

fn refused_with(args: &[&str], dir: &Path, env: &[(&str, &str)], says: &str) {
    let o = clusterlab_with(args, dir, env);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    assert!(
        stderr(&o).contains(says),
        "{args:?}: `{}` does not say `{says}`",
        stderr(&o)
    );
    assert!(o.stdout.is_empty(), "{args:?} wrote to stdout");
    assert!(!dir.join("out").exists(), "{args:?} left output behind");
}

#[test]
fn bad_input_is_refused_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let diffuse = |extra: &[&'static str]| -> Vec<&'static str> {
        let mut v = vec!["diffuse", "--out", "out/x.csv"];
        v.extend_from_slice(extra);
        v
    };
    refused(
        &diffuse(&["--size", "10x10", "--p", "1.5", "--q", "0.1"]),
        d,
        "1.5 is not a probability (expected a number in [0, 1])",
    );
    refused(
        &diffuse(&["--size", "10x10", "--p", "0.1", "--q", "-0.2"]),
        d,
        "not a probability",
    );
    refused(
        &diffuse(&["--size", "", "--p", "0.1", "--q", "0.1"]),
        d,
        "is not a grid size",
    );
    refused(
        &diffuse(&["--size", "tenxten", "--p", "0.1", "--q", "0.1"]),
        d,
        "is not a grid size (expected WxH",
    );
    refused(
        &diffuse(&[
            "--size",
            "10x10",
            "--p",
            "0.1",
            "--q",
            "0.1",
            "--neighbourhood",
            "moor",
        ]),
        d,
        "did you mean `moore`?",
    );
    // Memory: the machine's (or the control group's), capped here so the test does not depend
    // on the machine; the grid needs 2 bytes per padded cell and 1 byte of scratch per 16.
    let small_memory = [("CLUSTERLAB_MAX_MEMORY", "64M")];
    refused_with(
        &diffuse(&["--size", "8000x8000", "--p", "0.1", "--q", "0.1"]),
        d,
        &small_memory,
        "--size: a 8000×8000 grid needs 126.0 MiB of memory, more than the 64.0 MiB available",
    );
    refused_with(
        &["run", "--out", "out"],
        d,
        &[("CLUSTERLAB_MAX_MEMORY", "lots")],
        "CLUSTERLAB_MAX_MEMORY: `lots` is not a size",
    );
    refused(
        &diffuse(&["--size", "100000x100000", "--p", "0.1", "--q", "0.1"]),
        d,
        "more than a region can hold",
    );

    std::fs::write(
        d.join("s.toml"),
        "[region]\nwidth = 10\nheight = 10\n[firms]\ncsv = \"firms.csv\"\n",
    )
    .unwrap();
    std::fs::write(d.join("firms.csv"), "x,capacity\n1,0.5\n").unwrap();
    refused(
        &["run", "s.toml", "--out", "out"],
        d,
        "firms.csv:1: y: missing column `y`",
    );
    std::fs::remove_file(d.join("firms.csv")).unwrap();
    refused(
        &["run", "s.toml", "--out", "out"],
        d,
        "s.toml:5: firms.csv: cannot read the firm file",
    );
    refused(
        &["run", "missing.toml", "--out", "out"],
        d,
        "cannot read the scenario missing.toml",
    );
    std::fs::write(d.join("p.toml"), "[[technology]]\np = 2\n").unwrap();
    refused(
        &["run", "p.toml", "--out", "out"],
        d,
        "p.toml:2: technology[0].p: 2 is not a probability",
    );
    refused(
        &["run", "--steps", "2000000", "--out", "out"],
        d,
        "--steps: 2000000 steps is too many",
    );
}

#[test]
fn every_problem_is_reported_even_when_the_firm_file_is_missing() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("s.toml"),
        "steps = 5\n[firms]\ncsv = \"nope.csv\"\n[[technology]]\np = 2\narrival = 9\n",
    )
    .unwrap();
    let o = clusterlab(&["validate", "s.toml"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("s.toml:3: firms.csv: cannot read the firm file nope.csv"),
        "{err}"
    );
    assert!(
        err.contains("s.toml:5: technology[0].p: 2 is not a probability"),
        "{err}"
    );
    assert!(
        err.contains(
            "warning: s.toml:6: technology[0].arrival: arrives at step 9 after the last step 5"
        ),
        "{err}"
    );
    // An override of the steps is checked like the file's own.
    std::fs::write(
        tmp.path().join("late.toml"),
        "steps = 5\n[[technology]]\narrival = 3\n",
    )
    .unwrap();
    let o = clusterlab(&["run", "late.toml", "--steps", "2", "--quiet"], tmp.path());
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("arrives at step 3 after the last step 2"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_reader_that_stops_early_stops_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_clusterlab"))
        .args([
            "diffuse", "--size", "40x40", "--p", "0.01", "--q", "0.1", "--steps", "1000000",
        ])
        .current_dir(tmp.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 5];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    drop(child.stdout.take());
    // A million steps would take minutes; a closed pipe ends the run at the next row.
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert_eq!(&first, b"step,");
}

#[cfg(unix)]
#[test]
fn a_terminated_run_leaves_nothing_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_clusterlab"))
        .args([
            "diffuse",
            "--size",
            "300x300",
            "--p",
            "0.0001",
            "--q",
            "0.01",
            "--steps",
            "1000000",
            "--quiet",
            "--out",
            "new/o.csv",
        ])
        .current_dir(tmp.path())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the run is under way (its staged file exists), then send SIGTERM.
    let new = tmp.path().join("new");
    let started = std::time::Instant::now();
    while !(new.exists() && std::fs::read_dir(&new).unwrap().next().is_some()) {
        assert!(started.elapsed().as_secs() < 60, "the run did not start");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130), "{}", stderr(&output));
    assert!(stderr(&output).contains("interrupted: no output was written"));
    assert!(
        !new.exists(),
        "the staged file and the directory it created are removed"
    );
}

#[test]
fn validate_reports_every_problem_and_accepts_the_examples() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("bad.toml"),
        "[region]\nwidht = 5\n[diffusion]\nneighbourhood = \"radius:0\"\n[[technology]]\nq = 7\n",
    )
    .unwrap();
    let o = clusterlab(&["validate", "bad.toml"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(lines[0].starts_with("clusterlab: bad.toml:2: region.widht: unknown field `widht`"));
    assert!(lines[1].starts_with(
        "clusterlab: bad.toml:4: diffusion.neighbourhood: `radius:0` has no valid radius"
    ));
    assert!(lines[2].starts_with("clusterlab: bad.toml:6: technology[0].q: 7 is not a probability"));

    let mut args = vec!["validate".to_string()];
    for name in [
        "default",
        "bass-global",
        "competing-standards",
        "listed-firms",
        "evaluation/policies/baseline",
        "evaluation/policies/rd-subsidy",
        "evaluation/policies/broker-network",
        "game/evolving-cluster",
        "policy/advanced",
        "policy/ordinary",
        "policy/lagging",
    ] {
        args.push(
            examples()
                .join(format!("{name}.toml"))
                .display()
                .to_string(),
        );
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = clusterlab(&args, tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).matches(": ok: ").count(),
        11
    );
}

#[test]
fn help_names_every_command_and_option() {
    let tmp = tempfile::tempdir().unwrap();
    let o = clusterlab(&["--help"], tmp.path());
    let help = String::from_utf8_lossy(&o.stdout);
    for command in [
        "run",
        "diffuse",
        "validate",
        "gem",
        "evaluate",
        "game",
        "sweep",
        "summarize",
        "sensitivity",
        "fit",
        "policy",
        "regions",
    ] {
        assert!(
            help.lines().any(|l| l.trim_start().starts_with(command)),
            "{help}"
        );
    }
    let o = clusterlab(&["sweep", "--help"], tmp.path());
    let help = String::from_utf8_lossy(&o.stdout);
    for option in ["--jobs", "--out", "--csv", "--quiet", "docs/experiments.md"] {
        assert!(help.contains(option), "sweep --help lacks {option}");
    }
    let o = clusterlab(&["diffuse", "--help"], tmp.path());
    let help = String::from_utf8_lossy(&o.stdout);
    for option in [
        "--size",
        "--p",
        "--q",
        "--neighbourhood",
        "--density",
        "--steps",
        "--seed",
        "--out",
        "--threads",
    ] {
        assert!(help.contains(option), "diffuse --help lacks {option}");
    }
}

#[test]
fn gem_scores_a_panel_and_refuses_bad_scores() {
    let tmp = tempfile::tempdir().unwrap();
    let scores = examples().join("gem-scores.csv");
    let o = clusterlab(&["gem", scores.to_str().unwrap(), "--json"], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // The first expert scores [6,7,5,6,4,8]: GEM 89.5828 (docs/references.md).
    assert_eq!(report["experts"][0]["expert"], "university");
    assert!((report["experts"][0]["gem"].as_f64().unwrap() - 89.5828).abs() < 5e-5);
    assert_eq!(report["weakest_pair"], "markets");
    assert_eq!(report["weakest_factor"], "local_markets");
    let [lo, hi] = [0, 1].map(|i| report["bootstrap_interval_95"][i].as_f64().unwrap());
    let panel = report["panel"]["gem"].as_f64().unwrap();
    assert!(lo <= panel && panel <= hi);
    let table = clusterlab(&["gem", scores.to_str().unwrap()], tmp.path());
    assert!(String::from_utf8_lossy(&table.stdout).contains("weakest pair: markets"));

    let d = tmp.path();
    let bad = |name: &str, text: &str, says: &str| {
        std::fs::write(d.join(name), text).unwrap();
        let o = clusterlab(&["gem", name], d);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(says),
            "{name}: `{}` does not say `{says}`",
            stderr(&o)
        );
    };
    let header = "expert,D11,D12,D21,D22,D31,D32\n";
    bad(
        "high.csv",
        &format!("{header}a,6,7,5,6,4,11\n"),
        "high.csv:2: external_markets: `11` is not a score (expected a number from 1 to 10)",
    );
    bad(
        "nan.csv",
        &format!("{header}a,6,NaN,5,6,4,8\n"),
        "nan.csv:2: infrastructure: `NaN` is not a score",
    );
    bad(
        "short.csv",
        &format!("{header}a,6,7\n"),
        "short.csv:2: suppliers: `` is not a score",
    );
    bad(
        "missing.csv",
        "expert,D11,D12,D21,D22,D31\na,1,1,1,1,1\n",
        "missing.csv:1: missing column `external_markets`",
    );
    bad("empty.csv", "", "empty.csv: the file is empty");
    bad("header-only.csv", header, "header-only.csv: no experts");
}

#[test]
fn evaluate_ranks_alternatives_and_refuses_bad_specs() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let spec = examples().join("evaluation/diffusion-performance.toml");
    let o = clusterlab(&["evaluate", spec.to_str().unwrap(), "--json"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let weights: f64 = report["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["weight"].as_f64().unwrap())
        .sum();
    assert!((weights - 1.0).abs() < 1e-9, "global weights sum to 1");
    let alternatives = report["alternatives"].as_array().unwrap();
    let rank_of = |name: &str| {
        alternatives.iter().find(|a| a["name"] == name).unwrap()["rank"]
            .as_u64()
            .unwrap()
    };
    // The combined policy dominates the baseline on every benefit indicator.
    assert_eq!(rank_of("brokers_and_platform"), 1);
    assert_eq!(rank_of("baseline"), 5);
    assert!(report["consistency"][0]["cr"].as_f64().unwrap() < 0.1);

    // The same spec, other methods, through a copy.
    let text = std::fs::read_to_string(&spec).unwrap();
    std::fs::copy(
        examples().join("evaluation/diffusion-alternatives.csv"),
        d.join("diffusion-alternatives.csv"),
    )
    .unwrap();
    for (from, to) in [
        ("scoring = \"topsis\"", "scoring = \"fce\""),
        ("weights = \"ahp\"", "weights = \"entropy\""),
        ("normalisation = \"vector\"", "normalisation = \"min-max\""),
    ] {
        std::fs::write(d.join("variant.toml"), text.replace(from, to)).unwrap();
        let o = clusterlab(&["evaluate", "variant.toml"], d);
        assert!(o.status.success(), "{to}: {}", stderr(&o));
        assert!(String::from_utf8_lossy(&o.stdout).contains("brokers_and_platform"));
    }

    let bad = |name: &str, spec: &str, says: &str| {
        std::fs::write(d.join(name), spec).unwrap();
        let o = clusterlab(&["evaluate", name], d);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(says),
            "{name}: `{}` does not say `{says}`",
            stderr(&o)
        );
    };
    std::fs::write(d.join("two.csv"), "alternative,a,b\nx,1,2\ny,2,1\n").unwrap();
    let tree = "[[criterion]]\nid = \"c1\"\n[[criterion.indicator]]\nid = \"a\"\n[[criterion]]\nid = \"c2\"\n[[criterion.indicator]]\nid = \"b\"\n";
    bad(
        "square.toml",
        &format!("alternatives = \"two.csv\"\ncomparisons = [[1, 2], [0.5]]\n{tree}"),
        "square.toml:2: comparisons: row 2 has 1 values",
    );
    bad(
        "reciprocal.toml",
        &format!("alternatives = \"two.csv\"\ncomparisons = [[1, 2], [2, 1]]\n{tree}"),
        "comparisons: row 1, column 2: 2 is not the reciprocal of row 2, column 1: 2",
    );
    bad(
        "negative.toml",
        &format!("alternatives = \"two.csv\"\ncomparisons = [[1, -2], [-0.5, 1]]\n{tree}"),
        "row 1, column 2: -2 (expected a positive number)",
    );
    bad("method.toml", &format!("alternatives = \"two.csv\"\ncomparisons = [[1, 2], [0.5, 1]]\n[method]\nscoring = \"electre\"\n{tree}"), "method.scoring: unknown scoring `electre`");
    std::fs::write(d.join("nan.csv"), "alternative,a,b\nx,NaN,2\n").unwrap();
    bad(
        "nan.toml",
        &format!("alternatives = \"nan.csv\"\ncomparisons = [[1, 2], [0.5, 1]]\n{tree}"),
        "nan.csv:2: a: `NaN` is not a number",
    );
    std::fs::write(d.join("nob.csv"), "alternative,a\nx,1\n").unwrap();
    bad(
        "nob.toml",
        &format!("alternatives = \"nob.csv\"\ncomparisons = [[1, 2], [0.5, 1]]\n{tree}"),
        "nob.csv:1: missing column `b`",
    );
    std::fs::write(d.join("empty.csv"), "").unwrap();
    bad(
        "empty.toml",
        &format!("alternatives = \"empty.csv\"\ncomparisons = [[1, 2], [0.5, 1]]\n{tree}"),
        "empty.csv: the file is empty",
    );

    // Contradictory judgements are evaluated, with a warning.
    std::fs::write(d.join("three.csv"), "alternative,a,b,c\nx,1,2,3\ny,3,2,1\n").unwrap();
    std::fs::write(
        d.join("cyclic.toml"),
        "alternatives = \"three.csv\"\ncomparisons = [[1, 9, 0.111], [0.111, 1, 9], [9, 0.111, 1]]\n[[criterion]]\nid = \"c1\"\n[[criterion.indicator]]\nid = \"a\"\n[[criterion]]\nid = \"c2\"\n[[criterion.indicator]]\nid = \"b\"\n[[criterion]]\nid = \"c3\"\n[[criterion.indicator]]\nid = \"c\"\n",
    )
    .unwrap();
    let o = clusterlab(&["evaluate", "cyclic.toml"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("warning: cyclic.toml:2: comparisons: consistency ratio"),
        "{}",
        stderr(&o)
    );
}

/// Issue 4: simulation runs as the alternatives of an evaluation — the bundled policies run
/// and ranked, the baseline listed once with a welfare gain of 0 — and the runs' mistakes
/// refused with the run and what is missing.
#[test]
fn evaluate_ranks_simulation_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let policies = examples().join("evaluation/policies");
    for name in ["baseline", "rd-subsidy", "broker-network"] {
        let scenario = policies.join(format!("{name}.toml"));
        let o = clusterlab(
            &[
                "run",
                scenario.to_str().unwrap(),
                "--quiet",
                "--out",
                &format!("runs/{name}"),
            ],
            d,
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let spec = examples().join("evaluation/diffusion-performance.toml");
    let spec = spec.to_str().unwrap();
    let o = clusterlab(
        &[
            "evaluate",
            spec,
            "--json",
            "--runs",
            "runs/baseline",
            "runs/rd-subsidy",
            "runs/broker-network",
            "--baseline",
            "runs/baseline",
        ],
        d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let alternatives = report["alternatives"].as_array().unwrap();
    let names: Vec<&str> = alternatives
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["baseline", "rd-subsidy", "broker-network"],
        "the baseline once"
    );
    let summary = |name: &str| -> serde_json::Value {
        serde_json::from_str(
            &std::fs::read_to_string(d.join(format!("runs/{name}/summary.json"))).unwrap(),
        )
        .unwrap()
    };
    // The values evaluated are the runs' own: t50, the fiscal cost per firm, a gain of 0 for
    // the baseline against itself.
    for (a, name) in alternatives.iter().zip(&names) {
        let s = summary(name);
        let values = a["values"].as_array().unwrap();
        assert_eq!(
            values[0].as_f64(),
            s["technologies"][0]["t50"].as_f64(),
            "{name} t50"
        );
        assert_eq!(
            values[6].as_f64(),
            s["economy"]["fiscal_cost_per_firm"].as_f64(),
            "{name}"
        );
    }
    assert_eq!(alternatives[0]["values"][5].as_f64(), Some(0.0));
    // Brokers relaying the technology speed it up: the best-ranked alternative.
    let best = alternatives.iter().find(|a| a["rank"] == 1).unwrap();
    assert_eq!(best["name"], "broker-network");

    refused(
        &["evaluate", spec, "--runs", "runs/baseline", "runs/nowhere"],
        d,
        "runs/nowhere/summary.json",
    );
    refused(
        &[
            "evaluate",
            spec,
            "--runs",
            "runs/baseline",
            "runs/rd-subsidy",
        ],
        d,
        "run rd-subsidy: `welfare_gain` needs a baseline run (--baseline DIR)",
    );
    refused(
        &[
            "evaluate",
            spec,
            "--runs",
            "runs/baseline",
            "--technology",
            "erp",
        ],
        d,
        "no technology `erp` (expected one of: cad-cam)",
    );
    let o = clusterlab(
        &["run", "--steps", "2", "--quiet", "--out", "runs/default"],
        d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    refused(
        &[
            "evaluate",
            spec,
            "--runs",
            "runs/default",
            "--baseline",
            "runs/default",
        ],
        d,
        "choose one with --technology (one of: erp, cnc, five-axis",
    );
}

/// Issue 5: `clusterlab game` on the bundled file — the Kuang–Zhang pattern, the optimum, the
/// coordinator, d'Aspremont & Jacquemin — as a table and as JSON; the map; bad files and
/// options refused with exit 2.
#[test]
fn game_solves_the_bundled_game_and_refuses_bad_files() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let game = examples().join("game/kuang-zhang.toml");
    let game = game.to_str().unwrap();
    let o = clusterlab(&["game", game], d);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    for says in [
        "pure Nash equilibria: 1",
        "leaders withhold from middle, withhold from laggards; middle share with leaders, withhold from laggards; laggards share with leaders, share with middle",
        "Kuang–Zhang pattern (leaders withhold, laggards share, middle firms share upward and withhold downward): yes",
        "the optimum is then an equilibrium (checked by best responses)",
        "non-cooperative   3.44615   14.76923",
        "cooperative R&D   2.38806",
    ] {
        assert!(out.contains(says), "{out}\nlacks: {says}");
    }
    let o = clusterlab(&["game", game, "--json"], d);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["kuang_zhang_pattern"], true);
    assert_eq!(report["pure_equilibria"].as_array().unwrap().len(), 1);
    assert_eq!(report["coordinator"]["makes_optimum_an_equilibrium"], true);
    let profit = report["rnd_spillovers"]["cooperative"]["profit"]
        .as_f64()
        .unwrap();
    assert!((profit - 191.04478).abs() < 1e-5);

    let o = clusterlab(
        &[
            "game",
            game,
            "--map",
            "licence_fee=0:0.5,intercept=140:300",
            "--resolution",
            "3",
        ],
        d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    let rows: Vec<&str> = out.lines().skip(1).take(3).collect();
    assert!(rows[0].ends_with("???"), "{out}");
    assert!(rows[2].trim_end().ends_with("K2S"), "{out}");

    std::fs::write(
        d.join("bad.toml"),
        "[market]\nintercept = -1.0\n[leaders]\nfirms = 0\ncost = 30.0\n[middle]\ncost = 25.0\n",
    )
    .unwrap();
    let o = clusterlab(&["game", "bad.toml"], d);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    for says in [
        "bad.toml:2: market.intercept: -1 is not positive",
        "bad.toml:4: leaders.firms: 0 firms",
        "bad.toml:7: middle.cost: 25 is not above the leaders' cost 30: costs must be ordered",
    ] {
        assert!(err.contains(says), "{err}\nlacks: {says}");
    }
    refused(
        &["game", "nowhere.toml"],
        d,
        "cannot read the game nowhere.toml",
    );
    refused(
        &["game", game, "--map", "fee=0:1,intercept=100:200"],
        d,
        "`fee` is not a game parameter",
    );
    refused(
        &["game", game, "--map", "licence_fee=0:1"],
        d,
        "has one axis (expected X=FROM:TO,Y=FROM:TO)",
    );
    refused(
        &["game", game, "--map", "slope=1:2,slope=3:4"],
        d,
        "both axes vary the same parameter",
    );
}

/// Issue 6: a sweep killed with SIGKILL mid-way and started again finishes with exactly the
/// runs of an uninterrupted sweep, bit for bit; a finished sweep re-run does nothing; another
/// experiment in the same directory is refused.
#[test]
fn a_killed_sweep_resumes_to_the_same_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(
        d.join("base.toml"),
        "steps = 40\n[region]\nwidth = 200\nheight = 200\n[diffusion]\nneighbourhood = \"moore\"\n[[technology]]\nid = \"a\"\np = 0.001\nq = 0.2\n",
    )
    .unwrap();
    std::fs::write(
        d.join("exp.toml"),
        "scenario = \"base.toml\"\nseed = 5\nreplications = 3\n[[parameter]]\npath = \"technology[0].q\"\nrange = [0.1, 0.4]\npoints = 4\n",
    )
    .unwrap();
    let o = clusterlab(
        &[
            "sweep", "exp.toml", "--out", "whole", "--jobs", "2", "--quiet",
        ],
        d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let whole = d.join("whole/runs");
    assert_eq!(entries(&whole).len(), 12);

    let mut child = Command::new(env!("CARGO_BIN_EXE_clusterlab"))
        .args([
            "sweep", "exp.toml", "--out", "cut", "--jobs", "1", "--quiet",
        ])
        .current_dir(d)
        .spawn()
        .unwrap();
    let cut = d.join("cut/runs");
    let started = std::time::Instant::now();
    loop {
        let done = cut.exists()
            && entries(&cut)
                .iter()
                .filter(|n| n.ends_with(".parquet"))
                .count()
                >= 2;
        if done || started.elapsed().as_secs() > 60 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let finished_before = entries(&cut)
        .iter()
        .filter(|n| n.ends_with(".parquet"))
        .count();
    assert!(
        finished_before < 12,
        "the sweep ended before it could be killed"
    );
    let o = clusterlab(&["sweep", "exp.toml", "--out", "cut", "--jobs", "2"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = String::from_utf8_lossy(&o.stdout);
    assert!(
        report.contains(&format!("{finished_before} done before"))
            || report.contains("done before"),
        "{report}"
    );
    assert_eq!(entries(&cut), entries(&whole));
    for name in entries(&whole) {
        assert_eq!(
            std::fs::read(whole.join(&name)).unwrap(),
            std::fs::read(cut.join(&name)).unwrap(),
            "{name} differs"
        );
    }
    // Nothing left to do.
    let o = clusterlab(&["sweep", "exp.toml", "--out", "cut"], d);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("0 run now"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // A changed experiment does not mix with the old runs.
    std::fs::write(d.join("exp.toml"), "scenario = \"base.toml\"\nseed = 6\n[[parameter]]\npath = \"technology[0].q\"\nvalues = [0.2]\n").unwrap();
    let o = clusterlab(&["sweep", "exp.toml", "--out", "cut"], d);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("holds another experiment"),
        "{}",
        stderr(&o)
    );
}

/// Issue 6: `fit` reproduces the published Bass fits of the room air-conditioner data, writes
/// the curves, and recovers an automaton's p and q from its own adoption curve by simulation.
#[test]
fn fit_reproduces_bass_and_calibrates_the_automaton() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let data = examples().join("data/room-air-conditioners.csv");
    let o = clusterlab(
        &[
            "fit",
            data.to_str().unwrap(),
            "--json",
            "--out",
            "curves.csv",
        ],
        d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let close = |v: &serde_json::Value, want: f64| {
        let got = v.as_f64().unwrap();
        assert!((got - want).abs() <= 0.5e-2 * want, "{got} vs {want}");
    };
    close(&r["ols"]["m"]["value"], 17091.3);
    close(&r["ols"]["p"]["value"], 0.01699);
    close(&r["ols"]["q"]["value"], 0.40495);
    close(&r["nls"]["m"]["value"], 18712.7);
    close(&r["nls"]["p"]["value"], 0.00944);
    close(&r["nls"]["q"]["value"], 0.37476);
    close(&r["nls"]["sse"], 341468.4);
    let curves = std::fs::read_to_string(d.join("curves.csv")).unwrap();
    assert_eq!(curves.lines().count(), 14);
    assert!(curves.starts_with("period,sales,ols,nls\n1949,96,"));

    // An automaton's own curve (p = 0.004, q = 0.25), run to saturation, as sales.
    std::fs::write(
        d.join("s.toml"),
        "seed = 9\nsteps = 45\n[region]\nwidth = 120\nheight = 120\n[diffusion]\nneighbourhood = \"moore\"\n[[technology]]\nid = \"x\"\np = 0.004\nq = 0.25\n",
    )
    .unwrap();
    let o = clusterlab(&["run", "s.toml", "--quiet", "--out", "truth"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    let series = std::fs::read_to_string(d.join("truth/timeseries.csv")).unwrap();
    let adopters: Vec<f64> = series
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
        .collect();
    let mut csv = String::from("t,sales\n");
    for t in 1..adopters.len() {
        csv.push_str(&format!("{t},{}\n", adopters[t] - adopters[t - 1]));
    }
    std::fs::write(d.join("own.csv"), csv).unwrap();
    std::fs::write(
        d.join("start.toml"),
        "seed = 9\n[region]\nwidth = 120\nheight = 120\n[diffusion]\nneighbourhood = \"moore\"\n[[technology]]\nid = \"x\"\np = 0.01\nq = 0.1\n",
    )
    .unwrap();
    let o = clusterlab(
        &[
            "fit",
            "own.csv",
            "--calibrate",
            "start.toml",
            "--market-potential",
            "14400",
            "--replications",
            "1",
            "--evaluations",
            "200",
            "--json",
        ],
        d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let (p, q) = (
        r["calibration"]["p"].as_f64().unwrap(),
        r["calibration"]["q"].as_f64().unwrap(),
    );
    let sse = r["calibration"]["sse"].as_f64().unwrap();
    // The noise floor: the true parameters on another seed miss the data by this much. The
    // calibration must fit better than that, and land near the truth along the p–q ridge (a
    // higher p with a lower q draws nearly the same curve).
    let o = clusterlab(
        &["run", "s.toml", "--seed", "10", "--quiet", "--out", "other"],
        d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let other = std::fs::read_to_string(d.join("other/timeseries.csv")).unwrap();
    let floor: f64 = other
        .lines()
        .skip(2)
        .zip(adopters.iter().skip(1))
        .map(|(l, a)| {
            let share: f64 = l.split(',').nth(2).unwrap().parse().unwrap();
            (share - a / 14400.0).powi(2)
        })
        .sum();
    assert!(sse < floor, "calibrated SSE {sse} vs noise floor {floor}");
    assert!((p - 0.004).abs() < 0.25 * 0.004, "p = {p}");
    assert!((q - 0.25).abs() < 0.15 * 0.25, "q = {q}");

    std::fs::write(
        d.join("gap.csv"),
        "year,sales\n2001,5\n2002,9\n2004,12\n2005,10\n2006,4\n",
    )
    .unwrap();
    refused(
        &["fit", "gap.csv"],
        d,
        "gap.csv:4: year: 2004 follows 2002 (a gap",
    );
    std::fs::write(d.join("neg.csv"), "sales\n5\n9\n-2\n10\n4\n").unwrap();
    refused(&["fit", "neg.csv"], d, "neg.csv:4: sales: -2 is negative");
    std::fs::write(d.join("hole.csv"), "t,sales\n1,5\n2,\n3,9\n4,4\n").unwrap();
    refused(&["fit", "hole.csv"], d, "hole.csv:3: sales: empty (a gap");
    std::fs::write(d.join("empty.csv"), "").unwrap();
    refused(&["fit", "empty.csv"], d, "the file is empty");
}

/// Issue 6: bad experiments are refused before anything is written: an unknown parameter
/// path (with a hint), an empty range, a metric the runs do not have, a bad point.
#[test]
fn bad_experiments_are_refused_before_anything_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(
        d.join("base.toml"),
        "steps = 5\n[[technology]]\nid = \"a\"\n",
    )
    .unwrap();
    for (text, says) in [
        ("scenario = \"base.toml\"\n[[parameter]]\npath = \"tecnology[0].q\"\nvalues = [0.1]\n", "e.toml:3: parameter[0].path: `tecnology[0].q` is not a scenario field; did you mean `technology[].q`?"),
        ("scenario = \"base.toml\"\n[[parameter]]\npath = \"technology[0].q\"\nrange = [0.5, 0.5]\npoints = 2\n", "e.toml:4: parameter[0].range: [0.5, 0.5] is not a range"),
        ("scenario = \"base.toml\"\nmetrics = [\"shares:a\"]\n[[parameter]]\npath = \"technology[0].q\"\nvalues = [0.1]\n", "metrics: `shares:a` is not a column of the runs' time series; did you mean `share:a`?"),
        ("scenario = \"base.toml\"\n[[parameter]]\npath = \"technology[0].q\"\nvalues = [0.1, 1.5]\n", "e.toml: point 1 (technology[0].q = 1.5): technology[0].q: 1.5 is not a probability"),
        ("scenario = \"nowhere.toml\"\n[[parameter]]\npath = \"steps\"\nvalues = [1]\n", "cannot read the scenario"),
    ] {
        std::fs::write(d.join("e.toml"), text).unwrap();
        refused(&["sweep", "e.toml", "--out", "out"], d, says);
    }
    refused(&["summarize", "."], d, "holds no sweep");
    refused(
        &["run", "--from", ".", "--run-id", "0", "--out", "out"],
        d,
        "holds no sweep",
    );
}

/// Issue 6: summaries across replications, the sensitivity of a Sobol sweep, and one run of a
/// sweep repeated alone with the same time series.
#[test]
fn sweeps_summarize_explain_and_repeat() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(
        d.join("base.toml"),
        "steps = 20\n[region]\nwidth = 60\nheight = 60\n[diffusion]\nneighbourhood = \"moore\"\n[[technology]]\nid = \"a\"\np = 0.002\nq = 0.2\nseed_adopters = 3\n",
    )
    .unwrap();
    std::fs::write(
        d.join("f.toml"),
        "scenario = \"base.toml\"\nreplications = 4\n[[parameter]]\npath = \"technology[0].q\"\nvalues = [0.1, 0.3]\n",
    )
    .unwrap();
    let o = clusterlab(&["sweep", "f.toml", "--out", "f", "--csv", "--quiet"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(d.join("f/runs/run-000007.csv").is_file());
    let o = clusterlab(&["summarize", "f"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary = std::fs::read_to_string(d.join("f/summary.csv")).unwrap();
    let header: Vec<&str> = summary.lines().next().unwrap().split(',').collect();
    assert_eq!(&header[..4], ["point", "technology[0].q", "step", "n"]);
    assert!(header.contains(&"share:a:mean") && header.contains(&"share:a:hi"));
    assert_eq!(summary.lines().count(), 1 + 2 * 21);
    // The mean at the last step of point 1 is the mean of its four runs' CSVs.
    let last_share = |run: u32| -> f64 {
        let csv = std::fs::read_to_string(d.join(format!("f/runs/run-{run:06}.csv"))).unwrap();
        let head: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
        let col = head.iter().position(|h| *h == "share:a").unwrap();
        csv.lines()
            .last()
            .unwrap()
            .split(',')
            .nth(col)
            .unwrap()
            .parse()
            .unwrap()
    };
    let mean = (4..8).map(last_share).sum::<f64>() / 4.0;
    let row = summary
        .lines()
        .last()
        .unwrap()
        .split(',')
        .collect::<Vec<_>>();
    let col = header.iter().position(|h| *h == "share:a:mean").unwrap();
    assert!((row[col].parse::<f64>().unwrap() - mean).abs() < 1e-12);

    // Repeating run 6 alone gives its time series.
    let o = clusterlab(
        &[
            "run", "--from", "f", "--run-id", "6", "--quiet", "--out", "again",
        ],
        d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let alone = std::fs::read_to_string(d.join("again/timeseries.csv")).unwrap();
    let swept = std::fs::read_to_string(d.join("f/runs/run-000006.csv")).unwrap();
    let share_of = |csv: &str| -> Vec<String> {
        let head: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
        let col = head.iter().position(|h| *h == "share:a").unwrap();
        csv.lines()
            .skip(1)
            .map(|l| l.split(',').nth(col).unwrap().to_string())
            .collect()
    };
    assert_eq!(share_of(&alone), share_of(&swept));
    refused(
        &["run", "--from", "f", "--run-id", "99", "--out", "out"],
        d,
        "has no run 99 (expected 0 to 7)",
    );

    std::fs::write(
        d.join("s.toml"),
        "scenario = \"base.toml\"\ndesign = \"sobol\"\nsamples = 16\nmetrics = [\"share:a\"]\n[[parameter]]\npath = \"technology[0].q\"\nrange = [0.05, 0.4]\n[[parameter]]\npath = \"technology[0].p\"\nrange = [0.0005, 0.005]\n",
    )
    .unwrap();
    let o = clusterlab(&["sweep", "s.toml", "--out", "s", "--quiet"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = clusterlab(
        &[
            "sensitivity",
            "s",
            "--metric",
            "share:a",
            "--json",
            "--bootstrap",
            "100",
        ],
        d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["runs"], 64);
    let total_q = r["indices"][0]["total"]["value"].as_f64().unwrap();
    assert!(total_q > 0.0 && total_q < 1.5, "{total_q}");
    refused(
        &["sensitivity", "f", "--metric", "share:a"],
        d,
        "is not `sobol` or `morris`",
    );
    // A run marked done whose file is gone is named, not skipped.
    std::fs::remove_file(d.join("f/runs/run-000003.parquet")).unwrap();
    refused(&["summarize", "f"], d, "run 3's results are missing");
    // One sweep at a time in a directory.
    let lock = std::fs::File::create(d.join("f/sweep.lock")).unwrap();
    lock.try_lock().unwrap();
    refused(
        &["sweep", "f.toml", "--out", "f"],
        d,
        "another `clusterlab sweep` is writing into f",
    );
    drop(lock);
    refused(
        &["sensitivity", "s", "--metric", "gem"],
        d,
        "did not keep `gem`",
    );
}

/// Issue 7: the policy lab — the list, a diagnosis, the comparison across the bundled cluster
/// types (different best policies, each with its reason), common random numbers shrinking the
/// variance of the effects, and bad input refused.
#[test]
fn the_policy_lab_lists_diagnoses_and_compares() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let o = clusterlab(&["policy", "list", "--json"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 11);

    let types: Vec<String> = ["advanced", "ordinary", "lagging"]
        .iter()
        .map(|t| {
            examples()
                .join(format!("policy/{t}.toml"))
                .display()
                .to_string()
        })
        .collect();
    let o = clusterlab(&["policy", "diagnose", &types[2], "--json"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    let diagnosis: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // A cluster without a research body: the infrastructure failure scores the worst (1), among
    // the top failures (on the rebuilt economy information failure ties with it: adoption that
    // must pay keeps its technologies below 10% of firms), with technology transfer among the
    // responses.
    let failures = diagnosis[0]["failures"].as_array().unwrap();
    let infrastructure = failures
        .iter()
        .find(|f| f["failure"] == "public knowledge infrastructure mismatched to demand")
        .expect("the infrastructure failure is diagnosed");
    assert_eq!(
        infrastructure["score"], failures[0]["score"],
        "{failures:?}"
    );
    assert_eq!(infrastructure["score"].as_f64(), Some(1.0));
    assert!(infrastructure["responses"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("technology-transfer")));

    let mut args = vec!["policy", "compare"];
    args.extend(types.iter().map(String::as_str));
    args.extend([
        "--policies",
        "broker-network,technology-transfer,venture-capital",
        "--replications",
        "5",
        "--objective",
        "innovation",
        "--json",
    ]);
    let o = clusterlab(&args, d);
    assert!(o.status.success(), "{}", stderr(&o));
    let results: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let best: Vec<&str> = results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["best"].as_str().unwrap_or("none"))
        .collect();
    // On the rebuilt economy (issue 16), with an innovation hazard that R&D partners' knowledge
    // can still raise (α = 0.02, not saturated), venture capital's gain is the significant best
    // in the advanced cluster and brokered networks' in the ordinary and lagging ones, in 5
    // replications (issue 17 re-grounds the policies on this economy).
    assert_eq!(
        best,
        ["venture-capital", "broker-network", "broker-network"]
    );
    for r in results.as_array().unwrap() {
        let why = r["why"].as_str().unwrap();
        if r["best"].is_string() {
            assert!(why.contains("innovations by"), "{why}");
        } else {
            assert!(why.contains("needs service, not intervention"), "{why}");
        }
        // The variance common random numbers save is reported for every policy (null: the
        // paired differences do not vary at all; tested in crates/model/tests/policy.rs).
        for a in r["alternatives"].as_array().unwrap() {
            assert!(
                a["variance_reduction"].as_f64().is_none_or(|v| v > 0.0),
                "{a}"
            );
        }
    }

    refused(
        &["policy", "compare", &types[1], "--policies", "broker-netwrok"],
        d,
        "unknown policy `broker-netwrok` (see `clusterlab policy list`); did you mean `broker-network`?",
    );
    refused(
        &[
            "policy",
            "compare",
            &types[1],
            "--policies",
            "rd-subsidy",
            "--start",
            "50",
            "--end",
            "20",
        ],
        d,
        "--end: 20 is not after --start 50",
    );
    refused(
        &[
            "policy",
            "compare",
            &types[1],
            "--policies",
            "rd-subsidy",
            "--budget",
            "-5",
        ],
        d,
        "--budget: -5 is not a budget",
    );
    std::fs::write(
        d.join("p.toml"),
        "processes = [\"market\"]\n[[policy]]\nname = \"rd-subsidie\"\n[[policy]]\nname = \"rd-subsidy\"\nstart = 30\nend = 10\n",
    )
    .unwrap();
    let o = clusterlab(&["validate", "p.toml"], d);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("p.toml:3: policy[0].name: unknown policy `rd-subsidie`"),
        "{err}"
    );
    assert!(err.contains("did you mean `rd-subsidy`?"), "{err}");
    assert!(
        err.contains("p.toml:7: policy[1].end: 10 is not after the start 30"),
        "{err}"
    );
}

/// Issue 8: the life-cycle scenario's summary lists where each phase began and the six dynamic
/// factors by phase; bad external and schedule fields are refused.
#[test]
fn the_life_cycle_is_summarised_and_bad_fields_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let scenario = examples().join("lifecycle.toml");
    let o = clusterlab(
        &[
            "run",
            scenario.to_str().unwrap(),
            "--quiet",
            "--out",
            "cycle",
        ],
        d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("cycle/summary.json")).unwrap())
            .unwrap();
    let lc = &summary["economy"]["life_cycle"];
    let phases: Vec<&str> = lc["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["phase"].as_str().unwrap())
        .collect();
    for phase in ["emergence", "growth", "maturity", "decline", "renewal"] {
        assert!(phases.contains(&phase), "{phases:?}");
        let factors = &lc["dynamic_factors_by_phase"][phase];
        assert!((0.0..=1.0).contains(&factors["knowledge_capital"].as_f64().unwrap()));
    }
    assert_eq!(lc["phases"][0]["start"], 0);
    let csv = std::fs::read_to_string(d.join("cycle/timeseries.csv")).unwrap();
    assert!(csv.lines().next().unwrap().split(',').any(|c| c == "phase"));

    std::fs::write(
        d.join("bad.toml"),
        "processes = [\"market\"]\n[market]\ngrowth_schedule = [[50, 0.1], [20, 0.0]]\n[external]\npipeline_share = 1.5\noutside_contacts = 9\n",
    )
    .unwrap();
    let o = clusterlab(&["validate", "bad.toml"], d);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    for says in [
        "market.growth_schedule[1]: [20.0, 0.0] is not a [step, growth] pair after the one before it",
        "external.pipeline_share: 1.5 is not a probability",
        "external.outside_contacts: 9 is out of range",
    ] {
        assert!(err.contains(says), "{err}\nlacks: {says}");
    }
}

/// Issue 8: two regions with migrating leaders — the accounting in the summary holds, the
/// incentive draws leaders south and they flow back after it; bad regions files refused.
#[test]
fn regions_run_with_migration_and_refuse_bad_files() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let file = examples().join("regions/two-regions.toml");
    let o = clusterlab(
        &["regions", file.to_str().unwrap(), "--quiet", "--out", "reg"],
        d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        entries(&d.join("reg")),
        [
            "migration.csv",
            "summary.json",
            "timeseries-north.csv",
            "timeseries-south.csv"
        ]
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("reg/summary.json")).unwrap())
            .unwrap();
    let mut moved = (0, 0);
    for r in summary["regions"].as_array().unwrap() {
        let n = |k: &str| r[k].as_i64().unwrap();
        assert_eq!(
            n("final_firms"),
            n("initial_firms") + n("entries") - n("exits") + n("moved_in") - n("moved_out"),
            "{r}"
        );
        moved.0 += n("moved_in");
        moved.1 += n("moved_out");
    }
    assert_eq!(moved.0, moved.1, "every mover arrives somewhere");
    let flows = std::fs::read_to_string(d.join("reg/migration.csv")).unwrap();
    let (mut during, mut after) = (0i64, 0i64);
    for line in flows.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        if c[1] != "south" {
            continue;
        }
        let t: u32 = c[0].parse().unwrap();
        let net = c[2].parse::<i64>().unwrap() - c[5].parse::<i64>().unwrap();
        if (41..=80).contains(&t) {
            during += net;
        } else if t > 80 {
            after += net;
        }
    }
    assert!(
        during > 0 && after < 0,
        "net leader inflow to the south: during {during}, after {after}"
    );

    std::fs::copy(examples().join("regions/north.toml"), d.join("north.toml")).unwrap();
    let bad = std::fs::read_to_string(&file)
        .unwrap()
        .replace("region = \"south\"", "region = \"east\"")
        .replace("id = \"south\"", "id = \"north\"");
    std::fs::write(d.join("bad.toml"), bad).unwrap();
    let o = clusterlab(&["regions", "bad.toml", "--out", "out"], d);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("bad.toml:19: region[1].id: `north` is the id of an earlier region"),
        "{err}"
    );
    assert!(
        err.contains("bad.toml:49: incentive[0].region: no region `east`"),
        "{err}"
    );
    assert!(!d.join("out").exists());
}

/// Issue 9, first slice: `report` writes one self-contained HTML file — the charting library
/// and the data inside, the scenario and seed to repeat the run — under 5 MB; `run --report`
/// writes it beside the run; a directory without a run is refused.
#[test]
fn report_writes_a_self_contained_html_file() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let o = clusterlab(
        &["run", "--steps", "60", "--quiet", "--report", "--out", "r"],
        d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(d.join("r/report.html")).unwrap();
    assert!(html.len() < 5 << 20, "{} bytes", html.len());
    for says in [
        "<!DOCTYPE html>",
        "https://github.com/leeoniya/uPlot (v1.6.32)",
        "MIT License",
        "clusterlab run (bundled default: examples/default.toml) --seed 2024",
        "id=\"chart-adoption\"",
        "id=\"chart-factors\"",
        "id=\"chart-lifecycle\"",
        "found: emergence from step 0",
        "erp (Bass fit)",
        "GEM factors at the last step",
        "default-machinery-cluster",
    ] {
        assert!(html.contains(says), "the report lacks {says}");
    }
    assert!(
        !html.contains("src=\"http"),
        "nothing fetched from the network"
    );
    // The diffusion map: twelve frames of the region per competition group, one character
    // per cell, a group's states only.
    let maps: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("r/maps.json")).unwrap()).unwrap();
    assert_eq!(maps["steps"][11], 60);
    let cells = (maps["width"].as_u64().unwrap() * maps["height"].as_u64().unwrap()) as usize;
    let groups = maps["groups"].as_array().unwrap();
    assert_eq!(
        groups.len(),
        2,
        "the ERP system alone, and CNC with five-axis machining"
    );
    for g in groups {
        let frames = g["frames"].as_array().unwrap();
        assert_eq!(frames.len(), 12);
        let states = 2 + g["technologies"].as_array().unwrap().len();
        assert!(frames.iter().all(|f| {
            let f = f.as_str().unwrap();
            f.len() == cells
                && f.chars()
                    .all(|c| c.to_digit(36).is_some_and(|v| (v as usize) < states))
        }));
    }
    assert!(html.contains("id=\"map\"") && html.contains("const maps = "));
    let o = clusterlab(&["report", "r", "--out", "copy.html"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(d.join("copy.html")).unwrap(), html);
    refused(&["report", "nowhere"], d, "nowhere/timeseries.csv");
}

/// Issue 9: the reports of a sweep (intervals across replications, sensitivity bars) and of a
/// policy comparison, with the numbers the commands print.
#[test]
fn sweeps_and_policy_comparisons_have_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(
        d.join("base.toml"),
        "steps = 15\n[region]\nwidth = 40\nheight = 40\n[diffusion]\nneighbourhood = \"moore\"\n[[technology]]\nid = \"a\"\np = 0.002\nq = 0.2\nseed_adopters = 3\n",
    )
    .unwrap();
    std::fs::write(
        d.join("f.toml"),
        "scenario = \"base.toml\"\nreplications = 3\n[[parameter]]\npath = \"technology[0].q\"\nvalues = [0.1, 0.3]\n",
    )
    .unwrap();
    let o = clusterlab(&["sweep", "f.toml", "--out", "f", "--quiet", "--report"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = std::fs::read_to_string(d.join("f/report.html")).unwrap();
    assert!(
        report.contains("6 of 6 runs done"),
        "the progress is missing"
    );
    assert!(report.contains("chart-metric-0") && report.contains("95% low"));
    assert!(report.contains("share:a against technology[0].q"));
    // The last step's table holds summary.csv's mean and interval of point 1.
    let summary = std::fs::read_to_string(d.join("f/summary.csv")).unwrap();
    let header: Vec<&str> = summary.lines().next().unwrap().split(',').collect();
    let last: Vec<f64> = summary
        .lines()
        .last()
        .unwrap()
        .split(',')
        .map(|v| v.parse().unwrap())
        .collect();
    let at = |name: &str| last[header.iter().position(|h| *h == name).unwrap()];
    let cell = format!(
        "{:.4} <small>[{:.4}, {:.4}]</small>",
        at("share:a:mean"),
        at("share:a:lo"),
        at("share:a:hi")
    );
    assert!(report.contains(&cell), "{cell} is not in the report");

    // A Sobol sweep's report draws the indices `sensitivity` prints.
    std::fs::write(
        d.join("s.toml"),
        "scenario = \"base.toml\"\ndesign = \"sobol\"\nsamples = 8\nmetrics = [\"share:a\"]\n[[parameter]]\npath = \"technology[0].q\"\nrange = [0.05, 0.4]\n[[parameter]]\npath = \"technology[0].p\"\nrange = [0.0005, 0.005]\n",
    )
    .unwrap();
    let o = clusterlab(&["sweep", "s.toml", "--out", "s", "--quiet"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = clusterlab(&["report", "s", "--out", "s.html"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = std::fs::read_to_string(d.join("s.html")).unwrap();
    assert!(report.contains("Sobol' first-order index S") && report.contains("total index ST"));
    let o = clusterlab(
        &[
            "sensitivity",
            "s",
            "--metric",
            "share:a",
            "--json",
            "--bootstrap",
            "500",
        ],
        d,
    );
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let i = &r["indices"][0]["total"];
    let bar = format!(
        "technology[0].q: {:.4} [{:.4}, {:.4}]",
        i["value"].as_f64().unwrap(),
        i["lo"].as_f64().unwrap(),
        i["hi"].as_f64().unwrap()
    );
    assert!(report.contains(&bar), "{bar} is not in the report");

    // A policy comparison's report.
    let lagging = std::fs::read_to_string(examples().join("policy/lagging.toml"))
        .unwrap()
        .replace("steps = 120", "steps = 25");
    std::fs::write(d.join("lagging.toml"), lagging).unwrap();
    let o = clusterlab(
        &[
            "policy",
            "compare",
            "lagging.toml",
            "--policies",
            "broker-network,rd-subsidy",
            "--replications",
            "2",
            "--json",
            "--report",
            "policy.html",
        ],
        d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let report = std::fs::read_to_string(d.join("policy.html")).unwrap();
    let best = r[0]["best"].as_str().unwrap_or("none");
    assert!(report.contains(&format!("<strong>Best: {best}</strong>")));
    let e = &r[0]["alternatives"][0]["net_welfare"];
    let bar = format!(
        "broker-network: {:.4} [{:.4}, {:.4}]",
        e["mean"].as_f64().unwrap(),
        e["lo"].as_f64().unwrap(),
        e["hi"].as_f64().unwrap()
    );
    assert!(report.contains(&bar), "{bar} is not in the report");
    assert!(report.contains("<h3>Diagnosis</h3>"));
    // A report path that cannot be written is refused before any run.
    std::fs::create_dir(d.join("taken")).unwrap();
    refused(
        &[
            "policy",
            "compare",
            "lagging.toml",
            "--policies",
            "broker-network",
            "--report",
            "taken",
        ],
        d,
        "--report: taken is a directory",
    );
    refused(
        &["report", "nowhere"],
        d,
        "cannot read nowhere/timeseries.csv",
    );
}

/// Issue 15: the policy lab's variants read a scenario's firm file by the path relative to
/// the scenario (it was joined to the scenario's folder twice, so a scenario named by a
/// relative path with a firm file could not be compared).
#[test]
fn policy_compare_reads_a_relative_firm_file() {
    let tmp = tempfile::tempdir().unwrap();
    let sub = tmp.path().join("cluster");
    std::fs::create_dir(&sub).unwrap();
    std::fs::copy(examples().join("firms.csv"), sub.join("firms.csv")).unwrap();
    let text = std::fs::read_to_string(examples().join("listed-firms.toml")).unwrap();
    std::fs::write(
        sub.join("listed.toml"),
        format!("processes = [\"market\", \"rnd\", \"diffusion\"]\n{text}"),
    )
    .unwrap();
    let o = clusterlab(
        &[
            "policy",
            "compare",
            "cluster/listed.toml",
            "--policies",
            "rd-subsidy",
            "--replications",
            "2",
            "--json",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["alternatives"][0]["policies"], "rd-subsidy");
}

/// Issue 16 (item 8, first slice): `run --panel [EVERY]` writes the firm panel as Parquet, and
/// as CSV with --panel-csv; bad values are refused before anything runs.
#[test]
fn run_writes_the_firm_panel_on_request() {
    let tmp = tempfile::tempdir().unwrap();
    let o = clusterlab(
        &[
            "run",
            "--steps",
            "20",
            "--panel",
            "10",
            "--panel-csv",
            "--quiet",
            "--out",
            "p",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        entries(&tmp.path().join("p")),
        [
            "panel.csv",
            "panel.parquet",
            "summary.json",
            "timeseries.csv"
        ]
    );
    let csv = std::fs::read_to_string(tmp.path().join("p/panel.csv")).unwrap();
    let steps: std::collections::BTreeSet<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(steps.into_iter().collect::<Vec<_>>(), ["0", "10", "20"]);
    let parquet = std::fs::read(tmp.path().join("p/panel.parquet")).unwrap();
    assert_eq!(&parquet[..4], b"PAR1");
    refused(
        &["run", "--panel", "0", "--out", "q"],
        tmp.path(),
        "--panel",
    );
    refused(&["run", "--panel-csv", "--out", "q"], tmp.path(), "--panel");
    assert!(!tmp.path().join("q").exists());
}

/// Issue 16 (item 8): an experiment with `panel = N` writes every run's firm panel beside its
/// table, resumes a run whose panel is gone, and refuses `panel = 0` with its line.
#[test]
fn sweeps_record_each_runs_firm_panel() {
    let tmp = tempfile::tempdir().unwrap();
    let default = examples().join("default.toml");
    std::fs::write(
        tmp.path().join("e.toml"),
        format!(
            "scenario = {:?}\nreplications = 2\nsteps = 6\npanel = 3\nmetrics = [\"firms\"]\n[[parameter]]\npath = \"government.rd_subsidy\"\nvalues = [0.0, 0.5]\n",
            default.display().to_string()
        ),
    )
    .unwrap();
    let sweep = |dir: &Path| {
        clusterlab(
            &["sweep", "e.toml", "--jobs", "2", "--quiet", "--out", "s"],
            dir,
        )
    };
    let o = sweep(tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let runs = tmp.path().join("s/runs");
    for run in 0..4 {
        let panel = runs.join(format!("run-{run:06}.panel.parquet"));
        assert_eq!(&std::fs::read(&panel).unwrap()[..4], b"PAR1", "{panel:?}");
    }
    let gone = runs.join("run-000002.panel.parquet");
    let before = std::fs::read(&gone).unwrap();
    std::fs::remove_file(&gone).unwrap();
    let o = sweep(tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(&gone).unwrap(),
        before,
        "the same run, made again"
    );
    std::fs::write(
        tmp.path().join("bad.toml"),
        "replications = 1\npanel = 0\n[[parameter]]\npath = \"seed\"\nvalues = [1]\n",
    )
    .unwrap();
    refused(
        &["sweep", "bad.toml", "--out", "b"],
        tmp.path(),
        "bad.toml:2: panel: 0",
    );
}

/// Issue 16 (item 9): `facts` measures the stylised facts of a run made with `run --panel`
/// (text and JSON), of several runs together (with intervals), and of a sweep with panels (per
/// design point); it refuses a folder without a panel, a sweep that recorded none and a panel
/// that misses a year's records, naming the file (exit 2).
#[test]
fn facts_measures_runs_and_sweeps_and_refuses_folders_without_a_panel() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let scenario = examples().join("lifecycle.toml");
    let scenario = scenario.to_str().unwrap();
    for (seed, out) in [("5", "r"), ("6", "r2")] {
        let o = clusterlab(
            &[
                "run", scenario, "--steps", "60", "--seed", seed, "--panel", "--quiet", "--out",
                out,
            ],
            d,
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    // The run's report has the section, each fact with its verdict.
    let o = clusterlab(&["report", "r"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(d.join("r/report.html")).unwrap();
    assert!(html.contains("<h2>Stylised facts</h2>"), "no section");
    assert!(html.contains("<th>F5</th>") && html.contains("entry_rate"));
    let o = clusterlab(&["facts", "r", "--quiet"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.starts_with("r: 1 run (no intervals), 4 steps a year"),
        "{text}"
    );
    for id in ["F1 ", "F5 ", "F11 ", "F13 "] {
        assert!(text.contains(&format!("\n{id}")), "{id}: {text}");
    }
    assert!(
        text.contains("entry_rate") && text.contains("facts hold;"),
        "{text}"
    );
    // JSON: every fact, its statistics, criterion, source and verdict; one run has no interval.
    let o = clusterlab(&["facts", "r", "--json"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let battery = &v["groups"][0]["battery"];
    assert_eq!(battery["runs"], 1);
    let facts = battery["facts"].as_array().unwrap();
    assert_eq!(facts.len(), 13);
    let f5 = &facts[4];
    assert_eq!(f5["id"], "F5");
    assert!(f5["holds"].is_boolean(), "{f5}");
    assert!(f5["source"].as_str().unwrap().contains("Dunne"));
    assert!(f5["statistics"][0]["mean"].is_f64() && f5["statistics"][0]["lo"].is_null());
    // F13 (spillovers decaying with distance) is measured on a run of 15 years.
    assert_eq!(facts[12]["id"], "F13");
    assert_eq!(facts[12]["statistics"][0]["name"], "near_lead_spearman");
    assert!(facts[12]["statistics"][0]["mean"].is_f64(), "{}", facts[12]);
    // Its inverted U in cognitive distance, from the panel's knowledge positions.
    assert_eq!(facts[12]["statistics"][2]["name"], "cognitive_slope_low");
    assert!(facts[12]["statistics"][2]["mean"].is_f64(), "{}", facts[12]);
    // Two runs together: intervals.
    let o = clusterlab(&["facts", "r", "r2", "--json", "--steps-per-year", "4"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let entry = &v["groups"][0]["battery"]["facts"][4]["statistics"][0];
    assert_eq!(entry["n"], 2);
    let (lo, mean, hi) = (
        entry["lo"].as_f64().unwrap(),
        entry["mean"].as_f64().unwrap(),
        entry["hi"].as_f64().unwrap(),
    );
    assert!(lo <= mean && mean <= hi, "{entry}");
    // A sweep with panels: one battery per design point, its replications together.
    std::fs::write(
        d.join("e.toml"),
        format!(
            "scenario = {scenario:?}\nreplications = 2\nsteps = 40\npanel = 1\n[[parameter]]\npath = \"government.rd_subsidy\"\nvalues = [0.0, 0.5]\n"
        ),
    )
    .unwrap();
    let o = clusterlab(&["sweep", "e.toml", "--quiet", "--out", "s"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = clusterlab(&["facts", "s", "--json"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let groups = v["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    assert!(groups[1]["label"].as_str().unwrap().contains("point 1"));
    assert_eq!(groups[0]["battery"]["runs"], 2);
    // The sweep's series carry the adoption shares and the clustering.
    assert!(groups[0]["battery"]["facts"][8]["statistics"][0]["mean"].is_f64());
    assert!(groups[0]["battery"]["facts"][10]["statistics"][0]["mean"].is_f64());
    // Refusals.
    let o = clusterlab(
        &[
            "run", scenario, "--steps", "20", "--report", "--quiet", "--out", "plain",
        ],
        d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(d.join("plain/report.html")).unwrap();
    assert!(
        !html.contains("Stylised facts"),
        "a run without a panel has no facts"
    );
    refused(&["facts", "plain"], d, "plain/panel.parquet: no firm panel");
    refused(&["facts", "r", "plain"], d, "run --panel");
    refused(&["facts", "nowhere"], d, "nowhere: no such directory");
    std::fs::write(
        d.join("np.toml"),
        format!(
            "scenario = {scenario:?}\nreplications = 1\nsteps = 8\n[[parameter]]\npath = \"government.rd_subsidy\"\nvalues = [0.0]\n"
        ),
    )
    .unwrap();
    let o = clusterlab(&["sweep", "np.toml", "--quiet", "--out", "np"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    refused(
        &["facts", "np"],
        d,
        "run-000000.panel.parquet: no firm panel",
    );
    refused(&["facts", "np"], d, "panel = EVERY");
    let o = clusterlab(
        &[
            "run", scenario, "--steps", "20", "--panel", "3", "--quiet", "--out", "every3",
        ],
        d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    refused(&["facts", "every3"], d, "recorded every 3 steps");
    refused(
        &["facts", "r", "--steps-per-year", "0"],
        d,
        "--steps-per-year",
    );
}
