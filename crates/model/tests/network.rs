//! The network of the bundled default (`examples/default.toml`, every process on) against
//! the facts of cluster networks (`docs/validation.md`, N1–N4; F11 of the economics brief):
//! clustered far above random (Giuliani & Bell 2005 report 0.2 and more), degrees skewed
//! with no pile-up at the bound, triadic closure the cause of the clustering (Jackson &
//! Rogers 2007), and the same network whatever the thread count.
//!
//! Each claim is measured at the last step over 20 seeds; intervals are 95% t intervals
//! over the seeds.

mod common;

use clusterlab_model::World;
use clusterlab_numerics::stats::Moments;
use rayon::prelude::*;
use std::sync::OnceLock;

const DEFAULT: &str = include_str!("../../../examples/default.toml");
const SEEDS: std::ops::RangeInclusive<u64> = 1..=20;

/// The network of one run at its last step.
#[derive(Clone, Copy, Debug)]
struct Shape {
    clustering: f64,
    mean_degree: f64,
    /// Variance of the degree over its mean: 1 for independent (Poisson) ties.
    dispersion: f64,
    skewness: f64,
    /// Share of firms at the hard bound `max_degree`.
    at_bound: f64,
}

/// The default scenario with seed `seed` and `extra` appended.
fn default_with(extra: &str, seed: u64) -> clusterlab_model::Scenario {
    let unseeded = DEFAULT.replacen("seed = 2024\n", "", 1);
    assert_ne!(unseeded, DEFAULT, "the default's seed line moved");
    common::scenario(&format!("{unseeded}\n{extra}"), seed)
}

/// The default's network after its run, with `extra` appended to the scenario.
fn shape(extra: &str, seed: u64) -> Shape {
    let s = default_with(extra, seed);
    let mut world = World::new(&s);
    world.run_until(s.steps(), |_| {});
    let e = world.economy().expect("the default runs an economy");
    let net = &e.network;
    let live: Vec<usize> = e.firms.live().collect();
    let mut degree = Moments::default();
    for &slot in &live {
        degree.push(net.partners(slot).len() as f64);
    }
    let (mean, sd) = (degree.mean(), degree.population_sd());
    let n = live.len() as f64;
    let skewness = live
        .iter()
        .map(|&s| ((net.partners(s).len() as f64 - mean) / sd).powi(3))
        .sum::<f64>()
        / n;
    Shape {
        clustering: live.iter().map(|&s| net.local_clustering(s)).sum::<f64>() / n,
        mean_degree: mean,
        dispersion: sd * sd / mean,
        skewness,
        at_bound: live
            .iter()
            .filter(|&&s| net.partners(s).len() >= net.max_degree())
            .count() as f64
            / n,
    }
}

/// The default over the seeds, run once for every test that reads it.
fn default_runs() -> &'static [Shape] {
    static RUNS: OnceLock<Vec<Shape>> = OnceLock::new();
    RUNS.get_or_init(|| {
        SEEDS
            .collect::<Vec<_>>()
            .par_iter()
            .map(|&s| shape("", s))
            .collect()
    })
}

/// Mean and 95% interval (t) over the seeds.
fn interval(values: impl Iterator<Item = f64>) -> (f64, (f64, f64)) {
    let mut m = Moments::default();
    values.for_each(|v| m.push(v));
    (m.mean(), m.interval95())
}

/// N1–N2: clustering well above random, skewed degrees, no pile-up at the bound. Clustering's
/// 95% interval lies above 0.15; the degree's variance exceeds its mean (more firms with few
/// and with many ties than independent ties would give, Jackson & Rogers) and its skewness
/// is positive, both intervals excluding the independent case; at most 1% of firms sit at
/// the bound, in every run.
#[test]
fn the_default_network_is_clustered_and_skewed_without_a_pile_up_at_the_bound() {
    let runs = default_runs();
    let (c, (c_low, _)) = interval(runs.iter().map(|r| r.clustering));
    assert!(
        c_low > 0.15,
        "clustering {c:.3}: its interval reaches down to {c_low:.3}"
    );
    let (k, _) = interval(runs.iter().map(|r| r.mean_degree));
    assert!(k > 1.0, "mean degree {k:.2}: hardly a network");
    let (v, (v_low, _)) = interval(runs.iter().map(|r| r.dispersion));
    assert!(
        v_low > 1.0,
        "variance/mean of the degree {v:.3}: its interval reaches down to {v_low:.3}"
    );
    let (g, (g_low, _)) = interval(runs.iter().map(|r| r.skewness));
    assert!(
        g_low > 0.0,
        "skewness {g:.3}: its interval reaches down to {g_low:.3}"
    );
    for (seed, r) in SEEDS.zip(runs) {
        assert!(
            r.at_bound <= 0.01,
            "seed {seed}: {:.3} of firms at the bound",
            r.at_bound
        );
    }
}

/// N3: triadic closure makes the clustering. The same seeds with `triadic_share = 0` (every
/// search by proximity) give a clustering lower by more than 3 standard errors of the paired
/// difference, and below 0.15 in every run.
#[test]
fn triadic_closure_raises_clustering() {
    let with = default_runs();
    let without: Vec<Shape> = SEEDS
        .collect::<Vec<_>>()
        .par_iter()
        .map(|&s| shape("[network]\ntriadic_share = 0.0", s))
        .collect();
    let a: Vec<f64> = with.iter().map(|r| r.clustering).collect();
    let b: Vec<f64> = without.iter().map(|r| r.clustering).collect();
    let (diff, se) = common::paired(&a, &b);
    assert!(
        diff > 3.0 * se,
        "clustering with closure minus without: {diff:.4} (se {se:.4})"
    );
    assert!(b.iter().all(|&c| c < 0.15), "without closure: {b:?}");
}

/// N4: the same seed gives the same network, list by list, on 1 and 2 threads.
#[test]
fn the_same_seed_gives_the_same_network_on_one_and_two_threads() {
    let run = |threads: usize| -> Vec<Vec<u32>> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let s = default_with("", 2024);
            let mut world = World::new(&s);
            world.run_until(s.steps(), |_| {});
            let e = world.economy().unwrap();
            (0..e.firms.slots())
                .map(|slot| e.network.partners(slot).to_vec())
                .collect()
        })
    };
    let one = run(1);
    assert!(one.iter().map(Vec::len).sum::<usize>() > 1000);
    assert!(one == run(2), "the networks differ between 1 and 2 threads");
}
