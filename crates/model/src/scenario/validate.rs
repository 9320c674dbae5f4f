//! Semantic checks: every value in range, every reference resolvable, the world affordable.

use super::checker::{attribute, Checker};
use super::toml_text::ParsedScenario;
use super::validate_economy::{check_economy, check_processes};
use super::{
    Boundary, Capacity, FirmCsv, FirmPlacement, Problems, Region, Scenario, Technology, MAX_STEPS,
};
use crate::neighbourhood::Neighbourhood;
use std::collections::BTreeMap;

/// Most technologies one competition group may hold.
pub const MAX_GROUP_SIZE: usize = 250;

// An empty cell is never eligible in the diffusion kernel: every eligibility bound (a state
// value, at most the group's size) is below EMPTY.
const _: () = assert!(MAX_GROUP_SIZE < crate::grid::EMPTY as usize);

/// Most technologies a scenario may hold.
pub const MAX_TECHNOLOGIES: usize = 1000;

/// What the machine can afford, supplied by the caller (the model does not probe the machine).
#[derive(Clone, Copy, Debug, Default)]
pub struct Limits {
    /// Memory available to the world, in bytes; `None` for no check.
    pub available_bytes: Option<u64>,
}

/// Checks a parsed scenario (and its firm CSV, when it names one) and builds the
/// [`Scenario`]. `firm_csv` is the firm file's text, or why it could not be read. Problems met
/// while parsing are reported together with the rest, sorted by file and line. On success the
/// warnings are returned beside the scenario.
pub fn validate(
    parsed: &ParsedScenario,
    firm_csv: Option<Result<FirmCsv<'_>, String>>,
    limits: Limits,
) -> Result<(Scenario, Problems), Problems> {
    let (file, lines) = (&parsed.file, &parsed.lines);
    let mut c = Checker {
        source: &parsed.source,
        lines,
        problems: parsed.problems.clone(),
    };

    if file.steps > MAX_STEPS {
        c.error("steps", format!("{} steps is too many", file.steps));
    }
    let period = super::Period::parse(&file.period).unwrap_or_else(|| {
        c.error(
            "period",
            format!(
                "unknown period `{}`{}",
                file.period,
                crate::hint::did_you_mean(&file.period, super::Period::NAMES)
            ),
        );
        super::Period::Quarter
    });

    // Region.
    let region_file = &file.region;
    for (field, v) in [
        ("region.width", region_file.width),
        ("region.height", region_file.height),
    ] {
        if v == 0 {
            c.error(field, "a region needs at least one cell");
        }
    }
    let boundary = match region_file.boundary.as_str() {
        "bounded" => Boundary::Bounded,
        "torus" => Boundary::Torus,
        other => {
            c.error("region.boundary", format!("unknown boundary `{other}`"));
            Boundary::Bounded
        }
    };
    let region = Region {
        width: region_file.width,
        height: region_file.height,
        boundary,
    };
    if region.cells() > u64::from(u32::MAX) {
        c.error(
            "region",
            format!(
                "{}×{} = {} cells is more than a region can hold (expected at most {} cells)",
                region.width,
                region.height,
                region.cells(),
                u32::MAX
            ),
        );
    }

    // Neighbourhood.
    let neighbourhood = match Neighbourhood::parse(&file.diffusion.neighbourhood) {
        Ok(n) => n,
        Err(message) => {
            c.push("diffusion.neighbourhood", message, false);
            Neighbourhood::Moore
        }
    };
    if boundary == Boundary::Torus && neighbourhood != Neighbourhood::Global {
        let span = 2 * neighbourhood.reach() + 1;
        if region.width < span || region.height < span {
            c.push(
                "region.boundary",
                format!(
                    "a torus of {}×{} is too small for `{neighbourhood}`: a firm would count a neighbour twice (expected width and height of at least {span}, or `bounded`)",
                    region.width, region.height
                ),
                false,
            );
        }
    }

    // Firms.
    let capacity = attribute(
        &mut c,
        "firms.absorptive_capacity",
        file.firms.absorptive_capacity,
        0.0,
        1.0,
    );
    c.probability("firms.density", file.firms.density);
    let firms = match (&file.firms.csv, firm_csv) {
        (Some(_), Some(Err(reason))) => {
            c.push("firms.csv", reason, false);
            FirmPlacement::Listed {
                firms: Vec::new(),
                default_capacity: 1.0,
            }
        }
        (Some(_), Some(Ok(csv))) => {
            if lines.contains("firms.density") {
                c.warn(
                    "firms.density",
                    "ignored: firms are placed from `firms.csv`",
                );
            }
            let default_capacity = match capacity {
                Capacity::Fixed(a) => a,
                Capacity::Uniform { min, max } => {
                    c.warn(
                        "firms.absorptive_capacity",
                        "a range does not apply to listed firms; rows without a capacity get the range's midpoint",
                    );
                    0.5 * (min + max)
                }
            };
            let firms = if region.width > 0 && region.height > 0 {
                csv.read(
                    region.width,
                    region.height,
                    default_capacity,
                    &mut c.problems,
                )
            } else {
                Vec::new()
            };
            if firms.is_empty() {
                c.warn(
                    "firms.csv",
                    "the firm file lists no firms: nothing can adopt",
                );
            }
            FirmPlacement::Listed {
                firms,
                default_capacity,
            }
        }
        (Some(path), None) => {
            c.error(
                "firms.csv",
                format!("the firm file `{path}` was not supplied"),
            );
            FirmPlacement::Listed {
                firms: Vec::new(),
                default_capacity: 1.0,
            }
        }
        (None, _) if file.firms.density == 0.0 => {
            // An industry may start empty when entrants from outside found it.
            let founded =
                file.processes.iter().any(|p| p == "demography") && file.demography.entrants > 0.0;
            if !founded {
                c.warn(
                    "firms.density",
                    "density 0 places no firms: nothing can adopt",
                );
            }
            FirmPlacement::Density {
                density: 0.0,
                capacity,
            }
        }
        (None, _) => FirmPlacement::Density {
            density: file.firms.density,
            capacity,
        },
    };

    // Technologies.
    if file.technologies.is_empty() {
        c.error("technology", "a scenario needs at least one technology");
    }
    if file.technologies.len() > MAX_TECHNOLOGIES {
        c.error(
            "technology",
            format!(
                "{} technologies is too many (expected at most {MAX_TECHNOLOGIES})",
                file.technologies.len()
            ),
        );
    }
    let mut technologies = Vec::with_capacity(file.technologies.len());
    let mut first_with_id: BTreeMap<String, usize> = BTreeMap::new();
    let mut group_sizes: BTreeMap<String, usize> = BTreeMap::new();
    for (i, t) in file.technologies.iter().enumerate() {
        let at = |field: &str| format!("technology[{i}].{field}");
        let id = t.id.clone().unwrap_or_else(|| format!("tech-{}", i + 1));
        if id.is_empty()
            || !id
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || "-_.".contains(ch))
        {
            c.error(&at("id"), format!("`{id}` is not a usable id"));
        }
        if let Some(first) = first_with_id.insert(id.clone(), i) {
            c.error(
                &at("id"),
                format!("`{id}` is already the id of technology[{first}]"),
            );
        }
        c.probability(&at("p"), t.p);
        c.probability(&at("q"), t.q);
        if !t.quality.is_finite() {
            c.error(
                &at("quality"),
                format!("{} is not a finite number", t.quality),
            );
        }
        if t.arrival > file.steps {
            c.warn(
                &at("arrival"),
                format!(
                    "arrives at step {} after the last step {}: it never appears",
                    t.arrival, file.steps
                ),
            );
        }
        let seeded = t.seed_adopters > 0 || !t.seed_cells.is_empty();
        if t.p == 0.0 && !seeded {
            c.warn(
                &at("p"),
                "p = 0 and no seed adopters: nobody ever adopts this technology",
            );
        } else if t.p == 0.0 && t.q == 0.0 {
            c.warn(
                &at("q"),
                "p = 0 and q = 0: only the seed adopters ever hold this technology",
            );
        }
        if neighbourhood == Neighbourhood::Global && t.p + t.q > 1.0 {
            c.warn(
                &at("q"),
                format!(
                    "p + q = {} exceeds 1: under `global` the adoption probability is capped at 1",
                    t.p + t.q
                ),
            );
        }
        if t.seed_adopters > region.cells() {
            c.error(
                &at("seed_adopters"),
                format!(
                    "{} seed adopters do not fit in {} cells",
                    t.seed_adopters,
                    region.cells()
                ),
            );
        } else {
            let firms = match &firms {
                FirmPlacement::Density { density, .. } => density * region.cells() as f64,
                FirmPlacement::Listed { firms, .. } => firms.len() as f64,
            };
            if t.seed_adopters as f64 > firms {
                c.warn(
                    &at("seed_adopters"),
                    format!(
                        "{} seed adopters, but about {firms:.0} firms: every eligible firm adopts, and no more",
                        t.seed_adopters
                    ),
                );
            }
        }
        let mut seed_cells = Vec::with_capacity(t.seed_cells.len());
        for (k, cell) in t.seed_cells.iter().enumerate() {
            let field = format!("technology[{i}].seed_cells[{k}]");
            match cell.as_slice() {
                &[x, y] if x < region.width && y < region.height => seed_cells.push((x, y)),
                &[x, y] => c.error(
                    &field,
                    format!(
                        "[{x}, {y}] lies outside the {}×{} region",
                        region.width, region.height
                    ),
                ),
                other => c.error(
                    &field,
                    format!("{other:?} is not a cell: a cell is two numbers"),
                ),
            }
        }
        let group = t.group.clone().unwrap_or_else(|| id.clone());
        *group_sizes.entry(group.clone()).or_default() += 1;
        technologies.push(Technology {
            id,
            group,
            arrival: t.arrival,
            p: t.p,
            q: t.q,
            quality: t.quality,
            seed_adopters: t.seed_adopters,
            seed_cells,
            cost_gain: t.cost_gain,
            adoption_cost: t.adoption_cost,
            radical: false,
        });
        c.in_range(&at("cost_gain"), t.cost_gain, 0.0, 1.0 - f64::EPSILON);
        c.at_least(&at("adoption_cost"), t.adoption_cost, 0.0);
    }

    // The economy: processes, sections, and the slots of radical technologies.
    let processes = check_processes(&mut c, file);
    // Listed firms' own knowledge bounds the frontier from below like the drawn one.
    let listed_knowledge = match &firms {
        FirmPlacement::Listed { firms, .. } => {
            firms.iter().filter_map(|f| f.knowledge).fold(0.0, f64::max)
        }
        FirmPlacement::Density { .. } => 0.0,
    };
    let economy = check_economy(&mut c, file, region, processes, listed_knowledge);
    if processes.has(super::Process::Rnd) && c.problems.iter().all(|p| p.warning) {
        add_radical_slots(&mut c, &economy, &mut technologies, &mut group_sizes);
    }
    for (group, size) in &group_sizes {
        if *size > MAX_GROUP_SIZE {
            c.error(
                "technology",
                format!(
                    "group `{group}` has {size} technologies (expected at most {MAX_GROUP_SIZE})"
                ),
            );
        }
    }

    // Memory, once the shape is known to be sane.
    if let Some(available) = limits.available_bytes {
        let heterogeneous = match &firms {
            FirmPlacement::Density { capacity, .. } => matches!(capacity, Capacity::Uniform { .. }),
            FirmPlacement::Listed { .. } => true,
        };
        let equal_rivals = technologies.iter().enumerate().any(|(i, a)| {
            technologies[..i]
                .iter()
                .any(|b| a.group == b.group && a.quality == b.quality)
        });
        let mut needed = crate::budget::world_bytes(
            region,
            neighbourhood,
            group_sizes.len(),
            technologies.len(),
            heterogeneous || processes.economy(),
            equal_rivals,
        );
        if processes.economy() {
            let firms = match &firms {
                FirmPlacement::Density { density, .. } => density * region.cells() as f64,
                FirmPlacement::Listed { firms, .. } => firms.len() as f64,
            };
            needed += crate::budget::economy_bytes(
                region,
                economy.network.max_degree,
                economy.spillover.radius,
                economy.innovation.rivalry_radius,
                firms as u64,
                group_sizes.len(),
                technologies.len(),
            );
        }
        if needed > available {
            c.error(
                "region",
                format!(
                    "a {}×{} grid needs {} of memory, more than the {} available",
                    region.width,
                    region.height,
                    human_bytes(needed),
                    human_bytes(available)
                ),
            );
        }
    }

    let mut problems = c.problems;
    // Stable: the scenario file first (its problems were found first), then by line.
    problems.sort_by_key(|p| (p.source != parsed.source, p.source.clone(), p.line));
    let problems = Problems(problems);
    if problems.has_errors() {
        return Err(problems);
    }
    // The echo shows the values the run used, defaults included.
    let mut file = file.clone();
    for (section, t) in file.technologies.iter_mut().zip(&technologies) {
        section.id = Some(t.id.clone());
        section.group = Some(t.group.clone());
    }
    let scenario = Scenario {
        name: file.name.clone(),
        seed: file.seed,
        steps: file.steps,
        period,
        region,
        firms,
        neighbourhood,
        technologies,
        processes,
        economy,
        file,
    };
    Ok((scenario, problems))
}

/// Appends the technologies radical innovations may create: `radical-1`, `radical-2`, ... in
/// `innovation.radical_group`, each of higher quality and lower cost than the group's best.
fn add_radical_slots(
    c: &mut Checker<'_>,
    economy: &super::EconomyConfig,
    technologies: &mut Vec<Technology>,
    group_sizes: &mut BTreeMap<String, usize>,
) {
    let n = &economy.innovation;
    let in_group = technologies.iter().filter(|t| t.group == n.radical_group);
    let (best_quality, best_gain, dearest) = in_group
        .fold((0.0f64, 0.0f64, 0.0f64), |(q, g, a), t| {
            (q.max(t.quality), g.max(t.cost_gain), a.max(t.adoption_cost))
        });
    for i in 1..=n.max_radical {
        let id = format!("radical-{i}");
        if technologies.iter().any(|t| t.id == id) {
            c.error(
                "technology",
                format!("the id `{id}` is reserved for radical innovations"),
            );
            return;
        }
        technologies.push(Technology {
            id,
            group: n.radical_group.clone(),
            arrival: u32::MAX,
            p: n.radical_p,
            q: n.radical_q,
            quality: best_quality + f64::from(i),
            seed_adopters: 0,
            seed_cells: Vec::new(),
            cost_gain: 1.0 - (1.0 - best_gain) * (1.0 - n.radical_cost_gain).powi(i as i32),
            // The next generation costs as much to adopt as the dearest of its group.
            adoption_cost: dearest,
            radical: true,
        });
        *group_sizes.entry(n.radical_group.clone()).or_default() += 1;
    }
}

/// Bytes in binary units, for messages.
pub fn human_bytes(bytes: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < units.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", units[unit])
    }
}
