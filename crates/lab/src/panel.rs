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
//! `position` (its knowledge position on the unit circle, S9), `rd_spending`, `absorptive_capacity`, `ties`, `technologies` (how many it holds), `entry`
//! (1 when it was not among the previous record's firms: it entered since), `exit` (1 when it
//! is gone by the next recorded step: its last row). `age` counts the steps a firm has lived
//! through, its entry step included (an entrant of step t has age 1 at t). A row's exit is known one record later, so each record is
//! held back until the next one (or the run's end) is seen.

use clusterlab_model::{TechId, World};
use clusterlab_store::table::{Column, Table, TableWriter};
use std::collections::HashSet;
use std::io::Write;

/// The panel's column names, in order.
pub const COLUMNS: [&str; 20] = [
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
    "position",
    "rd_spending",
    "absorptive_capacity",
    "ties",
    "technologies",
    "entry",
    "exit",
];

/// Rows of the panel, column by column (the columns of [`COLUMNS`], in order): one recorded
/// step's, or a whole run's held in memory ([`PanelMemory`], or read back with
/// [`PanelColumns::from_table`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PanelColumns {
    /// The firm's id (its entry number, never reused).
    pub firm: Vec<i64>,
    /// The step recorded.
    pub step: Vec<i64>,
    /// Steps the firm has lived through, its entry step included.
    pub age: Vec<i64>,
    /// 0 laggard, 1 middle, 2 leader.
    pub class: Vec<i64>,
    /// Its cell's column.
    pub x: Vec<i64>,
    /// Its cell's row.
    pub y: Vec<i64>,
    /// Local plus export output.
    pub output: Vec<f64>,
    /// The output-weighted price it sold at.
    pub price: Vec<f64>,
    /// Its unit cost.
    pub unit_cost: Vec<f64>,
    /// (price − unit cost) / price; 0 when it sold nothing.
    pub margin: Vec<f64>,
    /// Market profit of the step.
    pub profit: Vec<f64>,
    /// Capital.
    pub capital: Vec<f64>,
    /// Knowledge stock.
    pub knowledge: Vec<f64>,
    /// Knowledge position on the unit circle (what the firm knows about, S9); empty when read
    /// from a panel written before the column existed.
    pub position: Vec<f64>,
    /// R&D spending of the step.
    pub rd_spending: Vec<f64>,
    /// Absorptive capacity.
    pub absorptive_capacity: Vec<f64>,
    /// Ties to other firms.
    pub ties: Vec<i64>,
    /// Technologies held.
    pub technologies: Vec<i64>,
    /// 1 when it was not among the previous record's firms.
    pub entry: Vec<i64>,
    /// 1 when it is gone by the next recorded step (its last row).
    pub exit: Vec<i64>,
}

impl PanelColumns {
    /// Rows held.
    pub fn rows(&self) -> usize {
        self.firm.len()
    }

    /// Appends `other`'s rows.
    fn append(&mut self, mut other: PanelColumns) {
        self.firm.append(&mut other.firm);
        self.step.append(&mut other.step);
        self.age.append(&mut other.age);
        self.class.append(&mut other.class);
        self.x.append(&mut other.x);
        self.y.append(&mut other.y);
        self.output.append(&mut other.output);
        self.price.append(&mut other.price);
        self.unit_cost.append(&mut other.unit_cost);
        self.margin.append(&mut other.margin);
        self.profit.append(&mut other.profit);
        self.capital.append(&mut other.capital);
        self.knowledge.append(&mut other.knowledge);
        self.position.append(&mut other.position);
        self.rd_spending.append(&mut other.rd_spending);
        self.absorptive_capacity
            .append(&mut other.absorptive_capacity);
        self.ties.append(&mut other.ties);
        self.technologies.append(&mut other.technologies);
        self.entry.append(&mut other.entry);
        self.exit.append(&mut other.exit);
    }

    /// The rows as a table with the columns of [`COLUMNS`].
    pub fn into_table(self) -> Table {
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
            Column::Float(self.position),
            Column::Float(self.rd_spending),
            Column::Float(self.absorptive_capacity),
            Column::Int(self.ties),
            Column::Int(self.technologies),
            Column::Int(self.entry),
            Column::Int(self.exit),
        ];
        let mut table = Table::default();
        for (name, column) in COLUMNS.iter().zip(columns) {
            table.push(name, column);
        }
        table
    }

    /// The panel in `table` (a panel.parquet read back): every column of [`COLUMNS`] present
    /// with its kind (integers where written as integers; numbers where written as doubles).
    /// The error names the missing or mistyped column.
    pub fn from_table(table: &Table) -> Result<PanelColumns, String> {
        let ints = |name: &str| -> Result<Vec<i64>, String> {
            match table.column(name) {
                Some(Column::Int(v)) => Ok(v.clone()),
                Some(Column::UInt(v)) => Ok(v.iter().map(|&u| u as i64).collect()),
                Some(_) => Err(format!("column `{name}` is not of integers")),
                None => Err(format!("no column `{name}`")),
            }
        };
        let floats = |name: &str| -> Result<Vec<f64>, String> {
            match table.column(name) {
                Some(Column::Float(v)) => Ok(v.clone()),
                Some(Column::Int(v)) => Ok(v.iter().map(|&i| i as f64).collect()),
                Some(_) => Err(format!("column `{name}` is not of numbers")),
                None => Err(format!("no column `{name}`")),
            }
        };
        Ok(PanelColumns {
            firm: ints("firm")?,
            step: ints("step")?,
            age: ints("age")?,
            class: ints("class")?,
            x: ints("x")?,
            y: ints("y")?,
            output: floats("output")?,
            price: floats("price")?,
            unit_cost: floats("unit_cost")?,
            margin: floats("margin")?,
            profit: floats("profit")?,
            capital: floats("capital")?,
            knowledge: floats("knowledge")?,
            // Panels written before 3 December 2026 have no positions: F13's cognitive
            // distance is then not measured.
            position: if table.column("position").is_some() {
                floats("position")?
            } else {
                Vec::new()
            },
            rd_spending: floats("rd_spending")?,
            absorptive_capacity: floats("absorptive_capacity")?,
            ties: ints("ties")?,
            technologies: ints("technologies")?,
            entry: ints("entry")?,
            exit: ints("exit")?,
        })
    }
}

/// What [`Panel`] and [`PanelMemory`] share: which steps are recorded, and each record held
/// back until the next one says which of its firms exited.
struct Recorder {
    every: u32,
    held: Option<PanelColumns>,
    /// The firms of the previous record (`None` before the first).
    previous: Option<HashSet<i64>>,
}

impl Recorder {
    fn new(every: u32) -> Recorder {
        Recorder {
            every: every.max(1),
            held: None,
            previous: None,
        }
    }

    /// Records the world's firms if its step is one of the recorded; returns the previous
    /// record, now complete with its exits.
    fn observe(&mut self, world: &World) -> Option<PanelColumns> {
        let t = world.current_step();
        if !t.is_multiple_of(self.every) {
            return None;
        }
        let economy = world.economy()?;
        let f = &economy.firms;
        let width = world.grid().width();
        let techs = world.technologies().len();
        let mut record = PanelColumns::default();
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
            record.position.push(f.position[slot]);
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
        let done = self.held.take().map(|mut held| {
            held.exit = held
                .firm
                .iter()
                .map(|id| i64::from(!alive.contains(id)))
                .collect();
            held
        });
        self.held = Some(record);
        self.previous = Some(alive);
        done
    }

    /// The last record, with no exits (the run ends), or nothing when nothing was recorded.
    fn finish(&mut self) -> Option<PanelColumns> {
        self.held.take().map(|mut last| {
            last.exit = vec![0; last.firm.len()];
            last
        })
    }
}

/// Records the panel of a run: call [`Panel::observe`] after every step (step 0 included),
/// then [`Panel::finish`].
pub struct Panel<P: Write + Send, C: Write> {
    recorder: Recorder,
    parquet: Option<TableWriter<P>>,
    parquet_out: Option<P>,
    csv: Option<C>,
    rows: u64,
}

impl<P: Write + Send, C: Write> Panel<P, C> {
    /// A panel recorded every `every` steps (at least 1) into `parquet`, and as CSV into
    /// `csv` when given.
    pub fn new(every: u32, parquet: P, csv: Option<C>) -> Panel<P, C> {
        Panel {
            recorder: Recorder::new(every),
            parquet: None,
            parquet_out: Some(parquet),
            csv,
            rows: 0,
        }
    }

    /// Records the world's firms if its step is one of the recorded (every `every`-th); a
    /// world without an economy has no firms to record.
    pub fn observe(&mut self, world: &World) -> anyhow::Result<()> {
        if let Some(done) = self.recorder.observe(world) {
            self.write(done.into_table())?;
        }
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
        let last = self.recorder.finish().unwrap_or_default();
        self.write(last.into_table())?;
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

/// The panel of a run held in memory, for measuring it without writing files
/// ([`crate::facts`]): the same rows as [`Panel`] writes. Call [`PanelMemory::observe`] after
/// every step (step 0 included), then [`PanelMemory::finish`].
pub struct PanelMemory {
    recorder: Recorder,
    columns: PanelColumns,
}

impl PanelMemory {
    /// A panel recorded every `every` steps (at least 1).
    pub fn new(every: u32) -> PanelMemory {
        PanelMemory {
            recorder: Recorder::new(every),
            columns: PanelColumns::default(),
        }
    }

    /// Records the world's firms if its step is one of the recorded.
    pub fn observe(&mut self, world: &World) {
        if let Some(done) = self.recorder.observe(world) {
            self.columns.append(done);
        }
    }

    /// Every row recorded, the last record's with no exits.
    pub fn finish(mut self) -> PanelColumns {
        if let Some(last) = self.recorder.finish() {
            self.columns.append(last);
        }
        self.columns
    }
}
