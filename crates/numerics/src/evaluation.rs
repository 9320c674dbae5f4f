//! An evaluation system: goal → criteria → indicators, weighted and scored.
//!
//! An [`EvaluationSpec`] names the criteria and their indicators (benefit: more is better;
//! cost: less is better), how to weight them — AHP pairwise comparisons at both levels,
//! entropy over the alternatives' values, or given weights — and how to score the
//! alternatives: TOPSIS (vector or min-max normalisation) or fuzzy comprehensive evaluation
//! (weighted-average or max-min operator over a grade vector). An indicator's global weight
//! is its criterion's weight times its weight within the criterion.
//!
//! For fuzzy evaluation each indicator gives its value at each grade ("anchors", best grade
//! first); a value between two anchors belongs to both grades in proportion to its closeness
//! (triangular membership), a value beyond the first or last anchor wholly to that grade.

use crate::mcda::{
    ahp, entropy_weights, fuzzy_evaluation, grade_score, topsis, Ahp, Normalisation, Operator,
    SAATY_RANDOM_INDEX,
};
use serde::{Deserialize, Serialize};

fn default_scoring() -> String {
    "topsis".into()
}
fn default_normalisation() -> String {
    "vector".into()
}
fn default_operator() -> String {
    "weighted-average".into()
}
fn default_weights() -> String {
    "ahp".into()
}
fn default_kind() -> String {
    "benefit".into()
}
fn default_grades() -> Vec<String> {
    ["excellent", "good", "fair", "poor"]
        .map(String::from)
        .to_vec()
}
fn default_grade_values() -> Vec<f64> {
    vec![90.0, 75.0, 60.0, 45.0]
}

/// An evaluation spec as written (TOML).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EvaluationSpec {
    /// A label.
    #[serde(default)]
    pub name: String,
    /// The alternatives' CSV, relative to the spec: a column `alternative`, then one per
    /// indicator id.
    #[serde(default)]
    pub alternatives: Option<String>,
    /// How to weight and score.
    #[serde(default)]
    pub method: MethodSection,
    /// The criteria's pairwise comparisons (with `weights = "ahp"`), in criterion order.
    #[serde(default)]
    pub comparisons: Vec<Vec<f64>>,
    /// The grades of fuzzy evaluation.
    #[serde(default)]
    pub fce: FceSection,
    /// The criteria.
    #[serde(default, rename = "criterion")]
    pub criteria: Vec<CriterionSpec>,
}

/// `[method]`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MethodSection {
    /// `topsis` or `fce`.
    #[serde(default = "default_scoring")]
    pub scoring: String,
    /// For TOPSIS: `vector` or `min-max`.
    #[serde(default = "default_normalisation")]
    pub normalisation: String,
    /// For fuzzy evaluation: `weighted-average` or `max-min`.
    #[serde(default = "default_operator")]
    pub operator: String,
    /// `ahp`, `entropy` or `given`.
    #[serde(default = "default_weights")]
    pub weights: String,
    /// The random index by matrix size (Saaty's when left out).
    #[serde(default)]
    pub random_index: Option<Vec<f64>>,
}

impl Default for MethodSection {
    fn default() -> Self {
        MethodSection {
            scoring: default_scoring(),
            normalisation: default_normalisation(),
            operator: default_operator(),
            weights: default_weights(),
            random_index: None,
        }
    }
}

/// `[fce]`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FceSection {
    /// Grade names, best first.
    #[serde(default = "default_grades")]
    pub grades: Vec<String>,
    /// The value of each grade, for the score.
    #[serde(default = "default_grade_values")]
    pub values: Vec<f64>,
}

impl Default for FceSection {
    fn default() -> Self {
        FceSection {
            grades: default_grades(),
            values: default_grade_values(),
        }
    }
}

/// One `[[criterion]]`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CriterionSpec {
    /// Its name.
    pub id: String,
    /// Its weight (with `weights = "given"`).
    #[serde(default)]
    pub weight: Option<f64>,
    /// Its indicators' pairwise comparisons (with `weights = "ahp"`).
    #[serde(default)]
    pub comparisons: Vec<Vec<f64>>,
    /// Its indicators.
    #[serde(default, rename = "indicator")]
    pub indicators: Vec<IndicatorSpec>,
}

/// One `[[criterion.indicator]]`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSpec {
    /// Its name: the alternatives' column.
    pub id: String,
    /// `benefit` or `cost`.
    #[serde(default = "default_kind")]
    pub kind: String,
    /// Its weight within the criterion (with `weights = "given"`).
    #[serde(default)]
    pub weight: Option<f64>,
    /// For fuzzy evaluation: its value at each grade, best grade first.
    #[serde(default)]
    pub grades: Vec<f64>,
}

/// Something wrong with a spec, at a field path such as `criterion[1].comparisons`.
#[derive(Clone, Debug, PartialEq)]
pub struct SpecProblem {
    /// The field.
    pub field: String,
    /// What is wrong, and what was expected.
    pub message: String,
    /// Worth saying, but the evaluation stands.
    pub warning: bool,
}

/// One alternative to evaluate: its name and its value of each indicator, in spec order.
#[derive(Clone, Debug, PartialEq)]
pub struct Alternative {
    /// Name.
    pub name: String,
    /// Indicator values, in the order the spec lists them.
    pub values: Vec<f64>,
}

/// A weight and, for AHP, how consistent the judgements behind it were.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Weighted {
    /// Name.
    pub id: String,
    /// Weight within its level (criteria) or global (indicators).
    pub weight: f64,
    /// For an indicator: its criterion, its weight within it, its kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criterion: Option<String>,
    /// For an indicator: weight within its criterion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_weight: Option<f64>,
    /// For an indicator: `benefit` or `cost`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// The consistency of one comparison matrix.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Consistency {
    /// Which matrix: `criteria` or a criterion's id.
    pub matrix: String,
    /// Principal eigenvalue.
    pub lambda_max: f64,
    /// Consistency index.
    pub ci: f64,
    /// Consistency ratio (none for 2×2 and smaller).
    pub cr: Option<f64>,
}

/// An alternative's result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scored {
    /// Name.
    pub name: String,
    /// TOPSIS closeness, or the fuzzy evaluation's grade score.
    pub score: f64,
    /// 1 for the best.
    pub rank: usize,
    /// Its indicator values, in the order of the evaluation's indicators.
    pub values: Vec<f64>,
    /// For fuzzy evaluation: membership in each grade.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grades: Option<Vec<f64>>,
}

/// The outcome of an evaluation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evaluation {
    /// Criteria with their weights.
    pub criteria: Vec<Weighted>,
    /// Indicators with their global and local weights.
    pub indicators: Vec<Weighted>,
    /// Consistency of every AHP matrix.
    pub consistency: Vec<Consistency>,
    /// The alternatives, in input order.
    pub alternatives: Vec<Scored>,
    /// Warnings (inconsistent judgements).
    #[serde(skip)]
    pub warnings: Vec<SpecProblem>,
}

impl EvaluationSpec {
    /// Indicator ids in spec order.
    pub fn indicator_ids(&self) -> Vec<&str> {
        self.criteria
            .iter()
            .flat_map(|c| c.indicators.iter().map(|i| i.id.as_str()))
            .collect()
    }
}

/// Weights and scores `alternatives` by `spec`; every problem of the spec is reported.
pub fn evaluate(
    spec: &EvaluationSpec,
    alternatives: &[Alternative],
) -> Result<Evaluation, Vec<SpecProblem>> {
    let mut problems = Vec::new();
    let mut error = |field: String, message: String| {
        problems.push(SpecProblem {
            field,
            message,
            warning: false,
        })
    };
    let m = &spec.method;
    let scoring = m.scoring.as_str();
    if !["topsis", "fce"].contains(&scoring) {
        error(
            "method.scoring".into(),
            format!("unknown scoring `{scoring}` (expected `topsis` or `fce`)"),
        );
    }
    let normalisation = match m.normalisation.as_str() {
        "vector" => Normalisation::Vector,
        "min-max" => Normalisation::MinMax,
        other => {
            error(
                "method.normalisation".into(),
                format!("unknown normalisation `{other}` (expected `vector` or `min-max`)"),
            );
            Normalisation::Vector
        }
    };
    let operator = match m.operator.as_str() {
        "weighted-average" => Operator::WeightedAverage,
        "max-min" => Operator::MaxMin,
        other => {
            error(
                "method.operator".into(),
                format!("unknown operator `{other}` (expected `weighted-average` or `max-min`)"),
            );
            Operator::WeightedAverage
        }
    };
    if !["ahp", "entropy", "given"].contains(&m.weights.as_str()) {
        error(
            "method.weights".into(),
            format!(
                "unknown weighting `{}` (expected `ahp`, `entropy` or `given`)",
                m.weights
            ),
        );
    }
    if spec.criteria.is_empty() {
        error(
            "criterion".into(),
            "no criteria (expected at least one [[criterion]])".into(),
        );
    }
    let mut seen = std::collections::HashSet::new();
    for (c, criterion) in spec.criteria.iter().enumerate() {
        if criterion.indicators.is_empty() {
            error(format!("criterion[{c}].indicator"), format!("criterion `{}` has no indicators (expected at least one [[criterion.indicator]])", criterion.id));
        }
        for (i, indicator) in criterion.indicators.iter().enumerate() {
            if !seen.insert(indicator.id.clone()) {
                error(
                    format!("criterion[{c}].indicator[{i}].id"),
                    format!(
                        "`{}` is already an indicator (expected unique ids)",
                        indicator.id
                    ),
                );
            }
            if !["benefit", "cost"].contains(&indicator.kind.as_str()) {
                error(
                    format!("criterion[{c}].indicator[{i}].kind"),
                    format!(
                        "unknown kind `{}` (expected `benefit` or `cost`)",
                        indicator.kind
                    ),
                );
            }
        }
    }
    let n_indicators: usize = spec.criteria.iter().map(|c| c.indicators.len()).sum();
    if alternatives.is_empty() {
        error(
            "alternatives".into(),
            "no alternatives to evaluate (expected at least one row)".into(),
        );
    }
    for a in alternatives {
        if a.values.len() != n_indicators || a.values.iter().any(|v| !v.is_finite()) {
            error(
                "alternatives".into(),
                format!(
                    "alternative `{}` lacks a finite value for every indicator",
                    a.name
                ),
            );
        }
    }
    if scoring == "fce" {
        let fce = &spec.fce;
        if fce.grades.len() < 2 || fce.grades.len() != fce.values.len() {
            error(
                "fce".into(),
                format!(
                    "{} grades and {} values (expected the same number, at least two)",
                    fce.grades.len(),
                    fce.values.len()
                ),
            );
        }
        for (c, criterion) in spec.criteria.iter().enumerate() {
            for (i, indicator) in criterion.indicators.iter().enumerate() {
                let anchors = &indicator.grades;
                let increasing = anchors.windows(2).all(|w| w[0] < w[1]);
                let decreasing = anchors.windows(2).all(|w| w[0] > w[1]);
                let field = format!("criterion[{c}].indicator[{i}].grades");
                if anchors.len() != fce.grades.len() {
                    error(
                        field,
                        format!(
                            "{} anchors (expected one value per grade: {})",
                            anchors.len(),
                            fce.grades.len()
                        ),
                    );
                } else if (indicator.kind == "benefit" && !decreasing)
                    || (indicator.kind == "cost" && !increasing)
                {
                    error(field, format!("anchors {anchors:?} are not ordered best grade first (expected {} values for a {} indicator)", if indicator.kind == "cost" { "increasing" } else { "decreasing" }, indicator.kind));
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    // Weights.
    let random_index = m.random_index.as_deref().unwrap_or(&SAATY_RANDOM_INDEX);
    let mut consistency = Vec::new();
    let mut warnings = Vec::new();
    let mut ahp_at = |field: String,
                      matrix: &[Vec<f64>],
                      size: usize,
                      label: &str,
                      problems: &mut Vec<SpecProblem>|
     -> Option<Vec<f64>> {
        if size == 1 {
            return Some(vec![1.0]);
        }
        if matrix.len() != size {
            problems.push(SpecProblem {
                field,
                message: format!(
                    "{} rows (expected a {size}×{size} matrix, one row per {})",
                    matrix.len(),
                    if label == "criteria" {
                        "criterion"
                    } else {
                        "indicator"
                    }
                ),
                warning: false,
            });
            return None;
        }
        match ahp(matrix, random_index) {
            Ok(Ahp {
                weights,
                lambda_max,
                ci,
                cr,
                ..
            }) => {
                if let Some(cr) = cr.filter(|&cr| cr >= crate::mcda::CR_LIMIT) {
                    warnings.push(SpecProblem {
                        field: field.clone(),
                        message: format!("consistency ratio {cr:.3} is 0.1 or more: the judgements of `{label}` contradict each other; consider revising them"),
                        warning: true,
                    });
                }
                consistency.push(Consistency {
                    matrix: label.to_string(),
                    lambda_max,
                    ci,
                    cr,
                });
                Some(weights)
            }
            Err(e) => {
                problems.push(SpecProblem {
                    field,
                    message: e.to_string(),
                    warning: false,
                });
                None
            }
        }
    };
    let mut problems = Vec::new();
    let (criterion_weights, local_weights): (Vec<f64>, Vec<Vec<f64>>) = match m.weights.as_str() {
        "ahp" => {
            let top = ahp_at(
                "comparisons".into(),
                &spec.comparisons,
                spec.criteria.len(),
                "criteria",
                &mut problems,
            );
            let locals: Vec<Option<Vec<f64>>> = spec
                .criteria
                .iter()
                .enumerate()
                .map(|(c, criterion)| {
                    ahp_at(
                        format!("criterion[{c}].comparisons"),
                        &criterion.comparisons,
                        criterion.indicators.len(),
                        &criterion.id,
                        &mut problems,
                    )
                })
                .collect();
            if !problems.is_empty() {
                return Err(problems);
            }
            (
                top.unwrap_or_default(),
                locals.into_iter().map(Option::unwrap_or_default).collect(),
            )
        }
        "given" => {
            let mut given = |field: String, w: Option<f64>| match w {
                Some(w) if w.is_finite() && w >= 0.0 => w,
                other => {
                    problems.push(SpecProblem {
                        field,
                        message: format!(
                            "{} (expected a weight of at least 0, with `weights = \"given\"`)",
                            other.map_or("missing".to_string(), |w| w.to_string())
                        ),
                        warning: false,
                    });
                    0.0
                }
            };
            let top: Vec<f64> = spec
                .criteria
                .iter()
                .enumerate()
                .map(|(c, cr)| given(format!("criterion[{c}].weight"), cr.weight))
                .collect();
            let locals: Vec<Vec<f64>> = spec
                .criteria
                .iter()
                .enumerate()
                .map(|(c, cr)| {
                    cr.indicators
                        .iter()
                        .enumerate()
                        .map(|(i, ind)| {
                            given(format!("criterion[{c}].indicator[{i}].weight"), ind.weight)
                        })
                        .collect()
                })
                .collect();
            let normalise = |v: &[f64]| {
                let t: f64 = v.iter().sum();
                if t > 0.0 {
                    v.iter().map(|w| w / t).collect()
                } else {
                    vec![1.0 / v.len() as f64; v.len()]
                }
            };
            if !problems.is_empty() {
                return Err(problems);
            }
            (
                normalise(&top),
                locals.iter().map(|l| normalise(l)).collect(),
            )
        }
        _ => {
            // Entropy over every indicator; a criterion weighs what its indicators weigh.
            let x: Vec<Vec<f64>> = alternatives.iter().map(|a| a.values.clone()).collect();
            let flat = match entropy_weights(&x) {
                Ok(w) => w,
                Err(e) => {
                    return Err(vec![SpecProblem {
                        field: "alternatives".into(),
                        message: format!("entropy weights: {e}"),
                        warning: false,
                    }]);
                }
            };
            let mut offset = 0;
            let mut top = Vec::new();
            let mut locals = Vec::new();
            for criterion in &spec.criteria {
                let part = &flat[offset..offset + criterion.indicators.len()];
                offset += part.len();
                let total: f64 = part.iter().sum();
                top.push(total);
                locals.push(
                    part.iter()
                        .map(|w| {
                            if total > 0.0 {
                                w / total
                            } else {
                                1.0 / part.len() as f64
                            }
                        })
                        .collect(),
                );
            }
            (top, locals)
        }
    };

    let mut indicators = Vec::with_capacity(n_indicators);
    let mut global = Vec::with_capacity(n_indicators);
    let mut benefit = Vec::with_capacity(n_indicators);
    for (c, criterion) in spec.criteria.iter().enumerate() {
        for (i, indicator) in criterion.indicators.iter().enumerate() {
            let w = criterion_weights[c] * local_weights[c][i];
            global.push(w);
            benefit.push(indicator.kind == "benefit");
            indicators.push(Weighted {
                id: indicator.id.clone(),
                weight: w,
                criterion: Some(criterion.id.clone()),
                local_weight: Some(local_weights[c][i]),
                kind: Some(indicator.kind.clone()),
            });
        }
    }

    // Scores.
    let x: Vec<Vec<f64>> = alternatives.iter().map(|a| a.values.clone()).collect();
    let (scores, grades): (Vec<f64>, Vec<Option<Vec<f64>>>) = if scoring == "topsis" {
        let scores = topsis(&x, &global, &benefit, normalisation).map_err(|e| {
            vec![SpecProblem {
                field: "alternatives".into(),
                message: e.to_string(),
                warning: false,
            }]
        })?;
        let none = vec![None; scores.len()];
        (scores, none)
    } else {
        let anchors: Vec<&[f64]> = spec
            .criteria
            .iter()
            .flat_map(|c| c.indicators.iter().map(|i| i.grades.as_slice()))
            .collect();
        let mut scores = Vec::new();
        let mut grades = Vec::new();
        for a in alternatives {
            let membership: Vec<Vec<f64>> = a
                .values
                .iter()
                .zip(&anchors)
                .map(|(&v, anchors)| membership(v, anchors))
                .collect();
            let b = fuzzy_evaluation(&global, &membership, operator).map_err(|e| {
                vec![SpecProblem {
                    field: "alternatives".into(),
                    message: e.to_string(),
                    warning: false,
                }]
            })?;
            scores.push(grade_score(&b, &spec.fce.values).unwrap_or(f64::NAN));
            grades.push(Some(b));
        }
        (scores, grades)
    };
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let mut rank = vec![0; scores.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r + 1;
    }
    Ok(Evaluation {
        criteria: spec
            .criteria
            .iter()
            .zip(&criterion_weights)
            .map(|(c, &w)| Weighted {
                id: c.id.clone(),
                weight: w,
                criterion: None,
                local_weight: None,
                kind: None,
            })
            .collect(),
        indicators,
        consistency,
        alternatives: alternatives
            .iter()
            .enumerate()
            .map(|(i, a)| Scored {
                name: a.name.clone(),
                score: scores[i],
                rank: rank[i],
                values: a.values.clone(),
                grades: grades[i].clone(),
            })
            .collect(),
        warnings,
    })
}

/// Triangular membership of `value` in grades anchored at `anchors` (best grade first,
/// monotone): shared between the two grades whose anchors enclose it, in proportion to
/// closeness; wholly the first or last grade beyond the ends.
pub fn membership(value: f64, anchors: &[f64]) -> Vec<f64> {
    let g = anchors.len();
    let mut mu = vec![0.0; g];
    let increasing = anchors.first() < anchors.last();
    let before = |a: f64, b: f64| if increasing { a <= b } else { a >= b };
    if before(value, anchors[0]) {
        mu[0] = 1.0;
    } else if before(anchors[g - 1], value) {
        mu[g - 1] = 1.0;
    } else {
        for k in 0..g - 1 {
            let (a, b) = (anchors[k], anchors[k + 1]);
            if before(a, value) && before(value, b) {
                let share = (b - value) / (b - a);
                mu[k] = share;
                mu[k + 1] = 1.0 - share;
                break;
            }
        }
    }
    mu
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn membership_is_triangular_between_anchors() {
        // Benefit: anchors decreasing from the best grade.
        assert_eq!(
            membership(95.0, &[90.0, 75.0, 60.0, 45.0]),
            vec![1.0, 0.0, 0.0, 0.0]
        );
        assert_eq!(
            membership(40.0, &[90.0, 75.0, 60.0, 45.0]),
            vec![0.0, 0.0, 0.0, 1.0]
        );
        let mu = membership(70.0, &[90.0, 75.0, 60.0, 45.0]);
        assert!((mu[1] - 2.0 / 3.0).abs() < 1e-12 && (mu[2] - 1.0 / 3.0).abs() < 1e-12);
        // Cost: anchors increasing.
        let mu = membership(15.0, &[10.0, 20.0, 30.0]);
        assert_eq!(mu, vec![0.5, 0.5, 0.0]);
        assert!((membership(20.0, &[10.0, 20.0, 30.0])[1] - 1.0).abs() < 1e-12);
    }

    fn spec(toml_weights: &str) -> EvaluationSpec {
        let text = format!(
            r#"
            comparisons = [[1, 3], [0.3333333333, 1]]
            [method]
            {toml_weights}
            [[criterion]]
            id = "speed"
            weight = 3
            [[criterion.indicator]]
            id = "t50"
            kind = "cost"
            [[criterion]]
            id = "breadth"
            weight = 1
            comparisons = [[1, 1], [1, 1]]
            [[criterion.indicator]]
            id = "share"
            [[criterion.indicator]]
            id = "reach"
            "#
        );
        toml::from_str(&text).unwrap()
    }

    #[test]
    fn ahp_weights_compose_over_the_tree() {
        let mut s = spec("weights = \"ahp\"");
        s.comparisons = vec![vec![1.0, 3.0], vec![1.0 / 3.0, 1.0]];
        let alts = vec![
            Alternative {
                name: "a".into(),
                values: vec![10.0, 0.9, 0.5],
            },
            Alternative {
                name: "b".into(),
                values: vec![20.0, 0.8, 0.9],
            },
        ];
        let e = evaluate(&s, &alts).unwrap();
        assert!((e.criteria[0].weight - 0.75).abs() < 1e-12);
        let w: Vec<f64> = e.indicators.iter().map(|i| i.weight).collect();
        assert!((w[0] - 0.75).abs() < 1e-12 && (w[1] - 0.125).abs() < 1e-12);
        assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        // Faster (t50 10 vs 20) with most of the weight on speed: a ranks first.
        assert_eq!(e.alternatives[0].rank, 1);
    }
}
