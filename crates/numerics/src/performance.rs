//! The diffusion performance of a simulation run as evaluation indicators: what
//! `clusterlab evaluate --runs` reads off each run's summary.
//!
//! A run gives, for the technology evaluated, its take-up times, peak adoption rate, final
//! share, spatial reach and laggards' adoption, and, from its economy, welfare and fiscal
//! cost summed over the run and its last indicators. [`RunPerformance::indicator`] turns these
//! into an indicator's value by its id; the welfare gain is measured against a baseline run.

use std::collections::BTreeMap;

/// What a run reports of its diffusion and economy.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunPerformance {
    /// The run's name (its directory).
    pub name: String,
    /// Steps run: take-up times never reached count as `steps + 1`.
    pub steps: u32,
    /// First steps at which the share reached 10, 50 and 90%.
    pub t10: Option<u32>,
    /// See `t10`.
    pub t50: Option<u32>,
    /// See `t10`.
    pub t90: Option<u32>,
    /// Largest rise of the share in one step.
    pub peak_adoption_rate: f64,
    /// Share of firms holding the technology at the end.
    pub final_share: f64,
    /// Share of firms holding it or neighbouring a holder at the end.
    pub spatial_reach: f64,
    /// Share of the laggards at its arrival that hold it at the end (economy only).
    pub laggard_adoption: Option<f64>,
    /// Welfare summed over the run (economy only).
    pub welfare_total: Option<f64>,
    /// Subsidies paid over the run, per initial firm (economy only).
    pub fiscal_cost_per_firm: Option<f64>,
    /// The economy's last indicators and diagnosis by column name.
    pub final_indicators: BTreeMap<String, f64>,
}

/// The indicator ids a run gives besides its final indicators.
pub const RUN_INDICATORS: [&str; 10] = [
    "t10",
    "t50",
    "t90",
    "peak_adoption_rate",
    "final_share",
    "spatial_reach",
    "laggard_adoption",
    "welfare_total",
    "welfare_gain",
    "fiscal_cost",
];

impl RunPerformance {
    /// The value of indicator `id`: one of [`RUN_INDICATORS`] — `t10`/`t50`/`t90` as steps
    /// (`steps + 1` when never reached, so a run that never got there ranks below every run
    /// that did), `welfare_gain` in percent of the `baseline` run's welfare, `fiscal_cost` per
    /// initial firm — or a column of the run's final indicators (e.g. `gem`,
    /// `innovation_dynamics`). The error says what is missing.
    pub fn indicator(&self, id: &str, baseline: Option<&RunPerformance>) -> Result<f64, String> {
        let censored = |t: Option<u32>| f64::from(t.unwrap_or(self.steps + 1));
        let economy = |v: Option<f64>| {
            v.ok_or_else(|| format!("`{id}` needs a run with the cluster economy (`processes`)"))
        };
        match id {
            "t10" => Ok(censored(self.t10)),
            "t50" => Ok(censored(self.t50)),
            "t90" => Ok(censored(self.t90)),
            "peak_adoption_rate" => Ok(self.peak_adoption_rate),
            "final_share" => Ok(self.final_share),
            "spatial_reach" => Ok(self.spatial_reach),
            "laggard_adoption" => economy(self.laggard_adoption),
            "welfare_total" => economy(self.welfare_total),
            "fiscal_cost" => economy(self.fiscal_cost_per_firm),
            "welfare_gain" => {
                let base = baseline
                    .ok_or("`welfare_gain` needs a baseline run (--baseline DIR)")?;
                let (w, w0) = (economy(self.welfare_total)?, economy(base.welfare_total)?);
                if w0 == 0.0 {
                    return Err(format!(
                        "the baseline run `{}` has zero welfare, so a gain in percent is undefined",
                        base.name
                    ));
                }
                Ok(100.0 * (w - w0) / w0.abs())
            }
            other => self.final_indicators.get(other).copied().ok_or_else(|| {
                format!(
                    "`{other}` is not an indicator a run gives (expected one of {}, or a column of the economy's indicators)",
                    RUN_INDICATORS.join(", ")
                )
            }),
        }
    }

    /// Whether take-up time `id` (`t10`, `t50`, `t90`) was never reached, so its value is
    /// censored at `steps + 1`.
    pub fn censored(&self, id: &str) -> bool {
        match id {
            "t10" => self.t10.is_none(),
            "t50" => self.t50.is_none(),
            "t90" => self.t90.is_none(),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str, welfare: Option<f64>) -> RunPerformance {
        RunPerformance {
            name: name.into(),
            steps: 100,
            t10: Some(5),
            t50: Some(40),
            t90: None,
            peak_adoption_rate: 0.04,
            final_share: 0.8,
            spatial_reach: 0.9,
            laggard_adoption: welfare.map(|_| 0.5),
            welfare_total: welfare,
            fiscal_cost_per_firm: welfare.map(|_| 1.5),
            final_indicators: [("gem".to_string(), 312.5)].into(),
        }
    }

    #[test]
    fn indicators_by_id() {
        let base = run("baseline", Some(200.0));
        let policy = run("policy", Some(230.0));
        assert_eq!(policy.indicator("t50", None), Ok(40.0));
        assert_eq!(policy.indicator("t90", None), Ok(101.0), "censored");
        assert!(policy.censored("t90") && !policy.censored("t50"));
        assert_eq!(policy.indicator("welfare_gain", Some(&base)), Ok(15.0));
        assert_eq!(base.indicator("welfare_gain", Some(&base)), Ok(0.0));
        assert_eq!(policy.indicator("fiscal_cost", None), Ok(1.5));
        assert_eq!(policy.indicator("gem", None), Ok(312.5));
        assert!(policy
            .indicator("welfare_gain", None)
            .unwrap_err()
            .contains("--baseline"));
        assert!(policy.indicator("speed", None).unwrap_err().contains("t50"));
        let bare = run("automaton", None);
        assert!(bare
            .indicator("laggard_adoption", None)
            .unwrap_err()
            .contains("economy"));
        let zero = run("zero", Some(0.0));
        assert!(policy
            .indicator("welfare_gain", Some(&zero))
            .unwrap_err()
            .contains("zero welfare"));
    }
}
