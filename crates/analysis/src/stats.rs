//! Small statistical tools: quantiles, and a seeded generator for resampling.

/// The `q`-quantile of ascending `sorted` values, interpolating linearly between order
/// statistics (type 7 of Hyndman & Fan 1996, the default of R and NumPy).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    assert!(!sorted.is_empty(), "no values to take a quantile of");
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// SplitMix64 (Steele, Lea & Flood 2014): a small seeded generator for resampling.
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A uniform index in `[0, n)` (n > 0), by multiply-shift; its bias, below n / 2⁶⁴, is
    /// far under anything a bootstrap could see.
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_r_type_7() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 1.0), 4.0);
        assert_eq!(quantile(&v, 0.5), 2.5);
        // R: quantile(1:4, 0.025) = 1.075
        assert!((quantile(&v, 0.025) - 1.075).abs() < 1e-12);
    }

    #[test]
    fn below_covers_its_range_evenly() {
        let mut g = SplitMix64::new(3);
        let mut counts = [0u32; 6];
        for _ in 0..60_000 {
            counts[g.below(6)] += 1;
        }
        // Binomial(60000, 1/6): sd 91; allow 5 sd.
        assert!(
            counts.iter().all(|&c| (c as i64 - 10_000).abs() < 456),
            "{counts:?}"
        );
    }
}
