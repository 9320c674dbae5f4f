//! The technology-diffusion cellular automaton: one synchronous step over the grid.
//!
//! A firm that does not hold technology `k` adopts it with probability
//!
//! - local neighbourhoods (Goldenberg, Libai & Muller 2001):
//!   `P = a · (1 − (1 − p_k)(1 − q_k)^{n_k})`, `n_k` the neighbours holding `k`;
//! - `global` (the Bass model's mean-field form): `P = a · min(1, p_k + q_k · share_k)`;
//!
//! where `a` is the firm's absorptive capacity. Technologies of one competition group are
//! mutually exclusive: a firm holding `j` is eligible for `k` only if `k`'s quality is strictly
//! higher, and when several draws succeed at once the firm takes the best of them.
//!
//! **Hot-loop invariants:** the step allocates nothing; each row is processed by passes over
//! flat byte slices (copy, count neighbours, decide, tally) that the compiler vectorises; no
//! dynamic dispatch per cell. Thresholds are precomputed as 31-bit integers (see
//! [`crate::rng::probability_threshold`]) so the decision is an integer comparison. Rows are
//! processed in fixed bands in parallel; every random number depends only on
//! `(seed, step, technology, cell)`, so results do not depend on the number of threads.

use crate::grid::{Grid, EMPTY};
use crate::rng::CellStream;

/// Rows per band: the unit of parallel work.
pub(crate) const BAND_ROWS: usize = 16;

/// Largest neighbour count whose threshold table fits the fixed-size fast path.
pub(crate) const SMALL_TABLE: usize = 16;

/// `1 − (1 − p)(1 − q)^n`: the probability that at least one of the external source and the
/// `n` adopting neighbours convinces the firm (Goldenberg, Libai & Muller 2001).
pub fn local_probability(p: f64, q: f64, n: u32) -> f64 {
    1.0 - (1.0 - p) * (1.0 - q).powi(n as i32)
}

/// `min(1, p + q · share)`: the Bass hazard of a non-adopter (Bass 1969).
pub fn global_probability(p: f64, q: f64, share: f64) -> f64 {
    (p + q * share).min(1.0)
}

/// The per-step decision data of one technology: its state value, eligibility bound, random
/// stream and threshold tables. Owned by the world; refreshed at the start of every step.
#[derive(Clone, Debug)]
pub(crate) struct TechKernel {
    /// The state value of a holder: local index in the group + 1.
    pub value: u8,
    /// A firm is eligible iff its state value is at most this (none, or a worse technology).
    pub eligible_below: u8,
    /// The adoption stream of the current step.
    pub stream: CellStream,
    /// Whether [`Self::small`] applies: one capacity for all, at most [`SMALL_TABLE`] counts.
    pub use_small: bool,
    /// Thresholds by neighbour count, fixed size so the lookup needs no bounds test.
    pub small: [u32; SMALL_TABLE],
    /// `table[level · stride + n]` for capacity level `level` (0 when capacities are equal).
    pub table: Vec<u32>,
    /// Entries per capacity level: the largest neighbour count plus one (1 for `global`).
    pub stride: usize,
}

/// What a band needs to read: the current layer, capacities, the arrived technologies.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GroupPass<'a> {
    pub grid: Grid,
    pub current: &'a [u8],
    /// Capacity levels (padded layout), when firms differ.
    pub capacity: Option<&'a [u8]>,
    /// Every technology's kernel, indexed by technology.
    pub kernels: &'a [TechKernel],
    /// The group's arrived technologies in ascending quality.
    pub arrived: &'a [usize],
    /// Padded-index offsets of the neighbours; empty for `global`.
    pub offsets: &'a [isize],
    /// State values of all members of the group, for the tally.
    pub tally_values: &'a [u8],
    /// Use the portable kernel even where a faster one is available (for tests).
    pub portable_only: bool,
}

/// Steps the rows `first_row .. first_row + rows` of one group. `next_band` holds those rows
/// in padded layout (whole padded rows); `counts` is scratch of at least `width` entries;
/// `tally[m]` receives the number of holders of `tally_values[m]` in the band after the step.
pub(crate) fn step_band(
    pass: &GroupPass<'_>,
    first_row: usize,
    next_band: &mut [u8],
    counts: &mut [u16],
    tally: &mut [u64],
) {
    #[cfg(target_arch = "x86_64")]
    {
        if !pass.portable_only && std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: `step_band_avx2` is only `unsafe` because it is compiled with AVX2
            // enabled; the CPU was just checked to support AVX2, so executing it is sound.
            // It is otherwise the same safe code as `step_band_portable` (tested equal).
            unsafe { step_band_avx2(pass, first_row, next_band, counts, tally) };
            return;
        }
    }
    step_band_portable(pass, first_row, next_band, counts, tally);
}

/// The band kernel compiled for any CPU of the target.
pub(crate) fn step_band_portable(
    pass: &GroupPass<'_>,
    first_row: usize,
    next_band: &mut [u8],
    counts: &mut [u16],
    tally: &mut [u64],
) {
    band_kernel(pass, first_row, next_band, counts, tally);
}

/// The band kernel compiled with AVX2, for 32-byte vectors.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
pub(crate) fn step_band_avx2(
    pass: &GroupPass<'_>,
    first_row: usize,
    next_band: &mut [u8],
    counts: &mut [u16],
    tally: &mut [u64],
) {
    band_kernel(pass, first_row, next_band, counts, tally);
}

#[inline(always)]
fn band_kernel(
    pass: &GroupPass<'_>,
    first_row: usize,
    next_band: &mut [u8],
    counts: &mut [u16],
    tally: &mut [u64],
) {
    let grid = pass.grid;
    let (width, stride, halo) = (grid.width(), grid.stride(), grid.halo());
    let counts = &mut counts[..width];
    for (r, next_row) in next_band.chunks_exact_mut(stride).enumerate() {
        let y = first_row + r;
        let start = grid.row_start(y);
        let current_row = &pass.current[start..start + width];
        let next_row = &mut next_row[halo..halo + width];
        next_row.copy_from_slice(current_row);
        let capacity_row = pass.capacity.map(|c| &c[start..start + width]);
        let first_cell = grid.cell_id(0, y);
        for &tech in pass.arrived {
            let kernel = &pass.kernels[tech];
            if !pass.offsets.is_empty() {
                count_neighbours(
                    pass.current,
                    start,
                    width,
                    pass.offsets,
                    kernel.value,
                    counts,
                );
            }
            match capacity_row {
                None if kernel.use_small => {
                    decide_small(current_row, next_row, counts, kernel, first_cell)
                }
                _ => decide_general(
                    current_row,
                    next_row,
                    counts,
                    capacity_row,
                    kernel,
                    first_cell,
                ),
            }
        }
        for (m, &value) in pass.tally_values.iter().enumerate() {
            tally[m] += next_row.iter().map(|&s| u64::from(s == value)).sum::<u64>();
        }
    }
}

/// `counts[x] = number of neighbours of cell x holding `value``.
#[inline(always)]
fn count_neighbours(
    current: &[u8],
    start: usize,
    width: usize,
    offsets: &[isize],
    value: u8,
    counts: &mut [u16],
) {
    counts.fill(0);
    for &offset in offsets {
        let from = start.wrapping_add_signed(offset);
        let source = &current[from..from + width];
        for (c, &s) in counts.iter_mut().zip(source) {
            *c += u16::from(s == value);
        }
    }
}

#[inline(always)]
fn decide_small(
    current_row: &[u8],
    next_row: &mut [u8],
    counts: &[u16],
    kernel: &TechKernel,
    first_cell: u32,
) {
    let (value, eligible_below, stream) = (kernel.value, kernel.eligible_below, kernel.stream);
    let table = &kernel.small;
    for (x, ((next, &current), &n)) in next_row.iter_mut().zip(current_row).zip(counts).enumerate()
    {
        let threshold = table[usize::from(n) & (SMALL_TABLE - 1)];
        let adopts =
            (current <= eligible_below) & (stream.draw31(first_cell + x as u32) < threshold);
        *next = if adopts { value } else { *next };
    }
}

#[inline(always)]
fn decide_general(
    current_row: &[u8],
    next_row: &mut [u8],
    counts: &[u16],
    capacity_row: Option<&[u8]>,
    kernel: &TechKernel,
    first_cell: u32,
) {
    let (value, eligible_below, stream) = (kernel.value, kernel.eligible_below, kernel.stream);
    let (table, stride) = (kernel.table.as_slice(), kernel.stride);
    for x in 0..next_row.len() {
        let current = current_row[x];
        let level = capacity_row.map_or(0, |c| usize::from(c[x]));
        let n = if stride > 1 {
            usize::from(counts[x])
        } else {
            0
        };
        let threshold = table[level * stride + n];
        let adopts =
            (current <= eligible_below) & (stream.draw31(first_cell + x as u32) < threshold);
        if adopts {
            next_row[x] = value;
        }
    }
}

// An empty cell is never eligible: every eligibility bound (a state value) is below EMPTY.
const _: () = assert!(crate::scenario::MAX_GROUP_SIZE < EMPTY as usize);
