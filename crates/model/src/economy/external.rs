//! External linkages — global pipelines (Bathelt, Malmberg & Maskell 2004): firms with ties
//! outside the cluster learn from an outside frontier whose ideas lie anywhere on the circle
//! of specialisations, sell on the external market, and hear of technologies from outside
//! (`World::feed_diffusion`). `docs/ODD.md`, S19.

use super::spillover::{cognitive_distance, nooteboom};
use super::{circular_delta, Economy};
use crate::rng::{CellStream, Purpose};
use rayon::prelude::*;

impl Economy {
    /// The outside frontier's knowledge at `step`.
    pub fn outside_knowledge(&self, step: u32) -> f64 {
        let e = &self.config.external;
        e.outside_knowledge * (1.0 + e.outside_growth).powi(step as i32)
    }

    /// Learning through pipelines at `step`: each pipeline firm meets an outside idea at a
    /// random knowledge position `u` and learns `σ_out · a · N(d) · (K_out − K)⁺`, its position
    /// moving toward `u` by the spillover's `convergence` — so pipelines bring diversity in.
    pub(crate) fn outside_learning(&mut self, step: u32) {
        let sigma = self.config.external.outside_learning;
        if sigma <= 0.0 {
            return;
        }
        let frontier = self.outside_knowledge(step);
        let (optimal, convergence) = (
            self.config.spillover.optimal_distance,
            self.config.spillover.convergence,
        );
        let ideas = CellStream::new(self.seed, Purpose::Outside, step, 0);
        let f = &mut self.firms;
        f.knowledge
            .par_iter_mut()
            .zip(f.position.par_iter_mut())
            .enumerate()
            .for_each(|(slot, (k, x))| {
                if !(f.alive[slot] && f.pipeline[slot]) {
                    return;
                }
                let idea = ideas.unit(f.cell[slot]);
                let d = cognitive_distance(*x, idea);
                let gain =
                    sigma * f.capacity[slot] * nooteboom(d, optimal) * (frontier - *k).max(0.0);
                if gain > 0.0 {
                    *k += gain;
                    *x = (*x + convergence * circular_delta(*x, idea)).rem_euclid(1.0);
                }
            });
    }

    /// The radical-innovation factor of lock-in: `min(1, D/D₀)^η`.
    pub(crate) fn diversity_factor(&self) -> f64 {
        let eta = self.config.innovation.diversity_effect;
        if eta == 0.0 || self.initial_diversity <= 0.0 {
            return 1.0;
        }
        (self.knowledge_diversity() / self.initial_diversity)
            .min(1.0)
            .powf(eta)
    }
}
