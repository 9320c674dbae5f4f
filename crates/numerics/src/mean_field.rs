//! The mean-field recursion of the local adoption rule.
//!
//! A firm with `k` neighbours, each holding the technology independently with probability
//! `F` (no spatial correlation), adopts with probability
//! `E[1 − (1−p)(1−q)^n] = 1 − (1−p)(1 − qF)^k`, since `n ~ Binomial(k, F)`. Hence
//! `F_t = F_{t−1} + (1 − F_{t−1}) · [1 − (1−p)(1 − q F_{t−1})^k]`. On a lattice, adopters
//! cluster: their neighbours are more often adopters already, so the lattice falls behind this
//! curve (Goldenberg, Libai & Muller 2001).

/// Mean-field adoption shares for `t = 0..=steps` of the local rule with `k` neighbours.
pub fn local_rule_shares(p: f64, q: f64, k: u32, f0: f64, steps: usize) -> Vec<f64> {
    let mut shares = Vec::with_capacity(steps + 1);
    let mut f = f0;
    shares.push(f);
    for _ in 0..steps {
        let adopt = 1.0 - (1.0 - p) * (1.0 - q * f).powi(k as i32);
        f += (1.0 - f) * adopt;
        shares.push(f);
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_imitation_it_is_geometric() {
        let f = local_rule_shares(0.1, 0.0, 8, 0.0, 5);
        for (t, v) in f.iter().enumerate() {
            assert!((v - (1.0 - 0.9f64.powi(t as i32))).abs() < 1e-12);
        }
    }

    #[test]
    fn for_small_q_it_approaches_bass_with_kq() {
        // 1 − (1 − qF)^k ≈ kqF for small q: the Bass curve with q' = kq.
        let local = local_rule_shares(0.01, 0.001, 8, 0.0, 50);
        let bass = crate::bass::discrete_shares(0.01, 0.008, 0.0, 50);
        for (a, b) in local.iter().zip(&bass) {
            assert!((a - b).abs() < 1e-3);
        }
    }
}
