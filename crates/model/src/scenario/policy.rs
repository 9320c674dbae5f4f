//! The policies a scenario can name (the failure → response table and the instruments of the
//! diffusion game) and what each does to the economy's parameters, to technologies' `p` and
//! to firms' openness. [`crate::policy`] re-exports them beside the diagnosis and outcomes of
//! a run; see `docs/ODD.md` (S18) and `docs/policy.md`.

use super::EconomyConfig;

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

/// A policy the lab can apply: one variant per row of [`POLICIES`], in table order. Every
/// dispatch on a policy is an exhaustive `match`, so a new variant cannot be forgotten.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Policy {
    /// `competition-reform`: reform competition rules and regulation.
    CompetitionReform,
    /// `market-intelligence`: gather strategic market information; strategic cluster studies.
    MarketIntelligence,
    /// `diffusion-coordination`: the government as coordinator of diffusion strategies.
    DiffusionCoordination,
    /// `broker-network`: brokers and network agents; networking programmes; platforms for dialogue.
    BrokerNetwork,
    /// `technology-transfer`: technology-transfer programmes; industry–research centres of excellence.
    TechnologyTransfer,
    /// `generic-technology`: public (generic, common) technology platforms.
    GenericTechnology,
    /// `public-procurement`: public procurement policy.
    PublicProcurement,
    /// `rd-subsidy`: R&D subsidy (structural incentives for innovation).
    RdSubsidy,
    /// `venture-capital`: venture capital.
    VentureCapital,
    /// `global-pipelines`: join global value chains; ties to knowledge outside the cluster.
    GlobalPipelines,
    /// `talent-attraction`: human-capital development; talent attraction.
    TalentAttraction,
}

impl Policy {
    /// Every policy, in the order of the table.
    pub const ALL: [Policy; 11] = [
        Policy::CompetitionReform,
        Policy::MarketIntelligence,
        Policy::DiffusionCoordination,
        Policy::BrokerNetwork,
        Policy::TechnologyTransfer,
        Policy::GenericTechnology,
        Policy::PublicProcurement,
        Policy::RdSubsidy,
        Policy::VentureCapital,
        Policy::GlobalPipelines,
        Policy::TalentAttraction,
    ];

    /// Its row of the table.
    pub fn def(self) -> &'static PolicyDef {
        &POLICIES[self as usize]
    }

    /// Its name in scenarios and on the command line.
    pub fn name(self) -> &'static str {
        self.def().name
    }

    /// The policy named `name`.
    pub fn from_name(name: &str) -> Option<Policy> {
        Policy::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Whether its strength must stay below 1 (it is a share or a probability).
    pub fn strength_below_one(self) -> bool {
        match self {
            Policy::DiffusionCoordination | Policy::GenericTechnology => true,
            Policy::CompetitionReform
            | Policy::MarketIntelligence
            | Policy::BrokerNetwork
            | Policy::TechnologyTransfer
            | Policy::PublicProcurement
            | Policy::RdSubsidy
            | Policy::VentureCapital
            | Policy::GlobalPipelines
            | Policy::TalentAttraction => false,
        }
    }
}

/// A policy's row of the table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PolicyDef {
    /// The policy it describes.
    pub policy: Policy,
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
        policy: Policy::CompetitionReform,
        name: "competition-reform",
        failure: Failure::MarketFunction,
        response: "reform competition rules and regulation",
        mechanism: "the fixed cost every firm pays is divided by 1 + s, and spin-offs and would-be entrants are (1 + s/2) times as frequent (lower barriers to entry)",
        default_strength: 1.0,
        default_cost: 5.0,
        source: "Den Hertog et al.",
    },
    PolicyDef {
        policy: Policy::MarketIntelligence,
        name: "market-intelligence",
        failure: Failure::Information,
        response: "gather strategic market information; strategic cluster studies",
        mechanism: "every technology's external influence p is multiplied by 1 + s",
        default_strength: 2.0,
        default_cost: 10.0,
        source: "Den Hertog et al.",
    },
    PolicyDef {
        policy: Policy::DiffusionCoordination,
        name: "diffusion-coordination",
        failure: Failure::Information,
        response: "the government as coordinator of diffusion strategies",
        mechanism: "every firm's openness o becomes 1 − (1 − o)(1 − s): firms show their technologies and knowledge more",
        default_strength: 0.5,
        default_cost: 20.0,
        source: "Kuang & Zhang (the diffusion game)",
    },
    PolicyDef {
        policy: Policy::BrokerNetwork,
        name: "broker-network",
        failure: Failure::LimitedInteraction,
        response: "brokers and network agents; networking programmes; platforms for dialogue",
        mechanism: "tie formation is multiplied by 1 + s, and ties (used or not) dissolve 1 + s times less often",
        default_strength: 1.0,
        default_cost: 10.0,
        source: "Den Hertog et al.",
    },
    PolicyDef {
        policy: Policy::TechnologyTransfer,
        name: "technology-transfer",
        failure: Failure::KnowledgeMismatch,
        response: "technology-transfer programmes; industry–research centres of excellence",
        mechanism: "research bodies' weight as knowledge sources and their funding are multiplied by 1 + s",
        default_strength: 1.0,
        default_cost: 15.0,
        source: "Den Hertog et al.",
    },
    PolicyDef {
        policy: Policy::GenericTechnology,
        name: "generic-technology",
        failure: Failure::KnowledgeMismatch,
        response: "public (generic, common) technology platforms",
        mechanism: "the unit cost of a firm without knowledge (cost_ceiling) falls by the share s: the laggards gain most",
        default_strength: 0.1,
        default_cost: 30.0,
        source: "domain.md 2.3; Wang (development zones)",
    },
    PolicyDef {
        policy: Policy::PublicProcurement,
        name: "public-procurement",
        failure: Failure::WeakDemand,
        response: "public procurement policy",
        mechanism: "the local market's size is multiplied by 1 + s; the government pays for its share s/(1 + s) of local sales",
        default_strength: 0.3,
        default_cost: 0.0,
        source: "Den Hertog et al.",
    },
    PolicyDef {
        policy: Policy::RdSubsidy,
        name: "rd-subsidy",
        failure: Failure::MarketFunction,
        response: "R&D subsidy (structural incentives for innovation)",
        mechanism: "the subsidy per unit of own R&D is raised to s and the budget by the policy's cost per step; it costs the subsidies paid",
        default_strength: 0.5,
        default_cost: 50.0,
        source: "Thomas et al.",
    },
    PolicyDef {
        policy: Policy::VentureCapital,
        name: "venture-capital",
        failure: Failure::LockIn,
        response: "venture capital",
        mechanism: "spin-offs are (1 + s) times as frequent and start with (1 + s) times the capital, and (1 + s) times as many would-be entrants try (funded start-ups)",
        default_strength: 1.0,
        default_cost: 20.0,
        source: "Thomas et al.",
    },
    PolicyDef {
        policy: Policy::GlobalPipelines,
        name: "global-pipelines",
        failure: Failure::LockIn,
        response: "join global value chains; ties to knowledge outside the cluster",
        mechanism: "the share of firms with ties outside rises by s (at most all), and pipeline firms learn from outside at least at the rate 0.1",
        default_strength: 0.5,
        default_cost: 20.0,
        source: "Chen; Bathelt, Malmberg & Maskell",
    },
    PolicyDef {
        policy: Policy::TalentAttraction,
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
    Policy::from_name(name).map(Policy::def)
}

/// A policy applied in a run: which, how strongly, when, at what cost.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AppliedPolicy {
    /// The policy.
    pub policy: Policy,
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
    /// The policy's row of the table.
    pub fn def(&self) -> &'static PolicyDef {
        self.policy.def()
    }

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
        match p.policy {
            Policy::CompetitionReform => {
                c.production.fixed_cost /= 1.0 + s;
                c.demography.spinoff_rate = (c.demography.spinoff_rate * (1.0 + s / 2.0)).min(1.0);
                // Lower barriers to entry: more would-be entrants try.
                c.demography.entry_rate = (c.demography.entry_rate * (1.0 + s / 2.0)).min(1.0);
            }
            Policy::BrokerNetwork => {
                c.network.formation = (c.network.formation * (1.0 + s)).min(1.0);
                c.network.decay /= 1.0 + s;
                c.network.used_decay /= 1.0 + s;
            }
            Policy::TechnologyTransfer => {
                for r in &mut c.research_bodies {
                    r.weight *= 1.0 + s;
                    r.funding *= 1.0 + s;
                }
            }
            Policy::GenericTechnology => {
                let p = &mut c.production;
                p.cost_ceiling = (p.cost_ceiling * (1.0 - s)).max(p.cost_floor);
            }
            Policy::PublicProcurement => c.market.size *= 1.0 + s,
            Policy::RdSubsidy => {
                c.government.rd_subsidy = c.government.rd_subsidy.max(s);
                c.government.budget += p.cost_per_step;
            }
            Policy::VentureCapital => {
                c.demography.spinoff_rate = (c.demography.spinoff_rate * (1.0 + s)).min(1.0);
                c.demography.entry_capital *= 1.0 + s;
                // Funded start-ups: more would-be entrants try.
                c.demography.entry_rate = (c.demography.entry_rate * (1.0 + s)).min(1.0);
                c.demography.entrants = (c.demography.entrants * (1.0 + s)).min(1000.0);
            }
            Policy::GlobalPipelines => {
                let e = &mut c.external;
                e.pipeline_share = (e.pipeline_share + s).min(1.0);
                e.outside_learning = e.outside_learning.max(0.1);
            }
            Policy::TalentAttraction => {
                c.mobility.rate = (c.mobility.rate * (1.0 + s)).min(1.0);
                c.mobility.transfer = (c.mobility.transfer * (1.0 + s / 2.0)).min(1.0);
            }
            // Acting outside the economy's parameters: technologies' p (the world) and
            // openness (the firms).
            Policy::MarketIntelligence | Policy::DiffusionCoordination => {}
        }
    }
    c
}

/// The multiplier of every technology's `p` under the active policies.
pub fn p_factor(active: &[AppliedPolicy]) -> f64 {
    active
        .iter()
        .filter_map(|p| match p.policy {
            Policy::MarketIntelligence => Some(1.0 + p.strength),
            Policy::CompetitionReform
            | Policy::DiffusionCoordination
            | Policy::BrokerNetwork
            | Policy::TechnologyTransfer
            | Policy::GenericTechnology
            | Policy::PublicProcurement
            | Policy::RdSubsidy
            | Policy::VentureCapital
            | Policy::GlobalPipelines
            | Policy::TalentAttraction => None,
        })
        .product()
}

/// The openness boost `s` of diffusion coordination (combined: 1 − Π(1 − s)).
pub fn openness_boost(active: &[AppliedPolicy]) -> f64 {
    1.0 - active
        .iter()
        .filter_map(|p| match p.policy {
            Policy::DiffusionCoordination => Some(1.0 - p.strength.min(1.0)),
            Policy::CompetitionReform
            | Policy::MarketIntelligence
            | Policy::BrokerNetwork
            | Policy::TechnologyTransfer
            | Policy::GenericTechnology
            | Policy::PublicProcurement
            | Policy::RdSubsidy
            | Policy::VentureCapital
            | Policy::GlobalPipelines
            | Policy::TalentAttraction => None,
        })
        .product::<f64>()
}
