//! Cournot competition with linear demand and heterogeneous unit costs, firm by firm: the
//! reference the diffusion game's class-level Cournot (`cournot_classes`) is checked against.
//!
//! Inverse demand `P = a − Q/S` (choke price `a`, size `S`). Firm `i` with unit cost `c_i`
//! maximises `(P − c_i) q_i`; the first-order condition gives `q_i = S (P − c_i)`. Summing over
//! the `m` firms that produce, `P = (a + Σ_active c_j) / (m + 1)`, and a firm produces iff
//! `c_i < P` (Cournot 1838; with asymmetric costs e.g. Tirole 1988, §5.4). The active set is
//! found by sorting costs: the `m` cheapest produce, for the largest `m` with
//! `c_(m) < (a + Σ_{j ≤ m} c_(j)) / (m + 1)`. Then profit `π_i = S (P − c_i)²` and consumer
//! surplus `CS = Q² / (2S)`.

/// The Cournot equilibrium of one market.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Equilibrium {
    /// Market price (the choke price when nobody produces).
    pub price: f64,
    /// Firms that produce.
    pub active: usize,
    /// Total output.
    pub quantity: f64,
    /// Consumer surplus.
    pub consumer_surplus: f64,
}

impl Equilibrium {
    /// Output of a firm with unit cost `c` in this equilibrium of a market of size `size`.
    pub fn output(&self, c: f64, size: f64) -> f64 {
        size * (self.price - c).max(0.0)
    }

    /// Profit of a firm with unit cost `c`.
    pub fn profit(&self, c: f64, size: f64) -> f64 {
        size * (self.price - c).max(0.0).powi(2)
    }
}

/// Solves the market for unit costs `sorted_costs` in ascending order, choke price `a` and size
/// `size`. O(n).
pub fn cournot(sorted_costs: &[f64], a: f64, size: f64) -> Equilibrium {
    debug_assert!(sorted_costs.windows(2).all(|w| w[0] <= w[1]));
    let mut sum = 0.0;
    let mut active = 0;
    let mut price = a;
    for (m, &c) in sorted_costs.iter().enumerate() {
        let candidate = (a + sum + c) / (m as f64 + 2.0);
        if c < candidate {
            sum += c;
            active = m + 1;
            price = candidate;
        } else {
            break;
        }
    }
    let quantity = size * (active as f64 * price - sum);
    // Q²/(2S) written as S(a − P)²/2 (since Q = S(a − P)): no overflow while S stays finite.
    let consumer_surplus = size * (a - price).powi(2) / 2.0;
    Equilibrium {
        price,
        active,
        quantity,
        consumer_surplus,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// n symmetric firms: q = S(a − c)/(n + 1), P = (a + n c)/(n + 1).
    #[test]
    fn symmetric_firms_match_the_textbook_closed_form() {
        for n in [1usize, 2, 3, 10, 1000] {
            let (a, c, s) = (20.0, 8.0, 3.0);
            let e = cournot(&vec![c; n], a, s);
            let nf = n as f64;
            assert_eq!(e.active, n);
            assert!((e.price - (a + nf * c) / (nf + 1.0)).abs() < 1e-12);
            assert!((e.output(c, s) - s * (a - c) / (nf + 1.0)).abs() < 1e-12);
            assert!((e.quantity - nf * s * (a - c) / (nf + 1.0)).abs() < 1e-9);
            assert!((e.profit(c, s) - s * ((a - c) / (nf + 1.0)).powi(2)).abs() < 1e-12);
        }
    }

    /// Two firms with costs 2 and 5, a = 20, S = 1: P = 9, q = 7 and 4.
    #[test]
    fn asymmetric_duopoly() {
        let e = cournot(&[2.0, 5.0], 20.0, 1.0);
        assert_eq!(e.active, 2);
        assert!((e.price - 9.0).abs() < 1e-12);
        assert!((e.output(2.0, 1.0) - 7.0).abs() < 1e-12);
        assert!((e.output(5.0, 1.0) - 4.0).abs() < 1e-12);
        assert!((e.consumer_surplus - 121.0 / 2.0).abs() < 1e-12);
    }

    /// A firm whose cost is above the price the others set produces nothing, and the price is
    /// that of the others alone.
    #[test]
    fn costly_firms_are_priced_out() {
        let e = cournot(&[2.0, 2.0, 15.0], 20.0, 1.0);
        assert_eq!(e.active, 2);
        assert!((e.price - 8.0).abs() < 1e-12);
        assert_eq!(e.output(15.0, 1.0), 0.0);
        // Every producing firm's first-order condition holds: P − c = q/S.
        let alone = cournot(&[2.0, 2.0], 20.0, 1.0);
        assert_eq!(alone.price, e.price);
        // Nobody produces when every cost is above the choke price.
        let none = cournot(&[25.0, 30.0], 20.0, 1.0);
        assert_eq!((none.active, none.quantity), (0, 0.0));
    }
}
