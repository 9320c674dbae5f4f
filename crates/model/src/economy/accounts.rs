//! The accounting every step does before and after the processes (`docs/ODD.md` S6): unit
//! costs from knowledge and the technologies held, classes by unit-cost rank, the R&D and sales
//! stocks (Griliches 1979's perpetual inventory) and the absorptive capacities they give.

use super::*;

/// `c = (floor + (ceiling − floor)·exp(−κK)) · factor`.
fn unit_cost(p: &crate::scenario::economy::ProductionSection, knowledge: f64, factor: f64) -> f64 {
    (p.cost_floor + (p.cost_ceiling - p.cost_floor) * (-p.learning_elasticity * knowledge).exp())
        * factor
}

/// The (cost, slot) keys at the boundaries of the classes of the last ranking: a firm whose key
/// is below `leader` is a leader, one at or above `laggard` a laggard.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct ClassBounds {
    leader: Option<(f64, u32)>,
    laggard: Option<(f64, u32)>,
}

impl ClassBounds {
    /// The class of a firm of unit cost `cost` in slot `slot` by these bounds.
    pub(crate) fn class_of(self, cost: f64, slot: usize) -> FirmClass {
        let below = |bound: Option<(f64, u32)>| match bound {
            None => true,
            Some(b) => cost.total_cmp(&b.0).then((slot as u32).cmp(&b.1)).is_lt(),
        };
        if below(self.leader) {
            FirmClass::Leader
        } else if !below(self.laggard) {
            FirmClass::Laggard
        } else {
            FirmClass::Middle
        }
    }

    /// [`Self::class_of`] for a pass over every firm, branch-free: whether a firm is a leader
    /// or a laggard is a coin toss the branch predictor loses. The (cost, slot) order is that
    /// of one integer key, `f64::total_cmp`'s key of the cost above the slot's 32 bits; a
    /// missing bound is a key above every firm's (every firm is below it).
    pub(crate) fn classifier(self) -> impl Fn(f64, usize) -> FirmClass + Copy {
        let bound = |b: Option<(f64, u32)>| b.map_or(i128::MAX, |(c, s)| order_key(c, s as usize));
        let (leader, laggard) = (bound(self.leader), bound(self.laggard));
        // Indexed by `leader | laggard << 1` (both is impossible).
        const CLASSES: [FirmClass; 4] = [
            FirmClass::Middle,
            FirmClass::Leader,
            FirmClass::Laggard,
            FirmClass::Leader,
        ];
        move |cost, slot| {
            let key = order_key(cost, slot);
            let is_leader = key < leader;
            let is_laggard = !is_leader & (key >= laggard);
            CLASSES[usize::from(is_leader) | usize::from(is_laggard) << 1]
        }
    }
}

/// The key that orders (cost, slot) as `cost.total_cmp` then `slot as u32` do: the signed
/// integer `f64::total_cmp` compares, above the slot's 32 bits.
#[inline]
fn order_key(cost: f64, slot: usize) -> i128 {
    let mut bits = cost.to_bits() as i64;
    bits ^= (((bits >> 63) as u64) >> 1) as i64;
    (i128::from(bits) << 32) | i128::from(slot as u32)
}

/// One step of the perpetual inventory: `(1 − δ) · stock + flow`.
#[inline]
pub fn accumulate(stock: f64, delta: f64, flow: f64) -> f64 {
    (1.0 - delta) * stock + flow
}

/// Absorptive capacity `a₀ + (1 − a₀)(1 − exp(−ξ_R · S / (Y + Ȳ)))` of a firm with floor
/// `a0`, R&D stock `s`, sales stock `y`, the mean sales stock being `mean_sales` (the ratio is
/// 0 where no firm has sold), clamped to [0, 1].
pub fn capacity(a0: f64, xi_r: f64, s: f64, y: f64, mean_sales: f64) -> f64 {
    let scale = y + mean_sales;
    let ratio = if scale > 0.0 { s / scale } else { 0.0 };
    (a0 + (1.0 - a0) * (1.0 - (-xi_r * ratio).exp())).clamp(0.0, 1.0)
}

impl Economy {
    /// Recomputes unit costs — `c = (floor + (ceiling − floor)·exp(−κK)) · Π(1 − gain)` from
    /// knowledge and the technologies held — and classes by unit-cost rank: the `leader_share` cheapest are
    /// leaders, the `laggard_share` dearest laggards (ties broken by slot).
    pub(crate) fn update_costs_and_classes(&mut self) {
        let production = self.config.production.clone();
        let f = &mut self.firms;
        // The live firms' least and greatest cost bits come with the costs (integers: the
        // same on any number of threads), to spread the class ranking's buckets over them.
        let (lowest, highest) = f
            .unit_cost
            .par_iter_mut()
            .zip(f.knowledge.par_iter())
            .zip(f.tech_factor.par_iter().zip(f.efficiency.par_iter()))
            .zip(f.alive.par_iter())
            .fold(
                || (u64::MAX, 0u64),
                |(lo, hi), (((cost, &k), (&factor, &z)), &alive)| {
                    *cost = unit_cost(&production, k, factor) * (-z).exp();
                    let bits = cost.to_bits();
                    if alive {
                        (lo.min(bits), hi.max(bits))
                    } else {
                        (lo, hi)
                    }
                },
            )
            .reduce(|| (u64::MAX, 0), |a, b| (a.0.min(b.0), a.1.max(b.1)));
        // Padded for the rivalry scan's square (`count_rivals`).
        let mut grid = std::mem::take(&mut self.cost_grid);
        let radius = self.config.innovation.rivalry_radius as usize;
        let (cell_firm, unit_cost) = (&self.cell_firm, &self.firms.unit_cost);
        let last = unit_cost.len().saturating_sub(1);
        self.fill_padded(&mut grid, radius, |cell| {
            let slot = cell_firm[cell as usize];
            // Branch-free (half the cells are empty, at random): an empty cell reads some
            // firm's cost and discards it.
            let cost = unit_cost
                .get((slot as usize).min(last))
                .copied()
                .unwrap_or(0.0) as f32;
            if slot == NO_FIRM {
                f32::NAN
            } else {
                cost
            }
        });
        self.cost_grid = grid;
        // Keyed as integers: for the non-negative costs a unit cost can be, the bits of an
        // f64 order as the numbers do, so `bits · 2³² + slot` orders by (cost, slot). Only
        // the keys at the two class boundaries' ranks are needed, and the keys are distinct
        // (the slot is in them): the key a full sort would put at a rank is found by counting
        // the keys per bucket — 2¹² buckets of equal width in bits between the least and the
        // greatest live cost, so that few keys share one even when the costs lie close
        // together — then selecting the rank within its bucket among that bucket's keys
        // alone. Any bucketing that keeps the keys' order gives the same key at a rank.
        const BUCKETS: usize = 1 << 12;
        let span = highest.saturating_sub(lowest);
        let shift = (u64::BITS - span.leading_zeros()).saturating_sub(BUCKETS.trailing_zeros());
        // Clamped: a free slot's cost may lie outside the live span (it counts for nothing).
        let bucket_of = move |cost: f64| {
            ((cost.to_bits().wrapping_sub(lowest) >> shift) as usize).min(BUCKETS - 1)
        };
        let firms = &self.firms;
        let bucket = |slot: usize| bucket_of(firms.unit_cost[slot]);
        // Counted in parallel over fixed chunks (integer sums: the same on any number of
        // threads).
        let counts = firms
            .unit_cost
            .par_chunks(STOCK_CHUNK)
            .zip(firms.alive.par_chunks(STOCK_CHUNK))
            .fold(
                || vec![0u32; BUCKETS],
                |mut counts, (costs, alive)| {
                    for (&cost, &alive) in costs.iter().zip(alive) {
                        counts[bucket_of(cost)] += u32::from(alive);
                    }
                    counts
                },
            )
            .reduce(
                || vec![0u32; BUCKETS],
                |mut a, b| {
                    for (x, y) in a.iter_mut().zip(b) {
                        *x += y;
                    }
                    a
                },
            );
        // The firms counted, so that every rank below `n` lies in a bucket.
        let n = counts.iter().map(|&c| c as usize).sum::<usize>();
        let p = &self.config.production;
        let leaders = (p.leader_share * n as f64).round() as usize;
        let laggards = (p.laggard_share * n as f64).round() as usize;
        // The bucket of a rank below `n` and the rank within it.
        let locate = |rank: usize| {
            let mut before = 0;
            for (b, &count) in counts.iter().enumerate() {
                if rank < before + count as usize {
                    return Some((b, rank - before));
                }
                before += count as usize;
            }
            None
        };
        let targets = [leaders, n - laggards.min(n)].map(locate);
        let wanted: Vec<usize> = targets.iter().flatten().map(|&(b, _)| b).collect();
        let keys = &mut self.sort_keys;
        keys.clear();
        // In parallel: the order of the keys does not change the key at a rank.
        keys.par_extend(
            (0..firms.slots())
                .into_par_iter()
                .filter(|&slot| firms.alive[slot] && wanted.contains(&bucket(slot)))
                .map(|slot| (u128::from(firms.unit_cost[slot].to_bits()) << 32) | slot as u128),
        );
        let first = wanted.iter().copied().min();
        let mut at = |target: Option<(usize, usize)>| {
            target.map(|(b, within)| {
                // The keys of a lower wanted bucket all come before this bucket's.
                let below = match first {
                    Some(lowest) if lowest < b => counts[lowest] as usize,
                    _ => 0,
                };
                let slot = *keys.select_nth_unstable(below + within).1 as u32;
                (firms.unit_cost[slot as usize], slot)
            })
        };
        // By comparison with the (cost, slot) at the class boundaries, in parallel and in slot
        // order: the same classes as by rank, without scattered writes.
        self.class_bounds = ClassBounds {
            leader: at(targets[0]),
            laggard: at(targets[1]),
        };
        let classify = self.class_bounds.classifier();
        let f = &mut self.firms;
        f.class
            .par_iter_mut()
            .zip(f.unit_cost.par_iter())
            .enumerate()
            .for_each(|(slot, (class, &cost))| *class = classify(cost, slot));
    }

    /// The unit cost of a firm with knowledge `knowledge` and technology factor `factor`.
    pub(crate) fn unit_cost_of(&self, knowledge: f64, factor: f64) -> f64 {
        unit_cost(&self.config.production, knowledge, factor)
    }

    /// Accumulates the R&D and sales stocks with the step's spending and revenue —
    /// `S ← (1 − δ)S + R`, `Y ← (1 − δ)Y + p·q` (Griliches 1979's perpetual inventory) — and
    /// updates the absorptive capacities they give ([`Self::update_capacities`]). The mean
    /// sales stock is summed in the same pass, over the same fixed chunks.
    pub(crate) fn update_stocks(&mut self) {
        let delta = self.config.spillover.rd_depreciation;
        let f = &mut self.firms;
        let n = f.count();
        let sums: Vec<f64> = f
            .rd_stock
            .par_chunks_mut(STOCK_CHUNK)
            .zip(f.sales_stock.par_chunks_mut(STOCK_CHUNK))
            .zip(f.rd_spending.par_chunks(STOCK_CHUNK))
            .zip(f.revenue.par_chunks(STOCK_CHUNK))
            .zip(f.alive.par_chunks(STOCK_CHUNK))
            .map(|((((s, y), r), sales), alive)| {
                for ((((s, y), &r), &sales), &alive) in
                    s.iter_mut().zip(y.iter_mut()).zip(r).zip(sales).zip(alive)
                {
                    if alive {
                        *s = accumulate(*s, delta, r);
                        *y = accumulate(*y, delta, sales);
                    }
                }
                live_sum(y, alive)
            })
            .collect();
        let mean_sales = if n == 0 {
            0.0
        } else {
            sums.into_iter().sum::<f64>() / n as f64
        };
        self.set_capacities(mean_sales);
    }

    /// Absorptive capacity from R&D actually spent (Cohen & Levinthal 1989, the second face
    /// of R&D): `a = a₀ + (1 − a₀)(1 − exp(−ξ_R · S / (Y + Ȳ)))`, `S` the R&D stock, `Y` the
    /// firm's sales stock and `Ȳ` the mean sales stock of live firms. For a large firm the
    /// ratio is its stock-weighted R&D intensity; a small firm is measured against the typical
    /// firm's scale; a firm that stops spending falls back to its floor `a₀`.
    pub(crate) fn update_capacities(&mut self) {
        let f = &self.firms;
        let n = f.count();
        let mean_sales = if n == 0 {
            0.0
        } else {
            // Over fixed chunks, added in chunk order: the same bits on any number of threads.
            f.sales_stock
                .par_chunks(STOCK_CHUNK)
                .zip(f.alive.par_chunks(STOCK_CHUNK))
                .map(|(y, a)| live_sum(y, a))
                .collect::<Vec<_>>()
                .into_iter()
                .sum::<f64>()
                / n as f64
        };
        self.set_capacities(mean_sales);
    }

    /// Sets every absorptive capacity from the stocks, the mean sales stock being
    /// `mean_sales`.
    fn set_capacities(&mut self, mean_sales: f64) {
        let xi_r = self.config.spillover.capacity_rd;
        let f = &mut self.firms;
        // The levels with the capacities, while they are in registers: nothing writes a
        // capacity between the stocks and the automaton's level layer (`Stage::Levels`) but
        // an entrant's settling, after it.
        self.capacity_levels.resize(f.capacity.len(), 0);
        f.capacity
            .par_iter_mut()
            .zip(self.capacity_levels.par_iter_mut())
            .zip(f.base_capacity.par_iter())
            .zip(f.rd_stock.par_iter().zip(f.sales_stock.par_iter()))
            .for_each(|(((a, level), &a0), (&s, &y))| {
                *a = capacity(a0, xi_r, s, y, mean_sales);
                *level = crate::diffusion::level_of(*a);
            });
    }
}

/// Slots per chunk of the mean sales stock's sum.
const STOCK_CHUNK: usize = 4096;

/// The sum of the live firms' values in one chunk, in slot order.
fn live_sum(values: &[f64], alive: &[bool]) -> f64 {
    values
        .iter()
        .zip(alive)
        .map(|(&y, &a)| if a { y } else { 0.0 })
        .sum::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The branch-free classifier gives `class_of`'s class for every kind of cost and slot:
    /// ties on the cost broken by the slot, negative costs and zeros of both signs, NaN,
    /// infinities, slots beyond 32 bits (compared as `u32`, as `class_of` does), and bounds
    /// that are missing.
    #[test]
    fn the_classifier_agrees_with_class_of() {
        let costs = [
            0.0,
            -0.0,
            1.0,
            4.5,
            4.5f64.next_up(),
            4.5f64.next_down(),
            7.25,
            9.0,
            -3.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
            f64::MIN_POSITIVE,
            1e300,
        ];
        let slots = [
            0usize,
            1,
            2,
            7,
            8,
            1 << 31,
            u32::MAX as usize,
            (1usize << 32) + 7,
        ];
        let mut bounds = vec![None];
        for &c in &costs {
            for s in [0u32, 2, 7, u32::MAX] {
                bounds.push(Some((c, s)));
            }
        }
        let mut u = 0x9e37_79b9_7f4a_7c15u64;
        let mut random = || {
            u = u
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (u >> 11) as f64 / (1u64 << 53) as f64 * 10.0
        };
        let mut all_costs: Vec<f64> = costs.to_vec();
        all_costs.extend((0..200).map(|_| random()));
        for &leader in &bounds {
            for &laggard in &bounds {
                let b = ClassBounds { leader, laggard };
                let classify = b.classifier();
                for &cost in &all_costs {
                    for &slot in &slots {
                        assert_eq!(
                            classify(cost, slot),
                            b.class_of(cost, slot),
                            "{cost} {slot} {b:?}"
                        );
                    }
                }
            }
        }
    }
}
