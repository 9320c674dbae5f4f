//! Small CSV tables given as input (expert scores, alternatives, observed sales), read with
//! their line numbers so that a problem can name its line.

use crate::error::{LabError, LabResult};
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
