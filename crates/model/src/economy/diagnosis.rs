//! The cluster diagnosed from its own state, every step: the six GEM factors scored 1–10
//! against stated anchors and the GEM score (Padmore & Gibson 1998), and the six dynamic
//! factors of Tao & Chen as indices in [0, 1] with their core and auxiliary subsystems and the
//! cluster innovation-dynamics index. Proxies and anchors are listed in `docs/ODD.md` (S15).

use super::columns::columns;
use super::network::NetworkStats;
use super::Economy;
use clusterlab_numerics::gem::Gem;

/// A proxy's values at the GEM scores 1 (a gap that holds the cluster back), 5 (national
/// average) and 10 (best in the world); in between the score is linear, beyond it is clamped.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Anchors {
    /// Value scoring 1.
    pub gap: f64,
    /// Value scoring 5.
    pub average: f64,
    /// Value scoring 10.
    pub best: f64,
}

impl Anchors {
    /// The score of `value`, in [1, 10].
    pub fn score(self, value: f64) -> f64 {
        if value <= self.gap {
            1.0
        } else if value <= self.average {
            1.0 + 4.0 * (value - self.gap) / (self.average - self.gap)
        } else if value < self.best {
            5.0 + 5.0 * (value - self.average) / (self.best - self.average)
        } else {
            10.0
        }
    }
}

/// Anchors of the GEM proxies (documented in `docs/ODD.md`, S15).
pub const ANCHORS: [(&str, Anchors); 7] = [
    (
        "resources: mean knowledge of firms and research bodies",
        Anchors {
            gap: 0.5,
            average: 2.0,
            best: 10.0,
        },
    ),
    (
        "infrastructure: share of firms linked to a research body or served by an intermediary",
        Anchors {
            gap: 0.0,
            average: 0.3,
            best: 1.0,
        },
    ),
    (
        "suppliers and related industries: ties per firm",
        Anchors {
            gap: 0.0,
            average: 2.0,
            best: 8.0,
        },
    ),
    (
        "structure and rivalry: close rivals per firm",
        Anchors {
            gap: 0.0,
            average: 3.0,
            best: 12.0,
        },
    ),
    (
        "structure and rivalry: 1 − Herfindahl index of local output",
        Anchors {
            gap: 0.0,
            average: 0.9,
            best: 0.99,
        },
    ),
    (
        "local markets: market size per firm relative to the start",
        Anchors {
            gap: 0.5,
            average: 1.0,
            best: 3.0,
        },
    ),
    (
        "external markets: export share of output",
        Anchors {
            gap: 0.0,
            average: 0.2,
            best: 0.6,
        },
    ),
];

columns! {
    /// The diagnosis at a step (S15), the time series' columns after the indicators: the GEM
    /// factors scored 1–10 and GEM itself, then the six dynamic factors, their subsystems and
    /// the innovation-dynamics index, in [0, 1].
    #[derive(Clone, Copy, Debug, Default, PartialEq)]
    pub struct Diagnosis {
        /// GEM resources (D11): mean knowledge of firms and research bodies, scored.
        pub gem_resources: f64,
        /// GEM infrastructure (D12): share of firms grounded by a research body or an
        /// intermediary, scored.
        pub gem_infrastructure: f64,
        /// GEM suppliers and related industries (D21): ties per firm, scored.
        pub gem_suppliers: f64,
        /// GEM structure, strategy and rivalry (D22): close rivals and the concentration of
        /// local output, scored.
        pub gem_structure: f64,
        /// GEM local markets (D31): local market size per firm relative to the start, scored.
        pub gem_local_markets: f64,
        /// GEM external markets (D32): export share of output, scored.
        pub gem_external_markets: f64,
        /// The GEM score, 2.5–250.
        pub gem: f64,
        /// Social capital: ties per firm over `max_degree` and clustering.
        pub social_capital: f64,
        /// Knowledge capital: `1 − exp(−K̄/4)`, `K̄` mean firm knowledge.
        pub knowledge_capital: f64,
        /// Co-opetition: share of firms with both a partner and a close rival.
        pub coopetition: f64,
        /// Market demand: `d/(1 + d)`, `d` the market size per firm relative to the start.
        pub market_demand: f64,
        /// Intermediary organisations: share of firms an intermediary serves.
        pub intermediary_organisations: f64,
        /// Local government: subsidies over R&D spending.
        pub local_government: f64,
        /// The core subsystem: knowledge capital, co-opetition and market demand, weighted.
        pub core_dynamics: f64,
        /// The auxiliary subsystem: social capital, intermediary organisations and local
        /// government, weighted.
        pub auxiliary_dynamics: f64,
        /// The cluster innovation-dynamics index: the two subsystems weighted by `core_share`.
        pub innovation_dynamics: f64,
    }
}

columns! {
    /// The six dynamic factors of Tao & Chen, as the diagnosis holds them (see
    /// [`Diagnosis::dynamic_factors`]); their names are the diagnosis' column names.
    #[derive(Clone, Copy, Debug, Default, PartialEq)]
    pub struct DynamicFactors {
        /// Social capital.
        pub social_capital: f64,
        /// Knowledge capital.
        pub knowledge_capital: f64,
        /// Co-opetition.
        pub coopetition: f64,
        /// Market demand.
        pub market_demand: f64,
        /// Intermediary organisations.
        pub intermediary_organisations: f64,
        /// Local government.
        pub local_government: f64,
    }
}

impl Diagnosis {
    /// The six dynamic factors.
    pub fn dynamic_factors(&self) -> DynamicFactors {
        DynamicFactors {
            social_capital: self.social_capital,
            knowledge_capital: self.knowledge_capital,
            coopetition: self.coopetition,
            market_demand: self.market_demand,
            intermediary_organisations: self.intermediary_organisations,
            local_government: self.local_government,
        }
    }
}

impl Economy {
    /// The diagnosis at `step` (all zeros without firms); `net` the step's network indicators.
    pub fn diagnosis(&self, step: u32, net: &NetworkStats) -> Diagnosis {
        let f = &self.firms;
        let n = self.n_firms();
        if n == 0 {
            return Diagnosis::default();
        }
        let nf = n as f64;
        let live = || f.live();
        // Proxies.
        let knowledge: f64 = live().map(|s| f.knowledge[s]).sum::<f64>()
            + self.research.iter().map(|b| b.knowledge).sum::<f64>();
        let resources = knowledge / (nf + self.research.len() as f64);
        let share =
            |flags: &[bool]| live().filter(|&s| flags[f.cell[s] as usize]).count() as f64 / nf;
        let (grounded, served) = (share(&self.grounded), share(&self.served));
        let rivals = live().map(|s| f64::from(f.rivals[s])).sum::<f64>() / nf;
        let output: f64 = live().map(|s| f.output_local[s]).sum();
        let hhi = if output > 0.0 {
            live().map(|s| (f.output_local[s] / output).powi(2)).sum()
        } else {
            1.0
        };
        let demand = self.relative_demand(step);
        // Local market size per firm relative to the start: the size per initial firm cancels.
        let local_demand = self.local_growth_factor(step) * self.initial_firms as f64 / nf;
        let st = &self.stats;
        let total_output = st.output_local + st.output_export;
        let export_share = if total_output > 0.0 {
            st.output_export / total_output
        } else {
            0.0
        };

        // GEM.
        let a = |i: usize| ANCHORS[i].1;
        let factors = [
            a(0).score(resources),
            a(1).score(grounded),
            a(2).score(net.mean_degree),
            0.5 * (a(3).score(rivals) + a(4).score(1.0 - hhi)),
            a(5).score(local_demand),
            a(6).score(export_share),
        ];
        let gem = Gem::of(factors).score;

        // The six dynamic factors.
        let [knowledge_capital, coopetition, market_demand] = self.core_factors(demand);
        let [social_capital, served, local_government] = self.auxiliary_factors(net, served);
        let (wc, wa) = self.subsystem_weights();
        let core = wc[0] * knowledge_capital + wc[1] * coopetition + wc[2] * market_demand;
        let auxiliary = wa[0] * social_capital + wa[1] * served + wa[2] * local_government;
        let core_share = self.config.diagnosis.core_share;
        let dynamics = core_share * core + (1.0 - core_share) * auxiliary;
        let [gem_resources, gem_infrastructure, gem_suppliers, gem_structure, gem_local_markets, gem_external_markets] =
            factors;
        Diagnosis {
            gem_resources,
            gem_infrastructure,
            gem_suppliers,
            gem_structure,
            gem_local_markets,
            gem_external_markets,
            gem,
            social_capital,
            knowledge_capital,
            coopetition,
            market_demand,
            intermediary_organisations: served,
            local_government,
            core_dynamics: core,
            auxiliary_dynamics: auxiliary,
            innovation_dynamics: dynamics,
        }
    }

    /// The core subsystem's factors: knowledge capital, co-opetition, market demand; `demand`
    /// the market size per firm relative to the start.
    fn core_factors(&self, demand: f64) -> [f64; 3] {
        let f = &self.firms;
        let nf = self.n_firms().max(1) as f64;
        let knowledge_capital =
            1.0 - (-(f.live().map(|s| f.knowledge[s]).sum::<f64>() / nf) / 4.0).exp();
        let coopetition = f
            .live()
            .filter(|&s| f.rivals[s] > 0 && !self.network.partners(s).is_empty())
            .count() as f64
            / nf;
        [knowledge_capital, coopetition, demand / (1.0 + demand)]
    }

    /// The auxiliary subsystem's factors: social capital, intermediary organisations (`served`,
    /// the share of firms an intermediary serves), local government.
    fn auxiliary_factors(&self, net: &NetworkStats, served: f64) -> [f64; 3] {
        let max_degree = self.network.max_degree as f64;
        let social_capital = 0.5 * ((net.mean_degree / max_degree).min(1.0) + net.clustering);
        let st = &self.stats;
        let local_government = if st.rd_spending > 0.0 {
            st.subsidy / st.rd_spending
        } else {
            0.0
        };
        [social_capital, served, local_government]
    }

    /// The weights within the core and the auxiliary subsystem now: as the scenario states
    /// them, or, under `weighting = "entropy"`, the entropy weights of each subsystem's factors
    /// over the steps recorded so far.
    pub fn subsystem_weights(&self) -> ([f64; 3], [f64; 3]) {
        let w = self.config.diagnosis;
        match &self.factor_entropy {
            Some([core, auxiliary]) => {
                let (mut c, mut a) = ([0.0; 3], [0.0; 3]);
                core.weights_into(&mut c);
                auxiliary.weights_into(&mut a);
                (c, a)
            }
            None => (w.core, w.auxiliary),
        }
    }

    /// Records the six dynamic factors at `step` for entropy weighting (a no-op under given
    /// weights), keeping the step's network indicators for the step's observation.
    pub(crate) fn record_factors(&mut self, step: u32) {
        if self.factor_entropy.is_none() || self.n_firms() == 0 {
            return;
        }
        let net = self.network_stats(step);
        let served = {
            let f = &self.firms;
            f.live()
                .filter(|&s| self.served[f.cell[s] as usize])
                .count() as f64
                / self.n_firms() as f64
        };
        let core = self.core_factors(self.relative_demand(step));
        let auxiliary = self.auxiliary_factors(&net, served);
        if let Some([c, a]) = &mut self.factor_entropy {
            c.push(&core);
            a.push(&auxiliary);
        }
        self.net_cache = Some((step, net));
    }

    /// The whole market's size per firm at `step` relative to the start.
    fn relative_demand(&self, step: u32) -> f64 {
        let m = &self.config.market;
        let growth = |g: f64| (1.0 + g).powi(step as i32);
        let n0 = self.initial_firms.max(1) as f64;
        let per_firm_now = m.size * self.local_growth_factor(step) / self.n_firms().max(1) as f64
            + m.export_size * growth(m.export_growth);
        let per_firm_start = m.size / n0 + m.export_size;
        if per_firm_start > 0.0 {
            per_firm_now / per_firm_start
        } else {
            0.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_map_linearly_and_clamp() {
        let a = Anchors {
            gap: 0.0,
            average: 2.0,
            best: 8.0,
        };
        assert_eq!(a.score(-1.0), 1.0);
        assert_eq!(a.score(0.0), 1.0);
        assert_eq!(a.score(1.0), 3.0);
        assert_eq!(a.score(2.0), 5.0);
        assert_eq!(a.score(5.0), 7.5);
        assert_eq!(a.score(8.0), 10.0);
        assert_eq!(a.score(100.0), 10.0);
    }
}
