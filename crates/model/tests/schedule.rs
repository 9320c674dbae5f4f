//! The step runs the processes its scenario names, in the order of the schedule, and no other.

use clusterlab_model::scenario::{parse_scenario_text, validate, Limits, Process};
use clusterlab_model::{ProcessTimings, World};

/// The default scenario with `processes` replaced by `names`.
fn world_with(names: &[&str]) -> World {
    let text = include_str!("../../../examples/default.toml");
    let listed = names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let start = text
        .find("processes = [")
        .expect("the default lists its processes");
    let end = start + text[start..].find(']').expect("a closed list");
    let text = format!("{}processes = [{listed}{}", &text[..start], &text[end..]);
    let parsed = parse_scenario_text(&text, "default.toml").unwrap_or_else(|p| panic!("{p}"));
    let scenario = validate(&parsed, None, Limits::default())
        .unwrap_or_else(|p| panic!("{p}"))
        .0;
    World::new(&scenario)
}

/// Every process switched on spends time in a step and every process switched off spends
/// none, for each process alone beside the market and for all together; and what only one
/// process does happens exactly when it is on (so each arm of `run_process` calls its own
/// process): R&D spending with `rnd`, ties with `network` (the network starts empty), entries
/// and exits with `demography`, the mean knowledge moving with `spillover`,
/// `rnd`, `mobility` (hired engineers carry it) or `demography` (entrants and exits), and not
/// with the market, networks, strategies or diffusion alone.
#[test]
fn each_process_named_runs_and_no_other() {
    let mut sets: Vec<Vec<Process>> = Process::ALL
        .into_iter()
        .map(|p| {
            let mut set = vec![Process::Market];
            if p != Process::Market {
                set.push(p);
            }
            set
        })
        .collect();
    sets.push(Process::ALL.to_vec());
    sets.push(vec![Process::Diffusion]);
    for set in sets {
        let names: Vec<&str> = set.iter().map(|p| p.name()).collect();
        let mut world = world_with(&names);
        world.record_timings(true);
        let knowledge_before = world.economy().map(|e| e.indicators(0).knowledge_mean);
        let (mut rd, mut degree, mut turnover) = (0.0, 0.0, 0.0);
        for _ in 0..3 {
            world.step();
            if let Some(e) = world.economy() {
                let i = e.indicators(world.current_step());
                rd += i.rd_spending;
                degree += i.mean_degree;
                turnover += i.entries + i.exits;
            }
        }
        if let Some(e) = world.economy() {
            let on = |p: Process| set.contains(&p);
            assert_eq!(rd > 0.0, on(Process::Rnd), "{names:?}: R&D {rd}");
            assert_eq!(
                degree > 0.0,
                on(Process::Network),
                "{names:?}: degree {degree}"
            );
            assert_eq!(
                turnover > 0.0,
                on(Process::Demography),
                "{names:?}: turnover {turnover}"
            );
            let moved = Some(e.indicators(3).knowledge_mean) != knowledge_before;
            assert_eq!(
                moved,
                on(Process::Spillover)
                    || on(Process::Rnd)
                    || on(Process::Mobility)
                    || on(Process::Demography),
                "{names:?}: knowledge moved {moved}"
            );
        }
        let timings: &ProcessTimings = world.timings().expect("timings were switched on");
        for p in Process::ALL {
            let spent = timings.seconds[1 + p.index()];
            assert_eq!(
                spent > 0.0,
                set.contains(&p),
                "{names:?}: {} spent {spent} s",
                p.name()
            );
        }
        assert_eq!(world.current_step(), 3);
    }
}
