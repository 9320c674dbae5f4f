//! Helpers shared by the Monte-Carlo tests.

use clusterlab_model::scenario::{parse_scenario_text, validate, Limits};
use clusterlab_model::Scenario;
use clusterlab_numerics::stats::Moments;

/// Mean and standard error of the paired differences `a − b` (common random numbers: the
/// same seed for both members of a pair).
pub fn paired(a: &[f64], b: &[f64]) -> (f64, f64) {
    let mut d = Moments::default();
    for (x, y) in a.iter().zip(b) {
        d.push(x - y);
    }
    (d.mean(), d.sd() / (d.count() as f64).sqrt())
}

/// The scenario of TOML `text` with `seed = seed` put first; panics on a problem.
pub fn scenario(text: &str, seed: u64) -> Scenario {
    let parsed = parse_scenario_text(&format!("seed = {seed}\n{text}"), "test.toml")
        .unwrap_or_else(|p| panic!("{p}"));
    validate(&parsed, None, Limits::default())
        .unwrap_or_else(|p| panic!("{p}"))
        .0
}
