//! Several regions and migrating firms (issue 8): accounting every step, an incentive that
//! draws core firms in and the flows reversing when it ends. `docs/validation.md`.

use clusterlab_model::regions::{check_regions, Regions, RegionsFile};
use clusterlab_model::scenario::{parse_scenario_text, validate, Limits};
use clusterlab_model::Scenario;

const REGION: &str = r#"
steps = 90
processes = ["market", "rnd", "spillover", "mobility", "network", "diffusion", "demography"]
[region]
width = 30
height = 30
[firms]
density = 0.4
capital = { min = 20.0, max = 40.0 }
[[technology]]
id = "cnc"
cost_gain = 0.1
p = 0.002
q = 0.1
seed_adopters = 3
"#;

const FILE: &str = r#"
seed = 3
steps = 90
[[region]]
id = "north"
scenario = "r.toml"
[[region]]
id = "south"
scenario = "r.toml"
x = 10.0
[migration]
rate = 0.05
classes = ["leaders"]
moving_cost = 0.2
scale = 8.0
groundings = 0.0
market = 2.0
agglomeration = 0.0
cost = 0.0
[[incentive]]
region = "south"
bonus = 1.0
start = 30
end = 60
"#;

fn scenario(seed: u64) -> Scenario {
    let parsed = parse_scenario_text(&format!("seed = {seed}\n{REGION}"), "r.toml").unwrap();
    validate(&parsed, None, Limits::default()).unwrap().0
}

fn regions(text: &str) -> Regions {
    let file: RegionsFile = toml::from_str(text).unwrap();
    let (migration, incentives) = check_regions(&file).unwrap();
    let list = file
        .regions
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), (r.x, r.y), scenario(file.seed + i as u64)))
        .collect();
    Regions::new(list, migration, incentives, file.seed)
}

/// Every firm is in one region, and per region, every step: firms = initial + entries − exits
/// + in-migrants − out-migrants.
#[test]
fn every_firm_is_accounted_for() {
    let mut r = regions(FILE);
    let mut moved = 0;
    for _ in 0..90 {
        r.step();
        for region in &r.regions {
            let e = region.world.economy().unwrap();
            let expected = region.initial_firms as i64 + e.total_entries() as i64
                - e.total_exits() as i64
                + region.moved_in as i64
                - region.moved_out as i64;
            assert_eq!(
                region.world.n_firms() as i64,
                expected,
                "{} at step {}",
                region.id,
                r.current_step()
            );
            assert_eq!(e.n_firms() as u64, region.world.n_firms());
            moved += region.flows[0].iter().sum::<u64>();
        }
    }
    assert!(moved > 0, "some firms moved");
}

/// The incentive in the south (steps 30–59) draws leaders from the north; once it ends, the
/// south's crowded market sends them back: net leader inflow to the south is positive during
/// the incentive and negative after it.
#[test]
fn an_incentive_draws_core_firms_and_the_flow_reverses_after() {
    let mut r = regions(FILE);
    let (mut during, mut after) = (0i64, 0i64);
    for _ in 0..90 {
        r.step();
        let t = r.current_step();
        let south = &r.regions[1];
        let net = south.flows[0][0] as i64 - south.flows[1][0] as i64;
        if (31..=60).contains(&t) {
            during += net;
        } else if t > 60 {
            after += net;
        }
    }
    eprintln!("net leader inflow to the south: during {during}, after {after}");
    assert!(during > 0, "during the incentive: {during}");
    assert!(after < 0, "after it: {after}");
}

/// Bad regions files: an incentive for a region that does not exist, repeated ids.
#[test]
fn bad_regions_files_are_refused() {
    let bad = FILE
        .replace("region = \"south\"", "region = \"sout\"")
        .replace("id = \"south\"", "id = \"north\"");
    let file: RegionsFile = toml::from_str(&bad).unwrap();
    let problems = check_regions(&file).unwrap_err();
    let text: Vec<String> = problems.iter().map(|(f, m)| format!("{f}: {m}")).collect();
    assert!(
        text.iter()
            .any(|l| l.starts_with("region[1].id: `north` is the id of an earlier region")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|l| l.starts_with("incentive[0].region: no region `sout`")),
        "{text:?}"
    );
}

/// Trade across regions with a distance cost: two regions close together sell on each other's
/// markets, so each region's own firms sell less at home (imports take a share of its demand);
/// far apart (the delivered price above the choke price) they do not trade at all.
#[test]
fn regions_trade_with_a_distance_cost() {
    use clusterlab_model::regions::Trade;
    let run = |x: f64| {
        let text = FILE
            .replace("x = 10.0", &format!("x = {x}"))
            .replace("rate = 0.05", "rate = 0.0");
        let mut r = regions(&text).with_trade(Trade {
            base: 0.5,
            per_distance: 0.05,
        });
        let mut home_sales = 0.0;
        for _ in 0..40 {
            r.step();
            home_sales += r.regions[0]
                .world
                .economy()
                .unwrap()
                .observe(r.current_step())
                .indicators
                .output_local;
        }
        (home_sales / 40.0, r.regions[0].traded, r.regions[1].traded)
    };
    let (near_home, near_a, near_b) = run(1.0);
    let (far_home, far_a, far_b) = run(1000.0);
    assert!(
        near_a.0 > 0.0 && near_a.1 > 0.0 && near_b.0 > 0.0,
        "{near_a:?} {near_b:?}"
    );
    assert_eq!((far_a, far_b), ((0.0, 0.0), (0.0, 0.0)));
    assert!(near_home < far_home, "{near_home} vs {far_home}");
    // What one region imports, the other exports.
    assert!((near_a.1 - near_b.0).abs() < 1e-6 * near_a.1);
}

/// Ties move with the firm: without any tie formed abroad, a mover's partners at home become
/// its ties across regions. With ties abroad, knowledge flows from the stronger region: the
/// weaker one learns (the same seeds without ties learn nothing abroad).
#[test]
fn ties_move_with_movers_and_carry_knowledge_across_regions() {
    use clusterlab_model::regions::CrossTies;
    let quiet = CrossTies {
        formation: 0.0,
        distance_scale: 100.0,
        learning: 0.05,
        decay: 0.0,
    };
    let mut r = regions(FILE).with_cross_ties(quiet);
    for _ in 0..60 {
        r.step();
    }
    let moved: u64 = r.regions.iter().map(|g| g.moved_in).sum();
    assert!(moved > 0);
    assert!(!r.ties.is_empty(), "movers kept their ties");
    // Carried ties link the mover abroad to its old partners (both may since have moved).
    assert!(
        r.ties.iter().any(|(a, b)| a.0 != b.0),
        "a carried tie links two regions"
    );
    let open = CrossTies {
        formation: 0.05,
        distance_scale: 100.0,
        learning: 0.05,
        decay: 0.02,
    };
    let still = FILE.replace("rate = 0.05", "rate = 0.0");
    let mut with = regions(&still).with_cross_ties(open);
    let mut without = regions(&still);
    for _ in 0..40 {
        with.step();
        without.step();
    }
    let learned: f64 = with.regions.iter().map(|g| g.learned_abroad).sum();
    assert!(learned > 0.0 && !with.ties.is_empty());
    assert_eq!(
        without
            .regions
            .iter()
            .map(|g| g.learned_abroad)
            .sum::<f64>(),
        0.0
    );
}
