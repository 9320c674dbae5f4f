//! clusterlab's files: what runs and sweeps leave on disk, and how they get there whole.
//!
//! - [`table`]: a run's results as a flat [`table::Table`] of named columns, written as
//!   Parquet (pandas, polars, R arrow, DuckDB) or CSV, and read back;
//! - [`catalogue`]: the SQLite [`catalogue::Catalogue`] of a sweep directory — the experiment,
//!   its points, every run's status — so that a sweep killed at any moment resumes;
//! - [`atomic`]: [`atomic::Staged`] sets of files and single files written under a temporary
//!   name and renamed into place, so a kill leaves the old outputs or the new, never a mix.
//!
//! **Architecture invariant:** this crate depends on no other clusterlab crate and knows
//! nothing of scenarios or the model: it stores tables and texts.
#![deny(missing_docs)]

pub mod atomic;
pub mod catalogue;
pub mod table;
