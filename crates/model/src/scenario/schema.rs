//! The scenario file as written: TOML sections with a documented default for every field.
//!
//! These types mirror the file one to one (`deny_unknown_fields` everywhere) and are echoed
//! into every run's summary. [`super::validate`] turns them into a checked [`super::Scenario`].

use super::economy::{
    DemographySection, DiagnosisSection, ExternalSection, GovernmentSection, InnovationSection,
    IntermediarySection, MarketSection, MobilitySection, NetworkSection, PolicySection,
    ProductionSection, ResearchBodySection, SpilloverSection, StrategySection,
};
pub use super::field_doc::FieldDoc;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// Every field of a scenario file, in file order: the reference `docs/scenario.md` is
/// checked against this table by a test.
pub const FIELDS: &[FieldDoc] = &[
    FieldDoc {
        path: "name",
        expected: "a string",
        default: "\"cluster\"",
        meaning: "a label for the scenario, echoed in summaries",
    },
    FieldDoc {
        path: "seed",
        expected: "a whole number from 0 to 2^64-1",
        default: "0",
        meaning: "the seed every random stream of a run derives from (`--seed` overrides it)",
    },
    FieldDoc {
        path: "steps",
        expected: "a whole number from 0 to 1000000",
        default: "100",
        meaning: "how many synchronous steps a run takes (`--steps` overrides it)",
    },
    FieldDoc {
        path: "period",
        expected: "`month`, `quarter` or `year`",
        default: "\"quarter\"",
        meaning: "the calendar time one step stands for: every rate \"per step\" is per this period, and annual statistics (growth, entry and exit rates) take this many steps per year",
    },
    FieldDoc {
        path: "processes",
        expected: "a list of process names from `market`, `rnd`, `spillover`, `mobility`, `network`, `strategy`, `diffusion`, `demography`",
        default: "[\"diffusion\"]",
        meaning: "which processes of the step run (always in the order of `docs/ODD.md`); the economy's need `market`",
    },
    FieldDoc {
        path: "region.width",
        expected: "a whole number of cells, at least 1",
        default: "100",
        meaning: "the region's grid width W",
    },
    FieldDoc {
        path: "region.height",
        expected: "a whole number of cells, at least 1",
        default: "100",
        meaning: "the region's grid height H",
    },
    FieldDoc {
        path: "region.boundary",
        expected: "`bounded` or `torus`",
        default: "\"bounded\"",
        meaning: "`bounded`: cells at the edge have fewer neighbours; `torus`: edges wrap around",
    },
    FieldDoc {
        path: "firms.density",
        expected: "a number in [0, 1]",
        default: "1.0",
        meaning: "the probability that a cell holds a firm (ignored when `firms.csv` is given)",
    },
    FieldDoc {
        path: "firms.csv",
        expected: "a path to a CSV file, relative to the scenario file",
        default: "none",
        meaning: "firm positions and attributes: columns `x`, `y` (0-based cells); optionally `absorptive_capacity`, `knowledge`, `rd_intensity`, `capital`, `openness`, `position`, `id`",
    },
    FieldDoc {
        path: "firms.absorptive_capacity",
        expected: "a number in [0, 1], or a table `{ min = A, max = B }` with 0 <= A <= B <= 1",
        default: "1.0",
        meaning: "each firm's absorptive capacity: fixed, or drawn uniformly from [min, max]; scales every adoption probability",
    },
    FieldDoc {
        path: "firms.knowledge",
        expected: "a number from 0 to 1e12, or a table `{ min = A, max = B }` inside it",
        default: "{ min = 0.5, max = 2.0 }",
        meaning: "each firm's knowledge stock at the start (with `processes` of the economy)",
    },
    FieldDoc {
        path: "firms.rd_intensity",
        expected: "a number in [0, 1], or a table `{ min = A, max = B }` inside [0, 1]",
        default: "0.03",
        meaning: "share of its revenue a firm spends on R&D (its R&D intensity), before rivalry raises it; the budget is at most what it can finance (its profit plus `production.borrowing` times its capital)",
    },
    FieldDoc {
        path: "firms.capital",
        expected: "a number from 0 to 1e12, or a table `{ min = A, max = B }` inside it",
        default: "20.0",
        meaning: "each firm's capital (liquid net worth) at the start; a firm whose losses take its capital below 0 exits",
    },
    FieldDoc {
        path: "firms.openness",
        expected: "a number in [0, 1], or a table `{ min = A, max = B }` inside [0, 1]",
        default: "0.5",
        meaning: "how willingly a firm shares: the chance per step that it shows its technologies and knowledge",
    },
    FieldDoc {
        path: "diffusion.neighbourhood",
        expected: "`von-neumann`, `moore`, `radius:R` (1 <= R <= 64) or `global`",
        default: "\"moore\"",
        meaning: "which firms a firm observes when deciding to adopt",
    },
    FieldDoc {
        path: "technology[].id",
        expected: "a string of letters, digits, `-`, `_` or `.`, unique in the scenario",
        default: "\"tech-N\" for the N-th technology",
        meaning: "the technology's name, used in output column names",
    },
    FieldDoc {
        path: "technology[].arrival",
        expected: "a whole number of steps, at least 0",
        default: "0",
        meaning: "the step at whose end the technology appears; firms may adopt it from the next step on",
    },
    FieldDoc {
        path: "technology[].p",
        expected: "a number in [0, 1]",
        default: "0.03",
        meaning: "external influence (innovation) rate: the per-step adoption probability without adopting neighbours",
    },
    FieldDoc {
        path: "technology[].q",
        expected: "a number in [0, 1]",
        default: "0.38",
        meaning: "imitation rate: per adopting neighbour (local neighbourhoods), or times the adoption share (`global`)",
    },
    FieldDoc {
        path: "technology[].seed_adopters",
        expected: "a whole number of firms, at least 0",
        default: "0",
        meaning: "firms chosen at random that adopt when the technology arrives",
    },
    FieldDoc {
        path: "technology[].seed_cells",
        expected: "a list of `[x, y]` cells inside the region",
        default: "[]",
        meaning: "cells whose firms adopt when the technology arrives (a cell without a firm gets one at the start)",
    },
    FieldDoc {
        path: "technology[].group",
        expected: "a string",
        default: "the technology's id",
        meaning: "technologies sharing a group compete: a firm holds at most one of them",
    },
    FieldDoc {
        path: "technology[].quality",
        expected: "a finite number",
        default: "1.0",
        meaning: "within a group, a firm switches only to a technology of strictly higher quality",
    },
    FieldDoc {
        path: "technology[].cost_gain",
        expected: "a number in [0, 1)",
        default: "0.0",
        meaning: "share by which holding the technology lowers a firm's unit cost (with `market`)",
    },
    FieldDoc {
        path: "technology[].adoption_cost",
        expected: "a number of at least 0",
        default: "0.0",
        meaning: "what adopting the technology costs a firm, paid from its capital: with `market`, a firm the automaton has informed adopts only when its expected saving over `production.adoption_horizon` steps covers this cost and it can pay it (0: every informed firm adopts, as in the pure automaton)",
    },
];

/// Every documented field: [`FIELDS`] and the economy's sections.
pub fn all_fields() -> impl Iterator<Item = &'static FieldDoc> {
    FIELDS.iter().chain(super::economy::economy_fields())
}

/// What the tables of the file hold, for problems with a table as a whole.
pub const SECTIONS: &[(&str, &str)] = &[
    (
        "region",
        "a table `[region]` with `width`, `height`, `boundary`",
    ),
    (
        "firms",
        "a table `[firms]` with `density`, `csv`, `absorptive_capacity`",
    ),
    ("diffusion", "a table `[diffusion]` with `neighbourhood`"),
    ("technology", "tables `[[technology]]`, one per technology"),
    (
        "technology[]",
        "a table `[[technology]]` with `id`, `p`, `q`, ...",
    ),
];

/// The expected value of the field at `path` (array indices stripped), if documented.
pub fn expected_of(path: &str) -> Option<&'static str> {
    let mut normalised = String::with_capacity(path.len());
    let mut in_index = false;
    for ch in path.chars() {
        match ch {
            '[' => {
                in_index = true;
                normalised.push('[');
            }
            ']' => {
                in_index = false;
                normalised.push(']');
            }
            _ if in_index => {}
            _ => normalised.push(ch),
        }
    }
    // An element of a list field is described by the list's entry.
    let mut key = normalised.as_str();
    loop {
        if let Some(f) = all_fields().find(|f| f.path == key) {
            return Some(f.expected);
        }
        if let Some((_, expected)) = SECTIONS.iter().find(|(p, _)| *p == key) {
            return Some(expected);
        }
        key = key.strip_suffix("[]")?;
    }
}

fn default_name() -> String {
    "cluster".to_string()
}
fn default_period() -> String {
    "quarter".to_string()
}
fn default_steps() -> u32 {
    100
}
fn default_side() -> u32 {
    100
}
fn default_boundary() -> String {
    "bounded".to_string()
}
fn default_density() -> f64 {
    1.0
}
fn default_neighbourhood() -> String {
    "moore".to_string()
}
fn default_p() -> f64 {
    0.03
}
fn default_q() -> f64 {
    0.38
}
fn default_quality() -> f64 {
    1.0
}
fn default_processes() -> Vec<String> {
    vec!["diffusion".to_string()]
}
fn default_knowledge() -> ValueSpec {
    ValueSpec::Range { min: 0.5, max: 2.0 }
}
fn default_rd_intensity() -> ValueSpec {
    ValueSpec::Fixed(0.03)
}
fn default_capital() -> ValueSpec {
    ValueSpec::Fixed(20.0)
}
fn default_openness() -> ValueSpec {
    ValueSpec::Fixed(0.5)
}
fn default_technologies() -> Vec<TechnologySection> {
    vec![TechnologySection::default()]
}

/// A whole scenario file.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// See [`FIELDS`]: `name`.
    #[serde(default = "default_name")]
    pub name: String,
    /// See [`FIELDS`]: `seed`.
    #[serde(default)]
    pub seed: u64,
    /// See [`FIELDS`]: `steps`.
    #[serde(default = "default_steps")]
    pub steps: u32,
    /// See [`FIELDS`]: `period`.
    #[serde(default = "default_period")]
    pub period: String,
    /// See [`FIELDS`]: `processes`.
    #[serde(default = "default_processes")]
    pub processes: Vec<String>,
    /// The `[region]` table.
    #[serde(default)]
    pub region: RegionSection,
    /// The `[firms]` table.
    #[serde(default)]
    pub firms: FirmsSection,
    /// The `[diffusion]` table.
    #[serde(default)]
    pub diffusion: DiffusionSection,
    /// The `[[technology]]` array of tables.
    #[serde(default = "default_technologies", rename = "technology")]
    pub technologies: Vec<TechnologySection>,
    /// `[production]`.
    #[serde(default)]
    pub production: ProductionSection,
    /// `[market]`.
    #[serde(default)]
    pub market: MarketSection,
    /// `[innovation]`.
    #[serde(default)]
    pub innovation: InnovationSection,
    /// `[spillover]`.
    #[serde(default)]
    pub spillover: SpilloverSection,
    /// `[mobility]`.
    #[serde(default)]
    pub mobility: MobilitySection,
    /// `[network]`.
    #[serde(default)]
    pub network: NetworkSection,
    /// `[government]`.
    #[serde(default)]
    pub government: GovernmentSection,
    /// `[demography]`.
    #[serde(default)]
    pub demography: DemographySection,
    /// `[external]`.
    #[serde(default)]
    pub external: ExternalSection,
    /// `[strategy]`.
    #[serde(default)]
    pub strategy: StrategySection,
    /// `[diagnosis]`.
    #[serde(default)]
    pub diagnosis: DiagnosisSection,
    /// `[[research_body]]`.
    #[serde(default, rename = "research_body")]
    pub research_bodies: Vec<ResearchBodySection>,
    /// `[[intermediary]]`.
    #[serde(default, rename = "intermediary")]
    pub intermediaries: Vec<IntermediarySection>,
    /// `[[policy]]`.
    #[serde(default, rename = "policy")]
    pub policies: Vec<PolicySection>,
}

impl Default for ScenarioFile {
    fn default() -> Self {
        ScenarioFile {
            name: default_name(),
            seed: 0,
            steps: default_steps(),
            period: default_period(),
            processes: default_processes(),
            region: RegionSection::default(),
            firms: FirmsSection::default(),
            diffusion: DiffusionSection::default(),
            technologies: default_technologies(),
            production: ProductionSection::default(),
            market: MarketSection::default(),
            innovation: InnovationSection::default(),
            spillover: SpilloverSection::default(),
            mobility: MobilitySection::default(),
            network: NetworkSection::default(),
            government: GovernmentSection::default(),
            demography: DemographySection::default(),
            external: ExternalSection::default(),
            strategy: StrategySection::default(),
            diagnosis: DiagnosisSection::default(),
            research_bodies: Vec::new(),
            intermediaries: Vec::new(),
            policies: Vec::new(),
        }
    }
}

/// `[region]`: the grid of cells.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RegionSection {
    /// Grid width in cells.
    #[serde(default = "default_side")]
    pub width: u32,
    /// Grid height in cells.
    #[serde(default = "default_side")]
    pub height: u32,
    /// `bounded` or `torus`.
    #[serde(default = "default_boundary")]
    pub boundary: String,
}

impl Default for RegionSection {
    fn default() -> Self {
        RegionSection {
            width: default_side(),
            height: default_side(),
            boundary: default_boundary(),
        }
    }
}

/// `[firms]`: where firms sit and what they can absorb.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FirmsSection {
    /// Probability that a cell holds a firm.
    #[serde(default = "default_density")]
    pub density: f64,
    /// A firm CSV, relative to the scenario file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csv: Option<String>,
    /// Fixed or uniformly drawn absorptive capacity.
    #[serde(default)]
    pub absorptive_capacity: ValueSpec,
    /// Knowledge stock at the start.
    #[serde(default = "default_knowledge")]
    pub knowledge: ValueSpec,
    /// Share of profit spent on R&D.
    #[serde(default = "default_rd_intensity")]
    pub rd_intensity: ValueSpec,
    /// Capital at the start.
    #[serde(default = "default_capital")]
    pub capital: ValueSpec,
    /// Chance per step of showing technologies and knowledge.
    #[serde(default = "default_openness")]
    pub openness: ValueSpec,
}

impl Default for FirmsSection {
    fn default() -> Self {
        FirmsSection {
            density: default_density(),
            csv: None,
            absorptive_capacity: ValueSpec::default(),
            knowledge: default_knowledge(),
            rd_intensity: default_rd_intensity(),
            capital: default_capital(),
            openness: default_openness(),
        }
    }
}

/// A firm attribute as written: a number for every firm, or a `{ min, max }` range each firm
/// draws from uniformly.
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
#[serde(untagged)]
pub enum ValueSpec {
    /// Every firm has this value.
    Fixed(f64),
    /// Each firm draws its value uniformly from `[min, max]`.
    Range {
        /// Lower end.
        min: f64,
        /// Upper end.
        max: f64,
    },
}

impl Default for ValueSpec {
    fn default() -> Self {
        ValueSpec::Fixed(1.0)
    }
}

impl<'de> Deserialize<'de> for ValueSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CapacityVisitor;
        impl<'de> Visitor<'de> for CapacityVisitor {
            type Value = ValueSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number or a table { min = A, max = B }")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<ValueSpec, E> {
                Ok(ValueSpec::Fixed(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ValueSpec, E> {
                Ok(ValueSpec::Fixed(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ValueSpec, E> {
                Ok(ValueSpec::Fixed(v as f64))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ValueSpec, A::Error> {
                let (mut min, mut max) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "min" => min = Some(map.next_value::<f64>()?),
                        "max" => max = Some(map.next_value::<f64>()?),
                        other => return Err(de::Error::unknown_field(other, &["min", "max"])),
                    }
                }
                match (min, max) {
                    (Some(min), Some(max)) => Ok(ValueSpec::Range { min, max }),
                    (None, _) => Err(de::Error::missing_field("min")),
                    (_, None) => Err(de::Error::missing_field("max")),
                }
            }
        }
        deserializer.deserialize_any(CapacityVisitor)
    }
}

/// `[diffusion]`: the automaton's settings.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DiffusionSection {
    /// `von-neumann`, `moore`, `radius:R` or `global`.
    #[serde(default = "default_neighbourhood")]
    pub neighbourhood: String,
}

impl Default for DiffusionSection {
    fn default() -> Self {
        DiffusionSection {
            neighbourhood: default_neighbourhood(),
        }
    }
}

/// One `[[technology]]`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TechnologySection {
    /// Name; `tech-N` when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Step at whose end it appears.
    #[serde(default)]
    pub arrival: u32,
    /// External-influence rate.
    #[serde(default = "default_p")]
    pub p: f64,
    /// Imitation rate.
    #[serde(default = "default_q")]
    pub q: f64,
    /// Random firms that adopt on arrival.
    #[serde(default)]
    pub seed_adopters: u64,
    /// Cells whose firms adopt on arrival.
    #[serde(default)]
    pub seed_cells: Vec<Vec<u32>>,
    /// Competition group; its own id when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Quality ranking within the group.
    #[serde(default = "default_quality")]
    pub quality: f64,
    /// Unit-cost reduction for holders.
    #[serde(default)]
    pub cost_gain: f64,
    /// What adopting it costs a firm.
    #[serde(default)]
    pub adoption_cost: f64,
}

impl Default for TechnologySection {
    fn default() -> Self {
        TechnologySection {
            id: None,
            arrival: 0,
            p: default_p(),
            q: default_q(),
            seed_adopters: 0,
            seed_cells: Vec::new(),
            group: None,
            quality: default_quality(),
            cost_gain: 0.0,
            adoption_cost: 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_of_strips_indices() {
        assert_eq!(expected_of("technology[3].p"), Some("a number in [0, 1]"));
        assert_eq!(expected_of("region.width"), expected_of("region.height"));
        assert_eq!(expected_of("nonsense"), None);
        assert_eq!(
            expected_of("technology[2].seed_cells[0][1]"),
            expected_of("technology[].seed_cells")
        );
    }

    #[test]
    fn every_struct_field_is_documented() {
        // Serialising a fully populated file lists every key the parser accepts.
        let mut file = ScenarioFile::default();
        file.firms.csv = Some("f.csv".into());
        file.technologies[0].id = Some("t".into());
        file.technologies[0].group = Some("g".into());
        file.research_bodies.push(Default::default());
        file.intermediaries.push(Default::default());
        file.policies.push(Default::default());
        let value = serde_json::to_value(&file).unwrap();
        let mut paths = Vec::new();
        collect_paths(&value, "", &mut paths);
        for p in paths {
            assert!(
                all_fields().any(|f| f.path == p),
                "field `{p}` has no FieldDoc"
            );
        }
    }

    fn collect_paths(v: &serde_json::Value, prefix: &str, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let p = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    // Leaves and attribute ranges count as fields.
                    let attributes = [
                        "absorptive_capacity",
                        "knowledge",
                        "rd_intensity",
                        "capital",
                        "openness",
                    ];
                    if attributes.contains(&k.as_str()) || !v.is_object() && !v.is_array() {
                        out.push(p);
                    } else if ["technology", "research_body", "intermediary", "policy"]
                        .contains(&k.as_str())
                    {
                        collect_paths(&v[0], &format!("{k}[]"), out);
                    } else if v.is_array() {
                        out.push(p);
                    } else {
                        collect_paths(v, &p, out);
                    }
                }
            }
            _ => out.push(prefix.to_string()),
        }
    }
}
