//! Random streams derived from a run's seed.
//!
//! Every random number the model draws is a pure function of `(seed, purpose, step, entity,
//! cell)`. Nothing is consumed from a shared generator, so a run gives the same result on any
//! number of threads and in any order of evaluation.
//!
//! Two kinds of stream:
//!
//! - [`CellStream`]: a counter-based generator for the hot loops. For a fixed key the value at
//!   cell `i` is `mix(mix(i ^ k1) ^ k2)`, where `mix` is Chris Wellons' `lowbias32` integer
//!   hash (two xorshift-multiply rounds, an avalanche bias of about 0.17). Keys `k1`, `k2` are
//!   derived per step and per technology by SplitMix64, so the fields of two steps are not
//!   translates of each other. All arithmetic is 32-bit so the loop vectorises.
//! - [`serial_stream`]: a [`SplitMix64`] (Steele, Lea & Flood 2014; the one in
//!   `clusterlab_numerics::stats`) keyed like the cell streams, for the rare, serial draws made
//!   while building a world (placing firms, choosing seed adopters).

/// What a stream is used for; part of every key so that processes never share numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Purpose {
    /// Whether a cell holds a firm (density placement).
    FirmPlacement = 1,
    /// A firm's absorptive capacity, when drawn from a range.
    AbsorptiveCapacity = 2,
    /// The choice of seed adopters when a technology arrives.
    SeedAdopters = 3,
    /// The adoption draw of the diffusion automaton.
    Adoption = 4,
    /// The random priority that breaks a tie between equally good technologies adopted at once.
    TieBreak = 5,
    /// A firm's knowledge stock at the start.
    Knowledge = 6,
    /// A firm's knowledge position at the start.
    Position = 7,
    /// A firm's R&D intensity at the start.
    RdIntensity = 8,
    /// A firm's capital at the start.
    Capital = 9,
    /// A firm's openness at the start.
    Openness = 10,
    /// Innovation draws.
    Innovation = 11,
    /// Labour mobility draws.
    Mobility = 12,
    /// Tie formation draws.
    TieFormation = 13,
    /// Tie decay draws.
    TieDecay = 14,
    /// Spin-off draws.
    Spinoff = 15,
    /// Whether a firm shows its technologies this step.
    Sharing = 16,
    /// A firm's sharing strategy at the start.
    Strategy = 17,
    /// Strategy revision: whether a firm revises, whom it imitates, whether it switches.
    Imitation = 18,
    /// Whether a firm has ties outside the cluster (a global pipeline).
    Pipeline = 19,
    /// The knowledge position of what a pipeline brings in.
    Outside = 20,
    /// Migration: whether a firm reconsiders its region, where it goes, where it settles.
    Migration = 21,
    /// Entry: how many potential entrants come, where they look, what they know.
    Entry = 22,
    /// Shocks to a firm's product appeal (its customer base).
    Appeal = 23,
    /// A firm's efficiency: its draw at entry and its shocks.
    Efficiency = 24,
    /// An entrant's product appeal, drawn once it has entered.
    EntrantAppeal = 25,
}

pub use clusterlab_numerics::stats::{splitmix64_mix, SplitMix64};

/// Derives a 64-bit key from the run seed and the coordinates of a stream.
pub fn derive_key(seed: u64, purpose: Purpose, step: u32, entity: u32) -> u64 {
    let mut h = splitmix64_mix(seed ^ 0x6a09_e667_f3bc_c908);
    h = splitmix64_mix(h ^ (purpose as u64));
    h = splitmix64_mix(h ^ u64::from(step));
    splitmix64_mix(h ^ u64::from(entity).rotate_left(32))
}

/// `lowbias32` (Wellons, "Prospecting for hash functions", 2018): a bijection on `u32`.
#[inline(always)]
pub fn lowbias32(mut x: u32) -> u32 {
    x ^= x >> 16;
    x = x.wrapping_mul(0x7feb_352d);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846c_a68b);
    x ^ (x >> 16)
}

/// A counter-based stream over cells: one uniform 32-bit number per cell, for one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CellStream {
    k1: u32,
    k2: u32,
}

impl CellStream {
    /// The stream of `purpose` at `step` for `entity` (for example a technology index).
    pub fn new(seed: u64, purpose: Purpose, step: u32, entity: u32) -> Self {
        let key = derive_key(seed, purpose, step, entity);
        CellStream {
            k1: key as u32,
            k2: (key >> 32) as u32,
        }
    }

    /// The uniform 32-bit number of cell `cell`.
    #[inline(always)]
    pub fn at(self, cell: u32) -> u32 {
        lowbias32(lowbias32(cell ^ self.k1) ^ self.k2)
    }

    /// A uniform number in `[0, 2^31)`: compared against a [`probability_threshold`].
    #[inline(always)]
    pub fn draw31(self, cell: u32) -> u32 {
        self.at(cell) >> 1
    }

    /// A uniform `f64` in `[0, 1)` for cell `cell` (32 bits of resolution).
    pub fn unit(self, cell: u32) -> f64 {
        f64::from(self.at(cell)) * (1.0 / 4_294_967_296.0)
    }
}

/// The threshold `t` with `P(draw31 < t) = prob`, exact to 2^-31; `prob` is clamped to [0, 1].
#[inline]
pub fn probability_threshold(prob: f64) -> u32 {
    let prob = if prob.is_nan() {
        0.0
    } else {
        prob.clamp(0.0, 1.0)
    };
    (prob * 2_147_483_648.0).round() as u32
}

/// The serial stream of `purpose` and `entity`, derived from the run seed: a [`SplitMix64`]
/// seeded with the stream's key.
pub fn serial_stream(seed: u64, purpose: Purpose, entity: u32) -> SplitMix64 {
    SplitMix64::new(derive_key(seed, purpose, 0, entity))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowbias32_is_a_bijection_on_a_sample() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..100_000u32 {
            assert!(seen.insert(lowbias32(i)));
        }
    }

    #[test]
    fn probability_threshold_is_exact_at_the_ends() {
        assert_eq!(probability_threshold(0.0), 0);
        assert_eq!(probability_threshold(1.0), 1 << 31);
        assert_eq!(probability_threshold(-0.5), 0);
        assert_eq!(probability_threshold(f64::NAN), 0);
        // Every draw31 is below 2^31, so probability 1 always succeeds.
        let s = CellStream::new(1, Purpose::Adoption, 0, 0);
        assert!((0..10_000).all(|c| s.draw31(c) < probability_threshold(1.0)));
        assert!((0..10_000).all(|c| s.draw31(c) >= probability_threshold(0.0)));
    }

    /// Acceptance frequency of a Bernoulli(p) over a million cells lies within four standard
    /// errors of p, for several p, steps and keys.
    #[test]
    fn cell_stream_bernoulli_frequency_matches_probability() {
        let n = 1_000_000u32;
        for (step, p) in [(0u32, 0.5f64), (1, 0.01), (7, 0.3), (100, 0.999)] {
            let s = CellStream::new(42, Purpose::Adoption, step, 3);
            let t = probability_threshold(p);
            let hits = (0..n).filter(|&c| s.draw31(c) < t).count() as f64;
            let se = (p * (1.0 - p) / f64::from(n)).sqrt();
            let freq = hits / f64::from(n);
            assert!((freq - p).abs() < 4.0 * se, "p={p} freq={freq} se={se}");
        }
    }

    /// Neighbouring cells, and the same cell at consecutive steps, are uncorrelated: the sample
    /// correlation over a million pairs lies within four standard errors (1/sqrt(n)) of zero.
    #[test]
    fn cell_stream_has_no_lag_one_correlation() {
        let n = 1_000_000u32;
        let a = CellStream::new(9, Purpose::Adoption, 5, 0);
        let b = CellStream::new(9, Purpose::Adoption, 6, 0);
        let corr = |f: &dyn Fn(u32) -> (f64, f64)| {
            let (mut sx, mut sy, mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for c in 0..n {
                let (x, y) = f(c);
                sx += x;
                sy += y;
                sxx += x * x;
                syy += y * y;
                sxy += x * y;
            }
            let nf = f64::from(n);
            let cov = sxy / nf - (sx / nf) * (sy / nf);
            cov / ((sxx / nf - (sx / nf).powi(2)) * (syy / nf - (sy / nf).powi(2))).sqrt()
        };
        let spatial = corr(&|c| (a.unit(c), a.unit(c + 1)));
        let temporal = corr(&|c| (a.unit(c), b.unit(c)));
        let bound = 4.0 / f64::from(n).sqrt();
        assert!(spatial.abs() < bound, "spatial correlation {spatial}");
        assert!(temporal.abs() < bound, "temporal correlation {temporal}");
    }

    #[test]
    fn streams_differ_by_purpose_step_and_entity() {
        let base = CellStream::new(1, Purpose::Adoption, 0, 0);
        assert_ne!(base, CellStream::new(2, Purpose::Adoption, 0, 0));
        assert_ne!(base, CellStream::new(1, Purpose::SeedAdopters, 0, 0));
        assert_ne!(base, CellStream::new(1, Purpose::Adoption, 1, 0));
        assert_ne!(base, CellStream::new(1, Purpose::Adoption, 0, 1));
    }

    #[test]
    fn splitmix_below_is_in_range_and_roughly_uniform() {
        let mut g = serial_stream(5, Purpose::SeedAdopters, 0);
        let mut counts = [0u32; 10];
        for _ in 0..100_000 {
            counts[g.below_unbiased(10) as usize] += 1;
        }
        // Each count ~ Binomial(1e5, 0.1): sd = 94.9; allow 5 sd.
        assert!(
            counts.iter().all(|&c| (c as i64 - 10_000).abs() < 475),
            "{counts:?}"
        );
    }
}
