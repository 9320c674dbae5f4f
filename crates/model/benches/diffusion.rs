//! Throughput of the diffusion automaton in cell-updates per second.
//!
//! `cargo bench -p clusterlab-model --bench diffusion [-- SIZE STEPS]` (defaults 4096, 20): a
//! diffusion on a fully occupied SIZE×SIZE bounded grid, p = 0.0005, q = 0.1 — per
//! neighbourhood on all threads and on one, per compilation of the kernel, and beside the
//! naive reference loop. Timings are the best of three and exclude building the world.
//! Lines starting `RESULT` are read by `bench/run.sh`.

use clusterlab_model::diffusion::KernelPath;
use clusterlab_model::reference::ReferenceWorld;
use clusterlab_model::scenario::{parse_scenario_text, validate, Limits};
use clusterlab_model::{Scenario, TechId, World};
use std::time::Instant;

fn scenario(size: u32, neighbourhood: &str) -> Scenario {
    scenario_with_capacity(size, neighbourhood, "1.0")
}

fn scenario_with_capacity(size: u32, neighbourhood: &str, capacity: &str) -> Scenario {
    let text = format!(
        "[region]\nwidth = {size}\nheight = {size}\n[firms]\nabsorptive_capacity = {capacity}\n[diffusion]\nneighbourhood = \"{neighbourhood}\"\n[[technology]]\np = 0.0005\nq = 0.1\n"
    );
    let parsed = parse_scenario_text(&text, "bench").unwrap();
    validate(&parsed, None, Limits::default()).unwrap().0
}

/// Best of `repeats` timings of `steps` steps, in cell-updates per second, and the adopters.
fn measure(
    s: &Scenario,
    steps: u32,
    threads: usize,
    path: KernelPath,
    repeats: usize,
) -> (f64, u64) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let cells = f64::from(s.region().width) * f64::from(s.region().height);
    let mut best = 0.0f64;
    let mut adopters = 0;
    for _ in 0..repeats {
        let mut world = World::new(s);
        assert!(world.use_kernel_path(path));
        let start = Instant::now();
        pool.install(|| world.run_until(steps, |_| {}));
        best = best.max(cells * f64::from(steps) / start.elapsed().as_secs_f64());
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
    let best = KernelPath::best();
    println!(
        "diffusion automaton: {size}x{size} fully occupied, {steps} steps, kernel {best:?}, {threads} threads"
    );
    for neighbourhood in ["moore", "von-neumann", "radius:3", "global"] {
        let s = scenario(size, neighbourhood);
        let (all, adopters) = measure(&s, steps, threads, best, 3);
        let (one, _) = measure(&s, steps, 1, best, 2);
        println!(
            "{neighbourhood:>12}: {all:.3e} cell-updates/s on {threads} threads, {one:.3e} on 1 (x{:.2}); {adopters} adopters",
            all / one
        );
        println!("RESULT {neighbourhood} {all:.4e}");
    }
    let differing = scenario_with_capacity(size, "moore", "{ min = 0.4, max = 1.0 }");
    let (rate, _) = measure(&differing, steps, threads, best, 3);
    println!(
        "moore, capacities drawn from [0.4, 1]: {rate:.3e} cell-updates/s on {threads} threads"
    );
    println!("RESULT moore-capacities {rate:.4e}");
    let moore = scenario(size, "moore");
    let portable = measure(&moore, steps, threads, KernelPath::Portable, 2).0;
    for path in [KernelPath::Portable, KernelPath::Avx2, KernelPath::Avx512] {
        if path.is_supported() {
            let (rate, _) = measure(&moore, steps, threads, path, 2);
            println!(
                "moore, kernel {path:?}: {rate:.3e} cell-updates/s (x{:.2} the portable build)",
                rate / portable
            );
        }
    }
    // The naive reference loop, on a smaller grid (it is slow), beside the fast kernel.
    let small = scenario(512, "moore");
    let (fast, _) = measure(&small, 10, 1, best, 3);
    let mut world = World::new(&small);
    let mut reference = ReferenceWorld::from_world(&world);
    let start = Instant::now();
    for _ in 0..10 {
        reference.step();
    }
    let naive = 512.0 * 512.0 * 10.0 / start.elapsed().as_secs_f64();
    world.run_until(10, |_| {});
    assert_eq!(world.adopters(TechId(0)), reference.adopters(TechId(0)));
    println!(
        "moore 512x512 on 1 thread: naive reference loop {naive:.3e} cell-updates/s, fast kernel {fast:.3e} (x{:.1})",
        fast / naive
    );
    println!("RESULT naive {naive:.4e}");
    println!("RESULT fast-512 {fast:.4e}");
}
