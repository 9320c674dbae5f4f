//! The ODD's parameter table against the scenario schema: every parameter of the economy has a
//! row giving its default, its unit and whether its value is published, calibrated or assumed,
//! so a referee can see where each number comes from, and a field added to the schema without
//! saying so fails here.

use clusterlab_model::scenario::{all_fields, economy::economy_fields};
use std::collections::BTreeSet;

/// The subsection of `docs/ODD.md` that holds the tables.
const HEADING: &str = "### Parameters: values, units and provenance";

/// The only words the provenance column may hold.
const PROVENANCE: [&str; 3] = ["published", "calibrated", "assumed"];

/// Sections of the economy's schema that are not parameters: a `[[policy]]` entry is an
/// instrument the user switches on, its strengths argued in `docs/policy.md`.
const NOT_PARAMETERS: [&str; 1] = ["policy[]"];

/// Fields of `[firms]` that only the economy reads (the rest place firms for the automaton).
const FIRM_ATTRIBUTES: [&str; 4] = [
    "firms.knowledge",
    "firms.rd_intensity",
    "firms.capital",
    "firms.openness",
];

fn section_of(path: &str) -> &str {
    path.split_once('.').map_or(path, |(section, _)| section)
}

/// The lines of the subsection under [`HEADING`], up to the next `## ` heading.
fn parameter_tables(odd: &str) -> Vec<&str> {
    odd.lines()
        .skip_while(|l| *l != HEADING)
        .skip(1)
        .take_while(|l| !l.starts_with("## "))
        .collect()
}

#[test]
fn odd_md_gives_every_economy_parameter_its_provenance() {
    let odd = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/ODD.md"),
    )
    .unwrap();
    let tables = parameter_tables(&odd);
    assert!(!tables.is_empty(), "docs/ODD.md has no '{HEADING}'");

    // The economy's sections are those its schema module declares, so a new section counts
    // from the moment it is listed in `economy_fields`.
    let sections: BTreeSet<&str> = economy_fields()
        .map(|f| section_of(f.path))
        .filter(|s| !NOT_PARAMETERS.contains(s))
        .collect();
    assert!(sections.contains("production") && sections.contains("demography"));
    let parameters: Vec<_> = all_fields()
        .filter(|f| sections.contains(section_of(f.path)) || FIRM_ATTRIBUTES.contains(&f.path))
        .collect();
    assert!(parameters.len() > 100, "{} parameters", parameters.len());

    let mut problems = Vec::new();
    for field in &parameters {
        let prefix = format!("| `{}` |", field.path);
        let rows: Vec<&&str> = tables.iter().filter(|l| l.starts_with(&prefix)).collect();
        let row = match rows.as_slice() {
            [row] => row,
            [] => {
                problems.push(format!("{}: no row", field.path));
                continue;
            }
            _ => {
                problems.push(format!("{}: {} rows", field.path, rows.len()));
                continue;
            }
        };
        // | `path` | default | unit | provenance | source or target |
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        if cells.len() != 7 || !cells[0].is_empty() || !cells[6].is_empty() {
            problems.push(format!(
                "{}: {} columns, not 5 (a '|' inside a cell?)",
                field.path,
                cells.len().saturating_sub(2)
            ));
            continue;
        }
        let (default, unit, provenance, source) = (cells[2], cells[3], cells[4], cells[5]);
        // Equal, not merely containing it: "11.0" contains "1.0".
        if default != field.default {
            problems.push(format!(
                "{}: default column '{default}' is not the schema's '{}'",
                field.path, field.default
            ));
        }
        if unit.is_empty() {
            problems.push(format!("{}: no unit", field.path));
        }
        if !PROVENANCE.contains(&provenance) {
            problems.push(format!(
                "{}: provenance '{provenance}' is not one of {PROVENANCE:?}",
                field.path
            ));
        }
        if source.is_empty() {
            problems.push(format!("{}: no source, target or argument", field.path));
        }
    }

    // The counts the ODD states are the rows' own.
    let count = |word: &str| {
        tables
            .iter()
            .filter(|l| l.starts_with("| `"))
            .filter(|l| l.split('|').nth(4).map(str::trim) == Some(word))
            .count()
    };
    let stated = format!(
        "Of the {} rows, **{} published, {} calibrated, {} assumed**.",
        parameters.len(),
        count("published"),
        count("calibrated"),
        count("assumed")
    );
    if !tables.iter().any(|l| l.starts_with(&stated)) {
        problems.push(format!("the counts are stated otherwise than '{stated}'"));
    }

    // A renamed or removed field must not leave its row behind.
    let known: BTreeSet<&str> = parameters.iter().map(|f| f.path).collect();
    for row in tables.iter().filter(|l| l.starts_with("| `")) {
        let path = row[3..].split('`').next().unwrap_or("");
        if !known.contains(path) {
            problems.push(format!(
                "row for `{path}`, which is not an economy parameter"
            ));
        }
    }

    assert!(
        problems.is_empty(),
        "docs/ODD.md, '{HEADING}':\n{}",
        problems.join("\n")
    );
}
