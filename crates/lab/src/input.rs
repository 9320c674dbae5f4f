//! The inputs a user hands over besides scenarios and experiments — expert scores
//! ([`read_gem_scores`]), alternatives of an evaluation ([`read_alternatives`]), observed sales
//! ([`read_sales`]), game files ([`read_game`]) — read and checked with their line numbers so
//! that every problem names its line; [`csv_rows`] the small CSV reader under them.

use crate::error::{LabError, LabResult};
use clusterlab_model::game::file::{check_game, GameFile, GameSpec};
use clusterlab_numerics::evaluation::Alternative;
use clusterlab_numerics::gem::{FACTORS, SCORE_RANGE};
use std::path::Path;

/// The rows of a CSV text with their line numbers in the file: comment (`#`) and blank lines
/// skipped, cells trimmed, quotes honoured. The first row is the header.
pub fn csv_rows(text: &str) -> Vec<(usize, Vec<String>)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .map(|(i, line)| {
            let cells = csv::ReaderBuilder::new()
                .has_headers(false)
                .trim(csv::Trim::All)
                .from_reader(line.as_bytes())
                .records()
                .next()
                .and_then(Result::ok)
                .map(|r| r.iter().map(str::to_string).collect())
                .unwrap_or_default();
            (i + 1, cells)
        })
        .collect()
}

/// Column names accepted for each factor.
const ALIASES: [[&str; 2]; 6] = [
    ["resources", "D11"],
    ["infrastructure", "D12"],
    ["suppliers", "D21"],
    ["structure", "D22"],
    ["local_markets", "D31"],
    ["external_markets", "D32"],
];

/// Reads the experts' labels and scores, refusing anything but six scores of 1–10 per row.
///
/// A file of a header and one row per expert: an optional `expert` label and the six factors
/// `resources`, `infrastructure`, `suppliers`, `structure`, `local_markets`,
/// `external_markets` (or D11, D12, D21, D22, D31, D32). Every bad cell is named by its line.
pub fn read_gem_scores(path: &Path) -> LabResult<Vec<(String, [f64; 6])>> {
    let source = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| LabError::input(format!("cannot read the scores {source}: {e}")))?;
    let rows = csv_rows(&text);
    let Some((header_line, columns)) = rows.first() else {
        return Err(LabError::input(format!(
            "{source}: the file is empty (expected a header and one row per expert)"
        )));
    };
    let header_line = *header_line;
    let mut index = [0usize; 6];
    for (f, names) in ALIASES.iter().enumerate() {
        index[f] = columns
            .iter()
            .position(|c| names.iter().any(|n| c.eq_ignore_ascii_case(n)))
            .ok_or_else(|| {
                LabError::input(format!(
                    "{source}:{header_line}: missing column `{}` (expected expert,{})",
                    names[0],
                    FACTORS.join(",")
                ))
            })?;
    }
    let label = columns
        .iter()
        .position(|c| c.eq_ignore_ascii_case("expert"));
    let mut experts = Vec::new();
    let mut problems = Vec::new();
    for (line, cells) in &rows[1..] {
        let line = *line;
        let mut scores = [0.0; 6];
        for (f, &col) in index.iter().enumerate() {
            let raw = cells.get(col).map_or("", String::as_str);
            match raw.parse::<f64>() {
                Ok(v) if (SCORE_RANGE.0..=SCORE_RANGE.1).contains(&v) => scores[f] = v,
                _ => problems.push(format!(
                    "{source}:{line}: {}: `{raw}` is not a score (expected a number from 1 to 10)",
                    FACTORS[f]
                )),
            }
        }
        let name = label
            .and_then(|l| cells.get(l).cloned())
            .unwrap_or_else(|| format!("expert-{}", experts.len() + 1));
        experts.push((name, scores));
    }
    if !problems.is_empty() {
        return Err(LabError::inputs(problems));
    }
    if experts.is_empty() {
        return Err(LabError::input(format!(
            "{source}: no experts (expected one row per expert after the header)"
        )));
    }
    Ok(experts)
}

/// Reads the sales column, refusing gaps, negative and non-numeric values.
///
/// A file with a column `sales` (or `adoptions`): new adopters per period, one row per period,
/// in order; an optional first column `period`, `year` or `t` must count up by one. Returns
/// the periods' labels and the sales; at least four periods.
pub fn read_sales(path: &Path) -> LabResult<(Vec<String>, Vec<f64>)> {
    let source = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| LabError::input(format!("cannot read the data {source}: {e}")))?;
    let rows = csv_rows(&text);
    let Some((header_line, header)) = rows.first() else {
        return Err(LabError::input(format!(
            "{source}: the file is empty (expected a header with `sales` and one row per period)"
        )));
    };
    let sales_col = header
        .iter()
        .position(|c| c == "sales" || c == "adoptions")
        .ok_or_else(|| {
            LabError::input(format!(
                "{source}:{header_line}: no `sales` column (expected `sales` or `adoptions`: new adopters per period)"
            ))
        })?;
    let period_col = header
        .iter()
        .position(|c| c == "period" || c == "year" || c == "t");
    let mut problems = Vec::new();
    let (mut periods, mut sales) = (Vec::new(), Vec::new());
    let mut previous: Option<i64> = None;
    for (line, row) in &rows[1..] {
        let cell = row.get(sales_col).map_or("", |s| s.trim());
        match cell.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => sales.push(v),
            Ok(v) if v.is_finite() => problems.push(format!(
                "{source}:{line}: sales: {v} is negative (expected new adopters, at least 0)"
            )),
            _ if cell.is_empty() => problems.push(format!(
                "{source}:{line}: sales: empty (a gap: every period needs its sales)"
            )),
            _ => problems.push(format!("{source}:{line}: sales: `{cell}` is not a number")),
        }
        let label = match period_col {
            Some(c) => {
                let cell = row.get(c).map_or("", |s| s.trim());
                match cell.parse::<i64>() {
                    Ok(p) => {
                        if let Some(before) = previous {
                            if before.checked_add(1) != Some(p) {
                                problems.push(format!(
                                    "{source}:{line}: {}: {p} follows {before} (a gap: periods must count up by one)",
                                    header[c]
                                ));
                            }
                        }
                        previous = Some(p);
                    }
                    Err(_) => problems.push(format!(
                        "{source}:{line}: {}: `{cell}` is not a whole number",
                        header[c]
                    )),
                }
                cell.to_string()
            }
            None => (periods.len() + 1).to_string(),
        };
        periods.push(label);
    }
    if !problems.is_empty() {
        return Err(LabError::inputs(problems));
    }
    if sales.len() < 4 {
        return Err(LabError::input(format!(
            "{source}: {} periods are too few (expected at least 4 to fit three parameters)",
            sales.len()
        )));
    }
    Ok((periods, sales))
}

/// Reads alternatives of an evaluation: a column `alternative`, then the indicators by id (in
/// any order), every bad cell named by its line.
pub fn read_alternatives(path: &Path, ids: &[&str]) -> LabResult<Vec<Alternative>> {
    let source = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| LabError::input(format!("cannot read the alternatives {source}: {e}")))?;
    let rows = csv_rows(&text);
    let Some((header_line, columns)) = rows.first() else {
        return Err(LabError::input(format!(
            "{source}: the file is empty (expected a header `alternative,{}` and one row per alternative)",
            ids.join(",")
        )));
    };
    let header_line = *header_line;
    let name_column = columns.iter().position(|c| c == "alternative");
    let mut index = Vec::with_capacity(ids.len());
    for id in ids {
        index.push(columns.iter().position(|c| c == id).ok_or_else(|| {
            LabError::input(format!("{source}:{header_line}: missing column `{id}` (expected one column per indicator of the spec)"))
        })?);
    }
    let mut problems = Vec::new();
    let mut alternatives = Vec::new();
    for (line, row) in &rows[1..] {
        let line = *line;
        let mut values = Vec::with_capacity(ids.len());
        for (id, &col) in ids.iter().zip(&index) {
            let raw = row.get(col).map_or("", String::as_str);
            match raw.parse::<f64>() {
                Ok(v) if v.is_finite() => values.push(v),
                _ => problems.push(format!(
                    "{source}:{line}: {id}: `{raw}` is not a number (expected a finite number)"
                )),
            }
        }
        let name = name_column
            .and_then(|c| row.get(c).cloned())
            .unwrap_or_else(|| format!("alternative-{}", alternatives.len() + 1));
        alternatives.push(Alternative { name, values });
    }
    if !problems.is_empty() {
        return Err(LabError::inputs(problems));
    }
    if alternatives.is_empty() {
        return Err(LabError::input(format!(
            "{source}: no alternatives (expected one row per alternative after the header)"
        )));
    }
    Ok(alternatives)
}

/// Reads and checks a game file (`clusterlab game`): every problem with its line.
pub fn read_game(path: &Path) -> LabResult<GameSpec> {
    let source = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| LabError::input(format!("cannot read the game {source}: {e}")))?;
    let parsed: clusterlab_model::scenario::Parsed<GameFile> =
        clusterlab_model::scenario::parse_toml(
            &text,
            &source,
            clusterlab_model::game::file::expected_of,
        )
        .map_err(|p| LabError::inputs(p.0.iter().map(|p| p.to_string()).collect()))?;
    check_game(&parsed).map_err(|p| LabError::inputs(p.0.iter().map(|p| p.to_string()).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_keep_their_file_lines() {
        let rows = csv_rows("# note\nname,a\n\n\"x, y\", 2\n");
        assert_eq!(rows[0], (2, vec!["name".to_string(), "a".to_string()]));
        assert_eq!(rows[1], (4, vec!["x, y".to_string(), "2".to_string()]));
    }
}
