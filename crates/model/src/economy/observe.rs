//! What the economy reports (`docs/ODD.md` S5, S14): the per-step [`Indicators`], the
//! [`Observation`] of a step (indicators, diagnosis, layers, sharing shares — the time
//! series' columns) and the run's [`RunTotals`].

use super::*;

columns::columns! {
    /// The per-step indicators (submodel S14 of `docs/ODD.md`), the first columns of the time
    /// series: each field is a column of that name, in this order. A new column is one more
    /// documented field here, set in [`Economy::indicators`].
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct Indicators {
        /// Firms alive.
        pub firms: f64,
        /// Firms classed as leaders (the lowest unit costs).
        pub leaders: f64,
        /// Firms classed as middle firms.
        pub middle_firms: f64,
        /// Firms classed as laggards (the highest unit costs).
        pub laggards: f64,
        /// Entrants and spin-offs this step.
        pub entries: f64,
        /// Exits this step.
        pub exits: f64,
        /// Incremental innovations this step.
        pub innovations_incremental: f64,
        /// Radical innovations this step.
        pub innovations_radical: f64,
        /// Mean knowledge stock of firms.
        pub knowledge_mean: f64,
        /// Standard deviation of firms' knowledge stocks.
        pub knowledge_sd: f64,
        /// The cluster's technological frontier F after the step.
        pub knowledge_frontier: f64,
        /// Mean unit cost of firms.
        pub unit_cost_mean: f64,
        /// Standard deviation of firms' unit costs.
        pub unit_cost_sd: f64,
        /// R&D spending this step, subsidies included.
        pub rd_spending: f64,
        /// Subsidies paid this step.
        pub subsidy: f64,
        /// Output on the local market.
        pub output_local: f64,
        /// Output on the external market.
        pub output_export: f64,
        /// Local price.
        pub price_local: f64,
        /// External price.
        pub price_export: f64,
        /// Firms producing for export.
        pub exporters: f64,
        /// Market profits (producer surplus).
        pub profits: f64,
        /// Net worth paid out to the firms' owners this step: beyond its equity target, a
        /// firm pays `payout_speed` of the excess (a transfer, not in welfare).
        pub payouts: f64,
        /// Consumer surplus of the local market.
        pub consumer_surplus: f64,
        /// Social welfare: consumer surplus plus profits.
        pub welfare: f64,
        /// Network density: ties over possible ties, `2E / (n (n − 1))`.
        pub network_density: f64,
        /// Mean ties per firm, `2E / n`.
        pub mean_degree: f64,
        /// Mean local clustering coefficient of the network.
        pub clustering: f64,
        /// Knowledge diversity: the circular variance of firms' knowledge positions.
        pub knowledge_diversity: f64,
        /// What the active policies cost this step (subsidies apart).
        pub policy_cost: f64,
        /// The life-cycle phase after the step, recorded by its code (0 emergence, 1 growth,
        /// 2 maturity, 3 decline, 4 renewal).
        pub phase: lifecycle::Phase,
    }
}

/// Sums of the per-step indicators over the steps so far.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RunTotals {
    /// Social welfare: consumer surplus of the local market plus market profits.
    pub welfare: f64,
    /// Subsidies paid: the fiscal cost.
    pub subsidy: f64,
    /// R&D spending, subsidies included.
    pub rd_spending: f64,
    /// Innovations, incremental and radical.
    pub innovations: u64,
    /// What policies cost, subsidies apart.
    pub policy_cost: f64,
}

/// What [`Economy::observe`] reports at a step: the indicators, the diagnosis, the per-layer
/// indicators and, with the `strategy` process, the sharing shares — the time series' columns
/// in that order, each part a struct whose fields are its columns.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Observation {
    /// The per-step indicators (S14).
    pub indicators: Indicators,
    /// The diagnosis: GEM and the six dynamic factors (S15).
    pub diagnosis: diagnosis::Diagnosis,
    /// The per-layer indicators.
    pub layers: layers::LayerIndicators,
    /// With the `strategy` process: the sharing shares by class.
    pub sharing: Option<strategy::SharingShares>,
}

impl Observation {
    /// The column names, in the order of [`Self::pairs`]; the sharing shares when `sharing`
    /// (the `strategy` process runs).
    pub fn columns(sharing: bool) -> impl Iterator<Item = &'static str> {
        let sharing: &[&str] = if sharing {
            strategy::SharingShares::NAMES
        } else {
            &[]
        };
        Indicators::NAMES
            .iter()
            .chain(diagnosis::Diagnosis::NAMES)
            .chain(layers::LayerIndicators::NAMES)
            .chain(sharing)
            .copied()
    }

    /// Calls `f` with each column's name and value, in the order of [`Self::columns`].
    pub fn for_each_column(&self, mut f: impl FnMut(&'static str, f64)) {
        self.indicators.for_each_column(&mut f);
        self.diagnosis.for_each_column(&mut f);
        self.layers.for_each_column(&mut f);
        if let Some(sharing) = &self.sharing {
            sharing.for_each_column(&mut f);
        }
    }

    /// Each column's name with its value, in the order of [`Self::columns`].
    pub fn pairs(&self) -> impl Iterator<Item = (&'static str, f64)> {
        self.indicators
            .pairs()
            .chain(self.diagnosis.pairs())
            .chain(self.layers.pairs())
            .chain(self.sharing.into_iter().flat_map(|s| s.pairs()))
    }

    /// The values, in the order of [`Self::columns`].
    pub fn values(&self) -> impl Iterator<Item = f64> {
        self.pairs().map(|(_, value)| value)
    }
}

impl Economy {
    /// Welfare, subsidies, R&D and innovations summed over the steps so far.
    pub fn totals(&self) -> RunTotals {
        self.totals
    }

    /// Adds the step's indicators to the run's totals.
    pub(crate) fn add_to_totals(&mut self) {
        let st = &self.stats;
        let t = &mut self.totals;
        t.welfare += st.consumer_surplus + st.profits;
        t.subsidy += st.subsidy;
        t.rd_spending += st.rd_spending;
        t.innovations += st.innovations_incremental + st.innovations_radical;
        t.policy_cost += st.policy_cost;
        let innovations = st.innovations_incremental + st.innovations_radical;
        self.diversity = self.knowledge_diversity();
        self.life_cycle
            .record(self.n_firms(), innovations, self.diversity);
    }

    /// The life-cycle phase after the last step.
    pub fn phase(&self) -> lifecycle::Phase {
        self.life_cycle.phase()
    }

    /// Knowledge diversity: `1 − |mean of e^{2πix}|` over firms' knowledge positions `x` (the
    /// circular variance: 0 when all specialise alike, near 1 when spread evenly).
    pub fn knowledge_diversity(&self) -> f64 {
        let f = &self.firms;
        let n = self.n_firms();
        if n == 0 {
            return 0.0;
        }
        // In parallel over fixed chunks of slots, summed in chunk order: the same bits on any
        // number of threads.
        let (c, s) = f
            .position
            .par_chunks(4096)
            .zip(f.alive.par_chunks(4096))
            .map(|(positions, alive)| {
                let (mut c, mut s) = (0.0, 0.0);
                for (&x, &a) in positions.iter().zip(alive) {
                    if a {
                        let (sin, cos) = (std::f64::consts::TAU * x).sin_cos();
                        c += cos;
                        s += sin;
                    }
                }
                (c, s)
            })
            .collect::<Vec<_>>()
            .into_iter()
            .fold((0.0, 0.0), |(a, b), (c, s)| (a + c, b + s));
        1.0 - (c * c + s * s).sqrt() / n as f64
    }

    /// The share of firms within reach of a research body.
    pub fn research_reach_share(&self) -> f64 {
        let f = &self.firms;
        let n = self.n_firms();
        if n == 0 {
            return 0.0;
        }
        f.live()
            .filter(|&s| self.research_reach[f.cell[s] as usize])
            .count() as f64
            / n as f64
    }

    /// The share of firms an intermediary serves.
    pub fn served_share(&self) -> f64 {
        let f = &self.firms;
        let n = self.n_firms();
        if n == 0 {
            return 0.0;
        }
        f.live()
            .filter(|&s| self.served[f.cell[s] as usize])
            .count() as f64
            / n as f64
    }

    /// The per-step indicators, the diagnosis and the per-layer indicators at `step` (the
    /// network's indicators computed once for all, or kept from the step's recording).
    pub fn observe(&self, step: u32) -> Observation {
        let net = match self.net_cache {
            Some((cached, net)) if cached == step => net,
            _ => self.network_stats(step),
        };
        Observation {
            indicators: self.indicators_with(&net),
            diagnosis: self.diagnosis(step, &net),
            layers: self.layers(),
            sharing: self.strategy_on.then(|| self.sharing_shares()),
        }
    }

    /// The per-step indicators at `step`.
    pub fn indicators(&self, step: u32) -> Indicators {
        self.indicators_with(&self.network_stats(step))
    }

    fn indicators_with(&self, net: &network::NetworkStats) -> Indicators {
        let f = &self.firms;
        let counts = self.class_counts();
        let (laggards, middle, leaders) = (
            counts[FirmClass::Laggard],
            counts[FirmClass::Middle],
            counts[FirmClass::Leader],
        );
        let (knowledge_mean, knowledge_sd) = mean_sd(f.live().map(|s| f.knowledge[s]));
        let (cost_mean, cost_sd) = mean_sd(f.live().map(|s| f.unit_cost[s]));
        let st = &self.stats;
        Indicators {
            firms: self.n_firms() as f64,
            leaders: leaders as f64,
            middle_firms: middle as f64,
            laggards: laggards as f64,
            entries: st.entries as f64,
            exits: st.exits as f64,
            innovations_incremental: st.innovations_incremental as f64,
            innovations_radical: st.innovations_radical as f64,
            knowledge_mean,
            knowledge_sd,
            knowledge_frontier: self.frontier,
            unit_cost_mean: cost_mean,
            unit_cost_sd: cost_sd,
            rd_spending: st.rd_spending,
            subsidy: st.subsidy,
            output_local: st.output_local,
            output_export: st.output_export,
            price_local: st.price_local,
            price_export: st.price_export,
            exporters: st.exporters as f64,
            profits: st.profits,
            payouts: st.payouts,
            consumer_surplus: st.consumer_surplus,
            welfare: st.consumer_surplus + st.profits,
            network_density: net.density,
            mean_degree: net.mean_degree,
            clustering: net.clustering,
            knowledge_diversity: self.knowledge_diversity(),
            policy_cost: st.policy_cost,
            phase: self.phase(),
        }
    }

    /// The cell ids of the firms now classed as laggards.
    pub fn laggard_cells(&self) -> impl Iterator<Item = u32> + '_ {
        let f = &self.firms;
        f.live()
            .filter(|&s| f.class[s] == FirmClass::Laggard)
            .map(|s| f.cell[s])
    }

    /// Firms in each class.
    pub fn class_counts(&self) -> ByClass<u64> {
        let mut counts = ByClass::default();
        for slot in self.firms.live() {
            counts[self.firms.class[slot]] += 1;
        }
        counts
    }
}
