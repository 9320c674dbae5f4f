//! The world: a region's grid of firms, the technologies, and the step that moves them.
//!
//! **Storage invariant:** a firm *is* an occupied cell — at most one firm per cell, identified
//! by its cell. What a firm holds is stored per competition group as one byte per cell
//! (`0` holds none, `j + 1` holds the group's `j`-th technology by ascending quality,
//! [`EMPTY`] no firm), double-buffered and swapped each step. Absorptive capacities that
//! differ between firms are one more byte per cell (level `l` means `l / 255`). A world with
//! one technology group and a common capacity therefore takes 2 bytes per cell plus an
//! eighth of a byte of scratch.

use crate::diffusion::{
    global_probability, local_probability, step_band, BandScratch, GroupPass, KernelPath,
    TechKernel, BAND_ROWS, LEVEL_TABLE, SMALL_TABLE,
};
use crate::economy::demography::Turnover;
use crate::economy::Economy;
use crate::grid::{Grid, EMPTY};
use crate::neighbourhood::Neighbourhood;
use crate::rng::{probability_threshold, serial_stream, CellStream, Purpose};
use crate::scenario::{Capacity, FirmPlacement, Processes, Region, Scenario, Technology};
use crate::schedule::{Process, Stage, SCHEDULE};
use rayon::prelude::*;

/// Wall-clock seconds spent per process of the step (for profiling a scenario).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ProcessTimings {
    /// Seconds per process, in the order of [`ProcessTimings::NAMES`].
    pub seconds: [f64; 1 + Process::COUNT],
}

impl ProcessTimings {
    /// The processes timed: `bookkeeping` (costs, classes, capacities and arrivals), then the
    /// processes of the step in their order.
    pub const NAMES: [&'static str; 1 + Process::COUNT] = {
        let mut names = ["bookkeeping"; 1 + Process::COUNT];
        let mut i = 0;
        while i < Process::ALL.len() {
            names[1 + i] = Process::ALL[i].name();
            i += 1;
        }
        names
    };
}

/// A technology that arrived asking for more seed adopters than there were eligible firms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeedShortfall {
    /// The technology.
    pub tech: TechId,
    /// Its arrival step.
    pub step: u32,
    /// `seed_adopters` of the scenario.
    pub wanted: u64,
    /// How many firms were eligible and adopted.
    pub placed: u64,
}

/// Index of a technology in its scenario's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TechId(pub usize);

/// Firms' absorptive capacities.
#[derive(Clone, Debug)]
enum CapacityLayer {
    /// One value for all firms.
    Fixed(f64),
    /// A level per padded cell; level `l` is capacity `l / 255`.
    Levels(Vec<u8>),
}

/// A competition group: the technologies of which a firm holds at most one.
#[derive(Clone, Debug)]
struct Group {
    current: Vec<u8>,
    next: Vec<u8>,
    /// Technologies by ascending quality (state value = position + 1).
    members: Vec<usize>,
    /// Arrived members, kept in ascending quality.
    arrived: Vec<usize>,
    /// State values `1..=members.len()`.
    values: Vec<u8>,
}

/// A cluster's firms on a grid and the technologies spreading among them.
#[derive(Clone, Debug)]
pub struct World {
    seed: u64,
    step: u32,
    grid: Grid,
    neighbourhood: Neighbourhood,
    offsets: Vec<isize>,
    n_firms: u64,
    capacity: CapacityLayer,
    groups: Vec<Group>,
    technologies: Vec<Technology>,
    tech_group: Vec<usize>,
    kernels: Vec<TechKernel>,
    adopters: Vec<u64>,
    bands: Vec<BandScratch>,
    kernel_path: KernelPath,
    shortfalls: Vec<SeedShortfall>,
    processes: Processes,
    economy: Option<Economy>,
    /// Scratch: radical innovators of the step (slot, cell); the grid's turnover.
    radical: Vec<(usize, u32)>,
    turnover: Turnover,
    timings: Option<ProcessTimings>,
    /// In a cluster economy under a local neighbourhood, what neighbours see of each group's
    /// layer (firms that do not show this step hold none) and, per technology, the adopting
    /// contacts beyond the neighbourhood (partners, intermediaries). Empty otherwise.
    observed: Vec<Vec<u8>>,
    extra: Vec<Vec<u8>>,
    /// Per intermediary, the padded indices of the cells it serves, and its relay.
    served_cells: Vec<(Vec<usize>, u8)>,
    /// Scratch per slot: whether the firm shows this step; its padded index.
    showing: Vec<bool>,
    padded_index: Vec<u32>,
    /// Scratch per slot and technology: the firm's adopting contacts beyond its neighbourhood
    /// (showing partners, and pipelines).
    contacts: Vec<u8>,
    /// Per group, `1 − cost_gain` by state value (index 0: none).
    cost_factors: Vec<Vec<f64>>,
    /// Whether firms weigh adoption costs (an economy with a market, and some technology
    /// that costs something to adopt).
    adoption_priced: bool,
    /// Every technology's external influence `p` as the scenario gives it.
    base_p: Vec<f64>,
    /// Per technology, in a cluster economy: a bit per cell id marking the firms that were
    /// laggards when it arrived and have not exited since (empty before its arrival).
    arrival_laggards: Vec<Vec<u64>>,
    /// Radical technologies created so far, slots reused included.
    radical_introduced: u64,
    /// Per technology: how many times its (radical) slot was taken by a newer technology.
    radical_generations: Vec<u32>,
}

/// A firm on the move.
#[derive(Clone, Debug, PartialEq)]
pub struct Migrant {
    /// Its attributes (the cell is set where it settles).
    pub firm: crate::economy::firms::NewFirm,
    /// Its class when it left.
    pub class: crate::economy::firms::FirmClass,
    /// Ids of the technologies it holds.
    pub technologies: Vec<String>,
}

pub(crate) use crate::diffusion::level_of;

impl World {
    /// Memory a world of this shape needs, in bytes, at most (validation refuses what the
    /// machine cannot hold): the layers, the band scratch, and each technology's threshold
    /// tables. `equal_rivals`: whether some group holds two technologies of equal quality.
    pub fn bytes_needed(
        region: Region,
        neighbourhood: Neighbourhood,
        n_groups: usize,
        n_technologies: usize,
        heterogeneous_capacity: bool,
        equal_rivals: bool,
    ) -> u64 {
        crate::budget::world_bytes(
            region,
            neighbourhood,
            n_groups,
            n_technologies,
            heterogeneous_capacity,
            equal_rivals,
        )
    }

    /// Builds the world of `scenario` with the scenario's seed: places the firms, draws their
    /// capacities, and seeds the technologies that arrive at step 0.
    pub fn new(scenario: &Scenario) -> World {
        let seed = scenario.seed;
        let region = scenario.region;
        let neighbourhood = scenario.neighbourhood;
        let grid = Grid::new(region, neighbourhood.reach());
        let stride = grid.stride() as isize;
        let offsets: Vec<isize> = neighbourhood
            .offsets()
            .into_iter()
            .map(|(dx, dy)| dy as isize * stride + dx as isize)
            .collect();

        // Competition groups in order of first appearance; members by ascending quality.
        let mut group_names: Vec<&str> = Vec::new();
        let mut tech_group = Vec::with_capacity(scenario.technologies.len());
        for t in &scenario.technologies {
            let g = match group_names.iter().position(|&n| n == t.group) {
                Some(g) => g,
                None => {
                    group_names.push(&t.group);
                    group_names.len() - 1
                }
            };
            tech_group.push(g);
        }

        // Firm placement: one layer of occupancy first, copied into every group.
        let mut occupancy = grid.new_layer(EMPTY);
        let mut n_firms = 0u64;
        let mut capacity_spec = None;
        let mut default_level = 255;
        let capacity = match &scenario.firms {
            FirmPlacement::Density { density, capacity } => {
                let placement = CellStream::new(seed, Purpose::FirmPlacement, 0, 0);
                let threshold = probability_threshold(*density);
                for y in 0..grid.height() {
                    for x in 0..grid.width() {
                        if placement.draw31(grid.cell_id(x, y)) < threshold {
                            occupancy[grid.index(x, y)] = 0;
                            n_firms += 1;
                        }
                    }
                }
                capacity_spec = Some(*capacity);
                match *capacity {
                    Capacity::Fixed(a) => CapacityLayer::Fixed(a),
                    Capacity::Uniform { .. } => {
                        let mut levels = vec![0u8; grid.padded_len()];
                        for y in 0..grid.height() {
                            for x in 0..grid.width() {
                                let i = grid.index(x, y);
                                if occupancy[i] != EMPTY {
                                    levels[i] = draw_level(seed, *capacity, grid.cell_id(x, y));
                                }
                            }
                        }
                        CapacityLayer::Levels(levels)
                    }
                }
            }
            FirmPlacement::Listed {
                firms,
                default_capacity,
            } => {
                let mut levels = vec![0u8; grid.padded_len()];
                for f in firms {
                    let i = grid.index(f.x as usize, f.y as usize);
                    occupancy[i] = 0;
                    levels[i] = level_of(f.absorptive_capacity);
                }
                n_firms = firms.len() as u64;
                default_level = level_of(*default_capacity);
                CapacityLayer::Levels(levels)
            }
        };

        // Every seed cell holds a firm from the start, so the population is fixed for the run.
        let mut capacity = capacity;
        for t in &scenario.technologies {
            for &(x, y) in &t.seed_cells {
                let (x, y) = (x as usize, y as usize);
                let i = grid.index(x, y);
                if occupancy[i] == EMPTY {
                    occupancy[i] = 0;
                    n_firms += 1;
                    if let CapacityLayer::Levels(levels) = &mut capacity {
                        levels[i] = match capacity_spec {
                            Some(spec) => draw_level(seed, spec, grid.cell_id(x, y)),
                            None => default_level,
                        };
                    }
                }
            }
        }

        // The economy, when any of its processes runs: its firms in row-major order, with their
        // exact capacities; the diffusion then reads capacities from a per-cell layer that the
        // economy refreshes every step.
        let economy = scenario.processes.economy().then(|| {
            let listed = match &scenario.firms {
                FirmPlacement::Listed { firms, .. } => Some(firms.as_slice()),
                FirmPlacement::Density { .. } => None,
            };
            let listed_capacity: std::collections::HashMap<u32, f64> = listed
                .unwrap_or_default()
                .iter()
                .map(|f| {
                    (
                        grid.cell_id(f.x as usize, f.y as usize),
                        f.absorptive_capacity,
                    )
                })
                .collect();
            let mut firm_cells = Vec::with_capacity(n_firms as usize);
            for y in 0..grid.height() {
                for x in 0..grid.width() {
                    if occupancy[grid.index(x, y)] == EMPTY {
                        continue;
                    }
                    let cell = grid.cell_id(x, y);
                    let a = match &scenario.firms {
                        FirmPlacement::Density { capacity, .. } => {
                            capacity_value(seed, *capacity, cell)
                        }
                        FirmPlacement::Listed {
                            default_capacity, ..
                        } => listed_capacity
                            .get(&cell)
                            .copied()
                            .unwrap_or(*default_capacity),
                    };
                    firm_cells.push((cell, a));
                }
            }
            // What an entrant into a cluster that has emptied brings (no incumbents to average).
            let empty_capacity = match &scenario.firms {
                FirmPlacement::Density { capacity, .. } => capacity.mean(),
                FirmPlacement::Listed {
                    default_capacity, ..
                } => *default_capacity,
            };
            Economy::new(
                &scenario.economy,
                seed,
                &grid,
                (&firm_cells, empty_capacity),
                listed,
            )
        });
        if let Some(economy) = &economy {
            let mut levels = vec![0u8; grid.padded_len()];
            write_capacity_levels(&grid, economy, &mut levels);
            capacity = CapacityLayer::Levels(levels);
        }

        // The last group takes the occupancy layer itself, so building holds at most the two
        // layers per group a step needs.
        let n_groups = group_names.len();
        let mut occupancy = Some(occupancy);
        let mut groups: Vec<Group> = (0..n_groups)
            .map(|g| {
                let mut members: Vec<usize> = (0..scenario.technologies.len())
                    .filter(|&k| tech_group[k] == g)
                    .collect();
                // Stable: equal qualities keep file order.
                members.sort_by(|&a, &b| {
                    scenario.technologies[a]
                        .quality
                        .total_cmp(&scenario.technologies[b].quality)
                });
                let values = (1..=members.len() as u8).collect();
                let next = occupancy.as_ref().expect("taken by the last group").clone();
                let current = if g + 1 == n_groups {
                    occupancy.take().expect("taken once")
                } else {
                    next.clone()
                };
                Group {
                    current,
                    next,
                    arrived: Vec::with_capacity(members.len()),
                    members,
                    values,
                }
            })
            .collect();
        for group in &mut groups {
            grid.refresh_halo(&mut group.current);
            grid.refresh_halo(&mut group.next);
        }

        let levels = matches!(capacity, CapacityLayer::Levels(_));
        // A cluster economy under a local neighbourhood feeds the automaton contacts beyond the
        // neighbourhood: partners (when ties form) and intermediaries' relays.
        let coupled = economy.is_some() && neighbourhood != Neighbourhood::Global;
        let extra_contacts = if coupled {
            let partners = if scenario.processes.has(Process::Network) {
                scenario.economy.network.max_degree as usize
            } else {
                0
            };
            let relays: usize = scenario
                .economy
                .intermediaries
                .iter()
                .map(|m| m.relay as usize)
                .sum();
            (partners + relays).min(255)
        } else {
            0
        };
        let max_count = offsets.len() + extra_contacts;
        let mut kernels = vec![
            TechKernel {
                value: 0,
                eligible_below: 0,
                stream: CellStream::new(seed, Purpose::Adoption, 0, 0),
                fused: false,
                tie_break: None,
                small: [0; SMALL_TABLE],
                by_level: Box::new([0; LEVEL_TABLE]),
                table: Vec::new(),
                stride: 1,
            };
            scenario.technologies.len()
        ];
        for group in &groups {
            for (pos, &k) in group.members.iter().enumerate() {
                let quality = scenario.technologies[k].quality;
                let first_equal = group
                    .members
                    .iter()
                    .position(|&j| scenario.technologies[j].quality == quality)
                    .unwrap_or(pos);
                let kernel = &mut kernels[k];
                kernel.value = pos as u8 + 1;
                kernel.eligible_below = first_equal as u8;
                let stride = if neighbourhood == Neighbourhood::Global {
                    1
                } else {
                    max_count + 1
                };
                kernel.stride = stride;
                let has_rival = group
                    .members
                    .iter()
                    .filter(|&&j| scenario.technologies[j].quality == quality)
                    .count()
                    > 1;
                // The fused path is compiled for 0, 4, 8 and 12 neighbours (global, von Neumann or
                // radius:1, Moore, radius:2).
                kernel.fused =
                    stride <= SMALL_TABLE && !has_rival && matches!(offsets.len(), 0 | 4 | 8 | 12);
                if has_rival {
                    kernel.tie_break = Some(CellStream::new(seed, Purpose::TieBreak, 0, k as u32));
                }
                kernel.table = vec![0; if levels { 256 * stride } else { stride }];
            }
        }

        // Scratch only for the paths some technology takes (see `bytes_needed`).
        let max_members = groups.iter().map(|g| g.members.len()).max().unwrap_or(0);
        let any_fused = kernels.iter().any(|k| k.fused);
        let any_general = kernels.iter().any(|k| !k.fused);
        let any_ties = kernels.iter().any(|k| k.tie_break.is_some());
        let row = |needed: bool| if needed { grid.width() } else { 0 };
        let n_bands = grid.height().div_ceil(BAND_ROWS);
        let bands = (0..n_bands)
            .map(|_| BandScratch {
                counts: vec![0; row(any_general)],
                byte_counts: vec![0; row(any_fused)],
                tie_keys: vec![0; row(any_ties)],
                tally: vec![0; max_members],
                paid: Vec::new(),
            })
            .collect();

        let mut world = World {
            seed,
            step: 0,
            grid,
            neighbourhood,
            offsets,
            n_firms,
            capacity,
            groups,
            technologies: scenario.technologies.clone(),
            tech_group,
            adopters: vec![0; scenario.technologies.len()],
            kernels,
            bands,
            kernel_path: KernelPath::best(),
            shortfalls: Vec::new(),
            processes: scenario.processes,
            economy,
            radical: Vec::new(),
            turnover: Turnover::default(),
            timings: None,
            observed: Vec::new(),
            extra: Vec::new(),
            served_cells: Vec::new(),
            showing: Vec::new(),
            padded_index: Vec::new(),
            contacts: Vec::new(),
            cost_factors: Vec::new(),
            adoption_priced: false,
            arrival_laggards: vec![Vec::new(); scenario.technologies.len()],
            base_p: scenario.technologies.iter().map(|t| t.p).collect(),
            radical_introduced: 0,
            radical_generations: vec![0; scenario.technologies.len()],
        };
        for k in 0..world.technologies.len() {
            world.refresh_thresholds(k);
        }
        world.adoption_priced = world.economy.is_some()
            && scenario.processes.has(Process::Market)
            && world.technologies.iter().any(|t| t.adoption_cost > 0.0);
        world.cost_factors = world
            .groups
            .iter()
            .map(|g| {
                std::iter::once(1.0)
                    .chain(
                        g.members
                            .iter()
                            .map(|&k| 1.0 - world.technologies[k].cost_gain),
                    )
                    .collect()
            })
            .collect();
        if coupled {
            world.observed = world.groups.iter().map(|g| g.current.clone()).collect();
            world.extra = vec![vec![0; grid.padded_len()]; world.technologies.len()];
            let width = grid.width();
            world.served_cells = scenario
                .economy
                .intermediaries
                .iter()
                .map(|m| {
                    let centre = (m.y as usize * width + m.x as usize) as u32;
                    let r = i64::from(m.reach);
                    let mut cells = Vec::new();
                    for dy in -r..=r {
                        for dx in -r..=r {
                            if dx * dx + dy * dy <= r * r {
                                if let Some(c) = crate::economy::neighbour_cell(
                                    width,
                                    grid.height(),
                                    grid.boundary(),
                                    centre,
                                    dx,
                                    dy,
                                ) {
                                    let c = c as usize;
                                    cells.push(grid.index(c % width, c / width));
                                }
                            }
                        }
                    }
                    cells.sort_unstable();
                    cells.dedup();
                    (cells, m.relay as u8)
                })
                .collect();
        }
        world.arrive(0);
        if let Some(economy) = &mut world.economy {
            refresh_tech_factors(economy, &world.grid, &world.groups, &world.cost_factors);
            economy.update_costs_and_classes();
            // Shares and capacities from the costs with the seeds' technologies.
            economy.market_on = world.processes.has(Process::Market);
            economy.open_market();
            if world.processes.has(Process::Strategy) {
                economy.strategy_on = true;
                economy.refresh_openness();
            }
            economy.record_factors(0);
        }
        world
    }

    /// The step the world is at: the number of steps taken.
    pub fn current_step(&self) -> u32 {
        self.step
    }
    /// The seed every random stream derives from.
    pub fn seed(&self) -> u64 {
        self.seed
    }
    /// Number of firms.
    pub fn n_firms(&self) -> u64 {
        self.n_firms
    }
    /// The grid's shape.
    pub fn grid(&self) -> &Grid {
        &self.grid
    }
    /// The diffusion neighbourhood.
    pub fn neighbourhood(&self) -> Neighbourhood {
        self.neighbourhood
    }
    /// The technologies, in scenario order.
    pub fn technologies(&self) -> &[Technology] {
        &self.technologies
    }
    /// Radical technologies created by innovations so far, those that took the slot of an
    /// extinct one included.
    pub fn radical_introduced(&self) -> u64 {
        self.radical_introduced
    }

    /// How many times technology `tech`'s slot was reused by a newer radical technology (0
    /// for every other technology): its column then follows the newest.
    pub fn generation(&self, tech: TechId) -> u32 {
        self.radical_generations[tech.0]
    }

    /// Firms holding technology `tech`.
    pub fn adopters(&self, tech: TechId) -> u64 {
        self.adopters[tech.0]
    }
    /// Share of all firms holding technology `tech` (0 when there are no firms).
    pub fn adoption_share(&self, tech: TechId) -> f64 {
        if self.n_firms == 0 {
            0.0
        } else {
            self.adopters[tech.0] as f64 / self.n_firms as f64
        }
    }
    /// Technologies so far that found fewer eligible firms than their `seed_adopters`.
    pub fn seed_shortfalls(&self) -> &[SeedShortfall] {
        &self.shortfalls
    }
    /// The cluster's economy, when any of its processes runs.
    pub fn economy(&self) -> Option<&Economy> {
        self.economy.as_ref()
    }
    /// The economy, to change (for the regions a world belongs to).
    pub(crate) fn economy_mut(&mut self) -> Option<&mut Economy> {
        self.economy.as_mut()
    }
    /// Which processes run.
    pub fn processes(&self) -> Processes {
        self.processes
    }
    /// Whether cell `(x, y)` holds a firm.
    pub fn has_firm(&self, x: usize, y: usize) -> bool {
        self.groups
            .first()
            .is_some_and(|g| g.current[self.grid.index(x, y)] != EMPTY)
    }
    /// Whether the firm on cell `(x, y)` holds technology `tech`.
    pub fn holds(&self, x: usize, y: usize, tech: TechId) -> bool {
        let g = &self.groups[self.tech_group[tech.0]];
        g.current[self.grid.index(x, y)] == self.kernels[tech.0].value
    }
    /// Of the firms that were laggards when technology `tech` arrived and are still in the
    /// cluster, the share that holds it: the equity of its diffusion. `None` without an
    /// economy, before its arrival, or when none of those firms is left.
    pub fn laggard_adoption(&self, tech: TechId) -> Option<f64> {
        let bits = &self.arrival_laggards[tech.0];
        let width = self.grid.width();
        let (mut laggards, mut adopting) = (0u64, 0u64);
        for (w, &word) in bits.iter().enumerate() {
            let mut word = word;
            while word != 0 {
                let cell = w * 64 + word.trailing_zeros() as usize;
                word &= word - 1;
                laggards += 1;
                adopting += u64::from(self.holds(cell % width, cell / width, tech));
            }
        }
        (laggards > 0).then(|| adopting as f64 / laggards as f64)
    }

    /// The share of firms that hold technology `tech` or have a neighbour (in the
    /// automaton's neighbourhood) that does: how far it has reached across the region. Under
    /// `global` every firm is a neighbour, so the reach is 1 once anyone adopts.
    pub fn spatial_reach(&self, tech: TechId) -> f64 {
        if self.n_firms == 0 {
            return 0.0;
        }
        if self.neighbourhood == Neighbourhood::Global {
            return f64::from(u8::from(self.adopters[tech.0] > 0));
        }
        let (w, h) = (self.grid.width() as i64, self.grid.height() as i64);
        let offsets = self.neighbourhood.offsets();
        let torus = self.grid.boundary() == crate::scenario::Boundary::Torus;
        let holds_at = |x: i64, y: i64| -> bool {
            let (x, y) = if torus {
                (x.rem_euclid(w), y.rem_euclid(h))
            } else if x < 0 || y < 0 || x >= w || y >= h {
                return false;
            } else {
                (x, y)
            };
            self.holds(x as usize, y as usize, tech)
        };
        let mut reached = 0u64;
        for y in 0..h {
            for x in 0..w {
                if !self.has_firm(x as usize, y as usize) {
                    continue;
                }
                let near = holds_at(x, y)
                    || offsets
                        .iter()
                        .any(|&(dx, dy)| holds_at(x + i64::from(dx), y + i64::from(dy)));
                reached += u64::from(near);
            }
        }
        reached as f64 / self.n_firms as f64
    }

    /// The absorptive capacity of the firm on `(x, y)` as the model uses it.
    pub fn absorptive_capacity(&self, x: usize, y: usize) -> f64 {
        match &self.capacity {
            CapacityLayer::Fixed(a) => *a,
            CapacityLayer::Levels(levels) => f64::from(levels[self.grid.index(x, y)]) / 255.0,
        }
    }

    /// The compilation of the diffusion kernel this world steps with ([`KernelPath::best`]
    /// unless changed).
    pub fn kernel_path(&self) -> KernelPath {
        self.kernel_path
    }

    /// Steps with another compilation of the kernel, to compare them; refused (false) where
    /// the CPU cannot run it.
    pub fn use_kernel_path(&mut self, path: KernelPath) -> bool {
        if path.is_supported() {
            self.kernel_path = path;
        }
        path.is_supported()
    }

    /// One step: the stages of [`SCHEDULE`] in order — the costs, the scenario's processes
    /// (the economy's, one synchronous round of the diffusion automaton, entry and exit) with
    /// the accounting between them, then the arrivals of the new step.
    pub fn step(&mut self) {
        let t = self.step;
        let mut clock = self.timings.as_ref().map(|_| std::time::Instant::now());
        for stage in SCHEDULE {
            let timed = match stage {
                Stage::Run(process) if self.processes.has(process) => {
                    self.run_process(process, t);
                    1 + process.index()
                }
                Stage::Run(_) => continue,
                _ => {
                    self.account(stage, t);
                    0
                }
            };
            if let (Some(timings), Some(clock)) = (self.timings.as_mut(), clock.as_mut()) {
                let now = std::time::Instant::now();
                timings.seconds[timed] += (now - *clock).as_secs_f64();
                *clock = now;
            }
        }
    }

    /// Runs `process` for step `t`: each process's line of the schedule.
    fn run_process(&mut self, process: Process, t: u32) {
        match process {
            Process::Diffusion => {
                self.feed_diffusion(t);
                self.diffuse(t);
            }
            Process::Demography => self.turn_over(t),
            _ => {
                let Some(economy) = &mut self.economy else {
                    return;
                };
                match process {
                    Process::Market => economy.market(t),
                    Process::Rnd => economy.rnd(t, &mut self.radical),
                    Process::Spillover => {
                        economy.spillover();
                        economy.outside_learning(t);
                    }
                    Process::Mobility => economy.mobility(t),
                    Process::Network => economy.network(t),
                    Process::Strategy => economy.strategy(t),
                    Process::Diffusion | Process::Demography => {}
                }
            }
        }
    }

    /// The accounting of stage `stage` in step `t` (every stage but a process's).
    fn account(&mut self, stage: Stage, t: u32) {
        match stage {
            Stage::Costs => {
                self.activate_policies(t);
                if let Some(economy) = &mut self.economy {
                    refresh_tech_factors(economy, &self.grid, &self.groups, &self.cost_factors);
                    economy.begin_step();
                    economy.update_costs_and_classes();
                }
            }
            Stage::Stocks => {
                if let Some(economy) = &mut self.economy {
                    economy.update_stocks();
                }
            }
            Stage::Levels => {
                if let (Some(economy), CapacityLayer::Levels(levels)) =
                    (&self.economy, &mut self.capacity)
                {
                    write_capacity_levels(&self.grid, economy, levels);
                }
            }
            Stage::Close => {
                self.step += 1;
                self.arrive(self.step);
                self.introduce_radical();
                if let Some(economy) = &mut self.economy {
                    economy.raise_frontier();
                    economy.charge_policies(t);
                    economy.add_to_totals();
                    economy.record_factors(self.step);
                }
            }
            Stage::Run(_) => {}
        }
    }

    /// Applies the policies active in step `t`: the economy's parameters and openness, and
    /// every technology's external influence `p` (market intelligence).
    fn activate_policies(&mut self, t: u32) {
        let Some(active) = self.economy.as_mut().and_then(|e| e.activate_policies(t)) else {
            return;
        };
        let factor = crate::scenario::policy::p_factor(&active);
        for k in 0..self.technologies.len() {
            let p = (self.base_p[k] * factor).min(1.0);
            if p != self.technologies[k].p {
                self.technologies[k].p = p;
                self.refresh_thresholds(k);
            }
        }
    }

    /// Takes the firm in slot `slot` out of this region (it migrates): its cell empties, its
    /// ties go, and it leaves with its attributes and the ids of the technologies it holds.
    /// `None` without an economy or a live firm there.
    pub fn emigrate(&mut self, slot: usize) -> Option<Migrant> {
        let economy = self.economy.as_mut()?;
        if !economy.firms.alive.get(slot).copied().unwrap_or(false) {
            return None;
        }
        let f = &economy.firms;
        let cell = f.cell[slot];
        let width = self.grid.width();
        let at = self
            .grid
            .index(cell as usize % width, cell as usize / width);
        let mut technologies = Vec::new();
        for (k, t) in self.technologies.iter().enumerate() {
            let g = self.tech_group[k];
            if self.groups[g].current[at] == self.kernels[k].value {
                technologies.push(t.id.clone());
                self.adopters[k] -= 1;
            }
        }
        let migrant = Migrant {
            firm: crate::economy::firms::NewFirm {
                cell: 0,
                knowledge: f.knowledge[slot],
                position: f.position[slot],
                capacity: f.base_capacity[slot],
                rd_intensity: f.base_rd[slot],
                capital: f.capital[slot],
                openness: f.base_openness[slot],
                strategy: f.strategy[slot],
                pipeline: f.pipeline[slot],
                outside_anchor: f.outside_anchor[slot],
            },
            class: f.class[slot],
            technologies,
        };
        economy.cell_firm[cell as usize] = crate::economy::NO_FIRM;
        economy.network.remove_firm(slot);
        economy.firms.remove(slot);
        empty_cell(&mut self.groups, &mut self.arrival_laggards, at, cell);
        self.n_firms -= 1;
        Some(migrant)
    }

    /// Settles a migrant on cell `cell` of this region (which must be empty): it keeps its
    /// attributes and the technologies this region knows by the same id. Returns its slot.
    pub fn immigrate(&mut self, migrant: &Migrant, cell: u32) -> Option<usize> {
        let width = self.grid.width();
        let at = self
            .grid
            .index(cell as usize % width, cell as usize / width);
        let economy = self.economy.as_mut()?;
        if economy.cell_firm[cell as usize] != crate::economy::NO_FIRM {
            return None;
        }
        let slot = economy.firms.add(crate::economy::firms::NewFirm {
            cell,
            ..migrant.firm
        });
        economy.firms.class[slot] = migrant.class;
        economy.cell_firm[cell as usize] = slot as u32;
        economy.network.ensure_slots(economy.firms.slots());
        for group in &mut self.groups {
            group.current[at] = 0;
        }
        for (k, t) in self.technologies.iter().enumerate() {
            if migrant.technologies.contains(&t.id)
                && self.groups[self.tech_group[k]].arrived.contains(&k)
            {
                self.groups[self.tech_group[k]].current[at] = self.kernels[k].value;
                self.adopters[k] += 1;
            }
        }
        if let CapacityLayer::Levels(levels) = &mut self.capacity {
            levels[at] = level_of(migrant.firm.capacity);
        }
        economy.set_openness(slot);
        economy.settle_entrant(slot, self.step, crate::economy::market::Arrival::Migration);
        self.n_firms += 1;
        Some(slot)
    }

    /// Whether cell id `cell` of this region is free for a firm.
    pub fn cell_is_free(&self, cell: u32) -> bool {
        self.economy
            .as_ref()
            .is_some_and(|e| e.cell_firm.get(cell as usize) == Some(&crate::economy::NO_FIRM))
    }

    /// Starts (or stops) timing each process of the step; see [`Self::timings`].
    pub fn record_timings(&mut self, on: bool) {
        self.timings = on.then(ProcessTimings::default);
    }

    /// Seconds spent in each process since timing started, if it is on.
    pub fn timings(&self) -> Option<&ProcessTimings> {
        self.timings.as_ref()
    }

    /// Process 6, the diffusion automaton: one synchronous step of every competition group.
    fn diffuse(&mut self, t: u32) {
        for k in 0..self.technologies.len() {
            self.kernels[k].stream = CellStream::new(self.seed, Purpose::Adoption, t, k as u32);
            if self.kernels[k].tie_break.is_some() {
                self.kernels[k].tie_break =
                    Some(CellStream::new(self.seed, Purpose::TieBreak, t, k as u32));
            }
            if self.neighbourhood == Neighbourhood::Global {
                self.refresh_thresholds(k);
            }
        }
        let grid = self.grid;
        let band_len = BAND_ROWS * grid.stride();
        let interior = grid.halo() * grid.stride()..(grid.halo() + grid.height()) * grid.stride();
        let capacity = match &self.capacity {
            CapacityLayer::Fixed(_) => None,
            CapacityLayer::Levels(levels) => Some(levels.as_slice()),
        };
        for (g, group) in self.groups.iter_mut().enumerate() {
            if group.arrived.is_empty() {
                continue;
            }
            grid.refresh_halo(&mut group.current);
            let observed = match self.observed.get_mut(g) {
                Some(observed) => {
                    grid.refresh_halo(observed);
                    observed.as_slice()
                }
                None => group.current.as_slice(),
            };
            let pass = GroupPass {
                grid,
                current: &group.current,
                observed,
                extra: &self.extra,
                capacity,
                kernels: &self.kernels,
                arrived: &group.arrived,
                offsets: &self.offsets,
                tally_values: &group.values,
                path: self.kernel_path,
            };
            // Adoption as an investment, vetted in the same pass while the band is in cache.
            let vet = self
                .economy
                .as_ref()
                .filter(|_| self.adoption_priced)
                .map(|economy| Vet {
                    grid,
                    economy,
                    members: &group.members,
                    technologies: &self.technologies,
                    factors: &self.cost_factors[g],
                    horizon: economy.config.production.adoption_horizon,
                });
            group.next[interior.clone()]
                .par_chunks_mut(band_len)
                .zip(self.bands.par_iter_mut())
                .enumerate()
                .for_each(|(b, (next_band, scratch))| {
                    step_band(&pass, b * BAND_ROWS, next_band, scratch);
                    if let Some(vet) = &vet {
                        vet.band(b * BAND_ROWS, pass.current, next_band, scratch);
                    }
                });
            for (m, &k) in group.members.iter().enumerate() {
                self.adopters[k] = self.bands.iter().map(|b| b.tally[m]).sum();
            }
            if let Some(economy) = self.economy.as_mut().filter(|_| self.adoption_priced) {
                // Each firm decided alone (on its capital before the step's adoptions), so
                // the costs are charged after, in cell order as they were found.
                let capital = &mut economy.firms.capital;
                for (slot, cost) in self.bands.iter().flat_map(|b| &b.paid) {
                    capital[*slot as usize] -= cost;
                }
            }
            std::mem::swap(&mut group.current, &mut group.next);
        }
    }

    /// What the economy tells the automaton (local neighbourhoods only): a firm shows its
    /// technologies this step with probability equal to its openness, else its neighbours see
    /// none; a firm's partners that show a technology, and each intermediary serving it that
    /// serves some holder of the technology (times its relay), are extra adopting contacts.
    fn feed_diffusion(&mut self, t: u32) {
        let Some(economy) = &self.economy else {
            return;
        };
        if self.observed.is_empty() {
            return;
        }
        let grid = self.grid;
        let width = grid.width();
        let sharing = CellStream::new(self.seed, Purpose::Sharing, t, 0);
        let firms = &economy.firms;
        // Per slot, once: whether the firm shows this step, and its padded index.
        let showing = &mut self.showing;
        let padded = &mut self.padded_index;
        showing.resize(firms.slots(), false);
        padded.resize(firms.slots(), 0);
        showing
            .par_iter_mut()
            .zip(padded.par_iter_mut())
            .enumerate()
            .for_each(|(slot, (shows, index))| {
                let cell = firms.cell[slot];
                *shows = firms.alive[slot] && sharing.unit(cell) < firms.openness[slot];
                *index = grid.index(cell as usize % width, cell as usize / width) as u32;
            });
        // Per technology: whether it arrived (only then are its contacts counted afresh) and
        // whether pipeline firms bring it from outside.
        let outside = economy.config.external.outside_contacts as u8;
        let arrived: Vec<bool> = (0..self.extra.len())
            .map(|k| self.groups[self.tech_group[k]].arrived.contains(&k))
            .collect();
        let piped: Vec<bool> = (0..self.extra.len())
            .map(|k| outside > 0 && arrived[k] && !self.technologies[k].radical)
            .collect();
        // The halo rows: copies of the layers, cleared contacts (no firm is there).
        let interior = grid.halo() * grid.stride()..(grid.halo() + grid.height()) * grid.stride();
        for (observed, group) in self.observed.iter_mut().zip(&self.groups) {
            observed[..interior.start].copy_from_slice(&group.current[..interior.start]);
            observed[interior.end..].copy_from_slice(&group.current[interior.end..]);
        }
        for (extra, _) in self.extra.iter_mut().zip(&arrived).filter(|(_, &a)| a) {
            extra[..interior.start].fill(0);
            extra[interior.end..].fill(0);
        }
        // The interior by bands of rows in parallel, cell by cell: each cell's observed states
        // and contacts are written only by its own firm's work (the layers copied, hidden
        // firms' states cleared; contacts from partners that show, and from outside through
        // pipelines). Contacts add up saturating from zero, min(255, sum), so their order does
        // not matter and the bits are those of the slot-by-slot passes.
        let band_len = BAND_ROWS * grid.stride();
        let n_bands = grid.height().div_ceil(BAND_ROWS);
        let mut bands: Vec<BandLayers> = (0..n_bands).map(|_| (Vec::new(), Vec::new())).collect();
        for observed in &mut self.observed {
            for (band, chunk) in bands
                .iter_mut()
                .zip(observed[interior.clone()].chunks_mut(band_len))
            {
                band.0.push(chunk);
            }
        }
        for extra in &mut self.extra {
            for (band, chunk) in bands
                .iter_mut()
                .zip(extra[interior.clone()].chunks_mut(band_len))
            {
                band.1.push(chunk);
            }
        }
        // Each firm's contacts beyond its neighbourhood, in slot order in parallel (each
        // slot's own bytes): partners that show a technology, and pipelines. They add up
        // saturating from zero, min(255, sum), in any order.
        let techs = arrived.len();
        let contacts = &mut self.contacts;
        contacts.resize(firms.slots() * techs, 0);
        let degree = &economy.network.degree;
        let neighbourhood = self.neighbourhood;
        let groups = &self.groups;
        let (showing, padded) = (&*showing, &*padded);
        const SLOTS: usize = 4096;
        contacts
            .par_chunks_mut(SLOTS * techs.max(1))
            .enumerate()
            .for_each(|(chunk, counts)| {
                counts.fill(0);
                for (i, counts) in counts.chunks_exact_mut(techs.max(1)).enumerate() {
                    let slot = chunk * SLOTS + i;
                    if slot < degree.len() && degree[slot] > 0 {
                        let (x, y) = economy.xy(firms.cell[slot]);
                        for &p in economy.network.partners(slot) {
                            let p = p as usize;
                            if !showing[p] {
                                continue;
                            }
                            // A partner that is also a neighbour is counted once, among the
                            // neighbours.
                            let (px, py) = economy.xy(firms.cell[p]);
                            let (dx, dy) = economy.wrapped_offset(px - x, py - y);
                            if neighbourhood.contains(dx, dy) {
                                continue;
                            }
                            for group in groups {
                                let v = group.current[padded[p] as usize];
                                if v != 0 && v != EMPTY {
                                    let c = &mut counts[group.members[usize::from(v) - 1]];
                                    *c = c.saturating_add(1);
                                }
                            }
                        }
                    }
                    if outside > 0 && firms.pipeline[slot] && firms.alive[slot] {
                        for (c, _) in counts.iter_mut().zip(&piped).filter(|(_, &p)| p) {
                            *c = c.saturating_add(outside);
                        }
                    }
                }
            });
        let feed = FeedPass {
            grid,
            economy,
            groups: &self.groups,
            showing,
            contacts,
            techs,
            arrived: &arrived,
        };
        bands
            .par_iter_mut()
            .enumerate()
            .for_each(|(b, (observed, extra))| feed.band(b * BAND_ROWS, observed, extra));
        for (k, extra) in self.extra.iter_mut().enumerate() {
            let g = self.tech_group[k];
            if !self.groups[g].arrived.contains(&k) {
                continue;
            }
            let (current, value) = (&self.groups[g].current, self.kernels[k].value);
            for (cells, relay) in &self.served_cells {
                if cells.iter().any(|&i| current[i] == value) {
                    for &i in cells {
                        extra[i] = extra[i].saturating_add(*relay);
                    }
                }
            }
        }
    }

    /// Process 7 through the economy, then the grid: exits empty their cells, spin-offs take
    /// theirs with their parent's technologies.
    fn turn_over(&mut self, t: u32) {
        let Some(economy) = &mut self.economy else {
            return;
        };
        economy.demography(t, &mut self.turnover);
        let grid = self.grid;
        let width = grid.width();
        let at = |cell: u32| grid.index(cell as usize % width, cell as usize / width);
        // Each state written moves its cell between the counts of the members (the counts
        // were exact: the automaton's tallies, the seeds' recounts), so they are kept by the
        // changes alone instead of recounting every layer.
        let adopters = &mut self.adopters;
        let mut write = |group: &mut Group, i: usize, value: u8| {
            let old = std::mem::replace(&mut group.current[i], value);
            if old != 0 && old != EMPTY {
                adopters[group.members[usize::from(old) - 1]] -= 1;
            }
            if value != 0 && value != EMPTY {
                adopters[group.members[usize::from(value) - 1]] += 1;
            }
        };
        for &cell in &self.turnover.exits {
            for group in &mut self.groups {
                write(group, at(cell), EMPTY);
            }
            for bits in &mut self.arrival_laggards {
                if let Some(word) = bits.get_mut(cell as usize / 64) {
                    *word &= !(1 << (cell % 64));
                }
            }
        }
        for &(parent, child) in &self.turnover.spinoffs {
            for group in &mut self.groups {
                let value = group.current[at(parent)];
                write(group, at(child), value);
            }
        }
        for &cell in &self.turnover.entrants {
            for group in &mut self.groups {
                write(group, at(cell), 0);
            }
        }
        // Only the new firms' capacities are new: the others' did not change since the step's
        // economy wrote them (an exit's cell keeps its level, as it did).
        if let CapacityLayer::Levels(levels) = &mut self.capacity {
            let new_cells = self.turnover.spinoffs.iter().map(|&(_, child)| child);
            write_capacity_levels_at(
                &grid,
                economy,
                levels,
                new_cells.chain(self.turnover.entrants.iter().copied()),
            );
        }
        self.n_firms = economy.n_firms() as u64;
    }

    /// Radical innovations of the step become technologies, seeded at their innovators' cells,
    /// in a free radical slot, else in the slot of a radical technology that died out (it
    /// arrived before this step and no firm holds it), the one of lowest quality first; when neither is left
    /// the rest count as incremental, and so does the innovation of a firm that exited in the
    /// same step (it goes with the firm).
    fn introduce_radical(&mut self) {
        if self.economy.is_none() {
            return;
        }
        let width = self.grid.width();
        let mut introduced = 0;
        let radical = std::mem::take(&mut self.radical);
        for &(slot, cell) in &radical {
            // The innovator may have exited, and its slot gone to a spin-off elsewhere.
            if self.economy.as_ref().and_then(|e| e.firm_at(cell)) != Some(slot) {
                continue;
            }
            let free = self
                .technologies
                .iter()
                .position(|t| t.radical && t.arrival == u32::MAX);
            let Some(k) = free.or_else(|| self.extinct_radical()) else {
                break;
            };
            if free.is_none() {
                self.renew_radical_slot(k);
            }
            let cell = cell as usize;
            let tech = &mut self.technologies[k];
            tech.arrival = self.step;
            tech.seed_cells = vec![((cell % width) as u32, (cell / width) as u32)];
            introduced += 1;
        }
        self.radical_introduced += introduced;
        if let Some(economy) = &mut self.economy {
            let stats = &mut economy.stats;
            stats.innovations_incremental += stats.innovations_radical - introduced;
            stats.innovations_radical = introduced;
        }
        self.radical = radical;
        self.radical.clear();
        if introduced > 0 {
            self.arrive(self.step);
        }
    }

    /// The radical technology of lowest quality that arrived before this step and that no
    /// firm holds any more, if any.
    fn extinct_radical(&self) -> Option<usize> {
        (0..self.technologies.len())
            .filter(|&k| {
                let t = &self.technologies[k];
                t.radical && t.arrival < self.step && self.adopters[k] == 0
            })
            .min_by(|&a, &b| {
                self.technologies[a]
                    .quality
                    .total_cmp(&self.technologies[b].quality)
            })
    }

    /// Makes the extinct radical technology `k` its group's newest generation: of quality one
    /// above the group's best and cost gain `1 − (1 − g_best)(1 − radical_cost_gain)`, `g_best`
    /// the best cost gain of the others. Its state value moves to the top of the group: the
    /// values above its old one shift down by one in every layer (no cell holds it), and the
    /// kernels and cost factors follow. It arrives again through [`Self::arrive`].
    fn renew_radical_slot(&mut self, k: usize) {
        let g = self.tech_group[k];
        let Some(pos) = self.groups[g].members.iter().position(|&m| m == k) else {
            return;
        };
        let old_value = pos as u8 + 1;
        let gain = self
            .economy
            .as_ref()
            .map_or(0.0, |e| e.config.innovation.radical_cost_gain);
        let group = &mut self.groups[g];
        let others = group.members.iter().filter(|&&m| m != k);
        let best_quality = others
            .clone()
            .map(|&m| self.technologies[m].quality)
            .fold(f64::NEG_INFINITY, f64::max);
        let best_gain = others
            .map(|&m| self.technologies[m].cost_gain)
            .fold(0.0, f64::max);
        let tech = &mut self.technologies[k];
        tech.quality = if best_quality.is_finite() {
            best_quality + 1.0
        } else {
            tech.quality
        };
        tech.cost_gain = 1.0 - (1.0 - best_gain) * (1.0 - gain);
        for layer in [&mut group.current, &mut group.next] {
            layer.par_iter_mut().for_each(|v| {
                if *v != EMPTY && *v > old_value {
                    *v -= 1;
                }
            });
        }
        group.members.remove(pos);
        group.members.push(k);
        group.arrived.retain(|&a| a != k);
        for (p, &m) in group.members.iter().enumerate() {
            let quality = self.technologies[m].quality;
            let first_equal = group
                .members
                .iter()
                .position(|&j| self.technologies[j].quality == quality)
                .unwrap_or(p);
            self.kernels[m].value = p as u8 + 1;
            self.kernels[m].eligible_below = first_equal as u8;
        }
        self.cost_factors[g] = std::iter::once(1.0)
            .chain(
                group
                    .members
                    .iter()
                    .map(|&m| 1.0 - self.technologies[m].cost_gain),
            )
            .collect();
        self.radical_generations[k] += 1;
    }

    /// Steps until [`Self::current_step`] is `until`, calling `observe` after each step.
    pub fn run_until(&mut self, until: u32, mut observe: impl FnMut(&World)) {
        while self.step < until {
            self.step();
            observe(self);
        }
    }

    /// Recomputes the threshold tables of technology `k` (every step under `global`).
    fn refresh_thresholds(&mut self, k: usize) {
        let t = &self.technologies[k];
        let share = self.adoption_share(TechId(k));
        let global = self.neighbourhood == Neighbourhood::Global;
        let fixed = match self.capacity {
            CapacityLayer::Fixed(a) => Some(a),
            CapacityLayer::Levels(_) => None,
        };
        let kernel = &mut self.kernels[k];
        let stride = kernel.stride;
        for (i, entry) in kernel.table.iter_mut().enumerate() {
            let (level, n) = (i / stride, i % stride);
            let a = fixed.unwrap_or(level as f64 / 255.0);
            let prob = if global {
                global_probability(t.p, t.q, share)
            } else {
                local_probability(t.p, t.q, n as u32)
            };
            *entry = probability_threshold(a * prob);
        }
        if kernel.fused {
            let levels = kernel.table.len() / stride;
            for (i, entry) in kernel.by_level.iter_mut().enumerate() {
                let (level, n) = (i / SMALL_TABLE, i % SMALL_TABLE);
                *entry = kernel.table[level.min(levels - 1) * stride + n.min(stride - 1)];
            }
            kernel
                .small
                .copy_from_slice(&kernel.by_level[..SMALL_TABLE]);
        }
    }

    /// Technologies arriving at `step` join their group and place their seed adopters.
    fn arrive(&mut self, step: u32) {
        for k in 0..self.technologies.len() {
            let g = self.tech_group[k];
            if self.technologies[k].arrival != step || self.groups[g].arrived.contains(&k) {
                continue;
            }
            let position = self.groups[g]
                .members
                .iter()
                .position(|&m| m == k)
                .expect("every technology is a member of its group");
            let group = &mut self.groups[g];
            let insert_at = group
                .arrived
                .iter()
                .position(|&a| group.members.iter().position(|&m| m == a) > Some(position))
                .unwrap_or(group.arrived.len());
            group.arrived.insert(insert_at, k);
            if let Some(economy) = &self.economy {
                let mut bits = vec![0u64; (self.grid.width() * self.grid.height()).div_ceil(64)];
                for cell in economy.laggard_cells() {
                    bits[cell as usize / 64] |= 1 << (cell % 64);
                }
                self.arrival_laggards[k] = bits;
            }
            self.place_seeds(k);
        }
    }

    /// Places technology `k`'s seed cells, then its randomly chosen seed adopters.
    fn place_seeds(&mut self, k: usize) {
        let grid = self.grid;
        let (value, eligible_below) = (self.kernels[k].value, self.kernels[k].eligible_below);
        let g = self.tech_group[k];
        let seed_cells = self.technologies[k].seed_cells.clone();
        for (x, y) in seed_cells {
            let (x, y) = (x as usize, y as usize);
            let i = grid.index(x, y);
            let current = &mut self.groups[g].current;
            debug_assert!(current[i] != EMPTY, "seed cells hold firms from the start");
            if current[i] <= eligible_below {
                current[i] = value;
            }
        }
        let wanted = self.technologies[k].seed_adopters;
        if wanted > 0 {
            let current = &mut self.groups[g].current;
            let cells =
                (0..grid.height()).flat_map(|y| (0..grid.width()).map(move |x| grid.index(x, y)));
            let mut eligible = cells
                .clone()
                .filter(|&i| current[i] <= eligible_below)
                .count() as u64;
            let mut needed = wanted.min(eligible);
            if needed < wanted {
                self.shortfalls.push(SeedShortfall {
                    tech: TechId(k),
                    step: self.step,
                    wanted,
                    placed: needed,
                });
            }
            // Selection sampling (Knuth's Algorithm S): each eligible firm is taken with
            // probability needed / eligible-remaining, giving a uniform sample of exact size.
            let mut rng = serial_stream(self.seed, Purpose::SeedAdopters, k as u32);
            for i in cells {
                if needed == 0 {
                    break;
                }
                if current[i] <= eligible_below {
                    if rng.below_unbiased(eligible) < needed {
                        current[i] = value;
                        needed -= 1;
                    }
                    eligible -= 1;
                }
            }
        }
        self.recount_group(g);
    }

    fn recount_group(&mut self, g: usize) {
        let grid = self.grid;
        let group = &self.groups[g];
        for &k in &group.members {
            let value = self.kernels[k].value;
            self.adopters[k] = (0..grid.height())
                .into_par_iter()
                .map(|y| {
                    let s = grid.row_start(y);
                    group.current[s..s + grid.width()]
                        .iter()
                        .filter(|&&v| v == value)
                        .count() as u64
                })
                .sum();
        }
    }
}

/// One band's rows of every observed layer (per group) and contact layer (per technology).
type BandLayers<'a> = (Vec<&'a mut [u8]>, Vec<&'a mut [u8]>);

/// What the cell-by-cell pass of [`World::feed_diffusion`] reads.
struct FeedPass<'a> {
    grid: Grid,
    economy: &'a Economy,
    groups: &'a [Group],
    /// Per slot: whether the firm shows this step; its contacts per technology.
    showing: &'a [bool],
    contacts: &'a [u8],
    techs: usize,
    /// Per technology: whether it arrived (its contacts are counted afresh).
    arrived: &'a [bool],
}

impl FeedPass<'_> {
    /// The whole padded rows `first_row ..` held in `observed` (one slice per group) and
    /// `extra` (one per technology).
    fn band(&self, first_row: usize, observed: &mut [&mut [u8]], extra: &mut [&mut [u8]]) {
        let grid = self.grid;
        let (width, stride, halo) = (grid.width(), grid.stride(), grid.halo());
        let economy = self.economy;
        let rows = observed
            .first()
            .map_or(0, |o| o.len() / stride)
            .min(grid.height().saturating_sub(first_row));
        for r in 0..rows {
            let y = first_row + r;
            let local = r * stride..(r + 1) * stride;
            let row = grid.row_start(y) - halo;
            for (observed, group) in observed.iter_mut().zip(self.groups) {
                observed[local.clone()].copy_from_slice(&group.current[row..row + stride]);
            }
            for (extra, _) in extra.iter_mut().zip(self.arrived).filter(|(_, &a)| a) {
                extra[local.clone()].fill(0);
            }
            let cells = &economy.cell_firm[y * width..(y + 1) * width];
            for (x, &slot) in cells.iter().enumerate() {
                if slot == crate::economy::NO_FIRM {
                    continue;
                }
                let slot = slot as usize;
                let at = r * stride + halo + x;
                if !self.showing[slot] {
                    for observed in observed.iter_mut() {
                        observed[at] = 0;
                    }
                }
                let counts = &self.contacts[slot * self.techs..(slot + 1) * self.techs];
                // Most firms have no contact beyond their neighbours: one test for them all.
                if counts.iter().any(|&c| c != 0) {
                    for (extra, &c) in extra.iter_mut().zip(counts) {
                        extra[at] = extra[at].saturating_add(c);
                    }
                }
            }
        }
    }
}

/// Empties grid index `at` (cell id `cell`) after its firm left: no group holds a state
/// there and it is no longer counted among any technology's arrival laggards.
fn empty_cell(groups: &mut [Group], arrival_laggards: &mut [Vec<u64>], at: usize, cell: u32) {
    for group in groups {
        group.current[at] = EMPTY;
    }
    for bits in arrival_laggards {
        if let Some(word) = bits.get_mut(cell as usize / 64) {
            *word &= !(1 << (cell % 64));
        }
    }
}

/// The capacity of the density-placed firm on cell `cell` under `capacity`.
fn capacity_value(seed: u64, capacity: Capacity, cell: u32) -> f64 {
    capacity.at(CellStream::new(seed, Purpose::AbsorptiveCapacity, 0, 0).unit(cell))
}

/// The capacity level of the density-placed firm on cell `cell` under `capacity`.
fn draw_level(seed: u64, capacity: Capacity, cell: u32) -> u8 {
    level_of(capacity_value(seed, capacity, cell))
}

/// Sets every firm's technology cost factor: the product of `1 − cost_gain` over what it holds.
fn refresh_tech_factors(
    economy: &mut Economy,
    grid: &Grid,
    groups: &[Group],
    factors: &[Vec<f64>],
) {
    let width = grid.width() as u32;
    let firms = &mut economy.firms;
    firms
        .tech_factor
        .par_iter_mut()
        .zip(firms.cell.par_iter())
        .for_each(|(factor, &cell)| {
            // A 32-bit division: the cell ids are u32.
            let i = grid.index((cell % width) as usize, (cell / width) as usize);
            *factor = groups
                .iter()
                .zip(factors)
                .map(|(g, f)| f.get(usize::from(g.current[i])).copied().unwrap_or(1.0))
                .product();
        });
}

/// Adoption as an investment (Karshenas & Stoneman 1993; Griliches 1957): the automaton has
/// told each firm of a technology (epidemic information: its neighbours, partners and
/// intermediaries), and an informed firm whose cell the step would switch to technology `k`
/// adopts only when its expected saving covers the adoption cost and it can pay it:
/// `a_i · Δc_i · q_i · H ≥ cost_k` and `W_i ≥ cost_k`, with `Δc_i = c_i (1 − f_new/f_held)` the
/// cut in its unit cost (`f` the cost factors `1 − cost_gain`), `q_i` its output last market
/// step, `a_i` its absorptive capacity (how much of the saving it realises) and `H` the
/// payback horizon (`production.adoption_horizon`). It pays the cost from its capital; a firm
/// that declines keeps what it held (and may be informed again later). Rank effects (large
/// firms gain more), cost effects and the firm's own means thus decide who adopts, and a
/// technology that does not pay for small firms stops short of them: a ceiling below one.
struct Vet<'a> {
    grid: Grid,
    economy: &'a Economy,
    /// The group's members by state value − 1.
    members: &'a [usize],
    technologies: &'a [Technology],
    /// `1 − cost_gain` by state value (index 0: none).
    factors: &'a [f64],
    horizon: f64,
}

impl Vet<'_> {
    /// Vets the cells the step would switch in the rows `first_row ..` held in `next_band`
    /// (whole padded rows; `current` the whole layer): a firm that declines keeps what it
    /// held, and the band's tally follows; the costs of those that adopt go to
    /// `scratch.paid`. Each firm decides alone, so the bands may go in any order.
    fn band(
        &self,
        first_row: usize,
        current: &[u8],
        next_band: &mut [u8],
        scratch: &mut BandScratch,
    ) {
        let grid = self.grid;
        let (width, halo, stride) = (grid.width(), grid.halo(), grid.stride());
        let economy = self.economy;
        let f = &economy.firms;
        scratch.paid.clear();
        for (r, next_row) in next_band.chunks_exact_mut(stride).enumerate() {
            let y = first_row + r;
            let start = grid.row_start(y);
            let current_row = &current[start..start + width];
            let next_row = &mut next_row[halo..halo + width];
            let firms = &economy.cell_firm[y * width..(y + 1) * width];
            for x in 0..width {
                let (held, next) = (current_row[x], next_row[x]);
                if next == held || next == 0 || next == EMPTY {
                    continue;
                }
                let slot = firms[x];
                if slot == crate::economy::NO_FIRM {
                    continue;
                }
                let slot = slot as usize;
                let k = self.members[usize::from(next) - 1];
                let cost = self.technologies[k].adoption_cost;
                if cost <= 0.0 {
                    continue;
                }
                let f_held = self.factors.get(usize::from(held)).copied().unwrap_or(1.0);
                let f_next = self.factors.get(usize::from(next)).copied().unwrap_or(1.0);
                let saving = f.unit_cost[slot] * (1.0 - f_next / f_held);
                let output = f.output_local[slot] + f.output_export[slot];
                let gain = f.capacity[slot] * saving * output * self.horizon;
                if gain >= cost && f.capital[slot] >= cost {
                    scratch.paid.push((slot as u32, cost));
                } else {
                    next_row[x] = held;
                    scratch.tally[usize::from(next) - 1] -= 1;
                    if held != 0 {
                        scratch.tally[usize::from(held) - 1] += 1;
                    }
                }
            }
        }
    }
}

/// Writes every firm's current absorptive capacity into the per-cell level layer: row by row
/// in parallel, each cell from the firm on it (cells without a firm keep their level). The
/// levels per slot were set with the capacities ([`Economy::capacity_levels`]).
fn write_capacity_levels(grid: &Grid, economy: &Economy, levels: &mut [u8]) {
    let (width, halo, stride) = (grid.width(), grid.halo(), grid.stride());
    let (cell_firm, slot_levels) = (&economy.cell_firm, &economy.capacity_levels);
    let last = slot_levels.len().saturating_sub(1);
    levels[halo * stride..(halo + grid.height()) * stride]
        .par_chunks_mut(stride)
        .zip(cell_firm.par_chunks(width))
        .for_each(|(row, firms)| {
            for (level, &slot) in row[halo..halo + width].iter_mut().zip(firms) {
                // Branch-free (half the cells are empty, at random): an empty cell reads some
                // firm's level and keeps its own.
                let new = slot_levels
                    .get((slot as usize).min(last))
                    .copied()
                    .unwrap_or(0);
                *level = if slot == crate::economy::NO_FIRM {
                    *level
                } else {
                    new
                };
            }
        });
}

/// Writes the absorptive capacity of the firms on cell ids `cells` into the level layer.
fn write_capacity_levels_at(
    grid: &Grid,
    economy: &Economy,
    levels: &mut [u8],
    cells: impl Iterator<Item = u32>,
) {
    let width = grid.width();
    for cell in cells {
        if let Some(slot) = economy.firm_at(cell) {
            let cell = cell as usize;
            levels[grid.index(cell % width, cell / width)] = level_of(economy.firms.capacity[slot]);
        }
    }
}

#[cfg(test)]
mod level_tests {
    /// The level is `(a · 255).round()` for every kind of value: halves, their neighbours,
    /// the ends, beyond them and NaN.
    #[test]
    fn levels_round_half_away_from_zero() {
        let reference = |a: f64| (a.clamp(0.0, 1.0) * 255.0).round() as u8;
        let mut values = vec![0.0, 1.0, -0.0, -1.0, 2.0, f64::NAN, f64::INFINITY, 1e-300];
        for k in 0..=510 {
            let half = f64::from(k) / 510.0;
            values.extend([half, half.next_up(), half.next_down()]);
            let x = f64::from(k) * 0.5;
            values.extend([x / 255.0, (x / 255.0).next_up(), (x / 255.0).next_down()]);
        }
        let mut u = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..100_000 {
            u = u
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            values.push((u >> 11) as f64 / (1u64 << 53) as f64);
        }
        for a in values {
            assert_eq!(super::level_of(a), reference(a), "{a:e}");
        }
    }
}
