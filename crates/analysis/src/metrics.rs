//! Take-up times of an adoption curve.

/// The first step at which `shares[step] ≥ level`, or `None` if it never does.
pub fn first_step_reaching(shares: &[f64], level: f64) -> Option<usize> {
    shares.iter().position(|&s| s >= level)
}

/// The steps at which the share first reaches 10%, 50% and 90%.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TakeUp {
    /// First step at 10% or more.
    pub t10: Option<usize>,
    /// First step at 50% or more.
    pub t50: Option<usize>,
    /// First step at 90% or more.
    pub t90: Option<usize>,
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
    }

    /// Reads the take-up times off a share series indexed by step.
    pub fn of(shares: &[f64]) -> TakeUp {
        TakeUp {
            t10: first_step_reaching(shares, 0.1),
            t50: first_step_reaching(shares, 0.5),
            t90: first_step_reaching(shares, 0.9),
        }
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
        let mut online = TakeUp::default();
        for (step, &share) in s.iter().enumerate() {
            online.observe(step, share);
        }
        assert_eq!(online, t);
    }
}
