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

use super::columns::columns;
use super::Economy;
pub use crate::scenario::economy::Layer;

columns! {
    /// The per-layer indicators, the time series' columns after the diagnosis: per layer its
    /// actors, the knowledge they hold and the share of firms linked to it.
    #[derive(Clone, Copy, Debug, Default, PartialEq)]
    pub struct LayerIndicators {
        /// Actors of the core layer: the firms and any research body or intermediary tagged
        /// core.
        pub core_actors: f64,
        /// Knowledge held by the core layer's actors.
        pub core_knowledge: f64,
        /// Share of firms tied to another firm or within reach of a core-tagged body.
        pub core_linked: f64,
        /// Actors of the auxiliary layer: research bodies and intermediaries, unless tagged.
        pub auxiliary_actors: f64,
        /// Knowledge held by the auxiliary layer's research bodies.
        pub auxiliary_knowledge: f64,
        /// Share of firms within reach of the auxiliary layer's bodies or served by its
        /// intermediaries.
        pub auxiliary_linked: f64,
        /// Actors of the peripheral layer: the government, the local market, the external
        /// market when it exists, and bodies tagged peripheral.
        pub peripheral_actors: f64,
        /// Knowledge held by the peripheral layer's research bodies.
        pub peripheral_knowledge: f64,
        /// Share of firms reached by the peripheral layer: its bodies, a subsidy or exports.
        pub peripheral_linked: f64,
    }
}

impl Economy {
    /// The per-layer indicators now.
    pub fn layers(&self) -> LayerIndicators {
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
        let peripheral = 2.0 + f64::from(u8::from(m.export_size > 0.0));
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
        LayerIndicators {
            core_actors: actors[0],
            core_knowledge: knowledge[0],
            core_linked: share(linked[0]),
            auxiliary_actors: actors[1],
            auxiliary_knowledge: knowledge[1],
            auxiliary_linked: share(linked[1]),
            peripheral_actors: actors[2],
            peripheral_knowledge: knowledge[2],
            peripheral_linked: share(linked[2]),
        }
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
