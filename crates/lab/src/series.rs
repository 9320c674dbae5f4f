//! The columns a run observes each step — the economy's observation (indicators, diagnosis,
//! layers, sharing) when it runs, then each technology's adopters and share — shared by
//! `run` and `sweep`.

use clusterlab_model::economy::Observation;
use clusterlab_model::{Scenario, TechId, World};
use clusterlab_numerics::metrics::TakeUp;

/// Snapshots of the region for the report's diffusion map: at chosen steps, for each
/// competition group, each cell's state (no firm, a firm holding none of the group's
/// technologies, or the one it holds), on a grid thinned to at most 256 cells a side.
#[derive(serde::Serialize)]
pub struct Maps {
    /// Cells across and down, after thinning.
    pub width: usize,
    /// See `width`.
    pub height: usize,
    /// Original cells per map cell along each axis.
    pub stride: usize,
    /// The steps recorded.
    pub steps: Vec<u32>,
    /// Per competition group, in the order its first technology appears.
    pub groups: Vec<MapGroup>,
    #[serde(skip)]
    wanted: Vec<u32>,
}

/// One competition group's maps.
#[derive(serde::Serialize)]
pub struct MapGroup {
    /// The group's name.
    pub name: String,
    /// Its technologies, in state order (state 2 is the first).
    pub technologies: Vec<String>,
    /// One string per recorded step: a character per cell, row by row (`0` no firm, `1` none
    /// held, then `2`, `3`, … `z` for the group's technologies).
    pub frames: Vec<String>,
    #[serde(skip)]
    members: Vec<usize>,
}

const STATES: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

impl Maps {
    /// Maps of `frames` steps spread evenly over a run of `steps` steps.
    pub fn new(scenario: &clusterlab_model::Scenario, frames: u32) -> Maps {
        let region = scenario.region();
        let (w, h) = (region.width as usize, region.height as usize);
        let stride = w.max(h).div_ceil(256).max(1);
        let techs = scenario.technologies();
        let steps = scenario.steps();
        let frames = frames.max(2);
        let mut wanted: Vec<u32> = (0..frames)
            .map(|i| (u64::from(steps) * u64::from(i) / u64::from(frames - 1)) as u32)
            .collect();
        wanted.dedup();
        Maps {
            width: w.div_ceil(stride),
            height: h.div_ceil(stride),
            stride,
            steps: Vec::new(),
            groups: groups(scenario)
                .into_iter()
                .map(|(name, members)| MapGroup {
                    name,
                    technologies: members.iter().map(|&k| techs[k].id.clone()).collect(),
                    frames: Vec::new(),
                    members,
                })
                .collect(),
            wanted,
        }
    }

    /// Records the world's state if its step is one of the chosen.
    pub fn observe(&mut self, world: &World) {
        let t = world.current_step();
        if !self.wanted.contains(&t) || self.steps.contains(&t) {
            return;
        }
        let mut states = Vec::with_capacity(self.width * self.height);
        for group in &mut self.groups {
            cell_states(world, &group.members, self.stride, &mut states);
            group.frames.push(
                states
                    .iter()
                    .map(|&s| char::from(STATES[usize::from(s).min(STATES.len() - 1)]))
                    .collect(),
            );
        }
        self.steps.push(t);
    }
}

/// The competition groups, in the order their first technology appears: each group's name and
/// its technologies by index (a map shows one group: a firm holds at most one of them).
pub fn groups(scenario: &Scenario) -> Vec<(String, Vec<usize>)> {
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    for (k, t) in scenario.technologies().iter().enumerate() {
        match out.iter_mut().find(|(g, _)| *g == t.group) {
            Some((_, members)) => members.push(k),
            None => out.push((t.group.clone(), vec![k])),
        }
    }
    out
}

/// Each map cell's state into `out` (cleared first), row by row over the region thinned by
/// `stride`: 0 no firm, 1 a firm holding none of `members`, 2 + j a firm holding `members[j]`.
pub fn cell_states(world: &World, members: &[usize], stride: usize, out: &mut Vec<u8>) {
    out.clear();
    let (w, h) = (world.grid().width(), world.grid().height());
    for y in (0..h).step_by(stride) {
        for x in (0..w).step_by(stride) {
            let state = if !world.has_firm(x, y) {
                0
            } else {
                members
                    .iter()
                    .position(|&k| world.holds(x, y, TechId(k)))
                    .map_or(1, |j| (j + 2).min(255) as u8)
            };
            out.push(state);
        }
    }
}

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
            Observation::columns(
                scenario
                    .processes()
                    .has(clusterlab_model::scenario::Process::Strategy),
            )
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
    /// the take-up times follow. Returns the economy's observation the row was made of, if
    /// the series records one.
    pub fn observe(&mut self, world: &World, row: &mut Vec<f64>) -> Option<Observation> {
        row.clear();
        let step = world.current_step();
        let observation = if self.economy {
            world.economy().map(|economy| economy.observe(step))
        } else {
            None
        };
        if let Some(o) = &observation {
            row.extend(o.values());
        }
        for (k, take_up) in self.take_up.iter_mut().enumerate() {
            let share = world.adoption_share(TechId(k));
            take_up.observe(step as usize, share);
            row.push(world.adopters(TechId(k)) as f64);
            row.push(share);
        }
        observation
    }

    /// Each technology's take-up times so far.
    pub fn take_up(&self) -> &[TakeUp] {
        &self.take_up
    }
}

/// The ties between firms at one step, for the report's network view: each tied firm where it
/// sits and its class, each tie once. A large network is thinned to at most [`NETWORK_NODES`]
/// firms (every k-th tied firm, with the ties among them), and says so.
#[derive(serde::Serialize)]
pub struct NetworkView {
    /// The region's size in cells.
    pub width: usize,
    /// See `width`.
    pub height: usize,
    /// The step shown.
    pub step: u32,
    /// Per firm shown: x, y, class (0 laggard, 1 middle, 2 leader), ties.
    pub nodes: Vec<[u32; 4]>,
    /// Ties between firms shown, as indices into `nodes`.
    pub edges: Vec<[u32; 2]>,
    /// Firms alive, and of them those with a tie.
    pub firms: u64,
    /// See `firms`.
    pub tied_firms: u64,
    /// Ties in the whole network.
    pub ties: u64,
}

/// The most firms the network view shows.
pub const NETWORK_NODES: usize = 4000;

impl NetworkView {
    /// The network of `world`'s economy now; `None` when no economy runs.
    pub fn of(world: &World) -> Option<NetworkView> {
        let economy = world.economy()?;
        let f = &economy.firms;
        let width = world.grid().width();
        let live: Vec<usize> = f.live().collect();
        let tied: Vec<usize> = live
            .iter()
            .copied()
            .filter(|&s| !economy.network.partners(s).is_empty())
            .collect();
        let keep_every = tied.len().div_ceil(NETWORK_NODES).max(1);
        let mut index = vec![u32::MAX; f.alive.len()];
        let mut nodes = Vec::new();
        for &slot in tied.iter().step_by(keep_every) {
            index[slot] = nodes.len() as u32;
            let cell = f.cell[slot] as usize;
            nodes.push([
                (cell % width) as u32,
                (cell / width) as u32,
                f.class[slot] as u32,
                economy.network.partners(slot).len() as u32,
            ]);
        }
        let mut edges = Vec::new();
        for &slot in tied.iter().step_by(keep_every) {
            for &other in economy.network.partners(slot) {
                let other = other as usize;
                if other > slot && index[other] != u32::MAX {
                    edges.push([index[slot], index[other]]);
                }
            }
        }
        Some(NetworkView {
            width,
            height: world.grid().height(),
            step: world.current_step(),
            nodes,
            edges,
            firms: live.len() as u64,
            tied_firms: tied.len() as u64,
            ties: economy.network.edges(),
        })
    }
}
