//! Derivative-free minimisation: the Nelder–Mead simplex method (Nelder & Mead 1965, with the
//! standard coefficients of Lagarias et al. 1998), for objectives that are simulations.

/// The result of a minimisation.
#[derive(Clone, Debug, PartialEq)]
pub struct Minimum {
    /// The best point found.
    pub x: Vec<f64>,
    /// The objective there.
    pub value: f64,
    /// Objective evaluations made.
    pub evaluations: usize,
}

/// Minimises `f` from `start`, with initial steps `step` per coordinate, until the simplex's
/// values differ by less than `tolerance` (absolute) or `max_evaluations` is reached; then
/// restarts from the best point with a fresh simplex, as long as a restart improves on it by
/// more than `tolerance` (a simplex can collapse on the flat steps of a simulated objective).
/// Points outside `bounds` (per coordinate, inclusive) are clamped onto them.
pub fn nelder_mead(
    mut f: impl FnMut(&[f64]) -> f64,
    start: &[f64],
    step: &[f64],
    bounds: &[(f64, f64)],
    tolerance: f64,
    max_evaluations: usize,
) -> Minimum {
    let mut best = simplex_search(&mut f, start, step, bounds, tolerance, max_evaluations);
    loop {
        let left = max_evaluations.saturating_sub(best.evaluations);
        if left <= start.len() + 1 {
            return best;
        }
        let again = simplex_search(&mut f, &best.x, step, bounds, tolerance, left);
        let improved = again.value < best.value - tolerance;
        let evaluations = best.evaluations + again.evaluations;
        if improved {
            best = Minimum {
                evaluations,
                ..again
            };
        } else {
            best.evaluations = evaluations;
            return best;
        }
    }
}

/// One Nelder–Mead search.
fn simplex_search(
    mut f: impl FnMut(&[f64]) -> f64,
    start: &[f64],
    step: &[f64],
    bounds: &[(f64, f64)],
    tolerance: f64,
    max_evaluations: usize,
) -> Minimum {
    let n = start.len();
    let clamp = |x: &mut Vec<f64>| {
        for (v, &(lo, hi)) in x.iter_mut().zip(bounds) {
            *v = v.clamp(lo, hi);
        }
    };
    let mut evaluations = 0;
    let mut eval = |x: &[f64], evaluations: &mut usize| {
        *evaluations += 1;
        f(x)
    };
    let mut simplex: Vec<(Vec<f64>, f64)> = Vec::with_capacity(n + 1);
    let mut x0 = start.to_vec();
    clamp(&mut x0);
    let v0 = eval(&x0, &mut evaluations);
    simplex.push((x0.clone(), v0));
    for i in 0..n {
        let mut x = x0.clone();
        x[i] += step[i];
        if x[i] > bounds[i].1 {
            x[i] = x0[i] - step[i];
        }
        clamp(&mut x);
        let v = eval(&x, &mut evaluations);
        simplex.push((x, v));
    }
    while evaluations < max_evaluations {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        if simplex[n].1 - simplex[0].1 <= tolerance {
            break;
        }
        let centroid: Vec<f64> = (0..n)
            .map(|j| simplex[..n].iter().map(|(x, _)| x[j]).sum::<f64>() / n as f64)
            .collect();
        let towards = |t: f64, from: &[f64]| -> Vec<f64> {
            let mut x: Vec<f64> = centroid
                .iter()
                .zip(from)
                .map(|(c, w)| c + t * (w - c))
                .collect();
            clamp(&mut x);
            x
        };
        let worst = simplex[n].0.clone();
        let reflected = towards(-1.0, &worst);
        let vr = eval(&reflected, &mut evaluations);
        if vr < simplex[0].1 {
            let expanded = towards(-2.0, &worst);
            let ve = eval(&expanded, &mut evaluations);
            simplex[n] = if ve < vr {
                (expanded, ve)
            } else {
                (reflected, vr)
            };
        } else if vr < simplex[n - 1].1 {
            simplex[n] = (reflected, vr);
        } else {
            let (contracted, vc) = if vr < simplex[n].1 {
                let c = towards(-0.5, &worst);
                let v = eval(&c, &mut evaluations);
                (c, v)
            } else {
                let c = towards(0.5, &worst);
                let v = eval(&c, &mut evaluations);
                (c, v)
            };
            if vc < simplex[n].1.min(vr) {
                simplex[n] = (contracted, vc);
            } else {
                // Shrink towards the best.
                let best = simplex[0].0.clone();
                for entry in simplex.iter_mut().skip(1) {
                    let mut x: Vec<f64> = best
                        .iter()
                        .zip(&entry.0)
                        .map(|(b, w)| b + 0.5 * (w - b))
                        .collect();
                    clamp(&mut x);
                    let v = eval(&x, &mut evaluations);
                    *entry = (x, v);
                }
            }
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    let (x, value) = simplex.swap_remove(0);
    Minimum {
        x,
        value,
        evaluations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_rosenbrock_minimum() {
        let rosenbrock = |x: &[f64]| (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2);
        let m = nelder_mead(
            rosenbrock,
            &[-1.2, 1.0],
            &[0.5, 0.5],
            &[(-5.0, 5.0); 2],
            1e-14,
            5000,
        );
        assert!(
            (m.x[0] - 1.0).abs() < 1e-3 && (m.x[1] - 1.0).abs() < 2e-3,
            "{m:?}"
        );
    }

    #[test]
    fn respects_bounds() {
        let m = nelder_mead(
            |x: &[f64]| (x[0] + 3.0).powi(2),
            &[0.5],
            &[0.2],
            &[(0.0, 1.0)],
            1e-12,
            500,
        );
        assert_eq!(m.x[0], 0.0);
    }
}
