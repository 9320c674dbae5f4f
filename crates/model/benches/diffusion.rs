//! Throughput of the diffusion automaton in cell-updates per second.
//!
//! `cargo bench -p clusterlab-model --bench diffusion [-- SIZE STEPS]`: a `moore` diffusion on a
//! fully occupied SIZE×SIZE grid (default 4096, 20 steps), with all threads and with one,
//! beside the naive reference kernel on a smaller grid, as ratios.

use clusterlab_model::reference::ReferenceWorld;
use clusterlab_model::scenario::{parse_scenario_text, validate, Limits};
use clusterlab_model::{Scenario, TechId, World};
use std::time::Instant;

fn scenario(size: u32, neighbourhood: &str) -> Scenario {
    let text = format!(
        "[region]\nwidth = {size}\nheight = {size}\n[diffusion]\nneighbourhood = \"{neighbourhood}\"\n[[technology]]\np = 0.0005\nq = 0.1\n"
    );
    let parsed = parse_scenario_text(&text, "bench").unwrap();
    validate(&parsed, None, Limits::default()).unwrap().0
}

/// Best of `repeats` timings of `steps` steps, in cell-updates per second.
fn measure(s: &Scenario, steps: u32, threads: usize, repeats: usize) -> (f64, u64) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let cells = f64::from(s.region().width) * f64::from(s.region().height);
    let mut best = 0.0f64;
    let mut adopters = 0;
    for _ in 0..repeats {
        let mut world = World::new(s);
        let start = Instant::now();
        pool.install(|| world.run_until(steps, |_| {}));
        let rate = cells * f64::from(steps) / start.elapsed().as_secs_f64();
        best = best.max(rate);
        adopters = world.adopters(TechId(0));
    }
    (best, adopters)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let size: u32 = args.first().and_then(|a| a.parse().ok()).unwrap_or(4096);
    let steps: u32 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(20);
    let threads = rayon::current_num_threads();
    println!("diffusion benchmark: moore, {size}x{size}, fully occupied, {steps} steps");
    for neighbourhood in ["moore", "von-neumann", "radius:3", "global"] {
        let s = scenario(size, neighbourhood);
        let (all, adopters) = measure(&s, steps, threads, 3);
        let (one, _) = measure(&s, steps, 1, 2);
        println!(
            "{neighbourhood:>12}: {all:.3e} cell-updates/s on {threads} threads, {one:.3e} on 1 (x{:.2}); {adopters} adopters",
            all / one
        );
    }
    // The naive reference loop, on a smaller grid (it is slow).
    let small = scenario(512, "moore");
    let (fast, _) = measure(&small, 10, 1, 3);
    let mut world = World::new(&small);
    let mut reference = ReferenceWorld::from_world(&world);
    let start = Instant::now();
    for _ in 0..10 {
        reference.step();
    }
    let naive = 512.0 * 512.0 * 10.0 / start.elapsed().as_secs_f64();
    world.run_until(10, |_| {});
    assert_eq!(world.adopters(TechId(0)), reference.adopters(TechId(0)));
    println!("naive reference loop (moore, 512x512, 1 thread): {naive:.3e} cell-updates/s; fast kernel 1 thread {fast:.3e} = x{:.1}", fast / naive);
}
