//! External linkages — global pipelines (Bathelt, Malmberg & Maskell 2004): firms with ties
//! outside the cluster learn from outside partners, each pipeline tied to its own
//! specialisation (an anchor drawn uniformly on the circle), sell on the external market, and
//! hear of technologies from outside (`World::feed_diffusion`). `docs/ODD.md`, S19.

use super::spillover::{cognitive_distance, nooteboom};
use super::{circular_delta, Economy};
use rayon::prelude::*;

impl Economy {
    /// The outside frontier's knowledge at `step`, at most 1e12 (where growth would overflow
    /// long runs).
    pub fn outside_knowledge(&self, step: u32) -> f64 {
        let e = &self.config.external;
        (e.outside_knowledge * (1.0 + e.outside_growth).powi(step as i32)).min(1e12)
    }

    /// Learning through pipelines at `step`: each pipeline firm learns from its outside
    /// partners, at their knowledge position `u` (the firm's anchor), `σ_out · a · N(d) ·
    /// (K_out − K)⁺`, its position moving toward `u` by the spillover's `convergence` — the
    /// anchors are spread over every specialisation, so pipelines hold diversity up against
    /// the convergence of local learning.
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
        let f = &mut self.firms;
        let anchors = &f.outside_anchor;
        f.knowledge
            .par_iter_mut()
            .zip(f.position.par_iter_mut())
            .enumerate()
            .for_each(|(slot, (k, x))| {
                if !(f.alive[slot] && f.pipeline[slot]) {
                    return;
                }
                let idea = anchors[slot];
                let d = cognitive_distance(*x, idea);
                let gain =
                    sigma * f.capacity[slot] * nooteboom(d, optimal) * (frontier - *k).max(0.0);
                if gain > 0.0 {
                    *k += gain;
                    *x = (*x + convergence * circular_delta(*x, idea)).rem_euclid(1.0);
                }
            });
    }

    /// The radical-innovation factor of lock-in: `min(1, D/D₀)^η`, `D` the diversity at the
    /// end of the last step.
    pub(crate) fn diversity_factor(&self) -> f64 {
        let eta = self.config.innovation.diversity_effect;
        if eta == 0.0 || self.initial_diversity <= 0.0 {
            return 1.0;
        }
        (self.diversity / self.initial_diversity).min(1.0).powf(eta)
    }
}
