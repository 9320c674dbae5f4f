//! Process 4, labour mobility: workers move between firms, mostly nearby, and carry knowledge
//! (Almeida & Kogut 1999; the review's He [11]).
//!
//! With probability `rate` per step a firm hires a worker from the firm on a cell drawn
//! uniformly within `radius` cells (if one is there); it gains `transfer · a · max(K_j − K_i, 0)`
//! of the other firm's knowledge, `a` its absorptive capacity. Knowledge is non-rival: the
//! former employer keeps its own.

use super::Economy;
use crate::rng::{CellStream, Purpose};
use rayon::prelude::*;

impl Economy {
    /// Process 4 (see the module's documentation).
    pub(crate) fn mobility(&mut self, step: u32) {
        let m = self.config.mobility.clone();
        let r = i64::from(m.radius);
        let side = (2 * r + 1) as u64;
        let hire = CellStream::new(self.seed, crate::rng::Purpose::Mobility, step, 0);
        let from = CellStream::new(self.seed, Purpose::Mobility, step, 1);
        // Every slot's entry is written below: no copy of the column first.
        let mut next = std::mem::take(&mut self.knowledge_next);
        next.resize(self.firms.slots(), 0.0);
        let this = &*self;
        next.par_iter_mut().enumerate().for_each(|(slot, k_next)| {
            let f = &this.firms;
            *k_next = f.knowledge[slot];
            if !f.alive[slot] || hire.unit(slot as u32) >= m.rate {
                return;
            }
            // A cell in the (2r + 1)² square other than the firm's own.
            let pick = (u64::from(from.at(slot as u32)) * (side * side - 1)) >> 32;
            let pick = pick + u64::from(pick >= side * side / 2);
            let (dx, dy) = ((pick % side) as i64 - r, (pick / side) as i64 - r);
            if let Some(j) = this
                .neighbour(f.cell[slot], dx, dy)
                .and_then(|c| this.firm_at(c))
            {
                let gap = f.knowledge[j] - f.knowledge[slot];
                if gap > 0.0 {
                    *k_next += m.transfer * f.capacity[slot] * gap;
                }
            }
        });
        std::mem::swap(&mut self.firms.knowledge, &mut next);
        self.knowledge_next = next;
    }
}
