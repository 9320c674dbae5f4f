//! One module per subcommand.

pub mod diffuse;
pub mod run;
pub mod validate;
