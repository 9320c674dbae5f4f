//! Firms' sharing strategies in the simulation (issue 5, item 4): revised by imitation with
//! the diffusion game's payoffs, they converge to the stage game's equilibrium, and they set
//! how open firms are. `docs/validation.md` lists these checks.

use clusterlab_model::game::region::kuang_zhang;
use clusterlab_model::game::Profile;
use clusterlab_model::scenario::{parse_scenario_text, validate, Limits};
use clusterlab_model::{Scenario, TechId, World};

fn bundled_text() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/game/evolving-cluster.toml"
    ))
    .unwrap()
}

fn scenario(text: &str) -> Scenario {
    let parsed =
        parse_scenario_text(text, "evolving-cluster.toml").unwrap_or_else(|p| panic!("{p}"));
    validate(&parsed, None, Limits::default())
        .unwrap_or_else(|p| panic!("{p}"))
        .0
}

fn shares(p: &Profile) -> [f64; 6] {
    [
        p.share[0][1],
        p.share[0][2],
        p.share[1][0],
        p.share[1][2],
        p.share[2][0],
        p.share[2][1],
    ]
}

/// The bundled evolving cluster over five seeds: the stage game built from the cluster has the
/// Kuang–Zhang pattern as its only equilibrium, and the simulated sharing shares, averaged over
/// steps 201–300 and the seeds, lie within 0.1 of it for every choice. The tolerance is the
/// residue of exploration (each firm flips a choice with probability 0.001 per step) plus one
/// firm of the smallest class (12 leaders: 0.083).
#[test]
fn imitation_converges_to_the_stage_games_equilibrium() {
    let text = bundled_text();
    let target = shares(&kuang_zhang());
    let mut mean = [0.0f64; 6];
    let seeds = [11u64, 12, 13, 14, 15];
    for &seed in &seeds {
        let s = scenario(&text.replace("seed = 11", &format!("seed = {seed}")));
        let mut world = World::new(&s);
        let mut average = [0.0f64; 6];
        world.run_until(300, |w| {
            if w.current_step() > 200 {
                let e = w.economy().unwrap();
                for (a, v) in average.iter_mut().zip(shares(&e.sharing_profile())) {
                    *a += v / 100.0;
                }
            }
        });
        let e = world.economy().unwrap();
        let solution = e.stage_game(300).solve();
        assert_eq!(solution.pure.len(), 1, "seed {seed}");
        assert_eq!(solution.pure[0].profile, kuang_zhang(), "seed {seed}");
        for (m, a) in mean.iter_mut().zip(average) {
            *m += a / seeds.len() as f64;
        }
    }
    eprintln!("simulated {mean:.3?} equilibrium {target:?}");
    for (i, (m, t)) in mean.iter().zip(target).enumerate() {
        assert!(
            (m - t).abs() < 0.1,
            "choice {i}: simulated {m:.3}, equilibrium {t}"
        );
    }
}

/// A firm's openness is its base openness times the share of the other classes it shares
/// with, every step; without the `strategy` process openness is the base.
#[test]
fn openness_follows_the_strategy() {
    let s = scenario(&bundled_text());
    let mut world = World::new(&s);
    let check = |w: &World| {
        let e = w.economy().unwrap();
        let f = &e.firms;
        for slot in f.live() {
            let class = 2 - f.class[slot] as usize;
            let others: Vec<usize> = (0..3).filter(|&k| k != class).collect();
            let shared = others
                .iter()
                .filter(|&&k| f.strategy[slot] >> k & 1 == 1)
                .count();
            let expected = f.base_openness[slot] * shared as f64 / 2.0;
            assert_eq!(
                f.openness[slot],
                expected,
                "slot {slot} at step {}",
                w.current_step()
            );
        }
    };
    check(&world);
    world.run_until(20, check);
    let off = scenario(&bundled_text().replace("\"strategy\", ", ""));
    let world = World::new(&off);
    let f = &world.economy().unwrap().firms;
    assert!(f.live().all(|s| f.openness[s] == f.base_openness[s]));
}

/// Withholding slows diffusion: with a licence fee of half the receiver's saving the stage
/// game's equilibrium is everyone sharing, firms stay open, and the quality system reaches
/// more firms by step 40 than under the Kuang–Zhang pattern — over five seeds, by more than
/// three standard errors of the difference.
#[test]
fn withholding_slows_diffusion() {
    let run = |text: &str| -> Vec<f64> {
        (21u64..26)
            .map(|seed| {
                let s = scenario(&text.replace("seed = 11", &format!("seed = {seed}")));
                let mut world = World::new(&s);
                world.run_until(40, |_| {});
                world.adoption_share(TechId(0))
            })
            .collect()
    };
    let pattern = run(&bundled_text());
    let open_text = bundled_text().replace("licence_fee = 0.02", "licence_fee = 0.5");
    let s = scenario(&open_text);
    let world = World::new(&s);
    let e = world.economy().unwrap();
    assert_eq!(e.stage_game(0).solve().pure[0].profile, Profile::pure(63));
    let open = run(&open_text);
    let mean_se = |v: &[f64]| {
        let n = v.len() as f64;
        let m = v.iter().sum::<f64>() / n;
        let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
        (m, (var / n).sqrt())
    };
    let ((mo, so), (mp, sp)) = (mean_se(&open), mean_se(&pattern));
    eprintln!("open {mo:.3} (se {so:.3}) vs withholding {mp:.3} (se {sp:.3})");
    assert!(
        mo - mp > 3.0 * (so * so + sp * sp).sqrt(),
        "open {mo:.3} (se {so:.3}) vs withholding {mp:.3} (se {sp:.3})"
    );
}

/// Runs are reproducible: the same seed gives the same strategies whatever the thread count.
#[test]
fn strategies_are_reproducible_across_thread_counts() {
    let s = scenario(&bundled_text());
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                let mut world = World::new(&s);
                world.run_until(50, |_| {});
                world.economy().unwrap().firms.strategy.clone()
            })
    };
    assert_eq!(run(1), run(3));
}
