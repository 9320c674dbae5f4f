//! Reading a scenario from TOML text, reporting every problem with its line.
//!
//! serde stops at the first error, but a user wants all of them at once. So the document is
//! parsed into a spanned tree, deserialised, and on each error the offending entry is
//! recorded and removed from the tree before trying again. What remains deserialises with
//! defaults in place of the removed entries, so the semantic checks of [`super::validate`]
//! still run on everything that was well-formed.

use super::schema::{expected_of, ScenarioFile};
use super::{Problem, Problems};
use serde_path_to_error::Segment;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// A map from field paths (`region.width`, `technology[1].p`) to the lines they are on.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    entries: Vec<(String, usize)>,
}

impl LineIndex {
    /// The 1-based line of the value at `path`, or of the closest enclosing entry.
    pub fn line_of(&self, path: &str) -> Option<usize> {
        let mut p = path;
        loop {
            if let Some((_, line)) = self.entries.iter().find(|(k, _)| k == p) {
                return Some(*line);
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }

    /// Whether `path` itself was written in the file (not only an enclosing table).
    pub fn contains(&self, path: &str) -> bool {
        self.entries.iter().any(|(k, _)| k == path)
    }

    fn build(table: &DeTable<'_>, text: &str) -> LineIndex {
        let starts = line_starts(text);
        let mut entries = Vec::new();
        walk_table(table, "", &starts, &mut entries);
        LineIndex { entries }
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

fn line_at(starts: &[usize], offset: usize) -> usize {
    starts.partition_point(|&s| s <= offset)
}

fn walk_table(table: &DeTable<'_>, prefix: &str, starts: &[usize], out: &mut Vec<(String, usize)>) {
    for (key, value) in table.iter() {
        let path = if prefix.is_empty() {
            key.get_ref().to_string()
        } else {
            format!("{prefix}.{}", key.get_ref())
        };
        walk_value(value, &path, line_at(starts, key.span().start), starts, out);
    }
}

fn walk_value(
    value: &Spanned<DeValue<'_>>,
    path: &str,
    key_line: usize,
    starts: &[usize],
    out: &mut Vec<(String, usize)>,
) {
    match value.get_ref() {
        DeValue::Table(t) => {
            out.push((path.to_string(), key_line));
            walk_table(t, path, starts, out);
        }
        DeValue::Array(items) => {
            out.push((path.to_string(), key_line));
            for (i, item) in items.iter().enumerate() {
                let item_path = format!("{path}[{i}]");
                let line = line_at(starts, item.span().start);
                walk_value(item, &item_path, line, starts, out);
            }
        }
        _ => out.push((path.to_string(), line_at(starts, value.span().start))),
    }
}

fn path_string(segments: &[Segment]) -> String {
    let mut s = String::new();
    for seg in segments {
        match seg {
            Segment::Seq { index } => s.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(key);
            }
            Segment::Unknown => s.push_str(".?"),
        }
    }
    s
}

/// The outcome of removing an entry below some value.
enum Removal {
    Done,
    /// The value itself must go: an array whose element was not a table.
    RemoveParent,
    Failed,
}

/// Removes the entry at `path` from the tree; false if there was nothing to remove.
fn remove_at(table: &mut DeTable<'_>, path: &[Segment]) -> bool {
    match path {
        [Segment::Map { key }] => table.remove(key.as_str()).is_some(),
        [Segment::Map { key }, rest @ ..] => {
            let outcome = match table.get_mut(key.as_str()) {
                Some(v) => remove_in_value(v.get_mut(), rest),
                None => Removal::Failed,
            };
            match outcome {
                Removal::Done => true,
                Removal::RemoveParent => table.remove(key.as_str()).is_some(),
                Removal::Failed => false,
            }
        }
        _ => false,
    }
}

fn remove_in_value(value: &mut DeValue<'_>, path: &[Segment]) -> Removal {
    match (value, path) {
        (DeValue::Table(t), p) => {
            if remove_at(t, p) {
                Removal::Done
            } else {
                Removal::Failed
            }
        }
        (DeValue::Array(items), [Segment::Seq { index }, rest @ ..]) => match items.get_mut(*index)
        {
            // An array of tables keeps its indices (they name the tables in later problems):
            // a bad table becomes an empty one, which takes every default.
            Some(item) if rest.is_empty() => match item.get_ref() {
                DeValue::Table(t) if t.is_empty() => Removal::Failed,
                DeValue::Table(_) => {
                    *item.get_mut() = DeValue::Table(DeTable::new());
                    Removal::Done
                }
                _ => Removal::RemoveParent,
            },
            Some(item) => match remove_in_value(item.get_mut(), rest) {
                Removal::RemoveParent if !matches!(item.get_ref(), DeValue::Table(_)) => {
                    Removal::RemoveParent
                }
                Removal::RemoveParent => {
                    *item.get_mut() = DeValue::Table(DeTable::new());
                    Removal::Done
                }
                other => other,
            },
            None => Removal::Failed,
        },
        _ => Removal::Failed,
    }
}

/// The unknown key named by serde's `unknown field` message, if that is what it is.
fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    Some(&rest[..rest.find('`')?])
}

/// "; did you mean `x`?" when serde's list of expected fields holds a close match.
fn did_you_mean(unknown: &str, message: &str) -> String {
    let Some((_, expected)) = message.split_once("expected one of ") else {
        return String::new();
    };
    super::did_you_mean(unknown, expected.split(", ").map(|k| k.trim_matches('`')))
}

/// A TOML file as read: the fields (defaults in place of anything unreadable), where each
/// field is, and the problems met while reading.
#[derive(Clone, Debug)]
pub struct Parsed<T> {
    /// The file's name in problems.
    pub source: String,
    /// The fields.
    pub file: T,
    /// Their lines.
    pub lines: LineIndex,
    /// Unknown fields and values of the wrong type, each removed before reading on.
    pub problems: Vec<Problem>,
}

/// A scenario file as read.
pub type ParsedScenario = Parsed<ScenarioFile>;

impl<T> Parsed<T> {
    /// A file built in code rather than read from text (no lines, no problems yet).
    pub fn from_file(file: T, source: &str) -> Parsed<T> {
        Parsed {
            source: source.to_string(),
            file,
            lines: LineIndex::default(),
            problems: Vec::new(),
        }
    }
}

/// Reads TOML `text` into a [`ParsedScenario`].
///
/// `source` names the text in problems (usually the file name). Syntax errors end the reading
/// (`Err`); unknown fields and values of the wrong type are collected in
/// [`ParsedScenario::problems`] so that [`super::validate`] can report them together with
/// every other problem.
pub fn parse_scenario_text(text: &str, source: &str) -> Result<ParsedScenario, Problems> {
    parse_toml(text, source, expected_of)
}

/// Reads TOML `text` into any strict serde type `T`, reporting every problem as
/// [`parse_scenario_text`] does; `expected` describes a field's expected value by its path.
pub fn parse_toml<T: serde::de::DeserializeOwned>(
    text: &str,
    source: &str,
    expected: impl Fn(&str) -> Option<&'static str>,
) -> Result<Parsed<T>, Problems> {
    let (root, syntax_errors) = DeTable::parse_recoverable(text);
    let starts = line_starts(text);
    if !syntax_errors.is_empty() {
        let mut problems: Vec<Problem> = syntax_errors
            .iter()
            .map(|e| Problem {
                source: source.to_string(),
                line: e.span().map(|s| line_at(&starts, s.start)),
                field: String::new(),
                message: format!("TOML syntax: {}", e.message().trim_end()),
                warning: false,
            })
            .collect();
        problems.sort_by_key(|p| p.line);
        return Err(Problems(problems));
    }
    let span = root.span();
    let mut table = root.into_inner();
    let index = LineIndex::build(&table, text);
    let mut problems = Vec::new();
    // Each round removes one bad entry; the bound only guards against a loop that cannot shrink.
    for _ in 0..256 {
        let de = toml::de::Deserializer::from(Spanned::new(span.clone(), table.clone()));
        match serde_path_to_error::deserialize::<_, T>(de) {
            Ok(file) => {
                return Ok(Parsed {
                    source: source.to_string(),
                    file,
                    lines: index,
                    problems,
                });
            }
            Err(err) => {
                let mut segments: Vec<Segment> = err.path().iter().cloned().collect();
                let message = err.inner().message().trim_end().to_string();
                if let Some(key) = unknown_field(&message) {
                    // serde's path ends at the table holding the unknown key.
                    if !matches!(segments.last(), Some(Segment::Map { key: k }) if k == key) {
                        segments.push(Segment::Map {
                            key: key.to_string(),
                        });
                    }
                }
                let field = path_string(&segments);
                let line = err
                    .inner()
                    .span()
                    .map(|s| line_at(&starts, s.start))
                    .or_else(|| index.line_of(&field));
                let message = match expected(&field) {
                    // serde's own "expected u32" says less than the field's documentation.
                    Some(expected) if unknown_field(&message).is_none() => {
                        let what = message.split(", expected").next().unwrap_or(&message);
                        format!("{what} (expected {expected})")
                    }
                    _ => match unknown_field(&message) {
                        Some(key) => format!("{message}{}", did_you_mean(key, &message)),
                        None => message,
                    },
                };
                let problem = Problem {
                    source: source.to_string(),
                    line,
                    field,
                    message,
                    warning: false,
                };
                if problems.last() == Some(&problem) {
                    return Err(Problems(problems));
                }
                problems.push(problem);
                if !remove_at(&mut table, &segments) {
                    return Err(Problems(problems));
                }
            }
        }
    }
    Err(Problems(problems))
}
