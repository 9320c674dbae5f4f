//! Beyond the literature (issue 8): external linkages, lock-in and the life cycle.
//! `docs/validation.md` lists these checks.

mod common;
use clusterlab_model::economy::lifecycle::Phase;
use clusterlab_model::scenario::{parse_scenario_text, validate, Limits};
use clusterlab_model::World;
use common::{paired, scenario};

/// The bundled scenario `examples/NAME`; panics on a problem.
fn bundled(name: &str) -> clusterlab_model::Scenario {
    let path = format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let parsed = parse_scenario_text(&text, name).unwrap_or_else(|p| panic!("{p}"));
    validate(&parsed, None, Limits::default())
        .unwrap_or_else(|p| panic!("{p}"))
        .0
}

const OPEN: &str = r#"
steps = 120
processes = ["market", "rnd", "spillover", "mobility", "network", "diffusion", "demography"]
[region]
width = 30
height = 30
[firms]
density = 0.5
knowledge = { min = 0.5, max = 2.5 }
openness = { min = 0.3, max = 0.7 }
[spillover]
convergence = 0.1
[external]
pipeline_share = 0.8
outside_learning = 0.2
outside_knowledge = 30.0
outside_growth = 0.02
outside_contacts = 1
[[technology]]
id = "cnc"
cost_gain = 0.1
p = 0.001
q = 0.1
seed_adopters = 3
"#;

/// Closing the cluster's pipelines (pipeline_share 0: no exports, no outside learning, no
/// outside contacts) lowers knowledge diversity and innovation in the second half of the run
/// (diversity averaged over its steps, innovations summed), over twelve seeds with common
/// random numbers, each by more than three standard errors of the paired difference. The
/// cluster is a research-intensive one (α = 0.3, every R&D performer innovating nearly every
/// step): pipelines hold diversity up against the convergence of local learning, and local
/// learning needs the knowledge gaps that frequent innovation opens. At the default's α = 0.02
/// the gaps are small, firms converge little, and the diversity difference over 30 seeds is
/// 0.018 (se 0.015): not shown there (`docs/validation.md`).
#[test]
fn closing_external_linkages_lowers_diversity_and_long_run_innovation() {
    let open = OPEN.replace("[external]", "[innovation]\nproductivity = 0.3\n[external]");
    const SEEDS: u64 = 12;
    let run = |text: &str, seed: u64| -> (f64, f64) {
        let mut world = World::new(&scenario(text, seed));
        let (mut late, mut mean_diversity) = (0.0, 0.0);
        world.run_until(120, |w| {
            if w.current_step() > 60 {
                let e = w.economy().unwrap();
                let st = e.stats;
                late += (st.innovations_incremental + st.innovations_radical) as f64;
                mean_diversity += e.observe(w.current_step()).indicators.knowledge_diversity / 60.0;
            }
        });
        (mean_diversity, late)
    };
    let closed_text = open.replace("pipeline_share = 0.8", "pipeline_share = 0.0");
    let (mut open_d, mut open_i, mut closed_d, mut closed_i) = (vec![], vec![], vec![], vec![]);
    for seed in 1..=SEEDS {
        let (d, i) = run(&open, seed);
        open_d.push(d);
        open_i.push(i);
        let (d, i) = run(&closed_text, seed);
        closed_d.push(d);
        closed_i.push(i);
    }
    for (what, open, closed) in [
        ("diversity", &open_d, &closed_d),
        ("late innovations", &open_i, &closed_i),
    ] {
        let (mean, se) = paired(open, closed);
        eprintln!(
            "{what}: open − closed = {mean:.4} (se {se:.4}); open {:.4}, closed {:.4}",
            open.iter().sum::<f64>() / open.len() as f64,
            closed.iter().sum::<f64>() / closed.len() as f64
        );
        assert!(
            mean > 3.0 * se && mean > 0.0,
            "{what}: open − closed = {mean} (se {se})"
        );
    }
}

/// Lock-in: with the diversity effect, a cluster whose firms converge strongly makes fewer
/// radical innovations than with η = 0, the same seeds otherwise, by more than three standard
/// errors of the paired difference. With common random numbers this checks the direction,
/// not the size: at the default's α = 0.02 (radical share 0.02 of successes) the drop is 5%
/// (38.2 against 40.2 over six seeds; diversity hardly falls, as innovation opens few gaps for
/// convergence), in a research-intensive cluster (α = 0.3, radical share 0.002) 15% (25.8
/// against 30.5). Lock-in is nearly inert at the defaults (`docs/validation.md`).
#[test]
fn low_diversity_weakens_radical_innovation() {
    let text = OPEN
        .replace("convergence = 0.1", "convergence = 0.5")
        .replace("pipeline_share = 0.8", "pipeline_share = 0.0")
        .replace("[external]", "[innovation]\nradical_share = 0.02\nmax_radical = 200\ndiversity_effect = 3.0\n[external]");
    let radical = |text: &str, seed: u64| -> f64 {
        let mut world = World::new(&scenario(text, seed));
        let mut n = 0.0;
        world.run_until(120, |w| {
            n += w.economy().unwrap().stats.innovations_radical as f64
        });
        n
    };
    let without = text.replace("diversity_effect = 3.0", "diversity_effect = 0.0");
    let a: Vec<f64> = (1..=6).map(|s| radical(&text, s)).collect();
    let b: Vec<f64> = (1..=6).map(|s| radical(&without, s)).collect();
    let (mean, se) = paired(&b, &a);
    eprintln!("radical: with lock-in {a:?}, without {b:?}");
    assert!(
        mean > 3.0 * se && mean > 0.0,
        "radical innovations without − with lock-in: {mean} (se {se})"
    );
}

/// The bundled life-cycle scenario passes through every phase in the order of the cycle —
/// emergence, growth, maturity, decline, renewal — and its last renewal begins once the
/// pipelines open (step 220): on each of seeds 1–12 (its own, 5, among them) and 1001–1012.
/// On 2001–2012, 11 of 12 do (one recovers without a renewal).
#[test]
fn the_bundled_cluster_passes_through_every_phase() {
    let s = bundled("lifecycle.toml");
    let phases = |seed: u64| {
        let s = s.clone().with_seed(seed);
        let mut world = World::new(&s);
        let mut seen = vec![(Phase::Emergence, 0)];
        world.run_until(s.steps(), |w| {
            let p = w.economy().unwrap().phase();
            if seen.last().map(|l| l.0) != Some(p) {
                seen.push((p, w.current_step()));
            }
        });
        seen
    };
    use rayon::prelude::*;
    // Its own seed (5) is among 1–12, on which `minimum_rd` 4 was chosen; 1001–1012 were
    // held out when it was.
    let seeds: Vec<u64> = (1..=12).chain(1001..=1012).collect();
    assert!(seeds.contains(&s.seed()));
    let runs: Vec<(u64, Vec<(Phase, u32)>)> = seeds
        .into_par_iter()
        .map(|seed| (seed, phases(seed)))
        .collect();
    for (seed, seen) in runs {
        use Phase::*;
        let mut wanted = [Emergence, Growth, Maturity, Decline, Renewal]
            .into_iter()
            .peekable();
        for (p, _) in &seen {
            if wanted.peek() == Some(p) {
                wanted.next();
            }
        }
        assert!(
            wanted.peek().is_none(),
            "seed {seed}: the cycle is incomplete: {seen:?}"
        );
        let last_renewal = seen.iter().rev().find(|(p, _)| *p == Renewal).unwrap().1;
        assert!(last_renewal >= 220, "seed {seed}: {seen:?}");
    }
}

/// The Klepper industry (`examples/klepper.toml`): the classifier sees a new industry's
/// cycle in its order on every seed — emergence, then growth (the entry wave) before any
/// decline, and a run that ends in decline (the shake-out) — and in most seeds a maturity at
/// the peak between the two (11 of seeds 1–20, 13 of 1001–1020 when the scenario was made; at
/// least 6 of 20 is over two standard errors below that share, 0.6).
#[test]
fn the_klepper_industry_grows_then_shakes_out() {
    let base = bundled("klepper.toml");
    use Phase::*;
    let mut with_maturity = 0;
    for seed in 1..=20 {
        let s = base.clone().with_seed(seed);
        let mut world = World::new(&s);
        let mut seen = vec![(Emergence, 0)];
        world.run_until(s.steps(), |w| {
            let p = w.economy().unwrap().phase();
            if seen.last().map(|l| l.0) != Some(p) {
                seen.push((p, w.current_step()));
            }
        });
        assert!(
            seen.len() >= 3 && seen[1].0 == Growth,
            "seed {seed}: {seen:?}"
        );
        let first_decline = seen.iter().position(|(p, _)| *p == Decline);
        let first_decline = first_decline.unwrap_or_else(|| panic!("seed {seed}: {seen:?}"));
        assert_eq!(seen.last().unwrap().0, Decline, "seed {seed}: {seen:?}");
        with_maturity += usize::from(seen[..first_decline].iter().any(|(p, _)| *p == Maturity));
    }
    assert!(
        with_maturity >= 6,
        "maturity before the shake-out in {with_maturity} of 20 seeds"
    );
}

/// An industry founded from nothing: the Klepper industry with no pioneers (`density = 0`),
/// populated only by would-be producers from outside (`demography.entrants`), who bring the
/// outside know-how and the scenario's mean capacity. Every run has firms within a year, and
/// across seeds 1–20 the count rises and then falls by at least 20% from its peak while output
/// after the peak keeps growing — the 95% intervals of the mean shake-out and of the mean output
/// growth both clear the bounds (when written: shake-out 0.59, sd 0.11; output +147%, sd 0.45).
/// Before entry ran in an empty region, nothing ever happened there.
#[test]
fn an_industry_founded_from_nothing_has_its_entry_wave_and_shakeout() {
    use rayon::prelude::*;
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/klepper.toml"
    ))
    .unwrap();
    let start = text
        .find("\ndensity = ")
        .expect("klepper.toml sets a density")
        + 1;
    let end = start + text[start..].find('\n').unwrap();
    let text = format!("{}density = 0.0{}", &text[..start], &text[end..]);
    let parsed = parse_scenario_text(&text, "klepper.toml").unwrap_or_else(|p| panic!("{p}"));
    let (base, warnings) =
        validate(&parsed, None, Limits::default()).unwrap_or_else(|p| panic!("{p}"));
    assert!(
        warnings
            .warnings()
            .all(|w| !w.to_string().contains("firms.density")),
        "an empty region that entrants found is not worth a warning: {warnings:?}"
    );
    let runs: Vec<(f64, f64)> = (1..=20u64)
        .into_par_iter()
        .map(|seed| {
            let s = base.clone().with_seed(seed);
            let mut world = World::new(&s);
            assert_eq!(world.n_firms(), 0, "seed {seed}");
            let (mut firms, mut output) = (Vec::new(), Vec::new());
            world.run_until(s.steps(), |w| {
                let e = w.economy().unwrap();
                let st = e.indicators(w.current_step());
                firms.push(w.n_firms() as f64);
                output.push(st.output_local + st.output_export);
            });
            assert!(firms[3] > 0.0, "seed {seed}: no firm after a year");
            let peak = (0..firms.len())
                .max_by(|&a, &b| firms[a].total_cmp(&firms[b]).then(b.cmp(&a)))
                .unwrap();
            let last = firms.len() - 1;
            (
                1.0 - firms[last] / firms[peak],
                output[last] / output[peak] - 1.0,
            )
        })
        .collect();
    let interval = |v: Vec<f64>| {
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let sd = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        (mean, mean - 2.093 * sd / n.sqrt())
    };
    let (shakeout, shakeout_low) = interval(runs.iter().map(|r| r.0).collect());
    let (growth, growth_low) = interval(runs.iter().map(|r| r.1).collect());
    assert!(
        shakeout_low >= 0.2,
        "shake-out {shakeout} (lower bound {shakeout_low}): {runs:?}"
    );
    assert!(
        growth_low > 0.0,
        "output after the peak {growth} (lower bound {growth_low}): {runs:?}"
    );
}

/// A decline that stops becomes maturity: a count that falls 1% a step for 30 steps and then
/// holds is read as decline, then maturity once it has held a window (and no sooner than the
/// window plus the hold).
#[test]
fn a_decline_that_stops_is_maturity() {
    use clusterlab_model::economy::lifecycle::{LifeCycle, HOLD, WINDOW};
    let mut cycle = LifeCycle::default();
    let mut n = 1000.0f64;
    let mut phases = Vec::new();
    for step in 0..120 {
        if (10..40).contains(&step) {
            n *= 0.99;
        }
        cycle.record(n.round() as usize, 0, 0.5);
        phases.push(cycle.phase());
    }
    let declined = phases.iter().position(|&p| p == Phase::Decline);
    let declined = declined.unwrap_or_else(|| panic!("{phases:?}"));
    let matured = phases[declined..]
        .iter()
        .position(|&p| p == Phase::Maturity);
    let matured = declined + matured.unwrap_or_else(|| panic!("{phases:?}"));
    // The count stops falling at step 40; the window sees it hold from step 40 + W, and the
    // move needs W quiet steps then HOLD indications.
    assert!(matured >= 40 + WINDOW, "{matured}: {phases:?}");
    assert!(
        matured <= 40 + 3 * WINDOW + HOLD as usize,
        "{matured}: {phases:?}"
    );
    assert_eq!(*phases.last().unwrap(), Phase::Maturity, "{phases:?}");
}
