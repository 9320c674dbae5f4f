//! The three layers of a cluster innovation system (Lü & Yu): every actor is tagged core,
//! auxiliary or peripheral, and three indicators are reported per layer every step.
//!
//! Firms are the core layer; research bodies and intermediaries are auxiliary unless their
//! scenario entry says `layer = "core"` or `"peripheral"`; the government, the local market
//! and the external market (when it exists) are peripheral. Per layer: its actors, the
//! knowledge stock they hold, and the share of firms linked to it — for the core, firms with
//! a tie to another firm or within reach of a core-tagged body; for the others, firms within
//! reach of the layer's research bodies or served by its intermediaries, and, for the
//! peripheral layer, firms subsidised by the government or selling on the external market.
//! See `docs/ODD.md` (S15).

use super::Economy;
pub use crate::scenario::economy::Layer;

/// The names of the per-layer indicators, as time-series columns.
pub const LAYERS: [&str; 9] = [
    "core_actors",
    "core_knowledge",
    "core_linked",
    "auxiliary_actors",
    "auxiliary_knowledge",
    "auxiliary_linked",
    "peripheral_actors",
    "peripheral_knowledge",
    "peripheral_linked",
];

impl Economy {
    /// The per-layer indicators now, in the order of [`LAYERS`].
    pub fn layers(&self) -> [f64; LAYERS.len()] {
        let f = &self.firms;
        let n = self.n_firms();
        let mut actors = [0.0f64; 3];
        let mut knowledge = [0.0f64; 3];
        let mut linked = [0u64; 3];
        actors[Layer::Core as usize] = n as f64;
        knowledge[Layer::Core as usize] = f.live().map(|s| f.knowledge[s]).sum();
        for (body, &layer) in self.research.iter().zip(&self.research_layers) {
            actors[layer as usize] += 1.0;
            knowledge[layer as usize] += body.knowledge;
        }
        for &layer in &self.intermediary_layers {
            actors[layer as usize] += 1.0;
        }
        let m = &self.config.market;
        let peripheral = 2.0
            + f64::from(u8::from(
                m.export_choke_price > 0.0 && m.export_size_per_firm > 0.0,
            ));
        actors[Layer::Peripheral as usize] += peripheral;
        let subsidised = self.stats.subsidy > 0.0;
        for s in f.live() {
            let mask = self.layer_reach[f.cell[s] as usize];
            let core = mask & Layer::Core.bit() != 0 || !self.network.partners(s).is_empty();
            let auxiliary = mask & Layer::Auxiliary.bit() != 0;
            let peripheral = mask & Layer::Peripheral.bit() != 0
                || f.output_export[s] > 0.0
                || (subsidised && f.rd_spending[s] > 0.0);
            linked[0] += u64::from(core);
            linked[1] += u64::from(auxiliary);
            linked[2] += u64::from(peripheral);
        }
        let share = |k: u64| if n == 0 { 0.0 } else { k as f64 / n as f64 };
        [
            actors[0],
            knowledge[0],
            share(linked[0]),
            actors[1],
            knowledge[1],
            share(linked[1]),
            actors[2],
            knowledge[2],
            share(linked[2]),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_names_parse_back() {
        for (i, name) in Layer::NAMES.iter().enumerate() {
            let layer = Layer::parse(name).unwrap();
            assert_eq!(layer as usize, i);
            assert_eq!(layer.bit(), 1 << i);
        }
        assert_eq!(Layer::parse("outer"), None);
    }
}
