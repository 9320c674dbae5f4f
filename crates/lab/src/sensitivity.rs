//! Global sensitivity of a metric to a sweep's parameters: Sobol' indices (Saltelli's design,
//! Jansen's estimators) or Morris's elementary effects, each with a bootstrap 95% interval.

use crate::error::{LabError, LabResult};
use crate::sweep::{open_sweep, read_run_table, run_file};
use clusterlab_model::experiment::Design;
use clusterlab_numerics::sensitivity::{morris_indices, sobol_indices, Index};
use clusterlab_store::table::Column;
use serde::Serialize;
use std::path::Path;

/// One parameter's indices.
#[derive(Serialize)]
pub struct Row {
    /// The parameter's path.
    pub parameter: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Sobol' first-order index.
    pub first_order: Option<Index>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Sobol' total index.
    pub total: Option<Index>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Morris: mean elementary effect.
    pub mu: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Morris: mean absolute elementary effect.
    pub mu_star: Option<Index>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Morris: standard deviation of the elementary effects.
    pub sigma: Option<f64>,
}

/// The indices of `metric` at `step` (default: each run's last) in the sweep in `dir`, with
/// the number of runs, from every finished run's file.
pub fn indices(
    dir: &Path,
    metric: &str,
    step: Option<i64>,
    bootstrap: u32,
) -> LabResult<(Design, Vec<Row>, u64)> {
    let sweep = open_sweep(dir)?;
    let e = &sweep.experiment;
    if !matches!(e.design, Design::Sobol { .. } | Design::Morris { .. }) {
        return Err(LabError::input(format!(
            "{}: the sweep's design is not `sobol` or `morris` (expected one of them for sensitivity indices)",
            dir.display()
        )));
    }
    let (done, total) = sweep.catalogue.progress()?;
    if done < total {
        return Err(LabError::input(format!(
            "{}: {done} of {total} runs are done; the indices need every run (run `clusterlab sweep` again to finish)",
            dir.display()
        )));
    }
    let points = e.point_count() as usize;
    let mut sums = vec![0.0f64; points];
    let mut counts = vec![0u32; points];
    for r in sweep.catalogue.all_runs()? {
        let path = run_file(dir, r.run, "parquet");
        let table = read_run_table(dir, r.run)?;
        let Some(column) = table.column(metric) else {
            let metrics: Vec<&str> = table.names[5 + e.parameters.len()..]
                .iter()
                .map(String::as_str)
                .collect();
            return Err(LabError::input(format!(
                "--metric: the sweep did not keep `{}` (expected one of {})",
                metric,
                metrics.join(", ")
            )));
        };
        let Some(Column::Int(steps)) = table.column("step") else {
            return Err(LabError::failure(anyhow::anyhow!(
                "{}: no step column",
                path.display()
            )));
        };
        let row = match step {
            None => steps.len() - 1,
            Some(s) => steps.iter().position(|&x| x == s).ok_or_else(|| {
                LabError::input(format!(
                    "--step: run {} has no step {s} (it ran steps 0 to {})",
                    r.run,
                    steps.last().copied().unwrap_or(0)
                ))
            })?,
        };
        sums[r.point as usize] += column.number(row);
        counts[r.point as usize] += 1;
    }
    let y: Vec<f64> = sums
        .iter()
        .zip(&counts)
        .map(|(s, &c)| s / f64::from(c.max(1)))
        .collect();
    let k = e.parameters.len();
    let names = e.parameters.iter().map(|p| p.path.clone());
    let rows: Vec<Row> = match e.design {
        Design::Sobol { .. } => {
            let s = sobol_indices(&y, k, bootstrap as usize, e.seed);
            names
                .zip(s.first.into_iter().zip(s.total))
                .map(|(parameter, (first, total))| Row {
                    parameter,
                    first_order: Some(first),
                    total: Some(total),
                    mu: None,
                    mu_star: None,
                    sigma: None,
                })
                .collect()
        }
        _ => {
            let design = e.unit_design().unwrap_or_default();
            morris_indices(&design, &y, k, bootstrap as usize, e.seed)
                .into_iter()
                .zip(names)
                .map(|(m, parameter)| Row {
                    parameter,
                    first_order: None,
                    total: None,
                    mu: Some(m.mu),
                    mu_star: Some(m.mu_star),
                    sigma: Some(m.sigma),
                })
                .collect()
        }
    };
    Ok((e.design, rows, total))
}
