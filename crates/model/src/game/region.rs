//! Where in parameter space the Kuang–Zhang pattern holds: the game solved over a grid of two
//! parameters, each point classed by its pure equilibria.

use super::{Game, Profile};

/// The pattern Kuang & Zhang report: leaders withhold from everyone, middle firms share with
/// leaders and withhold from laggards, laggards share with everyone.
pub fn kuang_zhang() -> Profile {
    let mut p = Profile::default();
    p.share[1][0] = 1.0;
    p.share[2][0] = 1.0;
    p.share[2][1] = 1.0;
    p
}

/// A parameter of the game that a map can vary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    /// Demand intercept `a`.
    Intercept,
    /// Demand slope `b`.
    Slope,
    /// `θ`.
    Spillover,
    /// `φ`.
    LicenceFee,
    /// `r`.
    Reciprocity,
    /// A class's unit cost.
    Cost(usize),
    /// A class's number of firms.
    Firms(usize),
}

impl Param {
    /// The names accepted, as in game files.
    pub const NAMES: [&'static str; 11] = [
        "intercept",
        "slope",
        "spillover",
        "licence_fee",
        "reciprocity",
        "leaders.cost",
        "middle.cost",
        "laggards.cost",
        "leaders.firms",
        "middle.firms",
        "laggards.firms",
    ];

    /// The parameter named `name`.
    pub fn parse(name: &str) -> Option<Param> {
        Some(match name {
            "intercept" => Param::Intercept,
            "slope" => Param::Slope,
            "spillover" => Param::Spillover,
            "licence_fee" => Param::LicenceFee,
            "reciprocity" => Param::Reciprocity,
            "leaders.cost" => Param::Cost(0),
            "middle.cost" => Param::Cost(1),
            "laggards.cost" => Param::Cost(2),
            "leaders.firms" => Param::Firms(0),
            "middle.firms" => Param::Firms(1),
            "laggards.firms" => Param::Firms(2),
            _ => return None,
        })
    }

    /// `game` with this parameter at `value` (firm counts rounded, at least 1).
    pub fn set(self, game: &Game, value: f64) -> Game {
        let mut g = *game;
        match self {
            Param::Intercept => g.intercept = value,
            Param::Slope => g.slope = value,
            Param::Spillover => g.spillover = value,
            Param::LicenceFee => g.licence_fee = value,
            Param::Reciprocity => g.reciprocity = value,
            Param::Cost(k) => g.costs[k] = value,
            Param::Firms(k) => g.firms[k] = value.round().max(1.0) as u32,
        }
        g
    }

    /// Whether `value` is allowed: probabilities in [0, 1], positive market and firms,
    /// non-negative costs and reciprocity.
    pub fn allows(self, value: f64) -> bool {
        value.is_finite()
            && match self {
                Param::Spillover | Param::LicenceFee => (0.0..=1.0).contains(&value),
                Param::Intercept | Param::Slope => value > 0.0 && value <= 1e9,
                Param::Firms(_) => (1.0..=1e6).contains(&value),
                Param::Reciprocity | Param::Cost(_) => value >= 0.0,
            }
    }
}

/// How a point of the map turned out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The Kuang–Zhang pattern is the only pure equilibrium.
    Pattern,
    /// It is one of several pure equilibria.
    PatternAmong,
    /// One pure equilibrium, another profile (its number).
    Other(u8),
    /// Several pure equilibria, none the pattern.
    Several,
    /// No pure equilibrium.
    NoPure,
    /// The costs are not ordered at this point, so there is no game.
    Invalid,
}

impl Verdict {
    /// One character for a text map: `K` the pattern alone, `k` among others, `S` everyone
    /// shares with everyone, `o` another single equilibrium, `2` several, `?` none, `.`
    /// no game.
    pub fn symbol(self) -> char {
        match self {
            Verdict::Pattern => 'K',
            Verdict::PatternAmong => 'k',
            Verdict::Other(63) => 'S',
            Verdict::Other(_) => 'o',
            Verdict::Several => '2',
            Verdict::NoPure => '?',
            Verdict::Invalid => '.',
        }
    }
}

/// The verdict on `game`.
pub fn verdict(game: &Game) -> Verdict {
    let ordered = game.costs[0] < game.costs[1]
        && game.costs[1] < game.costs[2]
        && game.costs[0] < game.intercept;
    if !ordered {
        return Verdict::Invalid;
    }
    let pattern = kuang_zhang().bits();
    let bits: Vec<Option<u8>> = game
        .pure_equilibria()
        .iter()
        .map(|e| e.profile.bits())
        .collect();
    match bits.as_slice() {
        [] => Verdict::NoPure,
        [only] if *only == pattern => Verdict::Pattern,
        [only] => Verdict::Other(only.unwrap_or(0)),
        many if many.contains(&pattern) => Verdict::PatternAmong,
        _ => Verdict::Several,
    }
}

/// The values of an axis: `points` evenly spaced from `from` to `to`.
pub fn axis(from: f64, to: f64, points: usize) -> Vec<f64> {
    match points {
        0 => Vec::new(),
        1 => vec![from],
        n => (0..n)
            .map(|i| from + (to - from) * i as f64 / (n - 1) as f64)
            .collect(),
    }
}

/// Verdicts over a grid: one row per value of `y`, one column per value of `x`.
pub fn region(game: &Game, x: Param, xs: &[f64], y: Param, ys: &[f64]) -> Vec<Vec<Verdict>> {
    ys.iter()
        .map(|&vy| {
            let row = y.set(game, vy);
            xs.iter().map(|&vx| verdict(&x.set(&row, vx))).collect()
        })
        .collect()
}
