//! The scenarios the dashboard offers: the bundled examples and those uploaded into the data
//! folder, the key parameters it shows as sliders, and a scenario with the sliders applied,
//! checked as `clusterlab run` checks it plus the server's own size limit.

use clusterlab_lab::load::{load_scenario_text, machine_limits, Loaded, Overrides};
use clusterlab_model::experiment::{set_at, value_at};
use serde::Serialize;
use std::path::Path;

/// The bundled examples the dashboard lists (those with no firm file beside them).
pub const BUNDLED: [(&str, &str); 9] = [
    ("default", include_str!("../../../examples/default.toml")),
    (
        "competing-standards",
        include_str!("../../../examples/competing-standards.toml"),
    ),
    (
        "bass-global",
        include_str!("../../../examples/bass-global.toml"),
    ),
    (
        "lifecycle",
        include_str!("../../../examples/lifecycle.toml"),
    ),
    ("klepper", include_str!("../../../examples/klepper.toml")),
    (
        "evolving-cluster",
        include_str!("../../../examples/game/evolving-cluster.toml"),
    ),
    (
        "policy-advanced",
        include_str!("../../../examples/policy/advanced.toml"),
    ),
    (
        "policy-ordinary",
        include_str!("../../../examples/policy/ordinary.toml"),
    ),
    (
        "policy-lagging",
        include_str!("../../../examples/policy/lagging.toml"),
    ),
];

/// Where uploaded scenarios are kept, inside the data folder.
pub const UPLOADS: &str = "scenarios";

/// A scenario name the dashboard accepts: 1–64 letters, digits, `-` and `_`. Anything else
/// (a path, `..`) is refused, so a name never leaves the data folder.
pub fn valid_name(name: &str) -> bool {
    super::plain_name(name, 64, false)
}

/// One entry of the scenario list.
#[derive(Serialize)]
pub struct Listed {
    /// Its name.
    pub name: String,
    /// `bundled` or `uploaded`.
    pub origin: &'static str,
}

/// Every scenario: the bundled ones, then the uploaded ones by name.
pub fn list(data: &Path) -> Vec<Listed> {
    let mut out: Vec<Listed> = BUNDLED
        .iter()
        .map(|(name, _)| Listed {
            name: (*name).to_string(),
            origin: "bundled",
        })
        .collect();
    let mut uploaded: Vec<String> = std::fs::read_dir(data.join(UPLOADS))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            let stem = name.strip_suffix(".toml")?.to_string();
            valid_name(&stem).then_some(stem)
        })
        .filter(|n| !BUNDLED.iter().any(|(b, _)| b == n))
        .collect();
    uploaded.sort();
    out.extend(uploaded.into_iter().map(|name| Listed {
        name,
        origin: "uploaded",
    }));
    out
}

/// The text of scenario `name`, if there is one.
pub fn text(data: &Path, name: &str) -> Option<String> {
    if let Some((_, text)) = BUNDLED.iter().find(|(n, _)| *n == name) {
        return Some((*text).to_string());
    }
    if !valid_name(name) {
        return None;
    }
    std::fs::read_to_string(data.join(UPLOADS).join(format!("{name}.toml"))).ok()
}

/// A key parameter, shown as a slider.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Parameter {
    /// Its path in the scenario file (`region.width`, `technology[1].q`).
    pub path: String,
    /// What the page calls it.
    pub label: String,
    /// Its value in the scenario.
    pub value: f64,
    /// The slider's range and step.
    pub min: f64,
    /// See `min`.
    pub max: f64,
    /// See `min`.
    pub step: f64,
}

/// The key parameters of a scenario's text: seed, steps, the region's size, the firms'
/// density, and each technology's innovation (p) and imitation (q) coefficients — those the
/// file sets, so the slider starts at the file's value.
pub fn parameters(text: &str) -> Vec<Parameter> {
    let Ok(table) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    // Seed and steps have defaults: the slider starts there when the file leaves them out.
    let defaults = clusterlab_model::scenario::parse_scenario_text(text, "")
        .map(|p| (p.file.seed as f64, f64::from(p.file.steps)))
        .ok();
    let mut out = Vec::new();
    let mut add = |path: String, label: String, (min, max, step): (f64, f64, f64)| {
        let default = match (path.as_str(), defaults) {
            ("seed", Some((seed, _))) => Some(seed),
            ("steps", Some((_, steps))) => Some(steps),
            _ => None,
        };
        if let Some(value) = value_at(&table, &path).and_then(number).or(default) {
            out.push(Parameter {
                path,
                label,
                value,
                min: min.min(value),
                max: max.max(value),
                step,
            });
        }
    };
    add("seed".into(), "seed".into(), (0.0, 9999.0, 1.0));
    add("steps".into(), "steps".into(), (10.0, 1000.0, 1.0));
    add(
        "region.width".into(),
        "region width".into(),
        (10.0, 1024.0, 1.0),
    );
    add(
        "region.height".into(),
        "region height".into(),
        (10.0, 1024.0, 1.0),
    );
    add(
        "firms.density".into(),
        "firm density".into(),
        (0.01, 1.0, 0.01),
    );
    let technologies = table
        .get("technology")
        .and_then(toml::Value::as_array)
        .map_or(0, Vec::len);
    for i in 0..technologies {
        let id = value_at(&table, &format!("technology[{i}].id"))
            .and_then(toml::Value::as_str)
            .unwrap_or("?")
            .to_string();
        add(
            format!("technology[{i}].p"),
            format!("{id}: innovation p"),
            (0.0, 0.05, 0.0005),
        );
        add(
            format!("technology[{i}].q"),
            format!("{id}: imitation q"),
            (0.0, 1.0, 0.01),
        );
    }
    out
}

fn number(v: &toml::Value) -> Option<f64> {
    v.as_float().or_else(|| v.as_integer().map(|i| i as f64))
}

/// A scenario with the page's parameter values applied, checked.
pub struct Prepared {
    /// The scenario file's text as run (the parameters written in).
    pub text: String,
    /// The checked scenario.
    pub loaded: Loaded,
}

/// Applies `values` (path → number) to scenario `name`'s text and checks the result: only
/// the key parameters may be set, the region may hold at most `max_cells` cells, and the
/// scenario must pass every check `clusterlab run` makes (the machine's memory included).
/// The error is worded for the page.
pub fn prepare(
    name: &str,
    text: &str,
    values: &[(String, f64)],
    max_cells: u64,
) -> Result<Prepared, String> {
    let mut table: toml::Table = text
        .parse()
        .map_err(|e| format!("scenario `{name}`: not TOML: {e}"))?;
    let allowed = parameters(text);
    for (path, value) in values {
        let Some(p) = allowed.iter().find(|p| &p.path == path) else {
            return Err(format!(
                "`{path}` is not one of the dashboard's parameters (expected one of: {})",
                allowed
                    .iter()
                    .map(|p| p.path.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        };
        if !value.is_finite() {
            return Err(format!("{}: expected a number", p.label));
        }
        let integer = p.step.fract() == 0.0;
        let v = if integer {
            if *value < 0.0 || value.fract() != 0.0 {
                return Err(format!(
                    "{}: {value} is not a whole number of at least 0",
                    p.label
                ));
            }
            toml::Value::Integer(*value as i64)
        } else {
            toml::Value::Float(*value)
        };
        set_at(&mut table, path, v).map_err(|e| format!("{}: {e}", p.label))?;
    }
    if value_at(&table, "firms.csv").is_some() {
        return Err(format!(
            "scenario `{name}` reads a firm file: the dashboard runs scenarios without one (run this one with `clusterlab run`)"
        ));
    }
    let side = |key: &str| value_at(&table, key).and_then(toml::Value::as_integer);
    if let (Some(w), Some(h)) = (side("region.width"), side("region.height")) {
        let cells = (w.max(0) as u64).saturating_mul(h.max(0) as u64);
        if cells > max_cells {
            return Err(format!(
                "the region of {w} × {h} = {cells} cells is over this server's limit of {max_cells} cells (expected a smaller region, or start the server with a larger --max-cells)"
            ));
        }
    }
    let text = toml::to_string(&table).map_err(|e| format!("scenario `{name}`: {e}"))?;
    let source = format!("dashboard scenario `{name}`");
    let limits = machine_limits().map_err(|e| e.lines.join("; "))?;
    let loaded = load_scenario_text(&text, &source, Path::new(""), Overrides::default(), limits)
        .map_err(|e| e.lines.join("\n"))?;
    // Again on the checked scenario, whose region has its defaults filled in.
    let region = loaded.scenario.region();
    let cells = u64::from(region.width) * u64::from(region.height);
    if cells > max_cells {
        return Err(format!(
            "the region of {} × {} = {cells} cells is over this server's limit of {max_cells} cells (expected a smaller region, or start the server with a larger --max-cells)",
            region.width, region.height
        ));
    }
    Ok(Prepared { text, loaded })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_never_leave_the_folder() {
        assert!(valid_name("my-cluster_2"));
        for bad in ["", "..", "../x", "a/b", "a.toml", "a b", &"x".repeat(65)] {
            assert!(!valid_name(bad), "{bad:?} accepted");
        }
    }

    #[test]
    fn every_bundled_scenario_is_offered_with_its_parameters() {
        for (name, text) in BUNDLED {
            let params = parameters(text);
            assert!(
                params.iter().any(|p| p.path == "seed"),
                "{name}: no seed slider"
            );
            let prepared = prepare(name, text, &[], 1 << 22);
            assert!(prepared.is_ok(), "{name}: {:?}", prepared.err());
        }
    }

    #[test]
    fn sliders_change_the_scenario_and_limits_hold() {
        let text = BUNDLED[0].1;
        let p = prepare(
            "default",
            text,
            &[
                ("region.width".into(), 90.0),
                ("technology[0].q".into(), 0.3),
            ],
            1 << 22,
        )
        .unwrap();
        assert_eq!(p.loaded.scenario.region().width, 90);
        assert_eq!(p.loaded.scenario.technologies()[0].q, 0.3);
        let too_big = prepare(
            "default",
            text,
            &[("region.width".into(), 1000.0)],
            1000 * 59,
        );
        assert!(too_big.err().unwrap().contains("over this server's limit"));
        // A side left to its default counts too.
        let one_side = prepare(
            "one-side",
            "[region]\nwidth = 5000\n[[technology]]\nid = \"x\"\n",
            &[],
            10_000,
        );
        assert!(one_side.err().unwrap().contains("over this server's limit"));
        let other = prepare("default", text, &[("name".into(), 1.0)], 1 << 22);
        assert!(other
            .err()
            .unwrap()
            .contains("not one of the dashboard's parameters"));
        let bad = prepare(
            "default",
            text,
            &[("technology[0].p".into(), -0.5)],
            1 << 22,
        );
        assert!(bad.is_err());
    }
}
