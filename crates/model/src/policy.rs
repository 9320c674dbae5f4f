//! Cluster policies as data: the failure → response table of Den Hertog et al. and the
//! instruments of the diffusion game and of Section 3.2 of `docs/domain.md`, each a named
//! policy with its mechanism in the model, a strength, a period and a fiscal cost per step;
//! and the symptoms by which a run diagnoses each failure. Documented in `docs/ODD.md` (S18)
//! and `docs/policy.md`.

pub use crate::scenario::policy::{
    apply, find, openness_boost, p_factor, AppliedPolicy, Failure, Policy, PolicyDef, POLICIES,
};

/// What a run shows of each failure, as scores in [0, 1] (1: the failure at its worst).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Symptoms {
    /// In the order of [`Failure::ALL`].
    pub scores: [f64; 6],
}

/// What [`Symptoms`] are computed from, gathered over a run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SymptomInputs {
    /// Mean over steps of the GEM structure-and-rivalry score.
    pub structure_score: f64,
    /// Per non-radical technology: steps from arrival to 10% of firms (None: never), and the
    /// steps the run had after its arrival.
    pub take_up: Vec<(Option<u32>, u32)>,
    /// Mean over steps of ties per firm.
    pub mean_degree: f64,
    /// The most ties a firm keeps.
    pub max_degree: u32,
    /// Mean over steps of the share of firms an intermediary serves.
    pub served: f64,
    /// Mean over steps of the share of firms within reach of a research body.
    pub research_reach: f64,
    /// The market-demand index at the end.
    pub market_demand: f64,
    /// Knowledge diversity at the start and at the end.
    pub diversity: (f64, f64),
}

impl SymptomInputs {
    /// The symptom scores.
    pub fn symptoms(&self) -> Symptoms {
        let information = if self.take_up.is_empty() {
            0.0
        } else {
            self.take_up
                .iter()
                .map(|&(t10, span)| match t10 {
                    Some(t) => (f64::from(t) / f64::from(span.max(1))).min(1.0),
                    None => 1.0,
                })
                .sum::<f64>()
                / self.take_up.len() as f64
        };
        let half = (f64::from(self.max_degree) / 2.0).max(1.0);
        let interaction =
            0.5 * (1.0 - (self.mean_degree / half).min(1.0)) + 0.5 * (1.0 - self.served.min(1.0));
        let (d0, d1) = self.diversity;
        let lock_in = if d0 > 0.0 {
            ((d0 - d1) / d0).clamp(0.0, 1.0)
        } else {
            0.0
        };
        Symptoms {
            scores: [
                (1.0 - (self.structure_score - 1.0) / 9.0).clamp(0.0, 1.0),
                information,
                interaction.clamp(0.0, 1.0),
                (1.0 - self.research_reach).clamp(0.0, 1.0),
                (1.0 - 2.0 * self.market_demand).clamp(0.0, 1.0),
                lock_in,
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_policy_answers_a_failure_and_names_are_unique() {
        for (i, p) in POLICIES.iter().enumerate() {
            assert!(POLICIES[..i].iter().all(|q| q.name != p.name));
            assert_eq!(find(p.name), Some(p));
            assert_eq!(
                p.policy,
                Policy::ALL[i],
                "the table and the enum in one order"
            );
            assert_eq!(p.policy.def(), p);
            assert_eq!(Policy::from_name(p.name), Some(p.policy));
            assert!(p.default_strength > 0.0 && p.default_cost >= 0.0);
        }
        for f in Failure::ALL {
            assert!(
                POLICIES.iter().any(|p| p.failure == f),
                "{} has no response",
                f.name()
            );
        }
    }

    #[test]
    fn symptoms_read_their_inputs() {
        let healthy = SymptomInputs {
            structure_score: 10.0,
            take_up: vec![(Some(0), 100)],
            mean_degree: 8.0,
            max_degree: 12,
            served: 1.0,
            research_reach: 1.0,
            market_demand: 0.6,
            diversity: (0.9, 0.95),
        };
        assert_eq!(healthy.symptoms().scores, [0.0; 6]);
        let sick = SymptomInputs {
            structure_score: 1.0,
            take_up: vec![(None, 100), (Some(50), 100)],
            mean_degree: 0.0,
            max_degree: 12,
            served: 0.0,
            research_reach: 0.0,
            market_demand: 0.2,
            diversity: (0.8, 0.2),
        };
        let s = sick.symptoms().scores;
        assert_eq!(s[0], 1.0);
        assert_eq!(s[1], 0.75);
        assert_eq!(s[2], 1.0);
        assert_eq!(s[3], 1.0);
        assert!((s[4] - 0.6).abs() < 1e-12);
        assert!((s[5] - 0.75).abs() < 1e-12);
    }
}

/// What a run shows of the outcomes policies are compared on.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunOutcome {
    /// Innovations over the run, incremental and radical.
    pub innovations: f64,
    /// First step at which the technology compared reached half the firms (the run's steps
    /// + 1 if never).
    pub t50: f64,
    /// Knowledge dispersion at the end: coefficient of variation of firms' knowledge.
    pub knowledge_dispersion: f64,
    /// Welfare (consumer surplus plus profits) summed over the run.
    pub welfare: f64,
    /// Public money over the run: subsidies plus the policies' costs.
    pub fiscal_cost: f64,
    /// What the diagnosis reads.
    pub symptoms: SymptomInputs,
}

/// Runs `scenario` to its last step and gathers the outcomes, `tech` being the technology
/// whose take-up speed is compared.
pub fn run_outcomes(scenario: &crate::Scenario, tech: usize) -> RunOutcome {
    // Never told to stop, the run always ends with its outcome.
    run_outcomes_while(scenario, tech, || true).unwrap_or_default()
}

/// [`run_outcomes`], asking `keep_going` before every step: `None` as soon as it says no (the
/// caller's deadline or interrupt), so a long run is given up between two steps.
pub fn run_outcomes_while(
    scenario: &crate::Scenario,
    tech: usize,
    keep_going: impl Fn() -> bool,
) -> Option<RunOutcome> {
    use crate::{TechId, World};
    let mut world = World::new(scenario);
    let steps = scenario.steps();
    let technologies: Vec<(usize, u32)> = scenario
        .technologies()
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.radical && t.arrival <= steps)
        .map(|(k, t)| (k, t.arrival))
        .collect();
    let mut t10: Vec<Option<u32>> = vec![None; technologies.len()];
    let mut t50 = None;
    let (mut structure_sum, mut degree_sum, mut served_sum, mut reach_sum) = (0.0, 0.0, 0.0, 0.0);
    let mut observed = 0.0;
    let diversity_start = world.economy().map_or(0.0, |e| e.knowledge_diversity());
    let mut observe = |w: &World| {
        let t = w.current_step();
        for ((k, arrival), first) in technologies.iter().zip(t10.iter_mut()) {
            if first.is_none() && t >= *arrival && w.adoption_share(TechId(*k)) >= 0.1 {
                *first = Some(t - arrival);
            }
        }
        if t50.is_none() && w.adoption_share(TechId(tech)) >= 0.5 {
            t50 = Some(t);
        }
        if let Some(e) = w.economy() {
            let o = e.observe(t);
            structure_sum += o.diagnosis.gem_structure;
            degree_sum += o.indicators.mean_degree;
            served_sum += e.served_share();
            reach_sum += e.research_reach_share();
            observed += 1.0;
        }
    };
    observe(&world);
    while world.current_step() < steps {
        if !keep_going() {
            return None;
        }
        world.step();
        observe(&world);
    }
    let mean = |sum: f64| if observed > 0.0 { sum / observed } else { 0.0 };
    let (innovations, welfare, fiscal, dispersion, demand, diversity_end, max_degree) =
        match world.economy() {
            Some(e) => {
                let totals = e.totals();
                let o = e.observe(steps);
                let (k_mean, k_sd) = (o.indicators.knowledge_mean, o.indicators.knowledge_sd);
                let demand = o.diagnosis.market_demand;
                (
                    totals.innovations as f64,
                    totals.welfare,
                    totals.subsidy + totals.policy_cost,
                    if k_mean > 0.0 { k_sd / k_mean } else { 0.0 },
                    demand,
                    e.knowledge_diversity(),
                    e.network.max_degree as u32,
                )
            }
            None => (0.0, 0.0, 0.0, 0.0, 0.5, 0.0, 1),
        };
    Some(RunOutcome {
        innovations,
        t50: f64::from(t50.unwrap_or(steps + 1)),
        knowledge_dispersion: dispersion,
        welfare,
        fiscal_cost: fiscal,
        symptoms: SymptomInputs {
            structure_score: mean(structure_sum),
            take_up: t10
                .into_iter()
                .zip(&technologies)
                .map(|(t, (_, arrival))| (t, steps - arrival))
                .collect(),
            mean_degree: mean(degree_sum),
            max_degree,
            served: mean(served_sum),
            research_reach: mean(reach_sum),
            market_demand: demand,
            diversity: (diversity_start, diversity_end),
        },
    })
}
