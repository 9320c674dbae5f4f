//! The cluster life cycle: emergence, growth, maturity, decline and renewal, detected each
//! step from the number of firms, the innovation rate and knowledge diversity by a stated rule
//! (`docs/ODD.md`, S20).
//!
//! Over a window of `W = 10` steps, `g` is the mean relative growth of the number of firms per
//! step, `(N_t − N_{t−W}) / (W·N_{t−W})`, against a threshold `g* = 0.002`. The phase starts
//! as emergence and moves:
//! - emergence → growth when `g ≥ g*`, → decline when `g ≤ −g*`, → maturity once `3W` steps
//!   have passed with neither;
//! - growth → maturity when `|g| < g*`, → decline when `g ≤ −g*`;
//! - maturity → growth when `g ≥ g*`, → decline when `g ≤ −g*`;
//! - decline → renewal when `g ≥ g*` and either the innovation rate (innovations per firm,
//!   over the window) is above its mean during the decline or knowledge diversity is above
//!   its value when the decline began — a cluster that grows again on new knowledge; growth
//!   without either is a recovery, back to growth; → maturity when `|g| < g*` for `W` steps
//!   (the shake-out is over: the count holds);
//! - renewal → decline when `g ≤ −g*`, → maturity when `|g| < g*` for `W` steps.
//!
//! A move happens only when the same move has been indicated `HOLD = 3` steps in a row, so a
//! window that wavers about a threshold does not flicker between phases.

use std::collections::VecDeque;

/// A phase of the life cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// The cluster forms.
    Emergence = 0,
    /// Firms multiply.
    Growth = 1,
    /// The number of firms holds.
    Maturity = 2,
    /// Firms leave.
    Decline = 3,
    /// The cluster grows again on new knowledge.
    Renewal = 4,
}

impl Phase {
    /// The phases' names, by code.
    pub const NAMES: [&'static str; 5] = ["emergence", "growth", "maturity", "decline", "renewal"];

    /// Its name.
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// Steps in the window.
pub const WINDOW: usize = 10;
/// The growth threshold `g*` per step.
pub const GROWTH_THRESHOLD: f64 = 0.002;
/// Steps in a row a move must be indicated before it happens.
pub const HOLD: u32 = 3;

/// The detector's state.
#[derive(Clone, Debug, PartialEq)]
pub struct LifeCycle {
    firms: VecDeque<f64>,
    innovations: VecDeque<f64>,
    phase: Phase,
    steps: u32,
    quiet_steps: u32,
    /// Innovation-rate sum and count during the current decline; diversity at its start.
    decline: (f64, f64, f64),
    /// The move indicated, and for how many steps in a row.
    pending: (Phase, u32),
}

impl Default for LifeCycle {
    fn default() -> Self {
        LifeCycle {
            firms: VecDeque::with_capacity(WINDOW + 1),
            innovations: VecDeque::with_capacity(WINDOW),
            phase: Phase::Emergence,
            steps: 0,
            quiet_steps: 0,
            decline: (0.0, 0.0, 0.0),
            pending: (Phase::Emergence, 0),
        }
    }
}

impl LifeCycle {
    /// The current phase.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Takes in a step's end: firms alive, innovations made in it, knowledge diversity.
    pub fn record(&mut self, firms: usize, innovations: u64, diversity: f64) {
        let n = firms as f64;
        self.steps += 1;
        self.firms.push_back(n);
        if self.firms.len() > WINDOW + 1 {
            self.firms.pop_front();
        }
        self.innovations
            .push_back(if n > 0.0 { innovations as f64 / n } else { 0.0 });
        if self.innovations.len() > WINDOW {
            self.innovations.pop_front();
        }
        if self.firms.len() <= WINDOW {
            return;
        }
        let before = self.firms[0];
        let g = if before > 0.0 {
            (n - before) / (WINDOW as f64 * before)
        } else {
            0.0
        };
        let rate = self.innovations.iter().sum::<f64>() / self.innovations.len() as f64;
        let (up, down) = (g >= GROWTH_THRESHOLD, g <= -GROWTH_THRESHOLD);
        let quiet = !up && !down;
        self.quiet_steps = if quiet { self.quiet_steps + 1 } else { 0 };
        let next = match self.phase {
            Phase::Emergence if up => Phase::Growth,
            Phase::Emergence if down => Phase::Decline,
            Phase::Emergence if self.steps >= 3 * WINDOW as u32 => Phase::Maturity,
            Phase::Growth if down => Phase::Decline,
            Phase::Growth if quiet => Phase::Maturity,
            Phase::Maturity if up => Phase::Growth,
            Phase::Maturity if down => Phase::Decline,
            Phase::Decline if up => {
                let (sum, count, diversity_then) = self.decline;
                let mean_rate = if count > 0.0 { sum / count } else { 0.0 };
                if rate > mean_rate || diversity > diversity_then {
                    Phase::Renewal
                } else {
                    Phase::Growth
                }
            }
            // A decline that stops — the count holds for a window — leaves a mature industry
            // (Klepper 1996: after the shake-out the number of producers stabilises).
            Phase::Decline if self.quiet_steps >= WINDOW as u32 => Phase::Maturity,
            Phase::Renewal if down => Phase::Decline,
            Phase::Renewal if self.quiet_steps >= WINDOW as u32 => Phase::Maturity,
            same => same,
        };
        let next = if next == self.phase {
            self.pending = (next, 0);
            next
        } else {
            let count = if self.pending.0 == next {
                self.pending.1 + 1
            } else {
                1
            };
            self.pending = (next, count);
            if count >= HOLD {
                next
            } else {
                self.phase
            }
        };
        if next == Phase::Decline {
            if self.phase != Phase::Decline {
                self.decline = (0.0, 0.0, diversity);
            }
            self.decline.0 += rate;
            self.decline.1 += 1.0;
        }
        self.phase = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cluster that forms, grows, holds, shrinks and grows again on new knowledge passes
    /// through every phase; without new knowledge the regrowth is a recovery.
    #[test]
    fn the_rule_follows_a_synthetic_cycle() {
        let run = |renew: bool| {
            let mut lc = LifeCycle::default();
            let mut n = 100.0f64;
            let mut seen = Vec::new();
            for t in 0..200 {
                let g = match t {
                    0..=19 => 0.0,
                    20..=59 => 0.02,
                    60..=99 => 0.0,
                    100..=139 => -0.02,
                    _ => 0.02,
                };
                n *= 1.0 + g;
                let innovations = if renew && t >= 140 { 0.5 * n } else { 0.1 * n };
                let diversity = if renew && t >= 140 { 0.9 } else { 0.5 };
                lc.record(n as usize, innovations as u64, diversity);
                if seen.last() != Some(&lc.phase()) {
                    seen.push(lc.phase());
                }
            }
            seen
        };
        use Phase::*;
        assert_eq!(run(true), [Emergence, Growth, Maturity, Decline, Renewal]);
        assert_eq!(run(false), [Emergence, Growth, Maturity, Decline, Growth]);
    }
}
