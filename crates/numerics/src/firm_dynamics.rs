//! Estimators of firm dynamics, the measuring tools of the stylised facts (`clusterlab facts`):
//! Pareto tail exponents (Hill 1975; Clauset, Shalizi & Newman 2009), sample kurtosis, the
//! Subbotin (exponential power) density fitted by maximum likelihood (Bottazzi & Secchi
//! 2006), least squares with the slope's standard error (for log–log slopes), Spearman's rank
//! correlation, the share of a total held by the largest values, and the logistic curve fitted
//! by least squares (Griliches 1957).
//!
//! Every function takes plain numbers and never panics: too few or unusable values give
//! `None` or NaN, as each says. Reference values for the tests come from SciPy and from a
//! NumPy transcription of Clauset's `plfit.m`, computed by `tools/reference/firm_dynamics.py`
//! on data both sides generate from the same SplitMix64 stream.

use crate::optimize::nelder_mead;

/// A Pareto upper tail, `P(X > x) ∝ x^(−exponent)` for `x ≥ x_min`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TailFit {
    /// The tail exponent of the survival function (Zipf's law: 1).
    pub exponent: f64,
    /// Its asymptotic standard error, `exponent / √tail`.
    pub se: f64,
    /// Where the tail starts.
    pub x_min: f64,
    /// Values in the tail (`≥ x_min`; for Hill, the `k` largest).
    pub tail: usize,
    /// The Kolmogorov–Smirnov distance between the tail and the fitted law (CSN's criterion
    /// for `x_min`); NaN for Hill.
    pub ks: f64,
}

/// The positive, finite values of `values`, sorted ascending.
fn positive_sorted(values: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = values
        .iter()
        .copied()
        .filter(|x| x.is_finite() && *x > 0.0)
        .collect();
    v.sort_by(f64::total_cmp);
    v
}

/// Hill's (1975) estimator of the tail exponent from the `k` largest of the positive values:
/// `α̂ = k / Σ_{i=1..k} ln(X_(i) / X_(k+1))`, `X_(1) ≥ X_(2) ≥ …` the order statistics, the
/// threshold `X_(k+1)` the largest value left out. Standard error `α̂/√k` (Hill 1975;
/// asymptotically normal for a Pareto tail). `None` with `k < 2`, fewer than `k + 1` positive
/// values, or all `k` largest equal to the threshold.
pub fn hill(values: &[f64], k: usize) -> Option<TailFit> {
    let v = positive_sorted(values);
    let n = v.len();
    if k < 2 || n < k + 1 {
        return None;
    }
    let threshold = v[n - k - 1];
    let sum: f64 = v[n - k..].iter().map(|x| (x / threshold).ln()).sum();
    if sum <= 0.0 || !sum.is_finite() {
        return None;
    }
    let exponent = k as f64 / sum;
    Some(TailFit {
        exponent,
        se: exponent / (k as f64).sqrt(),
        x_min: threshold,
        tail: k,
        ks: f64::NAN,
    })
}

/// The continuous power law of Clauset, Shalizi & Newman (2009, SIAM Review 51, §3.3), as their
/// `plfit.m` computes it: for every distinct value `x_min` but the largest, leaving at least
/// `min_tail` values at or above it, the maximum-likelihood exponent of the tail
/// `ζ̂ = m / Σ ln(x_i / x_min)` (their `α̂ − 1`, eq. 3.1, with `m` values in the tail) and the
/// Kolmogorov–Smirnov distance `D = max_i |i/m − (1 − (x_min/z_i)^ζ̂)|` over the tail sorted
/// ascending (`i = 0 … m − 1`); the `x_min` with the least `D` wins (the first, if tied).
/// Standard error `ζ̂/√m` (eq. 3.2). `None` with no admissible `x_min`.
pub fn pareto_tail_csn(values: &[f64], min_tail: usize) -> Option<TailFit> {
    let v = positive_sorted(values);
    let n = v.len();
    let min_tail = min_tail.max(2);
    // Suffix sums of ln x: Σ_{i ≥ j} ln v_i.
    let mut suffix = vec![0.0; n + 1];
    for j in (0..n).rev() {
        suffix[j] = suffix[j + 1] + v[j].ln();
    }
    let mut best: Option<TailFit> = None;
    let mut j = 0;
    while j < n {
        let x_min = v[j];
        let m = n - j;
        if m < min_tail || x_min == v[n - 1] {
            break;
        }
        let sum = suffix[j] - m as f64 * x_min.ln();
        if sum > 0.0 {
            let zeta = m as f64 / sum;
            let mut d: f64 = 0.0;
            for (i, z) in v[j..].iter().enumerate() {
                let fitted = 1.0 - (x_min / z).powf(zeta);
                d = d.max((i as f64 / m as f64 - fitted).abs());
            }
            if best.is_none_or(|b| d < b.ks) {
                best = Some(TailFit {
                    exponent: zeta,
                    se: zeta / (m as f64).sqrt(),
                    x_min,
                    tail: m,
                    ks: d,
                });
            }
        }
        // The next distinct value.
        while j < n && v[j] == x_min {
            j += 1;
        }
    }
    best
}

/// The sample kurtosis `m₄ / m₂²` (central moments with `n` in the denominator; Pearson's,
/// not the excess: a Gaussian has 3, a Laplace 6). NaN below two finite values or with no
/// spread. SciPy: `scipy.stats.kurtosis(x, fisher=False, bias=True)`.
pub fn kurtosis(values: &[f64]) -> f64 {
    let v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    let n = v.len() as f64;
    if v.len() < 2 {
        return f64::NAN;
    }
    let mean = v.iter().sum::<f64>() / n;
    let (mut m2, mut m4) = (0.0, 0.0);
    for x in &v {
        let d2 = (x - mean) * (x - mean);
        m2 += d2;
        m4 += d2 * d2;
    }
    let (m2, m4) = (m2 / n, m4 / n);
    if m2 <= 0.0 {
        return f64::NAN;
    }
    m4 / (m2 * m2)
}

/// `ln Γ(x)` for `x > 0` (Lanczos 1964, g = 7, nine coefficients; relative error below 1e-14
/// over the range used here), with the reflection formula below 1/2.
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Γ(x)Γ(1 − x) = π / sin(πx).
        let s = (std::f64::consts::PI * x).sin();
        return (std::f64::consts::PI / s.abs()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// The Subbotin (exponential power) density of Bottazzi & Secchi (2006, RAND J. 37):
/// `f(x) = exp(−|x − μ|^b / (b a^b)) / (2 a b^(1/b) Γ(1 + 1/b))`; `b = 2` is the Gaussian
/// (sd `a`), `b = 1` the Laplace (scale `a`). SciPy's `gennorm(β = b, loc = μ,
/// scale = a·b^(1/b))` is the same law.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Subbotin {
    /// μ.
    pub location: f64,
    /// a.
    pub scale: f64,
    /// b: the lower, the fatter the tails (the "tent" of firm growth rates: b ≈ 1).
    pub shape: f64,
    /// The log-likelihood at the estimate.
    pub log_likelihood: f64,
}

/// The range of shapes [`subbotin`] searches: a fit at its lower end means the data pile up
/// at one value (the likelihood grows without bound as b → 0 around a point mass).
pub const SUBBOTIN_SHAPES: (f64, f64) = (0.1, 20.0);

/// The Subbotin law fitted by maximum likelihood (Bottazzi & Secchi 2006): the scale profiled
/// out in closed form, `a^b = (1/n) Σ |x − μ|^b`, which leaves
/// `ℓ(μ, b) = −n [ln 2 + ln a + (ln b)/b + ln Γ(1 + 1/b) + 1/b]`, maximised over μ (within
/// the data's range) and b (within [`SUBBOTIN_SHAPES`]) by Nelder–Mead from the median and
/// b = 1, with restarts. `None` below ten finite values or with no spread.
pub fn subbotin(values: &[f64]) -> Option<Subbotin> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.len() < 10 {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len() as f64;
    let (lo, hi) = (v[0], v[v.len() - 1]);
    if hi <= lo {
        return None;
    }
    let median = crate::stats::quantile(&v, 0.5);
    let mean = v.iter().sum::<f64>() / n;
    let sd = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
    let profile = |mu: f64, b: f64| -> (f64, f64) {
        let s: f64 = v.iter().map(|x| (x - mu).abs().powf(b)).sum::<f64>() / n;
        if s <= 0.0 {
            return (f64::NAN, f64::NEG_INFINITY);
        }
        let a = s.powf(1.0 / b);
        let ll =
            -n * (std::f64::consts::LN_2 + a.ln() + b.ln() / b + ln_gamma(1.0 + 1.0 / b) + 1.0 / b);
        (a, ll)
    };
    let objective = |p: &[f64]| {
        let (_, ll) = profile(p[0], p[1].exp());
        if ll.is_finite() {
            -ll
        } else {
            f64::INFINITY
        }
    };
    let (b_lo, b_hi) = (SUBBOTIN_SHAPES.0.ln(), SUBBOTIN_SHAPES.1.ln());
    let found = nelder_mead(
        objective,
        &[median, 0.0],
        &[0.1 * sd, 0.3],
        &[(lo, hi), (b_lo, b_hi)],
        1e-11 * n.max(1.0),
        20_000,
    );
    let (mu, b) = (found.x[0], found.x[1].exp());
    let (a, ll) = profile(mu, b);
    if !ll.is_finite() {
        return None;
    }
    Some(Subbotin {
        location: mu,
        scale: a,
        shape: b,
        log_likelihood: ll,
    })
}

/// The Subbotin law with its location given (e.g. the median, the maximum-likelihood location
/// of the Laplace), shape and scale by maximum likelihood: the scale profiled out as in
/// [`subbotin`], the profile log-likelihood maximised over ln b by a grid of 25 points across
/// [`SUBBOTIN_SHAPES`], then golden-section search between the best point's neighbours to
/// 1e-9 in ln b. One pass over the data per evaluation (about 70 in all), so it suits the
/// hundreds of thousands of firm-years of a panel where the joint fit is slow. `None` below
/// ten finite values, or when every value equals the location.
pub fn subbotin_at(values: &[f64], location: f64) -> Option<Subbotin> {
    let v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.len() < 10 || !location.is_finite() {
        return None;
    }
    let n = v.len() as f64;
    let logs: Vec<f64> = v
        .iter()
        .filter(|x| **x != location)
        .map(|x| (x - location).abs().ln())
        .collect();
    if logs.is_empty() {
        return None;
    }
    // ℓ at shape exp(lb); the values at the location contribute |x − μ|^b = 0.
    let profile = |lb: f64| -> (f64, f64) {
        let b = lb.exp();
        let s: f64 = logs.iter().map(|l| (b * l).exp()).sum::<f64>() / n;
        let a = s.powf(1.0 / b);
        let ll =
            -n * (std::f64::consts::LN_2 + a.ln() + b.ln() / b + ln_gamma(1.0 + 1.0 / b) + 1.0 / b);
        (a, if ll.is_nan() { f64::NEG_INFINITY } else { ll })
    };
    let (lo, hi) = (SUBBOTIN_SHAPES.0.ln(), SUBBOTIN_SHAPES.1.ln());
    const GRID: usize = 25;
    let grid: Vec<(f64, f64)> = (0..GRID)
        .map(|i| {
            let lb = lo + (hi - lo) * i as f64 / (GRID - 1) as f64;
            (lb, profile(lb).1)
        })
        .collect();
    let best = (0..GRID)
        .max_by(|&i, &j| grid[i].1.total_cmp(&grid[j].1))
        .unwrap_or(0);
    let (mut a, mut b) = (
        grid[best.saturating_sub(1)].0,
        grid[(best + 1).min(GRID - 1)].0,
    );
    let phi = (5f64.sqrt() - 1.0) / 2.0;
    let mut c = b - phi * (b - a);
    let mut d = a + phi * (b - a);
    let (mut fc, mut fd) = (profile(c).1, profile(d).1);
    while (b - a).abs() > 1e-9 {
        if fc >= fd {
            b = d;
            d = c;
            fd = fc;
            c = b - phi * (b - a);
            fc = profile(c).1;
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + phi * (b - a);
            fd = profile(d).1;
        }
    }
    let lb = (a + b) / 2.0;
    let (scale, ll) = profile(lb);
    if !ll.is_finite() {
        return None;
    }
    Some(Subbotin {
        location,
        scale,
        shape: lb.exp(),
        log_likelihood: ll,
    })
}

/// A straight line fitted by ordinary least squares.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Regression {
    /// The slope.
    pub slope: f64,
    /// The intercept.
    pub intercept: f64,
    /// The slope's standard error, `√(SSR / (n − 2) / Sxx)` (NaN with two points).
    pub slope_se: f64,
    /// The coefficient of determination.
    pub r_squared: f64,
    /// Points used.
    pub n: usize,
}

/// `y = intercept + slope·x` by ordinary least squares over the pairs where both are finite;
/// `None` below two pairs or with no spread in `x`. SciPy: `scipy.stats.linregress`.
pub fn ols(x: &[f64], y: &[f64]) -> Option<Regression> {
    let pairs: Vec<(f64, f64)> = x
        .iter()
        .zip(y)
        .map(|(&a, &b)| (a, b))
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .collect();
    let n = pairs.len();
    if n < 2 {
        return None;
    }
    let nf = n as f64;
    let mx = pairs.iter().map(|p| p.0).sum::<f64>() / nf;
    let my = pairs.iter().map(|p| p.1).sum::<f64>() / nf;
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in &pairs {
        sxx += (a - mx) * (a - mx);
        sxy += (a - mx) * (b - my);
        syy += (b - my) * (b - my);
    }
    if sxx <= 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    let ssr = (syy - slope * sxy).max(0.0);
    let slope_se = if n > 2 {
        (ssr / (nf - 2.0) / sxx).sqrt()
    } else {
        f64::NAN
    };
    Some(Regression {
        slope,
        intercept: my - slope * mx,
        slope_se,
        r_squared: if syy > 0.0 {
            sxy * sxy / (sxx * syy)
        } else {
            f64::NAN
        },
        n,
    })
}

/// The coefficients `b` of `y ≈ Σ_k b_k x_k` by ordinary least squares, the regressors given as
/// columns (a constant is a column of ones), over the rows where every value is finite: the
/// normal equations `(XᵀX) b = Xᵀy` solved by Gaussian elimination with partial pivoting. `None`
/// with fewer rows than regressors or collinear regressors (a pivot below `1e-12` of the
/// largest diagonal element). NumPy: `numpy.linalg.lstsq`. For the few regressors of a fact's
/// test; not for ill-conditioned designs.
pub fn least_squares(columns: &[&[f64]], y: &[f64]) -> Option<Vec<f64>> {
    let k = columns.len();
    let rows: Vec<usize> = (0..y.len())
        .filter(|&i| {
            y[i].is_finite()
                && columns
                    .iter()
                    .all(|c| c.get(i).is_some_and(|v| v.is_finite()))
        })
        .collect();
    if k == 0 || rows.len() < k {
        return None;
    }
    // The augmented normal equations [XᵀX | Xᵀy].
    let mut a = vec![vec![0.0; k + 1]; k];
    for &i in &rows {
        for (row, column) in a.iter_mut().zip(columns) {
            let xr = column[i];
            for (cell, other) in row.iter_mut().zip(columns) {
                *cell += xr * other[i];
            }
            row[k] += xr * y[i];
        }
    }
    let scale = (0..k).map(|r| a[r][r].abs()).fold(0.0, f64::max);
    if scale <= 0.0 {
        return None;
    }
    for col in 0..k {
        let pivot = (col..k).max_by(|&p, &q| a[p][col].abs().total_cmp(&a[q][col].abs()))?;
        if a[pivot][col].abs() <= 1e-12 * scale {
            return None;
        }
        a.swap(col, pivot);
        let pivot_row = a[col].clone();
        for row in a.iter_mut().skip(col + 1) {
            let factor = row[col] / pivot_row[col];
            for (cell, p) in row.iter_mut().zip(&pivot_row).skip(col) {
                *cell -= factor * p;
            }
        }
    }
    let mut b = vec![0.0; k];
    for r in (0..k).rev() {
        let tail: f64 = (r + 1..k).map(|c| a[r][c] * b[c]).sum();
        b[r] = (a[r][k] - tail) / a[r][r];
    }
    Some(b)
}

/// The slope of `ln y` on `ln x` (an elasticity; a power law's exponent) by [`ols`], over the
/// pairs where both are positive.
pub fn log_log_regression(x: &[f64], y: &[f64]) -> Option<Regression> {
    let (lx, ly): (Vec<f64>, Vec<f64>) = x
        .iter()
        .zip(y)
        .filter(|(a, b)| **a > 0.0 && **b > 0.0)
        .map(|(a, b)| (a.ln(), b.ln()))
        .unzip();
    ols(&lx, &ly)
}

/// Ranks 1 … n of `values`, ties given the mean of the ranks they span.
pub fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = rank;
        }
        i = j + 1;
    }
    ranks
}

/// Spearman's rank correlation: Pearson's correlation of the ranks (ties at their mean rank),
/// over the pairs where both are finite. NaN below three pairs or when either side is
/// constant. SciPy: `scipy.stats.spearmanr`.
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let (a, b): (Vec<f64>, Vec<f64>) = x
        .iter()
        .zip(y)
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .map(|(a, b)| (*a, *b))
        .unzip();
    if a.len() < 3 {
        return f64::NAN;
    }
    pearson(&ranks(&a), &ranks(&b))
}

/// Pearson's correlation of equally long `x` and `y` (NaN when either is constant).
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len()) as f64;
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
        sxy += (a - mx) * (b - my);
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return f64::NAN;
    }
    sxy / (sxx * syy).sqrt()
}

/// The share of the sum of the non-negative `values` held by the largest `⌈fraction·n⌉` of
/// them (at least one). NaN with no values or a zero sum.
pub fn top_share(values: &[f64], fraction: f64) -> f64 {
    let mut v: Vec<f64> = values
        .iter()
        .copied()
        .filter(|x| x.is_finite() && *x >= 0.0)
        .collect();
    let total: f64 = v.iter().sum();
    if v.is_empty() || total <= 0.0 {
        return f64::NAN;
    }
    v.sort_by(|a, b| b.total_cmp(a));
    let k = ((fraction.clamp(0.0, 1.0) * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[..k].iter().sum::<f64>() / total
}

/// A logistic curve `y(t) = ceiling / (1 + exp(−rate·(t − midpoint)))`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Logistic {
    /// The level it tends to (Griliches's ceiling).
    pub ceiling: f64,
    /// Its growth rate.
    pub rate: f64,
    /// Where it reaches half its ceiling: its inflection.
    pub midpoint: f64,
    /// `1 − SSE / SST` of the fit.
    pub r_squared: f64,
}

impl Logistic {
    /// The curve at `t`.
    pub fn at(&self, t: f64) -> f64 {
        self.ceiling / (1.0 + (-self.rate * (t - self.midpoint)).exp())
    }
}

/// The logistic curve fitted to `(t, y)` by least squares (Griliches 1957 fitted it to the
/// share of hybrid corn): Nelder–Mead over (ceiling, ln rate, midpoint) from the largest `y`,
/// the time it first reaches half of that, and a rate of 4 over the span of `t`, with the
/// ceiling in (0, 10], the rate in [1e-6, 1e3] and the midpoint within two spans of the data.
/// `None` below four finite points or with a constant `y`. SciPy:
/// `scipy.optimize.curve_fit` of the same curve.
pub fn logistic_fit(t: &[f64], y: &[f64]) -> Option<Logistic> {
    let pts: Vec<(f64, f64)> = t
        .iter()
        .zip(y)
        .map(|(&a, &b)| (a, b))
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .collect();
    if pts.len() < 4 {
        return None;
    }
    let n = pts.len() as f64;
    let mean_y = pts.iter().map(|p| p.1).sum::<f64>() / n;
    let sst: f64 = pts.iter().map(|p| (p.1 - mean_y).powi(2)).sum();
    let (t0, t1) = pts
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.0), hi.max(p.0))
        });
    let span = t1 - t0;
    if sst <= 0.0 || span <= 0.0 {
        return None;
    }
    let top = pts.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    let half = pts
        .iter()
        .find(|p| p.1 >= top / 2.0)
        .map_or(t0 + span / 2.0, |p| p.0);
    let sse = |p: &[f64]| -> f64 {
        let curve = Logistic {
            ceiling: p[0],
            rate: p[1].exp(),
            midpoint: p[2],
            r_squared: f64::NAN,
        };
        pts.iter().map(|(a, b)| (b - curve.at(*a)).powi(2)).sum()
    };
    let start = [top.max(1e-9), (4.0 / span).ln(), half];
    let found = nelder_mead(
        sse,
        &start,
        &[0.1 * top.abs().max(1e-9), 0.5, 0.1 * span],
        &[
            (1e-12, 10.0),
            (1e-6f64.ln(), 1e3f64.ln()),
            (t0 - 2.0 * span, t1 + 2.0 * span),
        ],
        1e-16 * sst.max(1e-300),
        20_000,
    );
    Some(Logistic {
        ceiling: found.x[0],
        rate: found.x[1].exp(),
        midpoint: found.x[2],
        r_squared: 1.0 - found.value / sst,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::SplitMix64;

    /// Draws as `tools/reference/firm_dynamics.py` makes them: SplitMix64 uniforms in (0, 1).
    fn uniforms(seed: u64, n: usize) -> Vec<f64> {
        let mut g = SplitMix64::new(seed);
        (0..n)
            .map(|_| g.next_f64() + 0.5 / 9_007_199_254_740_992.0)
            .collect()
    }

    /// Pareto with `x_min = 1` and survival exponent `alpha`, by inversion.
    fn pareto(seed: u64, n: usize, alpha: f64) -> Vec<f64> {
        uniforms(seed, n)
            .into_iter()
            .map(|u| (1.0 - u).powf(-1.0 / alpha))
            .collect()
    }

    /// Laplace with scale 1: an exponential magnitude with a fair sign.
    fn laplace(seed: u64, n: usize) -> Vec<f64> {
        let u = uniforms(seed, 2 * n);
        (0..n)
            .map(|i| {
                let e = -(1.0 - u[2 * i]).ln();
                if u[2 * i + 1] < 0.5 {
                    -e
                } else {
                    e
                }
            })
            .collect()
    }

    /// Standard normal by Box–Muller (the cosine branch).
    fn gaussian(seed: u64, n: usize) -> Vec<f64> {
        let u = uniforms(seed, 2 * n);
        (0..n)
            .map(|i| (-2.0 * u[2 * i].ln()).sqrt() * (std::f64::consts::TAU * u[2 * i + 1]).cos())
            .collect()
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1.0)
    }

    #[test]
    fn the_generators_match_the_reference_script() {
        // tools/reference/firm_dynamics.py: first values of each stream.
        let u = uniforms(1, 2);
        assert!(close(u[0], 0.566561575172281, 1e-15), "{u:?}");
        assert!(close(pareto(7, 1, 1.2)[0], 1.5093529511201593, 1e-12));
    }

    #[test]
    fn hill_reproduces_the_reference_and_recovers_a_pareto_exponent() {
        // Reference: the formula in NumPy on pareto(7, 2000, 1.2), k = 200
        // (tools/reference/firm_dynamics.py): 1.2497409948160776.
        let x = pareto(7, 2000, 1.2);
        let fit = hill(&x, 200).unwrap();
        assert!(close(fit.exponent, 1.2497409948160776, 1e-12), "{fit:?}");
        assert!(close(fit.se, fit.exponent / 200f64.sqrt(), 1e-15));
        // Sampling: 100,000 draws of Pareto(1.2), k = 10,000: se 0.012; within 4 se.
        let big = pareto(11, 100_000, 1.2);
        let fit = hill(&big, 10_000).unwrap();
        assert!((fit.exponent - 1.2).abs() < 4.0 * fit.se, "{fit:?}");
        // Closed form: exact quantiles x_i = (n/i)^(1/α) of a Pareto(0.8) give Hill's
        // estimate α·k / Σ ln(k+1 / i) → α.
        let exact: Vec<f64> = (1..=50_000)
            .map(|i| (50_000.0 / i as f64).powf(1.0 / 0.8))
            .collect();
        let fit = hill(&exact, 5_000).unwrap();
        assert!((fit.exponent - 0.8).abs() < 1e-3, "{fit:?}");
        // Unusable input.
        assert!(hill(&[1.0, 2.0], 2).is_none());
        assert!(hill(&[3.0; 10], 4).is_none());
        assert!(hill(&[f64::NAN, -1.0, 0.0], 2).is_none());
    }

    #[test]
    fn csn_reproduces_plfit() {
        // Reference: a NumPy transcription of Clauset's plfit.m (continuous), every distinct
        // value but the largest as x_min, on a mixture whose body is uniform on [0.1, 1] and
        // whose tail is Pareto(1.5) above 1 (tools/reference/firm_dynamics.py).
        let u = uniforms(21, 3000);
        let body = uniforms(22, 3000);
        let x: Vec<f64> = u
            .iter()
            .zip(&body)
            .enumerate()
            .map(|(i, (u, b))| {
                if i % 2 == 0 {
                    (1.0 - u).powf(-1.0 / 1.5)
                } else {
                    0.1 + 0.9 * b
                }
            })
            .collect();
        let fit = pareto_tail_csn(&x, 2).unwrap();
        assert!(close(fit.x_min, 0.9849988935133032, 1e-12), "{fit:?}");
        assert_eq!(fit.tail, 1536);
        assert!(close(fit.exponent, 1.5294715555159146, 1e-10), "{fit:?}");
        assert!(close(fit.ks, 0.017782972532607855, 1e-9), "{fit:?}");
        // A pure Pareto: the exponent within 3 se of the truth.
        let fit = pareto_tail_csn(&pareto(5, 4000, 1.06), 50).unwrap();
        assert!((fit.exponent - 1.06).abs() < 3.0 * fit.se, "{fit:?}");
        assert!(pareto_tail_csn(&[2.0; 30], 2).is_none());
    }

    #[test]
    fn kurtosis_matches_scipy_and_the_closed_forms() {
        // scipy.stats.kurtosis(x, fisher=False, bias=True) of laplace(3, 500).
        assert!(close(kurtosis(&laplace(3, 500)), 7.14391793716483, 1e-12));
        // Closed forms over 200,000 draws: Laplace 6 (se of the estimate ≈ √(2520/n) = 0.11 here),
        // Gaussian 3 (se ≈ √(24/n) = 0.011).
        assert!((kurtosis(&laplace(4, 200_000)) - 6.0).abs() < 0.4);
        assert!((kurtosis(&gaussian(5, 200_000)) - 3.0).abs() < 0.05);
        // Two points ±1: m4 / m2² = 1.
        assert_eq!(kurtosis(&[-1.0, 1.0]), 1.0);
        assert!(kurtosis(&[2.0; 5]).is_nan());
        assert!(kurtosis(&[1.0]).is_nan());
    }

    #[test]
    fn ln_gamma_matches_known_values() {
        // Γ(1/2) = √π; Γ(n) = (n − 1)!; scipy.special.gammaln(0.1) = 2.252712651734206,
        // gammaln(1 + 1/0.7) = 0.23572290330616147 (and 1 + 1/1.5).
        assert!(close(
            ln_gamma(0.5),
            std::f64::consts::PI.sqrt().ln(),
            1e-14
        ));
        assert!(close(ln_gamma(5.0), 24f64.ln(), 1e-14));
        assert!(close(ln_gamma(1.0), 0.0, 1e-14));
        assert!(close(ln_gamma(0.1), 2.252712651734206, 1e-13));
        assert!(close(ln_gamma(1.0 + 1.0 / 0.7), 0.23572290330616147, 1e-13));
        assert!(close(
            ln_gamma(1.0 + 1.0 / 1.5),
            -0.10231483296064064,
            1e-13
        ));
    }

    #[test]
    fn subbotin_matches_the_maximum_likelihood_of_scipy() {
        // Reference: the profile likelihood maximised in SciPy (minimize_scalar over b, the
        // location by a bounded scalar search for each b, tolerance 1e-12), cross-checked
        // with scipy.stats.gennorm.fit; laplace(8, 2000) and gaussian(9, 2000).
        let s = subbotin(&laplace(8, 2000)).unwrap();
        assert!(close(s.shape, 1.014086499792204, 5e-5), "{s:?}");
        assert!(close(s.scale, 1.0387538332662927, 5e-5), "{s:?}");
        assert!(close(s.location, -0.015254732750845369, 1e-5), "{s:?}");
        assert!(close(s.log_likelihood, -3450.523179313506, 1e-8), "{s:?}");
        let g = subbotin(&gaussian(9, 2000)).unwrap();
        assert!(close(g.shape, 1.9284953988107596, 5e-5), "{g:?}");
        assert!(close(g.scale, 1.0160516293223372, 5e-5), "{g:?}");
        assert!(close(g.location, 0.02332323061047281, 1e-5), "{g:?}");
        assert!(close(g.log_likelihood, -2896.419317768669, 1e-8), "{g:?}");
        // The density integrates to one: a check on the normalising constant.
        let b: f64 = 1.3;
        let a = 0.7;
        let c = 2.0 * a * b.powf(1.0 / b) * ln_gamma(1.0 + 1.0 / b).exp();
        let h = 1e-3;
        let integral: f64 = (-20_000..=20_000)
            .map(|i| {
                let x = i as f64 * h;
                (-x.abs().powf(b) / (b * a.powf(b))).exp() / c * h
            })
            .sum();
        assert!((integral - 1.0).abs() < 1e-6, "{integral}");
        assert!(subbotin(&[1.0; 20]).is_none());
        assert!(subbotin(&[1.0, 2.0]).is_none());
    }

    #[test]
    fn subbotin_at_a_given_location_matches_scipy() {
        // Reference: the profile likelihood at the median maximised by SciPy's bounded
        // minimize_scalar over ln b (tools/reference/firm_dynamics.py).
        let x = laplace(8, 2000);
        let median = crate::stats::quantile(
            &{
                let mut v = x.clone();
                v.sort_by(f64::total_cmp);
                v
            },
            0.5,
        );
        let s = subbotin_at(&x, median).unwrap();
        assert!(close(s.shape, 1.0140819663530067, 1e-6), "{s:?}");
        assert!(close(s.scale, 1.0387518929476192, 1e-6), "{s:?}");
        assert!(close(s.log_likelihood, -3450.5232150371735, 1e-12), "{s:?}");
        let g = subbotin_at(&gaussian(9, 2000), 0.0).unwrap();
        assert!(close(g.shape, 1.923585474594276, 1e-6), "{g:?}");
        assert!(close(g.scale, 1.0153577115068755, 1e-6), "{g:?}");
        assert!(close(g.log_likelihood, -2896.9317455609475, 1e-12), "{g:?}");
        // A point mass at the location: the fit runs to the lowest shape.
        let mut spiked = vec![0.0; 900];
        spiked.extend(laplace(3, 100));
        let d = subbotin_at(&spiked, 0.0).unwrap();
        assert!(d.shape <= SUBBOTIN_SHAPES.0 * (1.0 + 1e-6), "{d:?}");
        assert!(subbotin_at(&[1.0; 20], 1.0).is_none());
    }

    #[test]
    fn least_squares_match_linregress() {
        // scipy.stats.linregress(x, y) with x = 1…10 and y = 2 + 0.5x + e, e the first ten of
        // gaussian(12, 10) × 0.3.
        let x: Vec<f64> = (1..=10).map(f64::from).collect();
        let e = gaussian(12, 10);
        let y: Vec<f64> = x
            .iter()
            .zip(&e)
            .map(|(x, e)| 2.0 + 0.5 * x + 0.3 * e)
            .collect();
        let r = ols(&x, &y).unwrap();
        assert!(close(r.slope, 0.4673826848721892, 1e-12), "{r:?}");
        assert!(close(r.intercept, 2.294633622116856, 1e-12), "{r:?}");
        assert!(close(r.slope_se, 0.018552098753803058, 1e-10), "{r:?}");
        assert!(close(r.r_squared, 0.9875522480426666, 1e-12), "{r:?}");
        // A power law y = 3 x^-0.2 has log–log slope −0.2 exactly.
        let y: Vec<f64> = x.iter().map(|x| 3.0 * x.powf(-0.2)).collect();
        let r = log_log_regression(&x, &y).unwrap();
        assert!((r.slope + 0.2).abs() < 1e-12 && r.slope_se < 1e-12);
        assert!(ols(&[1.0, 1.0], &[1.0, 2.0]).is_none());
    }

    #[test]
    fn least_squares_match_numpy_lstsq() {
        // numpy.linalg.lstsq on i = 1…30, x1 = i, x2 = i² mod 7, x3 = sin i,
        // y = 1.5 + 0.25 x1 − 0.75 x2 + 2 x3 + 0.1 cos 3i, with a constant.
        let i: Vec<f64> = (1..=30).map(f64::from).collect();
        let ones = vec![1.0; 30];
        let x2: Vec<f64> = i.iter().map(|i| (i * i) % 7.0).collect();
        let x3: Vec<f64> = i.iter().map(|i| i.sin()).collect();
        let y: Vec<f64> = (0..30)
            .map(|k| 1.5 + 0.25 * i[k] - 0.75 * x2[k] + 2.0 * x3[k] + 0.1 * (3.0 * i[k]).cos())
            .collect();
        let b = least_squares(&[&ones, &i, &x2, &x3], &y).unwrap();
        let numpy = [
            1.4925454084458423,
            0.25021340312918433,
            -0.7490971649949955,
            2.0003519265389778,
        ];
        for (b, n) in b.iter().zip(numpy) {
            assert!(close(*b, n, 1e-10), "{b} against {n}");
        }
        // One regressor and a constant: the simple regression.
        let r = ols(&i, &y).unwrap();
        let b = least_squares(&[&ones, &i], &y).unwrap();
        assert!(close(b[0], r.intercept, 1e-10) && close(b[1], r.slope, 1e-10));
        // Collinear regressors, too few rows, a row with a NaN left out.
        let twice: Vec<f64> = i.iter().map(|v| 2.0 * v).collect();
        assert!(least_squares(&[&ones, &i, &twice], &y).is_none());
        assert!(least_squares(&[&ones[..1], &i[..1]], &y[..1]).is_none());
        let mut holed = y.clone();
        holed[0] = f64::NAN;
        let b = least_squares(&[&ones, &i], &holed).unwrap();
        let r = ols(&i[1..], &y[1..]).unwrap();
        assert!(close(b[1], r.slope, 1e-10));
    }

    #[test]
    fn spearman_matches_scipy_with_ties() {
        // scipy.stats.spearmanr([1, 2, 2, 3, 5, 4, 7], [2, 1, 4, 4, 6, 9, 8]).statistic.
        let r = spearman(
            &[1.0, 2.0, 2.0, 3.0, 5.0, 4.0, 7.0],
            &[2.0, 1.0, 4.0, 4.0, 6.0, 9.0, 8.0],
        );
        assert!(close(r, 0.8090909090909091, 1e-12), "{r}");
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
        assert!((spearman(&[1.0, 2.0, 3.0], &[30.0, 20.0, 10.0]) + 1.0).abs() < 1e-15);
        assert!(spearman(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]).is_nan());
        assert!(spearman(&[1.0, 2.0], &[1.0, 2.0]).is_nan());
    }

    #[test]
    fn top_shares_count_the_largest() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        // The largest one of ten (⌈0.1·10⌉ = 1): 10 / 55.
        assert!(close(top_share(&v, 0.1), 10.0 / 55.0, 1e-15));
        // ⌈0.25·10⌉ = 3: (10 + 9 + 8) / 55.
        assert!(close(top_share(&v, 0.25), 27.0 / 55.0, 1e-15));
        assert!(top_share(&[0.0, 0.0], 0.1).is_nan());
        assert!(top_share(&[], 0.1).is_nan());
    }

    #[test]
    fn logistic_fits_match_curve_fit() {
        // An exact logistic is recovered.
        let t: Vec<f64> = (0..40).map(f64::from).collect();
        let truth = Logistic {
            ceiling: 0.7,
            rate: 0.3,
            midpoint: 18.0,
            r_squared: 1.0,
        };
        let y: Vec<f64> = t.iter().map(|&t| truth.at(t)).collect();
        let fit = logistic_fit(&t, &y).unwrap();
        assert!((fit.ceiling - 0.7).abs() < 1e-6, "{fit:?}");
        assert!((fit.rate - 0.3).abs() < 1e-5, "{fit:?}");
        assert!((fit.midpoint - 18.0).abs() < 1e-4, "{fit:?}");
        assert!(fit.r_squared > 1.0 - 1e-10);
        // With noise: scipy.optimize.curve_fit(p0 = [0.7, 0.3, 18]) on y + 0.02·gaussian(13, 40).
        let e = gaussian(13, 40);
        let noisy: Vec<f64> = y.iter().zip(&e).map(|(y, e)| y + 0.02 * e).collect();
        let fit = logistic_fit(&t, &noisy).unwrap();
        assert!(close(fit.ceiling, 0.6982568627313874, 1e-5), "{fit:?}");
        assert!(close(fit.rate, 0.2998042473664873, 1e-4), "{fit:?}");
        assert!(close(fit.midpoint, 17.926864155105537, 1e-5), "{fit:?}");
        assert!(logistic_fit(&t[..3], &y[..3]).is_none());
        assert!(logistic_fit(&t, &vec![0.5; 40]).is_none());
    }
}
