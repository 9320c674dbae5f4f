//! The automaton against theory: the Bass curve in the mean-field limit, and the slower
//! spread of local (Moore) imitation. These are the checks listed in `docs/validation.md`.

use clusterlab_model::scenario::{parse_scenario_text, validate, Limits};
use clusterlab_model::{Scenario, TechId, World};
use clusterlab_numerics::{bass, mean_field, metrics::TakeUp};

fn scenario(toml: &str) -> Scenario {
    let parsed = parse_scenario_text(toml, "test.toml").unwrap_or_else(|p| panic!("{p}"));
    validate(&parsed, None, Limits::default())
        .unwrap_or_else(|p| panic!("{p}"))
        .0
}

/// Adoption shares of one run, step 0 included.
fn shares(s: &Scenario) -> Vec<f64> {
    let mut world = World::new(s);
    let mut out = vec![world.adoption_share(TechId(0))];
    world.run_until(s.steps(), |w| out.push(w.adoption_share(TechId(0))));
    out
}

const BASS_GLOBAL: &str = r#"
steps = 30
[region]
width = 1000
height = 1000
[diffusion]
neighbourhood = "global"
[[technology]]
p = 0.03
q = 0.38
"#;

/// validation.md V1: with the `global` neighbourhood on a 1000×1000 grid the adoption share
/// tracks the discrete Bass recursion within 0.005 at every step. One run's share has a
/// sampling sd of at most sqrt(0.25/10^6) = 5e-4 per step, compounded by the feedback through
/// q to a few 1e-3 at worst; 0.005 is about ten of those sds. Four seeds are checked, and
/// their mean.
#[test]
fn global_neighbourhood_tracks_the_bass_recursion() {
    let base = scenario(BASS_GLOBAL);
    let expected = bass::discrete_shares(0.03, 0.38, 0.0, 30);
    let runs: Vec<Vec<f64>> = (0..4)
        .map(|seed| shares(&base.clone().with_seed(seed)))
        .collect();
    let mut worst: f64 = 0.0;
    for (t, f) in expected.iter().enumerate() {
        let mean = runs.iter().map(|r| r[t]).sum::<f64>() / runs.len() as f64;
        for r in &runs {
            worst = worst.max((r[t] - f).abs());
        }
        assert!(
            (mean - f).abs() < 0.005,
            "step {t}: mean {mean} vs Bass {f}"
        );
    }
    assert!(worst < 0.005, "largest deviation of a single run: {worst}");
}

/// validation.md V2: each step's new adopters are Binomial(N(1 − F), p + qF) given the share F
/// before the step; the observed count lies within 5 sd of that mean at every step.
#[test]
fn global_step_increments_match_their_binomial_law() {
    let s = scenario(BASS_GLOBAL);
    let mut world = World::new(&s);
    let n = world.n_firms() as f64;
    for t in 0..30 {
        let before = world.adopters(TechId(0)) as f64;
        let f = before / n;
        let hazard = (0.03 + 0.38 * f).min(1.0);
        let trials = n - before;
        world.step();
        let new = world.adopters(TechId(0)) as f64 - before;
        let (mean, sd) = (trials * hazard, (trials * hazard * (1.0 - hazard)).sqrt());
        assert!(
            (new - mean).abs() <= 5.0 * sd.max(0.2),
            "step {}: {new} new adopters, expected {mean} ± {sd}",
            t + 1
        );
    }
}

/// validation.md V3: under `moore`, adopters cluster, so the automaton spreads more slowly
/// than the mean-field recursion of the same rule (each firm's 8 neighbours drawn from the
/// whole population). On a 400×400 torus, over four seeds: no run is ever significantly above
/// the mean-field curve, every run is significantly below it while the curve is between 5%
/// and 95%, and t50 comes later.
#[test]
fn moore_is_slower_than_its_mean_field() {
    let (p, q) = (0.002, 0.1);
    let s = scenario(&format!(
        r#"
        steps = 40
        [region]
        width = 400
        height = 400
        boundary = "torus"
        [diffusion]
        neighbourhood = "moore"
        [[technology]]
        p = {p}
        q = {q}
        "#
    ));
    let field = mean_field::local_rule_shares(p, q, 8, 0.0, 40);
    let field_t50 = TakeUp::of(&field).t50.unwrap();
    for seed in 0..4 {
        let run = shares(&s.clone().with_seed(seed));
        for (t, (&r, &f)) in run.iter().zip(&field).enumerate() {
            // Four sampling sds of a share over 160,000 firms.
            let sd4 = 4.0 * (f * (1.0 - f) / 160_000.0).sqrt();
            assert!(
                r <= f + sd4,
                "seed {seed} step {t}: {r} above the mean field {f}"
            );
            if (0.05..=0.95).contains(&f) {
                assert!(
                    r < f - sd4,
                    "seed {seed} step {t}: {r} not below the mean field {f}"
                );
            }
        }
        let t50 = TakeUp::of(&run).t50.unwrap();
        assert!(
            t50 > field_t50,
            "seed {seed}: t50 {t50} vs mean field {field_t50}"
        );
    }
}

/// The absorptive capacity scales the hazard: with a = 0.5 the global automaton follows the
/// Bass recursion with p/2 and q/2.
#[test]
fn absorptive_capacity_scales_the_hazard() {
    let s = scenario(
        r#"
        steps = 30
        [region]
        width = 1000
        height = 1000
        [firms]
        absorptive_capacity = 0.5
        [diffusion]
        neighbourhood = "global"
        [[technology]]
        p = 0.06
        q = 0.76
        "#,
    );
    let run = shares(&s);
    let expected = bass::discrete_shares(0.03, 0.38, 0.0, 30);
    for (t, (r, f)) in run.iter().zip(&expected).enumerate() {
        assert!((r - f).abs() < 0.005, "step {t}: {r} vs {f}");
    }
}
