//! Process 3, learning and spillover: Marshall's industrial atmosphere.
//!
//! A firm `i` learns from each source `j` — neighbours within `radius` cells, network
//! partners, research bodies whose reach covers it —
//!
//! `ΔK_ij = σ · a_i · w_j · o_j · N(d_ij) · max(K_j − K_i, 0)`
//!
//! with `a_i` its absorptive capacity (Cohen & Levinthal 1990), `w_j` the source's weight
//! (`exp(−distance/λ)` for a neighbour, `partner_weight` for a partner, the body's `weight`),
//! `o_j` the source's openness (1 for a research body), and `N(d)` Nooteboom's inverted U in
//! cognitive distance `d` (the distance of knowledge positions on the unit circle):
//! `N(d) = d (2D − d) / D²` for `d < 2D`, 0 beyond, peaking at 1 for `d = D` (Nooteboom et al.
//! 2007): too close teaches nothing new, too far cannot be understood. The total gain is capped
//! at the largest gap, so no firm overtakes its best source in one step. Learning pulls the
//! firm's position toward its sources by `convergence` times the gain-weighted mean offset.

use super::{circular_delta, Economy, NO_FIRM};
use rayon::prelude::*;

/// Nooteboom's inverted U: learning at cognitive distance `d` with optimum `optimal`.
pub fn nooteboom(d: f64, optimal: f64) -> f64 {
    if d <= 0.0 || d >= 2.0 * optimal {
        0.0
    } else {
        d * (2.0 * optimal - d) / (optimal * optimal)
    }
}

/// Circular distance of two knowledge positions, in [0, 0.5].
pub fn cognitive_distance(a: f64, b: f64) -> f64 {
    circular_delta(a, b).abs()
}

/// Offsets `(dx, dy)` within Euclidean `radius` (centre excluded) with weight
/// `exp(−distance/λ)`.
pub(crate) fn weighted_disk(radius: u32, decay_length: f64) -> Vec<(i64, i64, f64)> {
    let r = i64::from(radius);
    let mut offsets = Vec::new();
    for dy in -r..=r {
        for dx in -r..=r {
            let d2 = dx * dx + dy * dy;
            if d2 > 0 && d2 <= r * r {
                offsets.push((dx, dy, (-(d2 as f64).sqrt() / decay_length).exp()));
            }
        }
    }
    offsets
}

impl Economy {
    /// Process 3 (see the module's documentation). Marks the ties knowledge flowed over.
    pub(crate) fn spillover(&mut self) {
        let s = self.config.spillover.clone();
        let slots = self.firms.slots();
        // The neighbours' knowledge, position and openness on a padded grid (a halo of the
        // spillover radius, empty or wrapped), so the scan below reads neighbours at fixed
        // offsets without a bounds test or a lookup through the cell index.
        let r = s.radius as usize;
        let padded_width = self.width + 2 * r;
        let mut sources = std::mem::take(&mut self.sources);
        sources.resize(padded_width * (self.height + 2 * r), (0.0, 0.0, 0.0));
        let this = &*self;
        let (width, height) = (this.width, this.height);
        sources
            .par_chunks_mut(padded_width)
            .enumerate()
            .for_each(|(py, row)| {
                // Knowledge exactly (a gap must be zero between equals); position and
                // openness only weight the gap.
                let source = |slot: u32| {
                    if slot == NO_FIRM {
                        (0.0, 0.0, 0.0)
                    } else {
                        let (f, j) = (&this.firms, slot as usize);
                        (f.knowledge[j], f.position[j] as f32, f.openness[j] as f32)
                    }
                };
                let y = py as i64 - r as i64;
                // The halo through the cell index's wrapping (or its edge); the region's own
                // cells straight from their row of the index.
                let halo = |cells: &mut [(f64, f32, f32)], from: usize| {
                    for (i, s) in cells.iter_mut().enumerate() {
                        let x = (from + i) as i64 - r as i64;
                        *s = this
                            .firm_near(x, y, 0, 0)
                            .map_or((0.0, 0.0, 0.0), |j| source(j as u32));
                    }
                };
                if (0..height as i64).contains(&y) {
                    let (left, rest) = row.split_at_mut(r);
                    let (inner, right) = rest.split_at_mut(width);
                    halo(left, 0);
                    halo(right, r + width);
                    let cells = &this.cell_firm[y as usize * width..(y as usize + 1) * width];
                    for (s, &slot) in inner.iter_mut().zip(cells) {
                        *s = source(slot);
                    }
                } else {
                    halo(row, 0);
                }
            });
        let offsets: Vec<(isize, f64)> = weighted_disk(s.radius, s.decay_length)
            .into_iter()
            .map(|(dx, dy, w)| (dy as isize * padded_width as isize + dx as isize, w))
            .collect();
        // Every slot's entry is written below: no copy of the columns first.
        let mut knowledge_next = std::mem::take(&mut self.knowledge_next);
        let mut position_next = std::mem::take(&mut self.position_next);
        knowledge_next.resize(slots, 0.0);
        position_next.resize(slots, 0.0);
        let mut used = std::mem::take(&mut self.network.used);
        let degree_cap = self.network.max_degree;
        // The zip below stops at the shortest column: every slot must have its ties' flags,
        // or the last slots would keep last step's knowledge (`Network::ensure_slots` keeps
        // this so).
        assert!(
            used.len() >= slots * degree_cap,
            "tie flags for {} slots, {slots} slots live or free",
            used.len() / degree_cap.max(1)
        );
        let source_grid = &sources;
        let this = &*self;
        knowledge_next
            .par_iter_mut()
            .zip(position_next.par_iter_mut())
            .zip(used.par_chunks_mut(degree_cap))
            .enumerate()
            .take(slots)
            .for_each(|(slot, ((k_next, x_next), used))| {
                let f = &this.firms;
                let (k, x) = (f.knowledge[slot], f.position[slot]);
                (*k_next, *x_next) = (k, x);
                if !f.alive[slot] {
                    return;
                }
                let a = f.capacity[slot];
                let mut gain = 0.0;
                let mut best_gap: f64 = 0.0;
                let mut pull = 0.0;
                // Branch-free: whether a source teaches is a coin toss the predictor loses.
                let (two_d, inv_d2) = (
                    2.0 * s.optimal_distance,
                    1.0 / (s.optimal_distance * s.optimal_distance),
                );
                let mut learn = |k_j: f64, x_j: f64, weight: f64| -> bool {
                    let gap = (k_j - k).max(0.0);
                    let delta = circular_delta(x, x_j);
                    let d = delta.abs();
                    let g = weight * (d * (two_d - d)).max(0.0) * inv_d2 * gap;
                    gain += g;
                    pull += g * delta;
                    let taught = g > 0.0;
                    best_gap = best_gap.max(if taught { gap } else { 0.0 });
                    taught
                };
                let (fx, fy) = this.xy(f.cell[slot]);
                let centre = (fy as usize + r) * padded_width + fx as usize + r;
                for &(delta, w) in &offsets {
                    let (k_j, x_j, o_j) = source_grid[centre.wrapping_add_signed(delta)];
                    // A source that knows no more (an empty cell among them) or is closed
                    // teaches +0, which leaves every sum's bits as they are: skip it.
                    if k_j <= k || o_j == 0.0 {
                        continue;
                    }
                    learn(k_j, f64::from(x_j), w * f64::from(o_j));
                }
                for (t, &p) in this.network.partners(slot).iter().enumerate() {
                    let p = p as usize;
                    if learn(
                        f.knowledge[p],
                        f.position[p],
                        s.partner_weight * f.openness[p],
                    ) {
                        used[t] = true;
                    }
                }
                for body in &this.research {
                    let (bx, by) = this.xy(body.cell);
                    let (dx, dy) = this.wrapped_offset(bx - fx, by - fy);
                    let r = i64::from(body.reach);
                    if dx * dx + dy * dy <= r * r {
                        learn(body.knowledge, body.position, body.weight);
                    }
                }
                if gain > 0.0 {
                    let learned = (s.strength * a * gain).min(best_gap);
                    *k_next = k + learned;
                    *x_next = (x + s.convergence * pull / gain).rem_euclid(1.0);
                }
            });
        self.network.used = used;
        self.sources = sources;
        std::mem::swap(&mut self.firms.knowledge, &mut knowledge_next);
        std::mem::swap(&mut self.firms.position, &mut position_next);
        self.knowledge_next = knowledge_next;
        self.position_next = position_next;
    }

    /// The shortest offset between two cells' coordinates on this region (wrapping on a torus).
    pub(crate) fn wrapped_offset(&self, dx: i64, dy: i64) -> (i64, i64) {
        match self.boundary {
            crate::scenario::Boundary::Bounded => (dx, dy),
            crate::scenario::Boundary::Torus => {
                let (w, h) = (self.width as i64, self.height as i64);
                let wrap = |d: i64, n: i64| {
                    let d = d.rem_euclid(n);
                    if d > n / 2 {
                        d - n
                    } else {
                        d
                    }
                };
                (wrap(dx, w), wrap(dy, h))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inverted_u_peaks_at_the_optimal_distance() {
        let optimal = 0.2;
        assert_eq!(nooteboom(0.0, optimal), 0.0);
        assert!((nooteboom(optimal, optimal) - 1.0).abs() < 1e-12);
        assert_eq!(nooteboom(2.0 * optimal, optimal), 0.0);
        assert!(nooteboom(0.1, optimal) < 1.0 && nooteboom(0.3, optimal) < 1.0);
        // Symmetric about the optimum.
        assert!((nooteboom(0.15, optimal) - nooteboom(0.25, optimal)).abs() < 1e-12);
    }

    #[test]
    fn cognitive_distance_wraps_around_the_circle() {
        assert!((cognitive_distance(0.05, 0.95) - 0.1).abs() < 1e-12);
        assert!((cognitive_distance(0.0, 0.5) - 0.5).abs() < 1e-12);
        assert!((circular_delta(0.75, 0.25) - 0.5).abs() < 1e-12);
        assert!((cognitive_distance(0.2, 0.7) - 0.5).abs() < 1e-12);
        assert!((circular_delta(0.95, 0.05) - 0.1).abs() < 1e-12);
        assert!((circular_delta(0.05, 0.95) + 0.1).abs() < 1e-12);
    }
}
