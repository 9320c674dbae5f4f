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

use crate::grid::Grid;
use crate::rng::CellStream;

/// The capacity level of capacity `a` in [0, 1]: `(a · 255).round()`, without the call into
/// libm that `round` is on the baseline x86-64 (it has no rounding instruction). For `x` in
/// [0, 255], `x − trunc(x)` is exact, so rounding half away from zero is the truncation plus
/// one when that fraction is at least one half; NaN gives 0 either way.
#[inline]
pub(crate) fn level_of(a: f64) -> u8 {
    let x = a.clamp(0.0, 1.0) * 255.0;
    let t = x as u8;
    t + u8::from(x - f64::from(t) >= 0.5)
}

/// Rows per band: the unit of parallel work.
pub(crate) const BAND_ROWS: usize = 16;

/// Contact counts (0 to 31) the fixed-size tables of the fused path hold.
pub(crate) const SMALL_TABLE: usize = 32;

/// Entries of the per-level table of the fused path: 256 capacity levels × 32 counts.
pub(crate) const LEVEL_TABLE: usize = 256 * SMALL_TABLE;

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
    /// Whether the fused path applies: at most [`SMALL_TABLE`] neighbour counts and no
    /// equally good rival in the group.
    pub fused: bool,
    /// For a technology with an equally good rival in its group: the stream of random
    /// priorities that decides between them when a firm adopts both at the same step.
    pub tie_break: Option<CellStream>,
    /// Thresholds by neighbour count for one capacity shared by all firms.
    pub small: [u32; SMALL_TABLE],
    /// Thresholds by `level · 16 + count` for capacities that differ (fused path): a
    /// fixed-size table indexed under a mask, so the lookup needs no bounds test.
    pub by_level: Box<[u32; LEVEL_TABLE]>,
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
    /// What neighbours see of the current layer: the current layer itself, or (in a cluster
    /// economy) a copy in which firms that do not show their technologies this step hold none.
    pub observed: &'a [u8],
    /// Per technology, extra adopting contacts per padded cell (partners, intermediaries);
    /// empty for none.
    pub extra: &'a [Vec<u8>],
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
    /// Which compilation of the band kernel runs.
    pub path: KernelPath,
}

/// A compilation of the band kernel: the same safe Rust, built for wider vectors where the
/// CPU has them. All paths give identical results (tested).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KernelPath {
    /// Built for the target's baseline (SSE2 on x86-64); runs anywhere.
    Portable,
    /// Built with AVX2: 32-byte vectors.
    Avx2,
    /// Built with AVX-512 (F, BW, VL): 64-byte vectors and mask registers.
    Avx512,
}

impl KernelPath {
    /// Whether this CPU can run the path.
    pub fn is_supported(self) -> bool {
        match self {
            KernelPath::Portable => true,
            #[cfg(target_arch = "x86_64")]
            KernelPath::Avx2 => std::arch::is_x86_feature_detected!("avx2"),
            #[cfg(target_arch = "x86_64")]
            KernelPath::Avx512 => {
                std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512bw")
                    && std::arch::is_x86_feature_detected!("avx512vl")
                    && std::arch::is_x86_feature_detected!("avx2")
            }
            #[cfg(not(target_arch = "x86_64"))]
            _ => false,
        }
    }

    /// The fastest path this CPU supports.
    pub fn best() -> KernelPath {
        [KernelPath::Avx512, KernelPath::Avx2]
            .into_iter()
            .find(|p| p.is_supported())
            .unwrap_or(KernelPath::Portable)
    }
}

/// Scratch owned by one band of rows, allocated once with the world.
#[derive(Clone, Debug)]
pub(crate) struct BandScratch {
    /// Neighbour counts of one row, for the general path.
    pub counts: Vec<u16>,
    /// Neighbour counts of one row, for the fused path.
    pub byte_counts: Vec<u8>,
    /// Holders per member of the group, in the band after the step.
    pub tally: Vec<u64>,
    /// Tie-break priority of the technology chosen at this step, per cell of a row.
    pub tie_keys: Vec<u32>,
    /// The adoptions the band's firms paid for at this step (slot, cost), in cell order: the
    /// world charges them to the firms' capital after the band pass.
    pub paid: Vec<(u32, f64)>,
}

/// Steps the rows `first_row ..` of one group held in `next_band` (whole padded rows) and
/// tallies the holders of each member into `scratch.tally`.
pub(crate) fn step_band(
    pass: &GroupPass<'_>,
    first_row: usize,
    next_band: &mut [u8],
    scratch: &mut BandScratch,
) {
    scratch.tally.fill(0);
    match pass.path {
        #[cfg(target_arch = "x86_64")]
        KernelPath::Avx512 => {
            debug_assert!(KernelPath::Avx512.is_supported());
            // SAFETY: the function is `unsafe` to call only because it is compiled with
            // AVX-512 enabled. A world selects this path only where `is_supported` found the
            // CPU to have AVX-512 F/BW/VL and AVX2 (`KernelPath::best` and
            // `World::use_kernel_path` both check), so every instruction it holds can run.
            // Its body is the same safe code as the portable path, tested to agree.
            unsafe { step_band_avx512(pass, first_row, next_band, scratch) }
        }
        #[cfg(target_arch = "x86_64")]
        KernelPath::Avx2 => {
            debug_assert!(KernelPath::Avx2.is_supported());
            // SAFETY: as above, for AVX2: selected only where the CPU was found to have it.
            unsafe { step_band_avx2(pass, first_row, next_band, scratch) }
        }
        _ => band_kernel(pass, first_row, next_band, scratch),
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx2")]
fn step_band_avx512(
    pass: &GroupPass<'_>,
    first_row: usize,
    next_band: &mut [u8],
    scratch: &mut BandScratch,
) {
    band_kernel(pass, first_row, next_band, scratch);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn step_band_avx2(
    pass: &GroupPass<'_>,
    first_row: usize,
    next_band: &mut [u8],
    scratch: &mut BandScratch,
) {
    band_kernel(pass, first_row, next_band, scratch);
}

#[inline(always)]
fn band_kernel(
    pass: &GroupPass<'_>,
    first_row: usize,
    next_band: &mut [u8],
    scratch: &mut BandScratch,
) {
    let BandScratch {
        counts,
        byte_counts,
        tally,
        tie_keys,
        ..
    } = scratch;
    let grid = pass.grid;
    let (width, stride, halo) = (grid.width(), grid.stride(), grid.halo());
    // Scratch rows exist only for the paths some technology takes; each path slices its own.
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
            let offsets = pass.offsets;
            let row = Row {
                observed: pass.observed,
                start,
                width,
                offsets,
                first_cell,
            };
            let extra_row = pass
                .extra
                .get(tech)
                .filter(|e| !e.is_empty())
                .map(|e| &e[start..start + width]);
            // The select chain (one capacity for all) has no room for extra contacts.
            if kernel.fused && (extra_row.is_none() || capacity_row.is_some()) {
                // Few contacts: count in bytes, then decide (see `fused`).
                let rows = Rows {
                    current: current_row,
                    capacity: capacity_row,
                    extra: extra_row,
                };
                match offsets.len() {
                    0 => fused::<0>(row, rows, next_row, byte_counts, kernel),
                    4 => fused::<4>(row, rows, next_row, byte_counts, kernel),
                    8 => fused::<8>(row, rows, next_row, byte_counts, kernel),
                    12 => fused::<12>(row, rows, next_row, byte_counts, kernel),
                    n => unreachable!("no neighbourhood has {n} neighbours and a small table"),
                }
            } else {
                if !offsets.is_empty() {
                    count_neighbours(pass.observed, start, width, offsets, kernel.value, counts);
                }
                if let Some(extra) = pass.extra.get(tech).filter(|e| !e.is_empty()) {
                    for (c, &e) in counts[..width].iter_mut().zip(&extra[start..start + width]) {
                        *c += u16::from(e);
                    }
                }
                decide_general(
                    current_row,
                    next_row,
                    counts,
                    capacity_row,
                    kernel,
                    first_cell,
                    tie_keys,
                );
            }
        }
        for (m, &value) in pass.tally_values.iter().enumerate() {
            tally[m] += count_equal(next_row, value);
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

/// Where a row lies in the layer neighbours see: what the per-row passes share.
#[derive(Clone, Copy, Debug)]
struct Row<'a> {
    observed: &'a [u8],
    /// Padded index of the row's first interior cell.
    start: usize,
    width: usize,
    /// Padded-index offsets of the neighbours.
    offsets: &'a [isize],
    /// Cell id of the row's first cell.
    first_cell: u32,
}

/// The rows of one cell range that the decision reads besides the neighbours.
#[derive(Clone, Copy, Debug)]
struct Rows<'a> {
    /// What the firms hold now (eligibility).
    current: &'a [u8],
    /// Capacity levels, when firms differ.
    capacity: Option<&'a [u8]>,
    /// Extra adopting contacts, in a cluster economy.
    extra: Option<&'a [u8]>,
}

/// Cells of `row` equal to `value`, counted in 16-bit lanes (chunks small enough not to
/// overflow them) so the loop stays in narrow vectors.
#[inline(always)]
fn count_equal(row: &[u8], value: u8) -> u64 {
    row.chunks(1 << 15)
        .map(|chunk| {
            u64::from(
                chunk
                    .iter()
                    .map(|&s| u16::from(s == value))
                    .fold(0u16, u16::wrapping_add),
            )
        })
        .sum()
}

/// Counts the `N` neighbours holding the technology and decides: two passes over the row,
/// each a simple loop the compiler vectorises — counting in bytes, then deciding in 32-bit
/// lanes. With one capacity for all, the threshold is picked by a chain of compare-and-selects
/// (an indexed load would not vectorise); with differing capacities, from the per-level table
/// under a mask (a gather).
#[inline(always)]
fn fused<const N: usize>(
    row: Row<'_>,
    rows: Rows<'_>,
    next_row: &mut [u8],
    counts: &mut [u8],
    kernel: &TechKernel,
) {
    let Row {
        observed,
        start,
        width,
        offsets,
        first_cell,
    } = row;
    let (value, eligible_below, stream) = (kernel.value, kernel.eligible_below, kernel.stream);
    let counts = &mut counts[..width];
    if N > 0 {
        let sources: [&[u8]; N] = std::array::from_fn(|j| {
            let from = start.wrapping_add_signed(offsets[j]);
            &observed[from..from + width]
        });
        for (x, count) in counts.iter_mut().enumerate() {
            let mut n = 0u8;
            for source in &sources {
                n += u8::from(source[x] == value);
            }
            *count = n;
        }
    } else {
        counts.fill(0);
    }
    if let Some(extra) = rows.extra {
        // Contacts beyond the table's last entry count as that entry (the hazard saturates).
        let last = (kernel.stride - 1) as u8;
        for (count, &e) in counts.iter_mut().zip(&extra[..width]) {
            *count = count.saturating_add(e).min(last);
        }
    }
    let current_row = &rows.current[..width];
    let capacity_row = rows.capacity;
    let next_row = &mut next_row[..width];
    match capacity_row {
        None => {
            let table = kernel.small;
            for (x, ((next, &current), &n)) in next_row
                .iter_mut()
                .zip(current_row)
                .zip(counts.iter())
                .enumerate()
            {
                let mut threshold = table[0];
                for (j, &t) in table.iter().enumerate().take(N + 1).skip(1) {
                    threshold = if u32::from(n) >= j as u32 {
                        t
                    } else {
                        threshold
                    };
                }
                let adopts = (current <= eligible_below)
                    & (stream.draw31(first_cell + x as u32) < threshold);
                // A select, not a branch: it compiles to a blend.
                *next = if adopts { value } else { *next };
            }
        }
        Some(capacity_row) => {
            let table: &[u32; LEVEL_TABLE] = &kernel.by_level;
            for (x, (((next, &current), &n), &level)) in next_row
                .iter_mut()
                .zip(current_row)
                .zip(counts.iter())
                .zip(&capacity_row[..width])
                .enumerate()
            {
                let index = (usize::from(level) * SMALL_TABLE + usize::from(n)) & (LEVEL_TABLE - 1);
                let adopts = (current <= eligible_below)
                    & (stream.draw31(first_cell + x as u32) < table[index]);
                *next = if adopts { value } else { *next };
            }
        }
    }
}

#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn decide_general(
    current_row: &[u8],
    next_row: &mut [u8],
    counts: &[u16],
    capacity_row: Option<&[u8]>,
    kernel: &TechKernel,
    first_cell: u32,
    tie_keys: &mut [u32],
) {
    let (value, eligible_below, stream) = (kernel.value, kernel.eligible_below, kernel.stream);
    let (table, stride) = (kernel.table.as_slice(), kernel.stride);
    for x in 0..next_row.len() {
        let current = current_row[x];
        let level = capacity_row.map_or(0, |c| usize::from(c[x]));
        let n = if stride > 1 {
            usize::from(counts[x]).min(stride - 1)
        } else {
            0
        };
        let threshold = table[level * stride + n];
        let cell = first_cell + x as u32;
        if (current <= eligible_below) & (stream.draw31(cell) < threshold) {
            match kernel.tie_break {
                None => next_row[x] = value,
                Some(ties) => {
                    // Members are stepped by ascending quality, so a value above the bound was
                    // chosen at this step by an equally good member: the higher key wins.
                    let key = ties.at(cell);
                    if next_row[x] <= eligible_below || key > tie_keys[x] {
                        next_row[x] = value;
                        tie_keys[x] = key;
                    }
                }
            }
        }
    }
}
