//! Multi-criteria evaluation: weights by the analytic hierarchy process or by entropy, and
//! scores by TOPSIS or fuzzy comprehensive evaluation.
//!
//! - **AHP** (Saaty 1980): weights are the principal eigenvector of a positive reciprocal
//!   pairwise-comparison matrix; consistency `CI = (λmax − n)/(n − 1)`, `CR = CI/RI`,
//!   acceptable below 0.1. `RI` is a parameter, Saaty's table by default.
//! - **Entropy weights** (the entropy weight method): `p_ij = x_ij / Σ_i x_ij`,
//!   `e_j = −(1/ln m) Σ_i p_ij ln p_ij`, `w_j = (1 − e_j) / Σ_k (1 − e_k)`.
//! - **TOPSIS** (Hwang & Yoon 1981): normalise (vector or min-max), weight, measure each
//!   alternative's distance to the ideal and the anti-ideal; closeness `d⁻ / (d⁺ + d⁻)`.
//! - **Fuzzy comprehensive evaluation**: `B = W ∘ R` with the weighted-average operator
//!   `b_j = Σ_i w_i r_ij` or Zadeh's max-min operator `b_j = max_i min(w_i, r_ij)`; a score is
//!   `Σ_j b_j v_j / Σ_j b_j` for grade values `v`.
//!
//! Inputs are checked; every error names the row and column it is about (counting from 1).

use std::fmt;

/// Saaty's random consistency index by matrix size `n` (index n; 0 for n ≤ 2).
pub const SAATY_RANDOM_INDEX: [f64; 11] = [
    0.0, 0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49,
];

/// The consistency ratio above which a comparison matrix should be revised.
pub const CR_LIMIT: f64 = 0.1;

/// Relative tolerance of `a_ij · a_ji = 1` (so that 0.33 stands for 1/3).
pub const RECIPROCAL_TOLERANCE: f64 = 0.02;

/// What is wrong with an evaluation's input.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum McdaError {
    /// No rows, or no columns.
    Empty,
    /// A row whose length differs from what it should be.
    RowLength {
        /// Row, from 1.
        row: usize,
        /// Its length.
        found: usize,
        /// The length expected.
        expected: usize,
    },
    /// A value that is not allowed where it is.
    Value {
        /// Row, from 1.
        row: usize,
        /// Column, from 1.
        column: usize,
        /// The value.
        value: f64,
        /// What was expected.
        expected: &'static str,
    },
    /// `a_ij · a_ji` is not 1.
    Reciprocal {
        /// Row, from 1.
        row: usize,
        /// Column, from 1.
        column: usize,
        /// `a_ij`.
        value: f64,
        /// `a_ji`.
        mirror: f64,
    },
    /// No random index for a matrix this large.
    NoRandomIndex {
        /// The matrix size.
        n: usize,
    },
    /// A column that carries no information (entropy: every value zero).
    ZeroColumn {
        /// Column, from 1.
        column: usize,
    },
    /// Too few alternatives for the method.
    TooFew {
        /// How many there are.
        found: usize,
        /// How many the method needs.
        needed: usize,
    },
}

impl fmt::Display for McdaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            McdaError::Empty => f.write_str("the matrix is empty (expected at least one row and column)"),
            McdaError::RowLength { row, found, expected } => write!(
                f,
                "row {row} has {found} values (expected {expected}: the matrix must be square, or have one value per criterion)"
            ),
            McdaError::Value { row, column, value, expected } => {
                write!(f, "row {row}, column {column}: {value} (expected {expected})")
            }
            McdaError::Reciprocal { row, column, value, mirror } => write!(
                f,
                "row {row}, column {column}: {value} is not the reciprocal of row {column}, column {row}: {mirror} (expected a_ij = 1/a_ji)"
            ),
            McdaError::NoRandomIndex { n } => write!(
                f,
                "no random index for a {n}×{n} matrix (Saaty's table stops at 10; give the random index)"
            ),
            McdaError::ZeroColumn { column } => {
                write!(f, "column {column} is zero for every alternative (expected some positive value)")
            }
            McdaError::TooFew { found, needed } => {
                write!(f, "{found} alternatives (expected at least {needed})")
            }
        }
    }
}

impl std::error::Error for McdaError {}

/// Checks that `x` is a matrix with `columns` values per row (or the first row's length) of
/// finite values satisfying `ok`; returns the number of columns.
fn check_matrix(
    x: &[Vec<f64>],
    columns: Option<usize>,
    ok: impl Fn(f64) -> bool,
    expected: &'static str,
) -> Result<usize, McdaError> {
    let n = columns.unwrap_or_else(|| x.first().map_or(0, Vec::len));
    if x.is_empty() || n == 0 {
        return Err(McdaError::Empty);
    }
    for (i, row) in x.iter().enumerate() {
        if row.len() != n {
            return Err(McdaError::RowLength {
                row: i + 1,
                found: row.len(),
                expected: n,
            });
        }
        if let Some((j, &value)) = row
            .iter()
            .enumerate()
            .find(|(_, &v)| !(v.is_finite() && ok(v)))
        {
            return Err(McdaError::Value {
                row: i + 1,
                column: j + 1,
                value,
                expected,
            });
        }
    }
    Ok(n)
}

/// The result of the analytic hierarchy process on one comparison matrix.
#[derive(Clone, Debug, PartialEq)]
pub struct Ahp {
    /// Priority weights (the principal eigenvector, summing to 1).
    pub weights: Vec<f64>,
    /// The principal eigenvalue.
    pub lambda_max: f64,
    /// Consistency index `(λmax − n)/(n − 1)` (0 for n = 1).
    pub ci: f64,
    /// The random index used.
    pub ri: f64,
    /// Consistency ratio `CI/RI`; `None` where RI is 0 (n ≤ 2: always consistent).
    pub cr: Option<f64>,
}

impl Ahp {
    /// Whether the judgements are acceptably consistent (CR below 0.1).
    pub fn consistent(&self) -> bool {
        self.cr.is_none_or(|cr| cr < CR_LIMIT)
    }
}

/// Weights a pairwise-comparison matrix by its principal eigenvector (power iteration; the
/// matrix is positive, so the Perron root is simple and the iteration converges). `random_index`
/// is indexed by matrix size; [`SAATY_RANDOM_INDEX`] by default.
pub fn ahp(matrix: &[Vec<f64>], random_index: &[f64]) -> Result<Ahp, McdaError> {
    let n = check_matrix(matrix, Some(matrix.len()), |v| v > 0.0, "a positive number")?;
    for (i, row) in matrix.iter().enumerate() {
        if (row[i] - 1.0).abs() > RECIPROCAL_TOLERANCE {
            return Err(McdaError::Value {
                row: i + 1,
                column: i + 1,
                value: row[i],
                expected: "1 on the diagonal",
            });
        }
        for (j, mirror_row) in matrix.iter().enumerate().skip(i + 1) {
            if (row[j] * mirror_row[i] - 1.0).abs() > RECIPROCAL_TOLERANCE {
                return Err(McdaError::Reciprocal {
                    row: i + 1,
                    column: j + 1,
                    value: row[j],
                    mirror: mirror_row[i],
                });
            }
        }
    }
    let ri = *random_index.get(n).ok_or(McdaError::NoRandomIndex { n })?;
    let mut w = vec![1.0 / n as f64; n];
    let mut next = vec![0.0; n];
    for _ in 0..10_000 {
        for (i, row) in matrix.iter().enumerate() {
            next[i] = row.iter().zip(&w).map(|(a, b)| a * b).sum();
        }
        let total: f64 = next.iter().sum();
        let change = next
            .iter()
            .zip(&w)
            .map(|(a, b)| (a / total - b).abs())
            .fold(0.0, f64::max);
        for (a, b) in w.iter_mut().zip(&next) {
            *a = b / total;
        }
        if change < 1e-15 {
            break;
        }
    }
    let lambda_max = matrix
        .iter()
        .zip(&w)
        .map(|(row, wi)| row.iter().zip(&w).map(|(a, b)| a * b).sum::<f64>() / wi)
        .sum::<f64>()
        / n as f64;
    let ci = if n > 1 {
        (lambda_max - n as f64) / (n as f64 - 1.0)
    } else {
        0.0
    };
    let cr = (ri > 0.0).then(|| ci / ri);
    Ok(Ahp {
        weights: w,
        lambda_max,
        ci,
        ri,
        cr,
    })
}

/// Entropy weights of the criteria (columns) of a decision matrix of non-negative values
/// (rows: alternatives, at least two).
pub fn entropy_weights(x: &[Vec<f64>]) -> Result<Vec<f64>, McdaError> {
    let n = check_matrix(x, None, |v| v >= 0.0, "a number of at least 0")?;
    let m = x.len();
    if m < 2 {
        return Err(McdaError::TooFew {
            found: m,
            needed: 2,
        });
    }
    let mut divergence = Vec::with_capacity(n);
    for j in 0..n {
        let total: f64 = x.iter().map(|row| row[j]).sum();
        if total <= 0.0 {
            return Err(McdaError::ZeroColumn { column: j + 1 });
        }
        let e = -x
            .iter()
            .map(|row| row[j] / total)
            .filter(|&p| p > 0.0)
            .map(|p| p * p.ln())
            .sum::<f64>()
            / (m as f64).ln();
        divergence.push(1.0 - e);
    }
    let total: f64 = divergence.iter().sum();
    Ok(if total > 0.0 {
        divergence.iter().map(|d| d / total).collect()
    } else {
        // Every criterion equally uninformative: equal weights.
        vec![1.0 / n as f64; n]
    })
}

/// Entropy weights of criteria observed one row at a time (for instance, indicators over the
/// steps of a run), from running sums: with `S_j = Σ_i x_ij` and `T_j = Σ_i x_ij ln x_ij`,
/// `Σ_i p_ij ln p_ij = T_j / S_j − ln S_j`, so the weights after any number of rows equal
/// [`entropy_weights`] of those rows, in O(criteria) per row and no stored history. A column
/// that is zero throughout carries no information (divergence 0); with fewer than two rows,
/// or no divergence anywhere, the weights are equal.
#[derive(Clone, Debug, PartialEq)]
pub struct RunningEntropy {
    rows: u64,
    sum: Vec<f64>,
    sum_x_ln_x: Vec<f64>,
}

impl RunningEntropy {
    /// An empty accumulator over `criteria` columns.
    pub fn new(criteria: usize) -> RunningEntropy {
        RunningEntropy {
            rows: 0,
            sum: vec![0.0; criteria],
            sum_x_ln_x: vec![0.0; criteria],
        }
    }

    /// Adds a row of non-negative values (negative ones count as 0).
    pub fn push(&mut self, row: &[f64]) {
        debug_assert_eq!(row.len(), self.sum.len());
        self.rows += 1;
        for ((s, t), &x) in self.sum.iter_mut().zip(&mut self.sum_x_ln_x).zip(row) {
            if x > 0.0 {
                *s += x;
                *t += x * x.ln();
            }
        }
    }

    /// Rows so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// The weights of the rows so far, into `out` (one per criterion, summing to 1).
    pub fn weights_into(&self, out: &mut [f64]) {
        let n = self.sum.len();
        let equal = 1.0 / n as f64;
        if self.rows < 2 {
            out.fill(equal);
            return;
        }
        let k = 1.0 / (self.rows as f64).ln();
        let mut total = 0.0;
        for ((o, &s), &t) in out.iter_mut().zip(&self.sum).zip(&self.sum_x_ln_x) {
            *o = if s > 0.0 {
                // d = 1 − e with e = −k Σ p ln p; for a constant column d is 0 up to
                // rounding, which must not decide the weights, hence the floor.
                let d = 1.0 + k * (t / s - s.ln());
                if d > 1e-12 {
                    d
                } else {
                    0.0
                }
            } else {
                0.0
            };
            total += *o;
        }
        if total > 0.0 {
            out.iter_mut().for_each(|o| *o /= total);
        } else {
            out.fill(equal);
        }
    }
}

/// How TOPSIS makes criteria comparable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Normalisation {
    /// `r_ij = x_ij / sqrt(Σ_i x_ij²)`.
    Vector,
    /// `r_ij = (x_ij − min_j)/(max_j − min_j)`, reversed for cost criteria.
    MinMax,
}

/// TOPSIS closeness of each alternative (row) to the ideal, in [0, 1]. `benefit[j]` says
/// whether more of criterion `j` is better.
pub fn topsis(
    x: &[Vec<f64>],
    weights: &[f64],
    benefit: &[bool],
    normalisation: Normalisation,
) -> Result<Vec<f64>, McdaError> {
    let n = check_matrix(x, Some(weights.len()), |_| true, "a finite number")?;
    check_weights(weights)?;
    if benefit.len() != n {
        return Err(McdaError::RowLength {
            row: 1,
            found: benefit.len(),
            expected: n,
        });
    }
    let m = x.len();
    // Weighted, normalised values, column by column; after min-max every column is "more is
    // better", after vector normalisation the cost columns keep their direction.
    let mut v = vec![vec![0.0; n]; m];
    let mut more_is_better = benefit.to_vec();
    for j in 0..n {
        let column: Vec<f64> = x.iter().map(|row| row[j]).collect();
        match normalisation {
            Normalisation::Vector => {
                let norm = column.iter().map(|c| c * c).sum::<f64>().sqrt();
                for i in 0..m {
                    v[i][j] = weights[j] * if norm > 0.0 { column[i] / norm } else { 0.0 };
                }
            }
            Normalisation::MinMax => {
                let lo = column.iter().copied().fold(f64::MAX, f64::min);
                let hi = column.iter().copied().fold(f64::MIN, f64::max);
                for i in 0..m {
                    let r = if hi > lo {
                        (column[i] - lo) / (hi - lo)
                    } else {
                        1.0
                    };
                    v[i][j] = weights[j] * if benefit[j] { r } else { 1.0 - r };
                }
                more_is_better[j] = true;
            }
        }
    }
    let best: Vec<f64> = (0..n)
        .map(|j| {
            let column = v.iter().map(|row| row[j]);
            if more_is_better[j] {
                column.fold(f64::MIN, f64::max)
            } else {
                column.fold(f64::MAX, f64::min)
            }
        })
        .collect();
    let worst: Vec<f64> = (0..n)
        .map(|j| {
            let column = v.iter().map(|row| row[j]);
            if more_is_better[j] {
                column.fold(f64::MAX, f64::min)
            } else {
                column.fold(f64::MIN, f64::max)
            }
        })
        .collect();
    let distance = |row: &[f64], to: &[f64]| {
        row.iter()
            .zip(to)
            .map(|(a, b)| (a - b).powi(2))
            .sum::<f64>()
            .sqrt()
    };
    Ok(v.iter()
        .map(|row| {
            let (plus, minus) = (distance(row, &best), distance(row, &worst));
            if plus + minus > 0.0 {
                minus / (plus + minus)
            } else {
                1.0
            }
        })
        .collect())
}

/// How fuzzy comprehensive evaluation composes weights and memberships.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    /// `b_j = Σ_i w_i r_ij`: every factor counts.
    WeightedAverage,
    /// `b_j = max_i min(w_i, r_ij)` (Zadeh): the main factor decides.
    MaxMin,
}

/// The evaluation vector `B = W ∘ R` over the grades, for weights `W` (one per factor) and the
/// membership matrix `R` (a row per factor, a column per grade, values in [0, 1]).
pub fn fuzzy_evaluation(
    weights: &[f64],
    membership: &[Vec<f64>],
    operator: Operator,
) -> Result<Vec<f64>, McdaError> {
    check_weights(weights)?;
    if membership.len() != weights.len() {
        return Err(McdaError::RowLength {
            row: membership.len().min(weights.len()) + 1,
            found: membership.len(),
            expected: weights.len(),
        });
    }
    let grades = check_matrix(
        membership,
        None,
        |v| (0.0..=1.0).contains(&v),
        "a membership in [0, 1]",
    )?;
    Ok((0..grades)
        .map(|j| {
            let terms = weights.iter().zip(membership).map(|(w, row)| (w, row[j]));
            match operator {
                Operator::WeightedAverage => terms.map(|(w, r)| w * r).sum(),
                Operator::MaxMin => terms.map(|(w, r)| w.min(r)).fold(0.0, f64::max),
            }
        })
        .collect())
}

/// The score of an evaluation vector with grade values `grades`: `Σ b_j v_j / Σ b_j`.
pub fn grade_score(evaluation: &[f64], grades: &[f64]) -> Result<f64, McdaError> {
    if evaluation.len() != grades.len() {
        return Err(McdaError::RowLength {
            row: 1,
            found: grades.len(),
            expected: evaluation.len(),
        });
    }
    let total: f64 = evaluation.iter().sum();
    if total <= 0.0 {
        return Err(McdaError::ZeroColumn { column: 1 });
    }
    Ok(evaluation
        .iter()
        .zip(grades)
        .map(|(b, v)| b * v)
        .sum::<f64>()
        / total)
}

/// Weights must be non-negative, finite, and not all zero.
fn check_weights(weights: &[f64]) -> Result<(), McdaError> {
    if weights.is_empty() {
        return Err(McdaError::Empty);
    }
    if let Some((j, &w)) = weights
        .iter()
        .enumerate()
        .find(|(_, &w)| !(w.is_finite() && w >= 0.0))
    {
        return Err(McdaError::Value {
            row: 1,
            column: j + 1,
            value: w,
            expected: "a weight of at least 0",
        });
    }
    if weights.iter().sum::<f64>() <= 0.0 {
        return Err(McdaError::ZeroColumn { column: 1 });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[f64], b: &[f64], tolerance: f64) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= tolerance)
    }

    /// `docs/references.md`: Saaty's drinks example.
    #[test]
    fn ahp_reproduces_saatys_drinks_example() {
        let t = 1.0 / 3.0;
        let m = vec![
            vec![1.0, 9.0, 5.0, 2.0, 1.0, 1.0, 0.5],
            vec![
                1.0 / 9.0,
                1.0,
                t,
                1.0 / 9.0,
                1.0 / 9.0,
                1.0 / 9.0,
                1.0 / 9.0,
            ],
            vec![0.2, 3.0, 1.0, t, 0.25, t, 1.0 / 9.0],
            vec![0.5, 9.0, 3.0, 1.0, 0.5, 1.0, t],
            vec![1.0, 9.0, 4.0, 2.0, 1.0, 2.0, 0.5],
            vec![1.0, 9.0, 3.0, 1.0, 0.5, 1.0, t],
            vec![2.0, 9.0, 9.0, 3.0, 2.0, 3.0, 1.0],
        ];
        let a = ahp(&m, &SAATY_RANDOM_INDEX).unwrap();
        let want = [0.1775, 0.0191, 0.0418, 0.1164, 0.1896, 0.1288, 0.3268];
        assert!(close(&a.weights, &want, 5e-5), "{:?}", a.weights);
        assert!((a.lambda_max - 7.176629).abs() < 5e-7, "{}", a.lambda_max);
        assert_eq!(a.ri, 1.32);
        assert!((a.cr.unwrap() - 0.0223).abs() < 5e-5);
        assert!(a.consistent());
    }

    #[test]
    fn ahp_refuses_bad_matrices_naming_row_and_column() {
        let ri = &SAATY_RANDOM_INDEX;
        let err = ahp(&[vec![1.0, 2.0], vec![0.5]], ri).unwrap_err();
        assert_eq!(err.to_string(), "row 2 has 1 values (expected 2: the matrix must be square, or have one value per criterion)");
        let err = ahp(&[vec![1.0, -2.0], vec![-0.5, 1.0]], ri).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("row 1, column 2: -2 (expected a positive number)"));
        let err = ahp(
            &[
                vec![1.0, 3.0, 1.0],
                vec![0.5, 1.0, 1.0],
                vec![1.0, 1.0, 1.0],
            ],
            ri,
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                McdaError::Reciprocal {
                    row: 1,
                    column: 2,
                    ..
                }
            ),
            "{err}"
        );
        assert!(ahp(&[vec![1.0, f64::NAN], vec![1.0, 1.0]], ri).is_err());
        // 0.33 stands for 1/3.
        assert!(ahp(&[vec![1.0, 3.0], vec![0.33, 1.0]], ri).is_ok());
        let big = vec![vec![1.0; 11]; 11];
        assert_eq!(
            ahp(&big, ri).unwrap_err(),
            McdaError::NoRandomIndex { n: 11 }
        );
    }

    #[test]
    fn an_inconsistent_matrix_has_a_high_ratio() {
        // a > b, b > c, c > a, strongly.
        let m = vec![
            vec![1.0, 9.0, 1.0 / 9.0],
            vec![1.0 / 9.0, 1.0, 9.0],
            vec![9.0, 1.0 / 9.0, 1.0],
        ];
        let a = ahp(&m, &SAATY_RANDOM_INDEX).unwrap();
        assert!(!a.consistent() && a.cr.unwrap() > 1.0);
        // A consistent one (a_ij = w_i / w_j) has λmax = n and CR 0.
        let w = [0.5, 0.3, 0.2];
        let m: Vec<Vec<f64>> = w
            .iter()
            .map(|a| w.iter().map(|b| a / b).collect())
            .collect();
        let a = ahp(&m, &SAATY_RANDOM_INDEX).unwrap();
        assert!(close(&a.weights, &w, 1e-12) && a.cr.unwrap().abs() < 1e-12);
    }

    fn papathanasiou() -> Vec<Vec<f64>> {
        vec![
            vec![8.0, 7.0, 2.0, 1.0],
            vec![5.0, 3.0, 7.0, 5.0],
            vec![7.0, 5.0, 6.0, 4.0],
            vec![9.0, 9.0, 7.0, 3.0],
            vec![11.0, 10.0, 3.0, 7.0],
            vec![6.0, 9.0, 5.0, 4.0],
        ]
    }

    /// `docs/references.md`: TOPSIS with vector normalisation (Papathanasiou & Ploskas 2018).
    #[test]
    fn topsis_reproduces_the_reference_closeness() {
        let c = topsis(
            &papathanasiou(),
            &[0.4, 0.3, 0.1, 0.2],
            &[true; 4],
            Normalisation::Vector,
        )
        .unwrap();
        let want = [0.3872, 0.3272, 0.3907, 0.6147, 0.8685, 0.4928];
        assert!(close(&c, &want, 5e-5), "{c:?}");
    }

    #[test]
    fn topsis_handles_cost_criteria_and_min_max() {
        // One criterion: the cheapest alternative is ideal when it is a cost.
        let x = vec![vec![3.0], vec![1.0], vec![2.0]];
        for norm in [Normalisation::Vector, Normalisation::MinMax] {
            let c = topsis(&x, &[1.0], &[false], norm).unwrap();
            assert!(close(&c, &[0.0, 1.0, 0.5], 1e-12), "{norm:?} {c:?}");
            let c = topsis(&x, &[1.0], &[true], norm).unwrap();
            assert!(close(&c, &[1.0, 0.0, 0.5], 1e-12), "{norm:?} {c:?}");
        }
    }

    /// `docs/references.md`: entropy weights of the same matrix.
    #[test]
    fn entropy_reproduces_the_reference_weights() {
        let w = entropy_weights(&papathanasiou()).unwrap();
        assert!(
            close(&w, &[0.11071, 0.22387, 0.27425, 0.39118], 5e-6),
            "{w:?}"
        );
        assert_eq!(
            entropy_weights(&[vec![1.0, 0.0], vec![2.0, 0.0]]).unwrap_err(),
            McdaError::ZeroColumn { column: 2 }
        );
        assert!(entropy_weights(&[vec![1.0, 2.0]]).is_err());
    }

    /// `docs/references.md`: fuzzy comprehensive evaluation.
    #[test]
    fn fuzzy_evaluation_reproduces_the_reference_vectors() {
        let w = [0.3, 0.3, 0.4];
        let r = vec![
            vec![0.2, 0.5, 0.2, 0.1],
            vec![0.1, 0.4, 0.4, 0.1],
            vec![0.3, 0.3, 0.3, 0.1],
        ];
        let b = fuzzy_evaluation(&w, &r, Operator::WeightedAverage).unwrap();
        assert!(close(&b, &[0.21, 0.39, 0.30, 0.10], 1e-12), "{b:?}");
        let score = grade_score(&b, &[90.0, 75.0, 60.0, 45.0]).unwrap();
        assert!((score - 70.65).abs() < 1e-9);
        let b = fuzzy_evaluation(&w, &r, Operator::MaxMin).unwrap();
        assert!(close(&b, &[0.3, 0.3, 0.3, 0.1], 1e-12), "{b:?}");
        let err = fuzzy_evaluation(
            &w,
            &[vec![0.5, 1.5], vec![0.1, 0.1], vec![0.1, 0.1]],
            Operator::MaxMin,
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("row 1, column 2: 1.5"));
    }

    #[test]
    fn running_entropy_equals_the_batch_weights() {
        let mut rng = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut running = RunningEntropy::new(3);
        let mut rows = Vec::new();
        let mut w = [0.0; 3];
        running.weights_into(&mut w);
        assert_eq!(w, [1.0 / 3.0; 3]);
        for i in 0..40 {
            // Criteria of different spread: a wide one, a narrow one, a constant one.
            let row = vec![0.1 + 5.0 * next(), 1.0 + 0.1 * next(), 2.0];
            running.push(&row);
            rows.push(row);
            running.weights_into(&mut w);
            if i == 0 {
                assert_eq!(w, [1.0 / 3.0; 3], "one row: equal weights");
                continue;
            }
            let batch = entropy_weights(&rows).unwrap();
            for (a, b) in w.iter().zip(&batch) {
                assert!((a - b).abs() < 1e-9, "row {i}: {w:?} vs {batch:?}");
            }
        }
        assert!(w[0] > w[1] && w[2] < 1e-9, "{w:?}");
        // A column that is zero throughout gets no weight, and all-constant rows equal ones.
        let mut zero = RunningEntropy::new(2);
        zero.push(&[0.0, 1.0]);
        zero.push(&[0.0, 3.0]);
        zero.weights_into(&mut w[..2]);
        assert_eq!(&w[..2], &[0.0, 1.0]);
        let mut flat = RunningEntropy::new(2);
        flat.push(&[1.0, 2.0]);
        flat.push(&[1.0, 2.0]);
        flat.weights_into(&mut w[..2]);
        assert_eq!(&w[..2], &[0.5, 0.5]);
    }
}
