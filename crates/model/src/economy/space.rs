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
    /// as contiguous slices.
    pub(crate) fn count_in_square(
        &self,
        grid: &[f32],
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
            let row = &grid[(ny * w) as usize..((ny + 1) * w) as usize];
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
