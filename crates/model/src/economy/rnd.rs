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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Outcome {
    #[default]
    None,
    Incremental,
    Radical,
}

/// A firm's own R&D budget this step: its R&D intensity times its revenue, at most what it can
/// finance — its profit of the step plus `borrowing` times its capital (R&D is financed from
/// internal funds first: Hall 2002) — and nothing when that is below `minimum`, the smallest
/// budget worth a laboratory (R&D has fixed costs: Cohen & Klepper 1996). `wanted` is the
/// intensity times the revenue; the profit is already in `capital`.
#[inline]
fn own_budget(wanted: f64, capital: f64, profit: f64, borrowing: f64, minimum: f64) -> f64 {
    let before = capital - profit;
    let budget = wanted.min((profit.max(0.0) + borrowing * before.max(0.0)).max(0.0));
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
                let grid = &this.cost_grid;
                let cost = grid.values[grid.at(x as usize, y as usize)];
                let (lo, hi) = (
                    cost * (1.0 - similarity as f32),
                    cost * (1.0 + similarity as f32),
                );
                let hits = this.count_in_range(grid, x, y, radius, lo, hi);
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
        // Each firm's R&D intensity (rivalry) and own budget, in parallel over slots.
        let mut own = std::mem::take(&mut self.rd_own);
        let mut outcomes = std::mem::take(&mut self.rd_outcomes);
        let f = &mut self.firms;
        own.resize(f.slots(), 0.0);
        f.rd_intensity
            .par_iter_mut()
            .zip(own.par_iter_mut())
            .enumerate()
            .for_each(|(slot, (intensity, own))| {
                if !f.alive[slot] {
                    *own = 0.0;
                    return;
                }
                let r = f64::from(f.rivals[slot]);
                *intensity = (f.base_rd[slot]
                    * (1.0 + n.rivalry_effect * r / (r + n.rivalry_half)))
                    .min(1.0);
                let wanted = *intensity * f.revenue[slot];
                *own = own_budget(
                    wanted,
                    f.capital[slot],
                    f.profit[slot],
                    borrowing,
                    minimum_rd,
                );
            });
        // Summed in slot order (the budget's share must not depend on the thread count).
        let mut own_total = 0.0;
        for (&budget, &alive) in own.iter().zip(&f.alive) {
            if alive {
                own_total += budget;
            }
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
        let (success, kind) = (
            CellStream::new(this.seed, Purpose::Innovation, step, 0),
            CellStream::new(this.seed, Purpose::Innovation, step, 1),
        );
        outcomes.resize(this.firms.slots(), (0.0, Outcome::None));
        outcomes
            .par_iter_mut()
            .zip(own.par_iter())
            .enumerate()
            .for_each(|(slot, (outcome, &own))| {
                let f = &this.firms;
                *outcome = (0.0, Outcome::None);
                if !f.alive[slot] {
                    return;
                }
                let spending = own * (1.0 + rate);
                if spending <= 0.0 {
                    return;
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
                if success.unit(slot_id) >= 1.0 - (-hazard).exp() {
                    *outcome = (spending, Outcome::None);
                    return;
                }
                *outcome = if kind.unit(slot_id) < n.radical_share * diversity {
                    (spending, Outcome::Radical)
                } else {
                    (spending, Outcome::Incremental)
                };
            });
        let reachable = self.reachable();
        // Spending and innovations booked, in parallel over slots.
        let f = &mut self.firms;
        f.rd_spending
            .par_iter_mut()
            .zip(f.capital.par_iter_mut())
            .zip(f.knowledge.par_iter_mut())
            .zip(outcomes.par_iter().zip(own.par_iter()))
            .zip(f.alive.par_iter())
            .for_each(
                |((((rd_spending, capital), knowledge), (&(spending, outcome), &own)), &alive)| {
                    if !alive {
                        return;
                    }
                    *rd_spending = spending;
                    *capital -= own;
                    if outcome != Outcome::None {
                        *knowledge = innovation_step(*knowledge, reachable, n.gap_share);
                    }
                },
            );
        // The totals in slot order.
        let (mut spending_total, mut incremental, mut radical_count) = (0.0, 0, 0);
        for (slot, &(spending, outcome)) in outcomes.iter().enumerate() {
            if !f.alive[slot] {
                continue;
            }
            spending_total += spending;
            match outcome {
                Outcome::None => {}
                Outcome::Incremental => incremental += 1,
                Outcome::Radical => {
                    radical.push((slot, f.cell[slot]));
                    radical_count += 1;
                }
            }
        }
        self.rd_own = own;
        self.rd_outcomes = outcomes;
        self.stats.rd_spending = spending_total;
        self.stats.subsidy = spending_total - spending_total / (1.0 + rate);
        self.stats.innovations_incremental = incremental;
        self.stats.innovations_radical = radical_count;
    }
}

#[cfg(test)]
mod tests {
    use super::Outcome;
    use crate::scenario::{parse_scenario_text, validate, Limits};
    use crate::World;
    use rayon::prelude::*;

    /// Steps of burn-in (two years of quarters) before R&D performers are counted.
    const BURN_IN: u32 = 8;

    /// One run of the bundled default (with the R&D elasticity β = `rd_elasticity` when
    /// given): over its steps after the burn-in, the R&D performers' innovations and
    /// performer-steps below and at or above each step's median spending. Performers that exit
    /// in the step are not counted (their slot is free or taken by an entrant when the step
    /// ends): a small survivor bias, the same in both arms of the test.
    fn innovation_by_spending(seed: u64, rd_elasticity: Option<f64>) -> [(f64, f64); 2] {
        let mut text = include_str!("../../../../examples/default.toml")
            .replace("seed = 2024", &format!("seed = {seed}"));
        if let Some(beta) = rd_elasticity {
            assert!(!text.contains("\n[innovation]"));
            text.push_str(&format!("\n[innovation]\nrd_elasticity = {beta:?}\n"));
        }
        let parsed = parse_scenario_text(&text, "default.toml").unwrap_or_else(|p| panic!("{p}"));
        let scenario = validate(&parsed, None, Limits::default())
            .unwrap_or_else(|p| panic!("{p}"))
            .0;
        let mut world = World::new(&scenario);
        let mut counts = [(0.0, 0.0); 2];
        let steps = scenario.steps;
        let mut spending = Vec::new();
        world.run_until(steps, |w| {
            if w.current_step() <= BURN_IN {
                return;
            }
            let e = w.economy().unwrap();
            spending.clear();
            spending.extend(
                e.firms
                    .live()
                    .filter_map(|s| e.rd_outcomes.get(s).copied().map(|o| (s, o)))
                    // Entrants of the step, on new or vacated slots, did no R&D in it.
                    .filter(|&(s, (r, _))| r > 0.0 && e.firms.rd_spending[s] == r)
                    .map(|(_, o)| o),
            );
            if spending.len() < 2 {
                return;
            }
            let mut sorted: Vec<f64> = spending.iter().map(|&(r, _)| r).collect();
            sorted.sort_by(f64::total_cmp);
            let median = sorted[sorted.len() / 2];
            for &(r, outcome) in &spending {
                let half = &mut counts[usize::from(r >= median)];
                half.0 += f64::from(u8::from(outcome != Outcome::None));
                half.1 += 1.0;
            }
        });
        counts
    }

    /// Mean and standard error of the mean.
    fn mean_se(v: &[f64]) -> (f64, f64) {
        let mut m = clusterlab_numerics::stats::Moments::default();
        v.iter().for_each(|&x| m.push(x));
        (m.mean(), m.sd() / (m.count() as f64).sqrt())
    }

    /// R&D buys innovation (Griliches 1979; the hazard `α R^β (K + η K̄)^φ`), on the bundled
    /// default at its own parameters with every process on, over 20 seeds:
    /// - the hazard is not saturated: an R&D performer innovates in fewer than half of its
    ///   quarters (a hazard below ln 2, where a rise in the hazard still moves the probability
    ///   by at least half as much; at saturation, as with α = 0.3, every performer innovates
    ///   every quarter and spending more changes nothing);
    /// - spending causes it: performers at or above the step's median R&D innovate more often
    ///   than those below it, and this gap is larger than in a placebo run of the same seeds
    ///   with β = 0 (where spending cannot raise the hazard, and the gap is what bigger spenders'
    ///   knowledge and partners give), by more than three standard errors of the paired
    ///   difference.
    #[test]
    fn rd_spending_raises_the_chance_of_innovating() {
        let gaps = |beta: Option<f64>| -> Vec<([(f64, f64); 2], f64)> {
            (1..=20u64)
                .into_par_iter()
                .map(|seed| {
                    let r = innovation_by_spending(seed, beta);
                    (r, r[1].0 / r[1].1 - r[0].0 / r[0].1)
                })
                .collect()
        };
        let (with, placebo) = (gaps(None), gaps(Some(0.0)));
        let all: Vec<f64> = with
            .iter()
            .map(|(r, _)| (r[0].0 + r[1].0) / (r[0].1 + r[1].1))
            .collect();
        let (p_all, _) = mean_se(&all);
        let gap: Vec<f64> = with.iter().map(|g| g.1).collect();
        let gap0: Vec<f64> = placebo.iter().map(|g| g.1).collect();
        let excess: Vec<f64> = gap.iter().zip(&gap0).map(|(a, b)| a - b).collect();
        let ((g, _), (g0, _), (d, se)) = (mean_se(&gap), mean_se(&gap0), mean_se(&excess));
        eprintln!(
            "innovation a quarter: all {p_all:.3}; gap at or above the median R&D minus below: {g:.4} (β = 0.5), {g0:.4} (β = 0); excess {d:.4} (se {se:.4})"
        );
        assert!(
            p_all < 0.5,
            "an R&D performer innovates in {p_all:.3} of quarters: the hazard is saturated"
        );
        assert!(
            d > 3.0 * se && d > 0.0,
            "the gap in innovation between high and low R&D spenders, {g:.4}, is not above the placebo's (β = 0) {g0:.4}: excess {d:.4} (se {se:.4})"
        );
    }
}
