//! The report of a sweep: each metric's mean across replications with its 95% interval, per
//! design point over the steps (or against the parameter, for a one-parameter sweep), the
//! last step's table, and the sensitivity indices as bars for a Sobol' or Morris design.

use super::page::{self, chart_figures, chart_script, escape, Bar, Chart};
use clusterlab_lab::input::csv_rows;
use clusterlab_lab::sweep::open_sweep;
use clusterlab_lab::{sensitivity, summarize};
use clusterlab_lab::{LabError, LabResult};
use clusterlab_model::experiment::Design;
use clusterlab_numerics::sensitivity::Index;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// Most points drawn over the steps; beyond it the report keeps to the last step.
const POINTS_DRAWN: usize = 6;
/// Most metrics charted.
const METRICS_DRAWN: usize = 8;
/// Most parameters and metrics given main-effect charts.
const MAIN_EFFECT_PARAMETERS: usize = 3;
/// See [`MAIN_EFFECT_PARAMETERS`].
const MAIN_EFFECT_METRICS: usize = 4;
/// Most rows of the last-step table.
const TABLE_ROWS: usize = 300;

/// One point of the summary: its parameter values and, per metric, (step → mean, lo, hi).
struct Point {
    id: u64,
    params: Vec<String>,
    n: f64,
    metrics: Vec<BTreeMap<i64, (f64, f64, f64)>>,
}

/// Writes the report of the sweep in `dir` to `out`.
pub fn write(dir: &Path, out: &Path) -> LabResult {
    let sweep = open_sweep(dir)?;
    let (done, total) = sweep.catalogue.progress()?;
    if done == 0 {
        return Err(LabError::input(format!(
            "{}: no run has finished yet (run `clusterlab sweep` to completion first)",
            dir.display()
        )));
    }
    let record = sweep.catalogue.experiment()?;
    // The summary, (re)made when it is missing or older than the catalogue.
    let summary_path = dir.join("summary.csv");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if modified(&summary_path) < clusterlab_store::catalogue::modified(dir) {
        summarize::write_summary(dir)?;
    }
    let text = std::fs::read_to_string(&summary_path)
        .map_err(|e| LabError::input(format!("cannot read {}: {e}", summary_path.display())))?;
    let rows = csv_rows(&text);
    let Some((_, header)) = rows.first() else {
        return Err(LabError::input(format!(
            "{}: the file is empty",
            summary_path.display()
        )));
    };
    let at = |name: &str| header.iter().position(|h| h == name);
    let (Some(point_col), Some(step_col), Some(n_col)) = (at("point"), at("step"), at("n")) else {
        return Err(LabError::input(format!(
            "{}: expected the columns point, step and n (as `clusterlab summarize` writes them)",
            summary_path.display()
        )));
    };
    let param_names: Vec<String> = header[point_col + 1..step_col].to_vec();
    let metrics: Vec<String> = header
        .iter()
        .filter_map(|h| h.strip_suffix(":mean").map(str::to_string))
        .collect();
    let metric_cols: Vec<[usize; 3]> = metrics
        .iter()
        .map(|m| [":mean", ":lo", ":hi"].map(|s| at(&format!("{m}{s}")).unwrap_or(usize::MAX)))
        .collect();
    let number = |row: &[String], c: usize| {
        row.get(c)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    let mut points: Vec<Point> = Vec::new();
    for (line, row) in &rows[1..] {
        if row.len() != header.len() {
            return Err(LabError::input(format!(
                "{}:{line}: {} fields (expected {}, one per column of the header)",
                summary_path.display(),
                row.len(),
                header.len()
            )));
        }
        let id = number(row, point_col) as u64;
        if points.last().is_none_or(|p| p.id != id) {
            points.push(Point {
                id,
                params: row[point_col + 1..step_col].to_vec(),
                n: 0.0,
                metrics: vec![BTreeMap::new(); metrics.len()],
            });
        }
        let point = points.last_mut().expect("pushed");
        let step = number(row, step_col) as i64;
        point.n = number(row, n_col);
        for (m, cols) in metric_cols.iter().enumerate() {
            point.metrics[m].insert(
                step,
                (
                    number(row, cols[0]),
                    number(row, cols[1]),
                    number(row, cols[2]),
                ),
            );
        }
    }
    let describe = |p: &Point| {
        let values: Vec<String> = param_names
            .iter()
            .zip(&p.params)
            .map(|(n, v)| format!("{n}={}", short(v)))
            .collect();
        format!("point {} ({})", p.id, values.join(", "))
    };

    let mut charts = Vec::new();
    let drawn = &metrics[..metrics.len().min(METRICS_DRAWN)];
    if points.len() <= POINTS_DRAWN {
        let steps: Vec<i64> = {
            let mut all: Vec<i64> = points
                .iter()
                .flat_map(|p| {
                    p.metrics
                        .first()
                        .into_iter()
                        .flat_map(|m| m.keys().copied())
                })
                .collect();
            all.sort_unstable();
            all.dedup();
            all
        };
        for (m, metric) in drawn.iter().enumerate() {
            let mut series = Vec::new();
            for (k, p) in points.iter().enumerate() {
                let pick = |i: usize| -> Vec<f64> {
                    steps
                        .iter()
                        .map(|s| {
                            p.metrics[m].get(s).map_or(f64::NAN, |v| match i {
                                0 => v.0,
                                1 => v.1,
                                _ => v.2,
                            })
                        })
                        .collect()
                };
                let label = describe(p);
                series.push((label.clone(), pick(0), false, k));
                series.push((format!("{label} 95% low"), pick(1), true, k));
                series.push((format!("{label} 95% high"), pick(2), true, k));
            }
            charts.push(Chart {
                id: format!("metric-{m}"),
                title: metric.clone(),
                caption: format!(
                    "`{metric}`: mean across each point's replications at every step (solid), with its 95% interval (dashed; Student's t)."
                ),
                x_label: "step".into(),
                y_label: metric.clone(),
                x: steps.iter().map(|&s| s as f64).collect(),
                series,
            });
        }
    }
    // Main effects of a factorial design: each metric at the last step against each
    // parameter's values, averaged over the other parameters (for one parameter: the point's
    // mean with its interval).
    let factorial = matches!(sweep.experiment.design, Design::Factorial);
    if factorial && points.len() > 1 {
        for (j, name) in param_names.iter().enumerate().take(MAIN_EFFECT_PARAMETERS) {
            let values: Option<Vec<f64>> =
                points.iter().map(|p| p.params[j].parse().ok()).collect();
            let Some(values) = values else { continue };
            let mut levels: Vec<f64> = values.clone();
            levels.sort_by(f64::total_cmp);
            levels.dedup();
            if levels.len() < 2 {
                continue;
            }
            for (m, metric) in drawn.iter().enumerate().take(MAIN_EFFECT_METRICS) {
                let last = |p: &Point| p.metrics[m].values().next_back().copied();
                let mut sums = vec![[0.0f64; 3]; levels.len()];
                let mut counts = vec![0.0f64; levels.len()];
                for (p, v) in points.iter().zip(&values) {
                    let (Some(l), Some((mean, lo, hi))) =
                        (levels.iter().position(|x| x == v), last(p))
                    else {
                        continue;
                    };
                    sums[l][0] += mean;
                    sums[l][1] += lo;
                    sums[l][2] += hi;
                    counts[l] += 1.0;
                }
                let column = |i: usize| -> Vec<f64> {
                    sums.iter().zip(&counts).map(|(s, c)| s[i] / c).collect()
                };
                let mut series = vec![("mean".to_string(), column(0), false, j)];
                if param_names.len() == 1 {
                    series.push(("95% low".into(), column(1), true, j));
                    series.push(("95% high".into(), column(2), true, j));
                }
                charts.push(Chart {
                    id: format!("effect-{j}-{m}"),
                    title: format!("{metric} against {name}"),
                    caption: if param_names.len() == 1 {
                        format!("`{metric}` at the last step: mean across replications (solid) and its 95% interval (dashed), at each value of {name}.")
                    } else {
                        format!("Main effect of {name} on `{metric}` at the last step: the mean across replications, averaged over the other parameters' values.")
                    },
                    x_label: name.clone(),
                    y_label: metric.clone(),
                    x: levels.clone(),
                    series,
                });
            }
        }
    }

    let e = &sweep.experiment;
    let mut html = page::head(&format!("sweep {}", e.name));
    let design = record.as_ref().map_or("?", |r| r.design.as_str());
    let _ = write!(
        html,
        "<p>Sweep <code>{dir}</code>: a {design} design of {points} points × {reps} replications; {done} of {total} runs done; seed {seed}. \
Each run's results are in <code>{dir}/runs/</code>; repeat the sweep with <code>clusterlab sweep EXPERIMENT.toml --out {dir}</code> (the experiment is below), or one of its runs with <code>clusterlab run --from {dir} --run-id K</code>.</p>",
        dir = escape(&dir.display().to_string()),
        design = escape(design),
        points = e.point_count(),
        reps = e.replications,
        seed = e.seed,
    );
    if points.len() > POINTS_DRAWN {
        let _ = write!(
            html,
            "<p>{} points: too many to draw over the steps, so each metric is shown at the last step.</p>",
            points.len()
        );
    }
    chart_figures(&mut html, &charts);

    // Sensitivity, for the designs made for it.
    if matches!(e.design, Design::Sobol { .. } | Design::Morris { .. }) && done == total {
        html.push_str("<h2>Sensitivity</h2>");
        for metric in drawn {
            let (design, rows, _) = sensitivity::indices(dir, metric, None, 500)?;
            if matches!(design, Design::Sobol { .. }) {
                for (name, bars) in [
                    ("first-order index S", index_bars(&rows, |r| r.first_order)),
                    ("total index ST", index_bars(&rows, |r| r.total)),
                ] {
                    let title = format!("{metric}: Sobol' {name}");
                    let _ = write!(
                        html,
                        "<figure class=\"sensitivity\">{}<figcaption>{}: the Sobol' {name} of each parameter at the last step, with its 95% bootstrap interval (Saltelli's design, Jansen's estimators).</figcaption></figure>",
                        page::bars(&title, name, &bars),
                        escape(metric)
                    );
                }
            } else {
                let title = format!("{metric}: Morris μ*");
                let _ = write!(
                    html,
                    "<figure class=\"sensitivity\">{}<figcaption>{}: μ*, the mean absolute elementary effect of each parameter at the last step, with its 95% bootstrap interval.</figcaption></figure>",
                    page::bars(&title, "μ*", &index_bars(&rows, |r| r.mu_star)),
                    escape(metric)
                );
            }
        }
    }

    // The last step's table.
    let _ = write!(
        html,
        "<h2>At the last step</h2><p>Mean across replications and its 95% interval.{}</p><div style=\"overflow-x:auto\"><table><tr><th>point</th>",
        if points.len() > TABLE_ROWS {
            format!(" The first {TABLE_ROWS} of {} points; all are in summary.csv.", points.len())
        } else {
            String::new()
        }
    );
    for n in param_names
        .iter()
        .chain(std::iter::once(&"n".to_string()))
        .chain(drawn)
    {
        let _ = write!(html, "<th>{}</th>", escape(n));
    }
    html.push_str("</tr>");
    for p in points.iter().take(TABLE_ROWS) {
        let _ = write!(html, "<tr><td>{}</td>", p.id);
        for v in &p.params {
            let _ = write!(html, "<td>{}</td>", escape(&short(v)));
        }
        let _ = write!(html, "<td>{}</td>", p.n);
        for m in 0..drawn.len() {
            match p.metrics[m].values().next_back() {
                Some((mean, lo, hi)) => {
                    let _ = write!(html, "<td>{mean:.4} <small>[{lo:.4}, {hi:.4}]</small></td>");
                }
                None => html.push_str("<td>–</td>"),
            }
        }
        html.push_str("</tr>");
    }
    html.push_str("</table></div>");
    if let Some(r) = &record {
        let _ = write!(
            html,
            "<h2>Experiment</h2><pre>{}</pre><h2>Base scenario</h2><pre>{}</pre>",
            escape(&r.experiment),
            escape(&r.scenario)
        );
    }
    page::licence(&mut html);
    chart_script(&mut html, &charts, "");
    html.push_str("</body></html>\n");
    page::write(out, &html)
}

/// One bar per parameter from the index `pick` chooses.
fn index_bars(
    rows: &[sensitivity::Row],
    pick: impl Fn(&sensitivity::Row) -> Option<Index>,
) -> Vec<Bar> {
    rows.iter()
        .filter_map(|r| {
            pick(r).map(|i| Bar {
                label: r.parameter.clone(),
                value: i.value,
                lo: i.lo,
                hi: i.hi,
            })
        })
        .collect()
}

/// A parameter value as shown: numbers to six significant digits, text as it is.
fn short(value: &str) -> String {
    match value.parse::<f64>() {
        Ok(v) if v.is_finite() && v != 0.0 => {
            let digits = (5 - v.abs().log10().floor() as i32).clamp(0, 12) as usize;
            let text = format!("{v:.digits$}");
            if text.contains('.') {
                text.trim_end_matches('0').trim_end_matches('.').to_string()
            } else {
                text
            }
        }
        _ => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::short;

    #[test]
    fn values_are_shown_to_six_significant_digits() {
        assert_eq!(short("0.0010527372956275942"), "0.00105274");
        assert_eq!(short("0.2"), "0.2");
        assert_eq!(short("949224.75"), "949225");
        assert_eq!(short("12"), "12");
        assert_eq!(short("moore"), "moore");
        assert_eq!(short("0"), "0");
    }
}
