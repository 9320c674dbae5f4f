//! Scenario files in, problems (or a scenario) out: every check as data through one helper.

use clusterlab_model::scenario::{
    parse_scenario_text, validate, FirmCsv, FirmPlacement, Limits, Problems,
};
use clusterlab_model::{Neighbourhood, Scenario};

fn load(toml: &str, csv: Option<&str>, limits: Limits) -> Result<(Scenario, Problems), Problems> {
    let parsed = parse_scenario_text(toml, "s.toml")?;
    let firm_csv = csv.map(|text| FirmCsv {
        source: "firms.csv",
        text,
    });
    validate(&parsed, firm_csv.map(Ok), limits)
}

/// The problems of `toml`, each rendered as `file:line: field: message`; `expected` lists
/// prefixes they must start with, in order, and nothing else may be reported as an error.
fn check_errors(toml: &str, expected: &[&str]) {
    let problems = match load(toml, None, Limits::default()) {
        Ok(_) => panic!("expected errors, the scenario was accepted:\n{toml}"),
        Err(p) => p,
    };
    let got: Vec<String> = problems.errors().map(|p| p.to_string()).collect();
    assert_eq!(
        got.len(),
        expected.len(),
        "got:\n{}\nexpected:\n{}",
        got.join("\n"),
        expected.join("\n")
    );
    for (g, e) in got.iter().zip(expected) {
        assert!(
            g.starts_with(e),
            "got `{g}`, expected it to start with `{e}`"
        );
    }
}

#[test]
fn a_scenario_of_three_lines_runs_on_defaults() {
    let (s, warnings) = load(
        "[region]\nwidth = 30\nheight = 20\n",
        None,
        Limits::default(),
    )
    .unwrap();
    assert_eq!(warnings.0.len(), 0);
    assert_eq!((s.region().width, s.region().height), (30, 20));
    assert_eq!(s.neighbourhood(), Neighbourhood::Moore);
    assert_eq!(s.steps(), 100);
    assert_eq!(s.technologies().len(), 1);
    let t = &s.technologies()[0];
    assert_eq!(
        (t.id.as_str(), t.p, t.q, t.arrival),
        ("tech-1", 0.03, 0.38, 0)
    );
    assert!(matches!(s.firms(), FirmPlacement::Density { density, .. } if *density == 1.0));
    // An empty file is a scenario too.
    assert!(load("", None, Limits::default()).is_ok());
}

#[test]
fn every_problem_is_reported_with_line_field_and_expected_value() {
    check_errors(
        r#"name = "bad"
stesp = 10
[region]
width = "wide"
height = 0
boundary = "klein-bottle"
[firms]
density = 1.5
[diffusion]
neighbourhood = "moor"
[[technology]]
id = "a b"
p = -0.1
q = 2
[[technology]]
id = "x"
colour = "red"
seed_cells = [[500, 1], [1, 2, 3], [4]]
[[technology]]
id = "x"
"#,
        &[
            "s.toml:2: stesp: unknown field `stesp`",
            "s.toml:4: region.width: invalid type: string \"wide\" (expected a whole number of cells, at least 1)",
            "s.toml:5: region.height: a region needs at least one cell (expected a whole number of cells, at least 1)",
            "s.toml:6: region.boundary: unknown boundary `klein-bottle` (expected `bounded` or `torus`)",
            "s.toml:8: firms.density: 1.5 is not a probability (expected a number in [0, 1])",
            "s.toml:10: diffusion.neighbourhood: unknown neighbourhood `moor`",
            "s.toml:12: technology[0].id: `a b` is not a usable id",
            "s.toml:13: technology[0].p: -0.1 is not a probability",
            "s.toml:14: technology[0].q: 2 is not a probability",
            "s.toml:17: technology[1].colour: unknown field `colour`",
            "s.toml:18: technology[1].seed_cells[0]: [500, 1] lies outside the 100×0 region",
            "s.toml:18: technology[1].seed_cells[1]: [1, 2, 3] is not a cell: a cell is two numbers (expected a list of `[x, y]` cells inside the region)",
            "s.toml:18: technology[1].seed_cells[2]: [4] is not a cell",
            "s.toml:20: technology[2].id: `x` is already the id of technology[1]",
        ],
    );
}

#[test]
fn unknown_fields_get_a_hint() {
    let problems = load("[region]\nwidht = 4\n", None, Limits::default()).unwrap_err();
    let message = &problems.0[0].message;
    assert!(message.contains("did you mean `width`?"), "{message}");
}

#[test]
fn unknown_tables_and_wrong_shapes_are_reported() {
    check_errors(
        "[regoin]\nwidth = 5\n[firms]\nabsorptive_capacity = { min = 0.9, max = 0.2 }\n[[technology]]\nseed_cells = [[1, \"a\"]]\n",
        &[
            "s.toml:1: regoin: unknown field `regoin`",
            "s.toml:4: firms.absorptive_capacity: { min = 0.9, max = 0.2 } is not a range inside [0, 1]",
            "s.toml:6: technology[0].seed_cells[0][1]: invalid type: string \"a\" (expected a list of `[x, y]` cells",
        ],
    );
}

#[test]
fn a_table_of_the_wrong_shape_says_what_the_table_holds() {
    check_errors(
        "region = 5\ntechnology = { p = 0.1 }\n",
        &[
            "s.toml:1: region: invalid type: integer `5` (expected a table `[region]` with `width`, `height`, `boundary`)",
            "s.toml:2: technology: invalid type: map (expected tables `[[technology]]`, one per technology)",
        ],
    );
}

#[test]
fn syntax_errors_are_reported_with_their_lines() {
    let problems = load(
        "name = \"x\"\n[region\nwidth = 3\n",
        None,
        Limits::default(),
    )
    .unwrap_err();
    let first = &problems.0[0];
    assert_eq!(first.line, Some(2));
    assert!(
        first.message.starts_with("TOML syntax:"),
        "{}",
        first.message
    );
}

#[test]
fn a_torus_too_small_for_the_neighbourhood_is_refused() {
    check_errors(
        "[region]\nwidth = 6\nheight = 20\nboundary = \"torus\"\n[diffusion]\nneighbourhood = \"radius:3\"\n",
        &["s.toml:4: region.boundary: a torus of 6×20 is too small for `radius:3`: a firm would count a neighbour twice (expected width and height of at least 7, or `bounded`)"],
    );
}

#[test]
fn a_grid_larger_than_memory_is_refused() {
    let limits = Limits {
        available_bytes: Some(1 << 30),
    };
    let problems = load("[region]\nwidth = 60000\nheight = 60000\n", None, limits).unwrap_err();
    let p = problems.errors().next().unwrap();
    assert_eq!(p.field, "region");
    // 2 bytes per padded cell plus a byte of scratch per 16 cells: 60002² · 2 + 3750 · 60000.
    assert!(
        p.message.contains(
            "a 60000×60000 grid needs 6.9 GiB of memory, more than the 1.0 GiB available"
        ),
        "{}",
        p.message
    );
    // And more cells than a region can index, whatever the memory.
    let problems = load(
        "[region]\nwidth = 100000\nheight = 100000\n",
        None,
        Limits::default(),
    )
    .unwrap_err();
    assert!(problems.0[0]
        .message
        .contains("more than a region can hold"));
}

#[test]
fn warnings_do_not_stop_a_scenario() {
    let (_, warnings) = load(
        "steps = 10\n[[technology]]\np = 0\n[[technology]]\narrival = 20\n",
        None,
        Limits::default(),
    )
    .unwrap();
    let w: Vec<String> = warnings.warnings().map(|w| w.to_string()).collect();
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(w[0].starts_with("warning: s.toml:3: technology[0].p: p = 0 and no seed adopters"));
    assert!(w[1].contains("technology[1].arrival: arrives at step 20 after the last step 10"));
    let (_, warnings) = load("[firms]\ndensity = 0\n", None, Limits::default()).unwrap();
    assert!(warnings.0[0].message.contains("places no firms"));
}

#[test]
fn firm_csv_problems_name_the_csv_file() {
    let toml = "[region]\nwidth = 5\nheight = 5\n[firms]\ncsv = \"firms.csv\"\n";
    let problems = load(toml, Some("x,capacity\n1,2\n"), Limits::default()).unwrap_err();
    let p = problems.errors().next().unwrap();
    assert_eq!(p.to_string().split(": ").next(), Some("firms.csv:1"));
    assert!(p.message.contains("missing column `y`"));
    // A csv named but not supplied by the caller is an error on the scenario's field.
    let parsed = parse_scenario_text(toml, "s.toml").unwrap();
    let problems = validate(&parsed, None, Limits::default()).unwrap_err();
    assert_eq!(problems.0[0].field, "firms.csv");
    // One that could not be read is reported with the scenario's other problems.
    let bad = parse_scenario_text(&format!("{toml}[[technology]]\np = 2\n"), "s.toml").unwrap();
    let problems = validate(
        &bad,
        Some(Err("cannot read f.csv".into())),
        Limits::default(),
    )
    .unwrap_err();
    let fields: Vec<&str> = problems.errors().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["firms.csv", "technology[0].p"]);
    // A good one places exactly its firms.
    let (s, _) = load(toml, Some("x,y\n0,0\n4,4\n"), Limits::default()).unwrap();
    assert!(matches!(s.firms(), FirmPlacement::Listed { firms, .. } if firms.len() == 2));
}

#[test]
fn bundled_examples_are_valid() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut n = 0;
    let policies = dir.join("evaluation/policies");
    let paths = std::fs::read_dir(&dir)
        .unwrap()
        .chain(std::fs::read_dir(&policies).unwrap())
        .map(|e| e.unwrap().path())
        .chain(
            std::fs::read_dir(dir.join("policy"))
                .unwrap()
                .map(|e| e.unwrap().path()),
        )
        .chain([dir.join("game/evolving-cluster.toml")]);
    for path in paths {
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).unwrap();
            let parsed = parse_scenario_text(&text, &path.display().to_string())
                .unwrap_or_else(|p| panic!("{p}"));
            let csv_text = parsed
                .file
                .firms
                .csv
                .as_ref()
                .map(|c| std::fs::read_to_string(path.parent().unwrap().join(c)).unwrap());
            let csv = csv_text.as_deref().map(|text| FirmCsv {
                source: "csv",
                text,
            });
            let (_, warnings) =
                validate(&parsed, csv.map(Ok), Limits::default()).unwrap_or_else(|p| panic!("{p}"));
            assert!(warnings.0.is_empty(), "{}: {warnings}", path.display());
            n += 1;
        }
    }
    assert!(n >= 11, "found {n} examples");
}

#[test]
fn docs_scenario_md_documents_every_field() {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/scenario.md"),
    )
    .unwrap();
    for field in clusterlab_model::scenario::all_fields() {
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", field.path)))
            .unwrap_or_else(|| panic!("docs/scenario.md has no row for `{}`", field.path));
        assert!(
            row.contains(field.expected),
            "{}: expected value differs",
            field.path
        );
        assert!(
            row.contains(field.default),
            "{}: default differs",
            field.path
        );
    }
}

#[test]
fn economy_sections_are_checked() {
    check_errors(
        r#"processes = ["market", "rnd", "spilover", "market"]
[region]
width = 10
height = 10
[firms]
rd_intensity = 1.5
openness = { min = 0.5, max = 0.2 }
[production]
cost_floor = 20.0
leader_share = 0.8
laggard_share = 0.5
[market]
growth = -2.0
[spillover]
strength = -0.1
optimal_distance = 0.7
[network]
max_degree = 0
[mobility]
rate = 1.5
[[research_body]]
x = 10
y = 3
[[intermediary]]
x = 2
y = 2
relay = 9
"#,
        &[
            "s.toml:1: processes[2]: unknown process `spilover` (expected one of `market`, `rnd`, `spillover`, `mobility`, `network`, `strategy`, `diffusion`, `demography`); did you mean `spillover`?",
            "s.toml:1: processes[3]: `market` is listed twice",
            "s.toml:6: firms.rd_intensity: 1.5 is out of range (expected a number in [0, 1]",
            "s.toml:7: firms.openness: { min = 0.5, max = 0.2 } is not a range inside [0, 1]",
            "s.toml:9: production.cost_floor: 20 is out of range (expected a number in [0, cost_ceiling])",
            "s.toml:11: production.laggard_share: 0.5 is out of range (expected a number in [0, 1 − leader_share])",
            "s.toml:13: market.growth: -2 is out of range (expected a number greater than −1 and at most 1)",
            "s.toml:15: spillover.strength: -0.1 is not a probability (expected a number in [0, 1])",
            "s.toml:16: spillover.optimal_distance: 0.7 is out of range (expected a number in (0, 0.5])",
            "s.toml:18: network.max_degree: 0 is out of range (expected a whole number from 1 to 64)",
            "s.toml:20: mobility.rate: 1.5 is not a probability (expected a number in [0, 1])",
            "s.toml:22: research_body[0].x: (10, 3) lies outside the 10×10 region",
            "s.toml:27: intermediary[0].relay: 9 is out of range (expected a whole number from 0 to 8)",
        ],
    );
    // The network's rates: a used tie decays at most as fast as an unused one.
    check_errors(
        "processes = [\"network\", \"market\"]\n[network]\ntriadic_share = 1.5\ndecay = 0.05\nused_decay = 0.1\ncapacity_exponent = -1.0\n",
        &[
            "s.toml:3: network.triadic_share: 1.5 is not a probability (expected a number in [0, 1])",
            "s.toml:5: network.used_decay: 0.1 is out of range (expected a number in [0, decay])",
            "s.toml:6: network.capacity_exponent: -1 is out of range (expected a number of at least 0)",
        ],
    );
    check_errors(
        "processes = [\"network\", \"market\"]\n[network]\nused_decay = nan\ncapacity_exponent = inf\n",
        &[
            "s.toml:3: network.used_decay: NaN is out of range (expected a number in [0, decay])",
            "s.toml:4: network.capacity_exponent: inf is out of range (expected a number of at least 0)",
        ],
    );
    check_errors(
        "processes = [\"rnd\", \"demography\"]\n",
        &[
            "s.toml:1: processes: `rnd` needs `market`",
            "s.toml:1: processes: `demography` needs `market`",
        ],
    );
}

#[test]
fn firm_csv_economy_columns_are_checked_with_line_numbers() {
    let toml =
        "processes = [\"market\"]\n[region]\nwidth = 5\nheight = 5\n[firms]\ncsv = \"firms.csv\"\n";
    let csv = "x,y,knowledge,capital,openness,position\n0,0,1.0,5,0.5,0.1\n1,0,-1,5,0.5,0.1\n2,0,1.0,5,1.5,1.0\n";
    let problems = load(toml, Some(csv), Limits::default()).unwrap_err();
    let got: Vec<String> = problems.errors().map(|p| p.to_string()).collect();
    assert_eq!(
        got,
        [
            "firms.csv:3: knowledge: `-1` is out of range (expected a number from 0 to 1e12)",
            "firms.csv:4: openness: `1.5` is out of range (expected a number in [0, 1])",
            "firms.csv:4: position: `1.0` is out of range (expected a number in [0, 1))",
        ]
    );
}

#[test]
fn diagnosis_weights_are_checked() {
    check_errors(
        "[diagnosis]\ncore_share = 1.5\ncore_weights = [1, -1, 1]\nauxiliary_comparisons = [[1, 2, 3], [2, 1, 1], [0.333, 1, 1]]\n",
        &[
            "s.toml:2: diagnosis.core_share: 1.5 is not a probability",
            "s.toml:3: diagnosis.core_weights: [1.0, -1.0, 1.0] are not usable weights",
            "s.toml:4: diagnosis.auxiliary_comparisons: row 1, column 2: 2 is not the reciprocal",
        ],
    );
}

#[test]
fn layers_and_weighting_are_checked() {
    check_errors(
        "[diagnosis]\nweighting = \"entropic\"\n[[research_body]]\nlayer = \"outer\"\n[[intermediary]]\nlayer = \"Core\"\n",
        &[
            "s.toml:2: diagnosis.weighting: `entropic` is not a weighting (expected \"given\" or \"entropy\")",
            "s.toml:4: research_body[0].layer: `outer` is not a layer (expected \"core\", \"auxiliary\" or \"peripheral\")",
            "s.toml:6: intermediary[0].layer: `Core` is not a layer",
        ],
    );
    check_errors(
        "[diagnosis]\nweighting = \"entropy\"\ncore_comparisons = [[1, 2, 2], [0.5, 1, 1], [0.5, 1, 1]]\n",
        &["s.toml:3: diagnosis.core_comparisons: comparisons are given but `weighting = \"entropy\"`"],
    );
}

/// The frontier and the knowledge fields: a frontier below the firms' initial knowledge, a
/// research body's or a listed firm's is refused with the knowledge it must reach; shares,
/// Jones's elasticity, the R&D stock's depreciation and funding out of range are refused.
#[test]
fn knowledge_fields_are_checked() {
    check_errors(
        r#"processes = ["market", "rnd", "spillover"]
[region]
width = 10
height = 10
[firms]
knowledge = { min = 1.0, max = 4.0 }
[innovation]
frontier = 3.0
gap_share = 1.5
frontier_step = -1.0
frontier_elasticity = 1.0
[spillover]
rd_depreciation = 0.0
[[research_body]]
funding = -2.0
knowledge = 2.0
"#,
        &[
            "s.toml:8: innovation.frontier: 3 is below the firms' initial knowledge (`firms.knowledge`), 4: no knowledge lies beyond the frontier (expected a number of at least 4)",
            "s.toml:9: innovation.gap_share: 1.5 is not a probability (expected a number in [0, 1])",
            "s.toml:10: innovation.frontier_step: -1 is out of range (expected a number of at least 0)",
            "s.toml:11: innovation.frontier_elasticity: 1 is out of range (expected a number from −5 to below 1)",
            "s.toml:13: spillover.rd_depreciation: 0 is out of range (expected a number in (0, 1])",
            "s.toml:15: research_body[0].funding: -2 is out of range (expected a number of at least 0)",
        ],
    );
    // A research body's knowledge bounds it too, and so does a listed firm's.
    check_errors(
        "processes = [\"market\"]\n[region]\nwidth = 10\nheight = 10\n[innovation]\nfrontier = 5.0\n[[research_body]]\nknowledge = 6.0\n",
        &["s.toml:6: innovation.frontier: 5 is below a research body's knowledge, 6: no knowledge lies beyond the frontier (expected a number of at least 6)"],
    );
    let csv = "x,y,knowledge\n1,1,0.5\n2,2,9.5\n";
    let toml = "processes = [\"market\"]\n[region]\nwidth = 5\nheight = 5\n[firms]\ncsv = \"firms.csv\"\n[innovation]\nfrontier = 8.0\n";
    let problems = load(toml, Some(csv), Limits::default()).unwrap_err();
    assert_eq!(
        problems.errors().map(|p| p.to_string()).collect::<Vec<_>>(),
        ["s.toml:8: innovation.frontier: 8 is below a listed firm's knowledge, 9.5: no knowledge lies beyond the frontier (expected a number of at least 9.5)"]
    );
    // By default the frontier is twice the largest initial knowledge, at least 1.
    let (s, _) = load(
        "processes = [\"market\"]\n[region]\nwidth = 10\nheight = 10\n[firms]\nknowledge = { min = 0.2, max = 3.0 }\n[[research_body]]\nknowledge = 4.5\n",
        None,
        Limits::default(),
    )
    .unwrap();
    assert_eq!(s.economy().frontier, 9.0);
    let (s, _) = load(
        "processes = [\"market\"]\n[region]\nwidth = 10\nheight = 10\n[firms]\nknowledge = 0.0\n",
        None,
        Limits::default(),
    )
    .unwrap();
    assert_eq!(s.economy().frontier, 1.0);
}

/// The rebuilt economy's fields (issue 16): elasticities that would give infinite prices,
/// shares outside their ranges, a negative adoption cost and an unknown period are refused
/// with file, line, field and the expected value.
#[test]
fn the_markets_and_demographys_fields_are_checked() {
    check_errors(
        r#"processes = ["market", "diffusion", "demography"]
period = "week"
[region]
width = 10
height = 10
[production]
capital_intensity = 0.0
efficiency_dispersion = 3.0
depreciation = 1.5
equity_target = -1.0
payout_speed = 1.5
[market]
size = -5.0
demand_elasticity = 0.8
substitution = 0.5
selection = 1.0
world_rivals = -1.0
superelasticity = -0.5
[demography]
entrant_share = 0.0
exit_share = 1.0
entrants = -2.0
entry_horizon = 0
entrant_dispersion = 4.0
[[technology]]
adoption_cost = -1.0
"#,
        &[
            "s.toml:2: period: unknown period `week` (expected `month`, `quarter` or `year`)",
            "s.toml:7: production.capital_intensity: 0 is not positive (expected a positive number)",
            "s.toml:8: production.efficiency_dispersion: 3 is out of range (expected a number in [0, 2])",
            "s.toml:9: production.depreciation: 1.5 is not a probability (expected a number in [0, 1])",
            "s.toml:10: production.equity_target: -1 is out of range (expected a number of at least 0)",
            "s.toml:11: production.payout_speed: 1.5 is not a probability (expected a number in [0, 1])",
            "s.toml:13: market.size: -5 is not positive (expected a positive number)",
            "s.toml:14: market.demand_elasticity: 0.8 would let a firm with the whole market set an infinite price (expected a number greater than 1)",
            "s.toml:15: market.substitution: 0.5 is not above demand_elasticity (0.8): products must substitute for each other more than for other goods (expected a number greater than 1)",
            "s.toml:16: market.selection: 1 is out of range (expected a number in [0, 1))",
            "s.toml:17: market.world_rivals: -1 is out of range (expected a number of at least 0)",
            "s.toml:18: market.superelasticity: -0.5 is out of range (expected a number of at least 0, below substitution)",
            "s.toml:20: demography.entrant_share: 0 is out of range (expected a number in (0, 1])",
            "s.toml:21: demography.exit_share: 1 is out of range (expected a number in [0, 1))",
            "s.toml:22: demography.entrants: -2 is out of range (expected a number from 0 to 1000)",
            "s.toml:23: demography.entry_horizon: 0 is out of range (expected a whole number from 1 to 400)",
            "s.toml:24: demography.entrant_dispersion: 4 is out of range (expected a number from 0 to 3)",
            "s.toml:26: technology[0].adoption_cost: -1 is out of range (expected a number of at least 0)",
        ],
    );
}

/// Kimball demand's superelasticity must stay below σ: the elasticity `σ·x^{−ε_K/σ}` would
/// otherwise fall faster than a firm's size grows.
#[test]
fn a_superelasticity_at_or_above_substitution_is_refused() {
    check_errors(
        "processes = [\"market\"]\n[region]\nwidth = 10\nheight = 10\n[market]\nsuperelasticity = 4.0\n",
        &["s.toml:6: market.superelasticity: 4 is not below substitution (4): demand's elasticity would fall faster than a firm's size grows (expected a number of at least 0, below substitution)"],
    );
}
