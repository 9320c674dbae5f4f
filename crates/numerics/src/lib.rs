//! The pure mathematics under clusterlab, with no clusterlab types: the Bass diffusion model,
//! the diffusion metrics read off an adoption curve, fitting, optimisation, MCDA, GEM, sensitivity.
//!
//! - [`bass`]: Bass (1969) in closed form, its peak, and the discrete recursion that a
//!   `global`-neighbourhood automaton follows in expectation;
//! - [`mean_field`]: the mean-field recursion of the local (Goldenberg–Libai–Muller) rule,
//!   the yardstick that spatial diffusion is compared with;
//! - [`firm_dynamics`]: estimators of the stylised facts of firm dynamics — Pareto tails
//!   (Hill; Clauset, Shalizi & Newman), kurtosis, the Subbotin law, log–log slopes, Spearman's
//!   rank correlation, top shares, the logistic curve;
//! - [`fit`]: the Bass model fitted to sales by OLS and by non-linear least squares;
//! - [`metrics`]: the take-up times `t10`, `t50`, `t90` and the peak adoption rate of an
//!   adoption curve;
//! - [`gem`]: the GEM model of a cluster's innovation capacity (Padmore & Gibson 1998);
//! - [`mcda`]: multi-criteria evaluation — AHP and entropy weights, TOPSIS, fuzzy
//!   comprehensive evaluation;
//! - [`evaluation`]: an evaluation system — goal, criteria, indicators — weighted and scored
//!   by the methods of [`mcda`];
//! - [`optimize`]: Nelder–Mead minimisation, for calibrating simulations;
//! - [`performance`]: a run's diffusion performance as evaluation indicators;
//! - [`sensitivity`]: Sobol' indices (Saltelli sampling, Jansen estimators) and Morris's
//!   elementary effects, with bootstrap intervals;
//! - [`stats`]: quantiles, means with Student's t intervals (and of ratios of means), and a
//!   seeded resampling generator.
//!
//! **Architecture invariant:** pure functions of numbers; no I/O, no model state.

#![deny(missing_docs)]

pub mod bass;
pub mod evaluation;
pub mod firm_dynamics;
pub mod fit;
pub mod gem;
pub mod mcda;
pub mod mean_field;
pub mod metrics;
pub mod optimize;
pub mod performance;
pub mod sensitivity;
pub mod stats;
