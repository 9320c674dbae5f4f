//! Firm CSV files: one row per firm, with its cell and attributes.

use super::{FirmRecord, Problem};

/// The text of a firm CSV and the name to report problems under.
#[derive(Clone, Copy, Debug)]
pub struct FirmCsv<'a> {
    /// File name as the user gave it.
    pub source: &'a str,
    /// The whole file.
    pub text: &'a str,
}

/// Columns the reader understands; `x` and `y` are required.
pub const FIRM_COLUMNS: &[&str] = &[
    "x",
    "y",
    "absorptive_capacity",
    "knowledge",
    "rd_intensity",
    "capital",
    "openness",
    "position",
    "id",
];

impl FirmCsv<'_> {
    /// Parses the rows, checking cells against a `width × height` region. Problems go to
    /// `problems`; rows with errors are skipped.
    pub(crate) fn read(
        &self,
        width: u32,
        height: u32,
        default_capacity: f64,
        problems: &mut Vec<Problem>,
    ) -> Vec<FirmRecord> {
        let problem = |line: Option<usize>, field: &str, message: String, warning: bool| Problem {
            source: self.source.to_string(),
            line,
            field: field.to_string(),
            message,
            warning,
        };
        // Comment lines are dropped here rather than by the reader, keeping each remaining
        // line's number in the file for the problems.
        let mut kept = String::with_capacity(self.text.len());
        let mut file_line = Vec::new();
        for (i, line) in self.text.lines().enumerate() {
            if !line.trim_start().starts_with('#') {
                kept.push_str(line);
                kept.push('\n');
                file_line.push(i + 1);
            }
        }
        let line_in_file = |line: u64| {
            file_line
                .get(line as usize - 1)
                .copied()
                .or(Some(line as usize))
        };
        let header_line = file_line.first().copied().or(Some(1));
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(kept.as_bytes());
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                problems.push(problem(
                    header_line,
                    "",
                    format!("cannot read the header: {e}"),
                    false,
                ));
                return Vec::new();
            }
        };
        let column = |name: &str| headers.iter().position(|h| h == name);
        for (i, h) in headers.iter().enumerate() {
            if headers.iter().take(i).any(|earlier| earlier == h) {
                problems.push(problem(
                    header_line,
                    h,
                    format!("column `{h}` appears twice (expected each column once)"),
                    false,
                ));
            }
        }
        let (x_col, y_col) = (column("x"), column("y"));
        for required in ["x", "y"] {
            if column(required).is_none() {
                problems.push(problem(
                    header_line,
                    required,
                    format!(
                        "missing column `{required}` (expected a header with columns x,y and optionally absorptive_capacity; found {})",
                        headers.iter().collect::<Vec<_>>().join(",")
                    ),
                    false,
                ));
            }
        }
        for h in headers.iter().filter(|h| !FIRM_COLUMNS.contains(h)) {
            problems.push(problem(
                header_line,
                h,
                format!(
                    "unknown column `{h}` is ignored (known: {})",
                    FIRM_COLUMNS.join(", ")
                ),
                true,
            ));
        }
        let (Some(x_col), Some(y_col)) = (x_col, y_col) else {
            return Vec::new();
        };

        let mut firms = Vec::new();
        let mut occupied = std::collections::HashMap::new();
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().and_then(|p| line_in_file(p.line()));
                    problems.push(problem(line, "", format!("malformed row: {e}"), false));
                    continue;
                }
            };
            let line = record.position().and_then(|p| line_in_file(p.line()));
            let mut ok = true;
            let mut coord = |col: usize, name: &str, limit: u32| -> u32 {
                let raw = record.get(col).unwrap_or("");
                match raw.parse::<u32>() {
                    Ok(v) if v < limit => v,
                    _ => {
                        problems.push(problem(
                            line,
                            name,
                            format!("`{raw}` is not a cell of the region (expected a whole number from 0 to {})", limit - 1),
                            false,
                        ));
                        ok = false;
                        0
                    }
                }
            };
            let x = coord(x_col, "x", width);
            let y = coord(y_col, "y", height);
            // Optional numeric columns: empty means "take the scenario's value".
            let mut number = |name: &str, lo: f64, hi: f64, expected: &str| -> Option<f64> {
                let raw = record.get(column(name)?).unwrap_or("");
                if raw.is_empty() {
                    return None;
                }
                match raw.parse::<f64>() {
                    Ok(v) if v >= lo && v <= hi && v.is_finite() => Some(v),
                    _ => {
                        problems.push(problem(
                            line,
                            name,
                            format!("`{raw}` is out of range (expected {expected})"),
                            false,
                        ));
                        ok = false;
                        None
                    }
                }
            };
            let capacity = number("absorptive_capacity", 0.0, 1.0, "a number in [0, 1]")
                .unwrap_or(default_capacity);
            let knowledge = number("knowledge", 0.0, 1e12, "a number from 0 to 1e12");
            let rd_intensity = number("rd_intensity", 0.0, 1.0, "a number in [0, 1]");
            let capital = number("capital", 0.0, 1e12, "a number from 0 to 1e12");
            let openness = number("openness", 0.0, 1.0, "a number in [0, 1]");
            let position = number("position", 0.0, 1.0 - f64::EPSILON, "a number in [0, 1)");
            if !ok {
                continue;
            }
            if let Some(first) = occupied.insert((x, y), line) {
                problems.push(problem(
                    line,
                    "x,y",
                    format!(
                        "a second firm on cell ({x}, {y}), first placed on line {} (expected at most one firm per cell)",
                        first.map_or("?".to_string(), |l| l.to_string())
                    ),
                    false,
                ));
                continue;
            }
            firms.push(FirmRecord {
                x,
                y,
                absorptive_capacity: capacity,
                knowledge,
                rd_intensity,
                capital,
                openness,
                position,
            });
        }
        firms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<FirmRecord>, Vec<Problem>) {
        let mut problems = Vec::new();
        let firms = FirmCsv {
            source: "f.csv",
            text,
        }
        .read(10, 5, 0.5, &mut problems);
        (firms, problems)
    }

    #[test]
    fn reads_positions_and_capacities() {
        let (firms, problems) = read("x,y,absorptive_capacity\n0,0,0.9\n9,4,\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(firms.len(), 2);
        assert_eq!(firms[0].absorptive_capacity, 0.9);
        assert_eq!(
            firms[1].absorptive_capacity, 0.5,
            "empty cell falls back to the default"
        );
    }

    #[test]
    fn a_missing_column_is_named() {
        let (_, problems) = read("x,capacity\n1,0.5\n");
        let p = problems.iter().find(|p| !p.warning).unwrap();
        assert_eq!(p.field, "y");
        assert!(p.message.contains("missing column `y`"), "{}", p.message);
        assert!(problems.iter().any(|p| p.warning && p.field == "capacity"));
    }

    #[test]
    fn lines_count_comment_lines_too() {
        let (_, problems) = read("# my firms\n# more\nx,y,colour\n1,1,red\n# a note\n10,0,blue\n");
        let lines: Vec<_> = problems
            .iter()
            .map(|p| (p.line.unwrap(), p.field.as_str()))
            .collect();
        assert_eq!(lines, vec![(3, "colour"), (6, "x")]);
    }

    #[test]
    fn a_repeated_column_is_refused() {
        let (_, problems) = read("x,y,x\n1,1,2\n");
        assert!(problems
            .iter()
            .any(|p| !p.warning && p.message.contains("appears twice")));
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line() {
        let (firms, problems) = read("x,y\n1,1\n10,1\n-1,2\n1,1\n2,a\n");
        assert_eq!(firms.len(), 1);
        let lines: Vec<_> = problems.iter().map(|p| p.line.unwrap()).collect();
        assert_eq!(lines, vec![3, 4, 5, 6]);
        assert!(problems[2].message.contains("second firm"));
    }
}
