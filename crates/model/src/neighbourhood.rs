//! Who a firm watches: the neighbourhood of the diffusion automaton.

use std::fmt;

/// The largest radius accepted by `radius:R`.
pub const MAX_RADIUS: u32 = 64;

/// The cells whose adoption a firm observes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Neighbourhood {
    /// The four orthogonally adjacent cells.
    VonNeumann,
    /// The eight cells around, diagonals included.
    Moore,
    /// Every cell within Euclidean distance `R` (as NetLogo's `in-radius`), the centre excluded.
    Radius(u32),
    /// Every firm of the region: the mean-field (Bass) form, `p + q · share`.
    Global,
}

impl Neighbourhood {
    /// Parses `von-neumann`, `moore`, `radius:R` or `global`.
    pub fn parse(text: &str) -> Result<Neighbourhood, String> {
        let t = text.trim();
        match t {
            "von-neumann" => return Ok(Neighbourhood::VonNeumann),
            "moore" => return Ok(Neighbourhood::Moore),
            "global" => return Ok(Neighbourhood::Global),
            _ => {}
        }
        if let Some(r) = t.strip_prefix("radius:") {
            return match r.trim().parse::<u32>() {
                Ok(r) if (1..=MAX_RADIUS).contains(&r) => Ok(Neighbourhood::Radius(r)),
                _ => Err(format!(
                    "`{t}` has no valid radius (expected `radius:R` with R an integer from 1 to {MAX_RADIUS})"
                )),
            };
        }
        let known = ["von-neumann", "moore", "global", "radius:"];
        let hint = crate::hint::did_you_mean(&t.to_lowercase(), known);
        Err(format!(
            "unknown neighbourhood `{t}` (expected `von-neumann`, `moore`, `radius:R` or `global`){hint}"
        ))
    }

    /// The offsets `(dx, dy)` of the neighbours, row by row; empty for [`Neighbourhood::Global`].
    pub fn offsets(self) -> Vec<(i32, i32)> {
        match self {
            Neighbourhood::VonNeumann => vec![(0, -1), (-1, 0), (1, 0), (0, 1)],
            Neighbourhood::Moore => vec![
                (-1, -1),
                (0, -1),
                (1, -1),
                (-1, 0),
                (1, 0),
                (-1, 1),
                (0, 1),
                (1, 1),
            ],
            Neighbourhood::Radius(r) => {
                let r = r as i32;
                let mut v = Vec::new();
                for dy in -r..=r {
                    for dx in -r..=r {
                        if (dx, dy) != (0, 0) && dx * dx + dy * dy <= r * r {
                            v.push((dx, dy));
                        }
                    }
                }
                v
            }
            Neighbourhood::Global => Vec::new(),
        }
    }

    /// Whether the cell `(dx, dy)` away is a neighbour (never under `global`).
    pub fn contains(self, dx: i64, dy: i64) -> bool {
        match self {
            Neighbourhood::VonNeumann => dx.abs() + dy.abs() == 1,
            Neighbourhood::Moore => (dx, dy) != (0, 0) && dx.abs().max(dy.abs()) == 1,
            Neighbourhood::Radius(r) => {
                let d2 = dx * dx + dy * dy;
                d2 > 0 && d2 <= i64::from(r) * i64::from(r)
            }
            Neighbourhood::Global => false,
        }
    }

    /// How far the neighbourhood reaches along an axis: the width of the grid's halo.
    pub fn reach(self) -> u32 {
        match self {
            Neighbourhood::VonNeumann | Neighbourhood::Moore => 1,
            Neighbourhood::Radius(r) => r,
            Neighbourhood::Global => 0,
        }
    }

    /// The number of neighbours of an interior cell; 0 for global.
    pub fn size(self) -> usize {
        self.offsets().len()
    }
}

impl fmt::Display for Neighbourhood {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Neighbourhood::VonNeumann => f.write_str("von-neumann"),
            Neighbourhood::Moore => f.write_str("moore"),
            Neighbourhood::Radius(r) => write!(f, "radius:{r}"),
            Neighbourhood::Global => f.write_str("global"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form_and_prints_it_back() {
        for s in ["von-neumann", "moore", "global", "radius:3"] {
            assert_eq!(Neighbourhood::parse(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn refuses_unknown_names_with_a_hint() {
        let e = Neighbourhood::parse("moor").unwrap_err();
        assert!(e.contains("did you mean `moore`"), "{e}");
        assert!(Neighbourhood::parse("radius:0").is_err());
        assert!(Neighbourhood::parse("radius:x").is_err());
        assert!(Neighbourhood::parse("radius:65").is_err());
    }

    #[test]
    fn contains_agrees_with_the_offsets() {
        for n in [
            Neighbourhood::VonNeumann,
            Neighbourhood::Moore,
            Neighbourhood::Radius(3),
        ] {
            let offsets = n.offsets();
            for dy in -4..=4i64 {
                for dx in -4..=4i64 {
                    assert_eq!(
                        n.contains(dx, dy),
                        offsets.contains(&(dx as i32, dy as i32)),
                        "{n} {dx} {dy}"
                    );
                }
            }
        }
        assert!(!Neighbourhood::Global.contains(1, 0));
    }

    #[test]
    fn sizes_match_the_definitions() {
        assert_eq!(Neighbourhood::VonNeumann.size(), 4);
        assert_eq!(Neighbourhood::Moore.size(), 8);
        // radius:1 is von Neumann; radius:2 adds the diagonals and the cells two away.
        assert_eq!(Neighbourhood::Radius(1).size(), 4);
        assert_eq!(Neighbourhood::Radius(2).size(), 12);
        // Gauss circle problem: N(3) = 29 lattice points, less the centre.
        assert_eq!(Neighbourhood::Radius(3).size(), 28);
    }
}
