//! The results catalogue of a sweep directory: an embedded SQLite database recording the
//! experiment, its design points and every run with its status, so that a sweep killed at any
//! moment resumes with only what is missing.
//!
//! Tables: `experiment` (one row: name, fingerprint, the experiment and base scenario texts,
//! design, parameter paths), `points` (point id, parameter values as JSON, the point's scenario
//! TOML), `runs` (run id, point, replication, seed, status `pending`/`done`, steps run,
//! seconds, final values as JSON, finish time). A run is `done` only after its result files
//! are in place.

use anyhow::{Context, Result};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;

/// The catalogue's file name in a sweep directory.
pub const FILE: &str = "catalogue.sqlite";

/// An open catalogue.
pub struct Catalogue {
    conn: Connection,
}

/// What the catalogue holds about the experiment.
pub struct ExperimentRecord {
    /// Label.
    pub name: String,
    /// Hash of everything that determines the runs.
    pub fingerprint: String,
    /// The experiment file's text.
    pub experiment: String,
    /// The base scenario's text.
    pub scenario: String,
    /// `factorial`, `latin-hypercube`, `sobol` or `morris`.
    pub design: String,
    /// Parameter paths, in order, as JSON.
    pub parameters: String,
}

/// A run's row.
pub struct RunRecord {
    /// Run id.
    pub run: u64,
    /// Design point.
    pub point: u64,
    /// Replication.
    pub replication: u32,
    /// Seed.
    pub seed: u64,
}

/// When the catalogue in `dir` last changed: the later of its file and its write-ahead log
/// (a running sweep's finished runs reach the main file only at a checkpoint).
pub fn modified(dir: &Path) -> Option<std::time::SystemTime> {
    let time = |name: String| {
        std::fs::metadata(dir.join(name))
            .and_then(|m| m.modified())
            .ok()
    };
    time(FILE.to_string()).max(time(format!("{FILE}-wal")))
}

impl Catalogue {
    /// Opens (creating if needed) the catalogue in `dir`.
    pub fn open(dir: &Path) -> Result<Catalogue> {
        let path = dir.join(FILE);
        let conn = Connection::open(&path)
            .with_context(|| format!("cannot open the catalogue {}", path.display()))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             CREATE TABLE IF NOT EXISTS experiment (
                 id INTEGER PRIMARY KEY CHECK (id = 1),
                 name TEXT NOT NULL, fingerprint TEXT NOT NULL, experiment TEXT NOT NULL,
                 scenario TEXT NOT NULL, design TEXT NOT NULL, parameters TEXT NOT NULL,
                 created TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS points (
                 point INTEGER PRIMARY KEY, params TEXT NOT NULL, scenario TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS runs (
                 run INTEGER PRIMARY KEY, point INTEGER NOT NULL, replication INTEGER NOT NULL,
                 seed TEXT NOT NULL, status TEXT NOT NULL, steps INTEGER, seconds REAL,
                 final TEXT, finished TEXT);
             CREATE INDEX IF NOT EXISTS runs_status ON runs (status);",
        )
        .with_context(|| format!("cannot set up the catalogue {}", path.display()))?;
        Ok(Catalogue { conn })
    }

    /// The experiment recorded, if any.
    pub fn experiment(&self) -> Result<Option<ExperimentRecord>> {
        Ok(self
            .conn
            .query_row(
                "SELECT name, fingerprint, experiment, scenario, design, parameters FROM experiment WHERE id = 1",
                [],
                |r| {
                    Ok(ExperimentRecord {
                        name: r.get(0)?,
                        fingerprint: r.get(1)?,
                        experiment: r.get(2)?,
                        scenario: r.get(3)?,
                        design: r.get(4)?,
                        parameters: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    /// Records a new experiment with its points (`(params JSON, scenario TOML)` in order) and
    /// runs (`replications` per point, seeds by replication), all pending, in one transaction.
    pub fn create(
        &mut self,
        record: &ExperimentRecord,
        points: &mut dyn Iterator<Item = (String, String)>,
        replications: u32,
        seeds: &[u64],
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO experiment (id, name, fingerprint, experiment, scenario, design, parameters, created)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, datetime('now'))",
            params![
                record.name,
                record.fingerprint,
                record.experiment,
                record.scenario,
                record.design,
                record.parameters
            ],
        )?;
        {
            let mut point_stmt =
                tx.prepare("INSERT INTO points (point, params, scenario) VALUES (?1, ?2, ?3)")?;
            let mut run_stmt = tx.prepare(
                "INSERT INTO runs (run, point, replication, seed, status) VALUES (?1, ?2, ?3, ?4, 'pending')",
            )?;
            for (i, (params_json, scenario)) in points.enumerate() {
                point_stmt.execute(params![i as i64, params_json, scenario])?;
                for r in 0..replications {
                    let run = i as i64 * i64::from(replications) + i64::from(r);
                    run_stmt.execute(params![run, i as i64, r, seeds[r as usize].to_string()])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Runs not yet done, in id order.
    pub fn pending(&self) -> Result<Vec<RunRecord>> {
        self.runs_where("status != 'done'")
    }

    /// The runs marked done, in id order.
    pub fn done_runs(&self) -> Result<Vec<RunRecord>> {
        self.runs_where("status = 'done'")
    }

    /// Every run, in id order.
    pub fn all_runs(&self) -> Result<Vec<RunRecord>> {
        self.runs_where("1 = 1")
    }

    fn runs_where(&self, condition: &str) -> Result<Vec<RunRecord>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT run, point, replication, seed FROM runs WHERE {condition} ORDER BY run"
        ))?;
        let rows = stmt.query_map([], |r| {
            let seed: String = r.get(3)?;
            Ok(RunRecord {
                run: r.get::<_, i64>(0)? as u64,
                point: r.get::<_, i64>(1)? as u64,
                replication: r.get(2)?,
                seed: seed.parse().unwrap_or(0),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The run `run`, if it exists.
    pub fn run(&self, run: u64) -> Result<Option<RunRecord>> {
        Ok(self
            .conn
            .query_row(
                "SELECT run, point, replication, seed FROM runs WHERE run = ?1",
                params![run as i64],
                |r| {
                    let seed: String = r.get(3)?;
                    Ok(RunRecord {
                        run: r.get::<_, i64>(0)? as u64,
                        point: r.get::<_, i64>(1)? as u64,
                        replication: r.get(2)?,
                        seed: seed.parse().unwrap_or(0),
                    })
                },
            )
            .optional()?)
    }

    /// A point's parameter values (JSON) and scenario text.
    pub fn point(&self, point: u64) -> Result<(String, String)> {
        Ok(self.conn.query_row(
            "SELECT params, scenario FROM points WHERE point = ?1",
            params![point as i64],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// Marks a run done, with what it recorded.
    pub fn finish(&self, run: u64, steps: u32, seconds: f64, final_json: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE runs SET status = 'done', steps = ?2, seconds = ?3, final = ?4, finished = datetime('now') WHERE run = ?1",
            params![run as i64, steps, seconds, final_json],
        )?;
        Ok(())
    }

    /// Counts of runs by status: (done, all).
    pub fn progress(&self) -> Result<(u64, u64)> {
        Ok(self.conn.query_row(
            "SELECT COALESCE(SUM(status = 'done'), 0), COUNT(*) FROM runs",
            [],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
        )?)
    }
}
