//! Take-up times and the peak adoption rate of an adoption curve.

/// The first step at which `shares[step] ≥ level`, or `None` if it never does.
pub fn first_step_reaching(shares: &[f64], level: f64) -> Option<usize> {
    shares.iter().position(|&s| s >= level)
}

/// The steps at which the share first reaches 10%, 50% and 90%, and the largest rise of the
/// share in one step (the peak adoption rate, seed adopters at an arrival included).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TakeUp {
    /// First step at 10% or more.
    pub t10: Option<usize>,
    /// First step at 50% or more.
    pub t50: Option<usize>,
    /// First step at 90% or more.
    pub t90: Option<usize>,
    /// The largest `share[t] − share[t − 1]`, 0 if the share never rises.
    pub peak_rate: f64,
    /// The step `t` of that rise (the first, if several tie), `None` if it never rises.
    pub peak_step: Option<usize>,
    /// The last share observed.
    last: Option<f64>,
}

impl TakeUp {
    /// Takes the share at `step` into account, for series observed one step at a time.
    pub fn observe(&mut self, step: usize, share: f64) {
        for (slot, level) in [
            (&mut self.t10, 0.1),
            (&mut self.t50, 0.5),
            (&mut self.t90, 0.9),
        ] {
            if slot.is_none() && share >= level {
                *slot = Some(step);
            }
        }
        if let Some(last) = self.last {
            if share - last > self.peak_rate {
                self.peak_rate = share - last;
                self.peak_step = Some(step);
            }
        }
        self.last = Some(share);
    }

    /// Reads the take-up times off a share series indexed by step.
    pub fn of(shares: &[f64]) -> TakeUp {
        let mut take_up = TakeUp::default();
        for (step, &share) in shares.iter().enumerate() {
            take_up.observe(step, share);
        }
        take_up
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_first_crossings() {
        let s = [0.0, 0.05, 0.1, 0.4, 0.55, 0.3, 0.95];
        let t = TakeUp::of(&s);
        assert_eq!((t.t10, t.t50, t.t90), (Some(2), Some(4), Some(6)));
        assert_eq!(TakeUp::of(&[0.0, 0.2]).t50, None);
        assert_eq!(t.t10, first_step_reaching(&s, 0.1));
        assert_eq!(t.t90, first_step_reaching(&s, 0.9));
        // The largest one-step rise is 0.3 → 0.95 at step 6; the fall at step 5 does not count.
        assert!((t.peak_rate - 0.65).abs() < 1e-12);
        assert_eq!(t.peak_step, Some(6));
        let flat = TakeUp::of(&[0.2, 0.2, 0.1]);
        assert_eq!((flat.peak_rate, flat.peak_step), (0.0, None));
    }
}
