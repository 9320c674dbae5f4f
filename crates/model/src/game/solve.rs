//! Solutions of the diffusion game: every pure-strategy Nash equilibrium among the 64
//! class-symmetric profiles (exact: each class's firm checked against all four of its own
//! strategies), mixed equilibria in which one class mixes one of its choices, the
//! welfare-maximising profile, and the price of anarchy.

use super::{others, strategy, Game, Profile, CLASSES};

/// A Nash equilibrium of the game.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Equilibrium {
    /// The profile: pure (shares 0 or 1), or one share strictly between.
    pub profile: Profile,
    /// Payoff of a firm of each class.
    pub payoffs: [f64; 3],
    /// Social welfare.
    pub welfare: f64,
    /// Market price.
    pub price: f64,
}

impl Equilibrium {
    /// Whether every share is 0 or 1.
    pub fn is_pure(&self) -> bool {
        self.profile.bits().is_some()
    }
}

/// What a game's solution says.
#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    /// Pure-strategy equilibria, by profile number.
    pub pure: Vec<Equilibrium>,
    /// Mixed equilibria with one mixing choice.
    pub mixed: Vec<Equilibrium>,
    /// The welfare-maximising class-symmetric pure profile and its welfare.
    pub optimum: Equilibrium,
    /// `W_opt / W` of the worst equilibrium (pure ones if any, else mixed); `None` without
    /// equilibria or with non-positive welfare.
    pub price_of_anarchy: Option<f64>,
    /// `W_opt / W` of the best equilibrium.
    pub price_of_stability: Option<f64>,
}

/// Payoff differences within this tolerance (relative to the payoff's size) are ties.
fn tolerance(payoff: f64) -> f64 {
    1e-9 * payoff.abs().max(1.0)
}

impl Game {
    /// Whether a class-`k` firm gains by deviating from `profile` to another of its four
    /// strategies, given everyone else follows it; `profile` must be pure for class `k`.
    pub fn can_improve(&self, profile: &Profile, k: usize) -> bool {
        if self.firms[k] == 0 {
            return false;
        }
        let own = self.outcome(profile, k, &profile.share[k]).payoff;
        (0..4u8).any(|s| self.outcome(profile, k, &strategy(k, s)).payoff > own + tolerance(own))
    }

    /// Whether the pure `profile` is a Nash equilibrium: no firm of any class gains by
    /// deviating alone.
    pub fn is_equilibrium(&self, profile: &Profile) -> bool {
        (0..3).all(|k| !self.can_improve(profile, k))
    }

    /// The profile's equilibrium record (payoffs, welfare, price).
    pub fn evaluate(&self, profile: &Profile) -> Equilibrium {
        let (welfare, outcome) = self.welfare(profile);
        Equilibrium {
            profile: *profile,
            payoffs: [0, 1, 2].map(|k| self.payoff(profile, k)),
            welfare,
            price: outcome.price,
        }
    }

    /// Every pure class-symmetric Nash equilibrium.
    pub fn pure_equilibria(&self) -> Vec<Equilibrium> {
        (0..64u8)
            .map(Profile::pure)
            .filter(|p| self.is_equilibrium(p))
            .map(|p| self.evaluate(&p))
            .collect()
    }

    /// A class-`k` firm's gain from sharing with class `j` over withholding, its other choice
    /// following the profile's share for its class (a mean over it when strictly between).
    pub fn sharing_gain(&self, profile: &Profile, k: usize, j: usize) -> f64 {
        let other = others(k).into_iter().find(|&o| o != j).unwrap_or(j);
        let p_other = profile.share[k][other];
        let mut gain = 0.0;
        for (weight, v) in [(1.0 - p_other, 0.0), (p_other, 1.0)] {
            if weight == 0.0 {
                continue;
            }
            let mut with = [0.0; 3];
            with[other] = v;
            let mut without = with;
            with[j] = 1.0;
            without[j] = 0.0;
            gain += weight
                * (self.outcome(profile, k, &with).payoff
                    - self.outcome(profile, k, &without).payoff);
        }
        gain
    }

    /// Mixed equilibria in which exactly one class mixes exactly one of its two choices and
    /// every other choice is pure: along each such line of profiles, the share at which the
    /// mixing firm is indifferent (sign changes on a grid of 256 shares, refined by
    /// bisection), kept where every firm's choices are best responses.
    pub fn mixed_equilibria(&self) -> Vec<Equilibrium> {
        const GRID: usize = 256;
        let mut found = Vec::new();
        for bits in 0..64u8 {
            let base = Profile::pure(bits);
            for k in 0..3 {
                if self.firms[k] == 0 {
                    continue;
                }
                for j in others(k) {
                    // Each line is visited from both of its ends: keep the one with j's bit 0.
                    if base.share[k][j] != 0.0 {
                        continue;
                    }
                    let at = |p: f64| {
                        let mut profile = base;
                        profile.share[k][j] = p;
                        profile
                    };
                    let gain = |p: f64| self.sharing_gain(&at(p), k, j);
                    let mut previous = (0.0, gain(0.0));
                    for i in 1..=GRID {
                        let p = i as f64 / GRID as f64;
                        let g = gain(p);
                        if previous.1 != 0.0 && g != 0.0 && (previous.1 < 0.0) != (g < 0.0) {
                            let (mut lo, mut hi) = (previous.0, p);
                            let lo_negative = previous.1 < 0.0;
                            for _ in 0..60 {
                                let mid = 0.5 * (lo + hi);
                                if (gain(mid) < 0.0) == lo_negative {
                                    lo = mid;
                                } else {
                                    hi = mid;
                                }
                            }
                            let p = 0.5 * (lo + hi);
                            let profile = at(p);
                            // A jump (a class priced out) changes sign without a root.
                            let scale = self.outcome(&profile, k, &profile.share[k]).payoff;
                            let indifferent = gain(p).abs() <= 1e-6 * scale.abs().max(1.0);
                            if indifferent && self.mixed_is_equilibrium(&profile, k, j) {
                                found.push(self.evaluate(&profile));
                            }
                        }
                        previous = (p, g);
                    }
                }
            }
        }
        found
    }

    /// Whether `profile`, pure but for class `k`'s share towards `j`, is an equilibrium: the
    /// mixing firm indifferent in `j` and best in its other choice; everyone else best.
    fn mixed_is_equilibrium(&self, profile: &Profile, k: usize, j: usize) -> bool {
        let other = others(k).into_iter().find(|&o| o != j).unwrap_or(j);
        // The mixing firm: both choices towards j, with its pure other choice, must be best.
        let pure_other = profile.share[k][other];
        let mut best_own = f64::NEG_INFINITY;
        let mut best_any = f64::NEG_INFINITY;
        for s in 0..4u8 {
            let st = strategy(k, s);
            let payoff = self.outcome(profile, k, &st).payoff;
            best_any = best_any.max(payoff);
            if st[other] == pure_other {
                best_own = best_own.max(payoff);
            }
        }
        if best_any > best_own + tolerance(best_own) {
            return false;
        }
        (0..3)
            .filter(|&m| m != k)
            .all(|m| !self.can_improve(profile, m))
    }

    /// The pure class-symmetric profile of greatest welfare (the first, if several tie).
    pub fn welfare_optimum(&self) -> Equilibrium {
        let mut best = self.evaluate(&Profile::pure(0));
        for bits in 1..64u8 {
            let candidate = self.evaluate(&Profile::pure(bits));
            if candidate.welfare > best.welfare + tolerance(best.welfare) {
                best = candidate;
            }
        }
        best
    }

    /// Equilibria, optimum and the prices of anarchy and stability.
    pub fn solve(&self) -> Solution {
        let pure = self.pure_equilibria();
        let mixed = self.mixed_equilibria();
        let optimum = self.welfare_optimum();
        let reference = if pure.is_empty() { &mixed } else { &pure };
        let ratio = |w: f64| (w > 0.0).then(|| optimum.welfare / w);
        let worst = reference.iter().map(|e| e.welfare).reduce(f64::min);
        let best = reference.iter().map(|e| e.welfare).reduce(f64::max);
        Solution {
            pure,
            mixed,
            optimum,
            price_of_anarchy: worst.and_then(ratio),
            price_of_stability: best.and_then(ratio),
        }
    }
}

/// A profile in words, class by class: e.g. `leaders withhold from middle, withhold from
/// laggards; …`; shares strictly between 0 and 1 as percentages.
pub fn describe(profile: &Profile) -> String {
    (0..3)
        .map(|k| {
            let parts: Vec<String> = others(k)
                .iter()
                .map(|&j| {
                    let s = profile.share[k][j];
                    let verb = if s == 1.0 {
                        "share with".to_string()
                    } else if s == 0.0 {
                        "withhold from".to_string()
                    } else {
                        format!("share ({:.1}%) with", 100.0 * s)
                    };
                    format!("{verb} {}", CLASSES[j])
                })
                .collect();
            format!("{} {}", CLASSES[k], parts.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}
