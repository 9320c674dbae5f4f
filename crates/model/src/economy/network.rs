//! Process 5, networks: ties between firms form by proximity, complementarity and triadic
//! closure, every tie decays, and a soft capacity thins degrees out before the hard bound.
//! Partners learn from each other (process 3) and pool knowledge in R&D (process 2):
//! co-opetition. Rates are per step (a quarter). Equations in `docs/ODD.md` S11.
//!
//! **Storage invariant:** an adjacency list of fixed capacity per slot: `partners[slot · D ..
//! slot · D + degree[slot]]`, `D = max_degree` (the hard bound). Ties are symmetric — `j` is in
//! `i`'s list iff `i` is in `j`'s — and each list holds no duplicates.
//!
//! - **Decay** (every tie, no class exempt): a tie over which no knowledge flowed in the step
//!   dissolves with probability `decay`, one over which knowledge flowed with `used_decay`
//!   (≤ `decay`); one draw per pair, so both ends decide alike.
//! - **Formation** (Jackson & Rogers 2007, "meeting friends of friends"): a firm with `k` ties
//!   searches with probability `formation · (1 + b) · s(k)`, `b` the tie boost of an
//!   intermediary serving it and `s(k) = (1 − k/D)^γ` the soft capacity. With probability
//!   `m = triadic_share` (if it has ties) it meets a partner of a partner drawn at random
//!   (network search, triadic closure); otherwise the firm on a cell drawn within `radius`
//!   (proximity). The firm met accepts with probability `N(d) · s(k')`: Nooteboom's inverted U
//!   in cognitive distance (complementary knowledge) times its own soft capacity.
//!   Proposals are applied in slot order while both are below `D`.

use super::spillover::{cognitive_distance, nooteboom};
use super::Economy;
use crate::rng::{derive_key, splitmix64_mix, CellStream, Purpose};
use rayon::prelude::*;

/// Ties between firms, as fixed-capacity adjacency lists by slot.
#[derive(Clone, Debug)]
pub struct Network {
    pub(crate) max_degree: usize,
    pub(crate) partners: Vec<u32>,
    pub(crate) degree: Vec<u8>,
    /// Whether knowledge flowed over the tie in this step, per adjacency entry.
    pub(crate) used: Vec<bool>,
    /// Scratch of the decay: per slot, a bit per adjacency entry, set if the tie stays.
    keep: Vec<u64>,
}

impl Network {
    /// An empty network for `slots` firms keeping at most `max_degree` ties each.
    pub fn new(max_degree: usize, slots: usize) -> Network {
        Network {
            max_degree,
            partners: vec![0; slots * max_degree],
            degree: vec![0; slots],
            used: vec![false; slots * max_degree],
            keep: vec![0; slots],
        }
    }

    /// Makes room for `slots` firms.
    pub(crate) fn ensure_slots(&mut self, slots: usize) {
        if self.degree.len() < slots {
            self.degree.resize(slots, 0);
            self.partners.resize(slots * self.max_degree, 0);
            self.used.resize(slots * self.max_degree, false);
            self.keep.resize(slots, 0);
        }
    }

    /// The partners of the firm in `slot`.
    pub fn partners(&self, slot: usize) -> &[u32] {
        let start = slot * self.max_degree;
        &self.partners[start..start + usize::from(self.degree[slot])]
    }

    /// The hard bound on ties per firm (`max_degree`).
    pub fn max_degree(&self) -> usize {
        self.max_degree
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

/// The soft capacity `s(k) = (1 − k/D)^γ` of a firm with `k` ties, `D = max_degree` (0 at
/// `D`, the hard bound): the chance that a firm with `k` ties proposes or accepts a tie is
/// scaled by it, so degrees thin out toward the bound instead of piling up at it. Tabulated
/// once per step (`D ≤ 64`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct SoftCapacity {
    table: [f64; 65],
}

impl SoftCapacity {
    /// The table for bound `max_degree` and exponent `exponent` (γ = 0: the hard bound only).
    pub(crate) fn new(max_degree: usize, exponent: f64) -> SoftCapacity {
        let mut table = [0.0; 65];
        let d = max_degree.min(64);
        for (k, s) in table.iter_mut().enumerate().take(d) {
            *s = (1.0 - k as f64 / d as f64).powf(exponent);
        }
        SoftCapacity { table }
    }

    /// `s(k)`: 0 at and beyond the bound.
    #[inline]
    pub(crate) fn of(&self, ties: usize) -> f64 {
        self.table.get(ties).copied().unwrap_or(0.0)
    }
}

/// A uniform index in `0..len` from a uniform 32-bit number (`len ≥ 1`), by multiplication.
#[inline]
fn uniform_index(bits: u32, len: usize) -> usize {
    ((u64::from(bits) * len as u64) >> 32) as usize
}

/// `2⁻⁵³`: a 53-bit integer times it is a uniform number in `[0, 1)`.
const TWO_TO_MINUS_53: f64 = 1.0 / 9_007_199_254_740_992.0;

/// Firms up to which clustering is computed over every firm.
const CLUSTERING_EXACT_UP_TO: usize = 50_000;

impl Economy {
    /// Process 5: decay of unused ties, then formation of new ones.
    pub(crate) fn network(&mut self, step: u32) {
        self.decay_ties(step);
        self.form_ties(step);
    }

    fn decay_ties(&mut self, step: u32) {
        let (decay, used_decay) = (self.config.network.decay, self.config.network.used_decay);
        let (faster, slower) = (decay.min(used_decay), decay.max(used_decay));
        let d = self.network.max_degree;
        let key = derive_key(self.seed, Purpose::TieDecay, step, 0);
        let mut keep = std::mem::take(&mut self.network.keep);
        let net = &self.network;
        keep.par_iter_mut().enumerate().for_each(|(slot, keep)| {
            let mut bits = 0u64;
            for (t, &other) in net.partners(slot).iter().enumerate() {
                let other = other as usize;
                // The same draw from both ends: keyed by the pair, lower slot first.
                let (lo, hi) = (slot.min(other) as u64, slot.max(other) as u64);
                let u = (splitmix64_mix(key ^ (lo << 32 | hi)) >> 11) as f64 * TWO_TO_MINUS_53;
                // Whether knowledge flowed (either way) matters only between the two rates:
                // looked up, at the other end too, only then.
                let stays = if u >= slower {
                    true
                } else if u < faster {
                    false
                } else {
                    let used = net.used[slot * d + t]
                        || net
                            .partners(other)
                            .iter()
                            .position(|&p| p as usize == slot)
                            .is_some_and(|pos| net.used[other * d + pos]);
                    u >= if used { used_decay } else { decay }
                };
                bits |= u64::from(stays) << t;
            }
            *keep = bits;
        });
        // Compaction, only where a tie went; the flags are cleared for the next step.
        let net = &mut self.network;
        let (partners, used, degree) = (&mut net.partners, &mut net.used, &mut net.degree);
        partners
            .par_chunks_mut(d)
            .zip(used.par_chunks_mut(d))
            .zip(degree.par_iter_mut())
            .zip(keep.par_iter())
            .for_each(|(((partners, used), degree), &keep)| {
                let before = usize::from(*degree);
                if before == 0 {
                    return;
                }
                used[..before].fill(false);
                if keep.count_ones() as usize == before {
                    return;
                }
                let mut k = 0;
                for t in 0..before {
                    if keep >> t & 1 == 1 {
                        partners[k] = partners[t];
                        k += 1;
                    }
                }
                *degree = k as u8;
            });
        net.keep = keep;
    }

    fn form_ties(&mut self, step: u32) {
        let n = &self.config.network;
        let optimal = self.config.spillover.optimal_distance;
        let r = i64::from(n.radius);
        let side = (2 * r + 1) as u64;
        let propose = CellStream::new(self.seed, Purpose::TieFormation, step, 0);
        let target = CellStream::new(self.seed, Purpose::TieFormation, step, 1);
        let accept = CellStream::new(self.seed, Purpose::TieFormation, step, 2);
        // Entity 3 is the clustering sample's; 4–6 are the network search's (Jackson & Rogers).
        let meeting = CellStream::new(self.seed, Purpose::TieFormation, step, 4);
        let friend = CellStream::new(self.seed, Purpose::TieFormation, step, 5);
        let friend_of_friend = CellStream::new(self.seed, Purpose::TieFormation, step, 6);
        let room = SoftCapacity::new(self.network.max_degree, n.capacity_exponent);
        let this = &*self;
        let net = &this.network;
        let proposals: Vec<(u32, u32)> = (0..this.firms.slots())
            .into_par_iter()
            .filter_map(|slot| {
                let f = &this.firms;
                if !f.alive[slot] {
                    return None;
                }
                let cell = f.cell[slot];
                let boost = this.tie_boost[cell as usize];
                let partners = net.partners(slot);
                let search = (n.formation * (1.0 + boost)).min(1.0) * room.of(partners.len());
                if propose.unit(slot as u32) >= search {
                    return None;
                }
                let other = if !partners.is_empty() && meeting.unit(slot as u32) < n.triadic_share {
                    // Network search: a partner at random, then one of its other partners.
                    let j =
                        partners[uniform_index(friend.at(slot as u32), partners.len())] as usize;
                    let theirs = net.partners(j);
                    if theirs.len() < 2 {
                        return None;
                    }
                    let own = theirs.iter().position(|&p| p as usize == slot)?;
                    let pick = uniform_index(friend_of_friend.at(slot as u32), theirs.len() - 1);
                    theirs[pick + usize::from(pick >= own)] as usize
                } else {
                    // Proximity: the firm on a cell drawn within `radius`, if there is one.
                    let pick = (u64::from(target.at(slot as u32)) * (side * side - 1)) >> 32;
                    let pick = pick + u64::from(pick >= side * side / 2);
                    let (dx, dy) = ((pick % side) as i64 - r, (pick / side) as i64 - r);
                    this.neighbour(cell, dx, dy).and_then(|c| this.firm_at(c))?
                };
                let complementarity = nooteboom(
                    cognitive_distance(f.position[slot], f.position[other]),
                    optimal,
                );
                let agree = complementarity * room.of(net.partners(other).len());
                (accept.unit(slot as u32) < agree).then_some((slot as u32, other as u32))
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
    use crate::economy::firms::FirmClass;
    use crate::rng::SplitMix64;
    use crate::scenario::{parse_scenario_text, validate, Limits};
    use crate::World;

    /// The economy of the world of scenario `text` (seed `seed`) after `steps` steps.
    fn economy_after(text: &str, seed: u64, steps: u32) -> Economy {
        let parsed = parse_scenario_text(text, "t.toml").unwrap_or_else(|p| panic!("{p}"));
        let (scenario, _) =
            validate(&parsed, None, Limits::default()).unwrap_or_else(|p| panic!("{p}"));
        let mut world = World::new(&scenario.with_seed(seed));
        world.run_until(steps, |_| {});
        world.economy().expect("an economy").clone()
    }

    /// Symmetric, within the hard bound, no tie to itself, no duplicate.
    fn assert_consistent(net: &Network) {
        for a in 0..net.degree.len() {
            let p = net.partners(a);
            assert!(p.len() <= net.max_degree, "slot {a} above the bound");
            for (i, &b) in p.iter().enumerate() {
                assert_ne!(b as usize, a, "slot {a} tied to itself");
                assert!(!p[..i].contains(&b), "slot {a} holds {b} twice");
                assert!(net.tied(b as usize, a), "{a}–{b} is not symmetric");
            }
        }
    }

    /// Marks the tie `a`–`b` used at `a`'s end.
    fn mark_used(net: &mut Network, a: usize, b: usize) {
        let pos = net
            .partners(a)
            .iter()
            .position(|&p| p as usize == b)
            .unwrap();
        net.used[a * net.max_degree + pos] = true;
    }

    /// `count` successes in `n` trials are within 4 standard deviations of probability `p`.
    fn assert_binomial(what: &str, count: usize, n: usize, p: f64) {
        let (mean, sd) = (n as f64 * p, (n as f64 * p * (1.0 - p)).sqrt());
        assert!(
            (count as f64 - mean).abs() <= 4.0 * sd.max(0.5),
            "{what}: {count} of {n}, expected {mean:.1} ± {sd:.1}"
        );
    }

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

    /// `s(k) = (1 − k/D)^γ`, 0 at and beyond the bound; γ = 0 is the hard bound alone.
    #[test]
    fn the_soft_capacity_is_the_free_share_to_the_power_gamma() {
        for (d, gamma) in [(12, 1.0), (12, 2.5), (5, 0.5), (64, 1.0)] {
            let s = SoftCapacity::new(d, gamma);
            for k in 0..d {
                let expected = (1.0 - k as f64 / d as f64).powf(gamma);
                assert!((s.of(k) - expected).abs() < 1e-15, "D {d} γ {gamma} k {k}");
            }
            assert_eq!(s.of(d), 0.0);
            assert_eq!(s.of(d + 1), 0.0);
            assert_eq!(s.of(usize::MAX), 0.0);
        }
        let hard = SoftCapacity::new(12, 0.0);
        assert!((0..12).all(|k| hard.of(k) == 1.0) && hard.of(12) == 0.0);
        // The brake: each further tie is accepted less often.
        let s = SoftCapacity::new(12, 1.0);
        assert!((1..=12).all(|k| s.of(k) < s.of(k - 1)));
    }

    /// A ring where every firm is tied to the next three: ties to the next are used at the
    /// near end, to the second at the far end, to the third not at all.
    fn ring(config: &str) -> (Economy, usize) {
        let text = format!(
            "processes = [\"market\", \"network\"]\n[region]\nwidth = 80\nheight = 80\n[firms]\ndensity = 1.0\n[network]\nmax_degree = 12\n{config}\n"
        );
        let mut e = economy_after(&text, 7, 0);
        let n = e.firms.slots();
        for a in 0..n {
            for j in 1..=3 {
                assert!(e.network.add_tie(a, (a + j) % n));
            }
        }
        for a in 0..n {
            mark_used(&mut e.network, a, (a + 1) % n);
            mark_used(&mut e.network, (a + 2) % n, a);
        }
        (e, n)
    }

    /// Decay: a tie that carried knowledge (at either end) dissolves with probability
    /// `used_decay`, one that carried none with `decay`; the flags are cleared after.
    #[test]
    fn used_and_unused_ties_dissolve_at_their_own_rates() {
        let (mut e, n) = ring("decay = 1.0\nused_decay = 0.0");
        e.decay_ties(3);
        assert_consistent(&e.network);
        for a in 0..n {
            let (b1, b2, b3) = ((a + 1) % n, (a + 2) % n, (a + 3) % n);
            assert!(e.network.tied(a, b1) && e.network.tied(a, b2) && !e.network.tied(a, b3));
        }
        assert!(e.network.used.iter().all(|&u| !u), "flags cleared");

        let (mut e, n) = ring("decay = 0.3\nused_decay = 0.1");
        e.decay_ties(3);
        assert_consistent(&e.network);
        let gone = |j: usize| (0..n).filter(|&a| !e.network.tied(a, (a + j) % n)).count();
        assert_binomial("used ties", gone(1) + gone(2), 2 * n, 0.1);
        assert_binomial("unused ties", gone(3), n, 0.3);
        // Another step draws afresh: no tie is exempt.
        let before = e.network.edges();
        e.decay_ties(4);
        assert!(e.network.edges() < before);
    }

    /// Network search meets a partner's partner: with `triadic_share = 1` every new tie of a
    /// firm that had ties closes a triangle; with 0 and `radius = 1`, every new tie joins
    /// adjacent cells.
    #[test]
    fn network_search_closes_triangles_and_proximity_stays_near() {
        let text = |m: f64, radius: u32| {
            format!(
                "processes = [\"market\", \"network\"]\n[region]\nwidth = 40\nheight = 40\n[firms]\ndensity = 0.8\n[network]\nformation = 1.0\ntriadic_share = {m}\nradius = {radius}\ncapacity_exponent = 0.0\n"
            )
        };
        let mut e = economy_after(&text(1.0, 6), 11, 0);
        let live: Vec<usize> = e.firms.live().collect();
        let mut rng = SplitMix64::new(5);
        for &a in &live {
            for _ in 0..2 {
                let b = live[(rng.next_u64() % live.len() as u64) as usize];
                e.network.add_tie(a, b);
            }
        }
        assert!(live.iter().all(|&a| !e.network.partners(a).is_empty()));
        let old = e.network.clone();
        e.form_ties(1);
        assert_consistent(&e.network);
        let mut new = 0;
        for &a in &live {
            for &b in e.network.partners(a) {
                let b = b as usize;
                if !old.tied(a, b) {
                    new += 1;
                    assert!(
                        old.partners(a).iter().any(|&j| old.tied(j as usize, b)),
                        "{a}–{b} closes no triangle"
                    );
                }
            }
        }
        assert!(new > 100, "only {new} new tie ends");

        let mut e = economy_after(&text(0.0, 1), 11, 0);
        e.form_ties(1);
        assert!(e.network.edges() > 100);
        for a in e.firms.live() {
            let (x, y) = e.xy(e.firms.cell[a]);
            for &b in e.network.partners(a) {
                let (bx, by) = e.xy(e.firms.cell[b as usize]);
                assert!((bx - x).abs() <= 1 && (by - y).abs() <= 1);
            }
        }
    }

    /// Property: whatever the sequence of formation, decay, exits and knowledge flows, the
    /// lists stay symmetric, free of duplicates and within the hard bound (a bound of 5 that
    /// binds, the soft capacity off).
    #[test]
    fn random_steps_keep_the_lists_symmetric_and_free_of_duplicates() {
        for seed in 0..4 {
            let mut e = economy_after(
                "processes = [\"market\", \"network\"]\n[region]\nwidth = 30\nheight = 30\n[firms]\ndensity = 0.8\n[network]\nformation = 1.0\ntriadic_share = 0.5\nradius = 3\ncapacity_exponent = 0.0\ndecay = 0.2\nused_decay = 0.1\nmax_degree = 5\n",
                seed,
                0,
            );
            let n = e.firms.slots();
            let d = e.network.max_degree;
            let mut rng = SplitMix64::new(seed);
            for step in 0..60 {
                for a in 0..n {
                    for t in 0..usize::from(e.network.degree[a]) {
                        e.network.used[a * d + t] = rng.next_u64().is_multiple_of(3);
                    }
                }
                e.decay_ties(step);
                assert_consistent(&e.network);
                e.form_ties(step);
                assert_consistent(&e.network);
                for _ in 0..20 {
                    let (a, b) = (
                        (rng.next_u64() % n as u64) as usize,
                        (rng.next_u64() % n as u64) as usize,
                    );
                    e.network.add_tie(a, b);
                }
                e.network.remove_firm((rng.next_u64() % n as u64) as usize);
                assert_consistent(&e.network);
            }
            assert!(
                e.network.degree.iter().any(|&k| usize::from(k) == d),
                "the bound was reached"
            );
        }
    }

    /// No class is exempt from decay (the review found leaders' ties never dissolved: they
    /// always carry knowledge). On the bundled default, every process on, 20 seeds at step
    /// 100: for each class, the ties that carried knowledge in the step (flags set by the
    /// step's own learning) dissolve at `used_decay`; with the flags cleared — every tie
    /// unused, leaders' too — at `decay`. A tie counts once for each class at its ends;
    /// binomial, 4 sd.
    #[test]
    fn every_classs_ties_decay_on_the_default() {
        let default = include_str!("../../../../examples/default.toml");
        let parsed = parse_scenario_text(default, "default.toml").unwrap();
        let (scenario, _) = validate(&parsed, None, Limits::default()).unwrap();
        let rates = scenario.economy().network.clone();
        // Per class: (tie ends, dissolved) for used ties, unused ties, and all ties made unused.
        type Tally = [[(usize, usize); 3]; 3];
        let tallies: Vec<Tally> = (1..=20u64)
            .into_par_iter()
            .map(|seed| {
                let e = economy_after(default, seed, 100);
                let mut learned = e.clone();
                learned.spillover();
                let mut idle = learned.clone();
                idle.network.used.fill(false);
                let net = &learned.network;
                let d = net.max_degree;
                let mut ties = Vec::new();
                for a in e.firms.live() {
                    for (t, &b) in net.partners(a).iter().enumerate() {
                        let b = b as usize;
                        if a < b {
                            let back = net.partners(b).iter().position(|&p| p as usize == a);
                            let flowed = net.used[a * d + t] || net.used[b * d + back.unwrap()];
                            ties.push((a, b, flowed));
                        }
                    }
                }
                learned.decay_ties(101);
                idle.decay_ties(101);
                let mut tally: Tally = [[(0, 0); 3]; 3];
                for &(a, b, flowed) in &ties {
                    let (ca, cb) = (e.firms.class[a], e.firms.class[b]);
                    let classes = [Some(ca), (cb != ca).then_some(cb)];
                    for c in classes.into_iter().flatten().map(FirmClass::game_index) {
                        let kind = usize::from(!flowed);
                        tally[kind][c].0 += 1;
                        tally[kind][c].1 += usize::from(!learned.network.tied(a, b));
                        tally[2][c].0 += 1;
                        tally[2][c].1 += usize::from(!idle.network.tied(a, b));
                    }
                }
                tally
            })
            .collect();
        let mut sum: Tally = [[(0, 0); 3]; 3];
        for tally in &tallies {
            for (kind, row) in tally.iter().enumerate() {
                for (c, &(n, gone)) in row.iter().enumerate() {
                    sum[kind][c].0 += n;
                    sum[kind][c].1 += gone;
                }
            }
        }
        for (c, name) in ["leaders", "middle firms", "laggards"].iter().enumerate() {
            let [used, unused, made_unused] = [sum[0][c], sum[1][c], sum[2][c]];
            assert!(used.0 > 5_000, "{name}: only {} used ties", used.0);
            assert_binomial(&format!("{name}: used"), used.1, used.0, rates.used_decay);
            assert_binomial(&format!("{name}: unused"), unused.1, unused.0, rates.decay);
            assert_binomial(
                &format!("{name}: made unused"),
                made_unused.1,
                made_unused.0,
                rates.decay,
            );
        }
    }
}
