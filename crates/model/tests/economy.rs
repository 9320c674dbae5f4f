//! The cluster economy against the facts the field reports (`docs/validation.md`, E1–E7).
//!
//! Stochastic claims are seeded Monte-Carlo comparisons: each condition is run over several
//! seeds, and the difference of the means must exceed three standard errors of that
//! difference, the standard errors estimated from the replications themselves.

use clusterlab_model::economy::firms::FirmClass;
use clusterlab_model::scenario::{parse_scenario_text, validate, FirmCsv, Limits};
use clusterlab_model::{Scenario, TechId, World};

fn scenario_with(toml: &str, csv: Option<&str>) -> Scenario {
    let parsed = parse_scenario_text(toml, "test.toml").unwrap_or_else(|p| panic!("{p}"));
    let csv = csv.map(|text| {
        Ok(FirmCsv {
            source: "firms.csv",
            text,
        })
    });
    validate(&parsed, csv, Limits::default())
        .unwrap_or_else(|p| panic!("{p}"))
        .0
}

fn scenario(toml: &str) -> Scenario {
    scenario_with(toml, None)
}

/// Mean and standard error of the mean.
fn mean_se(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// Asserts `a` exceeds `b` by more than three standard errors of the difference.
fn assert_greater(what: &str, a: &[f64], b: &[f64]) {
    let ((ma, sa), (mb, sb)) = (mean_se(a), mean_se(b));
    let se = (sa * sa + sb * sb).sqrt();
    assert!(
        ma - mb > 3.0 * se,
        "{what}: {ma:.5} (se {sa:.5}) is not above {mb:.5} (se {sb:.5}) by 3 se of the difference"
    );
}

/// E1: identical firms share the local market equally: each sets the Atkeson–Burstein price
/// `p = c/(1 − L)`, `L = 1/(σ − (σ − η)/n)`, the cluster sells `D = S(a − p)`, each firm `D/n`
/// (its capacity was planned with room to spare), and its operating profit is
/// `(p − c)·D/n − F − δθc·Q`; shares stay equal and sum to one.
#[test]
fn identical_firms_share_the_market_at_the_nested_ces_price() {
    let s = scenario(
        r#"
        steps = 1
        processes = ["market"]
        [region]
        width = 20
        height = 10
        [firms]
        knowledge = 1.0
        [production]
        cost_ceiling = 12.0
        cost_floor = 4.0
        learning_elasticity = 0.5
        efficiency_dispersion = 0.0
        [market]
        initial_appeal_dispersion = 0.0
        choke_price = 20.0
        size = 400.0
        substitution = 4.0
        demand_elasticity = 1.5
        export_size = 0.0
        [[technology]]
        p = 0.0
        seed_adopters = 1
        "#,
    );
    let mut world = World::new(&s);
    let e = world.economy().unwrap();
    let capacity: Vec<f64> = e
        .firms
        .live()
        .map(|s| e.firms.production_capacity[s])
        .collect();
    world.step();
    let e = world.economy().unwrap();
    let n = 200.0;
    let c = 4.0 + 8.0 * (-0.5f64).exp();
    let margin = 1.0 / (4.0 - 2.5 / n);
    let price = c / (1.0 - margin);
    let demand = 400.0 * (20.0 - price);
    assert!((e.stats.price_local - price).abs() < 1e-9);
    assert!((e.stats.output_local - demand).abs() < 1e-6);
    let (fixed, wear) = (4.0, 0.025 * 8.0 * c);
    for (i, slot) in e.firms.live().enumerate() {
        assert!((e.firms.share[slot] - 1.0 / n).abs() < 1e-12);
        assert!((e.firms.output_local[slot] - demand / n).abs() < 1e-9);
        assert!(capacity[i] > demand / n, "room to spare at the start");
        let profit = (price - c) * demand / n - fixed - wear * capacity[i];
        assert!(
            (e.firms.profit[slot] - profit).abs() < 1e-9,
            "{} vs {profit}",
            e.firms.profit[slot]
        );
    }
    assert_eq!(e.stats.output_export, 0.0);
}

/// E1 with different costs: every firm sells (differentiated products: nobody is priced out),
/// shares start at the CES shares `p^{1−σ}/Σ p^{1−σ}` and move toward the step's CES shares by
/// `χ`, margins rise with share, and the cheaper firm sells more on both markets.
#[test]
fn different_costs_give_different_shares_and_every_firm_sells() {
    let knowledge = [0.0, 0.2, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 8.0];
    let mut csv = String::from("x,y,knowledge\n");
    for (i, k) in knowledge.iter().enumerate() {
        csv.push_str(&format!("{i},0,{k}\n"));
    }
    let s = scenario_with(
        r#"
        steps = 1
        processes = ["market"]
        [region]
        width = 10
        height = 1
        [firms]
        csv = "firms.csv"
        [production]
        efficiency_dispersion = 0.0
        [market]
        initial_appeal_dispersion = 0.0
        choke_price = 20.0
        size = 10.0
        selection = 0.5
        appeal_volatility = 0.0
        export_size = 100.0
        world_rivals = 10.0
        trade_cost = 1.0
        "#,
        Some(&csv),
    );
    let mut world = World::new(&s);
    let cost = |k: f64| 4.0 + 8.0 * (-0.5 * k).exp();
    let sigma = 4.0;
    let weight = |k: f64| (cost(k) * sigma / (sigma - 1.0)).powf(1.0 - sigma);
    let total: f64 = knowledge.iter().map(|&k| weight(k)).sum();
    {
        let e = world.economy().unwrap();
        for (i, &k) in knowledge.iter().enumerate() {
            let slot = e.firm_at(i as u32).unwrap();
            assert!(
                (e.firms.share[slot] - weight(k) / total).abs() < 1e-12,
                "firm {i}"
            );
        }
    }
    world.step();
    let e = world.economy().unwrap();
    let slots: Vec<usize> = (0..10).map(|i| e.firm_at(i as u32).unwrap()).collect();
    for w in slots.windows(2) {
        let (a, b) = (w[0], w[1]);
        assert!(e.firms.unit_cost[a] > e.firms.unit_cost[b]);
        assert!(e.firms.output_local[a] > 0.0, "every firm sells");
        assert!(e.firms.output_local[a] < e.firms.output_local[b]);
        assert!(e.firms.output_export[a] < e.firms.output_export[b]);
        let margin = |s: usize| (e.firms.price[s] - e.firms.unit_cost[s]) / e.firms.price[s];
        assert!(margin(a) < margin(b), "margins rise with share");
    }
    // The share update: s' = (1 − χ) s + χ w/Σw with w = p^{1−σ}(1 − u)^ω.
    let prices: Vec<f64> = slots.iter().map(|&s| e.firms.price[s]).collect();
    let w: Vec<f64> = slots
        .iter()
        .zip(&prices)
        .map(|(&s, p)| p.powf(1.0 - sigma) * (1.0 - e.firms.unfilled[s]))
        .collect();
    let sum: f64 = w.iter().sum();
    for (i, &k) in knowledge.iter().enumerate() {
        let want = 0.5 * weight(k) / total + 0.5 * w[i] / sum;
        assert!((e.firms.share[slots[i]] - want).abs() < 1e-12, "firm {i}");
    }
}

const CLUSTER: &str = r#"
steps = 60
processes = ["market", "rnd", "spillover", "mobility", "network", "diffusion", "demography"]
[region]
width = 40
height = 30
[firms]
density = 0.6
absorptive_capacity = { min = 0.3, max = 0.8 }
knowledge = { min = 0.2, max = 3.0 }
capital = { min = 2.0, max = 10.0 }
openness = { min = 0.2, max = 0.8 }
[market]
size = 1400.0
[demography]
spinoff_rate = 0.05
[[technology]]
id = "cnc"
group = "core"
cost_gain = 0.1
p = 0.005
q = 0.15
seed_adopters = 5
[[research_body]]
x = 10
y = 10
[[intermediary]]
x = 30
y = 20
reach = 8
"#;

/// E2 (accounting): at every step, firms alive = initial + entries − exits; the grid, the
/// economy and the world agree on who is where; classes partition the firms; shares lie in
/// [0, 1] and a group's shares sum to at most 1.
#[test]
fn accounting_holds_every_step() {
    for seed in 0..3 {
        let s = scenario(CLUSTER).with_seed(seed);
        let mut world = World::new(&s);
        let initial = world.economy().unwrap().n_firms() as u64;
        let (mut entries, mut exits) = (0, 0);
        for _ in 0..60 {
            world.step();
            let e = world.economy().unwrap();
            entries += e.stats.entries;
            exits += e.stats.exits;
            let alive = e.n_firms() as u64;
            assert_eq!(alive, initial + entries - exits);
            assert_eq!((e.total_entries(), e.total_exits()), (entries, exits));
            assert_eq!(world.n_firms(), alive);
            let grid = world.grid();
            let on_grid = (0..grid.height())
                .flat_map(|y| (0..grid.width()).map(move |x| (x, y)))
                .filter(|&(x, y)| world.has_firm(x, y))
                .count() as u64;
            assert_eq!(on_grid, alive, "every firm on exactly one cell");
            for slot in e.firms.live() {
                assert_eq!(e.firm_at(e.firms.cell[slot]), Some(slot));
                assert!(e.firms.unit_cost[slot] > 0.0, "a live firm has a unit cost");
                for &p in e.network.partners(slot) {
                    assert!(e.firms.alive[p as usize], "no tie to a firm that left");
                    assert!(e.network.tied(p as usize, slot), "ties are symmetric");
                }
            }
            assert_eq!(e.class_counts().iter().sum::<u64>(), alive);
            let mut group_share = 0.0;
            for k in 0..world.technologies().len() {
                let share = world.adoption_share(TechId(k));
                assert!((0.0..=1.0).contains(&share));
                if world.technologies()[k].group == "core" {
                    group_share += share;
                }
            }
            assert!(group_share <= 1.0 + 1e-12);
        }
        assert!(
            entries > 0 && exits > 0,
            "seed {seed}: the run must exercise entry and exit"
        );
    }
}

/// How much the standard deviation of knowledge fell over `steps` steps of `toml`.
fn dispersion_drop(toml: &str, seed: u64, steps: u32) -> f64 {
    let mut world = World::new(&scenario(toml).with_seed(seed));
    let sd = |w: &World| {
        let e = w.economy().unwrap();
        let k: Vec<f64> = e.firms.live().map(|s| e.firms.knowledge[s]).collect();
        mean_se(&k).1 * (k.len() as f64).sqrt()
    };
    let before = sd(&world);
    world.run_until(steps, |_| {});
    before - sd(&world)
}

/// E3: stronger spillover makes laggards catch up faster — the spread (standard deviation) of
/// knowledge falls faster. With spillover only, knowledge changes only by learning.
#[test]
fn stronger_spillover_makes_laggards_catch_up_faster() {
    let base = r#"
        steps = 20
        processes = ["spillover"]
        [region]
        width = 40
        height = 40
        [firms]
        density = 0.7
        knowledge = { min = 0.2, max = 4.0 }
        absorptive_capacity = { min = 0.3, max = 0.9 }
        "#;
    let weak = format!("{base}\n[spillover]\nstrength = 0.02\n");
    let strong = format!("{base}\n[spillover]\nstrength = 0.10\n");
    let drops =
        |toml: &str| -> Vec<f64> { (0..6).map(|seed| dispersion_drop(toml, seed, 20)).collect() };
    assert_greater(
        "fall of knowledge dispersion",
        &drops(&strong),
        &drops(&weak),
    );
}

/// Mean R&D intensity over the firms after one step of market and R&D.
fn mean_rd_intensity(toml: &str, seed: u64) -> f64 {
    let mut world = World::new(&scenario(toml).with_seed(seed));
    world.step();
    let e = world.economy().unwrap();
    let rd: Vec<f64> = e.firms.live().map(|s| e.firms.rd_intensity[s]).collect();
    mean_se(&rd).0
}

/// E4: more rivals raise R&D intensity (Porter): the same firms packed densely, with more
/// close rivals each, invest a larger share of their profit.
#[test]
fn more_rivals_raise_rd_intensity() {
    let cluster = |density: f64, side: u32| {
        format!(
            r#"
            processes = ["market", "rnd"]
            [region]
            width = {side}
            height = {side}
            [firms]
            density = {density}
            knowledge = {{ min = 1.0, max = 1.5 }}
            rd_intensity = 0.1
            "#
        )
    };
    // About 1,400 firms either way.
    let dense = cluster(0.9, 40);
    let sparse = cluster(0.2, 84);
    let dense: Vec<f64> = (0..6).map(|s| mean_rd_intensity(&dense, s)).collect();
    let sparse: Vec<f64> = (0..6).map(|s| mean_rd_intensity(&sparse, s)).collect();
    assert_greater("mean R&D intensity", &dense, &sparse);
}

/// E5: learning peaks at intermediate cognitive distance (Nooteboom). Isolated pairs of a
/// learner (knowledge 0) and a teacher (knowledge 10), the learner's knowledge position at a
/// different distance from the teacher's in each pair: after one step of spillover the gain
/// is largest at the optimal distance and smaller both closer and farther.
#[test]
fn learning_peaks_at_intermediate_cognitive_distance() {
    let distances: Vec<f64> = (1..=12).map(|i| 0.04 * f64::from(i)).collect();
    let mut csv = String::from("x,y,knowledge,position,openness,absorptive_capacity\n");
    for (i, d) in distances.iter().enumerate() {
        let x = 4 * i;
        csv.push_str(&format!(
            "{x},0,0.0,{d},1.0,1.0\n{},0,10.0,0.0,1.0,1.0\n",
            x + 1
        ));
    }
    let s = scenario_with(
        r#"
        steps = 1
        processes = ["spillover"]
        [region]
        width = 48
        height = 1
        [firms]
        csv = "firms.csv"
        [spillover]
        radius = 1
        optimal_distance = 0.25
        capacity_rd = 0.0
        "#,
        Some(&csv),
    );
    let mut world = World::new(&s);
    world.step();
    let e = world.economy().unwrap();
    let gains: Vec<f64> = (0..distances.len())
        .map(|i| e.firms.knowledge[e.firm_at((4 * i) as u32).unwrap()])
        .collect();
    let best = (0..gains.len())
        .max_by(|&a, &b| gains[a].total_cmp(&gains[b]))
        .unwrap();
    assert!(
        (distances[best] - 0.25).abs() < 0.021,
        "peak at {} ({gains:?})",
        distances[best]
    );
    assert!(gains[0] < gains[best] && gains[11] < gains[best]);
    // Rising before the optimum, falling after it.
    assert!(gains[..=best].windows(2).all(|w| w[0] <= w[1]));
    assert!(gains[best..].windows(2).all(|w| w[0] >= w[1]));
}

/// Network density and the adoption share at the end of a run.
fn density_and_share(toml: &str, seed: u64) -> (f64, f64) {
    let s = scenario(toml).with_seed(seed);
    let mut world = World::new(&s);
    world.run_until(s.steps(), |_| {});
    let e = world.economy().unwrap();
    (
        e.indicators(world.current_step()).network_density,
        world.adoption_share(TechId(0)),
    )
}

const BROKERED: &str = r#"
    steps = 25
    processes = ["spillover", "network", "diffusion"]
    [region]
    width = 40
    height = 40
    [firms]
    density = 0.6
    [network]
    formation = 0.05
    [[technology]]
    p = 0.002
    q = 0.1
    seed_adopters = 5
    "#;

fn with_intermediaries(tie_boost: f64, relay: u32) -> String {
    let mut toml = BROKERED.to_string();
    for (x, y) in [(10, 10), (30, 10), (10, 30), (30, 30)] {
        toml.push_str(&format!(
            "[[intermediary]]\nx = {x}\ny = {y}\nreach = 12\ntie_boost = {tie_boost}\nrelay = {relay}\n"
        ));
    }
    toml
}

/// E6: removing intermediaries lowers network density and slows diffusion. Both channels are
/// tested on their own, at step 25 while the technology is still spreading: intermediaries
/// that only broker ties (relay 0) raise density, and the denser network alone spreads the
/// technology faster (partners are contacts beyond the neighbourhood); intermediaries that only
/// relay (no tie boost) speed diffusion without changing the network.
#[test]
fn removing_intermediaries_lowers_density_and_slows_diffusion() {
    let runs = |toml: &str| -> (Vec<f64>, Vec<f64>) {
        (0..16).map(|seed| density_and_share(toml, seed)).unzip()
    };
    let (density_none, share_none) = runs(BROKERED);
    let (density_brokers, share_brokers) = runs(&with_intermediaries(2.0, 0));
    let (_, share_relays) = runs(&with_intermediaries(0.0, 1));
    assert_greater(
        "network density with brokering",
        &density_brokers,
        &density_none,
    );
    assert_greater(
        "adoption share with brokering alone",
        &share_brokers,
        &share_none,
    );
    assert_greater(
        "adoption share with relaying alone",
        &share_relays,
        &share_none,
    );
}

/// Innovations per firm and step over a run.
fn innovation_rate(toml: &str, seed: u64) -> f64 {
    let s = scenario(toml).with_seed(seed);
    let mut world = World::new(&s);
    let (mut innovations, mut firm_steps) = (0.0, 0.0);
    for _ in 0..s.steps() {
        world.step();
        let e = world.economy().unwrap();
        let row = e.indicators(world.current_step());
        innovations += row.innovations_incremental + row.innovations_radical;
        firm_steps += e.n_firms() as f64;
    }
    innovations / firm_steps
}

/// E7: denser clusters innovate more — the positive feedback of Baptista & Swann (1998): the
/// same number of firms on a smaller region learn from more neighbours, meet more rivals and
/// partners, and innovate more often. The feedback compounds: over the first 30 steps the
/// difference is about 10%, over 100 steps about 80% (measured over 16 seeds).
#[test]
fn denser_clusters_innovate_more() {
    let cluster = |density: f64, side: u32| {
        format!(
            r#"
            steps = 100
            processes = ["market", "rnd", "spillover", "mobility", "network"]
            [region]
            width = {side}
            height = {side}
            [firms]
            density = {density}
            knowledge = {{ min = 0.2, max = 3.0 }}
            absorptive_capacity = {{ min = 0.3, max = 0.8 }}
            capital = 100.0
            "#
        )
    };
    let dense = cluster(0.8, 40);
    let sparse = cluster(0.2, 80);
    let dense: Vec<f64> = (0..8).map(|s| innovation_rate(&dense, s)).collect();
    let sparse: Vec<f64> = (0..8).map(|s| innovation_rate(&sparse, s)).collect();
    assert_greater("innovations per firm and step", &dense, &sparse);
}

/// Classes follow unit cost: every leader is at least as cheap as every laggard.
#[test]
fn classes_follow_unit_cost() {
    let mut world = World::new(&scenario(CLUSTER));
    world.run_until(10, |_| {});
    let e = world.economy().unwrap();
    let costs = |class: FirmClass| -> Vec<f64> {
        e.firms
            .live()
            .filter(|&s| e.firms.class[s] == class)
            .map(|s| e.firms.unit_cost[s])
            .collect()
    };
    let worst_leader = costs(FirmClass::Leader)
        .into_iter()
        .fold(f64::MIN, f64::max);
    let best_laggard = costs(FirmClass::Laggard)
        .into_iter()
        .fold(f64::MAX, f64::min);
    assert!(worst_leader <= best_laggard);
}

/// The economy's results do not depend on the number of threads either.
#[test]
fn the_economy_gives_the_same_result_on_one_and_two_threads() {
    let s = scenario(CLUSTER);
    let run = |threads: usize| -> Vec<Vec<f64>> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let mut world = World::new(&s);
            let mut rows = Vec::new();
            world.run_until(40, |w| {
                let mut row: Vec<f64> = w
                    .economy()
                    .unwrap()
                    .indicators(w.current_step())
                    .values()
                    .collect();
                row.extend((0..w.technologies().len()).map(|k| w.adoption_share(TechId(k))));
                rows.push(row);
            });
            rows
        })
    };
    let one = run(1);
    assert!(one == run(2), "indicators differ between 1 and 2 threads");
}

/// Regression (review of issue 3): a radical technology is seeded at its innovator. Here the
/// innovator (slot 0) makes a radical innovation and exits in the same step, and the other
/// firm's spin-off takes its slot, on another cell: the innovation goes with the firm that
/// made it, and the spin-off, which did no R&D, holds nothing new.
#[test]
fn radical_technologies_are_seeded_at_their_innovators() {
    let s = scenario_with(
        r#"
        steps = 1
        processes = ["market", "rnd", "diffusion", "demography"]
        [region]
        width = 10
        height = 7
        [firms]
        csv = "firms.csv"
        rd_intensity = 0.5
        [production]
        fixed_cost = 20.0
        leader_share = 0.5
        laggard_share = 0.0
        efficiency_dispersion = 0.0
        [market]
        size = 6.0
        export_size = 0.0
        initial_appeal_dispersion = 0.0
        [innovation]
        productivity = 1e6
        minimum_rd = 0.0
        radical_share = 1.0
        [demography]
        spinoff_rate = 1.0
        spinoff_radius = 3
        [[technology]]
        p = 0.0
        seed_cells = [[9, 3]]
        "#,
        Some("x,y,knowledge,capital\n0,3,0.8,5\n9,3,6.0,100\n"),
    );
    let mut world = World::new(&s);
    world.step();
    let e = world.economy().unwrap();
    assert_eq!(
        (e.stats.exits, e.stats.entries),
        (1, 1),
        "the innovator exits, a spin-off enters"
    );
    assert!(!world.has_firm(0, 3));
    let (cx, cy) = (6..10)
        .flat_map(|x| (0..7).map(move |y| (x, y)))
        .find(|&(x, y)| (x, y) != (9, 3) && world.has_firm(x, y))
        .expect("the spin-off settles near its parent");
    assert_eq!(
        e.firm_at((cy * 10 + cx) as u32),
        Some(0),
        "the spin-off took the innovator's slot"
    );
    for (k, t) in world.technologies().iter().enumerate() {
        if t.radical && t.arrival == 1 {
            assert!(
                !world.holds(cx, cy, TechId(k)),
                "{} seeded at the spin-off",
                t.id
            );
        }
    }
    assert_eq!(
        e.stats.innovations_radical, 1,
        "only the survivor's radical innovation counts"
    );
}

/// Issue 4: the diagnosis stays in its ranges every step — GEM factors in 1–10, GEM in
/// 2.5–250, the dynamic factors and subsystem indices in [0, 1].
#[test]
fn the_diagnosis_stays_in_its_ranges() {
    let s = scenario(CLUSTER);
    let mut world = World::new(&s);
    world.run_until(60, |w| {
        let d = w.economy().unwrap().observe(w.current_step()).diagnosis;
        let mut columns = 0;
        d.for_each_column(|name, v| {
            let ok = match name {
                "gem" => (2.5..=250.0).contains(&v),
                _ if name.starts_with("gem_") => (1.0..=10.0).contains(&v),
                _ => (0.0..=1.0).contains(&v),
            };
            assert!(ok, "{name} = {v} at step {}", w.current_step());
            columns += 1;
        });
        assert_eq!(columns, 16);
    });
}

/// Issue 4: the diagnosis reads the cluster's groundings — research bodies raise the
/// resources and infrastructure scores, intermediaries the intermediary index and the
/// auxiliary subsystem.
#[test]
fn groundings_raise_their_scores() {
    let diagnose = |extra: &str| {
        let s = scenario(&format!(
            "processes = [\"market\", \"rnd\", \"spillover\", \"network\"]\n[region]\nwidth = 40\nheight = 40\n[firms]\ndensity = 0.5\n{extra}"
        ));
        let mut world = World::new(&s);
        world.run_until(5, |_| {});
        world.economy().unwrap().observe(5).diagnosis
    };
    let bare = diagnose("");
    let research = diagnose("[[research_body]]\nx = 20\ny = 20\nreach = 15\nknowledge = 20.0\n");
    let brokers = diagnose("[[intermediary]]\nx = 20\ny = 20\nreach = 15\n");
    for (name, research, bare) in [
        ("gem_resources", research.gem_resources, bare.gem_resources),
        (
            "gem_infrastructure",
            research.gem_infrastructure,
            bare.gem_infrastructure,
        ),
    ] {
        assert!(research > bare, "{name}: {research} vs {bare}");
    }
    for (name, brokers, bare) in [
        (
            "intermediary_organisations",
            brokers.intermediary_organisations,
            bare.intermediary_organisations,
        ),
        (
            "auxiliary_dynamics",
            brokers.auxiliary_dynamics,
            bare.auxiliary_dynamics,
        ),
    ] {
        assert!(brokers > bare, "{name}: {brokers} vs {bare}");
    }
}

/// Issue 4: subsystem weights from AHP comparisons: judging knowledge capital far above the
/// others moves the core index toward it.
#[test]
fn ahp_comparisons_weight_the_core_subsystem() {
    let base =
        "processes = [\"market\", \"rnd\", \"spillover\"]\n[region]\nwidth = 30\nheight = 30\n";
    let run = |extra: &str| {
        let mut world = World::new(&scenario(&format!("{base}{extra}")));
        world.run_until(3, |_| {});
        world.economy().unwrap().observe(3).diagnosis
    };
    let equal = run("");
    let judged =
        run("[diagnosis]\ncore_comparisons = [[1, 9, 9], [0.1111111, 1, 1], [0.1111111, 1, 1]]\n");
    // Knowledge capital carries 9/11 of the core's weight: the index sits near it.
    assert!(
        (judged.core_dynamics - judged.knowledge_capital).abs()
            < (equal.core_dynamics - equal.knowledge_capital).abs()
    );
}

/// Issue 4: under `weighting = "entropy"` the subsystem weights at every step are the entropy
/// weights (`mcda::entropy_weights`) of each subsystem's three factors over the steps so far,
/// and the subsystem indices are the weighted sums with them.
#[test]
fn entropy_weighting_follows_the_factors_history() {
    use clusterlab_numerics::mcda::entropy_weights;
    let s = scenario(&format!("{CLUSTER}[diagnosis]\nweighting = \"entropy\"\n"));
    let mut world = World::new(&s);
    let (mut core_rows, mut aux_rows) = (Vec::new(), Vec::new());
    let mut check = |w: &World| {
        let e = w.economy().unwrap();
        let d = e.observe(w.current_step()).diagnosis;
        let core = [d.knowledge_capital, d.coopetition, d.market_demand];
        let aux = [
            d.social_capital,
            d.intermediary_organisations,
            d.local_government,
        ];
        core_rows.push(core.to_vec());
        aux_rows.push(aux.to_vec());
        let (wc, wa) = e.subsystem_weights();
        for (rows, weights) in [(&core_rows, wc), (&aux_rows, wa)] {
            // Columns that are zero throughout carry no information: weight 0.
            let live: Vec<usize> = (0..3)
                .filter(|&j| rows.iter().any(|r| r[j] > 0.0))
                .collect();
            let expected: Vec<f64> = if rows.len() < 2 || live.is_empty() {
                vec![1.0 / 3.0; 3]
            } else {
                let sub: Vec<Vec<f64>> = rows
                    .iter()
                    .map(|r| live.iter().map(|&j| r[j]).collect())
                    .collect();
                let w = entropy_weights(&sub).unwrap();
                let mut full = vec![0.0; 3];
                for (&j, &wj) in live.iter().zip(&w) {
                    full[j] = wj;
                }
                full
            };
            for (a, b) in weights.iter().zip(&expected) {
                assert!(
                    (a - b).abs() < 1e-6,
                    "step {}: {weights:?} vs {expected:?}",
                    w.current_step()
                );
            }
        }
        let sum = |w: [f64; 3], x: [f64; 3]| (0..3).map(|j| w[j] * x[j]).sum::<f64>();
        assert!((d.core_dynamics - sum(wc, core)).abs() < 1e-12);
        assert!((d.auxiliary_dynamics - sum(wa, aux)).abs() < 1e-12);
    };
    check(&world);
    world.run_until(40, &mut check);
    let (wc, _) = world.economy().unwrap().subsystem_weights();
    assert!(
        wc.iter().any(|&w| (w - 1.0 / 3.0).abs() > 0.01),
        "entropy moved the weights: {wc:?}"
    );
}

/// Issue 4: every actor is in one layer: firms core; research bodies and intermediaries
/// auxiliary unless tagged; government and the two markets peripheral. A body tagged core
/// carries its knowledge into the core layer; the linked shares are shares of firms.
#[test]
fn every_actor_is_counted_in_its_layer() {
    let run = |extra: &str| {
        let mut world = World::new(&scenario(&format!("{CLUSTER}{extra}")));
        world.run_until(10, |_| {});
        let e = world.economy().unwrap();
        let l = e.observe(10).layers;
        let firm_knowledge: f64 = e.firms.live().map(|s| e.firms.knowledge[s]).sum();
        let body_knowledge: f64 = e.research.iter().map(|b| b.knowledge).sum();
        (l, e.n_firms() as f64, firm_knowledge, body_knowledge)
    };
    let (l, firms, fk, bk) = run("");
    assert_eq!(l.core_actors, firms);
    assert_eq!(
        l.auxiliary_actors, 2.0,
        "a research body and an intermediary"
    );
    assert_eq!(
        l.peripheral_actors, 3.0,
        "government, local and external market"
    );
    assert!((l.core_knowledge - fk).abs() < 1e-9);
    assert!((l.auxiliary_knowledge - bk).abs() < 1e-9);
    assert_eq!(l.peripheral_knowledge, 0.0);
    for (name, share) in [
        ("core_linked", l.core_linked),
        ("auxiliary_linked", l.auxiliary_linked),
        ("peripheral_linked", l.peripheral_linked),
    ] {
        assert!((0.0..=1.0).contains(&share), "{name} = {share}");
    }
    assert!(l.auxiliary_linked > 0.0);
    // Tag the research body core and the intermediary peripheral.
    let tagged = CLUSTER
        .replace(
            "[[research_body]]\nx = 10",
            "[[research_body]]\nlayer = \"core\"\nx = 10",
        )
        .replace(
            "[[intermediary]]\nx = 30",
            "[[intermediary]]\nlayer = \"peripheral\"\nx = 30",
        );
    let mut world = World::new(&scenario(&tagged));
    world.run_until(10, |_| {});
    let moved = world.economy().unwrap().observe(10).layers;
    assert_eq!(moved.core_actors, firms + 1.0);
    assert_eq!(moved.auxiliary_actors, 0.0);
    assert_eq!(moved.peripheral_actors, 4.0);
    assert!((moved.core_knowledge - fk - bk).abs() < 1e-9);
    assert_eq!(moved.auxiliary_linked, 0.0);
    assert!(moved.core_linked >= l.core_linked);
    assert!(moved.peripheral_linked >= l.peripheral_linked);
}

/// Issue 4: the laggards' adoption of a technology is counted over the firms that were
/// laggards when it arrived and are still in the cluster (an original firm's age equals the
/// steps run), not over today's laggards.
#[test]
fn laggard_adoption_follows_the_laggards_at_arrival() {
    // A technology without a cost gain leaves the step-0 classes as they were at its arrival.
    let text = CLUSTER.replace("cost_gain = 0.1", "cost_gain = 0.0");
    let mut world = World::new(&scenario(&text));
    let at_arrival: Vec<u32> = world.economy().unwrap().laggard_cells().collect();
    assert!(!at_arrival.is_empty());
    let steps = 50;
    world.run_until(steps, |_| {});
    let e = world.economy().unwrap();
    let width = world.grid().width();
    let (mut kept, mut adopting) = (0u32, 0u32);
    for &cell in &at_arrival {
        if let Some(slot) = e.firm_at(cell) {
            if e.firms.age[slot] == steps {
                kept += 1;
                adopting +=
                    u32::from(world.holds(cell as usize % width, cell as usize / width, TechId(0)));
            }
        }
    }
    assert!(
        kept > 0 && (kept as usize) < at_arrival.len(),
        "some laggards exited: {kept} of {}",
        at_arrival.len()
    );
    let expected = f64::from(adopting) / f64::from(kept);
    assert_eq!(world.laggard_adoption(TechId(0)), Some(expected));
}

/// Issue 4: the spatial reach against a brute-force count over every pair of firms, on a
/// bounded region and a torus, for local neighbourhoods; 1 under `global` once anyone adopts.
#[test]
fn spatial_reach_counts_firms_within_reach_of_an_adopter() {
    use clusterlab_model::Neighbourhood;
    for (boundary, hood) in [
        ("bounded", "moore"),
        ("torus", "von-neumann"),
        ("torus", "radius:2"),
    ] {
        let s = scenario(&format!(
            "steps = 6\n[region]\nwidth = 17\nheight = 11\nboundary = \"{boundary}\"\n[firms]\ndensity = 0.4\n[diffusion]\nneighbourhood = \"{hood}\"\n[[technology]]\np = 0.01\nq = 0.3\nseed_adopters = 2\n"
        ));
        let mut world = World::new(&s);
        world.run_until(6, |_| {});
        let (w, h) = (17i64, 11i64);
        let n = Neighbourhood::parse(hood).unwrap();
        let firms: Vec<(i64, i64)> = (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .filter(|&(x, y)| world.has_firm(x as usize, y as usize))
            .collect();
        let holds = |&(x, y): &(i64, i64)| world.holds(x as usize, y as usize, TechId(0));
        let delta = |a: i64, b: i64, m: i64| {
            let d = b - a;
            if boundary == "torus" {
                // The shortest signed offset on the ring.
                let d = d.rem_euclid(m);
                if d > m / 2 {
                    d - m
                } else {
                    d
                }
            } else {
                d
            }
        };
        let reached = firms
            .iter()
            .filter(|a| {
                holds(a)
                    || firms
                        .iter()
                        .any(|b| holds(b) && n.contains(delta(a.0, b.0, w), delta(a.1, b.1, h)))
            })
            .count();
        let expected = reached as f64 / firms.len() as f64;
        assert!(
            (world.spatial_reach(TechId(0)) - expected).abs() < 1e-12,
            "{boundary} {hood}"
        );
        assert!(world.spatial_reach(TechId(0)) >= world.adoption_share(TechId(0)));
    }
    let s = scenario("steps = 3\n[region]\nwidth = 10\nheight = 10\n[diffusion]\nneighbourhood = \"global\"\n[[technology]]\nseed_adopters = 1\n");
    let world = World::new(&s);
    assert_eq!(world.spatial_reach(TechId(0)), 1.0);
}

/// Adoption as an investment (Griliches 1957; Karshenas & Stoneman 1993), at the bundled
/// default's own settings with every process on, over 20 seeds: the ERP system, which costs 60
/// to adopt and saves 5% of unit cost, stops short of some firms (its share at the end is below
/// one in every run), and the firms that never adopt it are the small ones — their mean output
/// below the adopters' by more than three standard errors of the difference across seeds.
#[test]
fn adoption_that_does_not_pay_leaves_small_firms_out() {
    use rayon::prelude::*;
    let text = include_str!("../../../examples/default.toml");
    let runs: Vec<(f64, f64, f64)> = (1..=20u64)
        .into_par_iter()
        .map(|seed| {
            let s = scenario(text).with_seed(seed);
            let mut world = World::new(&s);
            world.run_until(200, |_| {});
            let erp = world
                .technologies()
                .iter()
                .position(|t| t.id == "erp")
                .unwrap();
            let e = world.economy().unwrap();
            let width = world.grid().width();
            let (mut holders, mut others) = (Vec::new(), Vec::new());
            for slot in e.firms.live() {
                let cell = e.firms.cell[slot] as usize;
                let output = e.firms.output_local[slot] + e.firms.output_export[slot];
                if world.holds(cell % width, cell / width, TechId(erp)) {
                    holders.push(output);
                } else {
                    others.push(output);
                }
            }
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
            (
                world.adoption_share(TechId(erp)),
                mean(&holders),
                mean(&others),
            )
        })
        .collect();
    for (share, _, _) in &runs {
        assert!(*share < 1.0 && *share > 0.1, "ERP's share {share}");
    }
    let holders: Vec<f64> = runs.iter().map(|r| r.1).collect();
    let others: Vec<f64> = runs.iter().map(|r| r.2).collect();
    assert_greater(
        "mean output of ERP holders over the others",
        &holders,
        &others,
    );
}

/// E9: entrants learn their product's appeal only once they have entered (Jovanovic 1982;
/// Hopenhayn 1992), at the advanced cluster's own settings with every process on, over 20
/// seeds. An entrant's log appeal at entry is drawn `N(ln(entrant_share) − σ_e²/2, σ_e²)`
/// (its mean and standard deviation within four standard errors of those), and the draw
/// selects: the entrants gone within two years drew a lower appeal than those still there, by
/// more than three standard errors of the difference across seeds.
#[test]
fn entrants_learn_their_appeal_after_entry_and_the_poor_draws_leave() {
    use rayon::prelude::*;
    use std::collections::HashMap;
    let text = include_str!("../../../examples/policy/advanced.toml");
    let base = scenario(text);
    let d = base.economy().demography.clone();
    let sigma = d.entrant_dispersion;
    assert!(
        sigma > 0.0,
        "the advanced cluster's entrants learn their appeal"
    );
    let mean = d.entrant_share.ln() - sigma * sigma / 2.0;
    let runs: Vec<(Vec<f64>, f64, f64)> = (1..=20u64)
        .into_par_iter()
        .map(|seed| {
            let mut world = World::new(&base.clone().with_seed(seed));
            let founders = world.economy().unwrap().firms.next_id;
            // Each entrant's appeal at the end of its entry step (age 1), by firm id.
            let mut drawn: HashMap<u64, (u32, f64)> = HashMap::new();
            let mut gone: HashMap<u64, u32> = HashMap::new();
            let mut alive_before: Vec<u64> = Vec::new();
            world.run_until(120, |w| {
                let e = w.economy().unwrap();
                let f = &e.firms;
                let step = w.current_step();
                let alive: Vec<u64> = f.live().map(|s| f.id[s]).collect();
                for s in f.live().filter(|&s| f.age[s] == 1 && f.id[s] >= founders) {
                    drawn.insert(f.id[s], (step, f.appeal[s]));
                }
                let now: std::collections::HashSet<u64> = alive.iter().copied().collect();
                for id in &alive_before {
                    if !now.contains(id) {
                        gone.insert(*id, step);
                    }
                }
                alive_before = alive;
            });
            let appeals: Vec<f64> = drawn.values().map(|v| v.1).collect();
            // Entrants followed for two years (8 steps): gone by then, or not.
            let (mut early, mut stayed) = (Vec::new(), Vec::new());
            for (id, &(entered, appeal)) in &drawn {
                if entered + 8 > 120 {
                    continue;
                }
                match gone.get(id) {
                    Some(&t) if t <= entered + 8 => early.push(appeal),
                    _ => stayed.push(appeal),
                }
            }
            let m = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
            (appeals, m(&early), m(&stayed))
        })
        .collect();
    let all: Vec<f64> = runs.iter().flat_map(|r| r.0.iter().copied()).collect();
    let n = all.len() as f64;
    assert!(n > 1000.0, "{n} entrants");
    let (m, se) = mean_se(&all);
    let sd = (all.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    assert!(
        (m - mean).abs() < 4.0 * se,
        "entrants' mean log appeal {m:.4} (se {se:.4}), expected {mean:.4}"
    );
    // The sample sd of a normal sample has standard error σ/√(2(n − 1)).
    let sd_se = sigma / (2.0 * (n - 1.0)).sqrt();
    assert!(
        (sd - sigma).abs() < 4.0 * sd_se,
        "entrants' log appeal sd {sd:.4}, expected {sigma} (se {sd_se:.4})"
    );
    let early: Vec<f64> = runs.iter().map(|r| r.1).collect();
    let stayed: Vec<f64> = runs.iter().map(|r| r.2).collect();
    assert_greater(
        "the initial log appeal of entrants still there after two years over those gone",
        &stayed,
        &early,
    );
}

/// The counts of adopters the world keeps (from the automaton's tallies, then by each cell
/// that entry, exit and spin-offs change) are those of the grid after every step, with every
/// process on, a second generation arriving and radical innovations joining.
#[test]
fn adopter_counts_match_the_grid_every_step() {
    let text = include_str!("../../../examples/default.toml");
    for seed in [1, 2] {
        let mut world = World::new(&scenario(text).with_seed(seed));
        let (width, height) = (world.grid().width(), world.grid().height());
        world.run_until(80, |w| {
            for k in 0..w.technologies().len() {
                let held = (0..height)
                    .flat_map(|y| (0..width).map(move |x| (x, y)))
                    .filter(|&(x, y)| w.holds(x, y, TechId(k)))
                    .count() as u64;
                assert_eq!(w.adopters(TechId(k)), held, "seed {seed}, technology {k}");
            }
        });
    }
}

/// E10: Kimball demand (Klenow & Willis 2016; ODD S7) makes margins move with costs and
/// rivalry, at the bundled default's own settings with every process on and
/// `market.superelasticity` 0.64, over 10 seeds paired with the same seeds under CES (0):
/// among the firms selling at step 80, the spread of margins (90th − 10th percentile) is wider
/// than under CES by more than three standard errors of the difference; margins fall with unit
/// cost (Spearman below −0.3 in every run: the cheaper firms are the larger, and price above
/// the typical firm's margin) and rise with market share (Spearman above 0.8: a firm whose
/// rivals take its customers lowers its margin). Under CES, margins sit within 0.002 of `1/σ`.
#[test]
fn kimball_demand_moves_margins_with_costs_and_rivalry() {
    use clusterlab_numerics::firm_dynamics::spearman;
    use rayon::prelude::*;
    let text = include_str!("../../../examples/default.toml");
    let with = |kappa: f64| {
        text.replace(
            "[market]\n",
            &format!("[market]\nsuperelasticity = {kappa}\n"),
        )
    };
    let measure = |toml: &str, seed: u64| {
        let mut world = World::new(&scenario(toml).with_seed(seed));
        world.run_until(80, |_| {});
        let f = &world.economy().unwrap().firms;
        let sellers: Vec<usize> = f.live().filter(|&s| f.output_local[s] > 0.0).collect();
        let margins: Vec<f64> = sellers
            .iter()
            .map(|&s| (f.price[s] - f.unit_cost[s]) / f.price[s])
            .collect();
        let costs: Vec<f64> = sellers.iter().map(|&s| f.unit_cost[s]).collect();
        let shares: Vec<f64> = sellers.iter().map(|&s| f.share[s]).collect();
        let mut sorted = margins.clone();
        sorted.sort_by(f64::total_cmp);
        let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
        (
            at(0.9) - at(0.1),
            spearman(&margins, &costs),
            spearman(&margins, &shares),
            (at(0.0), at(1.0)),
        )
    };
    let (kimball, ces): (Vec<_>, Vec<_>) = (1..=10u64)
        .into_par_iter()
        .map(|seed| (measure(&with(0.64), seed), measure(text, seed)))
        .unzip();
    for (k, c) in kimball.iter().zip(&ces) {
        assert!(k.1 < -0.3, "Spearman of margin with unit cost {}", k.1);
        assert!(k.2 > 0.8, "Spearman of margin with share {}", k.2);
        let (lo, hi) = c.3;
        assert!(
            c.0 < 0.001 && (lo - 0.25).abs() < 1e-3,
            "CES margins from {lo} to {hi}, 90/10 spread {}",
            c.0
        );
        eprintln!(
            "Kimball: spread {:.4}, Spearman with cost {:.3}, with share {:.3}, from {:.4} to {:.4}; CES spread {:.5}",
            k.0, k.1, k.2, k.3 .0, k.3 .1, c.0
        );
    }
    let spread =
        |runs: &[(f64, f64, f64, (f64, f64))]| runs.iter().map(|r| r.0).collect::<Vec<_>>();
    assert_greater(
        "the 90/10 spread of margins under Kimball demand over CES",
        &spread(&kimball),
        &spread(&ces),
    );
}
