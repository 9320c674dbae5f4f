//! The firm-level panel: one row per firm per recorded step, the data a referee asks for to
//! check the stylised facts of firm dynamics (size distributions, growth rates, entry and
//! exit hazards by age, margins). Written a recorded step at a time as a Parquet row group,
//! so memory does not grow with the run; optionally as CSV too.
//!
//! Columns: `firm` (its id, never reused), `step`, `age` (steps since entry), `class` (0
//! laggard, 1 middle, 2 leader), `x`, `y` (its cell), `output` (local plus export), `price`
//! (revenue over output: the mean price it sold at), `unit_cost`, `margin` ((revenue − variable
//! cost) / revenue, exports bearing the trade cost,
//! 0 when it sold nothing), `profit` (market profit of the step), `capital`, `knowledge`,
//! `rd_spending`, `absorptive_capacity`, `ties`, `technologies` (how many it holds), `entry`
//! (1 when it was not among the previous record's firms: it entered since), `exit` (1 when it
//! is gone by the next recorded step: its last row). `age` counts the steps a firm has lived
//! through, its entry step included (an entrant of step t has age 1 at t). A row's exit is known one record later, so each record is
//! held back until the next one (or the run's end) is seen.

use clusterlab_model::{TechId, World};
use clusterlab_store::table::{Column, Table, TableWriter};
use std::collections::HashSet;
use std::io::Write;

/// The panel's column names, in order.
pub const COLUMNS: [&str; 19] = [
    "firm",
    "step",
    "age",
    "class",
    "x",
    "y",
    "output",
    "price",
    "unit_cost",
    "margin",
    "profit",
    "capital",
    "knowledge",
    "rd_spending",
    "absorptive_capacity",
    "ties",
    "technologies",
    "entry",
    "exit",
];

/// One recorded step's rows, column by column.
#[derive(Default)]
struct Record {
    firm: Vec<i64>,
    step: Vec<i64>,
    age: Vec<i64>,
    class: Vec<i64>,
    x: Vec<i64>,
    y: Vec<i64>,
    output: Vec<f64>,
    price: Vec<f64>,
    unit_cost: Vec<f64>,
    margin: Vec<f64>,
    profit: Vec<f64>,
    capital: Vec<f64>,
    knowledge: Vec<f64>,
    rd_spending: Vec<f64>,
    absorptive_capacity: Vec<f64>,
    ties: Vec<i64>,
    technologies: Vec<i64>,
    entry: Vec<i64>,
}

impl Record {
    /// The rows as a table, `exit` set for the firms not in `alive_next` (`None`: the run's
    /// last record, where no firm has exited yet).
    fn table(self, alive_next: Option<&HashSet<i64>>) -> Table {
        let exit = self
            .firm
            .iter()
            .map(|id| i64::from(alive_next.is_some_and(|alive| !alive.contains(id))))
            .collect();
        let columns = [
            Column::Int(self.firm),
            Column::Int(self.step),
            Column::Int(self.age),
            Column::Int(self.class),
            Column::Int(self.x),
            Column::Int(self.y),
            Column::Float(self.output),
            Column::Float(self.price),
            Column::Float(self.unit_cost),
            Column::Float(self.margin),
            Column::Float(self.profit),
            Column::Float(self.capital),
            Column::Float(self.knowledge),
            Column::Float(self.rd_spending),
            Column::Float(self.absorptive_capacity),
            Column::Int(self.ties),
            Column::Int(self.technologies),
            Column::Int(self.entry),
            Column::Int(exit),
        ];
        let mut table = Table::default();
        for (name, column) in COLUMNS.iter().zip(columns) {
            table.push(name, column);
        }
        table
    }
}

/// Records the panel of a run: call [`Panel::observe`] after every step (step 0 included),
/// then [`Panel::finish`].
pub struct Panel<P: Write + Send, C: Write> {
    every: u32,
    parquet: Option<TableWriter<P>>,
    parquet_out: Option<P>,
    csv: Option<C>,
    held: Option<Record>,
    /// The firms of the previous record (`None` before the first).
    previous: Option<HashSet<i64>>,
    rows: u64,
}

impl<P: Write + Send, C: Write> Panel<P, C> {
    /// A panel recorded every `every` steps (at least 1) into `parquet`, and as CSV into
    /// `csv` when given.
    pub fn new(every: u32, parquet: P, csv: Option<C>) -> Panel<P, C> {
        Panel {
            every: every.max(1),
            parquet: None,
            parquet_out: Some(parquet),
            csv,
            held: None,
            previous: None,
            rows: 0,
        }
    }

    /// Records the world's firms if its step is one of the recorded (every `every`-th); a
    /// world without an economy has no firms to record.
    pub fn observe(&mut self, world: &World) -> anyhow::Result<()> {
        let t = world.current_step();
        if !t.is_multiple_of(self.every) {
            return Ok(());
        }
        let Some(economy) = world.economy() else {
            return Ok(());
        };
        let f = &economy.firms;
        let width = world.grid().width();
        let techs = world.technologies().len();
        let mut record = Record::default();
        let mut alive = HashSet::new();
        let trade_cost = economy.trade_cost();
        for slot in f.live() {
            let id = f.id[slot] as i64;
            alive.insert(id);
            let cell = f.cell[slot] as usize;
            let (x, y) = (cell % width, cell / width);
            let output = f.output_local[slot] + f.output_export[slot];
            let revenue = f.revenue[slot];
            let price = if output > 0.0 {
                revenue / output
            } else {
                f.price[slot]
            };
            // Revenue less variable cost (exports bear the trade cost), over revenue.
            let variable_cost = f.unit_cost[slot] * output + trade_cost * f.output_export[slot];
            let margin = if revenue > 0.0 {
                (revenue - variable_cost) / revenue
            } else {
                0.0
            };
            record.firm.push(id);
            record.step.push(i64::from(t));
            record.age.push(i64::from(f.age[slot]));
            record.class.push(f.class[slot] as i64);
            record.x.push(x as i64);
            record.y.push(y as i64);
            record.output.push(output);
            record.price.push(price);
            record.unit_cost.push(f.unit_cost[slot]);
            record.margin.push(margin);
            record.profit.push(f.profit[slot]);
            record.capital.push(f.capital[slot]);
            record.knowledge.push(f.knowledge[slot]);
            record.rd_spending.push(f.rd_spending[slot]);
            record.absorptive_capacity.push(f.capacity[slot]);
            record
                .ties
                .push(economy.network.partners(slot).len() as i64);
            record
                .technologies
                .push((0..techs).filter(|&k| world.holds(x, y, TechId(k))).count() as i64);
            // Entered since the previous record: not among its firms.
            record.entry.push(i64::from(
                self.previous
                    .as_ref()
                    .is_some_and(|before| !before.contains(&id)),
            ));
        }
        if let Some(held) = self.held.take() {
            self.write(held.table(Some(&alive)))?;
        }
        self.held = Some(record);
        self.previous = Some(alive);
        Ok(())
    }

    fn write(&mut self, table: Table) -> anyhow::Result<()> {
        if self.parquet.is_none() {
            if let Some(out) = self.parquet_out.take() {
                self.parquet = Some(TableWriter::plain(out, &table)?);
            }
            if let Some(csv) = self.csv.as_mut() {
                writeln!(csv, "{}", COLUMNS.join(","))?;
            }
        }
        if let Some(writer) = self.parquet.as_mut() {
            writer.write(&table)?;
        }
        if let Some(csv) = self.csv.as_mut() {
            for row in 0..table.rows() {
                let cells: Vec<String> = table.columns.iter().map(|c| c.text(row)).collect();
                writeln!(csv, "{}", cells.join(","))?;
            }
        }
        self.rows += table.rows() as u64;
        Ok(())
    }

    /// Writes the last record (no exits: the run ends) and closes the files; returns the
    /// Parquet output and the rows written. A run that recorded nothing (no economy) writes
    /// the columns alone.
    pub fn finish(mut self) -> anyhow::Result<(P, u64)> {
        let last = self.held.take().unwrap_or_default();
        self.write(last.table(None))?;
        let Some(writer) = self.parquet.take() else {
            anyhow::bail!("the panel's Parquet file was never started");
        };
        let mut out = writer.finish()?;
        out.flush()?;
        if let Some(csv) = self.csv.as_mut() {
            csv.flush()?;
        }
        Ok((out, self.rows))
    }
}
