//! Process 7, entry and exit. `docs/ODD.md`, S13.
//!
//! - **Exit** on economics, not on a timer: a firm leaves when its capital is below zero (its
//!   losses have eaten its net worth) or, with the market running, when its market share has
//!   fallen below `exit_share` of the mean firm's (a vanishing share: K+S, Dosi et al. 2010);
//!   its cell empties and its ties go.
//! - **Entry by expected profit** (Jovanovic 1982; Klepper 1996): `entry_rate · n` potential
//!   entrants come each step, plus `entrants` from outside however many firms there are
//!   (Klepper's pool of would-be producers; the fraction drawn). Each looks for an empty cell, near an
//!   incumbent drawn in proportion to its output with probability `agglomeration` (Baptista &
//!   Swann 1998), else anywhere; knows `inheritance · (w·K̄ + (1 − w)·K_out) · (0.5 + u)` (the
//!   cluster's mean knowledge `K̄` weighted by `local_pool` = w, the outside frontier `K_out`,
//!   `u` uniform; at most the frontier); and enters when the profit it expects per step over
//!   `entry_horizon` steps is positive and the share it expects is at least the vanishing-share
//!   floor — its share moving from the entrant's toward the share its cost earns against the
//!   incumbents' (`Economy::expected_entry`): late entrants weigh their cost gap (Klepper 1996).
//!   It starts small (`entrant_share` of the mean firm's share), with `entry_capital`, no
//!   technologies, and the cluster's mean absorptive capacity as its floor. It decided on the
//!   mean entrant's appeal and learns its own once in (`entrant_dispersion`: Jovanovic 1982;
//!   Hopenhayn 1992; see `Economy::settle_entrant`).
//! - **Spin-offs**: each leader with a positive profit spawns a spin-off with probability
//!   `spinoff_rate`. The spin-off settles on the first empty cell among eight drawn within
//!   `spinoff_radius` cells (none if all are taken), starts with `inheritance` of the parent's
//!   knowledge, its position, capacity, R&D intensity and openness, `entry_capital` of capital,
//!   the parent's technologies (the founders bring them) and an entrant's market share.
//!   Spin-offs near successful firms are how clusters grow (Klepper 2007).

use super::firms::{FirmClass, NewFirm};
use super::{Economy, NO_FIRM};
use crate::rng::{CellStream, Purpose};
use rayon::prelude::*;

/// What changed on the grid: the world updates the diffusion layers from it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Turnover {
    /// Cells emptied by exits.
    pub exits: Vec<u32>,
    /// `(parent cell, spin-off cell)` for each spin-off.
    pub spinoffs: Vec<(u32, u32)>,
    /// Cells of the entrants (they hold no technology).
    pub entrants: Vec<u32>,
}

/// Empty cells tried for a spin-off.
const SPINOFF_TRIES: u32 = 8;

impl Economy {
    /// Process 7 (see the module's documentation), recording the changes in `turnover`.
    pub(crate) fn demography(&mut self, step: u32, turnover: &mut Turnover) {
        turnover.exits.clear();
        turnover.spinoffs.clear();
        turnover.entrants.clear();
        let d = self.config.demography.clone();
        // A vanishing share, against the mean firm's before the exits.
        let share_floor = if self.market_on {
            d.exit_share / self.n_firms().max(1) as f64
        } else {
            f64::NEG_INFINITY
        };
        // Who exits is found in parallel (one firm's exit changes no other's test), then they
        // leave in slot order.
        let f = &self.firms;
        let mut leaving = std::mem::take(&mut self.demography_slots);
        leaving.clear();
        leaving.par_extend(f.alive.par_iter().enumerate().filter_map(|(slot, &alive)| {
            (alive && (f.capital[slot] < 0.0 || f.share[slot] < share_floor)).then_some(slot as u32)
        }));
        for &slot in &leaving {
            let slot = slot as usize;
            let cell = self.firms.cell[slot];
            self.cell_firm[cell as usize] = NO_FIRM;
            self.network.remove_firm(slot);
            self.firms.remove(slot);
            turnover.exits.push(cell);
        }
        if self.market_on {
            self.enter(step, turnover);
        }
        let r = i64::from(d.spinoff_radius);
        let side = (2 * r + 1) as u64;
        let spawn = CellStream::new(self.seed, Purpose::Spinoff, step, 0);
        // The parents, found in parallel before any spin-off settles: a spin-off has no profit
        // yet (it cannot be a parent in this step) and takes only a free slot, so settling one
        // changes no other firm's test.
        let f = &self.firms;
        leaving.clear();
        leaving.par_extend(f.alive.par_iter().enumerate().filter_map(|(slot, &alive)| {
            (alive
                && f.class[slot] == FirmClass::Leader
                && f.profit[slot] > 0.0
                && spawn.unit(slot as u32) < d.spinoff_rate)
                .then_some(slot as u32)
        }));
        for &slot in &leaving {
            let slot = slot as usize;
            let f = &self.firms;
            let parent_cell = f.cell[slot];
            let place = (1..=SPINOFF_TRIES).find_map(|attempt| {
                let draw =
                    CellStream::new(self.seed, Purpose::Spinoff, step, attempt).at(slot as u32);
                let pick = (u64::from(draw) * (side * side - 1)) >> 32;
                let pick = pick + u64::from(pick >= side * side / 2);
                let (dx, dy) = ((pick % side) as i64 - r, (pick / side) as i64 - r);
                self.neighbour(parent_cell, dx, dy)
                    .filter(|&c| self.cell_firm[c as usize] == NO_FIRM)
            });
            let Some(cell) = place else { continue };
            let child = self.firms.add(NewFirm {
                cell,
                knowledge: d.inheritance * self.firms.knowledge[slot],
                position: self.firms.position[slot],
                capacity: self.firms.base_capacity[slot],
                rd_intensity: self.firms.base_rd[slot],
                capital: d.entry_capital,
                openness: self.firms.base_openness[slot],
                strategy: self.firms.strategy[slot],
                pipeline: self.firms.pipeline[slot],
                outside_anchor: self.firms.outside_anchor[slot],
            });
            self.firms.openness[child] = self.firms.openness[slot];
            self.firms.efficiency[child] = self.firms.efficiency[slot];
            // The spin-off's cost and class now, so the step's indicators count it rightly.
            let factor = self.firms.tech_factor[slot];
            let cost = self.unit_cost_of(self.firms.knowledge[child], factor)
                * (-self.firms.efficiency[child]).exp();
            self.firms.tech_factor[child] = factor;
            self.firms.unit_cost[child] = cost;
            self.firms.class[child] = self.class_bounds.class_of(cost, child);
            self.cell_firm[cell as usize] = child as u32;
            self.network.ensure_slots(self.firms.slots());
            self.settle_entrant(child, step, super::market::Arrival::Entry);
            turnover.spinoffs.push((parent_cell, cell));
        }
        self.demography_slots = leaving;
        let f = &mut self.firms;
        f.age
            .par_iter_mut()
            .zip(f.alive.par_iter())
            .for_each(|(age, &alive)| *age += u32::from(alive));
        self.stats.entries = (turnover.spinoffs.len() + turnover.entrants.len()) as u64;
        self.stats.exits = turnover.exits.len() as u64;
        self.total_entries += self.stats.entries;
        self.total_exits += self.stats.exits;
    }

    /// Entry by expected profit (see the module's documentation). What follows from a
    /// candidate's own draws (its anchor, knowledge, efficiency, cost and offer) is found for
    /// every candidate in parallel; placing them and the profit test, which depend on the
    /// firms that entered before, then run in the candidates' order.
    fn enter(&mut self, step: u32, turnover: &mut Turnover) {
        let d = self.config.demography.clone();
        let n = self.n_firms();
        if d.entry_rate <= 0.0 && d.entrants <= 0.0 {
            return;
        }
        // Stream `j` of the step's entry draws: 0 the count, 1–10 a candidate's attributes,
        // 20–27 its placement attempts.
        let streams: [CellStream; 20 + SPINOFF_TRIES as usize] =
            std::array::from_fn(|j| CellStream::new(self.seed, Purpose::Entry, step, j as u32));
        let expected = d.entry_rate * n as f64 + d.entrants;
        let potential = expected.floor() as u32 + u32::from(streams[0].unit(0) < expected.fract());
        if potential == 0 {
            return;
        }
        // The cumulative output of the live firms, to draw incumbents in proportion to it.
        let f = &self.firms;
        let mut cumulative = std::mem::take(&mut self.entry_cumulative);
        let mut slots = std::mem::take(&mut self.entry_slots);
        let mut candidates = std::mem::take(&mut self.entry_candidates);
        cumulative.clear();
        slots.clear();
        let mut coarse = std::mem::take(&mut self.entry_coarse);
        // Three sums in slot order, the running one on one thread, the other two on another.
        let (total, (knowledge, capacity)) = rayon::join(
            || {
                let mut total = 0.0;
                for s in f.live() {
                    total += f.output_local[s] + f.output_export[s];
                    cumulative.push(total);
                    slots.push(s);
                }
                total
            },
            || {
                f.live().fold((0.0, 0.0), |(k, a), s| {
                    (k + f.knowledge[s], a + f.base_capacity[s])
                })
            },
        );
        // Every block's last cumulative output, to search a block before searching in it.
        coarse.clear();
        coarse.extend(
            cumulative
                .chunks(SEARCH_BLOCK)
                .filter_map(|b| b.last().copied()),
        );
        let outside = self.outside_knowledge(step);
        // A cluster with no firm (none yet, or all gone) has no local pool: entrants from the
        // outside pool bring outside know-how and the scenario's mean capacity.
        let (mean_knowledge, mean_capacity) = if n == 0 {
            (outside, self.empty_capacity)
        } else {
            (knowledge / n as f64, capacity / n as f64)
        };
        let cells = (self.width * self.height) as u64;
        let r = i64::from(d.spinoff_radius);
        let side = (2 * r + 1) as u64;
        let attributes = self.config.attributes;
        let share = self.config.external.pipeline_share;
        let frontier = self.frontier();
        let dispersion = self.config.production.efficiency_dispersion;
        candidates.clear();
        candidates.resize(potential as usize, Candidate::default());
        let this = &*self;
        candidates
            .par_iter_mut()
            .enumerate()
            .for_each(|(k, candidate)| {
                let k = k as u32;
                let u = |j: u32| streams[1 + j as usize].unit(k);
                let anchor = if u(0) < d.agglomeration && total > 0.0 {
                    let target = u(1) * total;
                    let i = first_above(&coarse, &cumulative, target).min(slots.len() - 1);
                    this.firms.cell[slots[i]]
                } else {
                    NO_ANCHOR
                };
                // What the entrant knows, at most the cluster's frontier (it brings what is
                // reachable; the frontier then moves with the cluster's own discoveries).
                let knowledge = (d.inheritance
                    * (d.local_pool * mean_knowledge + (1.0 - d.local_pool) * outside)
                    * (0.5 + u(2)))
                .min(frontier);
                let efficiency = super::efficiency_draw(dispersion, u(8), u(9));
                let cost = this.unit_cost_of(knowledge, 1.0) * (-efficiency).exp();
                *candidate = Candidate {
                    anchor,
                    knowledge,
                    efficiency,
                    cost,
                    offer: this.entrant_offer(cost),
                };
            });
        for (k, candidate) in candidates.iter().enumerate() {
            let k = k as u32;
            let u = |j: u32| streams[1 + j as usize].unit(k);
            let place = (0..SPINOFF_TRIES).find_map(|attempt| {
                let draw = streams[20 + attempt as usize].unit(k);
                let cell = if candidate.anchor == NO_ANCHOR {
                    ((draw * cells as f64) as u64).min(cells - 1) as u32
                } else {
                    let pick = (draw * (side * side) as f64) as u64 % (side * side);
                    let (dx, dy) = ((pick % side) as i64 - r, (pick / side) as i64 - r);
                    self.neighbour(candidate.anchor, dx, dy)?
                };
                (self.cell_firm[cell as usize] == NO_FIRM).then_some(cell)
            });
            let Some(cell) = place else { continue };
            let cost = candidate.cost;
            // It enters when it expects a profit and a share above the vanishing-share floor
            // (below which it would be made to exit), both counted among the firms now live.
            let (expected_share, expected_profit) = self.expected_entry(cost, candidate.offer);
            let share_floor = d.exit_share / self.n_firms().max(1) as f64;
            if expected_profit <= 0.0 || expected_share < share_floor {
                continue;
            }
            let slot = self.firms.add(NewFirm {
                cell,
                knowledge: candidate.knowledge,
                position: u(3),
                capacity: mean_capacity,
                rd_intensity: attributes.rd_intensity.at(u(4)),
                capital: d.entry_capital,
                openness: attributes.openness.at(u(5)),
                strategy: super::strategy::initial_strategy(
                    self.seed,
                    cell,
                    attributes.openness.at(u(5)),
                ),
                pipeline: u(6) < share,
                outside_anchor: u(7),
            });
            self.firms.unit_cost[slot] = cost;
            self.firms.efficiency[slot] = candidate.efficiency;
            self.firms.class[slot] = self.class_bounds.class_of(cost, slot);
            self.cell_firm[cell as usize] = slot as u32;
            self.network.ensure_slots(self.firms.slots());
            self.set_openness(slot);
            self.settle_entrant(slot, step, super::market::Arrival::Entry);
            turnover.entrants.push(cell);
        }
        self.entry_cumulative = cumulative;
        self.entry_coarse = coarse;
        self.entry_slots = slots;
        self.entry_candidates = candidates;
    }
}

/// Cumulative outputs per block of the two-level search in [`first_above`].
const SEARCH_BLOCK: usize = 32;

/// The index of the first entry of the non-decreasing `cumulative` above `target` (its length
/// if none is), as `cumulative.partition_point(|&c| c <= target)` finds it, searching
/// `coarse` (the last entry of each block of [`SEARCH_BLOCK`]) first: the coarse array fits
/// in cache where a binary search over a million firms' outputs misses on every probe.
fn first_above(coarse: &[f64], cumulative: &[f64], target: f64) -> usize {
    let block = coarse.partition_point(|&c| c <= target);
    let start = block * SEARCH_BLOCK;
    if start >= cumulative.len() {
        return cumulative.len();
    }
    let end = (start + SEARCH_BLOCK).min(cumulative.len());
    start + cumulative[start..end].partition_point(|&c| c <= target)
}

/// A potential entrant that draws no incumbent to settle near.
const NO_ANCHOR: u32 = u32::MAX;

/// What follows from a potential entrant's own draws, not from the firms that enter before
/// it in the step.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Candidate {
    /// The cell of the incumbent it settles near, or [`NO_ANCHOR`].
    anchor: u32,
    knowledge: f64,
    efficiency: f64,
    cost: f64,
    /// Its price and CES weight ([`Economy::entrant_offer`]).
    offer: (f64, f64),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two-level search finds what one binary search over the whole array finds: runs of
    /// equal values (firms without output), targets on, between and beyond the entries, and
    /// lengths around the block's.
    #[test]
    fn the_two_level_search_finds_the_partition_point() {
        let mut rng = crate::rng::SplitMix64::new(3);
        for len in [1, 2, 31, 32, 33, 64, 65, 1000] {
            let mut total = 0.0;
            let cumulative: Vec<f64> = (0..len)
                .map(|_| {
                    // A third of the firms sold nothing.
                    if !rng.next_u64().is_multiple_of(3) {
                        total += (rng.next_u64() % 5) as f64 * 0.5;
                    }
                    total
                })
                .collect();
            let coarse: Vec<f64> = cumulative
                .chunks(SEARCH_BLOCK)
                .filter_map(|b| b.last().copied())
                .collect();
            let mut targets = cumulative.clone();
            targets.extend([-1.0, 0.0, total, total + 1.0, f64::NAN]);
            targets.extend((0..200).map(|i| total * f64::from(i) / 199.0 + 0.25));
            for target in targets {
                assert_eq!(
                    first_above(&coarse, &cumulative, target),
                    cumulative.partition_point(|&c| c <= target),
                    "length {len}, target {target}"
                );
            }
        }
    }
}
