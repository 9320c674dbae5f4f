//! The Bass diffusion model (Bass 1969, *Management Science* 15(5): 215–227).
//!
//! Cumulative adoption share `F(t) = (1 − e^{−(p+q)t}) / (1 + (q/p) e^{−(p+q)t})`, adopters
//! `N(t) = m F(t)`, peak of the adoption rate at `t* = ln(q/p) / (p + q)` where
//! `F(t*) = 1/2 − p/(2q)` and the rate is `m (p + q)² / (4q)`.

/// The Bass model's parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bass {
    /// Coefficient of innovation (external influence).
    pub p: f64,
    /// Coefficient of imitation (internal influence).
    pub q: f64,
    /// Market potential.
    pub m: f64,
}

impl Bass {
    /// Cumulative adoption share at continuous time `t ≥ 0`.
    pub fn share(&self, t: f64) -> f64 {
        let (p, q) = (self.p, self.q);
        let e = (-(p + q) * t).exp();
        (1.0 - e) / (1.0 + (q / p) * e)
    }

    /// Cumulative adopters `m F(t)`.
    pub fn adopters(&self, t: f64) -> f64 {
        self.m * self.share(t)
    }

    /// Adoption rate `dN/dt = m f(t)` with `f = (p + q F)(1 − F)`.
    pub fn rate(&self, t: f64) -> f64 {
        let f = self.share(t);
        self.m * (self.p + self.q * f) * (1.0 - f)
    }

    /// Time of the peak adoption rate, `ln(q/p)/(p+q)`; `None` when `q ≤ p` (no interior peak).
    pub fn peak_time(&self) -> Option<f64> {
        (self.q > self.p).then(|| (self.q / self.p).ln() / (self.p + self.q))
    }

    /// Share at the peak, `1/2 − p/(2q)`.
    pub fn peak_share(&self) -> f64 {
        0.5 - self.p / (2.0 * self.q)
    }

    /// Peak adoption rate, `m (p + q)² / (4q)`.
    pub fn peak_rate(&self) -> f64 {
        self.m * (self.p + self.q).powi(2) / (4.0 * self.q)
    }
}

/// The discrete Bass recursion `F_t = F_{t−1} + (p + q F_{t−1})(1 − F_{t−1})`, `F_0 = f0`,
/// for `t = 0..=steps`: the expected adoption share of a synchronous automaton whose firms
/// adopt with probability `p + q · share` (the hazard capped at 1).
pub fn discrete_shares(p: f64, q: f64, f0: f64, steps: usize) -> Vec<f64> {
    let mut shares = Vec::with_capacity(steps + 1);
    let mut f = f0;
    shares.push(f);
    for _ in 0..steps {
        f += (p + q * f).min(1.0) * (1.0 - f);
        shares.push(f);
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `docs/references.md`: p = 0.03, q = 0.38, m = 1000.
    const AIR: Bass = Bass {
        p: 0.03,
        q: 0.38,
        m: 1000.0,
    };

    #[test]
    fn reproduces_the_published_adopter_counts() {
        let expected = [35.7582, 85.0563, 150.5001, 233.1505, 331.1986];
        for (t, want) in (1..=5).zip(expected) {
            let got = AIR.adopters(f64::from(t));
            assert!((got - want).abs() < 5e-4, "N({t}) = {got}, want {want}");
        }
    }

    #[test]
    fn reproduces_the_published_peak() {
        let t_star = AIR.peak_time().unwrap();
        assert!((t_star - 6.19262).abs() < 5e-6, "t* = {t_star}");
        assert!((AIR.peak_rate() - 110.59211).abs() < 5e-6);
        // The closed forms agree with the curve itself.
        assert!((AIR.share(t_star) - AIR.peak_share()).abs() < 1e-12);
        assert!((AIR.rate(t_star) - AIR.peak_rate()).abs() < 1e-9);
    }

    #[test]
    fn no_interior_peak_when_imitation_is_weak() {
        let b = Bass {
            p: 0.3,
            q: 0.1,
            m: 1.0,
        };
        assert_eq!(b.peak_time(), None);
    }

    #[test]
    fn discrete_recursion_first_steps() {
        let f = discrete_shares(0.03, 0.38, 0.0, 3);
        assert_eq!(f[0], 0.0);
        assert!((f[1] - 0.03).abs() < 1e-15);
        // F2 = 0.03 + (0.03 + 0.38·0.03)(0.97)
        assert!((f[2] - (0.03 + (0.03 + 0.38 * 0.03) * 0.97)).abs() < 1e-15);
        assert!(f.windows(2).all(|w| w[1] >= w[0]));
    }

    #[test]
    fn discrete_recursion_caps_the_hazard() {
        let f = discrete_shares(0.9, 0.9, 0.5, 1);
        assert_eq!(f[1], 1.0);
    }
}
