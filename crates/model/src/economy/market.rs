//! Cournot competition with linear demand and heterogeneous unit costs.
//!
//! Inverse demand `P = a − Q/S` (choke price `a`, size `S`). Firm `i` with unit cost `c_i`
//! maximises `(P − c_i) q_i`; the first-order condition gives `q_i = S (P − c_i)`. Summing over
//! the `m` firms that produce, `P = (a + Σ_active c_j) / (m + 1)`, and a firm produces iff
//! `c_i < P` (Cournot 1838; with asymmetric costs e.g. Tirole 1988, §5.4). The active set is
//! found by sorting costs: the `m` cheapest produce, for the largest `m` with
//! `c_(m) < (a + Σ_{j ≤ m} c_(j)) / (m + 1)`. Then profit `π_i = S (P − c_i)²` and consumer
//! surplus `CS = Q² / (2S)`.

use super::Economy;
use rayon::prelude::*;

/// The Cournot equilibrium of one market.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Equilibrium {
    /// Market price (the choke price when nobody produces).
    pub price: f64,
    /// Firms that produce.
    pub active: usize,
    /// Total output.
    pub quantity: f64,
    /// Consumer surplus.
    pub consumer_surplus: f64,
}

impl Equilibrium {
    /// Output of a firm with unit cost `c` in this equilibrium of a market of size `size`.
    pub fn output(&self, c: f64, size: f64) -> f64 {
        size * (self.price - c).max(0.0)
    }

    /// Profit of a firm with unit cost `c`.
    pub fn profit(&self, c: f64, size: f64) -> f64 {
        size * (self.price - c).max(0.0).powi(2)
    }
}

/// Solves the market for unit costs `sorted_costs` in ascending order, choke price `a` and size
/// `size`. O(n).
pub fn cournot(sorted_costs: &[f64], a: f64, size: f64) -> Equilibrium {
    debug_assert!(sorted_costs.windows(2).all(|w| w[0] <= w[1]));
    let mut sum = 0.0;
    let mut active = 0;
    let mut price = a;
    for (m, &c) in sorted_costs.iter().enumerate() {
        let candidate = (a + sum + c) / (m as f64 + 2.0);
        if c < candidate {
            sum += c;
            active = m + 1;
            price = candidate;
        } else {
            break;
        }
    }
    let quantity = size * (active as f64 * price - sum);
    // Q²/(2S) written as S(a − P)²/2 (since Q = S(a − P)): no overflow while S stays finite.
    let consumer_surplus = size * (a - price).powi(2) / 2.0;
    Equilibrium {
        price,
        active,
        quantity,
        consumer_surplus,
    }
}

impl Economy {
    /// Process 1, the market: a Cournot equilibrium on the local market among all firms, and
    /// one on the external market with unit costs raised by the trade cost. Sets each firm's
    /// outputs and profit, and books profit less the fixed cost into its capital.
    pub(crate) fn market(&mut self, step: u32) {
        let m = &self.config.market;
        let fixed_cost = self.config.production.fixed_cost;
        let scale = self.initial_firms.max(1) as f64;
        let size = m.size_per_firm * scale * self.local_growth_factor(step);
        let export_size =
            m.export_size_per_firm * scale * (1.0 + m.export_growth).powi(step as i32);
        // `cost_order` is sorted by unit cost (update_costs_and_classes); firms of other
        // regions compete here at their delivered cost (`foreign`, sorted, set by the regions).
        self.sorted_costs.clear();
        self.sorted_costs
            .extend(self.cost_order.iter().map(|&(c, _)| c));
        if !self.foreign.is_empty() {
            self.sorted_costs.extend_from_slice(&self.foreign);
            self.sorted_costs.sort_by(f64::total_cmp);
        }
        let local = cournot(&self.sorted_costs, m.choke_price, size);
        self.local_market = (local.price, size);
        // The external market: firms with ties outside (all, unless `[external]` says
        // otherwise), their costs raised by the trade cost.
        self.sorted_costs.clear();
        let pipeline = &self.firms.pipeline;
        self.sorted_costs.extend(
            self.cost_order
                .iter()
                .filter(|&&(_, s)| pipeline[s as usize])
                .map(|&(c, _)| c + m.trade_cost),
        );
        let export = if m.export_choke_price > 0.0 && export_size > 0.0 {
            cournot(&self.sorted_costs, m.export_choke_price, export_size)
        } else {
            cournot(&[], 0.0, 0.0)
        };
        // Each firm from its own cost, in parallel over slots; totals summed in slot order.
        let trade_cost = m.trade_cost;
        let f = &mut self.firms;
        f.output_local
            .par_iter_mut()
            .zip(f.output_export.par_iter_mut())
            .zip(f.profit.par_iter_mut())
            .zip(f.capital.par_iter_mut())
            .zip(
                f.unit_cost
                    .par_iter()
                    .zip(f.alive.par_iter().zip(f.pipeline.par_iter())),
            )
            .for_each(
                |((((q_local, q_export), profit), capital), (&c, (&alive, &pipe)))| {
                    if !alive {
                        return;
                    }
                    let export_size = if pipe { export_size } else { 0.0 };
                    *q_local = local.output(c, size);
                    *q_export = export.output(c + trade_cost, export_size);
                    *profit = local.profit(c, size) + export.profit(c + trade_cost, export_size);
                    *capital += *profit - fixed_cost;
                },
            );
        let (mut output_local, mut output_export, mut profits, mut exporters) = (0.0, 0.0, 0.0, 0);
        for slot in f.live() {
            output_local += f.output_local[slot];
            output_export += f.output_export[slot];
            profits += f.profit[slot];
            exporters += u64::from(f.output_export[slot] > 0.0);
        }
        let stats = &mut self.stats;
        stats.output_local = output_local;
        stats.output_export = output_export;
        stats.price_local = local.price;
        stats.price_export = export.price;
        stats.exporters = exporters;
        stats.profits = profits;
        stats.consumer_surplus = local.consumer_surplus;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// n symmetric firms: q = S(a − c)/(n + 1), P = (a + n c)/(n + 1).
    #[test]
    fn symmetric_firms_match_the_textbook_closed_form() {
        for n in [1usize, 2, 3, 10, 1000] {
            let (a, c, s) = (20.0, 8.0, 3.0);
            let e = cournot(&vec![c; n], a, s);
            let nf = n as f64;
            assert_eq!(e.active, n);
            assert!((e.price - (a + nf * c) / (nf + 1.0)).abs() < 1e-12);
            assert!((e.output(c, s) - s * (a - c) / (nf + 1.0)).abs() < 1e-12);
            assert!((e.quantity - nf * s * (a - c) / (nf + 1.0)).abs() < 1e-9);
            assert!((e.profit(c, s) - s * ((a - c) / (nf + 1.0)).powi(2)).abs() < 1e-12);
        }
    }

    /// Two firms with costs 2 and 5, a = 20, S = 1: P = 9, q = 7 and 4.
    #[test]
    fn asymmetric_duopoly() {
        let e = cournot(&[2.0, 5.0], 20.0, 1.0);
        assert_eq!(e.active, 2);
        assert!((e.price - 9.0).abs() < 1e-12);
        assert!((e.output(2.0, 1.0) - 7.0).abs() < 1e-12);
        assert!((e.output(5.0, 1.0) - 4.0).abs() < 1e-12);
        assert!((e.consumer_surplus - 121.0 / 2.0).abs() < 1e-12);
    }

    /// A firm whose cost is above the price the others set produces nothing, and the price is
    /// that of the others alone.
    #[test]
    fn costly_firms_are_priced_out() {
        let e = cournot(&[2.0, 2.0, 15.0], 20.0, 1.0);
        assert_eq!(e.active, 2);
        assert!((e.price - 8.0).abs() < 1e-12);
        assert_eq!(e.output(15.0, 1.0), 0.0);
        // Every producing firm's first-order condition holds: P − c = q/S.
        let alone = cournot(&[2.0, 2.0], 20.0, 1.0);
        assert_eq!(alone.price, e.price);
        // Nobody produces when every cost is above the choke price.
        let none = cournot(&[25.0, 30.0], 20.0, 1.0);
        assert_eq!((none.active, none.quantity), (0, 0.0));
    }
}
