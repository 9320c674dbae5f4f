//! Process 2, R&D and innovation.
//!
//! - **Rivalry** (Porter 1990): `r_i` = firms within `rivalry_radius` cells whose unit cost is
//!   within `rivalry_similarity` (relative) of the firm's; R&D intensity
//!   `ρ_i = min(1, ρ₀_i · (1 + γ · r_i / (r_i + r½)))`.
//! - **Budget**: own R&D `ρ_i · revenue_i`, a share of the step's sales (the R&D intensity of
//!   firm surveys; K+S), at most what the firm can finance (its profit plus `borrowing` times
//!   its capital), none below `minimum_rd` (a laboratory's fixed cost), paid from capital; the government adds
//!   `s` per unit, scaled down so the subsidies stay within its budget.
//! - **Knowledge production** (Griliches 1979, in the hazard form of agent-based innovation
//!   models): hazard `h_i = α · R_i^β · (K_i + η · K̄_partners)^φ`, success with probability
//!   `1 − e^{−h_i}`. A success is radical with probability `radical_share` (a new technology,
//!   while slots remain), else incremental; either closes the share `gap_share` of the gap to
//!   the reachable knowledge `F⁺` ([`super::frontier`]): `K_i ← K_i + g · (F⁺ − K_i)`.

use super::frontier::innovation_step;
use super::Economy;
use crate::rng::{CellStream, Purpose};
use rayon::prelude::*;

/// An innovation outcome of one firm in one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    None,
    Incremental,
    Radical,
}

/// A firm's own R&D budget this step: its R&D intensity times its revenue, at most what it can
/// finance — its profit of the step plus `borrowing` times its capital (R&D is financed from
/// internal funds first: Hall 2002) — and nothing when that is below `minimum`, the smallest
/// budget worth a laboratory (R&D has fixed costs: Cohen & Klepper 1996).
#[inline]
fn own_rd(f: &super::firms::Firms, slot: usize, borrowing: f64, minimum: f64) -> f64 {
    let wanted = f.rd_intensity[slot] * f.revenue[slot];
    // The profit is already in the capital: what remains of the capital before it, at most.
    let before = f.capital[slot] - f.profit[slot];
    let budget = wanted.min((f.profit[slot].max(0.0) + borrowing * before.max(0.0)).max(0.0));
    if budget < minimum {
        0.0
    } else {
        budget
    }
}

impl Economy {
    /// Counts each firm's close rivals (see the module's documentation).
    pub(crate) fn count_rivals(&mut self) {
        let radius = self.config.innovation.rivalry_radius as i64;
        let similarity = self.config.innovation.rivalry_similarity;
        let mut rivals = std::mem::take(&mut self.firms.rivals);
        let this = &*self;
        rivals
            .par_iter_mut()
            .enumerate()
            .for_each(|(slot, rivals)| {
                if !this.firms.alive[slot] {
                    *rivals = 0;
                    return;
                }
                let (x, y) = this.xy(this.firms.cell[slot]);
                // Costs as the grid holds them (f32), so the firm's own cell is always a hit.
                let cost = this.cost_grid[this.firms.cell[slot] as usize];
                let (lo, hi) = (
                    cost * (1.0 - similarity as f32),
                    cost * (1.0 + similarity as f32),
                );
                let hits =
                    this.count_in_square(&this.cost_grid, x, y, radius, |c| c >= lo && c <= hi);
                *rivals = hits.saturating_sub(1).min(usize::from(u16::MAX)) as u16;
            });
        self.firms.rivals = rivals;
    }

    /// Process 2. Returns, in slot order, the firms whose innovation was radical, as (slot,
    /// cell): the world checks at the end of the step that the same firm is still there.
    pub(crate) fn rnd(&mut self, step: u32, radical: &mut Vec<(usize, u32)>) {
        radical.clear();
        self.count_rivals();
        let n = self.config.innovation.clone();
        let g = self.config.government.clone();
        let borrowing = self.config.production.borrowing;
        let minimum_rd = self.config.innovation.minimum_rd;
        let f = &mut self.firms;
        let mut own_total = 0.0;
        for slot in 0..f.alive.len() {
            if !f.alive[slot] {
                continue;
            }
            let r = f64::from(f.rivals[slot]);
            f.rd_intensity[slot] =
                (f.base_rd[slot] * (1.0 + n.rivalry_effect * r / (r + n.rivalry_half))).min(1.0);
            own_total += own_rd(f, slot, borrowing, minimum_rd);
        }
        // The subsidy per unit of own R&D, within the budget.
        let rate = if own_total > 0.0 {
            g.rd_subsidy.min(g.budget / own_total)
        } else {
            0.0
        };
        // Lock-in: a cluster whose knowledge has grown alike makes fewer radical innovations.
        let diversity = self.diversity_factor();
        let this = &*self;
        let outcomes: Vec<(f64, Outcome)> = (0..this.firms.slots())
            .into_par_iter()
            .map(|slot| {
                let f = &this.firms;
                if !f.alive[slot] {
                    return (0.0, Outcome::None);
                }
                let own = own_rd(f, slot, borrowing, minimum_rd);
                let spending = own * (1.0 + rate);
                if spending <= 0.0 {
                    return (0.0, Outcome::None);
                }
                let partners = this.network.partners(slot);
                let partner_knowledge = if partners.is_empty() {
                    0.0
                } else {
                    partners
                        .iter()
                        .map(|&p| f.knowledge[p as usize])
                        .sum::<f64>()
                        / partners.len() as f64
                };
                let base = f.knowledge[slot] + n.partner_weight * partner_knowledge;
                let hazard = n.productivity
                    * spending.powf(n.rd_elasticity)
                    * base.powf(n.knowledge_elasticity);
                let slot_id = slot as u32;
                let u = CellStream::new(this.seed, Purpose::Innovation, step, 0).unit(slot_id);
                if u >= 1.0 - (-hazard).exp() {
                    return (spending, Outcome::None);
                }
                let v = CellStream::new(this.seed, Purpose::Innovation, step, 1).unit(slot_id);
                let kind = if v < n.radical_share * diversity {
                    Outcome::Radical
                } else {
                    Outcome::Incremental
                };
                (spending, kind)
            })
            .collect();
        let reachable = self.reachable();
        let f = &mut self.firms;
        let (mut spending_total, mut incremental, mut radical_count) = (0.0, 0, 0);
        for (slot, &(spending, outcome)) in outcomes.iter().enumerate() {
            if !f.alive[slot] {
                continue;
            }
            f.rd_spending[slot] = spending;
            f.capital[slot] -= own_rd(f, slot, borrowing, minimum_rd);
            spending_total += spending;
            match outcome {
                Outcome::None => {}
                Outcome::Incremental => {
                    f.knowledge[slot] = innovation_step(f.knowledge[slot], reachable, n.gap_share);
                    incremental += 1;
                }
                Outcome::Radical => {
                    f.knowledge[slot] = innovation_step(f.knowledge[slot], reachable, n.gap_share);
                    radical.push((slot, f.cell[slot]));
                    radical_count += 1;
                }
            }
        }
        self.stats.rd_spending = spending_total;
        self.stats.subsidy = spending_total - spending_total / (1.0 + rate);
        self.stats.innovations_incremental = incremental;
        self.stats.innovations_radical = radical_count;
    }
}
