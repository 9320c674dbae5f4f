//! Self-contained HTML reports, to open offline or send on: of a run's directory
//! ([`write_report`]), of a sweep's ([`write_any`] picks), and of a policy comparison
//! ([`policy::write`]). The charts are drawn by uPlot (MIT), embedded whole.
//!
//! **Architecture invariant:** a report reads what `clusterlab-lab` and `clusterlab-store`
//! wrote through their types; it runs nothing but the summaries a stale sweep report needs.
#![deny(missing_docs)]

mod experiment;
mod page;
pub mod policy;

use clusterlab_lab::{LabError, LabResult};
use clusterlab_numerics::fit::{bass_nls, bass_ols};
use page::{chart_figures, chart_script, escape, Chart};
pub use page::{UPLOT_CSS, UPLOT_JS};
use std::fmt::Write as _;
use std::path::Path;

/// Writes the report of `dir` to `out`: a sweep's when it holds a catalogue, else a run's.
pub fn write_any(dir: &Path, out: &Path) -> LabResult {
    if dir.join(clusterlab_store::catalogue::FILE).is_file() {
        experiment::write(dir, out)
    } else {
        write_report(dir, out)
    }
}

/// The adoption share the Bass model fitted to a technology's share curve predicts, per step
/// (`None` where the fit is not possible or not meaningful: too few steps, no saturation yet,
/// or a share that falls as a better technology displaces it — the Bass model has no exit).
/// The model is fitted to the share's rises step by step, so firms entering and leaving the
/// cluster do not distort it.
fn bass_curve(steps: &[f64], share: &[f64], arrival: usize) -> Option<Vec<f64>> {
    if share.len() <= arrival + 4 {
        return None;
    }
    let peak = share.iter().copied().fold(0.0, f64::max);
    if share.last().copied().unwrap_or(0.0) < 0.95 * peak {
        return None;
    }
    let rises: Vec<f64> = (arrival + 1..share.len())
        .map(|t| (share[t] - share[t - 1]).max(0.0))
        .collect();
    let ols = bass_ols(&rises).ok()?;
    let fit = bass_nls(&rises, [ols.m.value, ols.p.value, ols.q.value]).unwrap_or(ols);
    let mut cumulative = share[arrival];
    let mut curve = vec![f64::NAN; steps.len()];
    curve[arrival] = cumulative;
    for (i, s) in fit.fitted.iter().enumerate() {
        cumulative += s;
        curve[arrival + 1 + i] = cumulative;
    }
    Some(curve)
}

/// The GEM radar of six scores (1–10) as an inline SVG.
fn radar(scores: &[(String, f64)]) -> String {
    let (cx, cy, r) = (210.0, 150.0, 105.0);
    let n = scores.len() as f64;
    let point = |i: usize, v: f64| {
        let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n;
        (
            cx + r * v / 10.0 * angle.cos(),
            cy + r * v / 10.0 * angle.sin(),
        )
    };
    let mut svg = String::from(
        "<svg viewBox=\"0 0 420 300\" width=\"420\" height=\"300\" role=\"img\" aria-labelledby=\"radar-title\"><title id=\"radar-title\">GEM factors at the last step, 1 to 10</title>",
    );
    for ring in [2.5, 5.0, 7.5, 10.0] {
        let pts: Vec<String> = (0..scores.len())
            .map(|i| {
                let (x, y) = point(i, ring);
                format!("{x:.1},{y:.1}")
            })
            .collect();
        let _ = write!(
            svg,
            "<polygon points=\"{}\" fill=\"none\" stroke=\"#bbb\"/>",
            pts.join(" ")
        );
    }
    let pts: Vec<String> = scores
        .iter()
        .enumerate()
        .map(|(i, (_, v))| {
            let (x, y) = point(i, *v);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let _ = write!(
        svg,
        "<polygon points=\"{}\" fill=\"#0072B233\" stroke=\"#0072B2\" stroke-width=\"2\"/>",
        pts.join(" ")
    );
    for (i, (label, v)) in scores.iter().enumerate() {
        let (x, y) = point(i, 11.5);
        let _ = write!(
            svg,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"middle\" font-size=\"11\">{} {v:.1}</text>",
            escape(label)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The "Stylised facts" section of a run whose folder holds the firm panel: each fact's
/// statistics on this one run (no intervals: that takes several seeds, `clusterlab facts`),
/// the criterion, whether it passes, the verdict and the source. A panel that cannot be read
/// is said so in the section.
fn stylised_facts(html: &mut String, dir: &Path) {
    use clusterlab_lab::facts::{assess, format_number, measure, read_run, Holds};
    html.push_str("<h2>Stylised facts</h2>");
    let battery = match read_run(dir, None) {
        Ok(data) => assess(&[measure(&data)]),
        Err(e) => {
            let _ = write!(
                html,
                "<p>The firm panel could not be measured: {}</p>",
                escape(&e.to_string())
            );
            return;
        }
    };
    let _ = write!(
        html,
        "<p>The regularities of firm and industry dynamics (docs/validation.md) measured on this run's firm panel: {} steps a year, the firm-level facts after a {}-year burn-in. {} of {} facts hold on this one run; {} cannot be assessed. One run has no intervals: <code>clusterlab facts</code> on runs with several seeds gives means with 95% intervals.</p>",
        battery.steps_per_year,
        battery.burn_in_years,
        battery.holding,
        battery.facts.len(),
        battery.facts.len() - battery.applicable
    );
    html.push_str("<table><tr><th>fact</th><th>statistic</th><th>value</th><th>criterion</th><th>passes</th></tr>");
    for fact in &battery.facts {
        let verdict = match fact.holds {
            Holds::Yes => "holds".to_string(),
            Holds::No => format!("does not hold ({})", fact.why.as_deref().unwrap_or("")),
            Holds::NotApplicable => format!(
                "not applicable: {}",
                fact.why.as_deref().unwrap_or("no value")
            ),
        };
        let _ = write!(
            html,
            "<tr><th>{}</th><td colspan=\"4\">{} — <strong>{}</strong><br><small>{}; {}</small></td></tr>",
            escape(fact.id),
            escape(fact.name),
            escape(&verdict),
            escape(fact.criterion),
            escape(fact.source)
        );
        for s in &fact.statistics {
            let passes = match s.passes {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            };
            let _ = write!(
                html,
                "<tr><td></td><td title=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(s.meaning),
                escape(s.name),
                escape(&format_number(s.mean)),
                escape(&s.test),
                passes
            );
        }
    }
    html.push_str("</table>");
}

/// Writes the report of run directory `dir` to `out` (atomically).
pub fn write_report(dir: &Path, out: &Path) -> LabResult {
    let series = clusterlab_lab::run::read_timeseries(dir)?;
    let summary = clusterlab_lab::run::read_summary(dir)?;
    let steps = series
        .column("step")
        .ok_or_else(|| {
            LabError::input(format!(
                "{}: no `step` column",
                dir.join("timeseries.csv").display()
            ))
        })?
        .to_vec();
    let mut charts = Vec::new();
    // Adoption, with the Bass curve fitted to each technology.
    let mut adoption = Vec::new();
    let mut fits_note = Vec::new();
    let mut colour = 0;
    for t in &summary.technologies {
        let id = t.id.as_str();
        let Some(share) = series.column(&format!("share:{id}")) else {
            continue;
        };
        if share.iter().all(|&s| s == 0.0) {
            continue;
        }
        adoption.push((id.to_string(), share.to_vec(), false, colour));
        let arrival = t.arrival.unwrap_or(0) as usize;
        let arrival = arrival.min(steps.len().saturating_sub(1));
        match bass_curve(&steps, share, arrival) {
            Some(curve) => adoption.push((format!("{id} (Bass fit)"), curve, true, colour)),
            None => fits_note.push(id.to_string()),
        }
        colour += 1;
    }
    charts.push(Chart {
        id: "adoption".into(),
        title: "Adoption".into(),
        caption: if fits_note.is_empty() {
            "Share of firms holding each technology (solid) and the Bass model fitted to its curve by non-linear least squares (dashed).".into()
        } else {
            format!("Share of firms holding each technology (solid) and the Bass curve fitted to it (dashed); no fit for {} (too few steps, no saturation yet, or displaced by a better technology).", fits_note.join(", "))
        },
        x_label: "step".into(),
        y_label: "share of firms".into(),
        x: steps.clone(),
        series: adoption,
    });
    let pick = |names: &[&str]| -> Vec<(String, Vec<f64>, bool, usize)> {
        names
            .iter()
            .enumerate()
            .filter_map(|(i, n)| {
                series
                    .column(n)
                    .map(|c| (n.replace('_', " "), c.to_vec(), false, i))
            })
            .collect()
    };
    let factors = pick(clusterlab_model::economy::diagnosis::DynamicFactors::NAMES);
    if !factors.is_empty() {
        charts.push(Chart {
            id: "factors".into(),
            title: "The six dynamic factors".into(),
            caption: "Tao & Chen's driving forces of cluster innovation, each an index in [0, 1] (docs/ODD.md, S15).".into(),
            x_label: "step".into(),
            y_label: "index".into(),
            x: steps.clone(),
            series: factors,
        });
        charts.push(Chart {
            id: "classes".into(),
            title: "Firms by class".into(),
            caption: "Technology leaders, middle firms and laggards by unit-cost rank.".into(),
            x_label: "step".into(),
            y_label: "firms".into(),
            x: steps.clone(),
            series: pick(&["leaders", "middle_firms", "laggards"]),
        });
        // The life cycle: firms alive, and where each phase the rule found began.
        if let Some(economy) = summary.economy.as_ref() {
            let phases: Vec<String> = economy
                .life_cycle
                .phases
                .iter()
                .map(|p| format!("{} from step {}", p.phase, p.start))
                .collect();
            charts.push(Chart {
                id: "lifecycle".into(),
                title: "Life cycle".into(),
                caption: format!(
                    "Firms alive. The phases the rule of docs/ODD.md (S20) found: {}.",
                    phases.join(", ")
                ),
                x_label: "step".into(),
                y_label: "firms".into(),
                x: steps.clone(),
                series: pick(&["firms"]),
            });
        }
        charts.push(Chart {
            id: "welfare".into(),
            title: "Welfare".into(),
            caption: "Consumer surplus of the local market plus profits, per step.".into(),
            x_label: "step".into(),
            y_label: "welfare".into(),
            x: steps.clone(),
            series: pick(&["welfare", "profits", "consumer_surplus"]),
        });
    }
    let gem: Vec<(String, f64)> = [
        ("resources", "gem_resources"),
        ("infrastructure", "gem_infrastructure"),
        ("suppliers", "gem_suppliers"),
        ("structure", "gem_structure"),
        ("local markets", "gem_local_markets"),
        ("external markets", "gem_external_markets"),
    ]
    .iter()
    .filter_map(|(label, col)| {
        series
            .column(col)
            .and_then(|c| c.last())
            .map(|v| (label.to_string(), *v))
    })
    .collect();

    // The page.
    let name = summary.scenario.name.as_str();
    let source = summary.scenario_source.as_str();
    let seed = summary.seed.to_string();
    let mut html = page::head(name);
    let _ = write!(
        html,
        "<p>Scenario <code>{source}</code>, seed <code>{seed}</code>, {steps} steps. Repeat it with <code>clusterlab run {source} --seed {seed}</code>.</p>",
        source = escape(source),
        steps = steps.len().saturating_sub(1)
    );
    chart_figures(&mut html, &charts);
    // The diffusion map, when the run recorded one (`run --report`).
    let maps = std::fs::read_to_string(dir.join("maps.json"))
        .ok()
        .map(|m| page::script_json(&m));
    if let Some(maps) = &maps {
        let _ = write!(
            html,
            "<figure><h2>Diffusion map</h2><canvas id=\"map\" width=\"600\" height=\"360\" role=\"img\" aria-label=\"the region's firms by the technology they hold\"></canvas>\
<div><label for=\"map-group\">technologies shown</label> <select id=\"map-group\"></select></div><div><button id=\"map-play\" type=\"button\">play</button> <label for=\"map-step\">step <output id=\"map-label\"></output></label> <input id=\"map-step\" type=\"range\" min=\"0\" value=\"0\"></div>\
<div id=\"map-legend\"></div><figcaption>The region's cells at twelve steps: empty (white), a firm holding none of the chosen competition group's technologies (grey), or the one it holds (legend; a firm holds at most one technology of a group). Choose the group; use the slider or the arrow keys, or play it.</figcaption></figure><script>const maps = {maps};</script>"
        );
    }
    // The network, when the run recorded it (`run --report` with the economy).
    let network = std::fs::read_to_string(dir.join("network.json")).ok();
    if let Some(network) = &network {
        let v: serde_json::Value = serde_json::from_str(network).unwrap_or_default();
        let shown = v["nodes"].as_array().map_or(0, Vec::len);
        let tied = v["tied_firms"].as_u64().unwrap_or(0);
        let thinned = if (shown as u64) < tied {
            format!(" Thinned for drawing: {shown} of the tied firms, with the ties among them.")
        } else {
            String::new()
        };
        let network = page::script_json(network);
        let _ = write!(
            html,
            "<figure><h2>Network</h2><canvas id=\"network\" width=\"600\" height=\"360\" role=\"img\" aria-label=\"the ties between firms, each firm where it sits\"></canvas>\
<div id=\"network-legend\"></div><figcaption>The ties between firms at step {step}: {tied} of {firms} firms have at least one; {ties} ties in all. Each tied firm is drawn where it sits, coloured by class, its size growing with its ties; grey lines are ties.{thinned}</figcaption></figure><script>const network = {network};</script>",
            step = v["step"],
            firms = v["firms"],
            ties = v["ties"],
        );
    }
    if gem.len() == 6 {
        let _ = write!(
            html,
            "<figure><h2>GEM</h2>{}<figcaption>The six GEM factors at the last step (Padmore &amp; Gibson), 1 to 10; GEM score {:.1}.</figcaption></figure>",
            radar(&gem),
            series.column("gem").and_then(|c| c.last()).copied().unwrap_or(f64::NAN)
        );
    }
    html.push_str("<h2>Diffusion performance</h2><table><tr><th>technology</th><th>t10</th><th>t50</th><th>t90</th><th>peak rate</th><th>final share</th><th>spatial reach</th></tr>");
    let cell = |v: Option<f64>| match v {
        Some(x) if x.fract() == 0.0 => format!("{x}"),
        Some(x) => format!("{x:.4}"),
        None => "–".into(),
    };
    let step = |t: Option<usize>| t.map(|t| t as f64);
    for t in &summary.technologies {
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&t.id),
            cell(step(t.t10)),
            cell(step(t.t50)),
            cell(step(t.t90)),
            cell(Some(t.peak_adoption_rate)),
            cell(Some(t.final_share)),
            cell(Some(t.spatial_reach))
        );
    }
    html.push_str("</table>");
    if dir.join(clusterlab_lab::run::PANEL).is_file() {
        stylised_facts(&mut html, dir);
    }
    // As a JSON value, keys in alphabetical order.
    let scenario = serde_json::to_value(&summary.scenario)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_default();
    let _ = write!(html, "<h2>Scenario</h2><pre>{}</pre>", escape(&scenario));
    page::licence(&mut html);
    let extra = "if (typeof maps !== 'undefined') {\n\
  const canvas = document.getElementById('map'), ctx = canvas.getContext('2d');\n\
  const slider = document.getElementById('map-step'), label = document.getElementById('map-label');\n\
  slider.max = maps.steps.length - 1;\n\
  const choice = document.getElementById('map-group'); let group = 0;\n\
  choice.innerHTML = maps.groups.map((g, k) => '<option value=\"' + k + '\">' + esc(g.technologies.join(', ')) + '</option>').join('');\n\
  const cell = Math.max(1, Math.floor(Math.min(600 / maps.width, 600 / maps.height)));\n\
  canvas.width = maps.width * cell; canvas.height = maps.height * cell;\n\
  const colour = ch => ch === '0' ? '#ffffff' : ch === '1' ? '#d9d9d9' : palette[(parseInt(ch, 36) - 2) % palette.length];\n\
  const draw = i => { const f = maps.groups[group].frames[i]; for (let y = 0; y < maps.height; y++) for (let x = 0; x < maps.width; x++) { ctx.fillStyle = colour(f[y * maps.width + x]); ctx.fillRect(x * cell, y * cell, cell, cell); } label.textContent = maps.steps[i]; };\n\
  const legend = () => { document.getElementById('map-legend').innerHTML = maps.groups[group].technologies.map((t, j) => '<span style=\"display:inline-block;width:.8em;height:.8em;background:' + palette[j % palette.length] + '\"></span> ' + esc(t)).join(' &nbsp; '); };\n\
  choice.addEventListener('change', () => { group = +choice.value; legend(); draw(+slider.value); });\n\
  legend();\n\
  slider.addEventListener('input', () => draw(+slider.value));\n\
  let timer = null; const play = document.getElementById('map-play');\n\
  play.addEventListener('click', () => { if (timer) { clearInterval(timer); timer = null; play.textContent = 'play'; return; } play.textContent = 'pause'; timer = setInterval(() => { slider.value = (+slider.value + 1) % maps.steps.length; draw(+slider.value); }, 500); });\n\
  draw(0);\n\
}\n\
if (typeof network !== 'undefined') {\n\
  const canvas = document.getElementById('network'), ctx = canvas.getContext('2d');\n\
  const cell = Math.max(1, Math.min(600 / network.width, 600 / network.height));\n\
  canvas.width = Math.ceil(network.width * cell); canvas.height = Math.ceil(network.height * cell);\n\
  const classes = [['laggards', palette[3]], ['middle firms', palette[4]], ['technology leaders', palette[0]]];\n\
  const at = n => [(network.nodes[n][0] + 0.5) * cell, (network.nodes[n][1] + 0.5) * cell];\n\
  ctx.fillStyle = '#ffffff'; ctx.fillRect(0, 0, canvas.width, canvas.height);\n\
  ctx.strokeStyle = 'rgba(90,90,90,0.25)'; ctx.lineWidth = 0.6; ctx.beginPath();\n\
  for (const [a, b] of network.edges) { const [x0, y0] = at(a), [x1, y1] = at(b); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); }\n\
  ctx.stroke();\n\
  network.nodes.forEach((node, n) => { const [x, y] = at(n); const r = Math.min(cell, 1 + Math.sqrt(node[3])) ; ctx.fillStyle = classes[node[2]][1]; ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI); ctx.fill(); });\n\
  document.getElementById('network-legend').innerHTML = classes.map(([name, c]) => '<span style=\"display:inline-block;width:.8em;height:.8em;border-radius:50%;background:' + c + '\"></span> ' + name).join(' &nbsp; ');\n\
}\n";
    chart_script(&mut html, &charts, extra);
    html.push_str("</body></html>\n");
    page::write(out, &html)
}
