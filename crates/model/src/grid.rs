//! The region's grid: a flat, row-major array of cells with a halo around it.
//!
//! **Layout invariant:** a `width × height` region is stored in a padded array of
//! `(width + 2·halo) × (height + 2·halo)` bytes, where `halo` is the neighbourhood's reach.
//! Interior cell `(x, y)` sits at `(y + halo) · stride + (x + halo)`. Halo cells hold
//! [`EMPTY`] on a bounded region and copies of the opposite edge on a torus, so the hot loop
//! reads every neighbour without a bounds test or a wrap-around branch.

/// What happens at the region's edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Boundary {
    /// Cells beyond the edge hold no firm.
    Bounded,
    /// The grid wraps around (a torus).
    Torus,
}

/// A region: a `width × height` grid of cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    /// Cells along x.
    pub width: u32,
    /// Cells along y.
    pub height: u32,
    /// Edge behaviour.
    pub boundary: Boundary,
}

impl Region {
    /// Number of cells.
    pub fn cells(&self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }
}

/// The state value of a cell that holds no firm (and of halo cells on a bounded region).
pub const EMPTY: u8 = u8::MAX;

/// Shape of a padded grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grid {
    width: usize,
    height: usize,
    halo: usize,
    stride: usize,
    boundary: Boundary,
}

impl Grid {
    /// The padded grid for `region` with a halo of `halo` cells.
    pub fn new(region: Region, halo: u32) -> Grid {
        let (width, height, halo) = (region.width as usize, region.height as usize, halo as usize);
        Grid {
            width,
            height,
            halo,
            stride: width + 2 * halo,
            boundary: region.boundary,
        }
    }

    /// Bytes of one padded layer for `region` and `halo`, without building it.
    pub fn padded_cells(region: Region, halo: u32) -> u64 {
        let h = u64::from(halo);
        (u64::from(region.width) + 2 * h) * (u64::from(region.height) + 2 * h)
    }

    /// Interior width.
    pub fn width(&self) -> usize {
        self.width
    }
    /// Interior height.
    pub fn height(&self) -> usize {
        self.height
    }
    /// Edge behaviour.
    pub fn boundary(&self) -> Boundary {
        self.boundary
    }
    /// Width of the halo.
    pub fn halo(&self) -> usize {
        self.halo
    }
    /// Distance between vertically adjacent cells in the padded array.
    pub fn stride(&self) -> usize {
        self.stride
    }
    /// Length of a padded layer.
    pub fn padded_len(&self) -> usize {
        self.stride * (self.height + 2 * self.halo)
    }
    /// Padded index of interior cell `(x, y)`.
    #[inline]
    pub fn index(&self, x: usize, y: usize) -> usize {
        (y + self.halo) * self.stride + x + self.halo
    }
    /// Padded index of the first interior cell of row `y`.
    #[inline]
    pub fn row_start(&self, y: usize) -> usize {
        self.index(0, y)
    }
    /// The id of interior cell `(x, y)`: `y · width + x`, independent of the halo.
    #[inline]
    pub fn cell_id(&self, x: usize, y: usize) -> u32 {
        (y * self.width + x) as u32
    }

    /// A padded layer filled with `interior` inside and [`EMPTY`] in the halo.
    pub fn new_layer(&self, interior: u8) -> Vec<u8> {
        let mut layer = vec![EMPTY; self.padded_len()];
        for y in 0..self.height {
            let start = self.row_start(y);
            layer[start..start + self.width].fill(interior);
        }
        layer
    }

    /// Makes the halo of `layer` consistent with its interior: untouched on a bounded region
    /// (it stays [`EMPTY`]), copied from the opposite edges on a torus.
    pub fn refresh_halo(&self, layer: &mut [u8]) {
        if self.boundary == Boundary::Bounded || self.halo == 0 {
            return;
        }
        let (w, h, halo, stride) = (self.width, self.height, self.halo, self.stride);
        // Left and right columns of every interior row.
        for y in 0..h {
            let row = (y + halo) * stride;
            for i in 0..halo {
                layer[row + i] = layer[row + halo + w - halo + i];
                layer[row + halo + w + i] = layer[row + halo + i];
            }
        }
        // Whole padded rows above and below, corners included.
        for i in 0..halo {
            let top_src = (h + i) * stride; // interior row h - halo + i
            layer.copy_within(top_src..top_src + stride, i * stride);
            let bottom_src = (halo + i) * stride; // interior row i
            layer.copy_within(bottom_src..bottom_src + stride, (halo + h + i) * stride);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(w: u32, h: u32, boundary: Boundary) -> Region {
        Region {
            width: w,
            height: h,
            boundary,
        }
    }

    #[test]
    fn torus_halo_holds_the_opposite_edges() {
        let grid = Grid::new(region(4, 3, Boundary::Torus), 2);
        let mut layer = grid.new_layer(0);
        for y in 0..3 {
            for x in 0..4 {
                layer[grid.index(x, y)] = (10 * y + x) as u8;
            }
        }
        grid.refresh_halo(&mut layer);
        // Every padded cell holds the value of the interior cell it wraps onto.
        let (w, h) = (4i64, 3i64);
        for py in 0..grid.height() + 4 {
            for px in 0..grid.stride() {
                let x = (px as i64 - 2).rem_euclid(w);
                let y = (py as i64 - 2).rem_euclid(h);
                assert_eq!(
                    layer[py * grid.stride() + px],
                    (10 * y + x) as u8,
                    "({px},{py})"
                );
            }
        }
    }

    #[test]
    fn bounded_halo_stays_empty() {
        let grid = Grid::new(region(3, 2, Boundary::Bounded), 1);
        let mut layer = grid.new_layer(0);
        grid.refresh_halo(&mut layer);
        assert_eq!(layer.iter().filter(|&&v| v == EMPTY).count(), 5 * 4 - 6);
    }
}
