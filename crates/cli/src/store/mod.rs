//! What a sweep leaves on disk: each run's table (Parquet, CSV) and the SQLite catalogue.

pub mod catalogue;
pub mod table;
