//! The cluster's economy: firms as agents that compete, invest in R&D, learn, hire, tie up,
//! exit and spawn spin-offs, beside research bodies, intermediaries and a government.
//!
//! This file holds the state: [`Economy`] (the firms as a struct of arrays in [`firms`], the
//! network, research bodies, intermediaries' reach, the government's parameters, scratch) and
//! its construction. Each process of the step is a method in its own file, named as in
//! `docs/ODD.md`: [`market`](self::market), [`rnd`], [`spillover`], [`mobility`], [`network`],
//! [`strategy`], [`demography`]; the world runs them in the order of
//! [`SCHEDULE`](crate::schedule::SCHEDULE) around the diffusion automaton, which the economy
//! feeds (capacities, costs, radical technologies). The accounting between them (unit costs,
//! classes, stocks, capacities) is in `accounts.rs`; what the economy reports ([`Observation`],
//! [`Indicators`], [`RunTotals`]) in `observe.rs`; spatial queries in `space.rs`.
//!
//! **Invariants:** processes read a snapshot and write their own slot's entries, so a firm's
//! update never depends on another's in the same process; every random number is a function
//! of `(seed, purpose, step, slot or cell)`; spatial queries go through the cell index, never
//! through all firms, so every process is O(firms × neighbours).

mod accounts;
pub mod columns;
pub mod demography;
pub mod diagnosis;
pub mod external;
pub mod firms;
pub mod frontier;
pub mod layers;
pub mod lifecycle;
pub mod market;
pub mod mobility;
pub mod network;
mod observe;
pub mod rnd;
mod space;
pub mod spillover;
pub mod strategy;

use crate::grid::Grid;
use crate::rng::{CellStream, Purpose};
use crate::scenario::policy::Policy;
use crate::scenario::{Attribute, Boundary, EconomyConfig, FirmRecord};
use clusterlab_numerics::mcda::RunningEntropy;
use clusterlab_numerics::stats::Moments;
use firms::{ByClass, FirmClass, Firms, NewFirm};
use layers::Layer;
use network::Network;
use rayon::prelude::*;

pub(crate) use accounts::ClassBounds;
pub use accounts::{accumulate, capacity};
pub use observe::{Indicators, Observation, RunTotals};
pub(crate) use space::neighbour_cell;

/// The cell index's mark for a cell without a firm.
pub const NO_FIRM: u32 = u32::MAX;

/// A research body as the model keeps it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ResearchBody {
    /// Cell id.
    pub cell: u32,
    /// Knowledge stock, growing with funding and interaction toward the frontier.
    pub knowledge: f64,
    /// Public budget per step for its research.
    pub funding: f64,
    /// Knowledge position.
    pub position: f64,
    /// Reach in cells.
    pub reach: u32,
    /// Weight as a source.
    pub weight: f64,
}

/// What the economy did in the last step: the per-step indicators.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StepStats {
    /// Incremental innovations.
    pub innovations_incremental: u64,
    /// Radical innovations.
    pub innovations_radical: u64,
    /// R&D spending, subsidies included.
    pub rd_spending: f64,
    /// Subsidies paid.
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
    pub exporters: u64,
    /// Market profits (producer surplus).
    pub profits: f64,
    /// Net worth paid out to the firms' owners beyond their equity target.
    pub payouts: f64,
    /// Consumer surplus of the local market.
    pub consumer_surplus: f64,
    /// Entrants and spin-offs this step.
    pub entries: u64,
    /// Exits this step.
    pub exits: u64,
    /// What the active policies cost this step (subsidies apart).
    pub policy_cost: f64,
}

/// The economy of a cluster.
#[derive(Clone, Debug)]
pub struct Economy {
    pub(crate) config: EconomyConfig,
    pub(crate) seed: u64,
    pub(crate) width: usize,
    pub(crate) height: usize,
    pub(crate) boundary: Boundary,
    /// The firms.
    pub firms: Firms,
    /// Per cell id: the slot of its firm, or [`NO_FIRM`].
    pub(crate) cell_firm: Vec<u32>,
    /// Ties between firms.
    pub network: Network,
    /// Research bodies.
    pub research: Vec<ResearchBody>,
    /// Per research body: the cell ids within its reach.
    pub(crate) research_cells: Vec<Vec<u32>>,
    /// The cluster's technological frontier F: at least every firm's knowledge.
    pub(crate) frontier: f64,
    /// Per cell id: the largest tie boost of the intermediaries serving it (0 if none).
    pub(crate) tie_boost: Vec<f64>,
    /// Per cell id: whether an intermediary serves it.
    pub(crate) served: Vec<bool>,
    /// Per cell id: whether it is served or within a research body's reach.
    pub(crate) grounded: Vec<bool>,
    /// Per cell id: whether it is within a research body's reach.
    pub(crate) research_reach: Vec<bool>,
    /// The parameters as the scenario gives them; `config` is them with the active policies.
    pub(crate) base_config: EconomyConfig,
    /// The policies active in the last step (bits by index), `None` before the first.
    pub(crate) policy_mask: Option<u128>,
    /// The openness boost of active policies.
    pub(crate) openness_boost: f64,
    /// Knowledge diversity at the start (lock-in is measured against it).
    pub(crate) initial_diversity: f64,
    /// The base absorptive capacity an entrant brings into a cluster with no incumbent to
    /// average over: the mean of the scenario's capacity.
    pub(crate) empty_capacity: f64,
    /// The life-cycle detector.
    pub(crate) life_cycle: lifecycle::LifeCycle,
    /// Knowledge diversity at the end of the last step.
    pub(crate) diversity: f64,
    /// Delivered unit costs of other regions' firms competing on this region's local market
    /// (sorted; empty for a region alone).
    pub(crate) foreign: Vec<f64>,
    /// The local market of the last step.
    pub(crate) local_market: market::LocalMarket,
    /// `ln g`, `g` the geometric mean market share of the live firms at the last step's prices:
    /// the typical firm, against whose size Kimball demand's elasticity is taken (S7).
    pub(crate) log_typical_share: f64,
    /// Whether the `market` process runs (market shares then decide who exits).
    pub(crate) market_on: bool,
    /// Scratch: each firm's sales of the step.
    pub(crate) sales: Vec<market::Sale>,
    /// Scratch: each firm's offer (prices' CES weights) of the step.
    pub(crate) offers: Vec<market::Offer>,
    /// The layer of each research body and each intermediary.
    pub(crate) research_layers: Vec<Layer>,
    pub(crate) intermediary_layers: Vec<Layer>,
    /// Per cell id: the bits ([`Layer::bit`]) of the layers whose bodies reach it.
    pub(crate) layer_reach: Vec<u8>,
    /// Under entropy weighting: the core and auxiliary factors over the steps so far.
    pub(crate) factor_entropy: Option<[RunningEntropy; 2]>,
    /// Whether the `strategy` process runs (the sharing shares are then observed).
    pub(crate) strategy_on: bool,
    /// The network indicators of the last recorded step, kept for its observation.
    pub(crate) net_cache: Option<(u32, network::NetworkStats)>,
    /// Firms at the start: the scale of market size.
    pub(crate) initial_firms: usize,
    /// Entries and exits since the start.
    pub(crate) total_entries: u64,
    pub(crate) total_exits: u64,
    /// Sums over the steps so far.
    pub(crate) totals: RunTotals,
    /// The last step's indicators.
    pub stats: StepStats,
    /// Scratch: knowledge and position after learning; proposals.
    pub(crate) knowledge_next: Vec<f64>,
    pub(crate) position_next: Vec<f64>,
    /// Scratch: the live firms' cumulative output and their slots, to draw entrants' anchors.
    pub(crate) entry_cumulative: Vec<f64>,
    pub(crate) entry_slots: Vec<usize>,
    /// Scratch: the last cumulative output of each block, for the two-level search.
    pub(crate) entry_coarse: Vec<f64>,
    /// Scratch: the slots of the step's exits, then of the spin-offs' parents.
    pub(crate) demography_slots: Vec<u32>,
    /// Scratch: the step's potential entrants, priced before they are placed.
    pub(crate) entry_candidates: Vec<demography::Candidate>,
    /// Scratch: each slot's own R&D budget and innovation outcome of the step.
    pub(crate) rd_own: Vec<f64>,
    pub(crate) rd_outcomes: Vec<(f64, rnd::Outcome)>,
    /// Per cell: the unit cost of its firm, NaN where there is none, padded for the rivalry
    /// scan's square.
    pub(crate) cost_grid: space::PaddedGrid,
    /// The class boundaries of the step's ranking (spin-offs are classed by them).
    pub(crate) class_bounds: ClassBounds,
    /// Scratch: (cost bits, slot) keys to sort.
    pub(crate) sort_keys: Vec<u128>,
    /// Scratch: knowledge, position and openness per cell of a padded grid (spillover).
    pub(crate) sources: Vec<(f64, f32, f32)>,
    /// Per slot: the automaton's level of the absorptive capacity set with the stocks
    /// (`(a · 255).round()`), so the per-cell level layer is filled from one byte a firm.
    pub(crate) capacity_levels: Vec<u8>,
}

/// A log efficiency drawn from `N(0, s²)` by two uniform draws.
pub(crate) fn efficiency_draw(dispersion: f64, u1: f64, u2: f64) -> f64 {
    dispersion * market::standard_normal(u1, u2)
}

/// Uniform draws in [0, 1) for a new firm's attributes, from the placement streams.
fn draw(seed: u64, purpose: Purpose, cell: u32) -> f64 {
    CellStream::new(seed, purpose, 0, 0).unit(cell)
}

impl Economy {
    /// Builds the economy of the firms on `firm_cells` (cell ids in row-major order) with
    /// their capacities; `records` gives listed firms' own attributes, if any.
    pub(crate) fn new(
        config: &EconomyConfig,
        seed: u64,
        grid: &Grid,
        (firm_cells, empty_capacity): (&[(u32, f64)], f64),
        records: Option<&[FirmRecord]>,
    ) -> Economy {
        let (width, height) = (grid.width(), grid.height());
        let mut firms = Firms::default();
        let mut cell_firm = vec![NO_FIRM; width * height];
        let attributes = config.attributes;
        let value = |given: Option<f64>, spec: Attribute, purpose: Purpose, cell: u32| {
            given.unwrap_or_else(|| spec.at(draw(seed, purpose, cell)))
        };
        // Listed firms are looked up by cell once, through a map built here.
        let by_cell: std::collections::HashMap<u32, &FirmRecord> = records
            .map(|r| {
                r.iter()
                    .map(|f| ((f.y as usize * width + f.x as usize) as u32, f))
                    .collect()
            })
            .unwrap_or_default();
        for &(cell, capacity) in firm_cells {
            let record = by_cell.get(&cell);
            let openness = value(
                record.and_then(|r| r.openness),
                attributes.openness,
                Purpose::Openness,
                cell,
            );
            let slot = firms.add(NewFirm {
                cell,
                knowledge: value(
                    record.and_then(|r| r.knowledge),
                    attributes.knowledge,
                    Purpose::Knowledge,
                    cell,
                ),
                position: record
                    .and_then(|r| r.position)
                    .unwrap_or_else(|| draw(seed, Purpose::Position, cell)),
                capacity,
                rd_intensity: value(
                    record.and_then(|r| r.rd_intensity),
                    attributes.rd_intensity,
                    Purpose::RdIntensity,
                    cell,
                ),
                capital: value(
                    record.and_then(|r| r.capital),
                    attributes.capital,
                    Purpose::Capital,
                    cell,
                ),
                openness,
                strategy: strategy::initial_strategy(seed, cell, openness),
                pipeline: draw(seed, Purpose::Pipeline, cell) < config.external.pipeline_share,
                outside_anchor: draw(seed, Purpose::Outside, cell),
            });
            cell_firm[cell as usize] = slot as u32;
            firms.appeal[slot] = efficiency_draw(
                config.market.initial_appeal_dispersion,
                CellStream::new(seed, Purpose::Appeal, 0, 10).unit(cell),
                CellStream::new(seed, Purpose::Appeal, 0, 11).unit(cell),
            );
            firms.efficiency[slot] = efficiency_draw(
                config.production.efficiency_dispersion,
                CellStream::new(seed, Purpose::Efficiency, 0, 0).unit(cell),
                CellStream::new(seed, Purpose::Efficiency, 0, 1).unit(cell),
            );
        }
        let research = config
            .research_bodies
            .iter()
            .map(|r| ResearchBody {
                cell: (r.y as usize * width + r.x as usize) as u32,
                knowledge: r.knowledge,
                funding: r.funding,
                position: r.position,
                reach: r.reach,
                weight: r.weight,
            })
            .collect();
        // Per cell: the tie boost of the intermediaries serving it, whether one serves it, and
        // whether it is grounded (served, or within a research body's reach).
        let mut tie_boost = vec![0.0f64; width * height];
        let mut served = vec![false; width * height];
        let mut grounded = vec![false; width * height];
        let mut research_reach = vec![false; width * height];
        let disk = |x: u32, y: u32, reach: u32, visit: &mut dyn FnMut(usize)| {
            let r = i64::from(reach);
            let centre = (y as usize * width + x as usize) as u32;
            for dy in -r..=r {
                for dx in -r..=r {
                    if dx * dx + dy * dy <= r * r {
                        if let Some(c) =
                            neighbour_cell(width, height, grid.boundary(), centre, dx, dy)
                        {
                            visit(c as usize);
                        }
                    }
                }
            }
        };
        let mut layer_reach = vec![0u8; width * height];
        // Validation checked every layer name; an unknown one could only come from a caller
        // that skipped it, and counts as auxiliary, the default.
        let layer_of = |name: &str| Layer::parse(name).unwrap_or(Layer::Auxiliary);
        for m in &config.intermediaries {
            let bit = layer_of(&m.layer).bit();
            disk(m.x, m.y, m.reach, &mut |c| {
                tie_boost[c] = tie_boost[c].max(m.tie_boost);
                served[c] = true;
                grounded[c] = true;
                layer_reach[c] |= bit;
            });
        }
        let mut research_cells = Vec::with_capacity(config.research_bodies.len());
        for r in &config.research_bodies {
            let bit = layer_of(&r.layer).bit();
            let mut cells = Vec::new();
            disk(r.x, r.y, r.reach, &mut |c| {
                grounded[c] = true;
                research_reach[c] = true;
                layer_reach[c] |= bit;
                cells.push(c as u32);
            });
            research_cells.push(cells);
        }
        let n = firms.count();
        let network = Network::new(config.network.max_degree as usize, firms.slots());
        let mut economy = Economy {
            config: config.clone(),
            seed,
            width,
            height,
            boundary: grid.boundary(),
            firms,
            cell_firm,
            network,
            research,
            research_cells,
            frontier: config.frontier,
            tie_boost,
            served,
            grounded,
            research_reach,
            base_config: config.clone(),
            policy_mask: None,
            openness_boost: 0.0,
            initial_diversity: 0.0,
            empty_capacity,
            life_cycle: lifecycle::LifeCycle::default(),
            diversity: 0.0,
            foreign: Vec::new(),
            local_market: market::LocalMarket::default(),
            log_typical_share: 0.0,
            market_on: false,
            sales: Vec::new(),
            offers: Vec::new(),
            research_layers: config
                .research_bodies
                .iter()
                .map(|r| layer_of(&r.layer))
                .collect(),
            intermediary_layers: config
                .intermediaries
                .iter()
                .map(|m| layer_of(&m.layer))
                .collect(),
            layer_reach,
            factor_entropy: config
                .diagnosis
                .entropy
                .then(|| [RunningEntropy::new(3), RunningEntropy::new(3)]),
            net_cache: None,
            strategy_on: false,
            initial_firms: n,
            total_entries: 0,
            total_exits: 0,
            totals: RunTotals::default(),
            stats: StepStats::default(),
            knowledge_next: Vec::new(),
            position_next: Vec::new(),
            capacity_levels: Vec::new(),
            entry_cumulative: Vec::new(),
            entry_slots: Vec::new(),
            entry_coarse: Vec::new(),
            demography_slots: Vec::new(),
            entry_candidates: Vec::new(),
            rd_own: Vec::new(),
            rd_outcomes: Vec::new(),
            cost_grid: Default::default(),
            class_bounds: ClassBounds::default(),
            sort_keys: Vec::new(),
            sources: Vec::new(),
        };
        economy.raise_frontier();
        economy.update_capacities();
        economy.update_costs_and_classes();
        economy.open_market();
        economy.initial_diversity = economy.knowledge_diversity();
        economy.diversity = economy.initial_diversity;
        economy
    }

    /// Resets the step's indicators, raises the frontier to knowledge that arrived from
    /// elsewhere (migrants) and lets research bodies do their research.
    pub(crate) fn begin_step(&mut self) {
        self.stats = StepStats::default();
        self.raise_frontier();
        self.research_bodies();
        self.network.ensure_slots(self.firms.slots());
    }

    /// Memory the economy of `firms` firms on `region` needs beyond the diffusion layers, in
    /// bytes: the firm arrays and ties per firm; the cell index, cost grid, tie boosts and
    /// padded spillover sources per cell; and what the automaton is fed per group and
    /// technology (one byte per cell each).
    pub fn bytes_needed(
        region: crate::scenario::Region,
        config: &EconomyConfig,
        firms: u64,
        groups: usize,
        technologies: usize,
    ) -> u64 {
        crate::budget::economy_bytes(
            region,
            config.network.max_degree,
            config.spillover.radius,
            config.innovation.rivalry_radius,
            firms,
            groups,
            technologies,
        )
    }

    /// Firms alive now.
    pub fn n_firms(&self) -> usize {
        self.firms.count()
    }

    /// Firms at the start.
    pub fn initial_firms(&self) -> usize {
        self.initial_firms
    }

    /// Entrants and spin-offs since the start.
    pub fn total_entries(&self) -> u64 {
        self.total_entries
    }

    /// Exits since the start.
    pub fn total_exits(&self) -> u64 {
        self.total_exits
    }

    /// The local market's size at `step` relative to the start: `(1 + growth)^t`, or the
    /// product of the growth schedule's rates over the steps before `step`.
    pub fn local_growth_factor(&self, step: u32) -> f64 {
        let m = &self.config.market;
        let mut factor = 1.0;
        let (mut from, mut rate) = (0u32, m.growth);
        for pair in &m.growth_schedule {
            let at = (pair[0] as u32).min(step);
            factor *= (1.0 + rate).powi((at - from.min(at)) as i32);
            from = from.max(at);
            rate = pair[1];
        }
        factor * (1.0 + rate).powi((step - from.min(step)) as i32)
    }

    /// Sets the economy's parameters for the policies active in step `t` (a no-op while the
    /// set is unchanged); returns the active policies when the set changed.
    pub(crate) fn activate_policies(
        &mut self,
        t: u32,
    ) -> Option<Vec<crate::scenario::policy::AppliedPolicy>> {
        let policies = &self.base_config.policies;
        if policies.is_empty() {
            return None;
        }
        let mask = policies
            .iter()
            .enumerate()
            .filter(|(_, p)| p.active(t))
            .fold(0u128, |m, (i, _)| m | (1 << (i % 128)));
        if Some(mask) == self.policy_mask {
            return None;
        }
        self.policy_mask = Some(mask);
        let active: Vec<_> = policies.iter().filter(|p| p.active(t)).copied().collect();
        self.config = crate::scenario::policy::apply(&self.base_config, &active);
        for (body, section) in self.research.iter_mut().zip(&self.config.research_bodies) {
            body.weight = section.weight;
            body.funding = section.funding;
        }
        self.openness_boost = crate::scenario::policy::openness_boost(&active);
        self.refresh_openness();
        // Pipelines follow the share: a firm has one when its placement draw is below it.
        let share = self.config.external.pipeline_share;
        let seed = self.seed;
        let f = &mut self.firms;
        for s in 0..f.slots() {
            if f.alive[s] {
                f.pipeline[s] = draw(seed, Purpose::Pipeline, f.cell[s]) < share;
            }
        }
        Some(active)
    }

    /// Books what the policies active in step `t` cost: their cost per step, the share of
    /// local sales public procurement buys; the R&D subsidy costs the subsidies paid.
    pub(crate) fn charge_policies(&mut self, t: u32) {
        let st = &mut self.stats;
        for p in self.base_config.policies.iter().filter(|p| p.active(t)) {
            st.policy_cost += match p.policy {
                Policy::RdSubsidy => 0.0,
                Policy::PublicProcurement => {
                    p.strength / (1.0 + p.strength) * st.output_local * st.price_local
                }
                Policy::CompetitionReform
                | Policy::MarketIntelligence
                | Policy::DiffusionCoordination
                | Policy::BrokerNetwork
                | Policy::TechnologyTransfer
                | Policy::GenericTechnology
                | Policy::VentureCapital
                | Policy::GlobalPipelines
                | Policy::TalentAttraction => p.cost_per_step,
            };
        }
    }

    /// Sets every firm's openness from its base openness, the policies' boost and, with the
    /// `strategy` process, its sharing strategy.
    pub(crate) fn refresh_openness(&mut self) {
        for s in 0..self.firms.slots() {
            if self.firms.alive[s] {
                self.set_openness(s);
            }
        }
    }

    /// Sets the openness of the firm in slot `s` as [`Self::refresh_openness`] does.
    pub(crate) fn set_openness(&mut self, s: usize) {
        let f = &mut self.firms;
        let open = boosted(f.base_openness[s], self.openness_boost);
        f.openness[s] = if self.strategy_on {
            open * strategy::firm_sharing(f.class[s], f.strategy[s])
        } else {
            open
        };
    }
}

/// Openness `o` raised by a policy's boost: `1 − (1 − o)(1 − boost)`, exactly `o` without one.
pub(crate) fn boosted(o: f64, boost: f64) -> f64 {
    if boost == 0.0 {
        o
    } else {
        1.0 - (1.0 - o) * (1.0 - boost)
    }
}

/// Mean and (population) standard deviation of `values` (0 and 0 with none), by the running
/// [`Moments`] (Welford's update): stable when the values are large and close together.
pub(crate) fn mean_sd(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let mut moments = Moments::default();
    values.for_each(|v| moments.push(v));
    if moments.count() == 0 {
        return (0.0, 0.0);
    }
    (moments.mean(), moments.population_sd())
}

/// Signed difference `to − from` on the unit circle, in (−0.5, 0.5], for positions in
/// [0, 1) (no division: this is on the hot path of learning).
#[inline]
pub(crate) fn circular_delta(from: f64, to: f64) -> f64 {
    let d = to - from;
    // Branch-free: positions are random, so a branch here would be mispredicted often.
    d - f64::from(u8::from(d > 0.5)) + f64::from(u8::from(d <= -0.5))
}

#[cfg(test)]
mod tests {
    use crate::grid::Grid;
    use crate::scenario::{parse_scenario_text, validate, Limits};

    /// The R&D stock by the perpetual inventory (Griliches 1979): constant spending `R` from
    /// zero gives `S_n = R (1 − (1 − δ)^n) / δ`, tending to `R/δ`. With the sales stock built
    /// the same way, a large firm's capacity depends on its R&D-to-sales ratio, not its size,
    /// and equals `a₀ + (1 − a₀)(1 − e^{−ξ R/Y})` in the limit; a firm without R&D sits at
    /// its floor.
    #[test]
    fn stocks_follow_the_perpetual_inventory_and_capacity_the_intensity() {
        let (delta, r) = (0.04, 3.0);
        let mut s = 0.0;
        for n in 1..=200 {
            s = super::accumulate(s, delta, r);
            let closed = r * (1.0 - (1.0 - delta).powi(n)) / delta;
            assert!((s - closed).abs() < 1e-9 * closed, "step {n}");
        }
        assert!((s / (r / delta) - 1.0).abs() < 1e-3);
        let (a0, xi, mean_sales) = (0.4, 40.0, 10.0);
        let steady = |spending: f64, sales: f64| {
            super::capacity(a0, xi, spending / delta, sales / delta, mean_sales)
        };
        let limit = a0 + (1.0 - a0) * (1.0 - (-xi * 0.03f64).exp());
        let (big, bigger) = (steady(0.03 * 1e4, 1e4), steady(0.03 * 1e5, 1e5));
        assert!((big - bigger).abs() < 1e-3 && (bigger - limit).abs() < 1e-3);
        assert!(
            steady(0.03 * 1.0, 1.0) < big,
            "a small firm needs a minimum effort"
        );
        assert_eq!(super::capacity(a0, xi, 0.0, 50.0, mean_sales), a0);
        assert_eq!(super::capacity(a0, xi, 5.0, 0.0, 0.0), a0);
        assert!(super::capacity(1.0, 1e9, 1e9, 0.0, 1.0) <= 1.0);
    }

    #[test]
    fn mean_and_sd_are_stable_for_large_close_values() {
        let (mean, sd) = super::mean_sd(std::iter::repeat_n(1_234_567.891, 851));
        assert!((mean - 1_234_567.891).abs() < 1e-6);
        assert!(sd < 1e-6, "{sd}");
        let (mean, sd) = super::mean_sd([1.0, 2.0, 3.0, 4.0].into_iter());
        assert_eq!(mean, 2.5);
        assert!((sd - 1.25f64.sqrt()).abs() < 1e-12);
    }

    /// The observation's columns in the time series' order, which output files depend on:
    /// names and values come together, the same through `columns`, `pairs`, `values` and
    /// `for_each_column`, and the phase is written as its code.
    #[test]
    fn observation_columns_keep_their_order_and_pair_with_their_values() {
        use super::{Indicators, Observation};
        const COLUMNS: [&str; 61] = [
            "firms",
            "leaders",
            "middle_firms",
            "laggards",
            "entries",
            "exits",
            "innovations_incremental",
            "innovations_radical",
            "knowledge_mean",
            "knowledge_sd",
            "knowledge_frontier",
            "unit_cost_mean",
            "unit_cost_sd",
            "rd_spending",
            "subsidy",
            "output_local",
            "output_export",
            "price_local",
            "price_export",
            "exporters",
            "profits",
            "payouts",
            "consumer_surplus",
            "welfare",
            "network_density",
            "mean_degree",
            "clustering",
            "knowledge_diversity",
            "policy_cost",
            "phase",
            "gem_resources",
            "gem_infrastructure",
            "gem_suppliers",
            "gem_structure",
            "gem_local_markets",
            "gem_external_markets",
            "gem",
            "social_capital",
            "knowledge_capital",
            "coopetition",
            "market_demand",
            "intermediary_organisations",
            "local_government",
            "core_dynamics",
            "auxiliary_dynamics",
            "innovation_dynamics",
            "core_actors",
            "core_knowledge",
            "core_linked",
            "auxiliary_actors",
            "auxiliary_knowledge",
            "auxiliary_linked",
            "peripheral_actors",
            "peripheral_knowledge",
            "peripheral_linked",
            "leaders_share_with_middle",
            "leaders_share_with_laggards",
            "middle_share_with_leaders",
            "middle_share_with_laggards",
            "laggards_share_with_leaders",
            "laggards_share_with_middle",
        ];
        assert!(Observation::columns(true).eq(COLUMNS));
        assert!(Observation::columns(false).eq(COLUMNS[..55].iter().copied()));
        assert_eq!(Indicators::NAMES, &COLUMNS[..30]);
        for (strategy, n) in [(", \"strategy\"", 61), ("", 55)] {
            let text = format!(
                "processes = [\"market\", \"rnd\", \"network\"{strategy}]\n[region]\nwidth = 12\nheight = 12\n"
            );
            let parsed = parse_scenario_text(&text, "t").unwrap();
            let (scenario, _) = validate(&parsed, None, Limits::default()).unwrap();
            let mut world = crate::World::new(&scenario);
            world.run_until(3, |_| {});
            let e = world.economy().unwrap();
            let o = e.observe(3);
            let pairs: Vec<(&str, f64)> = o.pairs().collect();
            assert_eq!(pairs.len(), n);
            assert!(pairs.iter().map(|p| p.0).eq(COLUMNS[..n].iter().copied()));
            assert!(pairs.iter().map(|p| p.1).eq(o.values()));
            let mut visited = Vec::new();
            o.for_each_column(|name, value| visited.push((name, value)));
            assert_eq!(visited, pairs);
            assert_eq!(pairs[29], ("phase", f64::from(e.phase() as u8)));
            assert_eq!(o.indicators, e.indicators(3));
        }
    }

    /// The row-slice scan of `count_in_square` and the padded grid's block scan of
    /// `count_in_range` against a cell-by-cell walk, on both boundaries, with squares that
    /// cross edges and squares wider than a small torus.
    #[test]
    fn count_in_square_matches_a_cell_by_cell_walk() {
        for (boundary, w, h) in [
            ("bounded", 9, 7),
            ("torus", 9, 7),
            ("torus", 4, 3),
            ("torus", 23, 19),
            ("bounded", 23, 19),
        ] {
            let text = format!(
                "processes = [\"market\"]\n[region]\nwidth = {w}\nheight = {h}\nboundary = \"{boundary}\"\n[diffusion]\nneighbourhood = \"global\"\n"
            );
            let parsed = parse_scenario_text(&text, "t").unwrap();
            let (scenario, _) = validate(&parsed, None, Limits::default()).unwrap();
            // The economy alone, on the grid the world would give it: the scan is geometry.
            let shape = Grid::new(scenario.region(), scenario.neighbourhood().reach());
            let e = &super::Economy::new(
                scenario.economy(),
                scenario.seed(),
                &shape,
                (&[], 0.5),
                None,
            );
            // Every third cell empty (NaN), as about half the cells are in a run.
            let grid: Vec<f32> = (0..w * h)
                .map(|i| {
                    if i % 3 == 0 {
                        f32::NAN
                    } else {
                        ((i * 7) % 5) as f32
                    }
                })
                .collect();
            // Radii up to 5: squares of one and of two blocks of lanes.
            for r in 0..6i64 {
                let mut padded = super::space::PaddedGrid::default();
                e.fill_padded(&mut padded, r as usize, |cell| grid[cell as usize]);
                // A grid padded for another radius is scanned by rows, with the same counts.
                let mut wider = super::space::PaddedGrid::default();
                e.fill_padded(&mut wider, r as usize + 2, |cell| grid[cell as usize]);
                for cell in 0..(w * h) as u32 {
                    let (x, y) = e.xy(cell);
                    let fast = e.count_in_square(&grid, x, y, r, |v| v < 2.0);
                    let padded_count = e.count_in_range(&padded, x, y, r, 0.0, 1.0);
                    assert_eq!(fast, padded_count, "{boundary} {w}x{h} r={r} cell={cell}");
                    let wider_count = e.count_in_range(&wider, x, y, r, 0.0, 1.0);
                    assert_eq!(
                        fast, wider_count,
                        "{boundary} {w}x{h} r={r} cell={cell}, padded for r + 2"
                    );
                    let mut seen = std::collections::HashSet::new();
                    for dy in -r..=r {
                        for dx in -r..=r {
                            if let Some(c) = e.offset_cell(x, y, dx, dy) {
                                seen.insert(c);
                            }
                        }
                    }
                    let slow = seen.iter().filter(|&&c| grid[c as usize] < 2.0).count();
                    assert_eq!(fast, slow, "{boundary} {w}x{h} r={r} cell={cell}");
                }
            }
        }
    }
}
