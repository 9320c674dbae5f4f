//! The scenario sections of the cluster's economy: production, market, innovation, learning,
//! mobility, networks, government, demography, research bodies and intermediaries.
//!
//! Each section is declared once with [`section!`]: the struct (strict, every field
//! defaulted), its `Default`, and the [`FieldDoc`] of every field come from one declaration.

use super::field_doc::FieldDoc;
use serde::{Deserialize, Serialize};

/// Declares a scenario section: struct, defaults and field documentation.
macro_rules! section {
    (
        $(#[$meta:meta])*
        $name:ident at $prefix:literal {
            $(
                $(#[$fmeta:meta])*
                $field:ident : $ty:ty = $default:expr => $default_doc:literal,
                    $expected:literal, $meaning:literal;
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
        #[serde(deny_unknown_fields, default)]
        pub struct $name {
            $( $(#[$fmeta])* #[doc = $meaning] pub $field: $ty, )*
        }

        impl Default for $name {
            fn default() -> Self {
                $name { $( $field: $default, )* }
            }
        }

        impl $name {
            /// The documentation of this section's fields.
            pub const FIELDS: &'static [FieldDoc] = &[
                $( FieldDoc {
                    path: concat!($prefix, ".", stringify!($field)),
                    expected: $expected,
                    default: $default_doc,
                    meaning: $meaning,
                }, )*
            ];
        }
    };
}

pub(crate) use section;

section! {
    /// `[production]`: how knowledge makes a firm's unit cost, and what production capacity
    /// costs.
    ProductionSection at "production" {
        cost_ceiling: f64 = 12.0 => "12.0", "a positive number",
            "unit cost of a firm with no knowledge";
        cost_floor: f64 = 4.0 => "4.0", "a number in [0, cost_ceiling]",
            "the unit cost approached as knowledge grows without bound";
        learning_elasticity: f64 = 0.5 => "0.5", "a number of at least 0",
            "κ in c = floor + (ceiling − floor)·exp(−κ·K): how fast knowledge K lowers cost";
        efficiency_dispersion: f64 = 0.2 => "0.2", "a number in [0, 2]",
            "s: standard deviation of the log efficiency that scales each firm's unit cost, c = c(K)·Π(1 − gain)·e^{−z} (management, organisation, location: Syverson 2011)";
        efficiency_persistence: f64 = 0.98 => "0.98", "a number in [0, 1]",
            "ρ: per-step persistence of a firm's log efficiency z ← ρ z + √(1 − ρ²) s ε; entrants draw theirs, spin-offs inherit their parent's";
        fixed_cost: f64 = 4.0 => "4.0", "a number of at least 0",
            "overhead per step (a quarter) every firm pays from its capital, producing or not: the scale economy that makes small firms fragile";
        capital_intensity: f64 = 8.0 => "8.0", "a positive number",
            "θ: installing one unit of production capacity (one unit of output per step) costs θ times the firm's unit cost (capital goods get cheaper with the technology that makes them)";
        depreciation: f64 = 0.025 => "0.025", "a number in [0, 1]",
            "δ: share of production capacity worn out per step (its cost δ·θ·c per unit is charged to profit)";
        spare_capacity: f64 = 0.1 => "0.1", "a number in [0, 1]",
            "capacity a firm plans beyond its demand, as a share of demand";
        borrowing: f64 = 0.5 => "0.5", "a number of at least 0",
            "λ: a firm's investment per step is at most its cash flow plus λ times its capital (financing constraint)";
        equity_target: f64 = 0.5 => "0.5", "a number of at least 0",
            "e*: the net worth a firm keeps, as a share of its plant's value θ·c·Q (a target capital structure: about half of assets financed by equity, Rajan & Zingales 1995); beyond it the firm pays out";
        payout_speed: f64 = 0.085 => "0.085", "a number in [0, 1]",
            "share of the net worth above the equity target paid out to the owners per step (0.085 a quarter, 1 − 0.7^{1/4}: 30% of the gap closed in a year, Flannery & Rangan 2006); 0 keeps every profit";
        adoption_horizon: f64 = 8.0 => "8.0", "a number of at least 0",
            "steps over which a firm expects to reap a technology's saving when it weighs the technology's adoption cost (its payback period: 8 quarters = 2 years)";
        leader_share: f64 = 0.2 => "0.2", "a number in [0, 1]",
            "share of firms with the lowest unit cost that are technology leaders";
        laggard_share: f64 = 0.3 => "0.3", "a number in [0, 1 − leader_share]",
            "share of firms with the highest unit cost that are laggards";
    }
}

section! {
    /// `[market]`: the local market (differentiated products, market shares moving toward the
    /// more competitive firms) and the external (export) market.
    MarketSection at "market" {
        choke_price: f64 = 20.0 => "20.0", "a positive number",
            "local market: the mean price at which nobody buys (a in D = S·(a − p̄))";
        size: f64 = 6000.0 => "6000.0", "a positive number",
            "local market size S in D = S·(a − p̄)·(1 + growth)^t: units demanded per step per unit of price below the choke price";
        growth: f64 = 0.0 => "0.0", "a number greater than −1 and at most 1",
            "per-step growth of the local market's size";
        substitution: f64 = 4.0 => "4.0", "a number greater than demand_elasticity",
            "σ: elasticity of substitution between the firms' products; a small firm's margin is 1/σ";
        demand_elasticity: f64 = 1.5 => "1.5", "a number greater than 1",
            "η: elasticity of demand for the cluster's products as a whole; a firm with share s has margin 1/(σ − (σ − η)·s)";
        superelasticity: f64 = 0.0 => "0.0", "a number of at least 0, below substitution",
            "ε_K: how fast a product's demand grows less elastic with its size (Kimball demand, Klenow & Willis 2016): a firm x times the typical firm's size (geometric mean share) faces σ·x^(−ε_K/σ), so larger firms set higher margins; 0 is CES (every small firm's margin 1/σ)";
        selection: f64 = 0.25 => "0.25", "a number in [0, 1)",
            "χ: speed at which market shares move toward the more competitive firms per step (replicator dynamics)";
        delivery_weight: f64 = 1.0 => "1.0", "a number of at least 0",
            "ω: how much unfilled demand (capacity shortfall) lowers a firm's competitiveness";
        appeal_volatility: f64 = 0.12 => "0.12", "a number in [0, 1]",
            "ν: standard deviation per step of the random shocks to the log appeal of a firm's product (demand shocks: its customers come and go)";
        initial_appeal_dispersion: f64 = 1.0 => "1.0", "a number from 0 to 3",
            "standard deviation of firms' log appeal at the start: a cluster begins with firms of unequal size (lognormal), as observed";
        contract_rate: f64 = 0.2 => "0.2", "a number in [0, 1]",
            "probability per step that a firm wins or loses (even odds) a large contract: lumpy demand";
        contract_size: f64 = 0.25 => "0.25", "a number of at least 0",
            "a large contract's volume as a share of the mean firm's output: it moves a firm of output q by the factor 1 + size·q̄/q (or its inverse), much for small firms, little for large ones";
        export_size: f64 = 80000.0 => "80000.0", "a number of at least 0 (0: no export market)",
            "external market: units the world market buys per step, from the cluster's exporters and their rivals abroad";
        world_price: f64 = 14.0 => "14.0", "a positive number",
            "external market: the price rival products abroad sell at (at the start; it falls as the outside frontier's cost does)";
        world_rivals: f64 = 5000.0 => "5000.0", "a number of at least 0",
            "external market: rival products abroad, each at the world price, competing with the exporters' for the world's demand";
        export_growth: f64 = 0.01 => "0.01", "a number greater than −1 and at most 1",
            "per-step growth of the external market's size";
        trade_cost: f64 = 1.0 => "1.0", "a number of at least 0",
            "cost per unit of serving the external market, added to the unit cost";
        export_fixed_cost: f64 = 2.0 => "2.0", "a number of at least 0",
            "cost per step of serving the external market: a firm exports only when its export profit covers it (Melitz)";
        growth_schedule: Vec<Vec<f64>> = Vec::new() => "[]", "a list of [step, growth] pairs, steps rising",
            "the local market's growth from each listed step on (before the first: `growth`): demand booms and busts";
    }
}

section! {
    /// `[innovation]`: R&D, the knowledge production function, rivalry, radical innovations.
    InnovationSection at "innovation" {
        productivity: f64 = 0.02 => "0.02", "a number of at least 0",
            "α in the innovation hazard h = α·R^β·(K + η·K_partners)^φ";
        rd_elasticity: f64 = 0.5 => "0.5", "a number in [0, 1]",
            "β: returns to R&D spending R";
        knowledge_elasticity: f64 = 0.5 => "0.5", "a number in [0, 1]",
            "φ: returns to the knowledge the R&D builds on";
        partner_weight: f64 = 0.5 => "0.5", "a number of at least 0",
            "η: weight of R&D partners' mean knowledge (co-opetition)";
        minimum_rd: f64 = 12.0 => "12.0", "a number of at least 0",
            "the smallest R&D budget per step worth a laboratory: a firm whose budget would be smaller does no R&D (fixed costs of R&D, Cohen & Klepper 1996)";
        gap_share: f64 = 0.05 => "0.05", "a number in [0, 1]",
            "g: share of the gap to the reachable knowledge F⁺ = F + ν·F^φ_F an innovation closes: ΔK = g·(F⁺ − K)";
        frontier: Option<f64> = None => "twice the largest initial knowledge, at least 1", "a positive number, at least the largest initial knowledge of firms and research bodies",
            "F₀: the cluster's technological frontier at the start (best practice reachable with today's ideas)";
        frontier_step: f64 = 1.0 => "1.0", "a number of at least 0",
            "ν: the next idea beyond the frontier, ν·F^φ_F: how far past the frontier an innovation at the frontier reaches";
        frontier_elasticity: f64 = 0.0 => "0.0", "a number from −5 to below 1",
            "φ_F (Jones 1995): the next idea's size scales with F^φ_F; below 1 the frontier's growth rate falls as it advances (ideas get harder to find)";
        radical_share: f64 = 0.0005 => "0.0005", "a number in [0, 1]",
            "share of successful innovations that are radical: a new technology";
        max_radical: u32 = 5 => "5", "a whole number from 0 to 200",
            "radical technologies a run holds at once (a column each in the time series from the start): when all are taken, a new one takes the slot, and column, of one no firm holds any more";
        radical_group: String = "core".to_string() => "\"core\"", "a string",
            "the competition group radical technologies join, each better than the last";
        radical_cost_gain: f64 = 0.08 => "0.08", "a number in [0, 1)",
            "share by which holding a radical technology lowers unit cost";
        radical_p: f64 = 0.002 => "0.002", "a number in [0, 1]",
            "external-influence rate p of a radical technology";
        radical_q: f64 = 0.2 => "0.2", "a number in [0, 1]",
            "imitation rate q of a radical technology";
        rivalry_radius: u32 = 3 => "3", "a whole number from 1 to 64",
            "cells within which another firm of similar cost is a close rival (Porter)";
        rivalry_similarity: f64 = 0.1 => "0.1", "a number of at least 0",
            "relative cost difference within which a nearby firm counts as a rival";
        rivalry_effect: f64 = 1.0 => "1.0", "a number of at least 0",
            "γ: R&D intensity is ρ·(1 + γ·r/(r + r½)) with r close rivals";
        rivalry_half: f64 = 4.0 => "4.0", "a positive number",
            "r½: the number of rivals at which half the rivalry effect is reached";
        diversity_effect: f64 = 1.0 => "1.0", "a number of at least 0",
            "η: the radical share is scaled by min(1, D/D₀)^η, D the knowledge diversity and D₀ its value at the start (lock-in)";
    }
}

section! {
    /// `[spillover]`: learning from neighbours and partners, and absorptive capacity.
    SpilloverSection at "spillover" {
        strength: f64 = 0.05 => "0.05", "a number in [0, 1]",
            "σ: share of the knowledge gap a firm can learn from one source per step";
        radius: u32 = 2 => "2", "a whole number from 0 to 64",
            "cells within which neighbours' knowledge spills over (the industrial atmosphere)";
        decay_length: f64 = 1.0 => "1.0", "a positive number",
            "λ: weight exp(−distance/λ) of a neighbour at that distance in cells";
        partner_weight: f64 = 1.0 => "1.0", "a number of at least 0",
            "weight of a network partner as a source, compared with an adjacent neighbour";
        optimal_distance: f64 = 0.25 => "0.25", "a number in (0, 0.5]",
            "cognitive distance with the most learning: learning ∝ d(2D − d)/D² for d < 2D (Nooteboom)";
        convergence: f64 = 0.05 => "0.05", "a number in [0, 1]",
            "how far learning moves a firm's knowledge position toward its source";
        capacity_rd: f64 = 40.0 => "40.0", "a number of at least 0",
            "ξ_R: growth of absorptive capacity with the R&D stock relative to the firm's scale, a = a₀ + (1 − a₀)(1 − exp(−ξ_R·S/(Y + Ȳ)))";
        rd_depreciation: f64 = 0.04 => "0.04", "a number in (0, 1]",
            "δ: per-step (a quarter) depreciation of the R&D stock S ← (1 − δ)S + R and of the sales stock Y (0.04 a quarter is 15% a year)";
    }
}

section! {
    /// `[mobility]`: workers moving between firms, carrying knowledge.
    MobilitySection at "mobility" {
        rate: f64 = 0.05 => "0.05", "a number in [0, 1]",
            "probability per step that a firm hires a worker from another firm";
        radius: u32 = 5 => "5", "a whole number from 1 to 64",
            "cells within which the worker's former firm lies (mostly nearby)";
        transfer: f64 = 0.2 => "0.2", "a number in [0, 1]",
            "share of the knowledge gap the worker carries";
    }
}

section! {
    /// `[network]`: ties between firms.
    NetworkSection at "network" {
        formation: f64 = 0.2 => "0.2", "a number in [0, 1]",
            "probability per step (a quarter) that a firm with no ties looks for a partner (scaled down by the soft capacity as its ties grow)";
        radius: u32 = 6 => "6", "a whole number from 1 to 64",
            "cells within which a firm looks for partners by proximity";
        triadic_share: f64 = 0.6 => "0.6", "a number in [0, 1]",
            "m: share of searches that meet a partner's partner (triadic closure, Jackson & Rogers 2007) instead of a firm nearby; a firm without ties always searches nearby";
        decay: f64 = 0.05 => "0.05", "a number in [0, 1]",
            "probability per step (a quarter) that a tie over which no knowledge flowed in the step dissolves";
        used_decay: f64 = 0.02 => "0.02", "a number in [0, decay]",
            "probability per step (a quarter) that a tie over which knowledge flowed dissolves (every tie ages out; none is exempt)";
        capacity_exponent: f64 = 1.0 => "1.0", "a number of at least 0",
            "γ: a firm with k ties proposes and accepts ties with probability scaled by (1 − k/max_degree)^γ (0: only the hard bound)";
        max_degree: u32 = 12 => "12", "a whole number from 1 to 64",
            "most ties a firm can hold (the hard bound and the storage per firm)";
    }
}

section! {
    /// `[government]`: the regional government's budget and R&D subsidy.
    GovernmentSection at "government" {
        budget: f64 = 50.0 => "50.0", "a number of at least 0",
            "money per step for R&D subsidies";
        rd_subsidy: f64 = 0.2 => "0.2", "a number of at least 0",
            "subsidy per unit of a firm's own R&D spending, scaled down when the budget runs short";
    }
}

section! {
    /// `[demography]`: entry by expected profit, spin-offs near successful firms, exit on
    /// losses or a vanishing market share.
    DemographySection at "demography" {
        entry_rate: f64 = 0.03 => "0.03", "a number in [0, 1]",
            "potential entrants per step per firm alive (spin-outs, imitators drawn by the cluster): each enters when its expected profit is positive";
        entrants: f64 = 0.0 => "0.0", "a number from 0 to 1000",
            "potential entrants per step from outside, however many firms there are (Klepper's pool of would-be producers of a new product): each enters when its expected profit is positive";
        entry_horizon: u32 = 1 => "1", "a whole number from 1 to 400",
            "steps (quarters) over which a potential entrant averages the share and profit it expects, its share moving from the entrant's toward the share its cost earns against the incumbents' at the replicator's speed; it enters when that profit is positive and that share at least exit_share of the mean firm's (1: the next step only; longer: late entrants weigh their cost gap, Klepper 1996)";
        entrant_share: f64 = 0.25 => "0.25", "a number in (0, 1]",
            "an entrant's market share as a share of the mean firm's: entrants start small";
        entrant_dispersion: f64 = 0.0 => "0.0", "a number from 0 to 3",
            "σ_e: standard deviation of an entrant's log appeal, drawn once it has entered, ln A = ln(entrant_share) − σ_e²/2 + σ_e·ε (mean entrant_share): entrants decide on the expected appeal and learn their own after entry (Jovanovic 1982; Hopenhayn 1992; Foster, Haltiwanger & Syverson 2016)";
        local_pool: f64 = 0.7 => "0.7", "a number in [0, 1]",
            "weight of the cluster's knowledge (against the outside frontier's) in what an entrant knows";
        agglomeration: f64 = 0.7 => "0.7", "a number in [0, 1]",
            "probability that an entrant settles near an incumbent drawn in proportion to its output, else anywhere";
        exit_share: f64 = 0.05 => "0.05", "a number in [0, 1)",
            "a firm whose market share falls below this share of the mean firm's exits (a vanishing share)";
        spinoff_rate: f64 = 0.01 => "0.01", "a number in [0, 1]",
            "probability per step that a profitable leader spawns a spin-off";
        spinoff_radius: u32 = 3 => "3", "a whole number from 1 to 64",
            "cells within which a spin-off (or an entrant near an incumbent) settles on an empty cell";
        inheritance: f64 = 0.6 => "0.6", "a number in [0, 1]",
            "share of the parent's knowledge a spin-off starts with, and of the knowledge pool an entrant draws on";
        entry_capital: f64 = 20.0 => "20.0", "a number of at least 0",
            "capital an entrant or spin-off starts with";
    }
}

section! {
    /// One `[[research_body]]`: a university or institute, a source of knowledge.
    ResearchBodySection at "research_body[]" {
        x: u32 = 0 => "0", "a column of the region", "its cell's column";
        y: u32 = 0 => "0", "a row of the region", "its cell's row";
        knowledge: f64 = 5.0 => "5.0", "a number of at least 0",
            "its knowledge stock at the start";
        funding: f64 = 10.0 => "10.0", "a number of at least 0",
            "public budget per step (a quarter) for its research: its knowledge grows with it toward the frontier";
        position: f64 = 0.5 => "0.5", "a number in [0, 1)",
            "its knowledge position on the circle of specialisations";
        reach: u32 = 10 => "10", "a whole number from 1 to 64",
            "cells within which firms are linked to it";
        weight: f64 = 0.5 => "0.5", "a number of at least 0",
            "its weight as a knowledge source, compared with an adjacent neighbour";
        layer: String = "auxiliary".to_string() => "\"auxiliary\"", "\"core\", \"auxiliary\" or \"peripheral\"",
            "its layer of the cluster innovation system (Lü & Yu), for the per-layer indicators";
    }
}

section! {
    /// One `[[intermediary]]`: a broker, an association or a service centre.
    IntermediarySection at "intermediary[]" {
        x: u32 = 0 => "0", "a column of the region", "its cell's column";
        y: u32 = 0 => "0", "a row of the region", "its cell's row";
        reach: u32 = 10 => "10", "a whole number from 1 to 64",
            "cells within which firms are served";
        tie_boost: f64 = 1.0 => "1.0", "a number of at least 0",
            "served firms propose ties (1 + tie_boost) times as often";
        relay: u32 = 1 => "1", "a whole number from 0 to 8",
            "adopting contacts a served firm gains for each technology some served firm holds";
        layer: String = "auxiliary".to_string() => "\"auxiliary\"", "\"core\", \"auxiliary\" or \"peripheral\"",
            "its layer of the cluster innovation system (Lü & Yu), for the per-layer indicators";
    }
}

section! {
    /// `[external]`: global pipelines, the cluster's ties outside (Bathelt, Malmberg & Maskell).
    ExternalSection at "external" {
        pipeline_share: f64 = 1.0 => "1.0", "a number in [0, 1]",
            "share of firms with ties outside the cluster: only they sell on the external market and learn from outside";
        outside_learning: f64 = 0.0 => "0.0", "a number in [0, 1]",
            "σ_out: share of the gap to the outside frontier a pipeline firm learns per step (× capacity, Nooteboom's term)";
        outside_knowledge: f64 = 5.0 => "5.0", "a number of at least 0",
            "the outside frontier's knowledge at the start";
        outside_growth: f64 = 0.01 => "0.01", "a number of at least 0",
            "per-step growth of the outside frontier";
        outside_contacts: u32 = 0 => "0", "a whole number from 0 to 8",
            "adopting contacts a pipeline firm has outside for every technology that arrived from outside (not the cluster's radical ones)";
    }
}

section! {
    /// `[strategy]`: sharing strategies revised by imitating better-paid ones, with the
    /// diffusion game's payoffs (`docs/ODD.md` S17).
    StrategySection at "strategy" {
        revision_rate: f64 = 0.1 => "0.1", "a number in [0, 1]",
            "probability per step that a firm compares its strategy with a random firm of its class";
        exploration: f64 = 0.001 => "0.001", "a number in [0, 1]",
            "probability per step that a firm flips one of its sharing choices at random";
        spillover: f64 = 0.6 => "0.6", "a number in [0, 1]",
            "θ of the stage game: share of its cost gap a firm closes when every better firm shares with it";
        licence_fee: f64 = 0.1 => "0.1", "a number in [0, 1]",
            "φ of the stage game: share of the receiver's saving paid to the sharer";
        reciprocity: f64 = 0.1 => "0.1", "a number of at least 0",
            "r of the stage game: value of a sharing relation to the sharer, per unit of contact weight";
    }
}

section! {
    /// One `[[policy]]`: a cluster policy applied during the run (`docs/policy.md`).
    PolicySection at "policy[]" {
        name: String = String::new() => "(required)", "a policy name from `clusterlab policy list`",
            "which policy: its mechanism and failure are in docs/policy.md";
        start: u32 = 0 => "0", "a step",
            "the first step it acts in";
        end: Option<u32> = None => "the end of the run", "a step after `start`",
            "the step it stops before";
        strength: Option<f64> = None => "the policy's own", "a number of at least 0 (below 1 for diffusion-coordination and generic-technology)",
            "s, how strongly it acts (docs/policy.md gives each policy's default)";
        cost_per_step: Option<f64> = None => "the policy's own", "a number of at least 0",
            "public money it costs per step while it acts";
    }
}

section! {
    /// `[diagnosis]`: how the six dynamic factors combine (Tao & Chen's subsystems).
    DiagnosisSection at "diagnosis" {
        core_share: f64 = 0.5 => "0.5", "a number in [0, 1]",
            "weight of the core subsystem in the cluster innovation-dynamics index (the auxiliary has the rest)";
        core_weights: Vec<f64> = vec![1.0, 1.0, 1.0] => "[1, 1, 1]", "three weights of at least 0, not all 0",
            "weights of knowledge capital, co-opetition and market demand in the core subsystem (normalised)";
        auxiliary_weights: Vec<f64> = vec![1.0, 1.0, 1.0] => "[1, 1, 1]", "three weights of at least 0, not all 0",
            "weights of social capital, intermediary organisations and local government in the auxiliary subsystem (normalised)";
        core_comparisons: Vec<Vec<f64>> = Vec::new() => "[]", "a 3×3 AHP pairwise-comparison matrix, or none",
            "when given, the core weights are its principal eigenvector (AHP) instead of `core_weights`";
        auxiliary_comparisons: Vec<Vec<f64>> = Vec::new() => "[]", "a 3×3 AHP pairwise-comparison matrix, or none",
            "when given, the auxiliary weights are its principal eigenvector (AHP) instead of `auxiliary_weights`";
        weighting: String = "given".to_string() => "\"given\"", "\"given\" or \"entropy\"",
            "given: the weights or comparisons above; entropy: each subsystem's weights are the entropy weights of its three factors over the steps so far (equal at step 0)";
    }
}

/// The documentation of every field of the economy's sections.
pub fn economy_fields() -> impl Iterator<Item = &'static FieldDoc> {
    [
        ProductionSection::FIELDS,
        MarketSection::FIELDS,
        InnovationSection::FIELDS,
        SpilloverSection::FIELDS,
        MobilitySection::FIELDS,
        NetworkSection::FIELDS,
        GovernmentSection::FIELDS,
        DemographySection::FIELDS,
        ResearchBodySection::FIELDS,
        IntermediarySection::FIELDS,
        ExternalSection::FIELDS,
        StrategySection::FIELDS,
        PolicySection::FIELDS,
        DiagnosisSection::FIELDS,
    ]
    .into_iter()
    .flatten()
}

/// A layer of the cluster innovation system.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Layer {
    /// Firms: where innovation is made and technologies adopted.
    Core = 0,
    /// Knowledge and service providers: research bodies, intermediaries.
    Auxiliary = 1,
    /// The environment: government, markets.
    Peripheral = 2,
}

impl Layer {
    /// The names a scenario uses.
    pub const NAMES: [&'static str; 3] = ["core", "auxiliary", "peripheral"];

    /// The layer named `name`, if any.
    pub fn parse(name: &str) -> Option<Layer> {
        match name {
            "core" => Some(Layer::Core),
            "auxiliary" => Some(Layer::Auxiliary),
            "peripheral" => Some(Layer::Peripheral),
            _ => None,
        }
    }

    /// The bit of this layer in a per-cell reach mask.
    pub(crate) fn bit(self) -> u8 {
        1 << self as u8
    }
}
