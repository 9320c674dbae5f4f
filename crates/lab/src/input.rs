//! Small CSV tables given as input (expert scores, alternatives, observed sales), read with
//! their line numbers so that a problem can name its line.

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
