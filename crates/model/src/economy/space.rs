//! The economy's spatial queries through the cell index: a firm at a cell, a cell's
//! neighbours on a torus or a bounded region, and counts over a square of cells.

use super::*;

/// The cell `(dx, dy)` away from `cell` on a `width × height` region, or `None` beyond a
/// bounded edge.
pub(crate) fn neighbour_cell(
    width: usize,
    height: usize,
    boundary: Boundary,
    cell: u32,
    dx: i64,
    dy: i64,
) -> Option<u32> {
    let (w, h) = (width as i64, height as i64);
    let (x, y) = (cell as i64 % w + dx, cell as i64 / w + dy);
    let (x, y) = match boundary {
        Boundary::Torus => (x.rem_euclid(w), y.rem_euclid(h)),
        Boundary::Bounded if x < 0 || y < 0 || x >= w || y >= h => return None,
        Boundary::Bounded => (x, y),
    };
    Some((y * w + x) as u32)
}

impl Economy {
    /// The slot of the firm on cell id `cell`, if any.
    pub fn firm_at(&self, cell: u32) -> Option<usize> {
        let slot = self.cell_firm[cell as usize];
        (slot != NO_FIRM).then_some(slot as usize)
    }

    /// The cell `(dx, dy)` away from `cell`, or `None` beyond a bounded edge.
    pub(crate) fn neighbour(&self, cell: u32, dx: i64, dy: i64) -> Option<u32> {
        neighbour_cell(self.width, self.height, self.boundary, cell, dx, dy)
    }

    /// The coordinates of cell id `cell`.
    #[inline]
    pub(crate) fn xy(&self, cell: u32) -> (i64, i64) {
        let w = self.width as u32;
        (i64::from(cell % w), i64::from(cell / w))
    }

    /// The cell `(dx, dy)` away from `(x, y)`, or `None` beyond a bounded edge; no division
    /// unless the offset crosses a torus's edge.
    #[inline]
    pub(crate) fn offset_cell(&self, x: i64, y: i64, dx: i64, dy: i64) -> Option<u32> {
        let (w, h) = (self.width as i64, self.height as i64);
        let (mut nx, mut ny) = (x + dx, y + dy);
        if nx < 0 || nx >= w || ny < 0 || ny >= h {
            if self.boundary == Boundary::Bounded {
                return None;
            }
            nx = nx.rem_euclid(w);
            ny = ny.rem_euclid(h);
        }
        Some((ny * w + nx) as u32)
    }

    /// Counts the cells of the `(2r + 1)²` square around `(x, y)` (wrapping on a torus, clipped
    /// on a bounded region) whose value in the per-cell `grid` satisfies `hit`. Rows are scanned
    /// as contiguous slices. (The rivalry scan uses [`Self::count_in_range`]; this is its
    /// reference in the tests and its path on a torus smaller than the square.)
    #[cfg(test)]
    pub(crate) fn count_in_square(
        &self,
        grid: &[f32],
        x: i64,
        y: i64,
        r: i64,
        hit: impl Fn(f32) -> bool,
    ) -> usize {
        self.count_in_rows(grid, self.width, 0, x, y, r, hit)
    }

    /// [`Self::count_in_square`] on a grid whose row `y` starts at `origin + y · stride`.
    #[allow(clippy::too_many_arguments)]
    fn count_in_rows(
        &self,
        grid: &[f32],
        stride: usize,
        origin: usize,
        x: i64,
        y: i64,
        r: i64,
        hit: impl Fn(f32) -> bool,
    ) -> usize {
        let (w, h) = (self.width as i64, self.height as i64);
        let torus = self.boundary == Boundary::Torus;
        let mut count = 0;
        let mut scan = |row: &[f32], from: i64, to: i64| {
            count += row[from as usize..=to as usize]
                .iter()
                .filter(|&&v| hit(v))
                .count();
        };
        // On a torus lower than the square, each row once.
        let rows = if torus && 2 * r + 1 >= h {
            -y..=h - 1 - y
        } else {
            -r..=r
        };
        for dy in rows {
            let mut ny = y + dy;
            if ny < 0 || ny >= h {
                if !torus {
                    continue;
                }
                ny = ny.rem_euclid(h);
            }
            let start = origin + ny as usize * stride;
            let row = &grid[start..start + w as usize];
            if 2 * r + 1 >= w {
                // The square spans the whole row (on a torus narrower than the square, each
                // cell once).
                if torus {
                    scan(row, 0, w - 1);
                } else {
                    scan(row, (x - r).max(0), (x + r).min(w - 1));
                }
            } else if x - r < 0 {
                scan(row, 0, x + r);
                if torus {
                    scan(row, w + x - r, w - 1);
                }
            } else if x + r >= w {
                scan(row, x - r, w - 1);
                if torus {
                    scan(row, 0, x + r - w);
                }
            } else {
                scan(row, x - r, x + r);
            }
        }
        count
    }

    /// The slot of the firm `(dx, dy)` away from `(x, y)`, if there is one.
    #[inline]
    pub(crate) fn firm_near(&self, x: i64, y: i64, dx: i64, dy: i64) -> Option<usize> {
        let slot = self.cell_firm[self.offset_cell(x, y, dx, dy)? as usize];
        (slot != NO_FIRM).then_some(slot as usize)
    }
}

/// Lanes of a [`PaddedGrid`] scan: its rows are read in blocks of this many cells.
const LANES: usize = 8;

/// A per-cell `f32` layer laid out for square scans of one radius `pad`: each row carries
/// `pad` cells on either side (the wrapped cells on a torus, NaN beyond a bounded edge) and
/// [`LANES`] more NaN at its end, and `pad` such rows lie above and below. The square around a
/// cell is then `2·pad + 1` contiguous runs of `2·pad + 1` cells, read in fixed blocks with no
/// edge case, which the compiler turns into vector compares.
#[derive(Clone, Debug, Default)]
pub(crate) struct PaddedGrid {
    pub(crate) values: Vec<f32>,
    stride: usize,
    pad: usize,
}

impl PaddedGrid {
    /// The index of cell `(x, y)`.
    #[inline]
    pub(crate) fn at(&self, x: usize, y: usize) -> usize {
        (y + self.pad) * self.stride + x + self.pad
    }
}

impl Economy {
    /// Fills `grid` for squares of radius `pad` with `value(cell)` per cell id (NaN in the
    /// padding beyond a bounded edge), in parallel over rows.
    pub(crate) fn fill_padded(
        &self,
        grid: &mut PaddedGrid,
        pad: usize,
        value: impl Fn(u32) -> f32 + Sync,
    ) {
        let (w, h) = (self.width, self.height);
        let torus = self.boundary == Boundary::Torus;
        grid.pad = pad;
        grid.stride = w + 2 * pad + LANES;
        grid.values.resize(grid.stride * (h + 2 * pad), f32::NAN);
        let stride = grid.stride;
        grid.values
            .par_chunks_mut(stride)
            .enumerate()
            .for_each(|(py, row)| {
                let y = py as i64 - pad as i64;
                let y = if torus {
                    y.rem_euclid(h as i64)
                } else if y < 0 || y >= h as i64 {
                    row.fill(f32::NAN);
                    return;
                } else {
                    y
                } as usize;
                let first = (y * w) as u32;
                for (x, v) in row[pad..pad + w].iter_mut().enumerate() {
                    *v = value(first + x as u32);
                }
                for i in 0..pad {
                    // Column `i − pad` and column `w + i`, wrapped on a torus.
                    let (left, right) = if torus {
                        (
                            row[pad + (i as i64 - pad as i64).rem_euclid(w as i64) as usize],
                            row[pad + (i % w)],
                        )
                    } else {
                        (f32::NAN, f32::NAN)
                    };
                    row[i] = left;
                    row[pad + w + i] = right;
                }
                row[2 * pad + w..].fill(f32::NAN);
            });
    }

    /// The cells of the `(2r + 1)²` square around `(x, y)` whose value in `grid` lies in
    /// `[lo, hi]` (NaN never does), as [`Self::count_in_square`] counts them; `grid` filled
    /// for radius `r` by [`Self::fill_padded`].
    pub(crate) fn count_in_range(
        &self,
        grid: &PaddedGrid,
        x: i64,
        y: i64,
        r: i64,
        lo: f32,
        hi: f32,
    ) -> usize {
        let side = 2 * r as usize + 1;
        // On a torus narrower or lower than the square a cell would be met twice in the
        // padding: the row scan counts each once.
        // A grid padded for another radius (filled before a change of it) is scanned by rows
        // too: the block scan reads `r` cells of padding either side.
        if grid.pad != r as usize
            || self.boundary == Boundary::Torus && (side > self.width || side > self.height)
        {
            let origin = grid.at(0, 0);
            return self.count_in_rows(&grid.values, grid.stride, origin, x, y, r, |c| {
                c >= lo && c <= hi
            });
        }
        // Each row of the square as blocks of LANES cells; the last block's lanes past the
        // square are masked out (they read the next cells or the NaN at the row's end).
        let blocks = side.div_ceil(LANES);
        let last = side - (blocks - 1) * LANES;
        let mask: [u32; LANES] = std::array::from_fn(|i| u32::from(i < last));
        let mut lanes = [0u32; LANES];
        let first = (y as usize) * grid.stride + x as usize;
        for row in 0..side {
            let start = first + row * grid.stride;
            let cells = &grid.values[start..start + blocks * LANES];
            let (full, tail) = cells.split_at((blocks - 1) * LANES);
            for block in full.chunks_exact(LANES) {
                for (lane, &c) in lanes.iter_mut().zip(block) {
                    *lane += u32::from((c >= lo) & (c <= hi));
                }
            }
            for ((lane, &c), &m) in lanes.iter_mut().zip(tail).zip(&mask) {
                *lane += u32::from((c >= lo) & (c <= hi)) & m;
            }
        }
        lanes.iter().sum::<u32>() as usize
    }
}
