//! Process 1, the market: differentiated products on a local market whose shares move toward
//! the more competitive firms, an external (export) market, and growth of production capacity
//! from reinvested profits within a financing limit. `docs/ODD.md`, S7.
//!
//! - **Prices** (Atkeson & Burstein 2008, Bertrand with nested CES demand): a firm with local
//!   market share `s` faces the elasticity `ε(s) = σ − (σ − η)·s` (σ between the cluster's
//!   products, η of the cluster's products as a whole) and sets the margin `L = (p − c)/p =
//!   1/ε(s)`, so `p = c / (1 − 1/ε)`: every firm's margin is positive, small firms' is `1/σ`,
//!   and margins rise with share. With `superelasticity` ε_K > 0, σ is replaced by Kimball
//!   demand's `σ_x = max(σ·x^{−ε_K/σ}, η)` at the firm's size `x` against the typical firm's
//!   (the geometric mean share; Klenow & Willis 2016): larger firms set higher margins.
//! - **Demand**: `D_t = S_t · (a − p̄)⁺` for the cluster's products (`S_t` the scenario's size with
//!   its growth, `a` the choke price, `p̄` the mean price paid). Firms of other regions take the
//!   import share `m = W_F / (W_F + W_L)` with `W = Σ p^{1−σ}` over their and the local products
//!   (CES); firm `i`'s demand is `d_i = s_i (1 − m) D_t`, its sales `q_i = min(d_i, Q_i)` within
//!   its production capacity `Q_i`, its unfilled share `u_i = 1 − q_i/d_i`. A product priced at
//!   or above the choke price finds no buyer (its demand and CES weight are zero).
//! - **Market shares** (customer markets, Phelps & Winter 1970; the competitiveness-driven
//!   quasi-market of Dosi, Fagiolo & Roventini 2010): a firm's CES weight is
//!   `w_i = A_i p_i^{1−σ} (1 − u_i)^ω` — its product's appeal `A_i` (its customer base), its
//!   price, its delivery — and customers move toward the CES shares with inertia,
//!   `s_i ← (1 − χ) s_i + χ w_i / Σ_j w_j`: shares stay positive and sum to one, the cheaper,
//!   better-liked and better-delivering firms grow, the others shrink rather than vanish at once.
//! - **Demand shocks**: `ln A_i` takes an independent normal step of standard deviation `ν`
//!   each step (customers come and go; Gibrat's law for demand), appeal measured against the
//!   mean firm's. With exit at a lower size and entry of small firms, random growth of this kind
//!   gives a Pareto upper tail of sizes (Gabaix 1999; Luttmer 2007). Demand is also lumpy: with
//!   probability `contract_rate` a firm wins or loses (even odds) a large contract of volume
//!   `v = contract_size · q̄` (the mean firm's output `q̄`), moving `ln A_i` by `± ln(1 + v/q_i)`:
//!   much for a small firm, little for a large one — granular demand makes small firms' growth
//!   more volatile and its distribution fat-tailed (Sutton 2002; Gabaix 2011).
//! - **Exports** (Melitz 2003): the world market buys `X_t` units, shared by CES weight among the
//!   pipeline firms' products at `p_x = (c + τ)·σ/(σ − 1)` (trade cost `τ`) and `n_R` rival
//!   products abroad at the world price `p_w` (falling with the outside frontier's unit cost):
//!   a firm sells `X_t A p_x^{1−σ} / (Σ A p_x^{1−σ} + n_R p_w^{1−σ})` (its appeal `A` too) within
//!   its spare capacity; it
//!   exports only when the export margin covers the export fixed cost `F_x`.
//! - **Efficiency** (Hopenhayn 1992; Syverson 2011): a firm's unit cost is scaled by `e^{−z}`,
//!   its log efficiency `z` drawn `N(0, s²)` at entry and moving as the AR(1)
//!   `z ← ρ z + √(1 − ρ²) s ε` (stationary spread `s`): persistent productivity differences.
//! - **Profit and growth**: operating profit `π = (p − c) q + export profit − F − δ θ c Q` (fixed
//!   cost `F`, capacity worn at `δ`, a unit of capacity costing `θ c`) is added to the firm's
//!   capital (its liquid net worth; R&D is paid from it after). Each firm then plans capacity
//!   `Q* = (1 + spare)·(expected local and export demand)` and invests `θ c·I`,
//!   `I = (Q* − (1 − δ) Q)⁺`, at most its cash flow plus `λ` times its capital (a financing
//!   constraint, Fazzari, Hubbard & Petersen 1988): growth comes from reinvested profits.
//! - **Payouts** (a target capital structure, closed partially each step: Flannery & Rangan
//!   2006): net worth above `e*·θ c Q` is paid out at the share `φ` a step,
//!   `W ← W − φ (W − e* θ c Q)⁺`, so net worth stays in proportion to the plant.

use super::Economy;
use crate::rng::{CellStream, Purpose};
use rayon::prelude::*;

/// The local market's outcome of a step: what the regions' trade and entrants need.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LocalMarket {
    /// Mean price paid for the cluster's products, imports included.
    pub mean_price: f64,
    /// Demand for the cluster's products, imports included.
    pub demand: f64,
    /// Share of demand imported from other regions.
    pub import_share: f64,
    /// `Σ p^{1−σ}` over the products of other regions' firms.
    pub foreign_weight: f64,
    /// σ, the elasticity of substitution.
    pub substitution: f64,
    /// The mean CES weight `A p^{1−σ}` of the local firms.
    pub mean_weight: f64,
    /// The choke price: a product priced at or above it finds no buyer.
    pub choke_price: f64,
}

impl LocalMarket {
    /// Units and profit of one seller from another region with delivered unit cost `cost`: its
    /// CES part of the imported demand, at the small seller's price `c·σ/(σ − 1)`.
    pub fn import_sale(&self, cost: f64) -> (f64, f64) {
        if self.foreign_weight <= 0.0 || cost <= 0.0 {
            return (0.0, 0.0);
        }
        let sigma = self.substitution;
        let price = cost * sigma / (sigma - 1.0);
        if price >= self.choke_price {
            return (0.0, 0.0);
        }
        let q = self.import_share * self.demand * price.powf(1.0 - sigma) / self.foreign_weight;
        (q, (price - cost) * q)
    }
}

/// The price–cost margin `(p − c)/p = 1/ε` of a firm with local market share `share` and
/// log relative size `ln x` (`x` its share over the typical firm's), where
/// `ε = σ_x − (σ_x − η)·share` (Atkeson & Burstein 2008) and `σ_x` the elasticity of Kimball
/// demand at its size ([`size_elasticity`]): larger firms set higher margins and pass on less
/// of a cost change (Amiti, Itskhoki & Konings 2019). Under CES (`ε_K = 0`) `σ_x = σ`.
#[inline]
pub fn margin(
    substitution: f64,
    demand_elasticity: f64,
    superelasticity: f64,
    share: f64,
    log_relative_size: f64,
) -> f64 {
    let sigma = size_elasticity(
        substitution,
        demand_elasticity,
        superelasticity,
        log_relative_size,
    );
    1.0 / (sigma - (sigma - demand_elasticity) * share.clamp(0.0, 1.0))
}

/// `σ_x = max(σ·x^{−ε_K/σ}, η)`, from `ln x`: the elasticity of Kimball (1995) demand in the
/// specification of Klenow & Willis (2016) for a product `x` times the typical product's size
/// (`ε_K` the superelasticity, `d ln σ_x / d ln p = ε_K` at `x = 1`), never below the market's
/// own elasticity `η` (a product cannot face less elastic demand than all the cluster's
/// products together). The typical firm faces `σ`; a product of no size the most elastic
/// demand (`σ_x → ∞` as `x → 0`, its margin tends to 0; at `x = 0` the largest finite number).
#[inline]
pub fn size_elasticity(
    substitution: f64,
    demand_elasticity: f64,
    superelasticity: f64,
    log_relative_size: f64,
) -> f64 {
    if superelasticity == 0.0 {
        return substitution;
    }
    (substitution * (-superelasticity / substitution * log_relative_size).exp())
        .clamp(demand_elasticity, f64::MAX)
}

/// The mean share over steps `1..=H` of a firm whose share starts at `start` and moves toward
/// `target` by the replicator `s ← (1 − χ) s + χ target` (χ `selection`, H `horizon`):
/// `T + (s₀ − T)·w`, `w = (1/H) Σ_{t=1..H} (1 − χ)^t = (1 − χ)(1 − (1 − χ)^H)/(χ H)`. One step
/// gives `(1 − χ) s₀ + χ T`; a long horizon tends to the target: an entrant that looks ahead
/// weighs the share its cost will earn, not the share it starts with.
#[inline]
pub fn horizon_share(start: f64, target: f64, selection: f64, horizon: u32) -> f64 {
    let chi = selection;
    if horizon <= 1 {
        return (1.0 - chi) * start + chi * target;
    }
    if chi <= 0.0 {
        return start;
    }
    let keep = 1.0 - chi;
    let h = f64::from(horizon);
    target + (start - target) * keep * (1.0 - keep.powf(h)) / (chi * h)
}

/// The price of a firm with unit cost `cost` and margin `margin`: `c / (1 − L)`.
#[inline]
pub fn price(cost: f64, margin: f64) -> f64 {
    cost / (1.0 - margin)
}

/// A pipeline firm's offer on the world market: its export price `p_x = (c + τ)·σ/(σ − 1)` and
/// CES weight `p_x^{1−σ}`.
#[inline]
pub fn export_offer(cost: f64, trade_cost: f64, substitution: f64) -> (f64, f64) {
    let p = export_price_of(cost, trade_cost, substitution);
    (p, p.powf(1.0 - substitution))
}

/// A pipeline firm's export price `p_x = (c + τ)·σ/(σ − 1)`: recomputed where it is needed
/// rather than stored per firm (cheaper than the memory traffic of a column).
#[inline]
fn export_price_of(cost: f64, trade_cost: f64, substitution: f64) -> f64 {
    (cost + trade_cost) * substitution / (substitution - 1.0)
}

/// The world market at a step: demand `X_t` shared by CES weight among the cluster's exporters
/// and `n_R` rival products abroad at the world price `p_w`: a product of weight `w` sells
/// `X_t · w / (Σ_exporters w + n_R p_w^{1−σ})`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WorldMarket {
    /// Demand `X_t`.
    pub demand: f64,
    /// The denominator `Σ_exporters w + n_R p_w^{1−σ}`.
    pub weight: f64,
}

impl WorldMarket {
    /// Units a product of CES weight `w` sells.
    #[inline]
    pub fn units(&self, w: f64) -> f64 {
        if self.weight > 0.0 {
            self.demand * w / self.weight
        } else {
            0.0
        }
    }
}

/// A firm's offer on the markets in a step: its CES weights at its prices (what the sales
/// need of it; its appeal and its part of the mean price are summed as they are computed).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Offer {
    /// `A p^{1−σ}` on the local market (0 at or above the choke price).
    local: f64,
    /// `A p_x^{1−σ}` abroad (0 without a pipeline).
    export: f64,
}

/// What one firm's sales of a step leave for the moves of shares and capacities once the
/// market's totals are known (the rest is booked in the firm's columns at once).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Sale {
    /// Its CES weight with its delivery, `A p^{1−σ} (1 − u)^ω` against the mean appeal.
    weight: f64,
    /// The units the world market would have bought of it.
    export_demand: f64,
}

/// Slots per chunk of the market's sums: fixed, so that the sums, added chunk by chunk in
/// order, have the same bits on any number of threads.
const CHUNK: usize = 4096;

/// How a new firm came into the region: its appeal draw's stream (`Economy::settle_entrant`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Arrival {
    /// An entrant or a spin-off, settled in the step's demography.
    Entry = 0,
    /// A migrant from another region, settled between steps.
    Migration = 1,
}

impl Economy {
    /// The local market's size `S_t` at `step`.
    pub fn local_size(&self, step: u32) -> f64 {
        self.config.market.size * self.local_growth_factor(step)
    }

    /// The external market's size per exporter `X_t` at `step` (0 without one).
    pub fn export_size(&self, step: u32) -> f64 {
        let m = &self.config.market;
        m.export_size * (1.0 + m.export_growth).powi(step as i32)
    }

    /// The world price at `step`: `world_price · c(K_out,t) / c(K_out,0)`, falling as the outside
    /// frontier's knowledge lowers the cost of rival products abroad.
    pub fn world_price(&self, step: u32) -> f64 {
        let start = self.unit_cost_of(self.outside_knowledge(0), 1.0);
        let now = self.unit_cost_of(self.outside_knowledge(step), 1.0);
        if start > 0.0 {
            self.config.market.world_price * now / start
        } else {
            self.config.market.world_price
        }
    }

    /// The world market at `step`, the exporters' CES weights (appeal against the mean firm's
    /// times `p_x^{1−σ}`) summing to `exporters`.
    fn world_market(&self, step: u32, exporters: f64) -> WorldMarket {
        let m = &self.config.market;
        let demand = self.export_size(step);
        if demand <= 0.0 {
            return WorldMarket {
                demand: 0.0,
                weight: 0.0,
            };
        }
        WorldMarket {
            demand,
            weight: exporters + m.world_rivals * self.world_price(step).powf(1.0 - m.substitution),
        }
    }

    /// The cost per unit of serving the external market.
    pub fn trade_cost(&self) -> f64 {
        self.config.market.trade_cost
    }

    /// The local market of the last step.
    pub fn local_market(&self) -> LocalMarket {
        self.local_market
    }

    /// Shares and capacities at the start: shares in proportion to the CES weight at the small
    /// firm's price, `A (c·σ/(σ − 1))^{1−σ}` (appeal `A` drawn lognormal), capacities the
    /// planned capacity for that demand.
    pub(crate) fn open_market(&mut self) {
        let m = self.config.market.clone();
        let sigma = m.substitution;
        let f = &mut self.firms;
        // Appeal against the mean firm's.
        let n = f.count().max(1) as f64;
        let mean_appeal = f.live().map(|s| f.appeal[s].exp()).sum::<f64>() / n;
        if mean_appeal > 0.0 {
            let log_mean = mean_appeal.ln();
            for s in 0..f.slots() {
                if f.alive[s] {
                    f.appeal[s] -= log_mean;
                }
            }
        }
        let mut total = 0.0;
        for s in 0..f.slots() {
            if f.alive[s] {
                let p = f.unit_cost[s] * sigma / (sigma - 1.0);
                f.share[s] = f.appeal[s].exp() * p.powf(1.0 - sigma);
                total += f.share[s];
            }
        }
        let (mut mean_price, mut log_shares) = (0.0, 0.0);
        for s in 0..f.slots() {
            if f.alive[s] && total > 0.0 {
                f.share[s] /= total;
                f.price[s] = f.unit_cost[s] * sigma / (sigma - 1.0);
                mean_price += f.share[s] * f.price[s];
                log_shares += f.share[s].max(f64::MIN_POSITIVE).ln();
            }
        }
        self.log_typical_share = log_shares / n;
        let demand = self.config.market.size * (m.choke_price - mean_price).max(0.0);
        self.local_market = LocalMarket {
            mean_price,
            demand,
            import_share: 0.0,
            foreign_weight: 0.0,
            substitution: sigma,
            mean_weight: total / self.n_firms().max(1) as f64,
            choke_price: m.choke_price,
        };
        let slack = 1.0 + self.config.production.spare_capacity;
        let exporters: f64 = {
            let f = &self.firms;
            f.live()
                .filter(|&s| f.pipeline[s])
                .map(|s| f.appeal[s].exp() * export_offer(f.unit_cost[s], m.trade_cost, sigma).1)
                .sum()
        };
        let world = self.world_market(0, exporters);
        let f = &mut self.firms;
        for s in 0..f.slots() {
            if f.alive[s] {
                let exports = if f.pipeline[s] {
                    world.units(
                        f.appeal[s].exp() * export_offer(f.unit_cost[s], m.trade_cost, sigma).1,
                    )
                } else {
                    0.0
                };
                f.production_capacity[s] = slack * (f.share[s] * demand + exports);
            }
        }
    }

    /// Settles the firm in slot `slot` as an entrant at `step`: a market share of
    /// `entrant_share` times the mean firm's (the others' shrink when shares are normalised
    /// next step) and the capacity that share of the last step's demand needs: entrants start
    /// small and with few customers. Its appeal is what its customers turn out to think of its
    /// product, learnt only once it has entered (Jovanovic 1982; Hopenhayn 1992): drawn
    /// lognormal of mean `entrant_share` times the mean firm's, `ln A = ln(entrant_share) −
    /// σ_e²/2 + σ_e ε` (`σ_e` = `entrant_dispersion`; one draw per entrant, keyed by its cell
    /// and by how it came: `Arrival::Entry` for entrants and spin-offs, `Arrival::Migration`
    /// for migrants, who settle before the step's demography and could otherwise share a draw
    /// with an entrant taking their cell after they exit).
    /// Its share then moves toward what that appeal earns: an entrant with a poor draw shrinks
    /// and exits within a few years, a good one grows (Foster, Haltiwanger & Syverson 2016).
    pub(crate) fn settle_entrant(&mut self, slot: usize, step: u32, arrival: Arrival) {
        let n = self.n_firms().max(1) as f64;
        let d = &self.config.demography;
        let share = d.entrant_share / n;
        let dispersion = d.entrant_dispersion;
        let lm = self.local_market;
        let slack = 1.0 + self.config.production.spare_capacity;
        let f = &mut self.firms;
        let mut appeal = d.entrant_share.ln();
        if dispersion > 0.0 {
            let cell = f.cell[slot];
            let key = 2 * arrival as u32;
            let u1 = CellStream::new(self.seed, Purpose::EntrantAppeal, step, key).unit(cell);
            let u2 = CellStream::new(self.seed, Purpose::EntrantAppeal, step, key + 1).unit(cell);
            appeal += dispersion * standard_normal(u1, u2) - dispersion * dispersion / 2.0;
        }
        f.share[slot] = share;
        f.appeal[slot] = appeal;
        f.production_capacity[slot] = slack * share * (1.0 - lm.import_share) * lm.demand;
        f.price[slot] = f.unit_cost[slot];
    }

    /// `ln x` of an entrant: its share `entrant_share / n` against the typical firm's.
    fn entrant_log_size(&self) -> f64 {
        let n = self.n_firms().max(1) as f64;
        self.config.demography.entrant_share.ln() - n.ln() - self.log_typical_share
    }

    /// A potential entrant's price at unit cost `cost` and its CES weight
    /// `p^{1−σ}`: what [`Self::expected_entry`] needs that does not change as firms enter, so
    /// the candidates' offers can be priced in parallel.
    ///
    /// The entrant prices as a firm of its starting size, `entrant_share` times the mean
    /// firm's share, against the typical firm's: `c·σ_x/(σ_x − 1)` ([`size_elasticity`];
    /// `c·σ/(σ − 1)` under CES).
    pub(crate) fn entrant_offer(&self, cost: f64) -> (f64, f64) {
        let m = &self.config.market;
        let sigma = m.substitution;
        // Its share of the market is negligible (`entrant_share` over the firm count): the
        // elasticity is its size's.
        let elasticity = size_elasticity(
            sigma,
            m.demand_elasticity,
            m.superelasticity,
            self.entrant_log_size(),
        );
        let price = cost * elasticity / (elasticity - 1.0);
        (price, price.powf(1.0 - sigma))
    }

    /// What a potential entrant of unit cost `cost` and offer `(price, weight)` (from
    /// [`Self::entrant_offer`]) expects per step over its first `entry_horizon` steps, as
    /// `(share, profit)`: its share starts at the entrant's and moves toward the CES share its
    /// competitiveness earns at the last step's prices ([`horizon_share`]); its profit is the
    /// margin on that share of demand less the fixed cost and the wear of the capacity it needs.
    pub(crate) fn expected_entry(&self, cost: f64, (price, weight): (f64, f64)) -> (f64, f64) {
        let m = &self.config.market;
        let p = &self.config.production;
        let lm = self.local_market;
        let n = self.n_firms().max(1) as f64;
        let entrant = self.config.demography.entrant_share;
        // Its CES share at the entrant's appeal, against the mean firm's weight.
        let target = if lm.mean_weight > 0.0 {
            entrant * weight / (lm.mean_weight * n)
        } else {
            entrant / n
        };
        let share = horizon_share(
            entrant / n,
            target,
            m.selection,
            self.config.demography.entry_horizon,
        );
        // In a region with no firm every local sale was an import: the entrant's own product
        // takes its CES part against the foreign sellers'.
        let import_share = if self.n_firms() == 0 && lm.foreign_weight > 0.0 {
            lm.foreign_weight / (lm.foreign_weight + entrant * weight)
        } else {
            lm.import_share
        };
        let demand = share * (1.0 - import_share) * lm.demand;
        let profit = (price - cost) * demand
            - p.fixed_cost
            - p.depreciation * p.capital_intensity * cost * (1.0 + p.spare_capacity) * demand;
        (share, profit)
    }

    /// Process 1 (see the module's documentation) at `step`.
    ///
    /// Four passes over the slots: prices and offers (with their sums), sales booked, the
    /// totals in slot order, then shares, appeals' contracts and capacities, which need the
    /// totals. The two serial sums (the shares' total first, the totals after the sales) each
    /// run on one thread beside a parallel pass that does not touch what they read: the
    /// efficiency shocks and the appeals' shocks.
    pub(crate) fn market(&mut self, step: u32) {
        let m = self.config.market.clone();
        let p = self.config.production.clone();
        let (sigma, eta, kappa) = (m.substitution, m.demand_elasticity, m.superelasticity);
        let size = self.local_size(step);
        let log_typical = self.log_typical_share;
        // Efficiency's AR(1) step, which nothing in the market reads: in parallel over slots
        // while the shares' total (a serial sum in slot order) is taken on another thread.
        let (rho, dispersion) = (p.efficiency_persistence, p.efficiency_dispersion);
        let innovation = (1.0 - rho * rho).sqrt() * dispersion;
        let efficiency_shocks = (
            CellStream::new(self.seed, Purpose::Efficiency, step + 1, 0),
            CellStream::new(self.seed, Purpose::Efficiency, step + 1, 1),
        );
        let f = &mut self.firms;
        let (alive, share_of, efficiency) = (&f.alive, &f.share, &mut f.efficiency);
        // Shares of the live firms are normalised (exits and entrants changed them) as the
        // offers are made.
        let (total, ()) = rayon::join(
            || {
                share_of
                    .iter()
                    .zip(alive)
                    .filter_map(|(&share, &a)| a.then_some(share))
                    .sum::<f64>()
            },
            || {
                if innovation > 0.0 {
                    efficiency
                        .par_iter_mut()
                        .enumerate()
                        .for_each(|(s, efficiency)| {
                            if alive[s] {
                                let slot = s as u32;
                                let z = standard_normal(
                                    efficiency_shocks.0.unit(slot),
                                    efficiency_shocks.1.unit(slot),
                                );
                                *efficiency = rho * *efficiency + innovation * z;
                            }
                        });
                }
            },
        );
        // Prices and CES weights from shares, in parallel over chunks of slots; their sums
        // within each chunk in slot order, then over the chunks in order: the same bits on
        // any number of threads.
        let (trade_cost, choke) = (m.trade_cost, m.choke_price);
        let mut offers = std::mem::take(&mut self.offers);
        let f = &mut self.firms;
        offers.resize(f.slots(), Offer::default());
        let (alive, unit_cost, appeal, pipeline) = (&f.alive, &f.unit_cost, &f.appeal, &f.pipeline);
        let sums = offers
            .par_chunks_mut(CHUNK)
            .zip(f.price.par_chunks_mut(CHUNK))
            .zip(f.share.par_chunks_mut(CHUNK))
            .enumerate()
            .map(|(chunk, ((offers, prices), shares))| {
                let first = chunk * CHUNK;
                let mut t = [0.0; 5];
                for (i, ((offer, price_i), share)) in
                    offers.iter_mut().zip(prices).zip(shares).enumerate()
                {
                    let s = first + i;
                    if !alive[s] {
                        *offer = Offer::default();
                        // What a free slot adds (+0), as the sums always did.
                        for v in &mut t {
                            *v += 0.0;
                        }
                        continue;
                    }
                    if total > 0.0 {
                        *share /= total;
                    }
                    let c = unit_cost[s];
                    // Kimball's elasticity needs the firm's size against the typical firm's
                    // (last step's): one logarithm, summed for this step's typical firm.
                    let log_size = if kappa > 0.0 {
                        let log_share = share.max(f64::MIN_POSITIVE).ln();
                        t[4] += log_share;
                        log_share - log_typical
                    } else {
                        0.0
                    };
                    *price_i = price(c, margin(sigma, eta, kappa, *share, log_size));
                    let appeal = appeal[s].exp();
                    let export_weight = if pipeline[s] {
                        export_offer(c, trade_cost, sigma).1
                    } else {
                        0.0
                    };
                    *offer = Offer {
                        local: if *price_i < choke {
                            appeal * price_i.powf(1.0 - sigma)
                        } else {
                            0.0
                        },
                        export: appeal * export_weight,
                    };
                    t[0] += *share * *price_i;
                    t[1] += offer.local;
                    t[2] += appeal;
                    t[3] += offer.export;
                }
                t
            })
            .collect::<Vec<_>>()
            .into_iter()
            .fold([0.0; 5], |mut t, c| {
                for (a, b) in t.iter_mut().zip(c) {
                    *a += b;
                }
                t
            });
        let [local_mean, mut local_weight, appeal_sum, export_weight, log_shares] = sums;
        let n = f.count().max(1) as f64;
        if kappa > 0.0 {
            self.log_typical_share = log_shares / n;
        }
        // Appeal against the mean firm's, so foreign products (of mean appeal) compare.
        let mean_appeal = if appeal_sum > 0.0 {
            appeal_sum / n
        } else {
            1.0
        };
        let world = self.world_market(step, export_weight / mean_appeal);
        local_weight /= mean_appeal;
        let (mut foreign_weight, mut foreign_mean) = (0.0, 0.0);
        // A product priced at or above the choke price finds no buyer.
        for &c in &self.foreign {
            let price = c * sigma / (sigma - 1.0);
            if price >= m.choke_price {
                continue;
            }
            let w = price.powf(1.0 - sigma);
            foreign_weight += w;
            foreign_mean += w * price;
        }
        let import_share = if foreign_weight > 0.0 {
            foreign_weight / (foreign_weight + local_weight)
        } else {
            0.0
        };
        let mean_price = if foreign_weight > 0.0 {
            (1.0 - import_share) * local_mean + import_share * foreign_mean / foreign_weight
        } else {
            local_mean
        };
        let demand = size * (m.choke_price - mean_price).max(0.0);
        self.local_market = LocalMarket {
            mean_price,
            demand,
            import_share,
            foreign_weight,
            substitution: sigma,
            mean_weight: local_weight / n,
            choke_price: m.choke_price,
        };
        let local_demand = (1.0 - import_share) * demand;
        let wear = p.depreciation * p.capital_intensity;
        let omega = m.delivery_weight;
        let log_mean_appeal = mean_appeal.ln();
        let volatility = m.appeal_volatility;
        let shocks = (
            CellStream::new(self.seed, Purpose::Appeal, step, 0),
            CellStream::new(self.seed, Purpose::Appeal, step, 1),
        );
        // Each firm's sales, profit and CES weight, booked in parallel over slots (the appeal
        // and efficiency shocks run in passes of their own, beside the serial sums).
        let mut sales = std::mem::take(&mut self.sales);
        let f = &mut self.firms;
        sales.resize(f.slots(), Sale::default());
        let (alive, unit_cost, price_of, share_of, capacity_of, pipeline) = (
            &f.alive,
            &f.unit_cost,
            &f.price,
            &f.share,
            &f.production_capacity,
            &f.pipeline,
        );
        sales
            .par_iter_mut()
            .zip(f.output_local.par_iter_mut())
            .zip(f.output_export.par_iter_mut())
            .zip(f.profit.par_iter_mut().zip(f.revenue.par_iter_mut()))
            .zip(f.capital.par_iter_mut().zip(f.unfilled.par_iter_mut()))
            .enumerate()
            .for_each(
                |(
                    s,
                    ((((sale, q_local), q_export), (profit, revenue)), (capital, unfilled_of)),
                )| {
                    if !alive[s] {
                        *sale = Sale::default();
                        return;
                    }
                    let (c, price_i, capacity) = (unit_cost[s], price_of[s], capacity_of[s]);
                    let offer = offers[s];
                    let wanted = if price_i < m.choke_price {
                        share_of[s] * local_demand
                    } else {
                        0.0
                    };
                    let local = wanted.min(capacity);
                    let unfilled = if wanted > 0.0 {
                        1.0 - local / wanted
                    } else {
                        0.0
                    };
                    let (mut export, mut export_price, mut export_profit, mut wanted_abroad) =
                        (0.0, 0.0, 0.0, 0.0);
                    if pipeline[s] && world.demand > 0.0 {
                        let px = export_price_of(c, m.trade_cost, sigma);
                        let units = world.units(offer.export / mean_appeal);
                        let sold = units.min(capacity - local);
                        let margin_abroad = (px - c - m.trade_cost) * sold;
                        if margin_abroad > m.export_fixed_cost {
                            export = sold;
                            export_price = px;
                            export_profit = margin_abroad - m.export_fixed_cost;
                            wanted_abroad = units;
                        }
                    }
                    let weight = if omega == 1.0 {
                        offer.local / mean_appeal * (1.0 - unfilled)
                    } else {
                        offer.local / mean_appeal * (1.0 - unfilled).powf(omega)
                    };
                    *sale = Sale {
                        weight,
                        export_demand: wanted_abroad,
                    };
                    let earned =
                        (price_i - c) * local + export_profit - p.fixed_cost - wear * c * capacity;
                    *q_local = local;
                    *q_export = export;
                    *profit = earned;
                    *revenue = price_i * local + export_price * export;
                    *capital += earned;
                    // Below the choke price `wanted` is this very product, so its unfilled
                    // share is `unfilled` (one division fewer); above it, the share of the
                    // demand its share would have had.
                    *unfilled_of = if price_i < m.choke_price {
                        unfilled
                    } else if share_of[s] * local_demand > 0.0 {
                        1.0 - local / (share_of[s] * local_demand)
                    } else {
                        0.0
                    };
                },
            );
        // The totals in slot order, serially on one thread while the appeals take their
        // step (against the mean firm's, and the demand shock) in parallel on the other:
        // nothing of the totals reads an appeal.
        let f = &mut self.firms;
        let (alive, output_of, export_of, profit_of, unit_cost, pipeline, appeal) = (
            &f.alive,
            &f.output_local,
            &f.output_export,
            &f.profit,
            &f.unit_cost,
            &f.pipeline,
            &mut f.appeal,
        );
        let sales_of = &sales;
        let ((total_weight, output_local, output_export, export_value, profits, exporters), ()) =
            rayon::join(
                || {
                    let (mut total_weight, mut output_local, mut output_export, mut profits) =
                        (0.0, 0.0, 0.0, 0.0);
                    let (mut export_value, mut exporters) = (0.0, 0u64);
                    for (s, _) in alive.iter().enumerate().filter(|(_, &a)| a) {
                        let (local, export) = (output_of[s], export_of[s]);
                        total_weight += sales_of[s].weight;
                        output_local += local;
                        output_export += export;
                        // A firm that does not export sells 0 units at any price: 0 either way.
                        // The export price as the offer had it: p_x with a pipeline, else 0.
                        let px = if pipeline[s] {
                            export_price_of(unit_cost[s], trade_cost, sigma)
                        } else {
                            0.0
                        };
                        export_value += export * px;
                        profits += profit_of[s];
                        exporters += u64::from(export > 0.0);
                    }
                    (
                        total_weight,
                        output_local,
                        output_export,
                        export_value,
                        profits,
                        exporters,
                    )
                },
                || {
                    appeal.par_iter_mut().enumerate().for_each(|(s, appeal)| {
                        if alive[s] {
                            *appeal -= log_mean_appeal;
                            if volatility > 0.0 {
                                let slot = s as u32;
                                let z = standard_normal(shocks.0.unit(slot), shocks.1.unit(slot));
                                *appeal += volatility * z;
                            }
                        }
                    });
                },
            );
        // Moves the shares, books the contracts won and lost and invests, in parallel over
        // slots.
        let (chi, slack, borrowing) = (m.selection, 1.0 + p.spare_capacity, p.borrowing);
        let contracts = (
            CellStream::new(self.seed, Purpose::Appeal, step, 2),
            CellStream::new(self.seed, Purpose::Appeal, step, 3),
        );
        let contract_rate = m.contract_rate;
        let contract = m.contract_size * (output_local + output_export) / n;
        let f = &mut self.firms;
        let (alive, unit_cost, output_of, export_of, profit_of) = (
            &f.alive,
            &f.unit_cost,
            &f.output_local,
            &f.output_export,
            &f.profit,
        );
        let (equity_target, payout_speed) = (p.equity_target, p.payout_speed);
        let payouts: Vec<f64> = f
            .share
            .par_chunks_mut(PAYOUT_CHUNK)
            .zip(f.production_capacity.par_chunks_mut(PAYOUT_CHUNK))
            .zip(f.appeal.par_chunks_mut(PAYOUT_CHUNK))
            .zip(f.capital.par_chunks_mut(PAYOUT_CHUNK))
            .zip(sales.par_chunks(PAYOUT_CHUNK))
            .enumerate()
            .map(
                |(chunk, ((((shares, capacities), appeals), capitals), sales))| {
                    let mut paid = 0.0;
                    for (i, ((((share, capacity), appeal), capital), sale)) in shares
                        .iter_mut()
                        .zip(capacities)
                        .zip(appeals)
                        .zip(capitals)
                        .zip(sales)
                        .enumerate()
                    {
                        let s = chunk * PAYOUT_CHUNK + i;
                        if !alive[s] {
                            continue;
                        }
                        if total_weight > 0.0 {
                            *share = (1.0 - chi) * *share + chi * sale.weight / total_weight;
                        }
                        let slot = s as u32;
                        if contract > 0.0 && contracts.0.unit(slot) < contract_rate {
                            // A contract of volume `contract` won or lost: the factor 1 + v/q.
                            let output = output_of[s] + export_of[s];
                            let jump = (contract / output.max(contract * 1e-3)).ln_1p();
                            if contracts.1.unit(slot) < 0.5 {
                                *appeal += jump;
                            } else {
                                *appeal -= jump;
                            }
                        }
                        let cost = unit_cost[s];
                        let planned = slack * (*share * local_demand + sale.export_demand);
                        let kept = (1.0 - p.depreciation) * *capacity;
                        let cash_flow = profit_of[s] + wear * cost * *capacity;
                        let affordable = (cash_flow.max(0.0) + borrowing * capital.max(0.0))
                            / (p.capital_intensity * cost);
                        *capacity = kept + (planned - kept).max(0.0).min(affordable);
                        // Net worth beyond the target share of the plant's value is paid out,
                        // a share of the excess each step (partial adjustment toward a target
                        // capital structure).
                        let excess =
                            *capital - equity_target * p.capital_intensity * cost * *capacity;
                        if excess > 0.0 && payout_speed > 0.0 {
                            let payout = payout_speed * excess;
                            *capital -= payout;
                            paid += payout;
                        }
                    }
                    paid
                },
            )
            .collect();
        // Summed in chunk order: the same bits on any number of threads.
        let payouts = payouts.into_iter().sum::<f64>();
        self.sales = sales;
        self.offers = offers;
        let stats = &mut self.stats;
        stats.output_local = output_local;
        stats.output_export = output_export;
        stats.price_local = mean_price;
        stats.price_export = if output_export > 0.0 {
            export_value / output_export
        } else {
            0.0
        };
        stats.exporters = exporters;
        stats.profits = profits;
        stats.payouts = payouts;
        stats.consumer_surplus = size * (m.choke_price - mean_price).max(0.0).powi(2) / 2.0;
    }
}

/// Slots per chunk of the payouts' sum (fixed, so the sum's bits do not depend on the threads).
const PAYOUT_CHUNK: usize = 4096;

/// A standard normal draw from two uniform draws in [0, 1) (Box & Muller 1958).
#[inline]
pub(crate) fn standard_normal(u1: f64, u2: f64) -> f64 {
    (-2.0 * (1.0 - u1).ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Atkeson & Burstein's margin: 1/σ for a vanishing share, 1/η for the whole market, and
    /// the Lerner condition `(p − c)/p = 1/ε` holds at the price set.
    #[test]
    fn margins_follow_the_nested_ces_elasticity() {
        let (sigma, eta) = (4.0, 1.5);
        let margin = |s: f64| margin(sigma, eta, 0.0, s, 1.0);
        assert!((margin(0.0) - 0.25).abs() < 1e-15);
        assert!((margin(1.0) - 1.0 / 1.5).abs() < 1e-15);
        // s = 0.2: ε = 4 − 2.5·0.2 = 3.5.
        assert!((margin(0.2) - 1.0 / 3.5).abs() < 1e-15);
        for s in [0.0, 0.01, 0.3, 0.9] {
            let l = margin(s);
            let p = price(8.0, l);
            assert!(((p - 8.0) / p - l).abs() < 1e-12);
            assert!(margin(s + 0.05) > l, "margins rise with share");
        }
    }

    /// Kimball demand in Klenow & Willis's (2016) specification: the elasticity at relative
    /// size `x` is `σ·x^{−ε/σ}`, so `d ln σ_x / d ln x = −ε/σ` (checked by a central
    /// difference), the typical firm (`x = 1`) faces `σ`, and with `ε = 0` every size faces `σ`
    /// (CES). Hand values at σ = 4, ε = 0.64: `x = 10` gives `4·10^{−0.16} = 2.7673…`, margin
    /// 0.3614; `x = 0.1` gives 5.7818, margin 0.1730. A product of no size prices at cost; a
    /// huge one at the market's own elasticity η.
    #[test]
    fn kimball_margins_rise_with_relative_size() {
        let (sigma, eta, eps) = (4.0, 1.5, 0.64);
        let elasticity = |x: f64| size_elasticity(sigma, eta, eps, x.ln());
        let kimball = |x: f64| margin(sigma, eta, eps, 0.0, x.ln());
        assert_eq!(elasticity(1.0), sigma);
        assert_eq!(size_elasticity(sigma, eta, 0.0, 37f64.ln()), sigma);
        let e10 = elasticity(10.0);
        assert!((e10 - 4.0 * 10f64.powf(-0.16)).abs() < 1e-12);
        assert!((e10 - 2.767_324).abs() < 1e-5, "{e10}");
        assert!((kimball(10.0) - 0.361_360).abs() < 1e-5);
        assert!((kimball(0.1) - 0.172_958).abs() < 1e-5);
        for x in [0.01, 0.3, 1.0, 4.0, 50.0] {
            let h = 1e-5;
            let slope = (elasticity(x * (1.0 + h)).ln() - elasticity(x * (1.0 - h)).ln())
                / ((1.0 + h).ln() - (1.0 - h).ln());
            assert!((slope + eps / sigma).abs() < 1e-6, "x = {x}: {slope}");
            assert!(kimball(1.1 * x) > kimball(x));
        }
        assert!(kimball(0.0) < 1e-300 && kimball(0.0) >= 0.0);
        assert_eq!(elasticity(1e12), eta);
    }

    /// The world market: an exporter's price is the CES markup over its delivered cost, the
    /// units sold split the world's demand by CES weight with the rivals abroad, and fall with
    /// the price at the elasticity σ while the exporter is small.
    #[test]
    fn exports_share_the_world_market_by_ces_weight() {
        let (p, w) = export_offer(6.5, 1.0, 4.0);
        assert!((p - 10.0).abs() < 1e-12);
        assert!((w - 1e-3).abs() < 1e-15);
        let (_, w2) = export_offer(8.0, 1.0, 4.0);
        let rivals = 5000.0 * 14.0f64.powf(-3.0);
        let world = WorldMarket {
            demand: 80_000.0,
            weight: w + w2 + rivals,
        };
        let total = world.units(w) + world.units(w2) + world.demand * rivals / world.weight;
        assert!((total - 80_000.0).abs() < 1e-6);
        // σ − 1 = 3 in the weights: (p2/p)^3 = units ratio.
        assert!(
            ((world.units(w) / world.units(w2)).ln() / (12.0f64 / 10.0).ln() - 3.0).abs() < 1e-9
        );
    }

    /// The entrant's horizon share is the mean of the replicator's path `s_t = (1 − χ) s_{t−1}
    /// + χ T` over steps 1..=H, walked step by step; one step is the blend `(1 − χ) s₀ + χ T`
    /// exactly (today's default), no selection keeps `s₀`, and a long horizon tends to `T`.
    #[test]
    fn an_entrants_horizon_share_is_the_mean_of_its_replicator_path() {
        for (start, target, chi) in [(0.25, 0.03, 0.25), (0.01, 0.2, 0.1), (0.5, 0.5, 0.6)] {
            for horizon in [1u32, 2, 7, 20, 40] {
                let (mut s, mut sum) = (start, 0.0);
                for _ in 0..horizon {
                    s = (1.0 - chi) * s + chi * target;
                    sum += s;
                }
                let walked = sum / f64::from(horizon);
                let closed = horizon_share(start, target, chi, horizon);
                assert!(
                    (walked - closed).abs() < 1e-12,
                    "{start} {target} {chi} {horizon}"
                );
            }
            assert_eq!(
                horizon_share(start, target, chi, 1),
                (1.0 - chi) * start + chi * target
            );
            assert_eq!(horizon_share(start, target, 0.0, 20), start);
            let far = horizon_share(start, target, chi, 400);
            let bound = (start - target).abs() * (1.0 - chi) / (chi * 400.0);
            assert!((far - target).abs() <= bound + 1e-15);
        }
    }

    /// Klepper's entry condition: an entrant that looks one step ahead barely feels its cost
    /// (three quarters of its share is the entrant's, whatever its cost, and its own margin grows
    /// with its cost), so a dearer entrant expects *more* profit; one that weighs five years at
    /// the share its cost earns expects less, and a share that falls toward the vanishing-share
    /// floor.
    #[test]
    fn a_forward_looking_entrant_weighs_its_cost_against_the_incumbents() {
        let mut e = small_economy("", 5);
        let mean_cost =
            e.firms.live().map(|s| e.firms.unit_cost[s]).sum::<f64>() / e.n_firms() as f64;
        let (cheap, dear) = (mean_cost, 2.0 * mean_cost);
        e.config.demography.entry_horizon = 1;
        let (one_cheap, one_dear) = (
            e.expected_entry(cheap, e.entrant_offer(cheap)),
            e.expected_entry(dear, e.entrant_offer(dear)),
        );
        assert!(
            one_dear.1 > one_cheap.1,
            "one step: {one_cheap:?} {one_dear:?}"
        );
        assert!(
            one_dear.0 > 0.75 * one_cheap.0,
            "one step: {one_cheap:?} {one_dear:?}"
        );
        e.config.demography.entry_horizon = 20;
        let (far_cheap, far_dear) = (
            e.expected_entry(cheap, e.entrant_offer(cheap)),
            e.expected_entry(dear, e.entrant_offer(dear)),
        );
        assert!(
            far_dear.1 < far_cheap.1,
            "five years: {far_cheap:?} {far_dear:?}"
        );
        // Twice the cost earns 2^(1−σ) = 1/8 of the CES weight: the share falls toward it.
        assert!(
            far_dear.0 < 0.4 * far_cheap.0,
            "five years: {far_cheap:?} {far_dear:?}"
        );
        assert!(far_cheap.0 < one_cheap.0 * 1.5 && far_dear.0 < one_dear.0);
    }

    /// Imports: each foreign seller's CES part of the imported demand, summing to it.
    #[test]
    fn import_sales_split_the_imported_demand() {
        let sigma: f64 = 4.0;
        let costs = [5.0f64, 6.0, 9.0];
        let w: f64 = costs
            .iter()
            .map(|c| (c * sigma / (sigma - 1.0)).powf(1.0 - sigma))
            .sum();
        let lm = LocalMarket {
            mean_price: 10.0,
            demand: 1000.0,
            import_share: 0.3,
            foreign_weight: w,
            substitution: sigma,
            mean_weight: 0.0,
            choke_price: 20.0,
        };
        let total: f64 = costs.iter().map(|&c| lm.import_sale(c).0).sum();
        assert!((total - 300.0).abs() < 1e-9);
        let (q, profit) = lm.import_sale(6.0);
        assert!((profit - (8.0 - 6.0) * q).abs() < 1e-12);
        assert!(lm.import_sale(5.0).0 > q, "the cheaper seller sells more");
    }

    /// The economy of a small market-and-demography cluster (20 × 20, density 0.2, no
    /// exports) with `extra` TOML appended, after `steps` steps.
    fn small_economy(extra: &str, steps: u32) -> Economy {
        use crate::scenario::{parse_scenario_text, validate, Limits};
        let text = format!(
            "processes = [\"market\", \"demography\"]\n[region]\nwidth = 20\nheight = 20\n[firms]\ndensity = 0.2\n[market]\nexport_size = 0.0\n{extra}"
        );
        let parsed = parse_scenario_text(&text, "t").unwrap();
        let (scenario, _) = validate(&parsed, None, Limits::default()).unwrap();
        let mut world = crate::World::new(&scenario);
        world.run_until(steps, |_| {});
        world.economy().unwrap().clone()
    }

    /// An entrant's appeal draw is a function of (seed, step, cell, how it came): the same
    /// arrival on the same cell and step draws the same appeal, and a migrant draws another
    /// one than an entrant would there (they could otherwise share it within one step).
    #[test]
    fn entrants_and_migrants_draw_their_appeal_from_their_own_streams() {
        let mut e = small_economy("[demography]\nentrant_dispersion = 1.0\n", 2);
        let slot = e.firms.live().next().unwrap();
        let mut appeal = |arrival| {
            e.settle_entrant(slot, 7, arrival);
            e.firms.appeal[slot]
        };
        let (entry, again, migration) = (
            appeal(Arrival::Entry),
            appeal(Arrival::Entry),
            appeal(Arrival::Migration),
        );
        assert_eq!(entry.to_bits(), again.to_bits());
        assert_ne!(entry.to_bits(), migration.to_bits());
    }
}

#[cfg(test)]
mod payout_tests {
    use crate::scenario::{parse_scenario_text, validate, Limits};
    use crate::World;
    use rayon::prelude::*;

    /// The bundled default to its last step with `extra` appended: the 90th percentile over
    /// live firms of net worth over the plant's value `W / (θ c Q)`, and the run's payouts and
    /// market profits.
    fn net_worth_at_the_end(seed: u64, extra: &str) -> (f64, f64, f64) {
        let text = include_str!("../../../../examples/default.toml")
            .replace("seed = 2024", &format!("seed = {seed}"))
            + extra;
        let parsed = parse_scenario_text(&text, "default.toml").unwrap_or_else(|p| panic!("{p}"));
        let scenario = validate(&parsed, None, Limits::default())
            .unwrap_or_else(|p| panic!("{p}"))
            .0;
        let mut world = World::new(&scenario);
        let (mut payouts, mut profits) = (0.0, 0.0);
        world.run_until(scenario.steps, |w| {
            let e = w.economy().unwrap();
            payouts += e.stats.payouts;
            profits += e.stats.profits;
        });
        let e = world.economy().unwrap();
        let theta = e.config.production.capital_intensity;
        let f = &e.firms;
        let mut ratios: Vec<f64> = f
            .live()
            .filter(|&s| f.production_capacity[s] > 0.0)
            .map(|s| f.capital[s] / (theta * f.unit_cost[s] * f.production_capacity[s]))
            .collect();
        ratios.sort_by(f64::total_cmp);
        (ratios[ratios.len() * 9 / 10], payouts, profits)
    }

    /// Net worth beyond the equity target is paid out (a target capital structure, Flannery
    /// & Rangan 2006), on the bundled default at its own parameters with every process on, over
    /// 20 seeds: without payouts (`payout_speed` 0) the richest tenth of firms hold net worth
    /// of more than the plant's value; with them, the 90th percentile of `W / (θ c Q)` is lower
    /// by more than three standard errors of the paired difference, the payouts are positive,
    /// and they are less than the market profits (only what exceeds the target is paid).
    #[test]
    fn net_worth_beyond_the_equity_target_is_paid_out() {
        type End = (f64, f64, f64);
        let runs: Vec<(End, End)> = (1..=20u64)
            .into_par_iter()
            .map(|seed| {
                (
                    net_worth_at_the_end(seed, ""),
                    net_worth_at_the_end(seed, "\n[production]\npayout_speed = 0.0\n"),
                )
            })
            .collect();
        let mut drop = clusterlab_numerics::stats::Moments::default();
        for &((with, paid, profits), (without, paid0, _)) in &runs {
            drop.push(without - with);
            assert_eq!(paid0, 0.0, "nothing is paid out at payout_speed 0");
            assert!(
                paid > 0.0 && paid < profits,
                "payouts {paid:.0} against market profits {profits:.0}"
            );
        }
        let (d, se) = (drop.mean(), drop.sd() / (drop.count() as f64).sqrt());
        let without = runs.iter().map(|r| r.1 .0).sum::<f64>() / runs.len() as f64;
        eprintln!("90th percentile of W/(θcQ) at the end: {without:.3} without payouts, lower by {d:.3} (se {se:.3}) with them");
        assert!(
            without > 1.0,
            "without payouts the richest tenth hold {without:.3} of their plant's value"
        );
        assert!(
            d > 3.0 * se && d > 0.0,
            "payouts lower the 90th percentile by {d:.3} (se {se:.3})"
        );
    }
}
