//! One technology spread over a freshly generated grid — the automaton alone, the quick way
//! to teach and to benchmark: the scenario made from a few numbers, and its adoption curve
//! written as `step,adopters,share` rows.

use crate::progress::run_writing_rows;
use clusterlab_model::scenario::{
    validate, Limits, ParsedScenario, Problems, ScenarioFile, TechnologySection,
};
use clusterlab_model::{Neighbourhood, Scenario, TechId, World};
use std::io::Write;

/// A generated grid and its one technology.
#[derive(Clone, Copy, Debug)]
pub struct GeneratedGrid {
    /// Cells across and down.
    pub size: (u32, u32),
    /// External influence p.
    pub p: f64,
    /// Imitation q.
    pub q: f64,
    /// Whom a firm observes.
    pub neighbourhood: Neighbourhood,
    /// Share of cells holding a firm.
    pub density: f64,
    /// The seed of every random stream.
    pub seed: u64,
    /// Steps to run.
    pub steps: u32,
}

impl GeneratedGrid {
    /// The scenario of this grid, checked as a scenario file is (its fields named as in one:
    /// `region.width`, `technology[0].p`, …), with its warnings.
    pub fn scenario(&self, limits: Limits) -> Result<(Scenario, Problems), Problems> {
        let mut file = ScenarioFile {
            name: "diffuse".to_string(),
            seed: self.seed,
            steps: self.steps,
            ..ScenarioFile::default()
        };
        file.region.width = self.size.0;
        file.region.height = self.size.1;
        file.firms.density = self.density;
        file.diffusion.neighbourhood = self.neighbourhood.to_string();
        file.technologies = vec![TechnologySection {
            id: Some("technology".to_string()),
            p: self.p,
            q: self.q,
            ..TechnologySection::default()
        }];
        validate(
            &ParsedScenario::from_file(file, "command line"),
            None,
            limits,
        )
    }
}

/// Runs `scenario` to its last step, writing the header and a `step,adopters,share` row for
/// its first technology at every step (step 0 included), with a progress bar unless `quiet`.
pub fn adoption_rows(scenario: &Scenario, quiet: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let mut world = World::new(scenario);
    let tech = TechId(0);
    writeln!(out, "step,adopters,share")?;
    run_writing_rows(&mut world, scenario.steps(), quiet, out, |w, out| {
        writeln!(
            out,
            "{},{},{}",
            w.current_step(),
            w.adopters(tech),
            w.adoption_share(tech)
        )
    })
}
