//! The cluster's technological frontier and the research bodies that work toward it.
//!
//! - **Frontier** `F`: the best knowledge reachable with the ideas the cluster has (Nelson &
//!   Winter 1982's latent productivity; Nelson & Phelps 1966's theoretical level). No firm's
//!   knowledge lies beyond it: it is raised to any firm's knowledge that passes it — an
//!   innovation at the frontier, or knowledge learnt through a pipeline from the outside
//!   frontier (S19) or brought by a migrant.
//! - **Reachable knowledge** `F⁺ = F + ν · F^φ_F`: the frontier plus the next idea. An
//!   innovation closes a share `g` of the firm's gap to it, `ΔK = g · (F⁺ − K)`, so its effect
//!   shrinks as the firm nears the frontier, and an innovation at the frontier moves the
//!   frontier by at most `g · ν · F^φ_F` a step. With `φ_F < 1` the frontier's growth rate
//!   `g ν F^{φ_F − 1}` falls as it advances: Jones (1995)'s `Ȧ = δ R^λ A^φ` with `φ < 1`, ideas
//!   getting harder to find (Bloom, Jones, Van Reenen & Webb 2020).
//! - **Research bodies** do research with their public `funding` `M` by the firms' knowledge
//!   production function (S8), toward the frontier, and learn from the firms within their
//!   reach (contract research): `ΔB = (1 − e^{−α M^β B^φ}) · g · (F − B) + σ · w · L`, `L` the
//!   mean over firms `j` within reach of `o_j (K_j − B)⁺`; `B` never passes `F`.

use super::Economy;
use crate::scenario::MAX_STOCK;
use rayon::prelude::*;

/// The reachable knowledge `F + ν · F^φ_F` at frontier `frontier` (ν `step`, φ_F
/// `elasticity`), at most [`MAX_STOCK`].
pub fn reachable(frontier: f64, step: f64, elasticity: f64) -> f64 {
    (frontier + step * frontier.powf(elasticity)).min(MAX_STOCK)
}

/// The knowledge of a firm with knowledge `knowledge` after an innovation that closes the
/// share `share` of its gap to `reachable`: `K + g · (F⁺ − K)⁺`.
pub fn innovation_step(knowledge: f64, reachable: f64, share: f64) -> f64 {
    knowledge + share * (reachable - knowledge).max(0.0)
}

/// One step of a research body's knowledge `knowledge` toward `frontier`: funded research
/// with success intensity `hazard` closing up to `share` of the gap, plus `learned` from its
/// firms; never past the frontier (nor below where it was).
pub fn research_step(knowledge: f64, frontier: f64, hazard: f64, share: f64, learned: f64) -> f64 {
    let gap = (frontier - knowledge).max(0.0);
    let next = knowledge + (1.0 - (-hazard).exp()) * share * gap + learned.max(0.0);
    next.min(frontier.max(knowledge))
}

impl Economy {
    /// The cluster's technological frontier now.
    pub fn frontier(&self) -> f64 {
        self.frontier
    }

    /// The knowledge an innovation reaches for this step: [`reachable`] at the frontier.
    pub(crate) fn reachable(&self) -> f64 {
        let n = &self.config.innovation;
        reachable(self.frontier, n.frontier_step, n.frontier_elasticity)
    }

    /// Raises the frontier to the largest knowledge of a live firm, if that is beyond it.
    pub(crate) fn raise_frontier(&mut self) {
        let f = &self.firms;
        let best = f
            .knowledge
            .par_iter()
            .zip(f.alive.par_iter())
            .map(|(&k, &a)| if a { k } else { 0.0 })
            .reduce(|| 0.0, f64::max);
        self.frontier = self.frontier.max(best).min(MAX_STOCK);
    }

    /// Research bodies' research and learning (see the module's documentation), from the
    /// firms' knowledge at the start of the step.
    pub(crate) fn research_bodies(&mut self) {
        let n = &self.config.innovation;
        let sigma = self.config.spillover.strength;
        let frontier = self.frontier;
        let f = &self.firms;
        for (body, cells) in self.research.iter_mut().zip(&self.research_cells) {
            let b = body.knowledge;
            let (mut sum, mut count) = (0.0, 0usize);
            for &cell in cells {
                let slot = self.cell_firm[cell as usize];
                if slot != super::NO_FIRM {
                    let j = slot as usize;
                    sum += f.openness[j] * (f.knowledge[j] - b).max(0.0);
                    count += 1;
                }
            }
            let learned = if count == 0 {
                0.0
            } else {
                sigma * body.weight * sum / count as f64
            };
            let hazard = n.productivity
                * body.funding.powf(n.rd_elasticity)
                * b.powf(n.knowledge_elasticity);
            body.knowledge = research_step(b, frontier, hazard, n.gap_share, learned);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An innovation's effect is the share `g` of the remaining gap to the reachable
    /// knowledge: twice the gap, twice the gain; none beyond it.
    #[test]
    fn an_innovation_closes_a_share_of_the_remaining_gap() {
        let f_plus = reachable(10.0, 1.0, 0.0);
        assert_eq!(f_plus, 11.0);
        for k in [0.0, 3.0, 7.0, 10.0, 10.9] {
            let gain = innovation_step(k, f_plus, 0.05) - k;
            assert!((gain - 0.05 * (f_plus - k)).abs() < 1e-12);
        }
        let (near, far) = (
            innovation_step(9.0, f_plus, 0.05) - 9.0,
            innovation_step(7.0, f_plus, 0.05) - 7.0,
        );
        assert!((far / near - 2.0).abs() < 1e-12, "gap 4 against gap 2");
        assert_eq!(innovation_step(12.0, f_plus, 0.05), 12.0);
        assert_eq!(innovation_step(5.0, f_plus, 0.0), 5.0);
        assert!((innovation_step(5.0, f_plus, 1.0) - f_plus).abs() < 1e-12);
    }

    /// The cost effect of an innovation through S6, `c(K) − c(K + g·gap)`, is proportional
    /// to the remaining gap to first order (`|c'(K)| · g · gap`), vanishes with the gap, and
    /// never exceeds what the reachable knowledge would give.
    #[test]
    fn an_innovations_cost_effect_follows_the_remaining_gap() {
        let (floor, ceiling, kappa) = (4.0, 12.0, 0.5);
        let cost = |k: f64| floor + (ceiling - floor) * (-kappa * k).exp();
        let f_plus = 8.0;
        let k = 3.0;
        let slope = kappa * (cost(k) - floor);
        for g in [1e-3, 1e-4] {
            let effect = cost(k) - cost(innovation_step(k, f_plus, g));
            let first_order = slope * g * (f_plus - k);
            assert!((effect / first_order - 1.0).abs() < 3.0 * g * kappa * (f_plus - k));
        }
        let g = 0.05;
        let effect = |k: f64| cost(k) - cost(innovation_step(k, f_plus, g));
        assert!(effect(f_plus) == 0.0);
        assert!(effect(7.9) < effect(7.0) && effect(7.0) < effect(5.0));
        assert!(effect(3.0) < cost(3.0) - cost(f_plus));
    }

    /// Jones (1995): with `φ < 1` the frontier grows by `ν F^φ` per idea, so its growth rate
    /// falls as it advances; with `φ = 0` each idea adds `ν`, the frontier grows linearly and
    /// after `t` ideas of share `g` at the frontier stands at `F₀ + g ν t` exactly.
    #[test]
    fn the_frontier_follows_jones_law_of_motion() {
        let (g, nu) = (0.05, 1.0);
        let mut f = 8.0;
        for _ in 0..100 {
            let reach = reachable(f, nu, 0.0);
            f = innovation_step(f, reach, g);
        }
        assert!((f - (8.0 + g * nu * 100.0)).abs() < 1e-9);
        // φ = 0.5: the continuous path F^{1/2} = F₀^{1/2} + g ν t / 2 bounds the discrete one.
        let mut f = 4.0;
        let mut rates = Vec::new();
        for _ in 0..400 {
            let next = innovation_step(f, reachable(f, nu, 0.5), g);
            rates.push(next / f - 1.0);
            f = next;
        }
        assert!(rates.windows(2).all(|w| w[1] < w[0]), "growth rate falls");
        let continuous = (2.0 + g * nu * 400.0 / 2.0f64).powi(2);
        assert!(
            f <= continuous * 1.01 && f >= continuous * 0.95,
            "{f} vs {continuous}"
        );
    }

    #[test]
    fn research_bodies_stay_below_the_frontier() {
        let mut b = 1.0;
        for _ in 0..10_000 {
            b = research_step(b, 6.0, 5.0, 0.5, 0.7);
            assert!(b <= 6.0);
        }
        assert!(
            (b - 6.0).abs() < 1e-9,
            "funded research reaches the frontier"
        );
        // Without funding or firms to learn from, a body stands still; above a frontier it
        // never loses knowledge.
        assert_eq!(research_step(3.0, 6.0, 0.0, 0.05, 0.0), 3.0);
        assert_eq!(research_step(7.0, 6.0, 5.0, 0.05, 1.0), 7.0);
        // One step closes (1 − e^{−h}) g of the gap.
        let h: f64 = 0.7;
        let expected = 2.0 + (1.0 - (-h).exp()) * 0.1 * 4.0;
        assert!((research_step(2.0, 6.0, h, 0.1, 0.0) - expected).abs() < 1e-12);
    }
}
