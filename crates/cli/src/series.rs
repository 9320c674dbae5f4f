//! The columns a run observes each step — the economy's observation (indicators, diagnosis,
//! layers, sharing) when it runs, then each technology's adopters and share — shared by
//! `run` and `sweep`.

use clusterlab_analysis::metrics::TakeUp;
use clusterlab_model::economy::Observation;
use clusterlab_model::{Scenario, TechId, World};

/// What a run records per step.
pub struct Series {
    columns: Vec<String>,
    economy: bool,
    take_up: Vec<TakeUp>,
}

impl Series {
    /// The series of a scenario's runs.
    pub fn new(scenario: &Scenario) -> Series {
        let economy = scenario.processes().economy();
        let mut columns: Vec<String> = if economy {
            Observation::columns(scenario.processes().strategy)
                .map(String::from)
                .collect()
        } else {
            Vec::new()
        };
        for t in scenario.technologies() {
            columns.push(format!("adopters:{}", t.id));
            columns.push(format!("share:{}", t.id));
        }
        Series {
            columns,
            economy,
            take_up: vec![TakeUp::default(); scenario.technologies().len()],
        }
    }

    /// The column names, `step` excluded.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The values of the world's current state into `row` (cleared first), in column order;
    /// the take-up times follow.
    pub fn observe(&mut self, world: &World, row: &mut Vec<f64>) {
        row.clear();
        let step = world.current_step();
        if self.economy {
            if let Some(economy) = world.economy() {
                row.extend(economy.observe(step).values());
            }
        }
        for (k, take_up) in self.take_up.iter_mut().enumerate() {
            let share = world.adoption_share(TechId(k));
            take_up.observe(step as usize, share);
            row.push(world.adopters(TechId(k)) as f64);
            row.push(share);
        }
    }

    /// Each technology's take-up times so far.
    pub fn take_up(&self) -> &[TakeUp] {
        &self.take_up
    }
}
