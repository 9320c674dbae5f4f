//! Cluster policies as data: the failure → response table of Den Hertog et al. and the
//! instruments of the diffusion game and of Section 3.2 of `docs/domain.md`, each a named
//! policy with its mechanism in the model, a strength, a period and a fiscal cost per step;
//! and the symptoms by which a run diagnoses each failure. Documented in `docs/ODD.md` (S18)
//! and `docs/policy.md`.

use crate::scenario::EconomyConfig;

/// A failure cluster policy answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Failure {
    /// The market function fails: little rivalry, concentrated output.
    MarketFunction,
    /// Information failure: firms learn of technologies slowly.
    Information,
    /// Limited interaction between actors: few ties, no brokers.
    LimitedInteraction,
    /// The public knowledge infrastructure does not reach the firms.
    KnowledgeMismatch,
    /// Weak demand.
    WeakDemand,
    /// Lock-in: the cluster's knowledge grows alike.
    LockIn,
}

impl Failure {
    /// Every failure, in table order.
    pub const ALL: [Failure; 6] = [
        Failure::MarketFunction,
        Failure::Information,
        Failure::LimitedInteraction,
        Failure::KnowledgeMismatch,
        Failure::WeakDemand,
        Failure::LockIn,
    ];

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Failure::MarketFunction => "market function fails",
            Failure::Information => "information failure",
            Failure::LimitedInteraction => "limited interaction between actors",
            Failure::KnowledgeMismatch => "public knowledge infrastructure mismatched to demand",
            Failure::WeakDemand => "weak demand",
            Failure::LockIn => "lock-in",
        }
    }

    /// How its symptom score is read off a run (documented in `docs/policy.md`).
    pub fn symptom(self) -> &'static str {
        match self {
            Failure::MarketFunction => "1 − (mean GEM structure-and-rivalry score − 1)/9: few close rivals, concentrated output",
            Failure::Information => "share of the run (after its arrival) each technology took to reach 10% of firms, averaged; never: 1",
            Failure::LimitedInteraction => "mean of 1 − min(1, mean ties per firm / (max_degree/2)) and 1 − the share of firms an intermediary serves",
            Failure::KnowledgeMismatch => "1 − the share of firms within reach of a research body",
            Failure::WeakDemand => "1 − min(1, 2 × the market-demand index at the end) (0.5 means demand per firm as at the start)",
            Failure::LockIn => "relative fall of knowledge diversity from the start to the end (0 if it did not fall)",
        }
    }
}

/// A policy the lab can apply.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PolicyDef {
    /// Its name in scenarios and on the command line.
    pub name: &'static str,
    /// The failure it answers.
    pub failure: Failure,
    /// The response of the table (or the instrument) it stands for.
    pub response: &'static str,
    /// What it does in the model; `s` is its strength.
    pub mechanism: &'static str,
    /// Strength when the scenario gives none.
    pub default_strength: f64,
    /// Fiscal cost per step while active when the scenario gives none (the R&D subsidy and
    /// public procurement cost what they pay instead).
    pub default_cost: f64,
    /// Where the response comes from.
    pub source: &'static str,
}

/// The policies, in the order of the table.
pub const POLICIES: [PolicyDef; 11] = [
    PolicyDef {
        name: "competition-reform",
        failure: Failure::MarketFunction,
        response: "reform competition rules and regulation",
        mechanism: "the fixed cost every firm pays is divided by 1 + s, and spin-offs are (1 + s/2) times as frequent",
        default_strength: 1.0,
        default_cost: 5.0,
        source: "Den Hertog et al.",
    },
    PolicyDef {
        name: "market-intelligence",
        failure: Failure::Information,
        response: "gather strategic market information; strategic cluster studies",
        mechanism: "every technology's external influence p is multiplied by 1 + s",
        default_strength: 2.0,
        default_cost: 10.0,
        source: "Den Hertog et al.",
    },
    PolicyDef {
        name: "diffusion-coordination",
        failure: Failure::Information,
        response: "the government as coordinator of diffusion strategies",
        mechanism: "every firm's openness o becomes 1 − (1 − o)(1 − s): firms show their technologies and knowledge more",
        default_strength: 0.5,
        default_cost: 20.0,
        source: "Kuang & Zhang (the diffusion game)",
    },
    PolicyDef {
        name: "broker-network",
        failure: Failure::LimitedInteraction,
        response: "brokers and network agents; networking programmes; platforms for dialogue",
        mechanism: "tie formation is multiplied by 1 + s, and unused ties dissolve 1 + s times less often",
        default_strength: 1.0,
        default_cost: 10.0,
        source: "Den Hertog et al.",
    },
    PolicyDef {
        name: "technology-transfer",
        failure: Failure::KnowledgeMismatch,
        response: "technology-transfer programmes; industry–research centres of excellence",
        mechanism: "research bodies' weight as knowledge sources and their knowledge growth are multiplied by 1 + s",
        default_strength: 1.0,
        default_cost: 15.0,
        source: "Den Hertog et al.",
    },
    PolicyDef {
        name: "generic-technology",
        failure: Failure::KnowledgeMismatch,
        response: "public (generic, common) technology platforms",
        mechanism: "the unit cost of a firm without knowledge (cost_ceiling) falls by the share s: the laggards gain most",
        default_strength: 0.1,
        default_cost: 30.0,
        source: "domain.md 2.3; Wang (development zones)",
    },
    PolicyDef {
        name: "public-procurement",
        failure: Failure::WeakDemand,
        response: "public procurement policy",
        mechanism: "the local market's size is multiplied by 1 + s; the government pays for its share s/(1 + s) of local sales",
        default_strength: 0.3,
        default_cost: 0.0,
        source: "Den Hertog et al.",
    },
    PolicyDef {
        name: "rd-subsidy",
        failure: Failure::MarketFunction,
        response: "R&D subsidy (structural incentives for innovation)",
        mechanism: "the subsidy per unit of own R&D is raised to s and the budget by the policy's cost per step; it costs the subsidies paid",
        default_strength: 0.5,
        default_cost: 50.0,
        source: "Thomas et al.",
    },
    PolicyDef {
        name: "venture-capital",
        failure: Failure::LockIn,
        response: "venture capital",
        mechanism: "spin-offs are (1 + s) times as frequent and start with (1 + s) times the capital",
        default_strength: 1.0,
        default_cost: 20.0,
        source: "Thomas et al.",
    },
    PolicyDef {
        name: "global-pipelines",
        failure: Failure::LockIn,
        response: "join global value chains; ties to knowledge outside the cluster",
        mechanism: "the share of firms with ties outside rises by s (at most all), and pipeline firms learn from outside at least at the rate 0.1",
        default_strength: 0.5,
        default_cost: 20.0,
        source: "Chen; Bathelt, Malmberg & Maskell",
    },
    PolicyDef {
        name: "talent-attraction",
        failure: Failure::LockIn,
        response: "human-capital development; talent attraction",
        mechanism: "labour mobility is multiplied by 1 + s and the knowledge a worker carries by 1 + s/2 (at most all of the gap)",
        default_strength: 1.0,
        default_cost: 15.0,
        source: "Den Hertog et al.; Cairney",
    },
];

/// The policy named `name`.
pub fn find(name: &str) -> Option<&'static PolicyDef> {
    POLICIES.iter().find(|p| p.name == name)
}

/// A policy applied in a run: which, how strongly, when, at what cost.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AppliedPolicy {
    /// The policy.
    pub def: &'static PolicyDef,
    /// Its strength `s`.
    pub strength: f64,
    /// First step it acts in.
    pub start: u32,
    /// The step it stops before.
    pub end: u32,
    /// Fiscal cost per step while active.
    pub cost_per_step: f64,
}

impl AppliedPolicy {
    /// Whether it acts in step `t`.
    pub fn active(&self, t: u32) -> bool {
        self.start <= t && t < self.end
    }
}

/// The economy's parameters with `active` policies applied to `base`.
pub fn apply(base: &EconomyConfig, active: &[AppliedPolicy]) -> EconomyConfig {
    let mut c = base.clone();
    for p in active {
        let s = p.strength;
        match p.def.name {
            "competition-reform" => {
                c.production.fixed_cost /= 1.0 + s;
                c.demography.spinoff_rate = (c.demography.spinoff_rate * (1.0 + s / 2.0)).min(1.0);
            }
            "broker-network" => {
                c.network.formation = (c.network.formation * (1.0 + s)).min(1.0);
                c.network.decay /= 1.0 + s;
            }
            "technology-transfer" => {
                for r in &mut c.research_bodies {
                    r.weight *= 1.0 + s;
                    r.growth *= 1.0 + s;
                }
            }
            "generic-technology" => {
                let p = &mut c.production;
                p.cost_ceiling = (p.cost_ceiling * (1.0 - s)).max(p.cost_floor);
            }
            "public-procurement" => c.market.size_per_firm *= 1.0 + s,
            "rd-subsidy" => {
                c.government.rd_subsidy = c.government.rd_subsidy.max(s);
                c.government.budget += p.cost_per_step;
            }
            "venture-capital" => {
                c.demography.spinoff_rate = (c.demography.spinoff_rate * (1.0 + s)).min(1.0);
                c.demography.entry_capital *= 1.0 + s;
            }
            "global-pipelines" => {
                let e = &mut c.external;
                e.pipeline_share = (e.pipeline_share + s).min(1.0);
                e.outside_learning = e.outside_learning.max(0.1);
            }
            "talent-attraction" => {
                c.mobility.rate = (c.mobility.rate * (1.0 + s)).min(1.0);
                c.mobility.transfer = (c.mobility.transfer * (1.0 + s / 2.0)).min(1.0);
            }
            // Acting outside the economy's parameters: technologies' p (the world) and
            // openness (the firms).
            _ => {}
        }
    }
    c
}

/// The multiplier of every technology's `p` under the active policies.
pub fn p_factor(active: &[AppliedPolicy]) -> f64 {
    active
        .iter()
        .filter(|p| p.def.name == "market-intelligence")
        .map(|p| 1.0 + p.strength)
        .product()
}

/// The openness boost `s` of diffusion coordination (combined: 1 − Π(1 − s)).
pub fn openness_boost(active: &[AppliedPolicy]) -> f64 {
    1.0 - active
        .iter()
        .filter(|p| p.def.name == "diffusion-coordination")
        .map(|p| 1.0 - p.strength.min(1.0))
        .product::<f64>()
}

/// What a run shows of each failure, as scores in [0, 1] (1: the failure at its worst).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Symptoms {
    /// In the order of [`Failure::ALL`].
    pub scores: [f64; 6],
}

/// What [`Symptoms`] are computed from, gathered over a run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SymptomInputs {
    /// Mean over steps of the GEM structure-and-rivalry score.
    pub structure_score: f64,
    /// Per non-radical technology: steps from arrival to 10% of firms (None: never), and the
    /// steps the run had after its arrival.
    pub take_up: Vec<(Option<u32>, u32)>,
    /// Mean over steps of ties per firm.
    pub mean_degree: f64,
    /// The most ties a firm keeps.
    pub max_degree: u32,
    /// Mean over steps of the share of firms an intermediary serves.
    pub served: f64,
    /// Mean over steps of the share of firms within reach of a research body.
    pub research_reach: f64,
    /// The market-demand index at the end.
    pub market_demand: f64,
    /// Knowledge diversity at the start and at the end.
    pub diversity: (f64, f64),
}

impl SymptomInputs {
    /// The symptom scores.
    pub fn symptoms(&self) -> Symptoms {
        let information = if self.take_up.is_empty() {
            0.0
        } else {
            self.take_up
                .iter()
                .map(|&(t10, span)| match t10 {
                    Some(t) => (f64::from(t) / f64::from(span.max(1))).min(1.0),
                    None => 1.0,
                })
                .sum::<f64>()
                / self.take_up.len() as f64
        };
        let half = (f64::from(self.max_degree) / 2.0).max(1.0);
        let interaction =
            0.5 * (1.0 - (self.mean_degree / half).min(1.0)) + 0.5 * (1.0 - self.served.min(1.0));
        let (d0, d1) = self.diversity;
        let lock_in = if d0 > 0.0 {
            ((d0 - d1) / d0).clamp(0.0, 1.0)
        } else {
            0.0
        };
        Symptoms {
            scores: [
                (1.0 - (self.structure_score - 1.0) / 9.0).clamp(0.0, 1.0),
                information,
                interaction.clamp(0.0, 1.0),
                (1.0 - self.research_reach).clamp(0.0, 1.0),
                (1.0 - 2.0 * self.market_demand).clamp(0.0, 1.0),
                lock_in,
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_policy_answers_a_failure_and_names_are_unique() {
        for (i, p) in POLICIES.iter().enumerate() {
            assert!(POLICIES[..i].iter().all(|q| q.name != p.name));
            assert_eq!(find(p.name), Some(p));
            assert!(p.default_strength > 0.0 && p.default_cost >= 0.0);
        }
        for f in Failure::ALL {
            assert!(
                POLICIES.iter().any(|p| p.failure == f),
                "{} has no response",
                f.name()
            );
        }
    }

    #[test]
    fn symptoms_read_their_inputs() {
        let healthy = SymptomInputs {
            structure_score: 10.0,
            take_up: vec![(Some(0), 100)],
            mean_degree: 8.0,
            max_degree: 12,
            served: 1.0,
            research_reach: 1.0,
            market_demand: 0.6,
            diversity: (0.9, 0.95),
        };
        assert_eq!(healthy.symptoms().scores, [0.0; 6]);
        let sick = SymptomInputs {
            structure_score: 1.0,
            take_up: vec![(None, 100), (Some(50), 100)],
            mean_degree: 0.0,
            max_degree: 12,
            served: 0.0,
            research_reach: 0.0,
            market_demand: 0.2,
            diversity: (0.8, 0.2),
        };
        let s = sick.symptoms().scores;
        assert_eq!(s[0], 1.0);
        assert_eq!(s[1], 0.75);
        assert_eq!(s[2], 1.0);
        assert_eq!(s[3], 1.0);
        assert!((s[4] - 0.6).abs() < 1e-12);
        assert!((s[5] - 0.75).abs() < 1e-12);
    }
}

/// What a run shows of the outcomes policies are compared on.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunOutcome {
    /// Innovations over the run, incremental and radical.
    pub innovations: f64,
    /// First step at which the technology compared reached half the firms (the run's steps
    /// + 1 if never).
    pub t50: f64,
    /// Knowledge dispersion at the end: coefficient of variation of firms' knowledge.
    pub knowledge_dispersion: f64,
    /// Welfare (consumer surplus plus profits) summed over the run.
    pub welfare: f64,
    /// Public money over the run: subsidies plus the policies' costs.
    pub fiscal_cost: f64,
    /// What the diagnosis reads.
    pub symptoms: SymptomInputs,
}

/// Runs `scenario` to its last step and gathers the outcomes, `tech` being the technology
/// whose take-up speed is compared.
pub fn run_outcomes(scenario: &crate::Scenario, tech: usize) -> RunOutcome {
    use crate::economy::diagnosis::DIAGNOSIS;
    use crate::economy::INDICATORS;
    use crate::{TechId, World};
    let column = |names: &[&str], name: &str| {
        names
            .iter()
            .position(|&n| n == name)
            .expect("a column of the observation")
    };
    let structure = column(&DIAGNOSIS, "gem_structure");
    let market_demand = column(&DIAGNOSIS, "market_demand");
    let mean_degree = column(&INDICATORS, "mean_degree");
    let knowledge_mean = column(&INDICATORS, "knowledge_mean");
    let knowledge_sd = column(&INDICATORS, "knowledge_sd");
    let mut world = World::new(scenario);
    let steps = scenario.steps();
    let technologies: Vec<(usize, u32)> = scenario
        .technologies()
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.radical && t.arrival <= steps)
        .map(|(k, t)| (k, t.arrival))
        .collect();
    let mut t10: Vec<Option<u32>> = vec![None; technologies.len()];
    let mut t50 = None;
    let (mut structure_sum, mut degree_sum, mut served_sum, mut reach_sum) = (0.0, 0.0, 0.0, 0.0);
    let mut observed = 0.0;
    let diversity_start = world.economy().map_or(0.0, |e| e.knowledge_diversity());
    let mut observe = |w: &World| {
        let t = w.current_step();
        for ((k, arrival), first) in technologies.iter().zip(t10.iter_mut()) {
            if first.is_none() && t >= *arrival && w.adoption_share(TechId(*k)) >= 0.1 {
                *first = Some(t - arrival);
            }
        }
        if t50.is_none() && w.adoption_share(TechId(tech)) >= 0.5 {
            t50 = Some(t);
        }
        if let Some(e) = w.economy() {
            let o = e.observe(t);
            structure_sum += o.diagnosis[structure];
            degree_sum += o.indicators[mean_degree];
            served_sum += e.served_share();
            reach_sum += e.research_reach_share();
            observed += 1.0;
        }
    };
    observe(&world);
    world.run_until(steps, &mut observe);
    let mean = |sum: f64| if observed > 0.0 { sum / observed } else { 0.0 };
    let (innovations, welfare, fiscal, dispersion, demand, diversity_end, max_degree) =
        match world.economy() {
            Some(e) => {
                let totals = e.totals();
                let o = e.observe(steps);
                let (k_mean, k_sd) = (o.indicators[knowledge_mean], o.indicators[knowledge_sd]);
                let demand = o.diagnosis[market_demand];
                (
                    totals.innovations as f64,
                    totals.welfare,
                    totals.subsidy + totals.policy_cost,
                    if k_mean > 0.0 { k_sd / k_mean } else { 0.0 },
                    demand,
                    e.knowledge_diversity(),
                    e.network.max_degree as u32,
                )
            }
            None => (0.0, 0.0, 0.0, 0.0, 0.5, 0.0, 1),
        };
    RunOutcome {
        innovations,
        t50: f64::from(t50.unwrap_or(steps + 1)),
        knowledge_dispersion: dispersion,
        welfare,
        fiscal_cost: fiscal,
        symptoms: SymptomInputs {
            structure_score: mean(structure_sum),
            take_up: t10
                .into_iter()
                .zip(&technologies)
                .map(|(t, (_, arrival))| (t, steps - arrival))
                .collect(),
            mean_degree: mean(degree_sum),
            max_degree,
            served: mean(served_sum),
            research_reach: mean(reach_sum),
            market_demand: demand,
            diversity: (diversity_start, diversity_end),
        },
    }
}
