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

/// A mean across replications with its 95% interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// The estimate.
    pub mean: f64,
    /// The interval's lower end (NaN below two values: no interval).
    pub lo: f64,
    /// Its upper end (NaN below two values).
    pub hi: f64,
    /// Values it rests on.
    pub n: usize,
}

/// The mean of the finite `values` with its 95% Student's t interval,
/// `x̄ ± t(0.975, n − 1)·s/√n`; one value gives the value and no interval (NaN ends), none a
/// NaN mean. SciPy: `scipy.stats.t.interval(0.95, n − 1, loc = x̄, scale = sem)`.
pub fn mean_interval95(values: &[f64]) -> Interval {
    let mut m = Moments::default();
    for &x in values.iter().filter(|x| x.is_finite()) {
        m.push(x);
    }
    let (lo, hi) = m.interval95();
    Interval {
        mean: m.mean(),
        lo,
        hi,
        n: m.count() as usize,
    }
}

/// The ratio of two means across replications, `R = ā / b̄`, with its 95% interval by the
/// linearisation of the ratio estimator (Cochran 1977, §6.4): `R ± t(0.975, n − 1)·s_d /
/// (√n·b̄)`, `s_d` the sample sd of `d_i = a_i − R·b_i`. Pairs with a non-finite side are
/// dropped; one pair gives its ratio and no interval; `b̄ = 0` gives an infinite (or, with
/// `ā = 0` too, NaN) ratio and no interval.
pub fn ratio_interval95(a: &[f64], b: &[f64]) -> Interval {
    let pairs: Vec<(f64, f64)> = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| (x, y))
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect();
    let n = pairs.len();
    if n == 0 {
        return Interval {
            mean: f64::NAN,
            lo: f64::NAN,
            hi: f64::NAN,
            n,
        };
    }
    let nf = n as f64;
    let mean_a = pairs.iter().map(|p| p.0).sum::<f64>() / nf;
    let mean_b = pairs.iter().map(|p| p.1).sum::<f64>() / nf;
    let ratio = mean_a / mean_b;
    if n < 2 || mean_b == 0.0 {
        return Interval {
            mean: ratio,
            lo: f64::NAN,
            hi: f64::NAN,
            n,
        };
    }
    let mut d = Moments::default();
    for (x, y) in &pairs {
        d.push(x - ratio * y);
    }
    let half = t_975(n as u64 - 1) * d.sd() / (nf.sqrt() * mean_b.abs());
    Interval {
        mean: ratio,
        lo: ratio - half,
        hi: ratio + half,
        n,
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
    fn intervals_of_means_and_of_ratios_match_scipy() {
        // tools/reference/firm_dynamics.py: scipy.stats.t.interval(0.95, 5, loc, sem).
        let i = mean_interval95(&[0.31, 0.27, 0.45, 0.38, 0.29, 0.33, f64::NAN]);
        assert_eq!(i.n, 6);
        assert!((i.mean - 0.3383333333333334).abs() < 1e-15);
        assert!((i.lo - 0.2685899324501396).abs() < 1e-6, "{i:?}");
        assert!((i.hi - 0.4080767342165271).abs() < 1e-6, "{i:?}");
        let one = mean_interval95(&[2.5]);
        assert_eq!((one.mean, one.n), (2.5, 1));
        assert!(one.lo.is_nan() && one.hi.is_nan());
        assert!(mean_interval95(&[]).mean.is_nan());
        // The ratio of means with the linearised interval (same script; t from SciPy).
        let r = ratio_interval95(
            &[0.20, 0.25, 0.18, 0.30, 0.22],
            &[0.05, 0.08, 0.04, 0.10, 0.06],
        );
        assert!((r.mean - 3.4848484848484844).abs() < 1e-12, "{r:?}");
        assert!((r.lo - 2.780246388657722).abs() < 1e-5, "{r:?}");
        assert!((r.hi - 4.189450581039247).abs() < 1e-5, "{r:?}");
        let inf = ratio_interval95(&[0.1, 0.2], &[0.0, 0.0]);
        assert!(inf.mean.is_infinite() && inf.lo.is_nan());
        assert!(ratio_interval95(&[0.0], &[0.0]).mean.is_nan());
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
