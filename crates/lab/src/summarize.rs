//! Summaries of a sweep: per design point and step, each metric's mean, standard deviation
//! and 95% interval across replications (Student's t), written as DIR/summary.parquet and
//! DIR/summary.csv.

use crate::error::{LabError, LabResult};
use crate::sweep::{open_sweep, read_run_table, run_file};
use clusterlab_numerics::stats::Moments;
use clusterlab_store::atomic::write_atomically;
use clusterlab_store::table::{Column, Table};
use std::collections::BTreeMap;

/// A point's last step for the closing table: point, parameter values, step, and per metric
/// (mean, lo, hi).
pub type LastRow = (u64, Vec<String>, i64, Vec<(f64, f64, f64)>);

/// Accumulators of one point: per step, per metric.
struct PointStats {
    params: Vec<(String, Column)>,
    steps: BTreeMap<i64, Vec<Moments>>,
}

/// What a summary holds, for a closing table.
#[derive(Clone, Debug)]
pub struct SummaryOutcome {
    /// Runs done, and in the sweep.
    pub done: u64,
    /// See `done`.
    pub total: u64,
    /// The parameters' paths.
    pub param_names: Vec<String>,
    /// The metrics.
    pub metric_names: Vec<String>,
    /// Each point's last step.
    pub last_rows: Vec<LastRow>,
}

/// Writes DIR/summary.parquet and DIR/summary.csv of the sweep in `dir` (each whole or not at
/// all), reading DIR/runs/*.parquet one run at a time: memory does not grow with the runs.
pub fn write_summary(dir: &std::path::Path) -> LabResult<SummaryOutcome> {
    let sweep = open_sweep(dir)?;
    let runs = sweep.catalogue.done_runs()?;
    let (done, total) = sweep.catalogue.progress()?;
    if done == 0 {
        return Err(LabError::input(format!(
            "{}: no run has finished yet (run `clusterlab sweep` to completion first)",
            dir.display()
        )));
    }
    let n_params = sweep.experiment.parameters.len();
    // Columns of a run file: run, point, replication, seed, step, parameters, metrics.
    let first_metric = 5 + n_params;
    let mut metric_names: Vec<String> = Vec::new();
    let mut param_names: Vec<String> = Vec::new();
    let mut out = Table::default();
    let mut out_columns: Vec<Vec<f64>> = Vec::new();
    let mut out_points: Vec<i64> = Vec::new();
    let mut out_steps: Vec<i64> = Vec::new();
    let mut out_n: Vec<i64> = Vec::new();
    let mut out_params: Vec<Vec<String>> = vec![Vec::new(); n_params];
    let mut numeric_params = vec![true; n_params];
    let mut current: Option<(u64, PointStats)> = None;
    let mut last_rows: Vec<LastRow> = Vec::new();
    let mut flush =
        |point: u64, stats: PointStats, metric_count: usize, last_rows: &mut Vec<LastRow>| {
            let params: Vec<String> = stats.params.iter().map(|(_, c)| c.text(0)).collect();
            for (i, (_, c)) in stats.params.iter().enumerate() {
                if matches!(c, Column::Text(_)) {
                    numeric_params[i] = false;
                }
            }
            let mut last = None;
            for (&step, moments) in &stats.steps {
                out_points.push(point as i64);
                out_steps.push(step);
                out_n.push(moments.first().map_or(0, |m| m.count() as i64));
                for (i, p) in params.iter().enumerate() {
                    out_params[i].push(p.clone());
                }
                if out_columns.is_empty() {
                    out_columns = vec![Vec::new(); metric_count * 4];
                }
                let mut cells = Vec::with_capacity(metric_count);
                for (m, moments) in moments.iter().enumerate() {
                    let (lo, hi) = moments.interval95();
                    out_columns[4 * m].push(moments.mean());
                    out_columns[4 * m + 1].push(moments.sd());
                    out_columns[4 * m + 2].push(lo);
                    out_columns[4 * m + 3].push(hi);
                    cells.push((moments.mean(), lo, hi));
                }
                last = Some((step, cells));
            }
            if let Some((step, cells)) = last {
                last_rows.push((point, params, step, cells));
            }
        };
    for r in &runs {
        let path = run_file(dir, r.run, "parquet");
        let table = read_run_table(dir, r.run)?;
        if metric_names.is_empty() {
            metric_names = table.names[first_metric..].to_vec();
            param_names = table.names[5..first_metric].to_vec();
        }
        if current.as_ref().is_some_and(|(p, _)| *p != r.point) {
            let (p, stats) = current.take().expect("checked");
            flush(p, stats, metric_names.len(), &mut last_rows);
        }
        let stats = &mut current
            .get_or_insert_with(|| {
                (
                    r.point,
                    PointStats {
                        params: (5..first_metric)
                            .map(|i| (table.names[i].clone(), table.columns[i].clone()))
                            .collect(),
                        steps: BTreeMap::new(),
                    },
                )
            })
            .1;
        let Some(Column::Int(steps)) = table.column("step") else {
            return Err(LabError::failure(anyhow::anyhow!(
                "{}: no step column",
                path.display()
            )));
        };
        for (row, &step) in steps.iter().enumerate() {
            let moments = stats
                .steps
                .entry(step)
                .or_insert_with(|| vec![Moments::default(); metric_names.len()]);
            for (m, moments) in moments.iter_mut().enumerate() {
                moments.push(table.columns[first_metric + m].number(row));
            }
        }
    }
    if let Some((p, stats)) = current.take() {
        flush(p, stats, metric_names.len(), &mut last_rows);
    }
    out.push("point", Column::Int(out_points));
    for (i, name) in param_names.iter().enumerate() {
        let values = std::mem::take(&mut out_params[i]);
        let column = if numeric_params[i] {
            Column::Float(
                values
                    .iter()
                    .map(|v| v.parse().unwrap_or(f64::NAN))
                    .collect(),
            )
        } else {
            Column::Text(values)
        };
        out.push(name, column);
    }
    out.push("step", Column::Int(out_steps));
    out.push("n", Column::Int(out_n));
    for (m, name) in metric_names.iter().enumerate() {
        for (k, suffix) in ["mean", "sd", "lo", "hi"].iter().enumerate() {
            out.push(
                &format!("{name}:{suffix}"),
                Column::Float(std::mem::take(&mut out_columns[4 * m + k])),
            );
        }
    }
    for (file, write) in [
        (
            "summary.parquet",
            Table::write_parquet as fn(&Table, &std::path::Path) -> anyhow::Result<()>,
        ),
        ("summary.csv", Table::write_csv),
    ] {
        write_atomically(&dir.join(file), |tmp| write(&out, tmp))?;
    }
    Ok(SummaryOutcome {
        done,
        total,
        param_names,
        metric_names,
        last_rows,
    })
}
