//! Throughput of the whole cluster economy in firm-steps per second.
//!
//! `cargo bench -p clusterlab-model --bench economy [-- FIRMS STEPS]` (defaults 1,000,000 and
//! 10): every process of the step on a region half occupied by FIRMS firms, with the bundled
//! default's parameters (two research bodies, an intermediary, three technologies). It reports
//! the time to build the world, firm-steps per second over the steps, the seconds per process,
//! and the process's peak resident memory. Lines starting `RESULT` are read by `bench/run.sh`.

use clusterlab_model::scenario::{parse_scenario_text, validate, Limits};
use clusterlab_model::{ProcessTimings, World};
use std::time::Instant;

fn peak_resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? * 1024)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let firms: f64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(1e6);
    let steps: u32 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let side = (2.0 * firms).sqrt().round() as u32;
    let default = include_str!("../../../examples/default.toml");
    // The default scenario's parameters on a larger region; places scaled with it.
    let text = default
        .replace("width = 100", &format!("width = {side}"))
        .replace("height = 60", &format!("height = {side}"))
        .replace("seed_adopters = 30", "seed_adopters = 3000")
        .replace("seed_adopters = 10", "seed_adopters = 1000")
        .replace("seed_adopters = 5", "seed_adopters = 500")
        .replace("steps = 200", &format!("steps = {steps}"))
        // The markets grow with the cluster: the default's size per firm.
        .replace("size = 6000.0", &format!("size = {}", 2.0 * firms))
        .replace(
            "export_size = 80000.0",
            &format!("export_size = {}", 26.0 * firms),
        );
    let parsed = parse_scenario_text(&text, "bench").unwrap_or_else(|p| panic!("{p}"));
    let scenario = validate(&parsed, None, Limits::default())
        .unwrap_or_else(|p| panic!("{p}"))
        .0;

    let start = Instant::now();
    let mut world = World::new(&scenario);
    let build = start.elapsed().as_secs_f64();
    let n = world.n_firms() as f64;
    world.record_timings(true);
    let start = Instant::now();
    let mut firm_steps = 0.0;
    for _ in 0..steps {
        world.step();
        firm_steps += world.n_firms() as f64;
    }
    let seconds = start.elapsed().as_secs_f64();
    let rate = firm_steps / seconds;
    println!(
        "cluster economy: {n:.0} firms on {side}x{side}, every process, {steps} steps, {} threads",
        rayon::current_num_threads()
    );
    println!("  building the world: {build:.2} s");
    println!(
        "  stepping: {:.1} ms a step, {rate:.3e} firm-steps/s",
        1e3 * seconds / f64::from(steps)
    );
    if let Some(timings) = world.timings() {
        for (name, s) in ProcessTimings::NAMES.iter().zip(timings.seconds) {
            println!(
                "    {name:<12} {:>7.1} ms a step",
                1e3 * s / f64::from(steps)
            );
        }
    }
    if let Some(peak) = peak_resident_bytes() {
        println!("  peak resident memory: {:.0} MiB", peak as f64 / 1048576.0);
        println!("RESULT peak-bytes {peak}");
    }
    println!("RESULT firm-steps {rate:.4e}");
}
