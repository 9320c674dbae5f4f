//! Helpers shared by the Monte-Carlo tests.

use clusterlab_analysis::stats::Moments;

/// Mean and standard error of the paired differences `a − b` (common random numbers: the
/// same seed for both members of a pair).
pub fn paired(a: &[f64], b: &[f64]) -> (f64, f64) {
    let mut d = Moments::default();
    for (x, y) in a.iter().zip(b) {
        d.push(x - y);
    }
    (d.mean(), d.sd() / (d.count() as f64).sqrt())
}
