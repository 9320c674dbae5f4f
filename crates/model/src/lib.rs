//! The clusterlab model: scenarios, the world of firms on a grid, and the processes that move
//! it.
//!
//! The vocabulary follows the field and Agents.jl: a [`Scenario`] (checked by
//! [`scenario::validate`]) builds a [`World`] with [`World::new`]; [`World::step`] and
//! [`World::run_until`] advance it; observations are read off the world
//! ([`World::adopters`], [`World::adoption_share`]).
//!
//! **Architecture invariant:** this crate does no I/O. It reads text handed to it, never a
//! file, and knows nothing of output formats, terminals or the web. It uses rayon for
//! data-parallel loops inside a step, and its results never depend on the number of threads.

#![deny(missing_docs)]

mod budget;
pub mod diffusion;
pub mod economy;
pub mod experiment;
pub mod game;
pub mod grid;
pub mod hint;
pub mod neighbourhood;
pub mod policy;
pub mod reference;
pub mod regions;
pub mod rng;
pub mod scenario;
pub mod schedule;
mod world;

pub use neighbourhood::Neighbourhood;
pub use scenario::{Problem, Problems, Scenario};
pub use world::{ProcessTimings, SeedShortfall, TechId, World};
