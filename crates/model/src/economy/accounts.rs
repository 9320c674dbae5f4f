//! The accounting every step does before and after the processes (`docs/ODD.md` S6): unit
//! costs from knowledge and the technologies held, classes by unit-cost rank, the R&D and sales
//! stocks (Griliches 1979's perpetual inventory) and the absorptive capacities they give.

use super::*;

/// `c = (floor + (ceiling − floor)·exp(−κK)) · factor`.
fn unit_cost(p: &crate::scenario::economy::ProductionSection, knowledge: f64, factor: f64) -> f64 {
    (p.cost_floor + (p.cost_ceiling - p.cost_floor) * (-p.learning_elasticity * knowledge).exp())
        * factor
}

/// The (cost, slot) keys at the boundaries of the classes of the last ranking: a firm whose key
/// is below `leader` is a leader, one at or above `laggard` a laggard.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct ClassBounds {
    leader: Option<(f64, u32)>,
    laggard: Option<(f64, u32)>,
}

impl ClassBounds {
    /// The class of a firm of unit cost `cost` in slot `slot` by these bounds.
    pub(crate) fn class_of(self, cost: f64, slot: usize) -> FirmClass {
        let below = |bound: Option<(f64, u32)>| match bound {
            None => true,
            Some(b) => cost.total_cmp(&b.0).then((slot as u32).cmp(&b.1)).is_lt(),
        };
        if below(self.leader) {
            FirmClass::Leader
        } else if !below(self.laggard) {
            FirmClass::Laggard
        } else {
            FirmClass::Middle
        }
    }
}

/// One step of the perpetual inventory: `(1 − δ) · stock + flow`.
#[inline]
pub fn accumulate(stock: f64, delta: f64, flow: f64) -> f64 {
    (1.0 - delta) * stock + flow
}

/// Absorptive capacity `a₀ + (1 − a₀)(1 − exp(−ξ_R · S / (Y + Ȳ)))` of a firm with floor
/// `a0`, R&D stock `s`, sales stock `y`, the mean sales stock being `mean_sales` (the ratio is
/// 0 where no firm has sold), clamped to [0, 1].
pub fn capacity(a0: f64, xi_r: f64, s: f64, y: f64, mean_sales: f64) -> f64 {
    let scale = y + mean_sales;
    let ratio = if scale > 0.0 { s / scale } else { 0.0 };
    (a0 + (1.0 - a0) * (1.0 - (-xi_r * ratio).exp())).clamp(0.0, 1.0)
}

impl Economy {
    /// Recomputes unit costs — `c = (floor + (ceiling − floor)·exp(−κK)) · Π(1 − gain)` from
    /// knowledge and the technologies held — and classes by unit-cost rank: the `leader_share` cheapest are
    /// leaders, the `laggard_share` dearest laggards (ties broken by slot).
    pub(crate) fn update_costs_and_classes(&mut self) {
        let production = self.config.production.clone();
        let f = &mut self.firms;
        f.unit_cost
            .par_iter_mut()
            .zip(f.knowledge.par_iter())
            .zip(f.tech_factor.par_iter().zip(f.efficiency.par_iter()))
            .for_each(|((cost, &k), (&factor, &z))| {
                *cost = unit_cost(&production, k, factor) * (-z).exp();
            });
        // Padded for the rivalry scan's square (`count_rivals`).
        let mut grid = std::mem::take(&mut self.cost_grid);
        let radius = self.config.innovation.rivalry_radius as usize;
        let (cell_firm, unit_cost) = (&self.cell_firm, &self.firms.unit_cost);
        self.fill_padded(&mut grid, radius, |cell| {
            let slot = cell_firm[cell as usize];
            if slot == NO_FIRM {
                f32::NAN
            } else {
                unit_cost[slot as usize] as f32
            }
        });
        self.cost_grid = grid;
        // Sorted as integers: for the non-negative costs a unit cost can be, the bits of an
        // f64 order as the numbers do, so `bits · 2³² + slot` orders by (cost, slot).
        let firms = &self.firms;
        self.sort_keys.clear();
        self.sort_keys.extend(
            firms
                .live()
                .map(|slot| (u128::from(firms.unit_cost[slot].to_bits()) << 32) | slot as u128),
        );
        // Only the keys at the two class boundaries' ranks are needed, and the keys are
        // distinct (the slot is in them): selecting each rank finds the same key a full sort
        // would put there.
        let n = self.sort_keys.len();
        let p = &self.config.production;
        let leaders = (p.leader_share * n as f64).round() as usize;
        let laggards = (p.laggard_share * n as f64).round() as usize;
        let keys = &mut self.sort_keys;
        let mut at_rank = |rank: usize| {
            (rank < keys.len()).then(|| {
                let slot = *keys.select_nth_unstable(rank).1 as u32;
                (firms.unit_cost[slot as usize], slot)
            })
        };
        // By comparison with the (cost, slot) at the class boundaries, in parallel and in slot
        // order: the same classes as by rank, without scattered writes.
        self.class_bounds = ClassBounds {
            leader: at_rank(leaders),
            laggard: at_rank(n - laggards.min(n)),
        };
        let bounds = self.class_bounds;
        let f = &mut self.firms;
        f.class
            .par_iter_mut()
            .zip(f.unit_cost.par_iter())
            .enumerate()
            .for_each(|(slot, (class, &cost))| *class = bounds.class_of(cost, slot));
    }

    /// The unit cost of a firm with knowledge `knowledge` and technology factor `factor`.
    pub(crate) fn unit_cost_of(&self, knowledge: f64, factor: f64) -> f64 {
        unit_cost(&self.config.production, knowledge, factor)
    }

    /// Accumulates the R&D and sales stocks with the step's spending and revenue:
    /// `S ← (1 − δ)S + R`, `Y ← (1 − δ)Y + p·q` (Griliches 1979's perpetual inventory).
    pub(crate) fn accumulate_stocks(&mut self) {
        let delta = self.config.spillover.rd_depreciation;
        let f = &mut self.firms;
        f.rd_stock
            .par_iter_mut()
            .zip(f.sales_stock.par_iter_mut())
            .zip(f.rd_spending.par_iter())
            .zip(f.revenue.par_iter())
            .zip(f.alive.par_iter())
            .for_each(|((((s, y), &r), &sales), &alive)| {
                if alive {
                    *s = accumulate(*s, delta, r);
                    *y = accumulate(*y, delta, sales);
                }
            });
    }

    /// Absorptive capacity from R&D actually spent (Cohen & Levinthal 1989, the second face
    /// of R&D): `a = a₀ + (1 − a₀)(1 − exp(−ξ_R · S / (Y + Ȳ)))`, `S` the R&D stock, `Y` the
    /// firm's sales stock and `Ȳ` the mean sales stock of live firms. For a large firm the
    /// ratio is its stock-weighted R&D intensity; a small firm is measured against the typical
    /// firm's scale; a firm that stops spending falls back to its floor `a₀`.
    pub(crate) fn update_capacities(&mut self) {
        let xi_r = self.config.spillover.capacity_rd;
        let f = &mut self.firms;
        let n = f.count();
        let mean_sales = if n == 0 {
            0.0
        } else {
            // Over fixed chunks, added in chunk order: the same bits on any number of threads.
            f.sales_stock
                .par_chunks(4096)
                .zip(f.alive.par_chunks(4096))
                .map(|(y, a)| {
                    y.iter()
                        .zip(a)
                        .map(|(&y, &a)| if a { y } else { 0.0 })
                        .sum::<f64>()
                })
                .collect::<Vec<_>>()
                .into_iter()
                .sum::<f64>()
                / n as f64
        };
        f.capacity
            .par_iter_mut()
            .zip(f.base_capacity.par_iter())
            .zip(f.rd_stock.par_iter().zip(f.sales_stock.par_iter()))
            .for_each(|((a, &a0), (&s, &y))| {
                *a = capacity(a0, xi_r, s, y, mean_sales);
            });
    }
}
