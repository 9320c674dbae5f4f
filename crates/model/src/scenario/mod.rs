//! Scenarios: what a user describes, checked before anything runs.
//!
//! A scenario arrives as TOML text ([`parse_scenario_text`]) and, optionally, the text of a
//! firm CSV ([`FirmCsv`]); [`validate`] checks every field and returns either a [`Scenario`]
//! — the only way to build a [`crate::World`] — or every [`Problem`] found, each naming the
//! source, line, field and expected value. This module reads text handed to it and never
//! touches the file system.

mod checker;
pub mod economy;
mod field_doc;
mod firm_csv;
pub mod policy;
pub mod schema;
mod toml_text;
mod validate;

pub use firm_csv::FirmCsv;
pub use schema::{all_fields, ScenarioFile, TechnologySection, ValueSpec, FIELDS};
pub use toml_text::{parse_scenario_text, parse_toml, LineIndex, Parsed, ParsedScenario};
pub use validate::{human_bytes, validate, Limits, MAX_GROUP_SIZE, MAX_TECHNOLOGIES};

mod validate_economy;
pub(crate) use validate_economy::MAX_STOCK;

pub use crate::grid::{Boundary, Region};
pub use crate::hint::did_you_mean;
use crate::neighbourhood::Neighbourhood;
pub use crate::schedule::{Process, Processes};
use std::fmt;

/// The most steps a run may take.
pub const MAX_STEPS: u32 = 1_000_000;

/// One thing wrong (or worth a warning) in a scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Which text it is in: a file name, or a command-line option.
    pub source: String,
    /// 1-based line, where known.
    pub line: Option<usize>,
    /// The field's path, such as `technology[1].p`; empty for syntax errors.
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
    /// A warning does not stop the scenario from running.
    pub warning: bool,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.warning {
            f.write_str("warning: ")?;
        }
        f.write_str(&self.source)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.field.is_empty() {
            write!(f, ": {}", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found in a scenario, errors and warnings together.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// Whether any problem is an error (not only warnings).
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|p| !p.warning)
    }

    /// The errors.
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter().filter(|p| !p.warning)
    }

    /// The warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter().filter(|p| p.warning)
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

/// The calendar time one step stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Period {
    /// A month: twelve steps a year.
    Month,
    /// A quarter: four steps a year (the default).
    Quarter,
    /// A year.
    Year,
}

impl Period {
    /// The names a scenario uses.
    pub const NAMES: [&'static str; 3] = ["month", "quarter", "year"];

    /// The period named `name`, if any.
    pub fn parse(name: &str) -> Option<Period> {
        match name {
            "month" => Some(Period::Month),
            "quarter" => Some(Period::Quarter),
            "year" => Some(Period::Year),
            _ => None,
        }
    }

    /// Its name in a scenario.
    pub fn name(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
        }
    }

    /// Steps per year.
    pub fn steps_per_year(self) -> u32 {
        match self {
            Period::Month => 12,
            Period::Quarter => 4,
            Period::Year => 1,
        }
    }
}

/// A firm attribute at the start: the same for every firm, or drawn per firm.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Attribute {
    /// The same for every firm.
    Fixed(f64),
    /// Drawn uniformly from `[min, max]` per firm.
    Uniform {
        /// Lower end.
        min: f64,
        /// Upper end.
        max: f64,
    },
}

impl Attribute {
    /// The value for uniform draw `u` in [0, 1).
    pub fn at(self, u: f64) -> f64 {
        match self {
            Attribute::Fixed(v) => v,
            Attribute::Uniform { min, max } => min + (max - min) * u,
        }
    }

    /// The middle of the attribute's values.
    pub fn mean(self) -> f64 {
        self.at(0.5)
    }
}

/// A firm's absorptive capacity (Cohen & Levinthal 1990): the share of what reaches it that
/// it can take in. Scales every adoption probability.
pub type Capacity = Attribute;

/// Firms' economic attributes at the start.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FirmAttributes {
    /// Knowledge stock.
    pub knowledge: Attribute,
    /// Share of profit spent on R&D.
    pub rd_intensity: Attribute,
    /// Capital.
    pub capital: Attribute,
    /// Chance per step of showing technologies and knowledge.
    pub openness: Attribute,
}

/// The checked parameters of the cluster's economy (see `docs/scenario.md`).
#[derive(Clone, Debug, PartialEq)]
pub struct EconomyConfig {
    /// The technological frontier at the start: `innovation.frontier` or its default.
    pub frontier: f64,
    /// Firms' attributes at the start.
    pub attributes: FirmAttributes,
    /// `[production]`.
    pub production: economy::ProductionSection,
    /// `[market]`.
    pub market: economy::MarketSection,
    /// `[innovation]`.
    pub innovation: economy::InnovationSection,
    /// `[spillover]`.
    pub spillover: economy::SpilloverSection,
    /// `[mobility]`.
    pub mobility: economy::MobilitySection,
    /// `[network]`.
    pub network: economy::NetworkSection,
    /// `[government]`.
    pub government: economy::GovernmentSection,
    /// `[demography]`.
    pub demography: economy::DemographySection,
    /// `[[research_body]]`.
    pub research_bodies: Vec<economy::ResearchBodySection>,
    /// `[[intermediary]]`.
    pub intermediaries: Vec<economy::IntermediarySection>,
    /// `[external]`.
    pub external: economy::ExternalSection,
    /// `[strategy]`.
    pub strategy: economy::StrategySection,
    /// The policies applied, checked, in file order.
    pub policies: Vec<policy::AppliedPolicy>,
    /// The weights of the six dynamic factors, checked and normalised.
    pub diagnosis: DiagnosisWeights,
}

/// How the six dynamic factors combine, checked and normalised.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DiagnosisWeights {
    /// Knowledge capital, co-opetition, market demand (summing to 1).
    pub core: [f64; 3],
    /// Social capital, intermediary organisations, local government (summing to 1).
    pub auxiliary: [f64; 3],
    /// Weight of the core subsystem in the innovation-dynamics index.
    pub core_share: f64,
    /// Whether the weights within each subsystem are entropy weights over the steps so far
    /// (`core` and `auxiliary` then serve only as the step-0 weights, equal).
    pub entropy: bool,
}

/// A firm read from a firm CSV.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FirmRecord {
    /// Column, 0-based from the left.
    pub x: u32,
    /// Row, 0-based from the top.
    pub y: u32,
    /// In [0, 1].
    pub absorptive_capacity: f64,
    /// Knowledge stock, if the file gives it.
    pub knowledge: Option<f64>,
    /// R&D intensity, if the file gives it.
    pub rd_intensity: Option<f64>,
    /// Capital, if the file gives it.
    pub capital: Option<f64>,
    /// Openness, if the file gives it.
    pub openness: Option<f64>,
    /// Knowledge position, if the file gives it.
    pub position: Option<f64>,
}

/// Where the firms are.
#[derive(Clone, Debug, PartialEq)]
pub enum FirmPlacement {
    /// Each cell holds a firm with probability `density`.
    Density {
        /// In [0, 1].
        density: f64,
        /// Capacity of the placed firms.
        capacity: Capacity,
    },
    /// Exactly these firms.
    Listed {
        /// At most one per cell.
        firms: Vec<FirmRecord>,
        /// Capacity of a firm placed later on an empty seed cell.
        default_capacity: f64,
    },
}

/// A technology that may spread through the cluster.
#[derive(Clone, Debug, PartialEq)]
pub struct Technology {
    /// Unique name.
    pub id: String,
    /// Competition group: a firm holds at most one technology of a group.
    pub group: String,
    /// Step at whose end it appears.
    pub arrival: u32,
    /// External-influence rate, in [0, 1].
    pub p: f64,
    /// Imitation rate, in [0, 1].
    pub q: f64,
    /// Ranking within the group; firms switch only to strictly higher quality.
    pub quality: f64,
    /// Random firms that adopt on arrival.
    pub seed_adopters: u64,
    /// Cells whose firms adopt on arrival.
    pub seed_cells: Vec<(u32, u32)>,
    /// Share by which holding it lowers unit cost.
    pub cost_gain: f64,
    /// What adopting it costs a firm (0: adoption is free).
    pub adoption_cost: f64,
    /// Created by a radical innovation during the run (its `arrival` is then unknown).
    pub radical: bool,
}

/// A checked scenario: building a [`crate::World`] from it cannot fail.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub(crate) name: String,
    pub(crate) seed: u64,
    pub(crate) steps: u32,
    pub(crate) period: Period,
    pub(crate) region: Region,
    pub(crate) firms: FirmPlacement,
    pub(crate) neighbourhood: Neighbourhood,
    pub(crate) technologies: Vec<Technology>,
    pub(crate) processes: Processes,
    pub(crate) economy: EconomyConfig,
    pub(crate) file: ScenarioFile,
}

impl Scenario {
    /// The scenario's label.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The seed runs use unless told otherwise.
    pub fn seed(&self) -> u64 {
        self.seed
    }
    /// Steps per run.
    pub fn steps(&self) -> u32 {
        self.steps
    }
    /// The calendar time a step stands for.
    pub fn period(&self) -> Period {
        self.period
    }
    /// The grid.
    pub fn region(&self) -> Region {
        self.region
    }
    /// Firm placement.
    pub fn firms(&self) -> &FirmPlacement {
        &self.firms
    }
    /// The diffusion neighbourhood.
    pub fn neighbourhood(&self) -> Neighbourhood {
        self.neighbourhood
    }
    /// The technologies, in file order.
    pub fn technologies(&self) -> &[Technology] {
        &self.technologies
    }
    /// Which processes run.
    pub fn processes(&self) -> Processes {
        self.processes
    }
    /// The economy's parameters (used when [`Processes::economy`]).
    pub fn economy(&self) -> &EconomyConfig {
        &self.economy
    }
    /// The scenario as written, with every default filled in: for echoing into results.
    pub fn as_written(&self) -> &ScenarioFile {
        &self.file
    }

    /// The same scenario with another seed.
    pub fn with_seed(mut self, seed: u64) -> Scenario {
        self.seed = seed;
        self.file.seed = seed;
        self
    }
}
