//! Process 6, strategy: firms' sharing strategies evolve by imitation of better-paid ones,
//! with the diffusion game's payoffs (`crate::game`), and set how open each firm is.
//!
//! Every firm holds a sharing choice towards each other class (bit `k` of `strategy`: it
//! shares with class `k`), drawn at the start with probability equal to its openness. Each
//! step the stage game is built from the cluster's state — demand `P = a − Q/S_t` of the local
//! market, the classes' sizes and mean unit costs, and `[strategy]`'s spillover, licence fee
//! and reciprocity — and the population's sharing shares by class give each of a class's four
//! strategies its payoff. A firm revises with probability `revision_rate`: it looks at a
//! random firm of its class and, if that firm's strategy pays more, switches to it with
//! probability proportional to the payoff difference (pairwise proportional imitation, Schlag
//! 1998, whose mean dynamics is the replicator dynamics of Taylor & Jonker 1978). With
//! probability `exploration` it then flips one of its two choices at random. A firm's
//! openness — its chance per step of showing its technologies and knowledge (S9, S12) — is its
//! base openness times the share of the other classes it shares with.

use super::columns::columns;
use super::firms::FirmClass;
use super::Economy;
use crate::game::{others, strategy as game_strategy, Game, Profile};
use crate::rng::{CellStream, Purpose};
use rayon::prelude::*;

columns! {
    /// The population's sharing shares, the time series' last columns under the `strategy`
    /// process: the share of a class's firms sharing with another class.
    #[derive(Clone, Copy, Debug, Default, PartialEq)]
    pub struct SharingShares {
        /// Share of leaders sharing with middle firms.
        pub leaders_share_with_middle: f64,
        /// Share of leaders sharing with laggards.
        pub leaders_share_with_laggards: f64,
        /// Share of middle firms sharing with leaders.
        pub middle_share_with_leaders: f64,
        /// Share of middle firms sharing with laggards.
        pub middle_share_with_laggards: f64,
        /// Share of laggards sharing with leaders.
        pub laggards_share_with_leaders: f64,
        /// Share of laggards sharing with middle firms.
        pub laggards_share_with_middle: f64,
    }
}

/// The strategy a firm on `cell` starts with: each class's bit set with probability equal to
/// its openness `open`, so an open firm shares more.
pub(crate) fn initial_strategy(seed: u64, cell: u32, open: f64) -> u8 {
    (0..3u32).fold(0u8, |bits, k| {
        let draw = CellStream::new(seed, Purpose::Strategy, k, 0).unit(cell);
        bits | (u8::from(draw < open) << k)
    })
}

/// The index (0..4) in the stage game of a class-`k` firm's strategy bits.
fn index_of(class: usize, bits: u8) -> usize {
    let [j0, j1] = others(class);
    usize::from((bits >> j0) & 1) | (usize::from((bits >> j1) & 1) << 1)
}

/// The share of the other classes a firm of `class` with strategy `bits` shares with.
fn sharing_fraction(class: usize, bits: u8) -> f64 {
    let [j0, j1] = others(class);
    f64::from(((bits >> j0) & 1) + ((bits >> j1) & 1)) / 2.0
}

impl Economy {
    /// The population's sharing: `share[k][j]`, the share of class-`k` firms sharing with class
    /// `j` (0 for empty classes and on the diagonal).
    pub fn sharing_profile(&self) -> Profile {
        let f = &self.firms;
        let mut count = [0u64; 3];
        let mut sharing = [[0u64; 3]; 3];
        for s in f.live() {
            let k = f.class[s].game_index();
            count[k] += 1;
            for j in others(k) {
                sharing[k][j] += u64::from((f.strategy[s] >> j) & 1);
            }
        }
        let mut p = Profile::default();
        for k in 0..3 {
            if count[k] > 0 {
                for j in others(k) {
                    p.share[k][j] = sharing[k][j] as f64 / count[k] as f64;
                }
            }
        }
        p
    }

    /// The sharing shares now, from [`Self::sharing_profile`] (the game's order: leaders,
    /// middle firms, laggards).
    pub fn sharing_shares(&self) -> SharingShares {
        let p = self.sharing_profile();
        SharingShares {
            leaders_share_with_middle: p.share[0][1],
            leaders_share_with_laggards: p.share[0][2],
            middle_share_with_leaders: p.share[1][0],
            middle_share_with_laggards: p.share[1][2],
            laggards_share_with_leaders: p.share[2][0],
            laggards_share_with_middle: p.share[2][1],
        }
    }

    /// The stage game of the cluster at `step`: the local market's demand, the classes' sizes
    /// and mean unit costs, and `[strategy]`'s sharing parameters.
    pub fn stage_game(&self, step: u32) -> Game {
        let f = &self.firms;
        let m = &self.config.market;
        let size = self.local_size(step);
        let mut count = [0u32; 3];
        let mut cost = [0.0f64; 3];
        for s in f.live() {
            let k = f.class[s].game_index();
            count[k] += 1;
            cost[k] += f.unit_cost[s];
        }
        for k in 0..3 {
            if count[k] > 0 {
                cost[k] /= f64::from(count[k]);
            }
        }
        let st = &self.config.strategy;
        Game {
            intercept: m.choke_price,
            slope: 1.0 / size,
            firms: count,
            costs: cost,
            spillover: st.spillover,
            licence_fee: st.licence_fee,
            reciprocity: st.reciprocity,
            subsidy: [0.0; 3],
        }
    }

    /// Process 6: revision by imitation, exploration, and the openness that follows.
    pub(crate) fn strategy(&mut self, step: u32) {
        let game = self.stage_game(step);
        let profile = self.sharing_profile();
        // Each class's four strategies' payoffs, and the largest difference between them (the
        // scale of the switching probability).
        let mut payoff = [[0.0f64; 4]; 3];
        let mut spread = [0.0f64; 3];
        for k in 0..3 {
            if game.firms[k] == 0 {
                continue;
            }
            for s in 0..4u8 {
                payoff[k][usize::from(s)] = game.outcome(&profile, k, &game_strategy(k, s)).payoff;
            }
            let (lo, hi) = payoff[k]
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                    (lo.min(v), hi.max(v))
                });
            spread[k] = hi - lo;
        }
        // Members of each class, to draw models from.
        let f = &self.firms;
        let mut members: [Vec<u32>; 3] = Default::default();
        for s in f.live() {
            members[f.class[s].game_index()].push(s as u32);
        }
        let st = &self.config.strategy;
        let (rate, exploration) = (st.revision_rate, st.exploration);
        let streams =
            [0u32, 1, 2, 3, 4].map(|i| CellStream::new(self.seed, Purpose::Imitation, step, i));
        let old = &f.strategy;
        let next: Vec<u8> = (0..f.slots())
            .into_par_iter()
            .map(|s| {
                let mut bits = old[s];
                if !f.alive[s] {
                    return bits;
                }
                let slot = s as u32;
                let k = f.class[s].game_index();
                if streams[0].unit(slot) < rate && spread[k] > 0.0 {
                    let pool = &members[k];
                    let model = pool
                        [((streams[1].unit(slot) * pool.len() as f64) as usize).min(pool.len() - 1)]
                        as usize;
                    let gain = payoff[k][index_of(k, old[model])] - payoff[k][index_of(k, bits)];
                    if gain > 0.0 && streams[2].unit(slot) < gain / spread[k] {
                        bits = old[model];
                    }
                }
                if streams[3].unit(slot) < exploration {
                    let [j0, j1] = others(k);
                    let j = if streams[4].unit(slot) < 0.5 { j0 } else { j1 };
                    bits ^= 1 << j;
                }
                bits
            })
            .collect();
        self.firms.strategy = next;
        self.refresh_openness();
    }
}

/// The share of the other classes a firm of `class` with strategy `bits` shares with.
pub(super) fn firm_sharing(class: FirmClass, bits: u8) -> f64 {
    sharing_fraction(class.game_index(), bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_and_fractions_follow_the_game_numbering() {
        // A middle firm sharing with leaders only: the game's strategy 1 (bit 0: leaders).
        assert_eq!(index_of(1, 0b001), 1);
        assert_eq!(game_strategy(1, 1), [1.0, 0.0, 0.0]);
        assert_eq!(index_of(1, 0b100), 2);
        assert_eq!(index_of(0, 0b110), 3);
        assert_eq!(index_of(2, 0b011), 3);
        assert_eq!(index_of(2, 0b100), 0, "a laggard's own bit is ignored");
        assert_eq!(sharing_fraction(0, 0b010), 0.5);
        assert_eq!(sharing_fraction(2, 0b111), 1.0);
        assert_eq!(FirmClass::Leader.game_index(), 0);
        assert_eq!(FirmClass::Laggard.game_index(), 2);
    }
}
