//! Knowledge with diminishing returns, absorptive capacity from spent R&D and funded research
//! bodies (`docs/ODD.md` S6, S8, S9; `docs/validation.md`), on the bundled default scenario at
//! its own parameters with every process on, over 20 seeds.
//!
//! The default runs 200 steps; these runs go on to 300 (75 years of quarters), because the
//! claims are about what happens as the frontier nears: on the default, firms' mean knowledge
//! is about 60% of the frontier at step 200 and 95% at step 300. The runs are made once and
//! shared by the tests of this file.

use clusterlab_model::scenario::{parse_scenario_text, validate, Limits};
use clusterlab_model::{TechId, World};
use rayon::prelude::*;
use std::sync::OnceLock;

const SEEDS: u64 = 20;
const STEPS: u32 = 300;
/// The steps at which the capacity of firms is compared (`from`) and followed up (`to`).
const CAPACITY_FROM: u32 = 100;
const CAPACITY_TO: u32 = 130;

/// What one run of the default scenario gives.
struct Run {
    /// Mean knowledge of firms and the frontier, at steps 0..=STEPS.
    knowledge_mean: Vec<f64>,
    frontier: Vec<f64>,
    /// Largest excess over the frontier of any firm's and any research body's knowledge.
    firm_excess: f64,
    body_excess: f64,
    /// Research bodies' knowledge at the start and at the end; whether it ever fell.
    bodies_start: Vec<f64>,
    bodies_end: Vec<f64>,
    bodies_fell: bool,
    /// Capacity above the floor at CAPACITY_FROM and CAPACITY_TO of the firms alive at both
    /// that spent nothing in between (`idle`) and of those that spent every step (`spending`).
    idle: Vec<(f64, f64)>,
    spending: Vec<(f64, f64)>,
    /// The frontier's parameters: F₀, g and ν.
    initial_frontier: f64,
    step_bound: f64,
    /// Radical technologies created, and the slots for them.
    radical_introduced: u64,
    max_radical: u32,
    /// Slot reuses seen, and problems found right after one (a technology's adopters not the
    /// firms holding it, the newest not the best of its group, the list of technologies grown).
    reuses: u32,
    reuse_problems: Vec<String>,
}

fn default_scenario(seed: u64, free_adoption: bool) -> clusterlab_model::Scenario {
    let mut text = include_str!("../../../examples/default.toml")
        .replace("seed = 2024", &format!("seed = {seed}"));
    if free_adoption {
        // Every informed firm adopts, so old generations die out and their slots free up.
        text = text
            .lines()
            .map(|l| {
                if l.starts_with("adoption_cost") {
                    "adoption_cost = 0.0"
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
    }
    let parsed = parse_scenario_text(&text, "default.toml").unwrap_or_else(|p| panic!("{p}"));
    validate(&parsed, None, Limits::default())
        .unwrap_or_else(|p| panic!("{p}"))
        .0
}

fn run(seed: u64) -> Run {
    run_with(seed, false)
}

fn run_with(seed: u64, free_adoption: bool) -> Run {
    let scenario = default_scenario(seed, free_adoption);
    let n = &scenario.economy().innovation;
    let step_bound = n.gap_share * n.frontier_step;
    assert_eq!(n.frontier_elasticity, 0.0, "the bound below is for φ_F = 0");
    let mut world = World::new(&scenario);
    let e = world.economy().unwrap();
    let initial_frontier = e.frontier();
    let mut out = Run {
        knowledge_mean: vec![e.indicators(0).knowledge_mean],
        frontier: vec![initial_frontier],
        firm_excess: f64::NEG_INFINITY,
        body_excess: f64::NEG_INFINITY,
        bodies_start: e.research.iter().map(|b| b.knowledge).collect(),
        bodies_end: Vec::new(),
        bodies_fell: false,
        idle: Vec::new(),
        spending: Vec::new(),
        initial_frontier,
        step_bound,
        radical_introduced: 0,
        max_radical: n.max_radical,
        reuses: 0,
        reuse_problems: Vec::new(),
    };
    let n_technologies = world.technologies().len();
    let mut generations = vec![0u32; n_technologies];
    // Followed firms: (id, slot, capacity above the floor at CAPACITY_FROM, spent every step,
    // spent at some step).
    let mut followed: Vec<(u64, usize, f64, bool, bool)> = Vec::new();
    let mut bodies = out.bodies_start.clone();
    world.run_until(STEPS, |w| {
        let t = w.current_step();
        let e = w.economy().unwrap();
        let f = &e.firms;
        out.knowledge_mean.push(e.indicators(t).knowledge_mean);
        out.frontier.push(e.frontier());
        for s in f.live() {
            out.firm_excess = out.firm_excess.max(f.knowledge[s] - e.frontier());
        }
        for (b, before) in e.research.iter().zip(&mut bodies) {
            out.body_excess = out.body_excess.max(b.knowledge - e.frontier());
            out.bodies_fell |= b.knowledge < *before;
            *before = b.knowledge;
        }
        let mut renewed = Vec::new();
        for (k, seen) in generations.iter_mut().enumerate() {
            let generation = w.generation(TechId(k));
            if generation != *seen {
                *seen = generation;
                renewed.push(k);
            }
        }
        if !renewed.is_empty() {
            out.reuses += renewed.len() as u32;
            out.reuse_problems
                .extend(reuse_problems(w, &renewed, n_technologies));
        }
        if t == CAPACITY_FROM {
            followed = f
                .live()
                .map(|s| (f.id[s], s, f.capacity[s] - f.base_capacity[s], true, false))
                .collect();
        } else if t > CAPACITY_FROM && t <= CAPACITY_TO {
            followed.retain(|&(id, s, ..)| f.alive[s] && f.id[s] == id);
            for (_, s, _, every, some) in &mut followed {
                let spent = f.rd_spending[*s] > 0.0;
                *every &= spent;
                *some |= spent;
            }
            if t == CAPACITY_TO {
                for &(_, s, before, every, some) in &followed {
                    let after = f.capacity[s] - f.base_capacity[s];
                    if every {
                        out.spending.push((before, after));
                    } else if !some && before > 0.0 {
                        out.idle.push((before, after));
                    }
                }
            }
        }
    });
    out.radical_introduced = world.radical_introduced();
    out.bodies_end = world
        .economy()
        .unwrap()
        .research
        .iter()
        .map(|b| b.knowledge)
        .collect();
    out
}

/// What is wrong with the world right after the radical slots `renewed` were reused in a
/// step: a technology whose adopters are not the firms holding it, a renewed one not above
/// every other of its group, one that did not arrive at its innovator, the list grown.
fn reuse_problems(w: &World, renewed: &[usize], n_technologies: usize) -> Vec<String> {
    let mut problems = Vec::new();
    let techs = w.technologies();
    if techs.len() != n_technologies {
        problems.push(format!(
            "{} technologies, not {n_technologies}",
            techs.len()
        ));
    }
    let grid = w.grid();
    for (k, t) in techs.iter().enumerate() {
        let holders = (0..grid.height())
            .flat_map(|y| (0..grid.width()).map(move |x| (x, y)))
            .filter(|&(x, y)| w.holds(x, y, TechId(k)))
            .count() as u64;
        if holders != w.adopters(TechId(k)) {
            problems.push(format!(
                "{}: {holders} holders, {} adopters",
                t.id,
                w.adopters(TechId(k))
            ));
        }
    }
    for &r in renewed {
        let newest = &techs[r];
        for (k, t) in techs.iter().enumerate() {
            if t.group == newest.group
                && !renewed.contains(&k)
                && (t.quality >= newest.quality || t.cost_gain >= newest.cost_gain)
            {
                problems.push(format!("{} is not below the newest {}", t.id, newest.id));
            }
        }
        if newest.arrival != w.current_step() || w.adopters(TechId(r)) == 0 {
            problems.push(format!("{} did not arrive at its innovator", newest.id));
        }
    }
    problems
}

fn runs() -> &'static [Run] {
    static RUNS: OnceLock<Vec<Run>> = OnceLock::new();
    RUNS.get_or_init(|| (1..=SEEDS).into_par_iter().map(run).collect())
}

/// The default with free adoption (every informed firm adopts), for the slots' reuse: with
/// adoption costs small firms keep old generations, which then rarely die out in 300 steps.
fn free_adoption_runs() -> &'static [Run] {
    static RUNS: OnceLock<Vec<Run>> = OnceLock::new();
    RUNS.get_or_init(|| (1..=8).into_par_iter().map(|s| run_with(s, true)).collect())
}

/// Mean and standard error of the mean.
fn mean_se(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// Knowledge growth slows as the frontier nears (Jones 1995; Bloom et al. 2020): the growth
/// rate of firms' mean knowledge in the last third of the run, when it is near the frontier,
/// is below that of the first third by more than three standard errors across seeds.
#[test]
fn knowledge_growth_slows_as_the_frontier_nears() {
    let third = (STEPS / 3) as usize;
    let (mut first, mut last, mut nearness) = (Vec::new(), Vec::new(), Vec::new());
    for r in runs() {
        let k = &r.knowledge_mean;
        first.push((k[third] / k[0]).ln() / third as f64);
        last.push((k[3 * third] / k[2 * third]).ln() / third as f64);
        nearness.push(k[3 * third] / r.frontier[3 * third]);
    }
    let differences: Vec<f64> = first.iter().zip(&last).map(|(a, b)| a - b).collect();
    let (d, se) = mean_se(&differences);
    assert!(
        d > 3.0 * se && d > 0.0,
        "first third {:?}, last third {:?}: difference {d:.5} (se {se:.5})",
        mean_se(&first),
        mean_se(&last)
    );
    // The premise: knowledge has come near the frontier — most of the way from where it
    // started (entrants keep joining below it, so the mean stays short of it).
    let (near, _) = mean_se(&nearness);
    eprintln!(
        "knowledge growth a step: first third {:?}, last third {:?}, difference {d:.5} (se {se:.5}); mean knowledge / frontier at the end {near:.3}",
        mean_se(&first),
        mean_se(&last)
    );
    let start = runs()
        .iter()
        .map(|r| r.knowledge_mean[0] / r.frontier[0])
        .sum::<f64>()
        / runs().len() as f64;
    assert!(
        near > 0.5 && near > 3.0 * start,
        "mean knowledge is {near:.2} of the frontier at the end, {start:.2} at the start"
    );
}

/// The frontier moves (firms innovating at it push it) and stays finite: at most one idea's
/// share `g·ν` a step (φ_F = 0), and no firm's or research body's knowledge passes it.
#[test]
fn the_frontier_moves_and_stays_finite() {
    for r in runs() {
        let (f0, end) = (r.initial_frontier, *r.frontier.last().unwrap());
        assert!(end.is_finite() && end > f0 + 1.0, "{f0} -> {end}");
        assert!(r.frontier.windows(2).all(|w| w[1] >= w[0]));
        // No outside learning in the default: only innovations at the frontier move it.
        assert!(
            end <= f0 + r.step_bound * f64::from(STEPS) + 1e-9,
            "{f0} -> {end} in {STEPS} steps"
        );
        assert!(
            r.firm_excess <= 1e-9,
            "a firm passed the frontier by {}",
            r.firm_excess
        );
    }
}

/// Research bodies' knowledge grows with their funding and their firms, never falls, and is
/// bounded by the frontier.
#[test]
fn research_bodies_grow_within_the_frontier() {
    for r in runs() {
        assert!(
            r.body_excess <= 1e-9,
            "a body passed the frontier by {}",
            r.body_excess
        );
        assert!(!r.bodies_fell);
        for (start, end) in r.bodies_start.iter().zip(&r.bodies_end) {
            assert!(end > start && end.is_finite(), "{start} -> {end}");
        }
    }
}

/// Absorptive capacity follows R&D actually spent (Cohen & Levinthal 1989): firms that spend
/// nothing for 30 steps see their capacity above its floor fall, by at least the R&D stock's
/// depreciation over those steps in the mean, and firms that spent every step keep more of it.
#[test]
fn capacity_responds_to_spent_rd() {
    let depreciation = default_scenario(1, false)
        .economy()
        .spillover
        .rd_depreciation;
    let kept = (1.0 - depreciation).powi((CAPACITY_TO - CAPACITY_FROM) as i32);
    let (mut idle_ratio, mut spending_ratio) = (Vec::new(), Vec::new());
    for r in runs() {
        assert!(
            !r.idle.is_empty() && !r.spending.is_empty(),
            "{} idle and {} spending firms followed",
            r.idle.len(),
            r.spending.len()
        );
        let idle: Vec<f64> = r.idle.iter().map(|(a, b)| b / a).collect();
        for &(before, after) in &r.idle {
            assert!(
                after < before,
                "an idle firm's capacity rose: {before} -> {after}"
            );
        }
        idle_ratio.push(mean_se(&idle).0);
        let spending: Vec<f64> = r.spending.iter().map(|(_, b)| *b).collect();
        let idle_after: Vec<f64> = r.idle.iter().map(|(_, b)| *b).collect();
        spending_ratio.push(mean_se(&spending).0 - mean_se(&idle_after).0);
    }
    let (idle, se) = mean_se(&idle_ratio);
    // 1 − e^{−ξx} falls at least as fast as x for falling x, and x falls with the stock.
    assert!(
        idle + 3.0 * se < 1.5 * kept,
        "idle firms keep {idle:.3} (se {se:.3}) of their capacity above the floor; the stock keeps {kept:.3}"
    );
    let (gap, se) = mean_se(&spending_ratio);
    assert!(gap > 3.0 * se && gap > 0.0, "{gap} (se {se})");
}

/// Radical innovations open new technologies without a fixed count: once the slots are
/// taken, a new one takes the slot of a radical technology nobody holds any more, as the best
/// of its group, and the holders, adopters and cost factors stay consistent; the number of
/// technologies, and the memory they take, stays fixed.
#[test]
fn radical_technologies_reuse_the_slots_of_extinct_ones() {
    for r in free_adoption_runs() {
        assert!(
            r.radical_introduced > u64::from(r.max_radical) && r.reuses > 0,
            "{} radical technologies in {} slots, {} reuses",
            r.radical_introduced,
            r.max_radical,
            r.reuses
        );
        assert_eq!(
            r.radical_introduced,
            u64::from(r.max_radical) + u64::from(r.reuses)
        );
        assert!(r.reuse_problems.is_empty(), "{:?}", r.reuse_problems);
    }
}
