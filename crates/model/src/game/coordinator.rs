//! The government as coordinator: the cheapest scheme of subsidies and taxes, per unit of
//! shared cost reduction and by class, that makes the welfare-maximising profile an
//! equilibrium; and support for a generic (common) technology that lowers every laggard's
//! cost.
//!
//! **The family searched.** One rate per class, `s_k`, paid per unit of cost reduction the
//! firm gives away by sharing (a subsidy when positive, a tax when negative). The rate is a
//! lump-sum transfer: it does not move the market, so a firm's payoff is linear in it,
//! `π_k(σ) + s_k·D_k(σ)` with `D_k(σ)` the reduction it shares under strategy `σ`. Keeping the
//! target strategy `σ*` at least as good as each of the other three gives one bound on `s_k`
//! per alternative: a floor where `σ*` shares more, a ceiling where it shares less. The
//! fiscal cost `Σ_k n_k·s_k·D_k(σ*)` grows with every rate whose class shares under `σ*`, so
//! the cheapest scheme takes each rate at 0 when the bounds allow it, else at the bound
//! nearest 0 — exact, and checked in the tests against every cheaper scheme tried.

use super::{strategy, Game, Profile};

/// The coordinator's scheme for a target profile.
#[derive(Clone, Debug, PartialEq)]
pub struct Scheme {
    /// The profile the scheme makes an equilibrium.
    pub target: Profile,
    /// Per class: the rate (subsidy if positive, tax if negative), or `None` when no rate
    /// makes the class's target strategy a best response.
    pub rates: [Option<f64>; 3],
    /// Per class: the interval of rates that works, `(floor, ceiling)` (infinite where
    /// unbounded); empty (floor above ceiling) where none does.
    pub bounds: [(f64, f64); 3],
    /// Public money the scheme costs per period at the target: subsidies paid less taxes
    /// collected.
    pub fiscal_cost: f64,
    /// Whether the target is an equilibrium under the scheme (checked by best responses).
    pub is_equilibrium: bool,
}

impl Scheme {
    /// Whether every class has a working rate.
    pub fn feasible(&self) -> bool {
        self.rates.iter().all(Option::is_some)
    }
}

impl Game {
    /// This game with rates `rates` per class.
    pub fn with_rates(&self, rates: [f64; 3]) -> Game {
        Game {
            subsidy: rates,
            ..*self
        }
    }

    /// The cheapest scheme that makes the pure `target` an equilibrium (see the module).
    pub fn coordinate(&self, target: &Profile) -> Scheme {
        let bare = self.with_rates([0.0; 3]);
        let mut rates = [None; 3];
        let mut bounds = [(f64::NEG_INFINITY, f64::INFINITY); 3];
        for k in 0..3 {
            if self.firms[k] == 0 {
                rates[k] = Some(0.0);
                continue;
            }
            let own = bare.outcome(target, k, &target.share[k]);
            let (mut floor, mut ceiling) = (f64::NEG_INFINITY, f64::INFINITY);
            let mut possible = true;
            for s in 0..4u8 {
                let alt = bare.outcome(target, k, &strategy(k, s));
                let (gain, more_shared) = (alt.payoff - own.payoff, own.shared - alt.shared);
                let tiny = 1e-12 * own.shared.abs().max(1.0);
                if more_shared > tiny {
                    floor = floor.max(gain / more_shared);
                } else if more_shared < -tiny {
                    ceiling = ceiling.min(gain / more_shared);
                } else if gain > 1e-9 * own.payoff.abs().max(1.0) {
                    possible = false;
                }
            }
            bounds[k] = (floor, ceiling);
            if possible && floor <= ceiling {
                rates[k] = Some(0.0f64.clamp(floor, ceiling));
            }
        }
        let applied = self.with_rates(rates.map(|r| r.unwrap_or(0.0)));
        let feasible = rates.iter().all(Option::is_some);
        Scheme {
            target: *target,
            rates,
            bounds,
            fiscal_cost: applied.fiscal_cost(target),
            is_equilibrium: feasible && applied.is_equilibrium(target),
        }
    }

    /// This game with a generic technology that lowers the laggards' cost by `reduction`.
    pub fn with_generic_technology(&self, reduction: f64) -> Game {
        let mut costs = self.costs;
        costs[2] -= reduction;
        Game { costs, ..*self }
    }
}

/// The effect of a generic technology: equilibria and welfare before and after.
#[derive(Clone, Debug, PartialEq)]
pub struct GenericSupport {
    /// Laggards' cost reduction.
    pub reduction: f64,
    /// Its public cost per period.
    pub cost: f64,
    /// Welfare of the worst pure equilibrium without it and with it (`None` without one).
    pub welfare_before: Option<f64>,
    /// See `welfare_before`.
    pub welfare_after: Option<f64>,
    /// The pure equilibria with it.
    pub equilibria_after: Vec<Profile>,
    /// `W_after − W_before − (1 + λ)·cost`.
    pub net_gain: Option<f64>,
}

/// The effect of a generic technology lowering every laggard's cost by `reduction` at public
/// cost `cost` per period, with marginal cost of public funds `1 + lambda`.
pub fn generic_support(game: &Game, reduction: f64, cost: f64, lambda: f64) -> GenericSupport {
    let worst = |g: &Game| {
        g.pure_equilibria()
            .iter()
            .map(|e| e.welfare)
            .reduce(f64::min)
    };
    let after = game.with_generic_technology(reduction);
    let (before, after_w) = (worst(game), worst(&after));
    GenericSupport {
        reduction,
        cost,
        welfare_before: before,
        welfare_after: after_w,
        equilibria_after: after.pure_equilibria().iter().map(|e| e.profile).collect(),
        net_gain: before
            .zip(after_w)
            .map(|(b, a)| a - b - (1.0 + lambda) * cost),
    }
}
