//! Process 5, networks: ties between firms form by proximity, complementarity and
//! intermediaries' reach, and unused ties decay. Partners learn from each other (process 3)
//! and pool knowledge in R&D (process 2): co-opetition.
//!
//! **Storage invariant:** an adjacency list of fixed capacity per slot: `partners[slot · D ..
//! slot · D + degree[slot]]`, `D = max_degree`. Ties are symmetric — `j` is in `i`'s list iff
//! `i` is in `j`'s — and each list holds no duplicates.
//!
//! - **Formation**: with probability `formation` per step, times `1 + tie_boost` for a firm an
//!   intermediary serves, a firm proposes a tie to the firm on a cell drawn within `radius`;
//!   the other accepts with probability `N(d)` (Nooteboom's inverted U in cognitive distance:
//!   complementary knowledge), if both have room.
//! - **Decay**: a tie over which no knowledge flowed in the step dissolves with probability
//!   `decay`.

use super::spillover::{cognitive_distance, nooteboom};
use super::Economy;
use crate::rng::{CellStream, Purpose};
use rayon::prelude::*;

/// Ties between firms, as fixed-capacity adjacency lists by slot.
#[derive(Clone, Debug)]
pub struct Network {
    pub(crate) max_degree: usize,
    pub(crate) partners: Vec<u32>,
    pub(crate) degree: Vec<u8>,
    /// Whether knowledge flowed over the tie in this step, per adjacency entry.
    pub(crate) used: Vec<bool>,
    keep: Vec<bool>,
}

impl Network {
    /// An empty network for `slots` firms keeping at most `max_degree` ties each.
    pub fn new(max_degree: usize, slots: usize) -> Network {
        Network {
            max_degree,
            partners: vec![0; slots * max_degree],
            degree: vec![0; slots],
            used: vec![false; slots * max_degree],
            keep: vec![false; slots * max_degree],
        }
    }

    /// Makes room for `slots` firms.
    pub(crate) fn ensure_slots(&mut self, slots: usize) {
        if self.degree.len() < slots {
            self.degree.resize(slots, 0);
            self.partners.resize(slots * self.max_degree, 0);
            self.used.resize(slots * self.max_degree, false);
            self.keep.resize(slots * self.max_degree, false);
        }
    }

    /// The partners of the firm in `slot`.
    pub fn partners(&self, slot: usize) -> &[u32] {
        let start = slot * self.max_degree;
        &self.partners[start..start + usize::from(self.degree[slot])]
    }

    /// Whether `a` and `b` are tied.
    pub fn tied(&self, a: usize, b: usize) -> bool {
        self.partners(a).contains(&(b as u32))
    }

    /// Ties `a` and `b` if both have room and they are not tied yet.
    pub(crate) fn add_tie(&mut self, a: usize, b: usize) -> bool {
        let d = self.max_degree;
        if a == b
            || usize::from(self.degree[a]) >= d
            || usize::from(self.degree[b]) >= d
            || self.tied(a, b)
        {
            return false;
        }
        for (x, y) in [(a, b), (b, a)] {
            let k = usize::from(self.degree[x]);
            self.partners[x * d + k] = y as u32;
            self.used[x * d + k] = false;
            self.degree[x] += 1;
        }
        true
    }

    /// Removes every tie of the firm in `slot` (it exits).
    pub(crate) fn remove_firm(&mut self, slot: usize) {
        let d = self.max_degree;
        for t in 0..usize::from(self.degree[slot]) {
            let other = self.partners[slot * d + t] as usize;
            let k = usize::from(self.degree[other]);
            let list = &mut self.partners[other * d..other * d + k];
            if let Some(pos) = list.iter().position(|&p| p as usize == slot) {
                list[pos] = list[k - 1];
                self.used[other * d + pos] = self.used[other * d + k - 1];
                self.degree[other] -= 1;
            }
        }
        self.degree[slot] = 0;
    }

    /// Number of ties.
    pub fn edges(&self) -> u64 {
        self.degree.iter().map(|&d| u64::from(d)).sum::<u64>() / 2
    }

    /// Local clustering coefficient of `slot`: the share of its partners' pairs that are tied
    /// (0 below two partners), as in Watts & Strogatz (1998).
    pub fn local_clustering(&self, slot: usize) -> f64 {
        let partners = self.partners(slot);
        let k = partners.len();
        if k < 2 {
            return 0.0;
        }
        let mut links = 0usize;
        for (i, &a) in partners.iter().enumerate() {
            for &b in &partners[i + 1..] {
                links += usize::from(self.tied(a as usize, b as usize));
            }
        }
        links as f64 / (k * (k - 1) / 2) as f64
    }
}

/// Network indicators of one step.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct NetworkStats {
    /// Ties over possible ties, `2E / (n (n − 1))`.
    pub density: f64,
    /// Mean ties per firm, `2E / n`.
    pub mean_degree: f64,
    /// Mean local clustering coefficient over firms (zeros included, as networkx does); over a
    /// seeded sample of 50,000 firms in larger clusters.
    pub clustering: f64,
}

/// Firms up to which clustering is computed over every firm.
const CLUSTERING_EXACT_UP_TO: usize = 50_000;

impl Economy {
    /// Process 5: decay of unused ties, then formation of new ones.
    pub(crate) fn network(&mut self, step: u32) {
        self.decay_ties(step);
        self.form_ties(step);
    }

    fn decay_ties(&mut self, step: u32) {
        let decay = self.config.network.decay;
        let d = self.network.max_degree;
        let seed = self.seed;
        let mut keep = std::mem::take(&mut self.network.keep);
        let net = &self.network;
        keep.par_chunks_mut(d).enumerate().for_each(|(slot, keep)| {
            for (t, &other) in net.partners(slot).iter().enumerate() {
                let other = other as usize;
                let used = net.used[slot * d + t]
                    || net
                        .partners(other)
                        .iter()
                        .position(|&p| p as usize == slot)
                        .is_some_and(|pos| net.used[other * d + pos]);
                // The same draw from both ends: keyed by the pair, lower slot first.
                let (lo, hi) = (slot.min(other) as u32, slot.max(other) as u32);
                let u = CellStream::new(seed, Purpose::TieDecay, step, lo).unit(hi);
                keep[t] = used || u >= decay;
            }
        });
        let net = &mut self.network;
        let (partners, used, degree) = (&mut net.partners, &mut net.used, &mut net.degree);
        partners
            .par_chunks_mut(d)
            .zip(used.par_chunks_mut(d))
            .zip(degree.par_iter_mut())
            .zip(keep.par_chunks(d))
            .for_each(|(((partners, used), degree), keep)| {
                let mut k = 0;
                for t in 0..usize::from(*degree) {
                    if keep[t] {
                        partners[k] = partners[t];
                        k += 1;
                    }
                }
                *degree = k as u8;
                used.fill(false);
            });
        net.keep = keep;
    }

    fn form_ties(&mut self, step: u32) {
        let n = self.config.network.clone();
        let optimal = self.config.spillover.optimal_distance;
        let r = i64::from(n.radius);
        let side = (2 * r + 1) as u64;
        let propose = CellStream::new(self.seed, Purpose::TieFormation, step, 0);
        let target = CellStream::new(self.seed, Purpose::TieFormation, step, 1);
        let accept = CellStream::new(self.seed, Purpose::TieFormation, step, 2);
        let this = &*self;
        let proposals: Vec<(u32, u32)> = (0..this.firms.slots())
            .into_par_iter()
            .filter_map(|slot| {
                let f = &this.firms;
                if !f.alive[slot] {
                    return None;
                }
                let cell = f.cell[slot];
                let boost = this.tie_boost[cell as usize];
                if propose.unit(slot as u32) >= (n.formation * (1.0 + boost)).min(1.0) {
                    return None;
                }
                let pick = (u64::from(target.at(slot as u32)) * (side * side - 1)) >> 32;
                let pick = pick + u64::from(pick >= side * side / 2);
                let (dx, dy) = ((pick % side) as i64 - r, (pick / side) as i64 - r);
                let other = this.neighbour(cell, dx, dy).and_then(|c| this.firm_at(c))?;
                let complementarity = nooteboom(
                    cognitive_distance(f.position[slot], f.position[other]),
                    optimal,
                );
                (accept.unit(slot as u32) < complementarity).then_some((slot as u32, other as u32))
            })
            .collect();
        for (a, b) in proposals {
            self.network.add_tie(a as usize, b as usize);
        }
    }

    /// Density, mean degree and clustering of the network now.
    pub fn network_stats(&self, step: u32) -> NetworkStats {
        let n = self.firms.count();
        if n == 0 {
            return NetworkStats::default();
        }
        let edges = self.network.edges() as f64;
        let nf = n as f64;
        let density = if n > 1 {
            2.0 * edges / (nf * (nf - 1.0))
        } else {
            0.0
        };
        let share = (CLUSTERING_EXACT_UP_TO as f64 / nf).min(1.0);
        let sample = CellStream::new(self.seed, Purpose::TieFormation, step, 3);
        // Coefficients in parallel, summed in slot order: a float sum must not depend on how
        // the work was split between threads.
        let coefficients: Vec<f64> = self
            .firms
            .live()
            .filter(|&slot| share >= 1.0 || sample.unit(slot as u32) < share)
            .collect::<Vec<_>>()
            .par_iter()
            .map(|&slot| self.network.local_clustering(slot))
            .collect();
        let (sum, count) = (coefficients.iter().sum::<f64>(), coefficients.len());
        NetworkStats {
            density,
            mean_degree: 2.0 * edges / nf,
            clustering: if count > 0 { sum / count as f64 } else { 0.0 },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_are_symmetric_and_capped() {
        let mut net = Network::new(2, 4);
        assert!(net.add_tie(0, 1));
        assert!(!net.add_tie(1, 0), "no duplicate");
        assert!(net.add_tie(0, 2));
        assert!(!net.add_tie(0, 3), "0 is full");
        assert!(net.add_tie(1, 2));
        assert_eq!(net.edges(), 3);
        assert!(net.tied(2, 0) && net.tied(2, 1));
        // A triangle: every firm's partners are tied to each other.
        assert_eq!(net.local_clustering(0), 1.0);
        net.remove_firm(2);
        assert_eq!(net.edges(), 1);
        assert!(!net.tied(0, 2) && !net.tied(1, 2));
        assert_eq!(net.partners(0), &[1]);
    }
}
