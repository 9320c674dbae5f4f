//! Hints for unknown names: the "did you mean" every such message ends with.

/// `"; did you mean `x`?"` for the candidate closest to `word` (Jaro–Winkler above 0.8), or
/// nothing: the hint every "unknown name" message ends with.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    candidates
        .into_iter()
        .map(|k| (strsim::jaro_winkler(k, word), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| format!("; did you mean `{k}`?"))
        .unwrap_or_default()
}
