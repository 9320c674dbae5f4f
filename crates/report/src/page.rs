//! What every report page shares: the embedded uPlot, the palette, the page's head and
//! charts, bar charts with intervals, and writing the file whole.

use anyhow::Context;
use clusterlab_lab::LabResult;
use std::fmt::Write as _;
use std::path::Path;

/// uPlot (MIT), the charting library every page embeds.
pub const UPLOT_JS: &str = include_str!("../assets/uplot/uPlot.iife.min.js");
/// uPlot's style sheet.
pub const UPLOT_CSS: &str = include_str!("../assets/uplot/uPlot.min.css");
/// uPlot's licence, printed in every page.
pub const UPLOT_LICENSE: &str = include_str!("../assets/uplot/LICENSE");

/// Okabe & Ito's colour-blind-safe palette.
pub const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000",
];

/// A JSON array of numbers (NaN as null).
pub fn json_array(values: &[f64]) -> String {
    let parts: Vec<String> = values
        .iter()
        .map(|v| {
            if v.is_finite() {
                format!("{v}")
            } else {
                "null".into()
            }
        })
        .collect();
    format!("[{}]", parts.join(","))
}

/// Text as a JavaScript string literal that is safe inside a `<script>` element.
pub fn js_string(text: &str) -> String {
    script_json(&serde_json::Value::from(text).to_string())
}

/// JSON text made safe inside a `<script>` element: `<` occurs in JSON only inside strings,
/// where `\u003c` means the same, so no `</script>` or `<!--` can end the element early.
pub fn script_json(json: &str) -> String {
    json.replace('<', "\\u003c")
}

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A line chart: a title, a caption, and series over a shared x axis.
pub struct Chart {
    pub id: String,
    pub title: String,
    pub caption: String,
    pub x_label: String,
    pub y_label: String,
    pub x: Vec<f64>,
    /// Label, values, dashed, colour index.
    pub series: Vec<(String, Vec<f64>, bool, usize)>,
}

/// The page's head and title, uPlot's styles included; the body is open after it.
pub fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>clusterlab report: {title}</title>\
<style>{UPLOT_CSS}\nbody{{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#111}}\
figure{{margin:1.5em 0}}figcaption{{font-size:.9em;color:#444}}table{{border-collapse:collapse;margin:.5em 0}}td,th{{border:1px solid #ccc;padding:.2em .5em;text-align:right}}\
th:first-child,td:first-child,td.text,th.text{{text-align:left}}pre{{background:#f6f6f6;padding:.5em;overflow:auto;max-height:30em}}\
@media print{{pre{{max-height:none}} .u-legend{{font-size:9pt}} button,input[type=range]{{display:none}}}}</style></head><body>\
<h1>{title}</h1>",
        title = escape(title)
    )
}

/// Each chart's figure: its heading, the place it is drawn, its caption.
pub fn chart_figures(html: &mut String, charts: &[Chart]) {
    for c in charts {
        let _ = write!(
            html,
            "<figure><h2>{}</h2><div id=\"chart-{}\" class=\"chart\" tabindex=\"0\" aria-label=\"{}\"></div><figcaption>{}</figcaption></figure>",
            escape(&c.title),
            c.id,
            escape(&c.title),
            escape(&c.caption)
        );
    }
}

/// uPlot, the charts' data, and the code that draws them; `extra` runs first (the map, the
/// network), with `palette` defined.
pub fn chart_script(html: &mut String, charts: &[Chart], extra: &str) {
    let _ = writeln!(html, "<script>{UPLOT_JS}</script><script>");
    let palette: Vec<String> = PALETTE.iter().map(|c| format!("{c:?}")).collect();
    let _ = writeln!(html, "const palette = [{}];", palette.join(","));
    html.push_str("const esc = t => String(t).replace(/[&<>\"']/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '\"': '&quot;', \"'\": '&#39;'}[c]));\n");
    html.push_str("const charts = [\n");
    for c in charts {
        let _ = write!(
            html,
            "{{id:{},xl:{},y:{},x:{},series:[",
            js_string(&format!("chart-{}", c.id)),
            js_string(&c.x_label),
            js_string(&c.y_label),
            json_array(&c.x)
        );
        for (label, values, dashed, colour) in &c.series {
            let colour = PALETTE[colour % PALETTE.len()];
            let _ = write!(
                html,
                "{{label:{},stroke:{},dash:{},data:{}}},",
                js_string(label),
                js_string(colour),
                if *dashed { "[6,4]" } else { "null" },
                json_array(values)
            );
        }
        html.push_str("]},\n");
    }
    html.push_str("];\n");
    html.push_str(extra);
    html.push_str(
        "for (const c of charts) {\n  const el = document.getElementById(c.id);\n  const opts = {width: Math.min(900, document.body.clientWidth || 900), height: 300,\n    scales: {x: {time: false}},\n    axes: [{label: c.xl}, {label: c.y}],\n    series: [{label: c.xl}].concat(c.series.map(s => ({label: s.label, stroke: s.stroke, width: s.dash ? 1.5 : 2, dash: s.dash || undefined})))};\n  new uPlot(opts, [c.x].concat(c.series.map(s => s.data)), el);\n}\n</script>",
    );
}

/// A bar for [`bars`]: label, value, and its 95% interval.
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub lo: f64,
    pub hi: f64,
}

/// Horizontal bars with their 95% intervals as whiskers, around zero, as an inline SVG.
pub fn bars(title: &str, axis: &str, rows: &[Bar]) -> String {
    bars_oriented(title, axis, rows, false)
}

/// [`bars`], where a negative value is the good direction when `lower_is_better`: the
/// colours follow what is better (blue), not the sign; a value that is not a number is grey.
pub fn bars_oriented(title: &str, axis: &str, rows: &[Bar], lower_is_better: bool) -> String {
    let finite = |v: f64| if v.is_finite() { v } else { 0.0 };
    let lo = rows
        .iter()
        .map(|b| finite(b.lo).min(finite(b.value)))
        .fold(0.0, f64::min);
    let hi = rows
        .iter()
        .map(|b| finite(b.hi).max(finite(b.value)))
        .fold(0.0, f64::max);
    let span = if hi > lo { hi - lo } else { 1.0 };
    let (left, width, row_h) = (230.0, 440.0, 24.0);
    let x = |v: f64| left + width * (finite(v) - lo) / span;
    let height = 40.0 + row_h * rows.len() as f64;
    let mut svg = format!(
        "<svg viewBox=\"0 0 720 {height}\" width=\"720\" height=\"{height}\" role=\"img\"><title>{}</title>",
        escape(title)
    );
    let _ = write!(
        svg,
        "<line x1=\"{z:.1}\" x2=\"{z:.1}\" y1=\"4\" y2=\"{b:.1}\" stroke=\"#888\"/>",
        z = x(0.0),
        b = height - 24.0
    );
    for (i, bar) in rows.iter().enumerate() {
        let y = 8.0 + row_h * i as f64;
        let (a, b) = (x(0.0).min(x(bar.value)), x(0.0).max(x(bar.value)));
        let colour = if !bar.value.is_finite() {
            "#999999"
        } else if (bar.value >= 0.0) != lower_is_better {
            PALETTE[0]
        } else {
            PALETTE[3]
        };
        let _ = write!(
            svg,
            "<text x=\"{tx:.1}\" y=\"{ty:.1}\" text-anchor=\"end\" font-size=\"12\">{label}</text>\
<rect x=\"{a:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"14\" fill=\"{colour}\" opacity=\"0.8\"><title>{label}: {v:.4} [{l:.4}, {h:.4}]</title></rect>",
            tx = left - 6.0,
            ty = y + 11.0,
            label = escape(&bar.label),
            w = (b - a).max(0.5),
            v = bar.value,
            l = bar.lo,
            h = bar.hi,
        );
        if bar.lo.is_finite() && bar.hi.is_finite() {
            let _ = write!(
                svg,
                "<line x1=\"{l:.1}\" x2=\"{h:.1}\" y1=\"{m:.1}\" y2=\"{m:.1}\" stroke=\"#000\"/><line x1=\"{l:.1}\" x2=\"{l:.1}\" y1=\"{t:.1}\" y2=\"{d:.1}\" stroke=\"#000\"/><line x1=\"{h:.1}\" x2=\"{h:.1}\" y1=\"{t:.1}\" y2=\"{d:.1}\" stroke=\"#000\"/>",
                l = x(bar.lo),
                h = x(bar.hi),
                m = y + 7.0,
                t = y + 3.0,
                d = y + 11.0
            );
        }
    }
    let _ = write!(
        svg,
        "<text x=\"{l:.1}\" y=\"{y:.1}\" font-size=\"11\">{lo:.3}</text><text x=\"{r:.1}\" y=\"{y:.1}\" font-size=\"11\" text-anchor=\"end\">{hi:.3}</text><text x=\"{c:.1}\" y=\"{y:.1}\" font-size=\"11\" text-anchor=\"middle\">{axis}</text></svg>",
        l = left,
        r = left + width,
        c = left + width / 2.0,
        y = height - 8.0,
        axis = escape(axis)
    );
    svg
}

/// The licence of the embedded uPlot, closing the page.
pub fn licence(html: &mut String) {
    let _ = write!(
        html,
        "<p style=\"font-size:.8em\">Charts drawn by uPlot 1.6.32, embedded; its licence:</p><pre style=\"font-size:.7em\">{}</pre>",
        escape(UPLOT_LICENSE)
    );
}

/// Writes the page to `out` whole: under a temporary name, then renamed.
pub fn write(out: &Path, html: &str) -> LabResult {
    clusterlab_store::atomic::write_atomically(out, |tmp| {
        std::fs::write(tmp, html).with_context(|| format!("cannot write {}", tmp.display()))
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_in_scripts_cannot_end_them() {
        let label = "</script><img src=x onerror=alert(1)><!--";
        let js = js_string(label);
        assert!(!js.contains('<'), "{js}");
        // The same string once parsed.
        let back: String = serde_json::from_str(&js).unwrap();
        assert_eq!(back, label);
        let json = script_json(r#"{"technologies":["</script>"],"w":3}"#);
        assert!(!json.contains("</"));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["technologies"][0], "</script>");
    }

    #[test]
    fn bars_take_the_better_direction_and_grey_for_nothing() {
        let rows = [
            Bar {
                label: "a".into(),
                value: -1.0,
                lo: -2.0,
                hi: 0.0,
            },
            Bar {
                label: "b".into(),
                value: f64::NAN,
                lo: f64::NAN,
                hi: f64::NAN,
            },
        ];
        let lower = bars_oriented("t", "x", &rows, true);
        assert!(lower.contains(&format!("fill=\"{}\"", PALETTE[0])));
        assert!(lower.contains("fill=\"#999999\""));
        let higher = bars("t", "x", &rows);
        assert!(higher.contains(&format!("fill=\"{}\"", PALETTE[3])));
    }
}
