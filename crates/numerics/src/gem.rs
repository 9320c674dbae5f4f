//! The GEM model of a cluster's innovation capacity (Padmore & Gibson 1998, *Research Policy*
//! 26(6): 625–641).
//!
//! Six factors in three pairs, each scored 1–10 (10 best in the world, 5 national average, 1 a
//! gap that seriously holds the cluster back): **G**roundings = resources + infrastructure;
//! **E**nterprises = suppliers and related industries + firm structure, strategy and rivalry;
//! **M**arkets = local + external markets. Factors within a pair substitute (averaged), the
//! pairs complement (multiplied):
//!
//! `GEM = 2.5 · [Π_pairs (D_i1 + D_i2) / 2]^(2/3)`, from 2.5 (all 1s) to 250 (all 10s); all 5s
//! give 62.5.

/// The six factors, in the order of a score vector.
pub const FACTORS: [&str; 6] = [
    "resources",
    "infrastructure",
    "suppliers",
    "structure",
    "local_markets",
    "external_markets",
];

/// The three pairs: factors (0, 1), (2, 3), (4, 5).
pub const PAIRS: [&str; 3] = ["groundings", "enterprises", "markets"];

/// Lowest and highest factor score.
pub const SCORE_RANGE: (f64, f64) = (1.0, 10.0);

/// A GEM diagnosis of one set of six factor scores.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Gem {
    /// The six factor scores.
    pub factors: [f64; 6],
    /// Pair scores: the mean of each pair's two factors.
    pub pairs: [f64; 3],
    /// The GEM score.
    pub score: f64,
}

impl Gem {
    /// Scores six factors (each expected in 1–10; see [`SCORE_RANGE`]).
    pub fn of(factors: [f64; 6]) -> Gem {
        let pairs = [0, 1, 2].map(|i| (factors[2 * i] + factors[2 * i + 1]) / 2.0);
        let score = 2.5 * (pairs[0] * pairs[1] * pairs[2]).powf(2.0 / 3.0);
        Gem {
            factors,
            pairs,
            score,
        }
    }

    /// The weakest pair (its index in [`PAIRS`]); the first on a tie.
    pub fn weakest_pair(&self) -> usize {
        argmin(&self.pairs)
    }

    /// The weakest factor (its index in [`FACTORS`]); the first on a tie.
    pub fn weakest_factor(&self) -> usize {
        argmin(&self.factors)
    }
}

fn argmin(values: &[f64]) -> usize {
    (0..values.len())
        .min_by(|&a, &b| values[a].total_cmp(&values[b]))
        .unwrap_or(0)
}

/// The GEM of a panel of experts: each expert's, and the panel's from the mean scores.
#[derive(Clone, Debug, PartialEq)]
pub struct Panel {
    /// Each expert's diagnosis.
    pub experts: Vec<Gem>,
    /// The diagnosis of the mean factor scores.
    pub aggregate: Gem,
    /// Mean of the experts' GEM scores.
    pub mean: f64,
    /// Sample standard deviation of the experts' GEM scores (0 for one expert).
    pub sd: f64,
    /// Percentile bootstrap 95% interval of the aggregate GEM, resampling experts.
    pub interval: (f64, f64),
}

/// Diagnoses a panel (at least one expert) and bootstraps the aggregate GEM with `resamples`
/// resamples of the experts, drawn from `seed`.
pub fn panel(scores: &[[f64; 6]], resamples: usize, seed: u64) -> Panel {
    assert!(!scores.is_empty(), "a panel needs an expert");
    let experts: Vec<Gem> = scores.iter().map(|&s| Gem::of(s)).collect();
    let aggregate = Gem::of(mean_scores(scores.iter()));
    let n = experts.len() as f64;
    let mean = experts.iter().map(|g| g.score).sum::<f64>() / n;
    let sd = if experts.len() > 1 {
        (experts
            .iter()
            .map(|g| (g.score - mean).powi(2))
            .sum::<f64>()
            / (n - 1.0))
            .sqrt()
    } else {
        0.0
    };
    let mut rng = crate::stats::SplitMix64::new(seed);
    let mut boot: Vec<f64> = (0..resamples)
        .map(|_| {
            let sample = (0..scores.len()).map(|_| &scores[rng.below(scores.len())]);
            Gem::of(mean_scores(sample)).score
        })
        .collect();
    boot.sort_by(f64::total_cmp);
    let interval = if boot.is_empty() {
        (aggregate.score, aggregate.score)
    } else {
        (
            crate::stats::quantile(&boot, 0.025),
            crate::stats::quantile(&boot, 0.975),
        )
    };
    Panel {
        experts,
        aggregate,
        mean,
        sd,
        interval,
    }
}

fn mean_scores<'a>(scores: impl Iterator<Item = &'a [f64; 6]>) -> [f64; 6] {
    let mut sum = [0.0; 6];
    let mut n = 0.0;
    for s in scores {
        for (t, v) in sum.iter_mut().zip(s) {
            *t += v;
        }
        n += 1.0;
    }
    sum.map(|t| t / n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `docs/references.md`: all 5s give 62.5; [6,7,5,6,4,8] → 89.5828; [10,10,10,10,1,1] →
    /// 53.8609; the range is 2.5–250.
    #[test]
    fn reproduces_the_reference_values() {
        assert!((Gem::of([5.0; 6]).score - 62.5).abs() < 1e-12);
        assert!((Gem::of([6.0, 7.0, 5.0, 6.0, 4.0, 8.0]).score - 89.5828).abs() < 5e-5);
        assert!((Gem::of([10.0, 10.0, 10.0, 10.0, 1.0, 1.0]).score - 53.8609).abs() < 5e-5);
        assert!((Gem::of([1.0; 6]).score - 2.5).abs() < 1e-12);
        assert!((Gem::of([10.0; 6]).score - 250.0).abs() < 1e-9);
    }

    #[test]
    fn pairs_and_weakest_links() {
        let g = Gem::of([6.0, 7.0, 5.0, 6.0, 4.0, 8.0]);
        assert_eq!(g.pairs, [6.5, 5.5, 6.0]);
        assert_eq!(PAIRS[g.weakest_pair()], "enterprises");
        assert_eq!(FACTORS[g.weakest_factor()], "local_markets");
    }

    #[test]
    fn a_panel_aggregates_the_mean_scores_and_brackets_it() {
        let scores = [
            [6.0, 7.0, 5.0, 6.0, 4.0, 8.0],
            [5.0, 5.0, 5.0, 5.0, 5.0, 5.0],
            [8.0, 6.0, 6.0, 7.0, 5.0, 7.0],
        ];
        let p = panel(&scores, 2000, 1);
        assert_eq!(p.experts.len(), 3);
        let mean_scores = [19.0 / 3.0, 6.0, 16.0 / 3.0, 6.0, 14.0 / 3.0, 20.0 / 3.0];
        assert!((p.aggregate.score - Gem::of(mean_scores).score).abs() < 1e-12);
        assert!(p.interval.0 <= p.aggregate.score && p.aggregate.score <= p.interval.1);
        // The bootstrap can only produce panels between the lowest and highest experts.
        let lowest = p.experts.iter().map(|g| g.score).fold(f64::MAX, f64::min);
        let highest = p.experts.iter().map(|g| g.score).fold(f64::MIN, f64::max);
        assert!(p.interval.0 >= lowest - 1e-9 && p.interval.1 <= highest + 1e-9);
        // Seeded: the same seed, the same interval.
        assert_eq!(panel(&scores, 2000, 1).interval, p.interval);
        let one = panel(&scores[..1], 100, 1);
        assert_eq!((one.sd, one.interval.0), (0.0, one.aggregate.score));
    }
}
