//! Calibration by simulation: a scenario's automaton searched (Nelder–Mead over a
//! technology's p and q, and optionally one more field) so that the simulated adoption share,
//! averaged over common seeds, matches observed cumulative sales over the market potential.

use crate::error::{LabError, LabResult};
use crate::load::{machine_limits, read_scenario};
use crate::variants::{check_variant, replication_seed};
use clusterlab_model::experiment::set_at;
use clusterlab_model::scenario::{parse_scenario_text, validate};
use clusterlab_model::{TechId, World};
use clusterlab_numerics::fit::BassFit;
use clusterlab_numerics::optimize::nelder_mead;
use serde::Serialize;
use std::path::PathBuf;

/// What a calibration searches.
#[derive(Clone, Debug)]
pub struct CalibrationOptions {
    /// The scenario whose automaton is calibrated.
    pub scenario: PathBuf,
    /// The technology calibrated (default: the scenario's first).
    pub technology: Option<String>,
    /// One more scenario field searched too, as PATH=MIN:MAX.
    pub parameter: Option<String>,
    /// Seeds averaged per evaluation (common to every candidate).
    pub replications: u32,
    /// Potential adopters the cumulative sales are divided by (default: the fit's m).
    pub market_potential: Option<f64>,
    /// Most simulations of candidates.
    pub evaluations: usize,
}

/// The automaton calibrated to observed sales.
#[derive(Clone, Debug, Serialize)]
pub struct Calibration {
    /// The scenario, as named.
    pub scenario: String,
    /// The technology calibrated.
    pub technology: String,
    /// Its external influence p found.
    pub p: f64,
    /// Its imitation q found.
    pub q: f64,
    /// The extra parameter's path and value found, when one was searched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<(String, f64)>,
    /// Sum of squared errors of the simulated share.
    pub sse: f64,
    /// Simulations of candidates.
    pub evaluations: usize,
    /// The simulated share per period at the best candidate, averaged over the seeds.
    pub simulated_share: Vec<f64>,
    /// The observed cumulative share per period.
    pub observed_share: Vec<f64>,
}

/// Searches the technology's p and q (and the extra parameter) for the simulated share
/// closest to the observed cumulative share.
pub fn calibrate(
    args: &CalibrationOptions,
    sales: &[f64],
    fit: &BassFit,
) -> LabResult<Calibration> {
    let (text, source, _) = read_scenario(Some(&args.scenario))?;
    let parsed = parse_scenario_text(&text, &source)
        .map_err(|p| LabError::inputs(p.0.iter().map(ToString::to_string).collect()))?;
    let limits = machine_limits()?;
    let (scenario, _) = validate(&parsed, None, limits)
        .map_err(|p| LabError::inputs(p.0.iter().map(ToString::to_string).collect()))?;
    let techs = scenario.technologies();
    let k = match &args.technology {
        Some(id) => techs.iter().position(|t| &t.id == id).ok_or_else(|| {
            let ids: Vec<&str> = techs.iter().map(|t| t.id.as_str()).collect();
            LabError::input(format!(
                "--technology: {source} has no technology `{id}` (expected one of {})",
                ids.join(", ")
            ))
        })?,
        None => 0,
    };
    let tech_id = techs[k].id.clone();
    let (start_p, start_q) = (techs[k].p, techs[k].q);
    let extra = match &args.parameter {
        None => None,
        Some(spec) => {
            let (path, range) = spec.split_once('=').ok_or_else(|| {
                LabError::input(format!("--parameter: `{spec}` is not PATH=MIN:MAX"))
            })?;
            let (lo, hi) = range
                .split_once(':')
                .and_then(|(a, b)| {
                    Some((a.trim().parse::<f64>().ok()?, b.trim().parse::<f64>().ok()?))
                })
                .filter(|(a, b)| a.is_finite() && b.is_finite() && a < b)
                .ok_or_else(|| {
                    LabError::input(format!(
                        "--parameter: `{range}` is not MIN:MAX with MIN < MAX"
                    ))
                })?;
            let path = path.trim().to_string();
            let searched = [format!("technology[{k}].p"), format!("technology[{k}].q")];
            if path == "seed" || path == "steps" || searched.contains(&path) {
                return Err(LabError::input(format!(
                    "--parameter: `{path}` cannot be searched: the calibration sets the seed, the steps (one per period) and the technology's p and q itself"
                )));
            }
            Some((path, lo, hi))
        }
    };
    // The scenario as checked, defaults filled in (a scenario without `[[technology]]` has
    // the default one), is what the candidates vary.
    let base = toml::Table::try_from(scenario.as_written())
        .map_err(|e| LabError::failure(anyhow::Error::new(e)))?;
    let m = match args.market_potential {
        Some(m) if m.is_finite() && m > 0.0 => m,
        Some(m) => {
            return Err(LabError::input(format!(
                "--market-potential: {m} is not a positive number"
            )))
        }
        None => fit.m.value,
    };
    let mut cumulative = 0.0;
    let observed: Vec<f64> = sales
        .iter()
        .map(|s| {
            cumulative += s;
            (cumulative / m).min(1.0)
        })
        .collect();
    let steps = sales.len() as u32;
    // One candidate's scenario, or why it is not one.
    let scenario_of = |x: &[f64], seed: u64| -> Result<clusterlab_model::Scenario, String> {
        let mut table = base.clone();
        set_at(
            &mut table,
            &format!("technology[{k}].p"),
            toml::Value::Float(x[0]),
        )?;
        set_at(
            &mut table,
            &format!("technology[{k}].q"),
            toml::Value::Float(x[1]),
        )?;
        if let Some((path, _, _)) = &extra {
            set_at(&mut table, path, toml::Value::Float(x[2]))?;
        }
        table.insert("steps".into(), toml::Value::Integer(i64::from(steps)));
        let text = toml::to_string(&table).map_err(|e| e.to_string())?;
        check_variant(&text, &source, Some(seed), None, limits).map_err(|e| e.to_string())
    };
    let start: Vec<f64> = match &extra {
        None => vec![start_p, start_q],
        Some((_, lo, hi)) => vec![start_p, start_q, 0.5 * (lo + hi)],
    };
    // The extra parameter must be settable before the search starts.
    scenario_of(&start, scenario.seed()).map_err(|e| {
        let option = if extra.is_some() {
            "--parameter"
        } else {
            "--calibrate"
        };
        LabError::input(format!("{option}: {e}"))
    })?;
    let simulate = |x: &[f64]| -> Vec<f64> {
        let mut mean = vec![0.0; sales.len()];
        for r in 0..args.replications {
            let Ok(s) = scenario_of(x, replication_seed(scenario.seed(), r)) else {
                return vec![f64::NAN; sales.len()];
            };
            let mut world = World::new(&s);
            for share in mean.iter_mut() {
                world.step();
                *share += world.adoption_share(TechId(k)) / f64::from(args.replications);
            }
        }
        mean
    };
    let sse = |x: &[f64]| -> f64 {
        let sim = simulate(x);
        let e: f64 = sim
            .iter()
            .zip(&observed)
            .map(|(s, o)| (s - o).powi(2))
            .sum();
        if e.is_nan() {
            f64::INFINITY
        } else {
            e
        }
    };
    let mut bounds = vec![(0.0, 1.0), (0.0, 1.0)];
    let mut step = vec![(start_p * 0.5).max(0.001), (start_q * 0.5).max(0.01)];
    if let Some((_, lo, hi)) = &extra {
        bounds.push((*lo, *hi));
        step.push(0.25 * (hi - lo));
    }
    let best = nelder_mead(sse, &start, &step, &bounds, 1e-10, args.evaluations.max(5));
    let simulated_share = simulate(&best.x);
    Ok(Calibration {
        scenario: source,
        technology: tech_id,
        p: best.x[0],
        q: best.x[1],
        parameter: extra.map(|(path, _, _)| (path, best.x[2])),
        sse: best.value,
        evaluations: best.evaluations,
        simulated_share,
        observed_share: observed,
    })
}
