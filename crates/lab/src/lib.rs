//! clusterlab's lab: the one place that knows how to run things.
//!
//! - [`load`]: scenarios read from files and checked ([`load::Loaded`]), the memory a world
//!   may take, outputs checked before any work;
//! - [`run`]: one run and its files ([`run::run_to_dir`]), with [`run::RunSummary`], the one
//!   type summary.json is written and read as;
//! - [`panel`]: the firm-level panel, one row per firm per recorded step;
//! - [`facts`]: the stylised facts (F1–F13) measured on runs' panels and series, assessed
//!   across seeds with 95% intervals, their criteria and sources;
//! - [`series`]: what a run records per step ([`series::Series`]), the report's maps and
//!   network view;
//! - [`sweep`]: experiments' runs behind an [`sweep::Executor`] — [`sweep::Threads`] here,
//!   `distributed::MpiRanks` across the nodes of an MPI job (feature `mpi`);
//! - [`summarize`], [`sensitivity`]: what a sweep's runs say across replications;
//! - [`policy_lab`]: variants of a scenario with policies, compared over common random
//!   numbers, and the diagnosis of a cluster's failures;
//! - [`variants`]: a scenario's variants (fields set, policies added) checked with the seed
//!   of one replication: the one seed scheme of sweeps, the policy lab and calibration;
//! - [`diffuse`]: one technology on a generated grid, the automaton alone;
//! - [`calibrate`]: a scenario's automaton calibrated to observed sales by simulation;
//! - [`regions`]: several regions run together, firms migrating between them;
//! - [`progress`], [`error`], [`input`]: progress bars and stopping, worded errors, small
//!   CSV inputs read with their line numbers.
//!
//! **Architecture invariant:** the faces (command line, dashboard, reports) call this crate
//! and hold no model logic; nothing here parses command lines or speaks HTTP, and nothing
//! runs a clusterlab binary as a subprocess.
#![deny(missing_docs)]

pub mod calibrate;
pub mod diffuse;
#[cfg(feature = "mpi")]
pub mod distributed;
pub mod error;
pub mod facts;
pub mod input;
pub mod load;
pub mod panel;
pub mod policy_lab;
pub mod progress;
pub mod regions;
pub mod run;
pub mod sensitivity;
pub mod series;
pub mod summarize;
pub mod sweep;
pub mod variants;

pub use error::{LabError, LabResult};
