//! R&D with spillovers: the two-firm model of d'Aspremont & Jacquemin (1988), the special case
//! of the diffusion game in which the technology is made rather than shared.
//!
//! Demand `P = a − bQ`; firm `i`'s unit cost `c_i = A − x_i − β·x_j` after R&D `x_i` (a
//! share `β` of the rival's R&D spills over), R&D costing `γ·x_i²/2`; firms set R&D, then
//! compete à la Cournot. Symmetric solutions:
//! - non-cooperative R&D: `x* = (a − A)(2 − β) / [4.5bγ − (2 − β)(1 + β)]`;
//! - cooperative R&D (joint profit in R&D, Cournot in output):
//!   `x̂ = (a − A)(1 + β) / [4.5bγ − (1 + β)²]`;
//! - in both, output per firm `q = (a − A + (1 + β)x) / (3b)`, profit `b·q² − γ·x²/2`;
//! - the social optimum (R&D and output chosen for welfare, price at unit cost):
//!   `x° = (a − A)(1 + β) / [2bγ − (1 + β)²]`, output per firm `(a − A + (1 + β)x°)/(2b)`.
//!
//! The cooperative level exceeds the non-cooperative one iff `β > 0.5`.

/// The model's parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RndSpillovers {
    /// Demand intercept `a`.
    pub intercept: f64,
    /// Demand slope `b`.
    pub slope: f64,
    /// Unit cost `A` before R&D.
    pub base_cost: f64,
    /// `γ` in the R&D cost `γ·x²/2`.
    pub rd_cost: f64,
    /// `β`: the share of the rival's R&D that lowers one's cost.
    pub spillover: f64,
}

/// A symmetric outcome of the model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RndOutcome {
    /// R&D per firm.
    pub rd: f64,
    /// Output per firm.
    pub output: f64,
    /// Unit cost after R&D.
    pub unit_cost: f64,
    /// Market price.
    pub price: f64,
    /// Profit per firm, net of R&D cost.
    pub profit: f64,
    /// Consumer surplus plus both profits.
    pub welfare: f64,
}

impl RndSpillovers {
    fn outcome(&self, rd: f64, output: f64) -> RndOutcome {
        let b = self.slope;
        let unit_cost = self.base_cost - (1.0 + self.spillover) * rd;
        let quantity = 2.0 * output;
        let price = self.intercept - b * quantity;
        let profit = (price - unit_cost) * output - self.rd_cost * rd * rd / 2.0;
        RndOutcome {
            rd,
            output,
            unit_cost,
            price,
            profit,
            welfare: b * quantity * quantity / 2.0 + 2.0 * profit,
        }
    }

    /// Cournot output per firm after R&D `x` by both.
    fn cournot_output(&self, rd: f64) -> f64 {
        (self.intercept - self.base_cost + (1.0 + self.spillover) * rd) / (3.0 * self.slope)
    }

    /// Non-cooperative R&D, then Cournot.
    pub fn noncooperative(&self) -> RndOutcome {
        let (b, g, beta) = (self.slope, self.rd_cost, self.spillover);
        let rd = (self.intercept - self.base_cost) * (2.0 - beta)
            / (4.5 * b * g - (2.0 - beta) * (1.0 + beta));
        self.outcome(rd, self.cournot_output(rd))
    }

    /// Cooperative R&D (joint profit), then Cournot.
    pub fn cooperative(&self) -> RndOutcome {
        let (b, g, beta) = (self.slope, self.rd_cost, self.spillover);
        let rd =
            (self.intercept - self.base_cost) * (1.0 + beta) / (4.5 * b * g - (1.0 + beta).powi(2));
        self.outcome(rd, self.cournot_output(rd))
    }

    /// R&D and output that maximise welfare.
    pub fn social_optimum(&self) -> RndOutcome {
        let (b, g, beta) = (self.slope, self.rd_cost, self.spillover);
        let rd =
            (self.intercept - self.base_cost) * (1.0 + beta) / (2.0 * b * g - (1.0 + beta).powi(2));
        let output = (self.intercept - self.base_cost + (1.0 + beta) * rd) / (2.0 * b);
        self.outcome(rd, output)
    }

    /// Whether the solutions are interior and stable: every denominator positive (the
    /// second-order conditions of d'Aspremont & Jacquemin), and unit costs stay positive.
    pub fn well_posed(&self) -> Result<(), String> {
        let (b, g, beta) = (self.slope, self.rd_cost, self.spillover);
        if 4.5 * b * g <= (2.0 - beta) * (1.0 + beta) || 2.0 * b * g <= (1.0 + beta).powi(2) {
            return Err(format!(
                "the R&D cost γ = {g} is too low for slope {b} and spillover {beta}: R&D would grow without bound (expected 2bγ > (1 + β)² and 4.5bγ > (2 − β)(1 + β))"
            ));
        }
        for (name, o) in [
            ("non-cooperative", self.noncooperative()),
            ("cooperative", self.cooperative()),
            ("social optimum", self.social_optimum()),
        ] {
            if o.unit_cost < 0.0 {
                return Err(format!(
                    "R&D drives the unit cost below zero in the {name} solution (raise rd_cost or base_cost)"
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(beta: f64) -> RndSpillovers {
        RndSpillovers {
            intercept: 100.0,
            slope: 1.0,
            base_cost: 60.0,
            rd_cost: 5.0,
            spillover: beta,
        }
    }

    fn assert_digits(got: f64, want: f64, digits: i32) {
        let tolerance = want.abs() * 10f64.powi(-digits) / 2.0;
        assert!((got - want).abs() <= tolerance, "{got} vs {want}");
    }

    /// `docs/references.md`: a = 100, A = 60, b = 1, γ = 5, β = 0.25.
    #[test]
    fn reproduces_the_published_values() {
        let m = reference(0.25);
        let n = m.noncooperative();
        assert_digits(n.rd, 3.44615, 5);
        assert_digits(n.output, 14.76923, 6);
        assert_digits(n.profit, 188.44024, 7);
        let c = m.cooperative();
        assert_digits(c.rd, 2.38806, 5);
        assert_digits(c.profit, 191.04478, 7);
        m.well_posed().unwrap();
    }

    /// The two R&D levels coincide at β = 0.5; cooperation does more R&D above it, less below.
    #[test]
    fn cooperative_rd_crosses_at_one_half() {
        let at = reference(0.5);
        assert!((at.noncooperative().rd - at.cooperative().rd).abs() < 1e-12);
        for beta in [0.0, 0.1, 0.3, 0.49] {
            let m = reference(beta);
            assert!(m.cooperative().rd < m.noncooperative().rd, "β = {beta}");
        }
        for beta in [0.51, 0.7, 1.0] {
            let m = reference(beta);
            assert!(m.cooperative().rd > m.noncooperative().rd, "β = {beta}");
        }
    }

    /// Each solution maximises what it should: the non-cooperative R&D is a best response to
    /// itself, the cooperative one maximises joint profit, the social optimum welfare — checked
    /// by perturbation, the outputs re-solved.
    #[test]
    fn each_solution_is_optimal_for_its_objective() {
        let m = reference(0.25);
        let (a, b, big_a, g, beta) = (100.0, 1.0, 60.0, 5.0, 0.25);
        // Firm 1's profit when it does x1 and the rival x2, Cournot outputs after.
        let profit = |x1: f64, x2: f64| {
            let (c1, c2) = (big_a - x1 - beta * x2, big_a - x2 - beta * x1);
            let q1 = (a - 2.0 * c1 + c2) / (3.0 * b);
            b * q1 * q1 - g * x1 * x1 / 2.0
        };
        let x = m.noncooperative().rd;
        let c = m.cooperative().rd;
        for d in [-0.01, 0.01] {
            assert!(profit(x + d, x) < profit(x, x));
            assert!(2.0 * profit(c + d, c + d) < 2.0 * profit(c, c));
        }
        let welfare = |x: f64| {
            let unit = big_a - (1.0 + beta) * x;
            let q = (a - unit) / b;
            b * q * q / 2.0 - g * x * x
        };
        let s = m.social_optimum();
        for d in [-0.01, 0.01] {
            assert!(welfare(s.rd + d) < welfare(s.rd));
        }
        assert!((s.welfare - welfare(s.rd)).abs() < 1e-9);
        assert!((s.price - s.unit_cost).abs() < 1e-9, "price at unit cost");
        assert!(
            s.rd > c.max(x) && s.welfare > m.cooperative().welfare.max(m.noncooperative().welfare)
        );
    }

    #[test]
    fn ill_posed_parameters_are_refused() {
        let mut m = reference(0.25);
        m.rd_cost = 0.5;
        assert!(m.well_posed().unwrap_err().contains("too low"));
    }
}
