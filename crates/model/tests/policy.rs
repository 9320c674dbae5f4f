//! The policy lab (issue 7): every policy moves the indicator its mechanism acts on, in the
//! direction it implies, measured with common random numbers; the diagnosis finds a failure
//! built into a scenario. `docs/validation.md` lists these checks.

mod common;
use clusterlab_model::economy::Observation;
use clusterlab_model::policy::{run_outcomes, Failure};
use clusterlab_model::{TechId, World};
use common::{paired, scenario};

const CLUSTER: &str = r#"
steps = 60
processes = ["market", "rnd", "spillover", "mobility", "network", "diffusion", "demography"]
[region]
width = 30
height = 30
[firms]
density = 0.5
absorptive_capacity = { min = 0.3, max = 0.7 }
knowledge = { min = 0.5, max = 2.5 }
capital = { min = 3.0, max = 15.0 }
openness = { min = 0.2, max = 0.5 }
[demography]
spinoff_rate = 0.03
[diffusion]
neighbourhood = "moore"
[[technology]]
id = "cnc"
cost_gain = 0.1
p = 0.001
q = 0.1
seed_adopters = 3
[[research_body]]
x = 10
y = 15
reach = 8
[[intermediary]]
x = 20
y = 15
reach = 6
"#;

/// What a run shows of the indicators the policies act on.
struct Measures {
    entries: f64,
    share_at_20: f64,
    mean_degree: f64,
    knowledge_mean: f64,
    unit_cost_at_5: f64,
    output_local: f64,
    rd_spending: f64,
    knowledge_at_10: f64,
}

fn measure(text: &str, seed: u64) -> Measures {
    let s = scenario(text, seed);
    let mut world = World::new(&s);
    let mut share_at_20 = 0.0;
    let mut output_local = 0.0;
    let mut unit_cost_at_5 = 0.0;
    let mut early_rd = 0.0;
    let mut knowledge_at_10 = 0.0;
    world.run_until(60, |w| {
        if w.current_step() == 20 {
            share_at_20 = w.adoption_share(TechId(0));
        }
        if w.current_step() == 5 {
            unit_cost_at_5 = w.economy().unwrap().observe(5).indicators.unit_cost_mean;
        }
        output_local += w.economy().unwrap().stats.output_local;
        if w.current_step() <= 10 {
            early_rd += w.economy().unwrap().stats.rd_spending;
        }
        if w.current_step() == 10 {
            knowledge_at_10 = w.economy().unwrap().observe(10).indicators.knowledge_mean;
        }
    });
    let e = world.economy().unwrap();
    let o: Observation = e.observe(60);
    Measures {
        entries: e.total_entries() as f64,
        share_at_20,
        mean_degree: o.indicators.mean_degree,
        knowledge_mean: o.indicators.knowledge_mean,
        unit_cost_at_5,
        output_local,
        rd_spending: early_rd,
        knowledge_at_10,
    }
}

/// Variance of the mean difference estimated from independent runs over its variance from
/// paired runs: how much common random numbers save.
fn variance_ratio(a: &[f64], b: &[f64]) -> f64 {
    let var = |v: &[f64]| {
        let m = v.iter().sum::<f64>() / v.len() as f64;
        v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() as f64 - 1.0)
    };
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    (var(a) + var(b)) / var(&d)
}

/// Each policy, over eight seeds shared with the baseline (common random numbers), moves its
/// indicator in the direction of its mechanism by more than three standard errors of the
/// paired difference.
#[test]
fn every_policy_moves_its_indicator_the_way_its_mechanism_implies() {
    let seeds = [1u64, 2, 3, 4, 5, 6, 7, 8];
    let baseline: Vec<Measures> = seeds.iter().map(|&s| measure(CLUSTER, s)).collect();
    type Get = fn(&Measures) -> f64;
    let cases: [(&str, &str, Get, f64); 10] = [
        ("competition-reform", "entries", |m| m.entries, 1.0),
        (
            "market-intelligence",
            "adoption share at step 20",
            |m| m.share_at_20,
            1.0,
        ),
        (
            "diffusion-coordination",
            "adoption share at step 20",
            |m| m.share_at_20,
            1.0,
        ),
        ("broker-network", "ties per firm", |m| m.mean_degree, 1.0),
        (
            "technology-transfer",
            "mean knowledge",
            |m| m.knowledge_mean,
            1.0,
        ),
        // Measured early, before exits and entries make the firms differ between the runs.
        (
            "generic-technology",
            "mean unit cost at step 5",
            |m| m.unit_cost_at_5,
            -1.0,
        ),
        (
            "public-procurement",
            "local output",
            |m| m.output_local,
            1.0,
        ),
        (
            "rd-subsidy",
            "R&D spending in steps 1-10",
            |m| m.rd_spending,
            1.0,
        ),
        ("venture-capital", "entries", |m| m.entries, 1.0),
        (
            "talent-attraction",
            "mean knowledge at step 10",
            |m| m.knowledge_at_10,
            1.0,
        ),
    ];
    let mut ratios = Vec::new();
    for (name, what, get, direction) in cases {
        let text = format!("{CLUSTER}[[policy]]\nname = \"{name}\"\n");
        let with: Vec<f64> = seeds.iter().map(|&s| get(&measure(&text, s))).collect();
        let without: Vec<f64> = baseline.iter().map(get).collect();
        let (mean, se) = paired(&with, &without);
        ratios.push(variance_ratio(&with, &without));
        eprintln!(
            "{name}: {what} {mean:+.5} (se {se:.5}, {:.1} se)",
            mean / se
        );
        assert!(
            direction * mean > 3.0 * se && direction * mean > 0.0,
            "{name}: {what} changed by {mean} (se {se}), expected {}",
            if direction > 0.0 { "a rise" } else { "a fall" }
        );
    }
    // Common random numbers: for most policies the paired comparison needs far fewer runs.
    ratios.sort_by(f64::total_cmp);
    eprintln!("variance ratios without/with common random numbers: {ratios:.1?}");
    assert!(
        ratios[ratios.len() / 2] > 2.0,
        "median variance reduction {ratios:?}"
    );
}

/// A policy acts only in its period: before its start the run is the baseline's, step for
/// step; its cost is charged only while it acts.
#[test]
fn policies_act_only_in_their_period() {
    let text = format!("{CLUSTER}[[policy]]\nname = \"broker-network\"\nstart = 20\nend = 40\ncost_per_step = 7.0\n");
    let (with, without) = (scenario(&text, 9), scenario(CLUSTER, 9));
    let (mut a, mut b) = (World::new(&with), World::new(&without));
    for _ in 0..20 {
        a.step();
        b.step();
        let (ea, eb) = (a.economy().unwrap(), b.economy().unwrap());
        assert_eq!(
            ea.observe(a.current_step()).indicators,
            eb.observe(b.current_step()).indicators
        );
    }
    a.run_until(60, |_| {});
    assert_eq!(a.economy().unwrap().totals().policy_cost, 7.0 * 20.0);
}

/// A scenario built with a known failure — no intermediary and almost no tie formation, while
/// a university reaches every firm and demand grows — is diagnosed with limited interaction
/// first.
#[test]
fn the_diagnosis_ranks_a_built_in_failure_first() {
    let text = CLUSTER
        .replace("[[intermediary]]\nx = 20\ny = 15\nreach = 6\n", "")
        .replace("reach = 8", "reach = 64")
        .replace(
            "[demography]",
            "[network]\nformation = 0.002\n[market]\ngrowth = 0.01\n[demography]",
        );
    let mut mean = [0.0; 6];
    for seed in 1..=3 {
        let scores = run_outcomes(&scenario(&text, seed), 0)
            .symptoms
            .symptoms()
            .scores;
        for (m, s) in mean.iter_mut().zip(scores) {
            *m += s / 3.0;
        }
    }
    let first = (0..6).max_by(|&a, &b| mean[a].total_cmp(&mean[b])).unwrap();
    assert_eq!(Failure::ALL[first], Failure::LimitedInteraction, "{mean:?}");
}
