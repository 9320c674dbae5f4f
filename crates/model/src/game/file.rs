//! Game files (TOML): the market, the three classes, sharing, the government's instruments and,
//! optionally, d'Aspremont & Jacquemin's R&D model; checked into a [`GameSpec`] with every
//! problem named by line and field, as scenarios are.

use super::rnd::RndSpillovers;
use super::Game;
use crate::scenario::economy::section;
use crate::scenario::schema::FieldDoc;
use crate::scenario::{Parsed, Problem, Problems};
use serde::{Deserialize, Serialize};

section! {
    /// `[market]`: linear demand `P = a − bQ`.
    MarketSection at "market" {
        intercept: f64 = 300.0 => "300.0", "a positive number",
            "a: the price at which nobody buys";
        slope: f64 = 1.0 => "1.0", "a positive number",
            "b: how much the price falls per unit of output";
    }
}

section! {
    /// `[leaders]`: the class's firms and their unit cost.
    LeadersSection at "leaders" {
        firms: u32 = 3 => "3", "a whole number from 1 to 1000000",
            "firms in the class";
        cost: f64 = 20.0 => "20.0", "a number of at least 0, leaders < middle < laggards",
            "unit cost of the class's firms";
    }
}

section! {
    /// `[middle]`: the class's firms and their unit cost.
    MiddleSection at "middle" {
        firms: u32 = 5 => "5", "a whole number from 1 to 1000000",
            "firms in the class";
        cost: f64 = 30.0 => "30.0", "a number of at least 0, leaders < middle < laggards",
            "unit cost of the class's firms";
    }
}

section! {
    /// `[laggards]`: the class's firms and their unit cost.
    LaggardsSection at "laggards" {
        firms: u32 = 8 => "8", "a whole number from 1 to 1000000",
            "firms in the class";
        cost: f64 = 40.0 => "40.0", "a number of at least 0, leaders < middle < laggards",
            "unit cost of the class's firms";
    }
}

section! {
    /// `[sharing]`: what sharing a technology does and pays.
    SharingSection at "sharing" {
        spillover: f64 = 0.6 => "0.6", "a number in [0, 1]",
            "θ: share of its cost gap a firm closes when every better firm shares with it";
        licence_fee: f64 = 0.1 => "0.1", "a number in [0, 1]",
            "φ: share of the receiver's saving (on its output) paid to the sharer";
        reciprocity: f64 = 0.1 => "0.1", "a number of at least 0",
            "r: value of a sharing relation to the sharer, per unit of contact weight 1/(n − 1)";
    }
}

section! {
    /// `[government]`: the coordinator's instruments.
    GovernmentSection at "government" {
        public_funds_cost: f64 = 0.2 => "0.2", "a number of at least 0",
            "λ: welfare lost per unit of public money raised (the marginal cost of public funds is 1 + λ)";
        generic_reduction: f64 = 0.0 => "0.0", "a number in [0, laggards' cost − middle cost]",
            "cost reduction a generic (common) technology platform gives every laggard (0: none)";
        generic_cost: f64 = 0.0 => "0.0", "a number of at least 0",
            "public cost of the generic technology per period";
    }
}

section! {
    /// `[rnd]`: d'Aspremont & Jacquemin's two-firm R&D with spillovers (optional).
    RndSection at "rnd" {
        intercept: f64 = 100.0 => "100.0", "a positive number", "a in P = a − bQ";
        slope: f64 = 1.0 => "1.0", "a positive number", "b in P = a − bQ";
        base_cost: f64 = 60.0 => "60.0", "a number in [0, intercept)", "A: unit cost before R&D";
        rd_cost: f64 = 5.0 => "5.0", "a positive number", "γ in the R&D cost γx²/2";
        spillover: f64 = 0.25 => "0.25", "a number in [0, 1]",
            "β: share of the rival's R&D that lowers one's cost";
    }
}

/// A game file as written.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GameFile {
    /// A label.
    #[serde(default)]
    pub name: String,
    /// `[market]`.
    #[serde(default)]
    pub market: MarketSection,
    /// `[leaders]`.
    #[serde(default)]
    pub leaders: LeadersSection,
    /// `[middle]`.
    #[serde(default)]
    pub middle: MiddleSection,
    /// `[laggards]`.
    #[serde(default)]
    pub laggards: LaggardsSection,
    /// `[sharing]`.
    #[serde(default)]
    pub sharing: SharingSection,
    /// `[government]`.
    #[serde(default)]
    pub government: GovernmentSection,
    /// `[rnd]`, when the file has it.
    #[serde(default)]
    pub rnd: Option<RndSection>,
}

/// Every field of a game file, in file order (`docs/game.md` is tested against it).
pub fn game_fields() -> impl Iterator<Item = &'static FieldDoc> {
    const NAME: FieldDoc = FieldDoc {
        path: "name",
        expected: "a string",
        default: "\"\"",
        meaning: "a label",
    };
    std::iter::once(&NAME)
        .chain(MarketSection::FIELDS)
        .chain(LeadersSection::FIELDS)
        .chain(MiddleSection::FIELDS)
        .chain(LaggardsSection::FIELDS)
        .chain(SharingSection::FIELDS)
        .chain(GovernmentSection::FIELDS)
        .chain(RndSection::FIELDS)
}

/// What a field of a game file expects, for messages.
pub fn expected_of(path: &str) -> Option<&'static str> {
    game_fields().find(|f| f.path == path).map(|f| f.expected)
}

/// A checked game file.
#[derive(Clone, Debug, PartialEq)]
pub struct GameSpec {
    /// Its label.
    pub name: String,
    /// The stage game (no subsidies).
    pub game: Game,
    /// `λ`.
    pub public_funds_cost: f64,
    /// Generic technology: laggards' cost reduction and public cost (reduction 0: none).
    pub generic: (f64, f64),
    /// The R&D model, when the file has `[rnd]`.
    pub rnd: Option<RndSpillovers>,
}

/// Checks a parsed game file; every problem at once, sorted by line.
pub fn check_game(parsed: &Parsed<GameFile>) -> Result<GameSpec, Problems> {
    let f = &parsed.file;
    let mut problems = parsed.problems.clone();
    let mut error = |field: &str, message: String| {
        let message = match expected_of(field) {
            Some(e) => format!("{message} (expected {e})"),
            None => message,
        };
        problems.push(Problem {
            source: parsed.source.clone(),
            line: parsed.lines.line_of(field),
            field: field.to_string(),
            message,
            warning: false,
        });
    };
    let positive = |error: &mut dyn FnMut(&str, String), field: &str, v: f64| {
        if !(v > 0.0 && v.is_finite()) {
            error(field, format!("{v} is not positive"));
        }
    };
    positive(&mut error, "market.intercept", f.market.intercept);
    positive(&mut error, "market.slope", f.market.slope);
    // Far beyond any market, payoffs and welfare overflow.
    for (field, v) in [
        ("market.intercept", f.market.intercept),
        ("market.slope", f.market.slope),
    ] {
        if v.is_finite() && v > 0.0 && !(1e-9..=1e9).contains(&v) {
            error(
                field,
                format!("{v} is out of range (expected a number from 1e-9 to 1e9)"),
            );
        }
    }
    let classes = [
        ("leaders", f.leaders.firms, f.leaders.cost),
        ("middle", f.middle.firms, f.middle.cost),
        ("laggards", f.laggards.firms, f.laggards.cost),
    ];
    for (name, firms, cost) in classes {
        if !(1..=1_000_000).contains(&firms) {
            error(&format!("{name}.firms"), format!("{firms} firms"));
        }
        if !(cost >= 0.0 && cost.is_finite()) {
            error(&format!("{name}.cost"), format!("{cost} is out of range"));
        }
    }
    for (lower, higher) in [(classes[0], classes[1]), (classes[1], classes[2])] {
        if lower.2 >= higher.2 {
            error(
                &format!("{}.cost", higher.0),
                format!(
                    "{} is not above the {}' cost {}: costs must be ordered leaders < middle < laggards",
                    higher.2, lower.0, lower.2
                ),
            );
        }
    }
    if f.leaders.cost >= f.market.intercept {
        error(
            "leaders.cost",
            format!(
                "{} is at or above the demand intercept {}: nobody could sell",
                f.leaders.cost, f.market.intercept
            ),
        );
    }
    let s = &f.sharing;
    for (field, v) in [
        ("sharing.spillover", s.spillover),
        ("sharing.licence_fee", s.licence_fee),
    ] {
        if !(0.0..=1.0).contains(&v) {
            error(field, format!("{v} is not in [0, 1]"));
        }
    }
    let at_least_zero = |error: &mut dyn FnMut(&str, String), field: &str, v: f64| {
        if !(v >= 0.0 && v.is_finite()) {
            error(field, format!("{v} is out of range"));
        }
    };
    at_least_zero(&mut error, "sharing.reciprocity", s.reciprocity);
    let g = &f.government;
    at_least_zero(
        &mut error,
        "government.public_funds_cost",
        g.public_funds_cost,
    );
    at_least_zero(&mut error, "government.generic_cost", g.generic_cost);
    let room = f.laggards.cost - f.middle.cost;
    if !(g.generic_reduction >= 0.0 && g.generic_reduction <= room.max(0.0)) {
        error(
            "government.generic_reduction",
            format!("{} is out of range", g.generic_reduction),
        );
    }
    let rnd = f.rnd.as_ref().map(|r| {
        positive(&mut error, "rnd.intercept", r.intercept);
        positive(&mut error, "rnd.slope", r.slope);
        positive(&mut error, "rnd.rd_cost", r.rd_cost);
        if !(r.base_cost >= 0.0 && r.base_cost < r.intercept) {
            error("rnd.base_cost", format!("{} is out of range", r.base_cost));
        }
        if !(0.0..=1.0).contains(&r.spillover) {
            error("rnd.spillover", format!("{} is not in [0, 1]", r.spillover));
        }
        let m = RndSpillovers {
            intercept: r.intercept,
            slope: r.slope,
            base_cost: r.base_cost,
            rd_cost: r.rd_cost,
            spillover: r.spillover,
        };
        if let Err(e) = m.well_posed() {
            error("rnd.rd_cost", e);
        }
        m
    });
    if problems.iter().any(|p| !p.warning) {
        problems.sort_by_key(|p| p.line);
        return Err(Problems(problems));
    }
    Ok(GameSpec {
        name: f.name.clone(),
        game: Game {
            intercept: f.market.intercept,
            slope: f.market.slope,
            firms: [f.leaders.firms, f.middle.firms, f.laggards.firms],
            costs: [f.leaders.cost, f.middle.cost, f.laggards.cost],
            spillover: s.spillover,
            licence_fee: s.licence_fee,
            reciprocity: s.reciprocity,
            subsidy: [0.0; 3],
        },
        public_funds_cost: g.public_funds_cost,
        generic: (g.generic_reduction, g.generic_cost),
        rnd,
    })
}
