//! The report in a real browser (issue 9): headless Chromium (Debian's `chromium`, which
//! `.ci/run` installs) opens the report file, and its charts and map are drawn — read off the
//! page the browser built, with a screenshot kept in target/test-artefacts/.

mod common;

use common::browser;
use std::path::Path;
use std::process::Command;

fn headless(browser: &Path, args: &[&str]) -> std::process::Output {
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
        ])
        .args(args)
        .output()
        .expect("the browser runs")
}

#[test]
fn the_report_renders_its_charts_in_chromium() {
    let browser = browser();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let o = Command::new(env!("CARGO_BIN_EXE_clusterlab"))
        .args(["run", "--steps", "40", "--quiet", "--report", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let url = format!("file://{}", out.join("report.html").display());
    let dom = headless(
        &browser,
        &["--virtual-time-budget=5000", "--dump-dom", &url],
    );
    let page = String::from_utf8_lossy(&dom.stdout);
    // uPlot builds a canvas and a legend per chart; the map draws on its own canvas.
    let canvases = page.matches("<canvas").count();
    assert!(
        canvases >= 6,
        "{canvases} canvases: four charts, the map and the network expected"
    );
    assert!(
        page.matches("class=\"u-legend").count() >= 4,
        "the charts' legends are missing"
    );
    assert!(
        page.contains("u-label\">erp</div>"),
        "the adoption chart's legend lacks the ERP system"
    );
    assert!(
        page.contains("id=\"map-legend\"><span"),
        "the map's legend was not drawn"
    );
    assert!(
        page.contains("id=\"network-legend\"><span"),
        "the network's legend was not drawn"
    );
    assert!(
        page.contains("<option value=\"1\">cnc, five-axis"),
        "the map cannot show the CNC and five-axis group"
    );
    // A screenshot, kept as the test's artefact.
    let shot = common::artefacts().join("report.png");
    let arg = format!("--screenshot={}", shot.display());
    headless(
        &browser,
        &[
            "--window-size=1000,2600",
            "--virtual-time-budget=5000",
            &arg,
            &url,
        ],
    );
    let bytes = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    assert!(bytes > 20_000, "the screenshot is {bytes} bytes");
}
