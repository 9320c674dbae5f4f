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
use crate::grid::{Grid, EMPTY};
use crate::neighbourhood::Neighbourhood;
use crate::rng::{probability_threshold, CellStream, Purpose, SplitMix64};
use crate::scenario::{Capacity, FirmPlacement, Region, Scenario, Technology};
use rayon::prelude::*;

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
}

/// The capacity level of capacity `a` in [0, 1].
fn level_of(a: f64) -> u8 {
    (a.clamp(0.0, 1.0) * 255.0).round() as u8
}

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
        let padded = Grid::padded_cells(region, neighbourhood.reach());
        let layers = 2 * n_groups as u64 + u64::from(heterogeneous_capacity);
        let bands = u64::from(region.height).div_ceil(BAND_ROWS as u64);
        // Per band and cell of a row: byte counts (fused path), 16-bit counts (general path,
        // also taken by equal rivals) and 32-bit tie keys (equal rivals).
        let general = neighbourhood.size() >= SMALL_TABLE || equal_rivals;
        let per_cell = 1 + 2 * u64::from(general) + 4 * u64::from(equal_rivals);
        let scratch = bands * u64::from(region.width) * per_cell;
        let stride = neighbourhood.size() as u64 + 1;
        let levels = if heterogeneous_capacity { 256 } else { 1 };
        let tables = n_technologies as u64 * 4 * (LEVEL_TABLE as u64 + levels * stride);
        padded * layers + scratch + tables
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
        let max_count = offsets.len();
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
                kernel.fused = stride <= SMALL_TABLE && !has_rival;
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
        };
        for k in 0..world.technologies.len() {
            world.refresh_thresholds(k);
        }
        world.arrive(0);
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

    /// One synchronous step of the diffusion automaton, then the arrivals of the new step.
    pub fn step(&mut self) {
        let t = self.step;
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
        for group in &mut self.groups {
            if group.arrived.is_empty() {
                continue;
            }
            grid.refresh_halo(&mut group.current);
            let pass = GroupPass {
                grid,
                current: &group.current,
                capacity,
                kernels: &self.kernels,
                arrived: &group.arrived,
                offsets: &self.offsets,
                tally_values: &group.values,
                path: self.kernel_path,
            };
            group.next[interior.clone()]
                .par_chunks_mut(band_len)
                .zip(self.bands.par_iter_mut())
                .enumerate()
                .for_each(|(b, (next_band, scratch))| {
                    step_band(&pass, b * BAND_ROWS, next_band, scratch);
                });
            for (m, &k) in group.members.iter().enumerate() {
                self.adopters[k] = self.bands.iter().map(|b| b.tally[m]).sum();
            }
            std::mem::swap(&mut group.current, &mut group.next);
        }
        self.step += 1;
        self.arrive(self.step);
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
            if self.technologies[k].arrival != step {
                continue;
            }
            let g = self.tech_group[k];
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
            let mut rng = SplitMix64::new(self.seed, Purpose::SeedAdopters, k as u32);
            for i in cells {
                if needed == 0 {
                    break;
                }
                if current[i] <= eligible_below {
                    if rng.below(eligible) < needed {
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

/// The capacity level of the density-placed firm on cell `cell` under `capacity`.
fn draw_level(seed: u64, capacity: Capacity, cell: u32) -> u8 {
    match capacity {
        Capacity::Fixed(a) => level_of(a),
        Capacity::Uniform { min, max } => {
            let u = CellStream::new(seed, Purpose::AbsorptiveCapacity, 0, 0).unit(cell);
            level_of(min + (max - min) * u)
        }
    }
}
