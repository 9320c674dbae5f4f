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

/// Every process switched on spends time in a step (so its line of the schedule dispatches
/// to it) and every process switched off spends none, for each process alone beside the
/// market and for all together.
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
        for _ in 0..3 {
            world.step();
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
