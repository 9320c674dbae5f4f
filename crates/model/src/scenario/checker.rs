//! The problem collector every check writes to, and the checks shared by the scenario's
//! sections.

use super::schema::{expected_of, ValueSpec};
use super::toml_text::LineIndex;
use super::{Attribute, Problem};

/// Collects the problems of one scenario, each with its line.
pub(super) struct Checker<'a> {
    pub(super) source: &'a str,
    pub(super) lines: &'a LineIndex,
    pub(super) problems: Vec<Problem>,
}

impl Checker<'_> {
    pub(super) fn push(&mut self, field: &str, message: String, warning: bool) {
        self.problems.push(Problem {
            source: self.source.to_string(),
            line: self.lines.line_of(field),
            field: field.to_string(),
            message,
            warning,
        });
    }

    pub(super) fn error(&mut self, field: &str, message: impl Into<String>) {
        let mut message = message.into();
        if let Some(e) = expected_of(field) {
            message = format!("{message} (expected {e})");
        }
        self.push(field, message, false);
    }

    pub(super) fn warn(&mut self, field: &str, message: impl Into<String>) {
        self.push(field, message.into(), true);
    }

    pub(super) fn probability(&mut self, field: &str, value: f64) {
        if !(0.0..=1.0).contains(&value) {
            self.error(field, format!("{value} is not a probability"));
        }
    }

    /// `lo <= value <= hi` (NaN fails).
    pub(super) fn in_range(&mut self, field: &str, value: f64, lo: f64, hi: f64) {
        if !(lo..=hi).contains(&value) {
            self.error(field, format!("{value} is out of range"));
        }
    }

    /// `value >= lo` and finite.
    pub(super) fn at_least(&mut self, field: &str, value: f64, lo: f64) {
        if !(value >= lo && value.is_finite()) {
            self.error(field, format!("{value} is out of range"));
        }
    }

    /// `value > 0` and finite.
    pub(super) fn positive(&mut self, field: &str, value: f64) {
        if !(value > 0.0 && value.is_finite()) {
            self.error(field, format!("{value} is not positive"));
        }
    }

    /// A whole number in `lo..=hi`.
    pub(super) fn count_in(&mut self, field: &str, value: u32, lo: u32, hi: u32) {
        if !(lo..=hi).contains(&value) {
            self.error(field, format!("{value} is out of range"));
        }
    }
}

/// Checks a firm attribute's value or range against `[lo, hi]` (`hi` may be infinite).
pub(super) fn attribute(
    c: &mut Checker<'_>,
    field: &str,
    spec: ValueSpec,
    lo: f64,
    hi: f64,
) -> Attribute {
    let inside = |v: f64| v >= lo && v <= hi && v.is_finite();
    match spec {
        ValueSpec::Fixed(v) => {
            if !inside(v) {
                c.error(field, format!("{v} is out of range"));
            }
            Attribute::Fixed(v)
        }
        ValueSpec::Range { min, max } => {
            if !(inside(min) && inside(max) && min <= max) {
                c.error(
                    field,
                    format!("{{ min = {min}, max = {max} }} is not a range inside [{lo}, {hi}]"),
                );
            }
            Attribute::Uniform { min, max }
        }
    }
}
