//! Firms as economic agents: a struct of arrays indexed by slot.
//!
//! **Storage invariant:** every array has one entry per slot. A slot holds a live firm
//! (`alive[slot]`) or is free for a later entrant (its index is in `free`). Exits free slots;
//! spin-offs reuse the most recently freed one, else append. `cell[slot]` is the firm's cell id
//! (`y · width + x`), and the economy's cell index maps the cell back to the slot.

/// A firm's class by technology level within the cluster, re-derived every step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum FirmClass {
    /// Among the highest unit costs.
    Laggard = 0,
    /// Neither.
    Middle = 1,
    /// Among the lowest unit costs.
    Leader = 2,
}

impl FirmClass {
    /// Every class in the order of [`ByClass`] and of the diffusion game: leaders, middle,
    /// laggards.
    pub const ALL: [FirmClass; 3] = [FirmClass::Leader, FirmClass::Middle, FirmClass::Laggard];

    /// Its index in the game's order (leaders 0, middle 1, laggards 2), which is not the
    /// order of the discriminants (laggards 0).
    pub fn game_index(self) -> usize {
        match self {
            FirmClass::Leader => 0,
            FirmClass::Middle => 1,
            FirmClass::Laggard => 2,
        }
    }
}

/// One value per firm class, kept in one documented order: leaders, middle, laggards (that of
/// [`FirmClass::ALL`] and of the diffusion game). Index it by class, never by a number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ByClass<T>([T; 3]);

impl<T> ByClass<T> {
    /// The value of each class, from a function of the class.
    pub fn from_fn(mut f: impl FnMut(FirmClass) -> T) -> ByClass<T> {
        ByClass(FirmClass::ALL.map(&mut f))
    }

    /// Each value mapped by `f`.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> ByClass<U> {
        ByClass(self.0.map(f))
    }

    /// The values, leaders first.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    /// The classes and their values, leaders first.
    pub fn pairs(&self) -> impl Iterator<Item = (FirmClass, &T)> {
        FirmClass::ALL.into_iter().zip(&self.0)
    }

    /// The values as an array in the game's order (leaders, middle, laggards).
    pub fn into_array(self) -> [T; 3] {
        self.0
    }
}

impl<T> std::ops::Index<FirmClass> for ByClass<T> {
    type Output = T;
    fn index(&self, class: FirmClass) -> &T {
        &self.0[class.game_index()]
    }
}

impl<T> std::ops::IndexMut<FirmClass> for ByClass<T> {
    fn index_mut(&mut self, class: FirmClass) -> &mut T {
        &mut self.0[class.game_index()]
    }
}

/// The firms of a cluster, one entry per slot in every array.
#[derive(Clone, Debug, Default)]
pub struct Firms {
    /// Whether the slot holds a live firm.
    pub alive: Vec<bool>,
    /// The firm's id: its number in order of entry, never reused (a slot is), so that a firm
    /// can be followed across steps (the firm panel).
    pub id: Vec<u64>,
    /// The id the next firm to enter gets.
    pub next_id: u64,
    /// The firm's cell id.
    pub cell: Vec<u32>,
    /// Knowledge stock K.
    pub knowledge: Vec<f64>,
    /// Knowledge position on the circle of specialisations, in [0, 1).
    pub position: Vec<f64>,
    /// Absorptive capacity at the start, the floor of the current one.
    pub base_capacity: Vec<f64>,
    /// Current absorptive capacity, in [0, 1].
    pub capacity: Vec<f64>,
    /// R&D intensity before rivalry.
    pub base_rd: Vec<f64>,
    /// Current R&D intensity, with rivalry.
    pub rd_intensity: Vec<f64>,
    /// Capital: the firm's liquid net worth, fed by its profits and drawn on by its R&D;
    /// below zero (losses have eaten it) the firm exits.
    pub capital: Vec<f64>,
    /// Chance per step of showing its technologies and knowledge: its base openness, scaled
    /// by its sharing strategy when the `strategy` process runs.
    pub openness: Vec<f64>,
    /// Openness before the sharing strategy.
    pub base_openness: Vec<f64>,
    /// Sharing strategy: bit `k` set if the firm shares with class `k` (leaders 0, middle 1,
    /// laggards 2; its own class's bit is unused).
    pub strategy: Vec<u8>,
    /// Whether the firm has ties outside the cluster (a global pipeline).
    pub pipeline: Vec<bool>,
    /// The knowledge position of its outside partners (pipeline firms).
    pub outside_anchor: Vec<f64>,
    /// Steps since entry.
    pub age: Vec<u32>,
    /// Class by unit cost.
    pub class: Vec<FirmClass>,
    /// Log efficiency `z`: its unit cost is scaled by `e^{−z}`.
    pub efficiency: Vec<f64>,
    /// Product of `1 − cost_gain` over the technologies it holds.
    pub tech_factor: Vec<f64>,
    /// Unit cost.
    pub unit_cost: Vec<f64>,
    /// Output sold on the local market this step.
    pub output_local: Vec<f64>,
    /// Output sold on the external market this step.
    pub output_export: Vec<f64>,
    /// Operating profit this step: the margin on both markets less the fixed cost, the
    /// export fixed cost and the depreciation of production capacity (R&D is paid after).
    pub profit: Vec<f64>,
    /// Share of the local market's demand for the cluster's products that goes to this firm
    /// (the shares of live firms sum to one), moving toward the more competitive firms.
    pub share: Vec<f64>,
    /// Price on the local market this step.
    pub price: Vec<f64>,
    /// Log of the appeal of its product to customers (its customer base relative to the mean
    /// firm's), moved by random demand shocks: the demand shifter of its CES weight.
    pub appeal: Vec<f64>,
    /// Production capacity: the most units it can produce per step.
    pub production_capacity: Vec<f64>,
    /// Revenue this step, both markets: the base of its R&D budget.
    pub revenue: Vec<f64>,
    /// Share of its local demand it could not serve this step (capacity shortfall).
    pub unfilled: Vec<f64>,
    /// R&D spending this step, subsidy included.
    pub rd_spending: Vec<f64>,
    /// R&D stock: spending accumulated with depreciation, `S ← (1 − δ)S + R`.
    pub rd_stock: Vec<f64>,
    /// Sales stock: revenue accumulated with the same depreciation (the firm's scale).
    pub sales_stock: Vec<f64>,
    /// Close rivals counted this step.
    pub rivals: Vec<u16>,
    /// Free slots, most recently freed last.
    pub free: Vec<u32>,
}

/// A new firm's attributes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NewFirm {
    /// Cell id.
    pub cell: u32,
    /// Knowledge stock.
    pub knowledge: f64,
    /// Knowledge position.
    pub position: f64,
    /// Absorptive capacity.
    pub capacity: f64,
    /// R&D intensity.
    pub rd_intensity: f64,
    /// Capital.
    pub capital: f64,
    /// Openness.
    pub openness: f64,
    /// Sharing strategy (bits by class).
    pub strategy: u8,
    /// Ties outside the cluster.
    pub pipeline: bool,
    /// Its outside partners' knowledge position.
    pub outside_anchor: f64,
}

impl Firms {
    /// Number of slots, live or free.
    pub fn slots(&self) -> usize {
        self.alive.len()
    }

    /// Number of live firms.
    pub fn count(&self) -> usize {
        self.alive.len() - self.free.len()
    }

    /// Adds a firm in a free slot (the most recently freed) or a new one; returns the slot.
    pub fn add(&mut self, f: NewFirm) -> usize {
        let slot = match self.free.pop() {
            Some(slot) => slot as usize,
            None => {
                self.push_slot();
                self.alive.len() - 1
            }
        };
        self.alive[slot] = true;
        self.id[slot] = self.next_id;
        self.next_id += 1;
        self.cell[slot] = f.cell;
        self.knowledge[slot] = f.knowledge;
        self.position[slot] = f.position;
        self.base_capacity[slot] = f.capacity;
        self.capacity[slot] = f.capacity;
        self.base_rd[slot] = f.rd_intensity;
        self.rd_intensity[slot] = f.rd_intensity;
        self.capital[slot] = f.capital;
        self.openness[slot] = f.openness;
        self.base_openness[slot] = f.openness;
        self.strategy[slot] = f.strategy;
        self.pipeline[slot] = f.pipeline;
        self.outside_anchor[slot] = f.outside_anchor;
        self.age[slot] = 0;
        self.class[slot] = FirmClass::Middle;
        self.tech_factor[slot] = 1.0;
        self.efficiency[slot] = 0.0;
        self.unit_cost[slot] = 0.0;
        self.output_local[slot] = 0.0;
        self.output_export[slot] = 0.0;
        self.profit[slot] = 0.0;
        self.share[slot] = 0.0;
        self.price[slot] = 0.0;
        self.appeal[slot] = 0.0;
        self.production_capacity[slot] = 0.0;
        self.revenue[slot] = 0.0;
        self.unfilled[slot] = 0.0;
        self.rd_spending[slot] = 0.0;
        self.rd_stock[slot] = 0.0;
        self.sales_stock[slot] = 0.0;
        self.rivals[slot] = 0;
        slot
    }

    /// Frees the slot of an exiting firm.
    pub fn remove(&mut self, slot: usize) {
        debug_assert!(self.alive[slot]);
        self.alive[slot] = false;
        self.output_local[slot] = 0.0;
        self.output_export[slot] = 0.0;
        self.profit[slot] = 0.0;
        self.share[slot] = 0.0;
        self.revenue[slot] = 0.0;
        self.production_capacity[slot] = 0.0;
        self.rd_spending[slot] = 0.0;
        self.free.push(slot as u32);
    }

    fn push_slot(&mut self) {
        self.alive.push(false);
        self.id.push(0);
        self.cell.push(0);
        self.knowledge.push(0.0);
        self.position.push(0.0);
        self.base_capacity.push(0.0);
        self.capacity.push(0.0);
        self.base_rd.push(0.0);
        self.rd_intensity.push(0.0);
        self.capital.push(0.0);
        self.openness.push(0.0);
        self.base_openness.push(0.0);
        self.strategy.push(0);
        self.pipeline.push(false);
        self.outside_anchor.push(0.0);
        self.age.push(0);
        self.class.push(FirmClass::Middle);
        self.tech_factor.push(1.0);
        self.efficiency.push(0.0);
        self.unit_cost.push(0.0);
        self.output_local.push(0.0);
        self.output_export.push(0.0);
        self.profit.push(0.0);
        self.share.push(0.0);
        self.price.push(0.0);
        self.appeal.push(0.0);
        self.production_capacity.push(0.0);
        self.revenue.push(0.0);
        self.unfilled.push(0.0);
        self.rd_spending.push(0.0);
        self.rd_stock.push(0.0);
        self.sales_stock.push(0.0);
        self.rivals.push(0);
    }

    /// Slots of live firms, in slot order.
    pub fn live(&self) -> impl Iterator<Item = usize> + '_ {
        self.alive
            .iter()
            .enumerate()
            .filter_map(|(i, &a)| a.then_some(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_class_is_indexed_by_class_in_the_game_order() {
        let mut v = ByClass::from_fn(|c| c as u8);
        assert_eq!(v.into_array(), [2, 1, 0], "leaders first, as in the game");
        v[FirmClass::Laggard] += 10;
        assert_eq!(v[FirmClass::Laggard], 10);
        assert_eq!(v.map(u32::from).iter().sum::<u32>(), 13);
        let classes: Vec<FirmClass> = v.pairs().map(|(c, _)| c).collect();
        assert_eq!(classes, FirmClass::ALL);
        for (i, c) in FirmClass::ALL.into_iter().enumerate() {
            assert_eq!(c.game_index(), i);
        }
    }

    fn firm(cell: u32) -> NewFirm {
        NewFirm {
            cell,
            knowledge: 1.0,
            position: 0.5,
            capacity: 0.5,
            rd_intensity: 0.1,
            capital: 10.0,
            openness: 0.5,
            strategy: 0,
            pipeline: true,
            outside_anchor: 0.0,
        }
    }

    #[test]
    fn slots_are_reused_most_recent_first() {
        let mut firms = Firms::default();
        for c in 0..4 {
            firms.add(firm(c));
        }
        firms.remove(1);
        firms.remove(3);
        assert_eq!(firms.count(), 2);
        assert_eq!(firms.add(firm(9)), 3);
        assert_eq!(firms.add(firm(8)), 1);
        assert_eq!(firms.add(firm(7)), 4);
        assert_eq!(firms.live().collect::<Vec<_>>(), vec![0, 1, 2, 3, 4]);
        assert_eq!(firms.cell[1], 8);
        // Slots are reused, ids never: a firm is its entry number.
        assert_eq!(firms.id, vec![0, 5, 2, 4, 6]);
    }
}
