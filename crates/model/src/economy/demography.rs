//! Process 7, entry and exit.
//!
//! - **Exit**: a firm whose capital has fallen below zero leaves; its cell empties and its ties
//!   go.
//! - **Spin-offs**: each leader with a positive profit spawns a spin-off with probability
//!   `spinoff_rate`. The spin-off settles on the first empty cell among eight drawn within
//!   `spinoff_radius` cells (none if all are taken), starts with `inheritance` of the parent's
//!   knowledge, its position, capacity, R&D intensity and openness, `entry_capital` of capital,
//!   and the parent's technologies (the founders bring them). Spin-offs near successful firms
//!   are how clusters grow (Klepper 2007).

use super::firms::{FirmClass, NewFirm};
use super::{Economy, NO_FIRM};
use crate::rng::{CellStream, Purpose};

/// What changed on the grid: the world updates the diffusion layers from it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Turnover {
    /// Cells emptied by exits.
    pub exits: Vec<u32>,
    /// `(parent cell, spin-off cell)` for each spin-off.
    pub spinoffs: Vec<(u32, u32)>,
}

/// Empty cells tried for a spin-off.
const SPINOFF_TRIES: u32 = 8;

impl Economy {
    /// Process 7 (see the module's documentation), recording the changes in `turnover`.
    pub(crate) fn demography(&mut self, step: u32, turnover: &mut Turnover) {
        turnover.exits.clear();
        turnover.spinoffs.clear();
        for slot in 0..self.firms.slots() {
            if self.firms.alive[slot] && self.firms.capital[slot] < 0.0 {
                let cell = self.firms.cell[slot];
                self.cell_firm[cell as usize] = NO_FIRM;
                self.network.remove_firm(slot);
                self.firms.remove(slot);
                turnover.exits.push(cell);
            }
        }
        let d = self.config.demography.clone();
        let r = i64::from(d.spinoff_radius);
        let side = (2 * r + 1) as u64;
        let spawn = CellStream::new(self.seed, Purpose::Spinoff, step, 0);
        for slot in 0..self.firms.slots() {
            let f = &self.firms;
            if !f.alive[slot]
                || f.class[slot] != FirmClass::Leader
                || f.profit[slot] <= 0.0
                || spawn.unit(slot as u32) >= d.spinoff_rate
            {
                continue;
            }
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
            // The spin-off's cost and class now, so the step's indicators count it rightly.
            let factor = self.firms.tech_factor[slot];
            let cost = self.unit_cost_of(self.firms.knowledge[child], factor);
            self.firms.tech_factor[child] = factor;
            self.firms.unit_cost[child] = cost;
            self.firms.class[child] = self.class_bounds.class_of(cost, child);
            self.cell_firm[cell as usize] = child as u32;
            self.network.ensure_slots(self.firms.slots());
            turnover.spinoffs.push((parent_cell, cell));
        }
        for slot in 0..self.firms.slots() {
            if self.firms.alive[slot] {
                self.firms.age[slot] += 1;
            }
        }
        self.stats.entries = turnover.spinoffs.len() as u64;
        self.stats.exits = turnover.exits.len() as u64;
        self.total_entries += self.stats.entries;
        self.total_exits += self.stats.exits;
    }
}
