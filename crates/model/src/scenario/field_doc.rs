//! The documentation of one scenario field, shared by the schema and the sections declared
//! beside it.

/// One documented field of the scenario file.
#[derive(Clone, Copy, Debug)]
pub struct FieldDoc {
    /// Dotted path, `technology[].p` for array elements.
    pub path: &'static str,
    /// What the field holds.
    pub expected: &'static str,
    /// Its value when left out.
    pub default: &'static str,
    /// What it means in the model.
    pub meaning: &'static str,
}
