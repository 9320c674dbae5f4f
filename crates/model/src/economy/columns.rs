//! The time series' columns, each declared once: the macro `columns!` turns a struct of
//! named fields — one per column, the field's name the column's name — into the struct, its
//! column names and its values in declaration order. Names and values cannot drift apart, and
//! adding a column is one documented field in one struct.

use super::lifecycle::Phase;

/// A field's value as its column records it.
pub trait ColumnValue: Copy {
    /// The number written in the column.
    fn column_value(self) -> f64;
}

impl ColumnValue for f64 {
    fn column_value(self) -> f64 {
        self
    }
}

/// A phase is recorded by its code: 0 emergence, 1 growth, 2 maturity, 3 decline, 4 renewal.
impl ColumnValue for Phase {
    fn column_value(self) -> f64 {
        f64::from(self as u8)
    }
}

/// Declares a struct of columns: every field is a column named after it, of a type that is a
/// [`ColumnValue`]. Generates, beside the struct, `NAMES` (the column names in declaration
/// order), `for_each_column` (each name with its value), `pairs` and `values` (the same as
/// iterators).
macro_rules! columns {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$field_meta:meta])*
                pub $field:ident: $ty:ty,
            )*
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $(
                $(#[$field_meta])*
                pub $field: $ty,
            )*
        }

        impl $name {
            /// The column names, in declaration order: the fields' names.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($field)),*];

            /// Calls `f` with each column's name and value, in the order of [`Self::NAMES`].
            pub fn for_each_column(&self, mut f: impl FnMut(&'static str, f64)) {
                $(
                    f(
                        stringify!($field),
                        $crate::economy::columns::ColumnValue::column_value(self.$field),
                    );
                )*
            }

            /// The values, in the order of [`Self::NAMES`].
            pub fn values(&self) -> impl Iterator<Item = f64> {
                [$($crate::economy::columns::ColumnValue::column_value(self.$field)),*]
                    .into_iter()
            }

            /// Each column's name with its value, in the order of [`Self::NAMES`].
            pub fn pairs(&self) -> impl Iterator<Item = (&'static str, f64)> {
                Self::NAMES.iter().copied().zip(self.values())
            }
        }
    };
}

pub(crate) use columns;
