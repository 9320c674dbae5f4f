//! Fitting the Bass model to observed sales: Bass's (1969) ordinary least squares on the
//! discrete analogue, and non-linear least squares on the closed form (Srinivasan & Mason
//! 1986), each with standard errors.
//!
//! - **OLS**: `S_t = a + b·Y_{t−1} + c·Y_{t−1}²`, `Y_{t−1}` the cumulative sales before period
//!   `t`; then `m` is the positive root of `c·m² + b·m + a = 0`, `p = a/m`, `q = −c·m`. Standard
//!   errors of `a, b, c` from `σ²(XᵀX)⁻¹`, carried to `m, p, q` by the delta method.
//! - **NLS**: `S_t = m·[F(t) − F(t − 1)]` with Bass's `F`, minimised by Levenberg–Marquardt from
//!   the OLS estimates; standard errors from `σ²(JᵀJ)⁻¹` at the optimum, `σ² = SSE/(n − 3)`.

use crate::bass::Bass;

/// An estimate with its standard error.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Estimate {
    /// The value.
    pub value: f64,
    /// Its standard error (NaN when it cannot be computed).
    pub se: f64,
}

/// A fitted Bass model.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct BassFit {
    /// Market potential.
    pub m: Estimate,
    /// Coefficient of innovation.
    pub p: Estimate,
    /// Coefficient of imitation.
    pub q: Estimate,
    /// Sum of squared errors of the fitted sales.
    pub sse: f64,
    /// `1 − SSE/SST` of the fitted sales.
    pub r_squared: f64,
    /// Fitted sales per period.
    pub fitted: Vec<f64>,
}

/// Why a fit failed.
#[derive(Clone, Debug, PartialEq)]
pub enum FitError {
    /// Fewer periods than parameters plus one.
    TooFew(usize),
    /// The OLS quadratic has no positive root (`c` not negative, or a negative discriminant).
    NoMarketPotential,
    /// The normal equations are singular.
    Singular,
    /// NLS did not converge.
    NoConvergence,
}

impl std::fmt::Display for FitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FitError::TooFew(n) => write!(f, "{n} periods are too few to fit three parameters (expected at least 4)"),
            FitError::NoMarketPotential => write!(f, "the sales do not bend over: Bass's regression gives no positive market potential (the data show no saturation yet)"),
            FitError::Singular => write!(f, "the regression is singular (constant or collinear data)"),
            FitError::NoConvergence => write!(f, "non-linear least squares did not converge"),
        }
    }
}

impl std::error::Error for FitError {}

/// Solves the symmetric 3×3 system `a x = b` by Gaussian elimination with partial pivoting;
/// returns the inverse too.
fn solve3(a: [[f64; 3]; 3]) -> Option<[[f64; 3]; 3]> {
    let mut m = [[0.0; 6]; 3];
    for i in 0..3 {
        m[i][..3].copy_from_slice(&a[i]);
        m[i][3 + i] = 1.0;
    }
    let scale = a.iter().flatten().fold(0.0f64, |s, v| s.max(v.abs()));
    for col in 0..3 {
        let pivot = (col..3).max_by(|&x, &y| m[x][col].abs().total_cmp(&m[y][col].abs()))?;
        if m[pivot][col].abs() <= 1e-14 * scale {
            return None;
        }
        m.swap(col, pivot);
        let d = m[col][col];
        for v in m[col].iter_mut() {
            *v /= d;
        }
        for row in 0..3 {
            if row != col {
                let f = m[row][col];
                let pivot_row = m[col];
                for (v, p) in m[row].iter_mut().zip(pivot_row) {
                    *v -= f * p;
                }
            }
        }
    }
    Some([0, 1, 2].map(|i| [m[i][3], m[i][4], m[i][5]]))
}

fn sse_and_r2(sales: &[f64], fitted: &[f64]) -> (f64, f64) {
    let mean = sales.iter().sum::<f64>() / sales.len() as f64;
    let sse: f64 = sales.iter().zip(fitted).map(|(s, f)| (s - f).powi(2)).sum();
    let sst: f64 = sales.iter().map(|s| (s - mean).powi(2)).sum();
    (sse, if sst > 0.0 { 1.0 - sse / sst } else { f64::NAN })
}

/// Bass's OLS fit of sales per period (periods 1, 2, …).
pub fn bass_ols(sales: &[f64]) -> Result<BassFit, FitError> {
    let n = sales.len();
    if n < 4 {
        return Err(FitError::TooFew(n));
    }
    let mut cumulative = 0.0;
    let rows: Vec<[f64; 3]> = sales
        .iter()
        .map(|&s| {
            let row = [1.0, cumulative, cumulative * cumulative];
            cumulative += s;
            row
        })
        .collect();
    let mut xtx = [[0.0; 3]; 3];
    let mut xty = [0.0; 3];
    for (row, &s) in rows.iter().zip(sales) {
        for i in 0..3 {
            xty[i] += row[i] * s;
            for j in 0..3 {
                xtx[i][j] += row[i] * row[j];
            }
        }
    }
    let inv = solve3(xtx).ok_or(FitError::Singular)?;
    let coef: [f64; 3] = [0, 1, 2].map(|i| (0..3).map(|j| inv[i][j] * xty[j]).sum());
    let [a, b, c] = coef;
    let discriminant = b * b - 4.0 * a * c;
    if c >= 0.0 || discriminant < 0.0 {
        return Err(FitError::NoMarketPotential);
    }
    let m = (-b - discriminant.sqrt()) / (2.0 * c);
    if m <= 0.0 {
        return Err(FitError::NoMarketPotential);
    }
    let (p, q) = (a / m, -c * m);
    let fitted: Vec<f64> = rows.iter().map(|r| a + b * r[1] + c * r[2]).collect();
    let (sse, r_squared) = sse_and_r2(sales, &fitted);
    let sigma2 = sse / (n - 3) as f64;
    let cov = inv.map(|row| row.map(|v| v * sigma2));
    // Delta method: m from a, b, c by implicit differentiation of c m² + b m + a = 0.
    let dm_d = {
        let denom = 2.0 * c * m + b;
        [-1.0 / denom, -m / denom, -m * m / denom]
    };
    let grad_p = [
        1.0 / m - a / (m * m) * dm_d[0],
        -a / (m * m) * dm_d[1],
        -a / (m * m) * dm_d[2],
    ];
    let grad_q = [-c * dm_d[0], -c * dm_d[1], -m - c * dm_d[2]];
    let se = |g: [f64; 3]| {
        let v: f64 = (0..3)
            .map(|i| (0..3).map(|j| g[i] * cov[i][j] * g[j]).sum::<f64>())
            .sum();
        v.max(0.0).sqrt()
    };
    Ok(BassFit {
        m: Estimate {
            value: m,
            se: se(dm_d),
        },
        p: Estimate {
            value: p,
            se: se(grad_p),
        },
        q: Estimate {
            value: q,
            se: se(grad_q),
        },
        sse,
        r_squared,
        fitted,
    })
}

/// Sales in period `t` (1-based) of the Bass model: `m·[F(t) − F(t − 1)]`.
fn period_sales(m: f64, p: f64, q: f64, t: f64) -> f64 {
    let b = Bass { p, q, m };
    b.adopters(t) - b.adopters(t - 1.0)
}

/// Non-linear least squares fit, started from `start` (m, p, q), usually the OLS estimates.
pub fn bass_nls(sales: &[f64], start: [f64; 3]) -> Result<BassFit, FitError> {
    let n = sales.len();
    if n < 4 {
        return Err(FitError::TooFew(n));
    }
    let residuals = |x: [f64; 3]| -> Vec<f64> {
        (1..=n)
            .map(|t| sales[t - 1] - period_sales(x[0], x[1], x[2], t as f64))
            .collect()
    };
    let sse_of = |x: [f64; 3]| residuals(x).iter().map(|r| r * r).sum::<f64>();
    // Central-difference Jacobian of the fitted sales with respect to (m, p, q).
    let jacobian = |x: [f64; 3]| -> Vec<[f64; 3]> {
        (1..=n)
            .map(|t| {
                let mut row = [0.0; 3];
                for (i, r) in row.iter_mut().enumerate() {
                    let h = 1e-6 * x[i].abs().max(1e-8);
                    let (mut up, mut down) = (x, x);
                    up[i] += h;
                    down[i] -= h;
                    *r = (period_sales(up[0], up[1], up[2], t as f64)
                        - period_sales(down[0], down[1], down[2], t as f64))
                        / (2.0 * h);
                }
                row
            })
            .collect()
    };
    let valid = |x: [f64; 3]| x[0] > 0.0 && x[1] > 0.0 && x[2] >= 0.0;
    let mut x = start;
    if !valid(x) {
        return Err(FitError::NoConvergence);
    }
    let mut sse = sse_of(x);
    let mut lambda = 1e-3;
    let mut converged = false;
    for _ in 0..500 {
        let j = jacobian(x);
        let r = residuals(x);
        let mut jtj = [[0.0; 3]; 3];
        let mut jtr = [0.0; 3];
        for (row, ri) in j.iter().zip(&r) {
            for a in 0..3 {
                jtr[a] += row[a] * ri;
                for b in 0..3 {
                    jtj[a][b] += row[a] * row[b];
                }
            }
        }
        let mut improved = false;
        for _ in 0..30 {
            let mut damped = jtj;
            for (a, row) in damped.iter_mut().enumerate() {
                row[a] += lambda * jtj[a][a];
            }
            let Some(inv) = solve3(damped) else {
                lambda *= 10.0;
                continue;
            };
            let step: [f64; 3] = [0, 1, 2].map(|a| (0..3).map(|b| inv[a][b] * jtr[b]).sum());
            let trial = [x[0] + step[0], x[1] + step[1], x[2] + step[2]];
            if valid(trial) {
                let trial_sse = sse_of(trial);
                if trial_sse < sse {
                    let relative = (sse - trial_sse) / sse.max(f64::MIN_POSITIVE);
                    x = trial;
                    sse = trial_sse;
                    lambda = (lambda / 10.0).max(1e-12);
                    improved = true;
                    if relative < 1e-14 {
                        converged = true;
                    }
                    break;
                }
            }
            lambda *= 10.0;
        }
        if !improved || converged {
            converged = true;
            break;
        }
    }
    if !converged {
        return Err(FitError::NoConvergence);
    }
    let fitted: Vec<f64> = (1..=n)
        .map(|t| period_sales(x[0], x[1], x[2], t as f64))
        .collect();
    let (sse, r_squared) = sse_and_r2(sales, &fitted);
    let sigma2 = sse / (n - 3) as f64;
    let j = jacobian(x);
    let mut jtj = [[0.0; 3]; 3];
    for row in &j {
        for a in 0..3 {
            for b in 0..3 {
                jtj[a][b] += row[a] * row[b];
            }
        }
    }
    let se = solve3(jtj).map_or([f64::NAN; 3], |inv| {
        [0, 1, 2].map(|i| (sigma2 * inv[i][i]).max(0.0).sqrt())
    });
    Ok(BassFit {
        m: Estimate {
            value: x[0],
            se: se[0],
        },
        p: Estimate {
            value: x[1],
            se: se[1],
        },
        q: Estimate {
            value: x[2],
            se: se[2],
        },
        sse,
        r_squared,
        fitted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Room air conditioners, US sales 1949–1961 (thousands; Bass 1969).
    const AIR_CONDITIONERS: [f64; 13] = [
        96.0, 195.0, 238.0, 380.0, 1045.0, 1230.0, 1267.0, 1828.0, 1586.0, 1673.0, 1800.0, 1580.0,
        1500.0,
    ];

    fn three_digits(got: f64, want: f64) {
        assert!(
            (got - want).abs() <= 0.5e-2 * want.abs(),
            "{got} vs {want} (3 significant digits)"
        );
    }

    /// `docs/references.md`: OLS m = 17091.3, p = 0.01699, q = 0.40495.
    #[test]
    fn ols_reproduces_the_published_fit() {
        let fit = bass_ols(&AIR_CONDITIONERS).unwrap();
        three_digits(fit.m.value, 17091.3);
        three_digits(fit.p.value, 0.01699);
        three_digits(fit.q.value, 0.40495);
        assert!(fit.m.se > 0.0 && fit.p.se > 0.0 && fit.q.se > 0.0);
        assert!(fit.r_squared > 0.8);
    }

    /// `docs/references.md`: NLS m = 18712.7, p = 0.00944, q = 0.37476, SSE 341468.4.
    #[test]
    fn nls_reproduces_the_published_fit() {
        let ols = bass_ols(&AIR_CONDITIONERS).unwrap();
        let fit = bass_nls(&AIR_CONDITIONERS, [ols.m.value, ols.p.value, ols.q.value]).unwrap();
        three_digits(fit.m.value, 18712.7);
        three_digits(fit.p.value, 0.00944);
        three_digits(fit.q.value, 0.37476);
        three_digits(fit.sse, 341468.4);
        assert!(fit.sse < ols.sse, "NLS minimises the SSE of the curve");
    }

    /// Exact data from known parameters are recovered by both methods' NLS, and the standard
    /// errors vanish.
    #[test]
    fn exact_bass_sales_are_recovered() {
        let sales: Vec<f64> = (1..=15)
            .map(|t| period_sales(5000.0, 0.02, 0.45, f64::from(t)))
            .collect();
        let fit = bass_nls(&sales, [4000.0, 0.03, 0.3]).unwrap();
        assert!((fit.m.value - 5000.0).abs() < 1e-3, "{}", fit.m.value);
        assert!((fit.p.value - 0.02).abs() < 1e-8);
        assert!((fit.q.value - 0.45).abs() < 1e-8);
        assert!(fit.sse < 1e-12);
    }

    #[test]
    fn unusable_data_are_refused() {
        assert_eq!(bass_ols(&[1.0, 2.0, 3.0]), Err(FitError::TooFew(3)));
        // Accelerating sales: no saturation, no market potential.
        assert_eq!(
            bass_ols(&[1.0, 2.0, 4.0, 8.0, 16.0, 32.0]),
            Err(FitError::NoMarketPotential)
        );
    }
}
