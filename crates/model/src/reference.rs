//! A slow, obviously correct implementation of the diffusion step.
//!
//! It stores the grid without a halo, one `Option<TechId>` per firm and group, walks every
//! neighbour with explicit bounds tests (or wrap-around) and evaluates the adoption
//! probability in floating point per firm. It draws the same random numbers as the fast
//! kernel, so the two must agree cell for cell: the tests hold the fast kernel to it, and the
//! benchmark uses it as the naive baseline.

use crate::diffusion::{global_probability, local_probability};
use crate::neighbourhood::Neighbourhood;
use crate::rng::{probability_threshold, serial_stream, CellStream, Purpose};
use crate::scenario::{Boundary, Technology};
use crate::world::{TechId, World};

/// A copy of a world's state in the plainest layout, stepped by the plainest loop.
#[derive(Clone, Debug)]
pub struct ReferenceWorld {
    seed: u64,
    step: u32,
    width: usize,
    height: usize,
    boundary: Boundary,
    neighbourhood: Neighbourhood,
    technologies: Vec<Technology>,
    firm: Vec<bool>,
    capacity: Vec<f64>,
    /// `held[tech]`: which firms hold the technology.
    held: Vec<Vec<bool>>,
}

impl ReferenceWorld {
    /// Copies `world`, which must not have stepped yet.
    pub fn from_world(world: &World) -> ReferenceWorld {
        assert_eq!(world.current_step(), 0, "copy the world before it steps");
        let grid = world.grid();
        let (width, height) = (grid.width(), grid.height());
        let mut firm = vec![false; width * height];
        let mut capacity = vec![0.0; width * height];
        let technologies = world.technologies().to_vec();
        let mut held = vec![vec![false; width * height]; technologies.len()];
        for y in 0..height {
            for x in 0..width {
                let i = y * width + x;
                firm[i] = world.has_firm(x, y);
                if firm[i] {
                    capacity[i] = world.absorptive_capacity(x, y);
                    for (k, h) in held.iter_mut().enumerate() {
                        h[i] = world.holds(x, y, TechId(k));
                    }
                }
            }
        }
        ReferenceWorld {
            seed: world.seed(),
            step: 0,
            width,
            height,
            boundary: grid.boundary(),
            neighbourhood: world.neighbourhood(),
            technologies,
            firm,
            capacity,
            held,
        }
    }

    /// Firms holding `tech`.
    pub fn adopters(&self, tech: TechId) -> u64 {
        self.held[tech.0].iter().filter(|&&h| h).count() as u64
    }

    /// Whether the firm on `(x, y)` holds `tech`.
    pub fn holds(&self, x: usize, y: usize, tech: TechId) -> bool {
        self.held[tech.0][y * self.width + x]
    }

    fn held_in_group(&self, i: usize, group: &str) -> Option<usize> {
        (0..self.technologies.len())
            .find(|&k| self.technologies[k].group == group && self.held[k][i])
    }

    fn neighbours_holding(&self, x: usize, y: usize, k: usize) -> u32 {
        let mut n = 0;
        for (dx, dy) in self.neighbourhood.offsets() {
            let (mut nx, mut ny) = (x as i64 + i64::from(dx), y as i64 + i64::from(dy));
            let (w, h) = (self.width as i64, self.height as i64);
            match self.boundary {
                Boundary::Torus => {
                    nx = nx.rem_euclid(w);
                    ny = ny.rem_euclid(h);
                }
                Boundary::Bounded => {
                    if nx < 0 || ny < 0 || nx >= w || ny >= h {
                        continue;
                    }
                }
            }
            let j = ny as usize * self.width + nx as usize;
            if self.firm[j] && self.held[k][j] {
                n += 1;
            }
        }
        n
    }

    /// One synchronous step and the arrivals of the new step, as [`World::step`].
    pub fn step(&mut self) {
        let t = self.step;
        let n_firms = self.firm.iter().filter(|&&f| f).count() as f64;
        let mut next = self.held.clone();
        for y in 0..self.height {
            for x in 0..self.width {
                let i = y * self.width + x;
                if !self.firm[i] {
                    continue;
                }
                // Per group, the best technology whose draw succeeds.
                let mut chosen: Vec<(String, usize)> = Vec::new();
                for (k, tech) in self.technologies.iter().enumerate() {
                    if tech.arrival > t {
                        continue;
                    }
                    let current = self.held_in_group(i, &tech.group);
                    let eligible = match current {
                        None => true,
                        Some(j) => self.technologies[j].quality < tech.quality,
                    };
                    if !eligible {
                        continue;
                    }
                    let prob = match self.neighbourhood {
                        Neighbourhood::Global => {
                            let share = if n_firms > 0.0 {
                                self.adopters(TechId(k)) as f64 / n_firms
                            } else {
                                0.0
                            };
                            global_probability(tech.p, tech.q, share)
                        }
                        _ => local_probability(tech.p, tech.q, self.neighbours_holding(x, y, k)),
                    };
                    let threshold = probability_threshold(self.capacity[i] * prob);
                    let draw = CellStream::new(self.seed, Purpose::Adoption, t, k as u32)
                        .draw31((y * self.width + x) as u32);
                    if draw < threshold {
                        let tie_key = |j: usize| {
                            CellStream::new(self.seed, Purpose::TieBreak, t, j as u32)
                                .at((y * self.width + x) as u32)
                        };
                        match chosen.iter_mut().find(|(g, _)| *g == tech.group) {
                            Some(entry) => {
                                // Higher quality wins; between equals, the higher random key.
                                let best = self.technologies[entry.1].quality;
                                if best < tech.quality
                                    || (best == tech.quality && tie_key(entry.1) < tie_key(k))
                                {
                                    entry.1 = k;
                                }
                            }
                            None => chosen.push((tech.group.clone(), k)),
                        }
                    }
                }
                for (group, k) in chosen {
                    for (j, tech) in self.technologies.iter().enumerate() {
                        if tech.group == group {
                            next[j][i] = j == k;
                        }
                    }
                }
            }
        }
        self.held = next;
        self.step += 1;
        let step = self.step;
        for k in 0..self.technologies.len() {
            if self.technologies[k].arrival == step {
                self.seed_technology(k);
            }
        }
    }

    fn eligible_for(&self, i: usize, k: usize) -> bool {
        let tech = &self.technologies[k];
        self.firm[i]
            && match self.held_in_group(i, &tech.group) {
                None => true,
                Some(j) => self.technologies[j].quality < tech.quality,
            }
    }

    fn give(&mut self, i: usize, k: usize) {
        let group = self.technologies[k].group.clone();
        for j in 0..self.technologies.len() {
            if self.technologies[j].group == group {
                self.held[j][i] = j == k;
            }
        }
    }

    fn seed_technology(&mut self, k: usize) {
        for (x, y) in self.technologies[k].seed_cells.clone() {
            let i = y as usize * self.width + x as usize;
            if self.eligible_for(i, k) {
                self.give(i, k);
            }
        }
        let wanted = self.technologies[k].seed_adopters;
        let mut eligible = (0..self.firm.len())
            .filter(|&i| self.eligible_for(i, k))
            .count() as u64;
        let mut needed = wanted.min(eligible);
        let mut rng = serial_stream(self.seed, Purpose::SeedAdopters, k as u32);
        for i in 0..self.firm.len() {
            if needed == 0 {
                break;
            }
            if self.eligible_for(i, k) {
                if rng.below_unbiased(eligible) < needed {
                    self.give(i, k);
                    needed -= 1;
                }
                eligible -= 1;
            }
        }
    }
}
