//! The report of a policy comparison (`clusterlab policy compare --report`): per cluster, the
//! best policy and why, each alternative's effect on the objective and its cost as bars with
//! 95% intervals, every effect in a table, the baseline, and the diagnosis of failures.

use super::page::{self, escape, Bar};
use clusterlab_lab::LabResult;
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;

/// The effect the objective reads, and how it is worded.
fn objective_effect(objective: &str) -> (&'static str, &'static str) {
    match objective {
        "innovation" => (
            "innovations",
            "innovations over the run, change from the baseline",
        ),
        "speed" => (
            "t50",
            "steps to half adoption, change from the baseline (lower is faster)",
        ),
        "equality" => (
            "knowledge_dispersion",
            "knowledge dispersion, change from the baseline (lower is more equal)",
        ),
        _ => ("net_welfare", "welfare gain less the extra public money"),
    }
}

fn bar(label: &str, effect: &Value) -> Bar {
    let get = |k: &str| effect[k].as_f64().unwrap_or(f64::NAN);
    Bar {
        label: label.to_string(),
        value: get("mean"),
        lo: get("lo"),
        hi: get("hi"),
    }
}

fn cell(effect: &Value) -> String {
    match (
        effect["mean"].as_f64(),
        effect["lo"].as_f64(),
        effect["hi"].as_f64(),
    ) {
        (Some(m), Some(l), Some(h)) => format!("{m:.3} <small>[{l:.3}, {h:.3}]</small>"),
        _ => "–".into(),
    }
}

/// Writes the report of `comparisons` (the JSON `policy compare --json` prints) to `out`;
/// `command` is the command line that repeats it.
pub fn write(comparisons: &Value, command: &str, out: &Path) -> LabResult {
    let list = comparisons.as_array().cloned().unwrap_or_default();
    let mut html = page::head("policy comparison");
    let _ = write!(
        html,
        "<p>Each policy or mix is run over the same seeds as the baseline (common random numbers); effects are the mean paired difference with its 95% interval. Repeat it with <code>{}</code>.</p>",
        escape(command)
    );
    for c in &list {
        let objective = c["objective"].as_str().unwrap_or("welfare");
        let (effect, wording) = objective_effect(objective);
        let alternatives = c["alternatives"].as_array().cloned().unwrap_or_default();
        let _ = write!(
            html,
            "<h2>{scenario}</h2><p>{reps} replications; objective: {objective}. <strong>Best: {best}</strong> — {why}</p>",
            scenario = escape(c["scenario"].as_str().unwrap_or("?")),
            reps = c["replications"],
            objective = escape(objective),
            best = escape(c["best"].as_str().unwrap_or("none")),
            why = escape(c["why"].as_str().unwrap_or("")),
        );
        let label = |a: &Value| a["policies"].as_str().unwrap_or("?").to_string();
        let effects: Vec<Bar> = alternatives
            .iter()
            .map(|a| bar(&label(a), &a[effect]))
            .collect();
        let costs: Vec<Bar> = alternatives
            .iter()
            .map(|a| bar(&label(a), &a["cost"]))
            .collect();
        let _ = write!(
            html,
            "<figure class=\"policy-effect\">{}<figcaption>{}: effect of each alternative, with its 95% interval.</figcaption></figure>\
<figure class=\"policy-cost\">{}<figcaption>Extra public money over the run, beyond the baseline's, with its 95% interval.</figcaption></figure>",
            page::bars_oriented(
                wording,
                effect,
                &effects,
                matches!(objective, "speed" | "equality")
            ),
            escape(wording),
            page::bars("extra public money", "cost", &costs),
        );
        html.push_str("<div style=\"overflow-x:auto\"><table><tr><th>policies</th><th>innovations</th><th>t50</th><th>knowledge dispersion</th><th>welfare</th><th>net welfare</th><th>cost</th><th>cost-effectiveness</th><th>within budget</th><th>variance ×smaller with CRN</th></tr>");
        for a in &alternatives {
            let _ = write!(
                html,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&label(a)),
                cell(&a["innovations"]),
                cell(&a["t50"]),
                cell(&a["knowledge_dispersion"]),
                cell(&a["welfare"]),
                cell(&a["net_welfare"]),
                cell(&a["cost"]),
                a["cost_effectiveness"].as_f64().map_or("–".into(), |v| format!("{v:.4}")),
                if a["within_budget"].as_bool() == Some(true) { "yes" } else { "no" },
                a["variance_reduction"].as_f64().map_or("–".into(), |v| format!("{v:.1}")),
            );
        }
        html.push_str("</table></div>");
        let b = &c["baseline"];
        let show = |k: &str| b[k].as_f64().map_or("–".into(), |v| format!("{v:.3}"));
        let _ = write!(
            html,
            "<p>Baseline means: innovations {}, t50 {}, knowledge dispersion {}, welfare {}, cost {}.</p>",
            show("innovations"),
            show("t50"),
            show("knowledge_dispersion"),
            show("welfare"),
            show("cost")
        );
        if let Some(failures) = c["diagnosis"].as_array().filter(|f| !f.is_empty()) {
            html.push_str("<h3>Diagnosis</h3><table><tr><th>failure</th><th>score</th><th class=\"text\">symptom</th><th class=\"text\">responses</th></tr>");
            for f in failures {
                let responses: Vec<&str> = f["responses"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                let _ = write!(
                    html,
                    "<tr><td>{}</td><td>{:.3}</td><td class=\"text\">{}</td><td class=\"text\">{}</td></tr>",
                    escape(f["failure"].as_str().unwrap_or("?")),
                    f["score"].as_f64().unwrap_or(f64::NAN),
                    escape(f["symptom"].as_str().unwrap_or("")),
                    escape(&responses.join(", "))
                );
            }
            html.push_str("</table>");
        }
    }
    html.push_str("</body></html>\n");
    page::write(out, &html)
}
