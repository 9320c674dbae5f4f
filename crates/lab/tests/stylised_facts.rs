//! Issue 16: the cluster economy holds the stylised facts of firm and industry dynamics
//! (`docs/economics.md`, F1–F13; criteria and sources in `docs/validation.md`) **jointly**, at
//! a bundled scenario's own parameters with every process on, over 20 seeds — and on a second,
//! disjoint seed range, so that nothing rests on one range. A fact holds when the across-seed
//! estimate of each of its statistics meets the published criterion (`lab::facts::assess`).

use clusterlab_lab::facts::{of_scenario, Battery, ScenarioRuns};
use std::path::PathBuf;

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
}

fn battery(name: &str, first_seed: u64) -> Battery {
    let seeds: Vec<u64> = (first_seed..first_seed + 20).collect();
    of_scenario(&example(name), &seeds, &ScenarioRuns::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The facts that hold, and a line per fact for the failure message.
fn holding(b: &Battery) -> (Vec<&'static str>, String) {
    let mut report = String::new();
    let mut held = Vec::new();
    for f in &b.facts {
        report.push_str(&format!(
            "{} {:?} ({} of {} runs){}\n",
            f.id,
            f.holds,
            f.runs_holding,
            f.runs,
            f.why
                .as_deref()
                .map(|w| format!(": {w}"))
                .unwrap_or_default()
        ));
        if b.fact(f.id)
            .is_some_and(|a| matches!(a.holds, clusterlab_lab::facts::Holds::Yes))
        {
            held.push(f.id);
        }
    }
    (held, report)
}

/// The facts a mature cluster must show whatever its type: sizes, growth, exit by age,
/// turnover, margins, productivity, innovation, diffusion, networks, agglomeration (F10, the
/// life cycle of a young industry, apart).
const MATURE: [&str; 12] = [
    "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F11", "F12", "F13",
];

fn check(name: &str, at_least: usize) {
    for first in [1, 1001] {
        let b = battery(name, first);
        let (held, report) = holding(&b);
        let mature = held.iter().filter(|id| MATURE.contains(id)).count();
        assert!(
            mature >= at_least,
            "{name}, seeds {first}–{}: {mature} facts hold jointly, fewer than {at_least}\n{report}",
            first + 19
        );
    }
}

/// The bundled default (3,000 machinery firms, 50 years in quarters).
#[test]
fn the_default_holds_ten_facts_jointly_over_twenty_seeds() {
    check("default.toml", 10);
}

/// The ordinary cluster of the policy lab's three types.
#[test]
fn the_ordinary_cluster_holds_ten_facts_jointly_over_twenty_seeds() {
    check("policy/ordinary.toml", 10);
}

/// A new industry's life cycle from its economics (`examples/klepper.toml`; Klepper 1996):
/// F10 — the firm count rises by ≥ 20% to its peak year, falls by ≥ 20% by the last year, and
/// output at the end exceeds output at the peak — holds jointly (the battery's verdict) on
/// both seed ranges, with no entry schedule; and the industry holds at least seven of the
/// other facts (nine when it was made: F1, F2, F4–F9, F11, of which F8's R&D concentration,
/// 0.51, lies within its sampling error of the bound 0.5; F3 and F12 did not hold; ten on
/// seeds 1–20 since the innovation hazard's recalibration, F12 too at a Spearman of 0.012
/// [0.003, 0.021], within its sampling error of the bound 0 — so the floor stays at seven).
#[test]
fn the_klepper_industry_has_an_entry_wave_and_a_shakeout_over_twenty_seeds() {
    for first in [1, 1001] {
        let b = battery("klepper.toml", first);
        let (held, report) = holding(&b);
        let f10 = b.fact("F10").expect("F10 is in the battery");
        let figures: Vec<String> = f10
            .statistics
            .iter()
            .map(|s| format!("{} {:.3} [{:.3}, {:.3}]", s.name, s.mean, s.lo, s.hi))
            .collect();
        assert!(
            matches!(f10.holds, clusterlab_lab::facts::Holds::Yes),
            "klepper.toml, seeds {first}–{}: F10 does not hold ({} of {} runs): {}\n{report}",
            first + 19,
            f10.runs_holding,
            f10.runs,
            figures.join(", ")
        );
        let mature = held.iter().filter(|id| MATURE.contains(id)).count();
        assert!(
            mature >= 7,
            "klepper.toml, seeds {first}–{}: {mature} other facts hold\n{report}",
            first + 19
        );
    }
}

/// The advanced cluster: dense, open, R&D-heavy (F10, the life cycle of a young industry,
/// cannot hold in a steady cluster).
#[test]
fn the_advanced_cluster_holds_ten_facts_jointly_over_twenty_seeds() {
    check("policy/advanced.toml", 10);
}

/// The lagging cluster: thin, closed, shrinking. F9 fails there: with the unsaturated
/// innovation hazard few radical technologies arise in its 30 years (1.35 diffused a run over
/// seeds 1–20), and those there are mostly still rising at the end (docs/validation.md).
#[test]
fn the_lagging_cluster_holds_ten_facts_jointly_over_twenty_seeds() {
    check("policy/lagging.toml", 10);
}
