//! The diffusion game of technology leaders, middle firms and laggards (after Kuang & Zhang):
//! who shares technology with whom when each firm maximises its producer surplus, what that
//! costs society, and what a government coordinator must pay to reach the welfare optimum.
//!
//! **The stage game.** `n = n_L + n_M + n_G` firms in three classes with unit costs
//! `c_L < c_M < c_G` compete à la Cournot on a market with inverse demand `P = a − bQ`. Each
//! firm chooses, towards each other class, to share its technology or withhold it. A firm of
//! class `k` sharing with a firm of class `j` lowers that firm's cost by
//! `δ_kj = θ·w·(c_j − c_k)⁺` (`θ` the spillover, `w = 1/(n − 1)` the weight of one contact, so
//! a firm that every better firm shares with closes the share `θ` of its gap to them), and
//! receives from it a licence fee `φ·δ_kj·q_j` (the share `φ` of the receiver's saving on its
//! output) and a reciprocity benefit `r·w` (the value of the relation, whichever way the
//! technology flows). Payoff: Cournot profit plus fees and benefits received, less fees paid.
//! Social welfare: consumer surplus plus profits plus reciprocity benefits (fees are transfers
//! and cancel).
//!
//! **Profiles.** A class-symmetric profile gives each class's choice towards each of the two
//! other classes: six bits, 64 profiles. Population profiles generalise them: `p_kj` the share
//! of class-`k` firms that share with class `j`. Payoffs are those of one focal firm whose own
//! choices are given and whose classmates follow the profile, so unilateral deviations are
//! exact; shares strictly between 0 and 1 describe large populations (mean field).
//!
//! Submodules: [`solve`] (equilibria, welfare optimum, price of anarchy), [`coordinator`]
//! (the cheapest subsidy-and-tax scheme, generic technology support), [`region`] (where the
//! Kuang–Zhang pattern holds), [`rnd`] (d'Aspremont & Jacquemin's R&D with spillovers),
//! [`file`] (game files). Documented in `docs/ODD.md` (S16).

pub mod coordinator;
pub mod cournot;
pub mod file;
pub mod region;
pub mod rnd;
pub mod solve;

/// The classes, in the order of every per-class array: leaders, middle firms, laggards.
pub const CLASSES: [&str; 3] = ["leaders", "middle", "laggards"];

/// Index of the leaders in per-class arrays.
pub const LEADERS: usize = 0;
/// Index of the middle firms.
pub const MIDDLE: usize = 1;
/// Index of the laggards.
pub const LAGGARDS: usize = 2;

/// The checked parameters of a diffusion game.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Game {
    /// Demand intercept `a` (the choke price).
    pub intercept: f64,
    /// Demand slope `b`.
    pub slope: f64,
    /// Firms per class.
    pub firms: [u32; 3],
    /// Unit cost per class, strictly increasing.
    pub costs: [f64; 3],
    /// `θ`: the share of the cost gap a receiver closes when every better firm shares with it.
    pub spillover: f64,
    /// `φ`: the share of the receiver's saving paid to the sharer as a licence fee.
    pub licence_fee: f64,
    /// `r`: the reciprocity benefit of a sharing relation (per unit of contact weight).
    pub reciprocity: f64,
    /// Per class: subsidy (positive) or tax (negative) per unit of cost reduction shared.
    pub subsidy: [f64; 3],
}

/// A population profile: `share[k][j]`, the share of class-`k` firms sharing with class `j`
/// (the diagonal is unused).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Profile {
    /// Sharing shares by (from, to) class.
    pub share: [[f64; 3]; 3],
}

/// The other two classes of class `k`, in order.
pub const fn others(k: usize) -> [usize; 2] {
    match k {
        0 => [1, 2],
        1 => [0, 2],
        _ => [0, 1],
    }
}

impl Profile {
    /// The pure class-symmetric profile numbered `bits` (0..64): bit `2k + i` says whether
    /// class `k` shares with its `i`-th other class ([`others`]).
    pub fn pure(bits: u8) -> Profile {
        let mut share = [[0.0; 3]; 3];
        for (k, row) in share.iter_mut().enumerate() {
            for (i, &j) in others(k).iter().enumerate() {
                row[j] = f64::from((bits >> (2 * k + i)) & 1);
            }
        }
        Profile { share }
    }

    /// The number of a pure profile (`None` if some share is strictly between 0 and 1).
    pub fn bits(&self) -> Option<u8> {
        let mut bits = 0u8;
        for k in 0..3 {
            for (i, &j) in others(k).iter().enumerate() {
                let s = self.share[k][j];
                if s == 1.0 {
                    bits |= 1 << (2 * k + i);
                } else if s != 0.0 {
                    return None;
                }
            }
        }
        Some(bits)
    }

    /// Class `k`'s strategy as a two-bit number (bit `i`: shares with its `i`-th other class),
    /// for pure profiles.
    pub fn strategy_of(&self, k: usize) -> u8 {
        let [j0, j1] = others(k);
        u8::from(self.share[k][j0] == 1.0) | (u8::from(self.share[k][j1] == 1.0) << 1)
    }
}

/// A focal firm's strategy: whether (or with what probability) it shares with each class.
pub type Strategy = [f64; 3];

/// The strategy numbered `s` (0..4) of a class-`k` firm: bit `i` shares with its `i`-th other
/// class.
pub fn strategy(k: usize, s: u8) -> Strategy {
    let mut out = [0.0; 3];
    for (i, &j) in others(k).iter().enumerate() {
        out[j] = f64::from((s >> i) & 1);
    }
    out
}

/// The market outcome and payoffs when a focal firm of one class plays a strategy against a
/// profile.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Outcome {
    /// Unit cost per class after sharing.
    pub costs: [f64; 3],
    /// Output per firm of each class.
    pub output: [f64; 3],
    /// Market price.
    pub price: f64,
    /// Consumer surplus.
    pub consumer_surplus: f64,
    /// Cournot profit per firm of each class.
    pub profit: [f64; 3],
    /// The focal firm's payoff: its profit, plus fees, reciprocity benefits and subsidies
    /// received for what it shares, less the fees it pays for what it receives.
    pub payoff: f64,
    /// Cost reduction the focal firm gives away in total (the base of its subsidy).
    pub shared: f64,
}

/// Cournot equilibrium of classes of identical firms: `groups` of (unit cost, firms), demand
/// `P = a − bQ`. Returns the price and the output per firm of each group (0 where priced out).
/// Exact: a group produces iff its cost is below the price of the cheaper groups alone, and
/// then all its firms do.
pub fn cournot_classes(costs: &[f64; 3], firms: &[f64; 3], a: f64, b: f64) -> (f64, [f64; 3]) {
    let mut order = [0usize, 1, 2];
    order.sort_by(|&x, &y| costs[x].total_cmp(&costs[y]));
    let (mut sum, mut count, mut price) = (0.0, 0.0, a);
    for &g in &order {
        if firms[g] <= 0.0 {
            continue;
        }
        if costs[g] < price {
            sum += firms[g] * costs[g];
            count += firms[g];
            price = (a + sum) / (count + 1.0);
        } else {
            break;
        }
    }
    let mut output = [0.0; 3];
    for g in 0..3 {
        output[g] = (price - costs[g]).max(0.0) / b;
    }
    (price, output)
}

impl Game {
    /// Total firms.
    pub fn n(&self) -> f64 {
        self.firms.iter().map(|&n| f64::from(n)).sum()
    }

    /// The weight `w = 1/(n − 1)` of one contact.
    pub fn contact_weight(&self) -> f64 {
        1.0 / (self.n() - 1.0).max(1.0)
    }

    /// `δ_kj`: the cost reduction one class-`k` firm gives one class-`j` firm by sharing.
    pub fn reduction(&self, k: usize, j: usize) -> f64 {
        self.spillover * self.contact_weight() * (self.costs[j] - self.costs[k]).max(0.0)
    }

    /// The outcome when one firm of class `focal` plays `strategy` and every other firm
    /// follows `profile`.
    pub fn outcome(&self, profile: &Profile, focal: usize, strategy: &Strategy) -> Outcome {
        let n: [f64; 3] = self.firms.map(f64::from);
        // Sharers of class m towards class j: the focal's classmates by the profile, plus the
        // focal itself by its strategy.
        let sharers = |m: usize, j: usize| {
            if m == focal {
                (n[m] - 1.0) * profile.share[m][j] + strategy[j]
            } else {
                n[m] * profile.share[m][j]
            }
        };
        let mut costs = self.costs;
        for (j, cost) in costs.iter_mut().enumerate() {
            for m in others(j) {
                *cost -= sharers(m, j) * self.reduction(m, j);
            }
        }
        let (price, output) = cournot_classes(&costs, &n, self.intercept, self.slope);
        let profit = output.map(|q| self.slope * q * q);
        let consumer_surplus = (self.intercept - price).powi(2) / (2.0 * self.slope);
        let w = self.contact_weight();
        let mut payoff = profit[focal];
        let mut shared = 0.0;
        for j in others(focal) {
            let delta = self.reduction(focal, j);
            payoff += strategy[j]
                * n[j]
                * (self.licence_fee * delta * output[j]
                    + self.reciprocity * w
                    + self.subsidy[focal] * delta);
            shared += strategy[j] * n[j] * delta;
        }
        // Fees paid on what the focal firm receives.
        payoff -= self.licence_fee * output[focal] * (self.costs[focal] - costs[focal]);
        Outcome {
            costs,
            output,
            price,
            consumer_surplus,
            profit,
            payoff,
            shared,
        }
    }

    /// A class-`k` firm's payoff when it follows the profile (a population profile's firm
    /// shares with each class with the profile's probability; for shares strictly between 0
    /// and 1 the payoff is the mean over its own choices).
    pub fn payoff(&self, profile: &Profile, k: usize) -> f64 {
        let [j0, j1] = others(k);
        let (p0, p1) = (profile.share[k][j0], profile.share[k][j1]);
        (0..4u8)
            .map(|s| {
                let weight =
                    if s & 1 == 1 { p0 } else { 1.0 - p0 } * if s & 2 == 2 { p1 } else { 1.0 - p1 };
                if weight == 0.0 {
                    0.0
                } else {
                    weight * self.outcome(profile, k, &strategy(k, s)).payoff
                }
            })
            .sum()
    }

    /// Social welfare of a profile, with the market outcome: consumer surplus plus every
    /// firm's profit plus the reciprocity benefits of the sharing relations.
    pub fn welfare(&self, profile: &Profile) -> (f64, Outcome) {
        // Any focal firm following the profile gives the profile's own outcome.
        let k = (0..3).find(|&k| self.firms[k] > 0).unwrap_or(0);
        let outcome = self.outcome(profile, k, &profile.share[k]);
        let n: [f64; 3] = self.firms.map(f64::from);
        let w = self.contact_weight();
        let mut welfare = outcome.consumer_surplus;
        for m in 0..3 {
            welfare += n[m] * outcome.profit[m];
            for j in others(m) {
                welfare += n[m] * profile.share[m][j] * n[j] * self.reciprocity * w;
            }
        }
        (welfare, outcome)
    }

    /// Public money a profile costs under the game's subsidies: per class, its sharers times
    /// the cost reduction each gives away, times the class's rate (negative for taxes).
    pub fn fiscal_cost(&self, profile: &Profile) -> f64 {
        let n: [f64; 3] = self.firms.map(f64::from);
        (0..3)
            .map(|k| {
                others(k)
                    .iter()
                    .map(|&j| n[k] * profile.share[k][j] * n[j] * self.reduction(k, j))
                    .sum::<f64>()
                    * self.subsidy[k]
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn example() -> Game {
        Game {
            intercept: 100.0,
            slope: 1.0,
            firms: [3, 5, 8],
            costs: [20.0, 30.0, 40.0],
            spillover: 0.6,
            licence_fee: 0.1,
            reciprocity: 1.0,
            subsidy: [0.0; 3],
        }
    }

    #[test]
    fn profiles_number_their_strategies() {
        for bits in 0..64u8 {
            let p = Profile::pure(bits);
            assert_eq!(p.bits(), Some(bits));
            for k in 0..3 {
                assert_eq!(strategy(k, p.strategy_of(k)), p.share[k]);
            }
        }
        let mut p = Profile::pure(0);
        p.share[0][1] = 0.5;
        assert_eq!(p.bits(), None);
    }

    /// Sharing lowers the receivers' costs by the stated amounts, and when nobody shares the
    /// outcome is plain Cournot.
    #[test]
    fn sharing_closes_the_stated_share_of_the_gap() {
        let g = example();
        let none = g.outcome(&Profile::pure(0), 0, &[0.0; 3]);
        assert_eq!(none.costs, g.costs);
        let all = Profile::pure(63);
        let o = g.outcome(&all, 0, &all.share[0]);
        let w = 1.0 / 15.0;
        // Laggards: 3 leaders and 5 middle firms share: 0.6·w·(3·20 + 5·10) = 4.4.
        assert!((o.costs[2] - (40.0 - 0.6 * w * (3.0 * 20.0 + 5.0 * 10.0))).abs() < 1e-12);
        assert!((o.costs[1] - (30.0 - 0.6 * w * 3.0 * 10.0)).abs() < 1e-12);
        assert_eq!(o.costs[0], 20.0, "nobody is better than the leaders");
        // Every firm closing the share θ of its gap when all better firms share.
        let mut two = example();
        two.firms = [1, 1, 0];
        let o = two.outcome(&Profile::pure(63), 1, &Profile::pure(63).share[1]);
        assert!((o.costs[1] - (30.0 - 0.6 * 10.0)).abs() < 1e-12);
    }
}
