//! Memory budgets: what a world and its economy take, computed from the scenario's shape
//! alone, so that validation can refuse a world the machine cannot hold before building it.
//!
//! **Architecture invariant:** these are the only formulas of the budget; [`crate::World`] and
//! the economy answer `bytes_needed` through them, and `scenario::validate` calls them without
//! depending on the world it checks.

use crate::diffusion::{BAND_ROWS, LEVEL_TABLE};
use crate::grid::{Grid, Region};
use crate::neighbourhood::Neighbourhood;

/// Memory a world of this shape needs, in bytes, at most: the layers, the band scratch, and
/// each technology's threshold tables. `equal_rivals`: whether some group holds two
/// technologies of equal quality.
pub fn world_bytes(
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
    let general = !matches!(neighbourhood.size(), 0 | 4 | 8 | 12) || equal_rivals;
    let per_cell = 1 + 2 * u64::from(general) + 4 * u64::from(equal_rivals);
    let scratch = bands * u64::from(region.width) * per_cell;
    let stride = neighbourhood.size() as u64 + 1;
    let levels = if heterogeneous_capacity { 256 } else { 1 };
    let tables = n_technologies as u64 * 4 * (LEVEL_TABLE as u64 + levels * stride);
    padded * layers + scratch + tables
}

/// Memory the economy of `firms` firms on `region` needs beyond the diffusion layers, in
/// bytes: the firm arrays and ties per firm (at most `max_degree`); the cell index and tie
/// boosts per cell, the spillover sources padded by `spillover_radius`, the rivalry's cost grid
/// padded by `rivalry_radius` (and 8 lanes a row); and what the automaton is fed per group and
/// technology (one byte per cell each).
#[allow(clippy::too_many_arguments)]
pub fn economy_bytes(
    region: Region,
    max_degree: u32,
    spillover_radius: u32,
    rivalry_radius: u32,
    firms: u64,
    groups: usize,
    technologies: usize,
) -> u64 {
    let per_firm = 18 * 8 + 4 + 4 + 2 + 2 + 1 + 1 // the arrays of `Firms`
            + 2 * 8                          // learning's double buffers
            + 16 + 16                        // cost order and its sort keys
            + 5                              // shows, padded index
            + u64::from(max_degree) * 6 + 1; // ties
    let cells = region.cells();
    let r = u64::from(spillover_radius);
    let padded = (u64::from(region.width) + 2 * r) * (u64::from(region.height) + 2 * r);
    let per_cell = 4 + 8 + 1 + (groups + technologies) as u64;
    let rr = u64::from(rivalry_radius);
    let cost_grid =
        4 * (u64::from(region.width) + 2 * rr + 8) * (u64::from(region.height) + 2 * rr);
    firms * per_firm + cells * per_cell + padded * 16 + cost_grid
}
