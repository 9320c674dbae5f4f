//! One module per subcommand.

pub mod diffuse;
pub mod evaluate;
pub mod facts;
pub mod fit;
pub mod game;
pub mod gem;
pub mod policy;
pub mod regions;
pub mod report;
pub mod run;
pub mod sensitivity;
pub mod serve;
pub mod summarize;
pub mod sweep;
pub mod validate;
