//! `clusterlab game`: the diffusion game of leaders, middle firms and laggards.

use crate::error::{CliError, CliResult};
use clap::Args;
use clusterlab_lab::input::read_game;
use clusterlab_model::game::coordinator::{generic_support, GenericSupport, Scheme};
use clusterlab_model::game::file::GameSpec;
use clusterlab_model::game::region::{axis, kuang_zhang, region, Param, Verdict};
use clusterlab_model::game::rnd::RndOutcome;
use clusterlab_model::game::solve::{describe, Equilibrium, Solution};
use clusterlab_model::game::{Profile, CLASSES};
use serde::Serialize;
use std::path::PathBuf;

/// Solve the diffusion game of technology leaders, middle firms and laggards.
///
/// GAME.toml gives the market (P = a − bQ), the three classes (firms and unit cost, leaders <
/// middle < laggards), what sharing does (spillover θ, licence fee φ, reciprocity r), the
/// government's instruments and, optionally, d'Aspremont & Jacquemin's R&D model. Prints every
/// pure Nash equilibrium with its strategy table by class, mixed equilibria (one class mixing
/// one choice), the welfare optimum and the price of anarchy, the cheapest subsidy-and-tax
/// scheme that makes the optimum an equilibrium, the effect of a generic technology, and the
/// R&D solutions. With --map, the region of two parameters where the Kuang–Zhang pattern
/// holds. See examples/game/kuang-zhang.toml and docs/game.md.
#[derive(Debug, Args)]
pub struct GameArgs {
    /// The game file (TOML).
    #[arg(value_name = "GAME.toml")]
    game: PathBuf,

    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,

    /// Map where the Kuang–Zhang pattern holds over two parameters, as
    /// `X=FROM:TO,Y=FROM:TO` (e.g. `licence_fee=0:1,intercept=100:500`). Parameters:
    /// intercept, slope, spillover, licence_fee, reciprocity, leaders.cost, middle.cost,
    /// laggards.cost, leaders.firms, middle.firms, laggards.firms.
    #[arg(long, value_name = "X=FROM:TO,Y=FROM:TO")]
    map: Option<String>,

    /// Points per axis of the map.
    #[arg(long, value_name = "N", default_value_t = 21, value_parser = clap::value_parser!(u16).range(2..=201))]
    resolution: u16,
}

/// One axis of `--map`.
fn parse_axis(text: &str) -> Result<(Param, f64, f64), String> {
    let (name, range) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not an axis (expected NAME=FROM:TO)"))?;
    let param = Param::parse(name.trim()).ok_or_else(|| {
        format!(
            "`{name}` is not a game parameter (expected one of {})",
            Param::NAMES.join(", ")
        )
    })?;
    let (from, to) = range
        .split_once(':')
        .ok_or_else(|| format!("`{range}` is not a range (expected FROM:TO)"))?;
    let number = |t: &str| {
        t.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| param.allows(*v))
            .ok_or_else(|| format!("`{t}` is not an allowed value of {name}"))
    };
    Ok((param, number(from)?, number(to)?))
}

#[derive(Serialize)]
struct EquilibriumReport {
    kind: &'static str,
    description: String,
    /// Share of each class's firms sharing with each class, rows from, columns to.
    shares: [[f64; 3]; 3],
    payoffs: [f64; 3],
    price: f64,
    welfare: f64,
}

fn report_of(e: &Equilibrium) -> EquilibriumReport {
    EquilibriumReport {
        kind: if e.is_pure() { "pure" } else { "mixed" },
        description: describe(&e.profile),
        shares: e.profile.share,
        payoffs: e.payoffs,
        price: e.price,
        welfare: e.welfare,
    }
}

#[derive(Serialize)]
struct SchemeReport {
    feasible: bool,
    /// Per class: subsidy (positive) or tax (negative) per unit of shared cost reduction.
    rates: [Option<f64>; 3],
    fiscal_cost: f64,
    makes_optimum_an_equilibrium: bool,
    /// `W_opt − W_worst equilibrium − λ·fiscal cost`.
    net_welfare_gain: Option<f64>,
    equilibria_under_scheme: Vec<String>,
}

#[derive(Serialize)]
struct GenericReport {
    reduction: f64,
    cost: f64,
    welfare_before: Option<f64>,
    welfare_after: Option<f64>,
    equilibria_after: Vec<String>,
    net_gain: Option<f64>,
}

#[derive(Serialize)]
struct RndReport {
    noncooperative: RndRow,
    cooperative: RndRow,
    social_optimum: RndRow,
}

#[derive(Serialize)]
struct RndRow {
    rd: f64,
    output: f64,
    unit_cost: f64,
    price: f64,
    profit: f64,
    welfare: f64,
}

impl From<RndOutcome> for RndRow {
    fn from(o: RndOutcome) -> RndRow {
        RndRow {
            rd: o.rd,
            output: o.output,
            unit_cost: o.unit_cost,
            price: o.price,
            profit: o.profit,
            welfare: o.welfare,
        }
    }
}

#[derive(Serialize)]
struct Report<'a> {
    game: &'a str,
    name: &'a str,
    kuang_zhang_pattern: bool,
    pure_equilibria: Vec<EquilibriumReport>,
    mixed_equilibria: Vec<EquilibriumReport>,
    welfare_optimum: EquilibriumReport,
    price_of_anarchy: Option<f64>,
    price_of_stability: Option<f64>,
    coordinator: SchemeReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    generic_technology: Option<GenericReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rnd_spillovers: Option<RndReport>,
}

/// Runs the command.
pub fn run(args: GameArgs) -> CliResult {
    // The map's axes are checked before anything is solved.
    let axes = match &args.map {
        None => None,
        Some(text) => {
            let (x, y) = text.split_once(',').ok_or_else(|| {
                CliError::input(format!(
                    "--map: `{text}` has one axis (expected X=FROM:TO,Y=FROM:TO)"
                ))
            })?;
            let x = parse_axis(x).map_err(|e| CliError::input(format!("--map: {e}")))?;
            let y = parse_axis(y).map_err(|e| CliError::input(format!("--map: {e}")))?;
            if x.0 == y.0 {
                return Err(CliError::input(
                    "--map: both axes vary the same parameter (expected two different ones)",
                ));
            }
            Some((x, y))
        }
    };
    let spec = read_game(&args.game)?;
    let source = args.game.display().to_string();
    if let Some(((x, x0, x1), (y, y0, y1))) = axes {
        let n = usize::from(args.resolution);
        let (xs, ys) = (axis(x0, x1, n), axis(y0, y1, n));
        let grid = region(&spec.game, x, &xs, y, &ys);
        return print_map(&args, &source, (x, &xs), (y, &ys), &grid);
    }
    let game = &spec.game;
    let solution = game.solve();
    let scheme = game.coordinate(&solution.optimum.profile);
    let worst = solution
        .pure
        .iter()
        .chain(&solution.mixed)
        .map(|e| e.welfare)
        .reduce(f64::min);
    let net_gain =
        worst.map(|w| solution.optimum.welfare - w - spec.public_funds_cost * scheme.fiscal_cost);
    let under_scheme: Vec<Profile> = if scheme.feasible() {
        game.with_rates(scheme.rates.map(|r| r.unwrap_or(0.0)))
            .pure_equilibria()
            .iter()
            .map(|e| e.profile)
            .collect()
    } else {
        Vec::new()
    };
    let (reduction, cost) = spec.generic;
    let generic =
        (reduction > 0.0).then(|| generic_support(game, reduction, cost, spec.public_funds_cost));
    let pattern = solution.pure.len() == 1 && solution.pure[0].profile == kuang_zhang();
    if args.json {
        let report = Report {
            game: &source,
            name: &spec.name,
            kuang_zhang_pattern: pattern,
            pure_equilibria: solution.pure.iter().map(report_of).collect(),
            mixed_equilibria: solution.mixed.iter().map(report_of).collect(),
            welfare_optimum: report_of(&solution.optimum),
            price_of_anarchy: solution.price_of_anarchy,
            price_of_stability: solution.price_of_stability,
            coordinator: SchemeReport {
                feasible: scheme.feasible(),
                rates: scheme.rates,
                fiscal_cost: scheme.fiscal_cost,
                makes_optimum_an_equilibrium: scheme.is_equilibrium,
                net_welfare_gain: net_gain,
                equilibria_under_scheme: under_scheme.iter().map(describe).collect(),
            },
            generic_technology: generic.as_ref().map(|g| GenericReport {
                reduction: g.reduction,
                cost: g.cost,
                welfare_before: g.welfare_before,
                welfare_after: g.welfare_after,
                equilibria_after: g.equilibria_after.iter().map(describe).collect(),
                net_gain: g.net_gain,
            }),
            rnd_spillovers: spec.rnd.map(|m| RndReport {
                noncooperative: m.noncooperative().into(),
                cooperative: m.cooperative().into(),
                social_optimum: m.social_optimum().into(),
            }),
        };
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| CliError::failure(anyhow::Error::new(e)))?;
        println!("{text}");
        return Ok(());
    }
    print_table(&spec, &source, &solution, pattern);
    print_scheme(&spec, &scheme, net_gain, &under_scheme);
    if let Some(g) = &generic {
        print_generic(g, spec.public_funds_cost);
    }
    if let Some(m) = spec.rnd {
        println!(
            "\nR&D with spillovers (d'Aspremont & Jacquemin 1988; β = {}):",
            m.spillover
        );
        println!("                      R&D     output  unit cost    price     profit    welfare");
        for (name, o) in [
            ("non-cooperative", m.noncooperative()),
            ("cooperative R&D", m.cooperative()),
            ("social optimum", m.social_optimum()),
        ] {
            println!(
                "  {name:<16} {:>8.5} {:>10.5} {:>10.4} {:>8.4} {:>10.5} {:>10.4}",
                o.rd, o.output, o.unit_cost, o.price, o.profit, o.welfare
            );
        }
    }
    Ok(())
}

fn strategy_table(profile: &Profile) {
    println!("               to leaders  to middle   to laggards");
    for (k, (row, class)) in profile.share.iter().zip(CLASSES).enumerate() {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(j, &s)| {
                if j == k {
                    "-".to_string()
                } else if s == 1.0 {
                    "share".to_string()
                } else if s == 0.0 {
                    "withhold".to_string()
                } else {
                    format!("share {:.1}%", 100.0 * s)
                }
            })
            .collect();
        println!(
            "     {:<9} {:<11} {:<11} {:<11}",
            class, cells[0], cells[1], cells[2]
        );
    }
}

fn print_equilibrium(i: usize, e: &Equilibrium) {
    println!("  #{i}: {}", describe(&e.profile));
    strategy_table(&e.profile);
    println!(
        "     payoff per firm: leaders {:.3}, middle {:.3}, laggards {:.3}; price {:.4}; welfare {:.3}",
        e.payoffs[0], e.payoffs[1], e.payoffs[2], e.price, e.welfare
    );
}

fn print_table(spec: &GameSpec, source: &str, solution: &Solution, pattern: bool) {
    let g = &spec.game;
    let title = if spec.name.is_empty() {
        source
    } else {
        &spec.name
    };
    println!(
        "{title}: {} leaders at cost {}, {} middle firms at {}, {} laggards at {}; P = {} − {}·Q; θ {}, φ {}, r {}",
        g.firms[0], g.costs[0], g.firms[1], g.costs[1], g.firms[2], g.costs[2],
        g.intercept, g.slope, g.spillover, g.licence_fee, g.reciprocity
    );
    println!("pure Nash equilibria: {}", solution.pure.len());
    for (i, e) in solution.pure.iter().enumerate() {
        print_equilibrium(i + 1, e);
    }
    if solution.mixed.is_empty() {
        println!("mixed equilibria (one class mixing one choice): none");
    } else {
        println!(
            "mixed equilibria (one class mixing one choice): {}",
            solution.mixed.len()
        );
        for (i, e) in solution.mixed.iter().enumerate() {
            print_equilibrium(i + 1, e);
        }
    }
    println!(
        "Kuang–Zhang pattern (leaders withhold, laggards share, middle firms share upward and withhold downward): {}",
        if pattern { "yes, the only equilibrium" } else { "no" }
    );
    println!(
        "welfare optimum: {}; welfare {:.3}",
        describe(&solution.optimum.profile),
        solution.optimum.welfare
    );
    let show = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.5}"));
    println!(
        "price of anarchy {} (optimum over the worst equilibrium), price of stability {}",
        show(solution.price_of_anarchy),
        show(solution.price_of_stability)
    );
}

fn print_scheme(spec: &GameSpec, scheme: &Scheme, net_gain: Option<f64>, under: &[Profile]) {
    println!("coordinator: the cheapest rates per unit of shared cost reduction that make the optimum an equilibrium");
    for ((class, &(floor, ceiling)), rate) in CLASSES.iter().zip(&scheme.bounds).zip(scheme.rates) {
        let line = match rate {
            Some(r) if r > 0.0 => format!("subsidy {r:.5}"),
            Some(r) if r < 0.0 => format!("tax {:.5}", -r),
            Some(_) => "nothing".to_string(),
            None => format!(
                "no rate works (it would need at least {floor:.5} and at most {ceiling:.5})"
            ),
        };
        println!("  {class:<9} {line}");
    }
    if scheme.feasible() {
        println!(
            "  fiscal cost {:.4} per period; the optimum is then {}an equilibrium (checked by best responses)",
            scheme.fiscal_cost,
            if scheme.is_equilibrium { "" } else { "not " }
        );
        if let Some(gain) = net_gain {
            println!(
                "  net welfare gain {gain:.4} (optimum − worst equilibrium − {} × fiscal cost)",
                spec.public_funds_cost
            );
        }
        let others: Vec<String> = under
            .iter()
            .filter(|p| **p != scheme.target)
            .map(describe)
            .collect();
        if others.is_empty() {
            println!("  under the scheme the optimum is the only pure equilibrium");
        } else {
            println!(
                "  under the scheme other pure equilibria remain: {}",
                others.join(" | ")
            );
        }
    }
}

fn print_generic(g: &GenericSupport, lambda: f64) {
    let show = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.3}"));
    println!(
        "generic technology: laggards' cost −{} at public cost {} per period",
        g.reduction, g.cost
    );
    println!(
        "  welfare of the worst equilibrium {} → {}; net gain {} (after − before − {} × cost)",
        show(g.welfare_before),
        show(g.welfare_after),
        show(g.net_gain),
        1.0 + lambda
    );
    for p in &g.equilibria_after {
        println!("  equilibrium with it: {}", describe(p));
    }
}

#[derive(Serialize)]
struct MapReport<'a> {
    game: &'a str,
    x: &'a str,
    x_values: &'a [f64],
    y: &'a str,
    y_values: &'a [f64],
    /// One row per y value: K the pattern alone, k among others, S everyone shares, o another
    /// single equilibrium, 2 several, ? no pure equilibrium, . no game (costs unordered).
    rows: Vec<String>,
}

fn name_of(p: Param) -> &'static str {
    Param::NAMES
        .iter()
        .copied()
        .find(|n| Param::parse(n) == Some(p))
        .unwrap_or("?")
}

fn print_map(
    args: &GameArgs,
    source: &str,
    (x, xs): (Param, &[f64]),
    (y, ys): (Param, &[f64]),
    grid: &[Vec<Verdict>],
) -> CliResult {
    let rows: Vec<String> = grid
        .iter()
        .map(|r| r.iter().map(|v| v.symbol()).collect())
        .collect();
    if args.json {
        let report = MapReport {
            game: source,
            x: name_of(x),
            x_values: xs,
            y: name_of(y),
            y_values: ys,
            rows,
        };
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| CliError::failure(anyhow::Error::new(e)))?;
        println!("{text}");
        return Ok(());
    }
    println!(
        "{source}: where the Kuang–Zhang pattern holds; {} across ({} to {}), {} down ({} to {})",
        name_of(x),
        xs[0],
        xs[xs.len() - 1],
        name_of(y),
        ys[0],
        ys[ys.len() - 1]
    );
    for (vy, row) in ys.iter().zip(&rows) {
        println!("{vy:>12.4}  {row}");
    }
    let pattern = grid
        .iter()
        .flatten()
        .filter(|v| **v == Verdict::Pattern)
        .count();
    println!(
        "K the pattern alone ({pattern} of {} points), k the pattern among others, S everyone shares with everyone, o another single equilibrium, 2 several others, ? no pure equilibrium, . costs not ordered",
        grid.len() * xs.len()
    );
    Ok(())
}
