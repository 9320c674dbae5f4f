//! Checks of the economy's sections: every rate, share and radius in its range.

use super::checker::{attribute, Checker};
use super::schema::ScenarioFile;
use super::{Attribute, EconomyConfig, FirmAttributes, Process, Processes, Region};

/// The largest knowledge or capital stock a firm may start with: far beyond any sensible
/// value, far below where sums of them would overflow.
pub(crate) const MAX_STOCK: f64 = 1e12;

/// Reads `processes`, refusing unknown names, repeats and processes whose inputs are missing.
pub(super) fn check_processes(c: &mut Checker<'_>, file: &ScenarioFile) -> Processes {
    let mut processes = Processes::default();
    for (i, name) in file.processes.iter().enumerate() {
        let field = format!("processes[{i}]");
        if file.processes[..i].contains(name) {
            c.push(&field, format!("`{name}` is listed twice"), false);
        } else if let Some(process) = Process::from_name(name) {
            processes.insert(process);
        } else {
            let hint = super::did_you_mean(name, Processes::NAMES);
            c.push(
                &field,
                format!(
                    "unknown process `{name}` (expected one of {}){hint}",
                    Processes::NAMES.map(|n| format!("`{n}`")).join(", ")
                ),
                false,
            );
        }
    }
    for process in processes.iter() {
        let Some(needed) = process.needs().filter(|&n| !processes.has(n)) else {
            continue;
        };
        c.push(
            "processes",
            format!(
                "`{}` needs `{}`: {}",
                process.name(),
                needed.name(),
                if process == Process::Strategy {
                    "the stage game's payoffs come from its demand and costs"
                } else {
                    "it spends and tests the profits the market makes"
                }
            ),
            false,
        );
    }
    processes
}

/// Checks every economy section and the firm attributes; `listed_knowledge` is the largest
/// knowledge a listed firm is given (0 without).
pub(super) fn check_economy(
    c: &mut Checker<'_>,
    file: &ScenarioFile,
    region: Region,
    processes: Processes,
    listed_knowledge: f64,
) -> EconomyConfig {
    let attributes = FirmAttributes {
        knowledge: attribute(c, "firms.knowledge", file.firms.knowledge, 0.0, MAX_STOCK),
        rd_intensity: attribute(c, "firms.rd_intensity", file.firms.rd_intensity, 0.0, 1.0),
        capital: attribute(c, "firms.capital", file.firms.capital, 0.0, MAX_STOCK),
        openness: attribute(c, "firms.openness", file.firms.openness, 0.0, 1.0),
    };

    let p = &file.production;
    c.positive("production.cost_ceiling", p.cost_ceiling);
    c.in_range(
        "production.cost_floor",
        p.cost_floor,
        0.0,
        p.cost_ceiling.max(0.0),
    );
    c.at_least("production.learning_elasticity", p.learning_elasticity, 0.0);
    c.at_least("production.fixed_cost", p.fixed_cost, 0.0);
    c.positive("production.capital_intensity", p.capital_intensity);
    c.in_range(
        "production.efficiency_dispersion",
        p.efficiency_dispersion,
        0.0,
        2.0,
    );
    c.probability(
        "production.efficiency_persistence",
        p.efficiency_persistence,
    );
    c.probability("production.depreciation", p.depreciation);
    c.at_least("production.adoption_horizon", p.adoption_horizon, 0.0);
    c.probability("production.spare_capacity", p.spare_capacity);
    c.at_least("production.borrowing", p.borrowing, 0.0);
    c.at_least("production.equity_target", p.equity_target, 0.0);
    c.probability("production.payout_speed", p.payout_speed);
    c.probability("production.leader_share", p.leader_share);
    c.in_range(
        "production.laggard_share",
        p.laggard_share,
        0.0,
        1.0 - p.leader_share.clamp(0.0, 1.0),
    );

    let m = &file.market;
    c.positive("market.choke_price", m.choke_price);
    c.positive("market.size", m.size);
    c.in_range("market.growth", m.growth, -1.0 + f64::EPSILON, 1.0);
    if !(m.demand_elasticity > 1.0 && m.demand_elasticity.is_finite()) {
        c.error(
            "market.demand_elasticity",
            format!(
                "{} would let a firm with the whole market set an infinite price",
                m.demand_elasticity
            ),
        );
    }
    if !(m.substitution > m.demand_elasticity.max(1.0) && m.substitution.is_finite()) {
        c.push(
            "market.substitution",
            format!(
                "{} is not above demand_elasticity ({}): products must substitute for each other more than for other goods (expected a number greater than {})",
                m.substitution,
                m.demand_elasticity,
                m.demand_elasticity.max(1.0)
            ),
            false,
        );
    }
    c.at_least("market.superelasticity", m.superelasticity, 0.0);
    if m.superelasticity >= m.substitution && m.substitution.is_finite() {
        c.error(
            "market.superelasticity",
            format!(
                "{} is not below substitution ({}): demand's elasticity would fall faster than a firm's size grows",
                m.superelasticity, m.substitution
            ),
        );
    }
    c.in_range("market.selection", m.selection, 0.0, 1.0 - f64::EPSILON);
    c.at_least("market.delivery_weight", m.delivery_weight, 0.0);
    c.probability("market.appeal_volatility", m.appeal_volatility);
    c.probability("market.contract_rate", m.contract_rate);
    c.in_range(
        "market.initial_appeal_dispersion",
        m.initial_appeal_dispersion,
        0.0,
        3.0,
    );
    c.at_least("market.contract_size", m.contract_size, 0.0);
    c.at_least("market.export_size", m.export_size, 0.0);
    c.positive("market.world_price", m.world_price);
    c.at_least("market.world_rivals", m.world_rivals, 0.0);
    c.at_least("market.export_fixed_cost", m.export_fixed_cost, 0.0);
    c.in_range(
        "market.export_growth",
        m.export_growth,
        -1.0 + f64::EPSILON,
        1.0,
    );
    c.at_least("market.trade_cost", m.trade_cost, 0.0);

    let n = &file.innovation;
    c.at_least("innovation.productivity", n.productivity, 0.0);
    c.probability("innovation.rd_elasticity", n.rd_elasticity);
    c.probability("innovation.knowledge_elasticity", n.knowledge_elasticity);
    c.at_least("innovation.partner_weight", n.partner_weight, 0.0);
    c.at_least("innovation.minimum_rd", n.minimum_rd, 0.0);
    c.probability("innovation.gap_share", n.gap_share);
    c.at_least("innovation.frontier_step", n.frontier_step, 0.0);
    c.in_range(
        "innovation.frontier_elasticity",
        n.frontier_elasticity,
        -5.0,
        1.0 - f64::EPSILON,
    );
    c.probability("innovation.radical_share", n.radical_share);
    c.count_in("innovation.max_radical", n.max_radical, 0, 200);
    if n.radical_group.is_empty() {
        c.error("innovation.radical_group", "an empty group name");
    }
    c.in_range(
        "innovation.radical_cost_gain",
        n.radical_cost_gain,
        0.0,
        1.0 - f64::EPSILON,
    );
    c.probability("innovation.radical_p", n.radical_p);
    c.probability("innovation.radical_q", n.radical_q);
    c.count_in("innovation.rivalry_radius", n.rivalry_radius, 1, 64);
    c.at_least("innovation.rivalry_similarity", n.rivalry_similarity, 0.0);
    c.at_least("innovation.rivalry_effect", n.rivalry_effect, 0.0);
    c.positive("innovation.rivalry_half", n.rivalry_half);

    let s = &file.spillover;
    c.probability("spillover.strength", s.strength);
    c.count_in("spillover.radius", s.radius, 0, 64);
    let span = 2 * s.radius + 1;
    let torus = region.boundary == super::Boundary::Torus;
    if processes.has(Process::Spillover) && torus && (region.width < span || region.height < span) {
        c.push(
            "spillover.radius",
            format!(
                "a torus of {}×{} is too small for a spillover radius of {}: a firm would learn from a neighbour twice (expected width and height of at least {span}, or a smaller radius)",
                region.width, region.height, s.radius
            ),
            false,
        );
    }
    c.positive("spillover.decay_length", s.decay_length);
    c.at_least("spillover.partner_weight", s.partner_weight, 0.0);
    if !(s.optimal_distance > 0.0 && s.optimal_distance <= 0.5) {
        c.error(
            "spillover.optimal_distance",
            format!("{} is out of range", s.optimal_distance),
        );
    }
    c.probability("spillover.convergence", s.convergence);
    c.at_least("spillover.capacity_rd", s.capacity_rd, 0.0);
    if !(s.rd_depreciation > 0.0 && s.rd_depreciation <= 1.0) {
        c.error(
            "spillover.rd_depreciation",
            format!("{} is out of range", s.rd_depreciation),
        );
    }

    let mo = &file.mobility;
    c.probability("mobility.rate", mo.rate);
    c.count_in("mobility.radius", mo.radius, 1, 64);
    c.probability("mobility.transfer", mo.transfer);

    let nw = &file.network;
    c.probability("network.formation", nw.formation);
    c.count_in("network.radius", nw.radius, 1, 64);
    c.probability("network.triadic_share", nw.triadic_share);
    c.probability("network.decay", nw.decay);
    c.in_range(
        "network.used_decay",
        nw.used_decay,
        0.0,
        nw.decay.clamp(0.0, 1.0),
    );
    c.at_least("network.capacity_exponent", nw.capacity_exponent, 0.0);
    c.count_in("network.max_degree", nw.max_degree, 1, 64);

    let g = &file.government;
    c.at_least("government.budget", g.budget, 0.0);
    c.at_least("government.rd_subsidy", g.rd_subsidy, 0.0);

    let d = &file.demography;
    c.probability("demography.entry_rate", d.entry_rate);
    c.in_range("demography.entrants", d.entrants, 0.0, 1000.0);
    c.count_in("demography.entry_horizon", d.entry_horizon, 1, 400);
    if !(d.entrant_share > 0.0 && d.entrant_share <= 1.0) {
        c.error(
            "demography.entrant_share",
            format!("{} is out of range", d.entrant_share),
        );
    }
    c.in_range(
        "demography.entrant_dispersion",
        d.entrant_dispersion,
        0.0,
        3.0,
    );
    c.probability("demography.local_pool", d.local_pool);
    c.probability("demography.agglomeration", d.agglomeration);
    c.in_range(
        "demography.exit_share",
        d.exit_share,
        0.0,
        1.0 - f64::EPSILON,
    );
    c.probability("demography.spinoff_rate", d.spinoff_rate);
    c.count_in("demography.spinoff_radius", d.spinoff_radius, 1, 64);
    c.probability("demography.inheritance", d.inheritance);
    c.at_least("demography.entry_capital", d.entry_capital, 0.0);

    let place = |c: &mut Checker<'_>, field: &str, x: u32, y: u32| {
        if x >= region.width || y >= region.height {
            c.error(
                field,
                format!(
                    "({x}, {y}) lies outside the {}×{} region",
                    region.width, region.height
                ),
            );
        }
    };
    for (i, r) in file.research_bodies.iter().enumerate() {
        let at = |f: &str| format!("research_body[{i}].{f}");
        place(c, &at("x"), r.x, r.y);
        c.at_least(&at("knowledge"), r.knowledge, 0.0);
        c.at_least(&at("funding"), r.funding, 0.0);
        c.in_range(&at("position"), r.position, 0.0, 1.0 - f64::EPSILON);
        c.count_in(&at("reach"), r.reach, 1, 64);
        c.at_least(&at("weight"), r.weight, 0.0);
        layer_name(c, &at("layer"), &r.layer);
    }
    for (i, m) in file.intermediaries.iter().enumerate() {
        let at = |f: &str| format!("intermediary[{i}].{f}");
        place(c, &at("x"), m.x, m.y);
        c.count_in(&at("reach"), m.reach, 1, 64);
        c.at_least(&at("tie_boost"), m.tie_boost, 0.0);
        c.count_in(&at("relay"), m.relay, 0, 8);
        layer_name(c, &at("layer"), &m.layer);
    }

    let frontier = check_frontier(c, file, &attributes, listed_knowledge);

    let ex = &file.external;
    c.probability("external.pipeline_share", ex.pipeline_share);
    c.probability("external.outside_learning", ex.outside_learning);
    c.at_least("external.outside_knowledge", ex.outside_knowledge, 0.0);
    c.at_least("external.outside_growth", ex.outside_growth, 0.0);
    c.count_in("external.outside_contacts", ex.outside_contacts, 0, 8);
    c.at_least(
        "innovation.diversity_effect",
        file.innovation.diversity_effect,
        0.0,
    );
    let mut previous: Option<f64> = None;
    for (i, pair) in file.market.growth_schedule.iter().enumerate() {
        let field = format!("market.growth_schedule[{i}]");
        let ok = pair.len() == 2
            && pair[0] >= 0.0
            && pair[0].fract() == 0.0
            && pair[1] > -1.0
            && pair[1] <= 1.0
            && previous.is_none_or(|p| pair[0] > p);
        if !ok {
            c.error(
                &field,
                format!("{pair:?} is not a [step, growth] pair after the one before it"),
            );
        }
        previous = pair.first().copied();
    }

    let st = &file.strategy;
    c.probability("strategy.revision_rate", st.revision_rate);
    c.probability("strategy.exploration", st.exploration);
    c.probability("strategy.spillover", st.spillover);
    c.probability("strategy.licence_fee", st.licence_fee);
    c.at_least("strategy.reciprocity", st.reciprocity, 0.0);

    let dg = &file.diagnosis;
    c.probability("diagnosis.core_share", dg.core_share);
    let core = subsystem_weights(c, "diagnosis.core", &dg.core_weights, &dg.core_comparisons);
    let auxiliary = subsystem_weights(
        c,
        "diagnosis.auxiliary",
        &dg.auxiliary_weights,
        &dg.auxiliary_comparisons,
    );

    let entropy = match dg.weighting.as_str() {
        "given" => false,
        "entropy" => {
            for (field, given) in [
                ("diagnosis.core_comparisons", &dg.core_comparisons),
                ("diagnosis.auxiliary_comparisons", &dg.auxiliary_comparisons),
            ] {
                if !given.is_empty() {
                    c.error(
                        field,
                        "comparisons are given but `weighting = \"entropy\"` derives the weights: give one or the other",
                    );
                }
            }
            true
        }
        other => {
            c.error(
                "diagnosis.weighting",
                format!("`{other}` is not a weighting"),
            );
            false
        }
    };

    EconomyConfig {
        frontier,
        diagnosis: super::DiagnosisWeights {
            core,
            auxiliary,
            core_share: dg.core_share,
            entropy,
        },
        attributes,
        production: file.production.clone(),
        market: file.market.clone(),
        innovation: file.innovation.clone(),
        spillover: file.spillover.clone(),
        mobility: file.mobility.clone(),
        network: file.network.clone(),
        government: file.government.clone(),
        demography: file.demography.clone(),
        research_bodies: file.research_bodies.clone(),
        intermediaries: file.intermediaries.clone(),
        strategy: file.strategy.clone(),
        external: file.external.clone(),
        policies: check_policies(c, file, processes),
    }
}

/// The frontier at the start: `innovation.frontier`, refused below the largest initial
/// knowledge of firms (drawn or listed) and research bodies, or by default twice that
/// knowledge and at least 1.
fn check_frontier(
    c: &mut Checker<'_>,
    file: &ScenarioFile,
    attributes: &FirmAttributes,
    listed_knowledge: f64,
) -> f64 {
    let drawn = match attributes.knowledge {
        Attribute::Fixed(v) => v,
        Attribute::Uniform { max, .. } => max,
    };
    let bodies = file
        .research_bodies
        .iter()
        .map(|r| r.knowledge)
        .fold(0.0, f64::max);
    // NaN or out-of-range knowledge is refused by its own field's check.
    let largest = [drawn, listed_knowledge, bodies]
        .into_iter()
        .filter(|k| k.is_finite())
        .fold(0.0, f64::max)
        .min(MAX_STOCK);
    match file.innovation.frontier {
        None => (2.0 * largest).max(1.0),
        Some(f) => {
            if !(f > 0.0 && f <= MAX_STOCK) {
                c.error("innovation.frontier", format!("{f} is out of range"));
            } else if f < largest {
                let what = if largest == bodies {
                    "a research body's knowledge"
                } else if largest == listed_knowledge {
                    "a listed firm's knowledge"
                } else {
                    "the firms' initial knowledge (`firms.knowledge`)"
                };
                c.push(
                    "innovation.frontier",
                    format!(
                        "{f} is below {what}, {largest}: no knowledge lies beyond the frontier (expected a number of at least {largest})"
                    ),
                    false,
                );
            }
            f
        }
    }
}

/// Checks the `[[policy]]` entries and resolves them.
fn check_policies(
    c: &mut Checker<'_>,
    file: &ScenarioFile,
    processes: Processes,
) -> Vec<super::policy::AppliedPolicy> {
    let mut out = Vec::new();
    for (i, p) in file.policies.iter().enumerate() {
        let at = |f: &str| format!("policy[{i}].{f}");
        let Some(policy) = super::policy::Policy::from_name(&p.name) else {
            let names = super::policy::POLICIES.iter().map(|d| d.name);
            let hint = super::did_you_mean(&p.name, names);
            c.push(
                &at("name"),
                format!(
                    "unknown policy `{}` (see `clusterlab policy list`){hint}",
                    p.name
                ),
                false,
            );
            continue;
        };
        if !processes.economy() {
            c.push(
                &at("name"),
                "policies act on the cluster's economy: `processes` names none of its processes"
                    .to_string(),
                false,
            );
        }
        let end = p.end.unwrap_or(u32::MAX);
        if end <= p.start {
            c.error(
                &at("end"),
                format!("{end} is not after the start {}", p.start),
            );
        }
        let def = policy.def();
        let strength = p.strength.unwrap_or(def.default_strength);
        let below_one = policy.strength_below_one();
        if !(strength >= 0.0 && strength.is_finite()) || (below_one && strength >= 1.0) {
            c.error(&at("strength"), format!("{strength} is out of range"));
        }
        let cost = p.cost_per_step.unwrap_or(def.default_cost);
        if !(cost >= 0.0 && cost.is_finite()) {
            c.error(&at("cost_per_step"), format!("{cost} is out of range"));
        }
        out.push(super::policy::AppliedPolicy {
            policy,
            strength,
            start: p.start,
            end,
            cost_per_step: cost,
        });
    }
    out
}

/// Checks that `name` is a layer of the cluster innovation system.
fn layer_name(c: &mut Checker<'_>, field: &str, name: &str) {
    if super::economy::Layer::parse(name).is_none() {
        c.error(field, format!("`{name}` is not a layer"));
    }
}

/// Three subsystem weights: the AHP eigenvector of `comparisons` when given (a 3×3 matrix,
/// its consistency ratio warned above 0.1), else `weights` normalised.
fn subsystem_weights(
    c: &mut Checker<'_>,
    prefix: &str,
    weights: &[f64],
    comparisons: &[Vec<f64>],
) -> [f64; 3] {
    let equal = [1.0 / 3.0; 3];
    if !comparisons.is_empty() {
        let field = format!("{prefix}_comparisons");
        if comparisons.len() != 3 {
            c.error(&field, format!("{} rows (expected 3)", comparisons.len()));
            return equal;
        }
        return match clusterlab_numerics::mcda::ahp(
            comparisons,
            &clusterlab_numerics::mcda::SAATY_RANDOM_INDEX,
        ) {
            Ok(a) => {
                if !a.consistent() {
                    c.warn(
                        &field,
                        format!(
                            "consistency ratio {:.3} is 0.1 or more: the judgements contradict each other",
                            a.cr.unwrap_or(0.0)
                        ),
                    );
                }
                [a.weights[0], a.weights[1], a.weights[2]]
            }
            Err(e) => {
                c.push(&field, e.to_string(), false);
                equal
            }
        };
    }
    let field = format!("{prefix}_weights");
    let total: f64 = weights.iter().sum();
    if weights.len() != 3 || weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) || total <= 0.0 {
        c.error(&field, format!("{weights:?} are not usable weights"));
        return equal;
    }
    [weights[0] / total, weights[1] / total, weights[2] / total]
}
