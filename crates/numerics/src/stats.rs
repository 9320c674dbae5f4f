//! Small statistical tools: quantiles, running moments, Student's t intervals, and a seeded
//! generator for resampling.

/// The `q`-quantile of ascending `sorted` values, interpolating linearly between order
/// statistics (type 7 of Hyndman & Fan 1996, the default of R and NumPy).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    assert!(!sorted.is_empty(), "no values to take a quantile of");
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Mean and spread kept one value at a time (Welford 1962): stable for large, close values.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Moments {
    n: u64,
    mean: f64,
    m2: f64,
}

impl Moments {
    /// Adds a value.
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        let delta = x - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (x - self.mean);
    }

    /// Values seen.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Their mean (NaN with none).
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            f64::NAN
        } else {
            self.mean
        }
    }

    /// Their population standard deviation (`n` in the denominator; NaN with none).
    pub fn population_sd(&self) -> f64 {
        if self.n == 0 {
            f64::NAN
        } else {
            (self.m2 / self.n as f64).max(0.0).sqrt()
        }
    }

    /// Their sample standard deviation (`n − 1` in the denominator; NaN below two values).
    pub fn sd(&self) -> f64 {
        if self.n < 2 {
            f64::NAN
        } else {
            (self.m2 / (self.n - 1) as f64).max(0.0).sqrt()
        }
    }

    /// The 95% confidence interval of the mean, `mean ± t(0.975, n − 1)·sd/√n` (NaN below two
    /// values).
    pub fn interval95(&self) -> (f64, f64) {
        if self.n < 2 {
            return (f64::NAN, f64::NAN);
        }
        let half = t_975(self.n - 1) * self.sd() / (self.n as f64).sqrt();
        (self.mean - half, self.mean + half)
    }
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom: exact table values to 30,
/// then Fisher's expansion in `1/df` around the normal quantile (error below 1e-5).
pub fn t_975(df: u64) -> f64 {
    const TABLE: [f64; 30] = [
        12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157,
        2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922,
        2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831,
        2.048407, 2.045230, 2.042272,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => TABLE[df as usize - 1],
        _ => {
            let z: f64 = 1.959963984540054;
            let n = df as f64;
            let g1 = (z.powi(3) + z) / 4.0;
            let g2 = (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / 96.0;
            let g3 = (3.0 * z.powi(7) + 19.0 * z.powi(5) + 17.0 * z.powi(3) - 15.0 * z) / 384.0;
            z + g1 / n + g2 / (n * n) + g3 / (n * n * n)
        }
    }
}

/// SplitMix64's output function (Steele, Lea & Flood 2014): a bijective 64-bit finaliser,
/// also used on its own to derive keys and seeds.
#[inline]
pub fn splitmix64_mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// SplitMix64 (Steele, Lea & Flood 2014): a small seeded generator for serial draws
/// (resampling, designs, seeding) outside the hot loops. The one SplitMix64 of clusterlab.
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
        splitmix64_mix(self.state)
    }

    /// A uniform `f64` in `[0, 1)` with 53 bits of resolution.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A uniform index in `[0, n)` (n > 0), by multiply-shift; its bias, below n / 2⁶⁴, is
    /// far under anything a bootstrap could see.
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// A uniform integer in `[0, n)`, exactly unbiased (Lemire's method with rejection).
    pub fn below_unbiased(&mut self, n: u64) -> u64 {
        assert!(n > 0, "below_unbiased(0) has no value to return");
        loop {
            let m = u128::from(self.next_u64()) * u128::from(n);
            let low = m as u64;
            if low >= n.wrapping_neg() % n {
                return (m >> 64) as u64;
            }
        }
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
    fn moments_and_t_intervals() {
        let mut m = Moments::default();
        for x in [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0] {
            m.push(x);
        }
        assert_eq!(m.mean(), 5.0);
        assert!((m.sd() - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
        let (lo, hi) = m.interval95();
        let half = 2.364624 * (32.0f64 / 7.0).sqrt() / 8f64.sqrt();
        assert!((lo - (5.0 - half)).abs() < 1e-9 && (hi - (5.0 + half)).abs() < 1e-9);
        // R: qt(0.975, c(31, 60, 120, 1000)).
        for (df, r) in [
            (31, 2.039513),
            (60, 2.000298),
            (120, 1.979930),
            (1000, 1.962339),
        ] {
            assert!(
                (t_975(df) - r).abs() < 2e-5,
                "df {df}: {} vs {r}",
                t_975(df)
            );
        }
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
