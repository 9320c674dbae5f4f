//! Several regions in one scenario, and firms migrating between them (`docs/ODD.md`, S21).
//!
//! Each region is a whole scenario — its own grid, groundings, costs, markets, government and
//! policies — stepped as a [`World`]. After every step, each firm of the classes that may move
//! reconsiders its location with probability `rate` and picks a region by a logit choice over
//! the regions' attractiveness, net of a moving cost and a cost per unit of distance:
//! `P(r) ∝ exp(β·(A_r − [r ≠ here]·(moving_cost + distance_cost·d)))`. A region's
//! attractiveness is a weighted sum of its groundings (GEM score / 250), its market access
//! (market size per firm, over the regions' largest), its agglomeration (firms, over the
//! largest), minus its mean unit cost (over the largest), plus any relocation incentive active
//! there. A mover settles on a random free cell of its new region with its knowledge, capital,
//! attributes, the technologies that region knows and its ties. Firms of different regions
//! also trade (each region's local market is open to the others at a delivery cost growing
//! with distance) and tie (less often the farther apart), learning over those ties.

use crate::rng::{CellStream, Purpose};
use crate::{Scenario, World};

pub use crate::world::Migrant;

/// The checked migration parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Migration {
    /// Probability per step that a firm reconsiders its location.
    pub rate: f64,
    /// Which classes may move: leaders, middle firms, laggards.
    pub classes: [bool; 3],
    /// Attractiveness lost by moving at all.
    pub moving_cost: f64,
    /// Attractiveness lost per unit of distance.
    pub distance_cost: f64,
    /// `β`, the logit's sensitivity.
    pub scale: f64,
    /// Weights of groundings, market access, agglomeration and cost.
    pub weights: [f64; 4],
}

/// Trade between regions: every region's local market is open to the other regions' firms at
/// their unit cost plus `base + per_distance · d`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trade {
    /// Delivery cost per unit of output, whatever the distance.
    pub base: f64,
    /// Delivery cost per unit of output and of distance.
    pub per_distance: f64,
}

/// Ties between firms of different regions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CrossTies {
    /// Probability per step that a firm proposes a tie to a random firm of another region,
    /// times `exp(−d / distance_scale)`.
    pub formation: f64,
    /// The distance over which that probability falls by `e`.
    pub distance_scale: f64,
    /// Share of the knowledge gap the less knowledgeable side learns per step over a tie
    /// (times its absorptive capacity).
    pub learning: f64,
    /// Probability per step that a tie dissolves.
    pub decay: f64,
}

/// One end of a tie across regions: region, slot, and the cell that identifies the firm.
pub type TieEnd = (usize, usize, u32);

/// A relocation incentive: extra attractiveness of a region during a period.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Incentive {
    /// The region's index.
    pub region: usize,
    /// Attractiveness added.
    pub bonus: f64,
    /// First step it acts in.
    pub start: u32,
    /// The step it stops before.
    pub end: u32,
}

/// A region of the scenario.
#[derive(Clone, Debug)]
pub struct Region {
    /// Its id.
    pub id: String,
    /// Its location, for distances.
    pub location: (f64, f64),
    /// The region, stepped.
    pub world: World,
    /// Firms at the start.
    pub initial_firms: u64,
    /// Firms that moved in and out since the start.
    pub moved_in: u64,
    /// See `moved_in`.
    pub moved_out: u64,
    /// The last step's movers in and out, by class (leaders, middle, laggards).
    pub flows: [[u64; 3]; 2],
    /// Output its firms sold on other regions' markets, and other regions' firms sold here,
    /// since the start.
    pub traded: (f64, f64),
    /// Knowledge its firms gained over ties to other regions, since the start.
    pub learned_abroad: f64,
}

/// Several regions and the firms moving between them.
#[derive(Clone, Debug)]
pub struct Regions {
    /// The regions, in file order.
    pub regions: Vec<Region>,
    migration: Migration,
    incentives: Vec<Incentive>,
    trade: Option<Trade>,
    cross: Option<CrossTies>,
    /// Ties between firms of different regions (a mover's ties come with it).
    pub ties: Vec<(TieEnd, TieEnd)>,
    seed: u64,
    step: u32,
}

impl Regions {
    /// Regions from `(id, location, scenario)`, each stepped with its scenario's own seed.
    pub fn new(
        regions: Vec<(String, (f64, f64), Scenario)>,
        migration: Migration,
        incentives: Vec<Incentive>,
        seed: u64,
    ) -> Regions {
        Regions {
            regions: regions
                .into_iter()
                .map(|(id, location, scenario)| {
                    let world = World::new(&scenario);
                    Region {
                        id,
                        location,
                        initial_firms: world.n_firms(),
                        world,
                        moved_in: 0,
                        moved_out: 0,
                        flows: [[0; 3]; 2],
                        traded: (0.0, 0.0),
                        learned_abroad: 0.0,
                    }
                })
                .collect(),
            migration,
            incentives,
            trade: None,
            cross: None,
            ties: Vec::new(),
            seed,
            step: 0,
        }
    }

    /// Lets firms tie across regions.
    pub fn with_cross_ties(mut self, cross: CrossTies) -> Regions {
        self.cross = Some(cross);
        self
    }

    /// Whether a tie end still names the firm it was made with.
    fn alive(&self, end: TieEnd) -> bool {
        self.regions[end.0].world.economy().is_some_and(|e| {
            e.firms.alive.get(end.1).copied().unwrap_or(false) && e.firms.cell[end.1] == end.2
        })
    }

    /// Ties across regions: those whose firms left dissolve, others with probability `decay`;
    /// knowledge flows over the rest; new ties form.
    fn cross_region_ties(&mut self, t: u32) {
        let Some(c) = self.cross else {
            return;
        };
        let n = self.regions.len();
        let decay = CellStream::new(self.seed, Purpose::Migration, t, (4 * n) as u32);
        let ties = std::mem::take(&mut self.ties);
        self.ties = ties
            .into_iter()
            .enumerate()
            .filter(|&(i, (a, b))| {
                self.alive(a) && self.alive(b) && decay.unit(i as u32) >= c.decay
            })
            .map(|(_, tie)| tie)
            .collect();
        // Learning, from the knowledge the step left (gains applied after all are known).
        let mut gains: Vec<(TieEnd, f64)> = Vec::new();
        for &(a, b) in &self.ties {
            let knowledge = |end: TieEnd| {
                let e = self.regions[end.0].world.economy().expect("checked alive");
                (e.firms.knowledge[end.1], e.firms.capacity[end.1])
            };
            let ((ka, ca), (kb, cb)) = (knowledge(a), knowledge(b));
            if ka < kb {
                gains.push((a, c.learning * ca * (kb - ka)));
            } else if kb < ka {
                gains.push((b, c.learning * cb * (ka - kb)));
            }
        }
        for ((region, slot, _), gain) in gains {
            if let Some(e) = self.regions[region].world.economy_mut() {
                e.firms.knowledge[slot] += gain;
            }
            self.regions[region].learned_abroad += gain;
        }
        // Formation: each firm proposes to a random firm of a random other region.
        if n < 2 {
            return;
        }
        for r in 0..n {
            let propose = CellStream::new(self.seed, Purpose::Migration, t, (5 * n + r) as u32);
            let pick = CellStream::new(self.seed, Purpose::Migration, t, (6 * n + r) as u32);
            let Some(e) = self.regions[r].world.economy() else {
                continue;
            };
            let mut new = Vec::new();
            for slot in e.firms.live() {
                let id = slot as u32;
                // One of the other regions, uniformly: the k-th after this one.
                let k = ((pick.unit(id) * (n - 1) as f64) as usize).min(n - 2);
                let other = (r + 1 + k) % n;
                let chance =
                    c.formation * (-self.distance(r, other) / c.distance_scale.max(1e-9)).exp();
                if propose.unit(id) >= chance {
                    continue;
                }
                let Some(oe) = self.regions[other].world.economy() else {
                    continue;
                };
                // A slot of that region drawn uniformly; a free one means no tie this step.
                let slots = oe.firms.slots() as u64;
                let target = ((u64::from(pick.at(id ^ 0x5bd1_e995)) * slots) >> 32) as usize;
                if oe.firms.alive.get(target).copied().unwrap_or(false) {
                    new.push((
                        (r, slot, e.firms.cell[slot]),
                        (other, target, oe.firms.cell[target]),
                    ));
                }
            }
            self.ties.extend(new);
        }
    }

    /// Opens every region's local market to the others' firms.
    pub fn with_trade(mut self, trade: Trade) -> Regions {
        self.trade = Some(trade);
        self
    }

    /// The distance between regions `a` and `b`.
    fn distance(&self, a: usize, b: usize) -> f64 {
        let (p, q) = (self.regions[a].location, self.regions[b].location);
        ((p.0 - q.0).powi(2) + (p.1 - q.1).powi(2)).sqrt()
    }

    /// Sets each region's foreign competitors (other regions' firms at their delivered cost,
    /// as of the last step) and returns them: per market, `(home region, slot, delivered cost)`.
    fn open_markets(&mut self) -> Vec<Vec<(usize, usize, u32, f64)>> {
        let Some(trade) = self.trade else {
            return Vec::new();
        };
        let n = self.regions.len();
        let mut sellers: Vec<Vec<(usize, usize, u32, f64)>> = vec![Vec::new(); n];
        for (r, list) in sellers.iter_mut().enumerate() {
            for s in (0..n).filter(|&s| s != r) {
                let tau = trade.base + trade.per_distance * self.distance(r, s);
                if let Some(e) = self.regions[s].world.economy() {
                    let f = &e.firms;
                    list.extend(
                        f.live()
                            .map(|slot| (s, slot, f.cell[slot], f.unit_cost[slot] + tau)),
                    );
                }
            }
        }
        for (region, list) in self.regions.iter_mut().zip(&sellers) {
            if let Some(e) = region.world.economy_mut() {
                e.foreign = list.iter().map(|&(_, _, _, c)| c).collect();
                e.foreign.sort_by(f64::total_cmp);
            }
        }
        sellers
    }

    /// Books what each foreign seller sold on each market: its CES part of the imported demand
    /// at the small seller's price (`LocalMarket::import_sale`), its profit to its capital at
    /// home.
    fn settle_trade(&mut self, sellers: &[Vec<(usize, usize, u32, f64)>]) {
        for (r, list) in sellers.iter().enumerate() {
            let Some(market) = self.regions[r].world.economy().map(|e| e.local_market()) else {
                continue;
            };
            let mut imported = 0.0;
            for &(s, slot, cell, cost) in list {
                let (q, profit) = market.import_sale(cost);
                if q <= 0.0 {
                    continue;
                }
                imported += q;
                if let Some(e) = self.regions[s].world.economy_mut() {
                    // The seller may have exited in the step (and a spin-off taken its slot).
                    let same = e.firms.alive.get(slot).copied().unwrap_or(false)
                        && e.firms.cell[slot] == cell;
                    if same {
                        e.firms.capital[slot] += profit;
                        e.firms.output_export[slot] += q;
                    }
                }
                self.regions[s].traded.0 += q;
            }
            self.regions[r].traded.1 += imported;
        }
    }

    /// Steps taken.
    pub fn current_step(&self) -> u32 {
        self.step
    }

    /// Each region's attractiveness at the current step (see the module).
    pub fn attractiveness(&self) -> Vec<f64> {
        let t = self.step;
        let facts: Vec<[f64; 4]> = self
            .regions
            .iter()
            .map(|r| match r.world.economy() {
                Some(e) => {
                    let n = e.n_firms().max(1) as f64;
                    let f = &e.firms;
                    let cost = f.live().map(|s| f.unit_cost[s]).sum::<f64>() / n;
                    let m = &e.config.market;
                    let market = m.size * e.local_growth_factor(t) / n;
                    [e.observe(t).diagnosis.gem / 250.0, market, n, cost]
                }
                None => [0.0; 4],
            })
            .collect();
        let max = |i: usize| facts.iter().map(|f| f[i]).fold(f64::MIN_POSITIVE, f64::max);
        let (market_max, firms_max, cost_max) = (max(1), max(2), max(3));
        let w = self.migration.weights;
        facts
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let bonus: f64 = self
                    .incentives
                    .iter()
                    .filter(|inc| inc.region == i && inc.start <= t && t < inc.end)
                    .map(|inc| inc.bonus)
                    .sum();
                w[0] * f[0] + w[1] * f[1] / market_max + w[2] * f[2] / firms_max
                    - w[3] * f[3] / cost_max
                    + bonus
            })
            .collect()
    }

    /// One step of every region, then migration.
    pub fn step(&mut self) {
        let sellers = self.open_markets();
        for r in &mut self.regions {
            r.world.step();
            r.flows = [[0; 3]; 2];
        }
        self.settle_trade(&sellers);
        self.step += 1;
        self.cross_region_ties(self.step);
        let t = self.step;
        let n = self.regions.len();
        if n < 2 || self.migration.rate <= 0.0 {
            return;
        }
        let a = self.attractiveness();
        let m = self.migration;
        // Decisions read the regions as the step left them; moves are applied after.
        let mut moves: Vec<(usize, usize, usize)> = Vec::new();
        for (c, region) in self.regions.iter().enumerate() {
            let Some(e) = region.world.economy() else {
                continue;
            };
            let reconsider = CellStream::new(self.seed, Purpose::Migration, t, c as u32);
            let choose = CellStream::new(self.seed, Purpose::Migration, t, (n + c) as u32);
            let weights: Vec<f64> = (0..n)
                .map(|r| {
                    let cost = if r == c {
                        0.0
                    } else {
                        let (dx, dy) = (
                            region.location.0 - self.regions[r].location.0,
                            region.location.1 - self.regions[r].location.1,
                        );
                        m.moving_cost + m.distance_cost * (dx * dx + dy * dy).sqrt()
                    };
                    (m.scale * (a[r] - cost)).exp()
                })
                .collect();
            let total: f64 = weights.iter().sum();
            if !(total.is_finite() && total > 0.0) {
                continue;
            }
            for slot in e.firms.live() {
                if !m.classes[e.firms.class[slot].game_index()]
                    || reconsider.unit(slot as u32) >= m.rate
                {
                    continue;
                }
                let mut u = choose.unit(slot as u32) * total;
                let mut pick = n - 1;
                for (r, w) in weights.iter().enumerate() {
                    if u < *w {
                        pick = r;
                        break;
                    }
                    u -= w;
                }
                if pick != c {
                    moves.push((c, slot, pick));
                }
            }
        }
        // First a free cell for every move (random tries among the cells free before anyone
        // moves; a move without one is dropped), then every departure, then every arrival — so
        // a slot freed by a departure is never mistaken for the firm that held it.
        let mut taken: std::collections::HashSet<(usize, u32)> = Default::default();
        let mut placed = Vec::with_capacity(moves.len());
        for (k, (from, slot, to)) in moves.into_iter().enumerate() {
            let place = CellStream::new(self.seed, Purpose::Migration, t, (2 * n + k) as u32);
            let grid = self.regions[to].world.grid();
            let cells = (grid.width() * grid.height()) as u64;
            let cell = (0..64u32)
                .map(|i| ((u64::from(place.at(i)) * cells) >> 32) as u32)
                .find(|&cell| {
                    self.regions[to].world.cell_is_free(cell) && !taken.contains(&(to, cell))
                });
            if let Some(cell) = cell {
                taken.insert((to, cell));
                placed.push((from, slot, to, cell));
            }
        }
        // A mover keeps its ties: its partners at home, and its ties to other regions.
        let partners: Vec<Vec<TieEnd>> = placed
            .iter()
            .map(|&(from, slot, _, _)| {
                self.regions[from].world.economy().map_or(Vec::new(), |e| {
                    e.network
                        .partners(slot)
                        .iter()
                        .map(|&p| (from, p as usize, e.firms.cell[p as usize]))
                        .collect()
                })
            })
            .collect();
        let olds: Vec<TieEnd> = placed
            .iter()
            .map(|&(from, slot, _, _)| {
                let cell = self.regions[from]
                    .world
                    .economy()
                    .map_or(0, |e| e.firms.cell[slot]);
                (from, slot, cell)
            })
            .collect();
        let migrants: Vec<_> = placed
            .iter()
            .map(|&(from, slot, _, _)| self.regions[from].world.emigrate(slot))
            .collect();
        for (i, (&(from, _, to, cell), migrant)) in placed.iter().zip(migrants).enumerate() {
            let Some(migrant) = migrant else { continue };
            let class = migrant.class.game_index();
            self.regions[from].moved_out += 1;
            self.regions[from].flows[1][class] += 1;
            if let Some(slot) = self.regions[to].world.immigrate(&migrant, cell) {
                self.regions[to].moved_in += 1;
                self.regions[to].flows[0][class] += 1;
                let here = (to, slot, cell);
                if self.cross.is_some() {
                    for tie in &mut self.ties {
                        if tie.0 == olds[i] {
                            tie.0 = here;
                        }
                        if tie.1 == olds[i] {
                            tie.1 = here;
                        }
                    }
                    self.ties.extend(partners[i].iter().map(|&p| (p, here)));
                }
            }
        }
    }
}

/// A regions file as written.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RegionsFile {
    /// A label.
    #[serde(default)]
    pub name: String,
    /// Seed: region `i` runs with seed + i.
    #[serde(default)]
    pub seed: u64,
    /// Steps of every region.
    #[serde(default = "default_steps")]
    pub steps: u32,
    /// The regions.
    #[serde(default, rename = "region")]
    pub regions: Vec<RegionEntry>,
    /// `[migration]`.
    #[serde(default)]
    pub migration: MigrationSection,
    /// `[trade]`: when present, every region's local market is open to the others' firms.
    #[serde(default)]
    pub trade: Option<TradeSection>,
    /// `[ties]`: when present, firms tie across regions.
    #[serde(default)]
    pub ties: Option<TiesSection>,
    /// `[[incentive]]`.
    #[serde(default, rename = "incentive")]
    pub incentives: Vec<IncentiveEntry>,
}

fn default_steps() -> u32 {
    100
}

/// One `[[region]]`.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RegionEntry {
    /// Its id.
    pub id: String,
    /// Its scenario file, relative to the regions file.
    pub scenario: String,
    /// Its location (x), for distances.
    #[serde(default)]
    pub x: f64,
    /// Its location (y).
    #[serde(default)]
    pub y: f64,
}

/// `[migration]`.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MigrationSection {
    /// Probability per step that a firm reconsiders its region.
    pub rate: f64,
    /// Classes that may move: "leaders", "middle", "laggards".
    pub classes: Vec<String>,
    /// Attractiveness lost by moving.
    pub moving_cost: f64,
    /// Attractiveness lost per unit of distance.
    pub distance_cost: f64,
    /// The logit's sensitivity β.
    pub scale: f64,
    /// Weight of groundings (GEM / 250).
    pub groundings: f64,
    /// Weight of market access.
    pub market: f64,
    /// Weight of agglomeration.
    pub agglomeration: f64,
    /// Weight of unit cost.
    pub cost: f64,
}

impl Default for MigrationSection {
    fn default() -> Self {
        MigrationSection {
            rate: 0.02,
            classes: vec!["leaders".into()],
            moving_cost: 0.3,
            distance_cost: 0.0,
            scale: 5.0,
            groundings: 1.0,
            market: 1.0,
            agglomeration: 0.5,
            cost: 1.0,
        }
    }
}

/// `[trade]`.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct TradeSection {
    /// Delivery cost per unit, whatever the distance.
    pub base: f64,
    /// Delivery cost per unit and unit of distance.
    pub per_distance: f64,
}

impl Default for TradeSection {
    fn default() -> Self {
        TradeSection {
            base: 1.0,
            per_distance: 0.02,
        }
    }
}

/// `[ties]`.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct TiesSection {
    /// Probability per step that a firm proposes a tie abroad (times `exp(−d/distance_scale)`).
    pub formation: f64,
    /// The distance over which that probability falls by `e`.
    pub distance_scale: f64,
    /// Share of the knowledge gap learned per step over a tie (times absorptive capacity).
    pub learning: f64,
    /// Probability per step that a tie dissolves.
    pub decay: f64,
}

impl Default for TiesSection {
    fn default() -> Self {
        TiesSection {
            formation: 0.005,
            distance_scale: 100.0,
            learning: 0.02,
            decay: 0.02,
        }
    }
}

/// One `[[incentive]]`: a policy raising a region's attractiveness.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IncentiveEntry {
    /// The region's id.
    pub region: String,
    /// Attractiveness added.
    pub bonus: f64,
    /// First step.
    #[serde(default)]
    pub start: u32,
    /// The step it stops before (default: the end).
    #[serde(default)]
    pub end: Option<u32>,
}

/// A problem with a field of a regions file: the field's path and what is wrong.
pub type FieldProblem = (String, String);

/// Checks a regions file's own fields; the regions' scenarios are checked by the caller.
/// Returns the migration parameters and incentives, or every problem as `(field, message)`.
pub fn check_regions(file: &RegionsFile) -> Result<(Migration, Vec<Incentive>), Vec<FieldProblem>> {
    let mut problems = Vec::new();
    if file.regions.len() < 2 {
        problems.push((
            "region".to_string(),
            format!(
                "{} regions (expected at least 2 `[[region]]` tables)",
                file.regions.len()
            ),
        ));
    }
    for (i, r) in file.regions.iter().enumerate() {
        if r.id.is_empty()
            || !r
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            problems.push((format!("region[{i}].id"), format!("`{}` is not an id (expected letters, digits, `-` or `_`: it names the region's output file)", r.id)));
        }
        if file.regions[..i].iter().any(|q| q.id == r.id) {
            problems.push((
                format!("region[{i}].id"),
                format!(
                    "`{}` is the id of an earlier region (expected unique ids)",
                    r.id
                ),
            ));
        }
        if !(r.x.is_finite() && r.y.is_finite()) {
            problems.push((
                format!("region[{i}].x"),
                "the location is not finite".into(),
            ));
        }
    }
    let m = &file.migration;
    if !(0.0..=1.0).contains(&m.rate) {
        problems.push((
            "migration.rate".into(),
            format!("{} is not a probability", m.rate),
        ));
    }
    for (field, v) in [
        ("migration.moving_cost", m.moving_cost),
        ("migration.distance_cost", m.distance_cost),
        ("migration.scale", m.scale),
        ("migration.groundings", m.groundings),
        ("migration.market", m.market),
        ("migration.agglomeration", m.agglomeration),
        ("migration.cost", m.cost),
    ] {
        if !(v >= 0.0 && v.is_finite() && v <= 1e3) {
            problems.push((
                field.into(),
                format!("{v} is out of range (expected a number from 0 to 1000)"),
            ));
        }
    }
    if let Some(t) = &file.trade {
        for (field, v) in [
            ("trade.base", t.base),
            ("trade.per_distance", t.per_distance),
        ] {
            if !(v >= 0.0 && v.is_finite()) {
                problems.push((
                    field.into(),
                    format!("{v} is out of range (expected a number of at least 0)"),
                ));
            }
        }
    }
    if let Some(t) = &file.ties {
        for (field, v) in [
            ("ties.formation", t.formation),
            ("ties.learning", t.learning),
            ("ties.decay", t.decay),
        ] {
            if !(0.0..=1.0).contains(&v) {
                problems.push((field.into(), format!("{v} is not a probability")));
            }
        }
        if !(t.distance_scale > 0.0 && t.distance_scale.is_finite()) {
            problems.push((
                "ties.distance_scale".into(),
                format!("{} is not positive", t.distance_scale),
            ));
        }
    }
    let mut classes = [false; 3];
    for (i, c) in m.classes.iter().enumerate() {
        match c.as_str() {
            "leaders" => classes[0] = true,
            "middle" => classes[1] = true,
            "laggards" => classes[2] = true,
            other => problems.push((
                format!("migration.classes[{i}]"),
                format!(
                    "`{other}` is not a class (expected \"leaders\", \"middle\" or \"laggards\")"
                ),
            )),
        }
    }
    let mut incentives = Vec::new();
    for (i, inc) in file.incentives.iter().enumerate() {
        match file.regions.iter().position(|r| r.id == inc.region) {
            None => {
                let hint = crate::hint::did_you_mean(
                    &inc.region,
                    file.regions.iter().map(|r| r.id.as_str()),
                );
                problems.push((
                    format!("incentive[{i}].region"),
                    format!("no region `{}`{hint}", inc.region),
                ));
            }
            Some(region) => {
                let end = inc.end.unwrap_or(u32::MAX);
                if end <= inc.start {
                    problems.push((
                        format!("incentive[{i}].end"),
                        format!("{end} is not after the start {}", inc.start),
                    ));
                }
                if !inc.bonus.is_finite() {
                    problems.push((format!("incentive[{i}].bonus"), "not a number".into()));
                }
                incentives.push(Incentive {
                    region,
                    bonus: inc.bonus,
                    start: inc.start,
                    end,
                });
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok((
        Migration {
            rate: m.rate,
            classes,
            moving_cost: m.moving_cost,
            distance_cost: m.distance_cost,
            scale: m.scale,
            weights: [m.groundings, m.market, m.agglomeration, m.cost],
        },
        incentives,
    ))
}
