//! The report of a policy comparison (`clusterlab policy compare --report`): per cluster, the
//! best policy and why, each alternative's effect on the objective and its cost as bars with
//! 95% intervals, every effect in a table, the baseline, and the diagnosis of failures.

use super::page::{self, escape, Bar};
use clusterlab_lab::policy_lab::{Alternative, Comparison, Effect};
use clusterlab_lab::LabResult;
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

/// A number that JSON could carry (finite), as the page shows numbers.
fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// The effect of `alternative` named as the objective reads it.
fn effect_of<'a>(a: &'a Alternative, name: &str) -> &'a Effect {
    match name {
        "innovations" => &a.innovations,
        "t50" => &a.t50,
        "knowledge_dispersion" => &a.knowledge_dispersion,
        "welfare" => &a.welfare,
        "cost" => &a.cost,
        _ => &a.net_welfare,
    }
}

fn bar(label: &str, effect: &Effect) -> Bar {
    let get = |v: f64| finite(v).unwrap_or(f64::NAN);
    Bar {
        label: label.to_string(),
        value: get(effect.mean),
        lo: get(effect.lo),
        hi: get(effect.hi),
    }
}

fn cell(effect: &Effect) -> String {
    match (finite(effect.mean), finite(effect.lo), finite(effect.hi)) {
        (Some(m), Some(l), Some(h)) => format!("{m:.3} <small>[{l:.3}, {h:.3}]</small>"),
        _ => "–".into(),
    }
}

/// Writes the report of `comparisons` (what `policy compare --json` prints) to `out`;
/// `command` is the command line that repeats it.
pub fn write(comparisons: &[Comparison], command: &str, out: &Path) -> LabResult {
    let mut html = page::head("policy comparison");
    let _ = write!(
        html,
        "<p>Each policy or mix is run over the same seeds as the baseline (common random numbers); effects are the mean paired difference with its 95% interval. Repeat it with <code>{}</code>.</p>",
        escape(command)
    );
    for c in comparisons {
        let objective = c.objective.as_str();
        let (effect, wording) = objective_effect(objective);
        let alternatives = &c.alternatives;
        let _ = write!(
            html,
            "<h2>{scenario}</h2><p>{reps} replications; objective: {objective}. <strong>Best: {best}</strong> — {why}</p>",
            scenario = escape(&c.scenario),
            reps = c.replications,
            objective = escape(objective),
            best = escape(c.best.as_deref().unwrap_or("none")),
            why = escape(&c.why),
        );
        let effects: Vec<Bar> = alternatives
            .iter()
            .map(|a| bar(&a.policies, effect_of(a, effect)))
            .collect();
        let costs: Vec<Bar> = alternatives
            .iter()
            .map(|a| bar(&a.policies, &a.cost))
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
        for a in alternatives {
            let _ = write!(
                html,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&a.policies),
                cell(&a.innovations),
                cell(&a.t50),
                cell(&a.knowledge_dispersion),
                cell(&a.welfare),
                cell(&a.net_welfare),
                cell(&a.cost),
                a.cost_effectiveness.and_then(finite).map_or("–".into(), |v| format!("{v:.4}")),
                if a.within_budget { "yes" } else { "no" },
                finite(a.variance_reduction).map_or("–".into(), |v| format!("{v:.1}")),
            );
        }
        html.push_str("</table></div>");
        let b = &c.baseline;
        let show = |v: f64| finite(v).map_or("–".into(), |v| format!("{v:.3}"));
        let _ = write!(
            html,
            "<p>Baseline means: innovations {}, t50 {}, knowledge dispersion {}, welfare {}, cost {}.</p>",
            show(b.innovations),
            show(b.t50),
            show(b.knowledge_dispersion),
            show(b.welfare),
            show(b.cost)
        );
        let failures = &c.diagnosis;
        if !failures.is_empty() {
            html.push_str("<h3>Diagnosis</h3><table><tr><th>failure</th><th>score</th><th class=\"text\">symptom</th><th class=\"text\">responses</th></tr>");
            for f in failures {
                let _ = write!(
                    html,
                    "<tr><td>{}</td><td>{:.3}</td><td class=\"text\">{}</td><td class=\"text\">{}</td></tr>",
                    escape(f.failure),
                    finite(f.score).unwrap_or(f64::NAN),
                    escape(f.symptom),
                    escape(&f.responses.join(", "))
                );
            }
            html.push_str("</table>");
        }
    }
    html.push_str("</body></html>\n");
    page::write(out, &html)
}
