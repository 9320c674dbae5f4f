//! Variants of a scenario: a scenario's text with fields set or policies added, checked with
//! the seed of one replication. Sweeps, the policy lab and calibration build their runs here,
//! so every one of them seeds replication r the same way ([`replication_seed`]: common random
//! numbers across points, alternatives and candidates).

use clusterlab_model::scenario::{parse_scenario_text, validate, FirmCsv, Limits, Problems};
use clusterlab_model::Scenario;

pub use clusterlab_model::experiment::replication_seed;

/// Why a variant is not a scenario.
#[derive(Debug)]
pub enum VariantError {
    /// Its text does not parse as a scenario: every problem found (errors and warnings).
    Unreadable(Problems),
    /// It parses but fails the checks: the errors.
    Invalid(Problems),
}

impl std::fmt::Display for VariantError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VariantError::Unreadable(p) | VariantError::Invalid(p) => p.fmt(f),
        }
    }
}

/// Parses and checks a variant's `text` (named `source` in messages), with `seed` in place of
/// its own when given and its firm file's name and text when it reads one.
pub fn check_variant(
    text: &str,
    source: &str,
    seed: Option<u64>,
    firm_file: Option<&(String, String)>,
    limits: Limits,
) -> Result<Scenario, VariantError> {
    let mut parsed = parse_scenario_text(text, source).map_err(VariantError::Unreadable)?;
    if let Some(seed) = seed {
        parsed.file.seed = seed;
    }
    let csv = firm_file.map(|(source, text)| Ok(FirmCsv { source, text }));
    validate(&parsed, csv, limits)
        .map(|(scenario, _)| scenario)
        .map_err(|p| VariantError::Invalid(Problems(p.errors().cloned().collect())))
}

/// Appends `[[policy]]` tables to a scenario's TOML table, after those it has.
pub fn add_policies(table: &mut toml::Table, policies: impl IntoIterator<Item = toml::Table>) {
    let mut entries: Vec<toml::Value> = table
        .get("policy")
        .and_then(|p| p.as_array())
        .cloned()
        .unwrap_or_default();
    entries.extend(policies.into_iter().map(toml::Value::Table));
    if !entries.is_empty() {
        table.insert("policy".into(), toml::Value::Array(entries));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replications_of_neighbouring_seeds_never_coincide() {
        let seeds: std::collections::BTreeSet<u64> = (0..50u64)
            .flat_map(|seed| (0..50u32).map(move |r| replication_seed(seed, r)))
            .collect();
        assert_eq!(seeds.len(), 2500);
    }

    #[test]
    fn a_variant_takes_the_replication_seed_and_its_policies() {
        let mut table: toml::Table =
            "seed = 5\nprocesses = [\"market\", \"diffusion\"]\n[[policy]]\nname = \"rd-subsidy\"\n"
            .parse()
            .unwrap();
        let mut entry = toml::Table::new();
        entry.insert("name".into(), toml::Value::String("broker-network".into()));
        add_policies(&mut table, [entry]);
        let text = toml::to_string(&table).unwrap();
        let seed = replication_seed(5, 2);
        let scenario = check_variant(&text, "v", Some(seed), None, Limits::default()).unwrap();
        assert_eq!(scenario.seed(), seed);
        assert_eq!(table["policy"].as_array().unwrap().len(), 2);
        let bad = check_variant("steps = -1", "v", None, None, Limits::default()).unwrap_err();
        assert!(!bad.to_string().is_empty());
    }
}
