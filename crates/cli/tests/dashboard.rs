//! The dashboard (issue 9): `clusterlab serve` answers over HTTP as it must — what it refuses,
//! read off the wire — and, in headless Chromium driven by playwright-core, a user can start a
//! run, watch the map change and the charts fill, pause and step, download the finished run's
//! report and find its charts rendered, compare two runs, and use the policy and GEM forms
//! (e2e/dashboard.mjs; screenshots in target/test-artefacts/dashboard/).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A `clusterlab serve` on a free port, stopped when dropped.
struct Served {
    child: Child,
    address: String,
    data: tempfile::TempDir,
}

/// A small sweep written into `data`/sweeps/small, as a user would with `sweep --out`.
fn make_sweep(data: &Path) {
    std::fs::write(
        data.join("base.toml"),
        "steps = 10\n[region]\nwidth = 30\nheight = 30\n[[technology]]\nid = \"a\"\np = 0.01\nq = 0.3\n",
    )
    .unwrap();
    std::fs::write(
        data.join("small.toml"),
        "name = \"small-sweep\"\nscenario = \"base.toml\"\nreplications = 2\n[[parameter]]\npath = \"technology[0].q\"\nvalues = [0.1, 0.3]\n",
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_clusterlab"))
        .args(["sweep", "small.toml", "--out", "sweeps/small", "--quiet"])
        .current_dir(data)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

impl Served {
    fn start(extra: &[&str]) -> Served {
        Served::start_in(tempfile::tempdir().unwrap(), extra)
    }

    fn start_in(data: tempfile::TempDir, extra: &[&str]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_clusterlab"))
            .args(["serve", "--port", "0", "--data"])
            .arg(data.path())
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let address = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        Served {
            child,
            address,
            data,
        }
    }

    /// Sends one request; returns the status code and the body.
    fn request(&self, method: &str, path: &str, body: &str) -> (u16, String) {
        self.request_as(method, path, body, &self.address, "application/json")
    }

    /// Sends one request naming `host` and with a body of `kind`.
    fn request_as(
        &self,
        method: &str,
        path: &str,
        body: &str,
        host: &str,
        kind: &str,
    ) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        let status = reply
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {reply:?}"));
        let body = reply
            .split_once("\r\n\r\n")
            .map_or("", |(_, b)| b)
            .to_string();
        (status, body)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_server_listens_on_loopback_and_refuses_what_it_must() {
    let data = tempfile::tempdir().unwrap();
    make_sweep(data.path());
    let served = Served::start_in(data, &["--max-body", "2000", "--max-cells", "10000"]);
    assert!(
        served.address.starts_with("127.0.0.1:"),
        "bound to {}",
        served.address
    );
    let (status, page) = served.request("GET", "/", "");
    assert_eq!(status, 200);
    assert!(page.contains("clusterlab dashboard") && page.contains("uPlot"));

    // Another site's page: through a name it controls (DNS rebinding), or posting a form.
    let (status, body) = served.request_as("GET", "/api/runs", "", "evil.example:80", "text/plain");
    assert_eq!(status, 403, "{body}");
    assert!(
        body.contains("answers to this machine's own names"),
        "{body}"
    );
    let port = served.address.rsplit(':').next().unwrap();
    let local = format!("localhost:{port}");
    assert_eq!(
        served
            .request_as("GET", "/api/runs", "", &local, "text/plain")
            .0,
        200
    );
    let form = r#"{"scenario":"default"}"#;
    let (status, body) =
        served.request_as("POST", "/api/session", form, &served.address, "text/plain");
    assert_eq!(status, 415, "{body}");

    // Sweeps in the data folder, from their catalogues; a report made on request.
    let (status, body) = served.request("GET", "/api/sweeps", "");
    assert_eq!(status, 200, "{body}");
    let listed: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(listed["sweeps"][0]["id"], "small");
    assert_eq!(listed["sweeps"][0]["name"], "small-sweep");
    assert_eq!(
        (
            listed["sweeps"][0]["done"].as_u64(),
            listed["sweeps"][0]["total"].as_u64()
        ),
        (Some(4), Some(4))
    );
    let (status, page) = served.request("GET", "/api/sweeps/small/report.html", "");
    assert_eq!(status, 200);
    let head = {
        let mut stream = TcpStream::connect(&served.address).unwrap();
        write!(
            stream,
            "GET /api/sweeps/small/report.html HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            served.address
        )
        .unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        reply.split("\r\n\r\n").next().unwrap_or("").to_lowercase()
    };
    assert!(
        head.contains("content-security-policy: sandbox allow-scripts"),
        "a report runs apart from the dashboard: {head}"
    );
    assert!(page.contains("<h1>sweep small-sweep</h1>") && page.contains("4 of 4 runs done"));
    for path in [
        "/api/sweeps/small/catalogue.sqlite",
        "/api/sweeps/../runs/report.html",
        "/api/sweeps/small/../../x",
    ] {
        let (status, body) = served.request("GET", path, "");
        assert!(status == 403 || status == 404, "{path}: {status} {body}");
    }

    // Paths outside the data folder.
    for path in [
        "/api/runs/../../etc/passwd",
        "/api/runs/..%2f..%2fetc/passwd",
        "/api/runs/x/../../secret",
        "/api/runs/0001-x/secret.txt",
    ] {
        let (status, body) = served.request("GET", path, "");
        assert_eq!(status, 403, "{path}: {body}");
        assert!(body.contains("only the files of saved runs"), "{body}");
    }
    let (status, body) = served.request("GET", "/api/scenario?name=../../etc/passwd", "");
    assert_eq!(status, 404, "{body}");
    let upload = r#"{"name":"../../escape","text":"name = \"x\""}"#;
    let (status, body) = served.request("POST", "/api/scenarios", upload);
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("is not a scenario name"), "{body}");

    // Bodies over the limit, whether announced or not.
    let big = format!(r#"{{"name":"big","text":"{}"}}"#, "#".repeat(3000));
    let (status, body) = served.request("POST", "/api/scenarios", &big);
    assert_eq!(status, 413, "{body}");
    assert!(
        body.contains("over this server's limit of 2000 bytes"),
        "{body}"
    );

    // Absurd announced lengths are refused before anything is read or allocated.
    for length in [
        "9223372036854775808",
        "200000000000",
        "18446744073709551615",
    ] {
        let mut stream = TcpStream::connect(&served.address).unwrap();
        write!(
            stream,
            "POST /api/scenarios HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n{{",
            served.address
        )
        .unwrap();
        let mut reply = String::new();
        let _ = stream.read_to_string(&mut reply);
        // 413 from the server, or hyper's own 4xx for a length it cannot parse.
        assert!(
            reply.starts_with("HTTP/1.1 4"),
            "Content-Length {length}: {reply}"
        );
    }
    assert_eq!(served.request("GET", "/api/runs", "").0, 200);
    // A speed so slow it would stall the run is refused.
    let (status, body) =
        served.request("POST", "/api/control", r#"{"action":"speed","fps":1e-300}"#);
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("expected 0.5 to 240"), "{body}");

    // Scenarios over the size limit, and broken ones: a clear error, the server goes on.
    let huge = r#"{"name":"huge","text":"name = \"huge\"\n[region]\nwidth = 200\nheight = 200\n[[technology]]\nid = \"x\"\n"}"#;
    let (status, body) = served.request("POST", "/api/scenarios", huge);
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("40000 cells is over this server's limit of 10000 cells"),
        "{body}"
    );
    let slider = r#"{"scenario":"default","parameters":{"region.width":1000}}"#;
    let (status, body) = served.request("POST", "/api/session", slider);
    assert_eq!(status, 422, "{body}");
    let negative = r#"{"scenario":"default","parameters":{"region.width":50,"region.height":50,"technology[0].p":-0.5}}"#;
    let (status, body) = served.request("POST", "/api/session", negative);
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("technology"), "{body}");
    let (status, body) = served.request("POST", "/api/session", "{not json");
    assert_eq!(status, 400, "{body}");
    let (status, body) = served.request("POST", "/api/control", r#"{"action":"play"}"#);
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("no run yet"), "{body}");
    let (status, body) = served.request("POST", "/api/control", r#"{"action":"rewind"}"#);
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("unknown action `rewind`"), "{body}");
    let (status, body) = served.request("POST", "/api/gem", r#"{"scores":[5,5,5,5,5,11]}"#);
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("external_markets: 11 is out of range"),
        "{body}"
    );
    let (status, body) = served.request("POST", "/api/gem", r#"{"scores":[8,8,6,6,4,4]}"#);
    assert_eq!(status, 200, "{body}");
    let gem: serde_json::Value = serde_json::from_str(&body).unwrap();
    // Padmore & Gibson: 2.5 × (8 × 6 × 4)^(2/3).
    let expected = 2.5 * (8.0f64 * 6.0 * 4.0).powf(2.0 / 3.0);
    assert!((gem["score"].as_f64().unwrap() - expected).abs() < 1e-9);
    // Still serving after all that.
    assert_eq!(served.request("GET", "/api/scenarios", "").0, 200);
    assert!(
        std::fs::read_dir(served.data.path())
            .unwrap()
            .flatten()
            .all(|e| e.file_name() != "escape.toml"),
        "nothing was written for a refused upload"
    );
}

#[test]
fn the_server_says_when_it_cannot_listen() {
    let served = Served::start(&[]);
    let port = served.address.rsplit(':').next().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_clusterlab"))
        .args(["serve", "--port", port, "--data"])
        .arg(served.data.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--port: cannot listen on 127.0.0.1:"), "{err}");
}

/// Node.js: $CLUSTERLAB_NODE, else `node` on PATH.
fn node() -> PathBuf {
    std::env::var_os("CLUSTERLAB_NODE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("node"))
}

#[test]
fn a_user_runs_a_scenario_in_the_dashboard_in_chromium() {
    let browser = common::browser();
    let e2e = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../e2e");
    assert!(
        e2e.join("node_modules/playwright-core").is_dir(),
        "playwright-core is not installed: run `npm ci --prefix e2e` (bash .ci/run does)"
    );
    let artefacts = common::artefacts().join("dashboard");
    std::fs::create_dir_all(&artefacts).unwrap();
    let data = tempfile::tempdir().unwrap();
    make_sweep(data.path());
    let served = Served::start_in(data, &[]);
    let o = Command::new(node())
        .arg(e2e.join("dashboard.mjs"))
        .arg(format!("http://{}/", served.address))
        .arg(&artefacts)
        .env("CLUSTERLAB_BROWSER", &browser)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node ({e}): install Node.js (bash .ci/run does)"));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{}\n{stdout}",
        String::from_utf8_lossy(&o.stderr)
    );
    let measured: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    // The report of a default run is well under 5 MB.
    assert!(measured["report_bytes"].as_u64().unwrap() < 5 << 20);
    // The runs it saved are the files `clusterlab run --report` writes, and Parquet.
    let runs = served.data.path().join("runs");
    let saved: Vec<_> = std::fs::read_dir(&runs).unwrap().flatten().collect();
    assert_eq!(saved.len(), 3, "two default runs and the uploaded one");
    for run in saved {
        for file in [
            "scenario.toml",
            "timeseries.csv",
            "summary.json",
            "maps.json",
            "report.html",
            "timeseries.parquet",
        ] {
            assert!(
                run.path().join(file).is_file(),
                "{:?} lacks {file}",
                run.path()
            );
        }
    }
}

#[test]
fn the_live_run_streams_the_numbers_the_saved_run_holds() {
    let served = Served::start(&[]);
    let start = r#"{"scenario":"default","parameters":{"steps":12,"region.width":80,"region.height":40,"seed":5}}"#;
    let (status, body) = served.request("POST", "/api/session", start);
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        served
            .request("POST", "/api/control", r#"{"action":"speed","fps":0}"#)
            .0,
        200
    );
    // Read the event stream until the run is done and saved.
    let mut stream = TcpStream::connect(&served.address).unwrap();
    write!(
        stream,
        "GET /api/events HTTP/1.1\r\nHost: {}\r\n\r\n",
        served.address
    )
    .unwrap();
    let mut rows: Vec<serde_json::Value> = Vec::new();
    let mut saved = None;
    let mut maps = 0;
    let mut lines = BufReader::new(stream).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let Some(data) = line.strip_prefix("data: ") else {
            continue;
        };
        let frame: serde_json::Value = serde_json::from_str(data).unwrap();
        if frame["status"] == "idle" {
            continue;
        }
        let from = frame["from"].as_u64().unwrap() as usize;
        rows.truncate(from);
        rows.extend(frame["rows"].as_array().unwrap().iter().cloned());
        // One byte per cell of the 80 × 40 region, base64.
        assert_eq!(
            frame["map"].as_str().unwrap().len(),
            4 * 3200usize.div_ceil(3)
        );
        maps += 1;
        if let Some(id) = frame["saved"]["id"].as_str() {
            saved = Some(id.to_string());
            break;
        }
        assert!(frame["saved"]["error"].is_null(), "{}", frame["saved"]);
    }
    assert!(maps >= 2);
    let id = saved.expect("the run was saved");
    // The map of another competition group (the default's CNC and five-axis machining),
    // redrawn at once though the run is over; a group it does not have is refused.
    let (status, body) = served.request("POST", "/api/control", r#"{"action":"group","group":5}"#);
    assert_eq!(status, 400, "{body}");
    assert!(
        body.contains("not one of this run's 2 competition groups"),
        "{body}"
    );
    let (status, body) = served.request("POST", "/api/control", r#"{"action":"group","group":1}"#);
    assert_eq!(status, 200, "{body}");
    let frame = lines
        .by_ref()
        .map_while(Result::ok)
        .filter_map(|l| l.strip_prefix("data: ").map(str::to_string))
        .map(|d| serde_json::from_str::<serde_json::Value>(&d).unwrap())
        .find(|f| f["group"] == 1)
        .expect("a frame of group 1");
    use base64::Engine as _;
    let cells = base64::engine::general_purpose::STANDARD
        .decode(frame["map"].as_str().unwrap())
        .unwrap();
    assert_eq!(cells.len(), 3200);
    assert!(
        cells.iter().any(|&c| c >= 2),
        "no firm holds CNC or five-axis"
    );
    let members = frame["info"]["groups"][1]["technologies"]
        .as_array()
        .unwrap()
        .len();
    assert!(members >= 2, "CNC, five-axis and the radical generations");
    assert!(cells.iter().all(|&c| usize::from(c) <= members + 1));
    let (status, csv) = served.request("GET", &format!("/api/runs/{id}/timeseries.csv"), "");
    assert_eq!(status, 200);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 13, "steps 0 to 12");
    assert_eq!(lines.len(), 14, "a header and steps 0 to 12");
    for (row, line) in rows.iter().zip(&lines[1..]) {
        let streamed: Vec<String> = row
            .as_array()
            .unwrap()
            .iter()
            .map(|v| match v.as_f64() {
                Some(x) => format!("{x}"),
                None => "NaN".into(),
            })
            .collect();
        assert_eq!(
            streamed.join(","),
            *line,
            "the live row differs from the saved one"
        );
    }
}

/// Issue 15: the dashboard now runs its jobs in-process, so an interrupt must stop it rather
/// than leave it serving with every later job refused as interrupted. One SIGINT ends it
/// promptly and cleanly, even with an event stream open.
#[test]
fn one_interrupt_stops_the_dashboard() {
    let mut served = Served::start(&[]);
    let mut stream = TcpStream::connect(&served.address).unwrap();
    write!(
        stream,
        "GET /api/events HTTP/1.1\r\nHost: {}\r\n\r\n",
        served.address
    )
    .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let pid = served.child.id().to_string();
    let kill = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(kill.success());
    let clock = std::time::Instant::now();
    let status = loop {
        if let Some(status) = served.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            clock.elapsed() < std::time::Duration::from_secs(10),
            "still serving 10 s after SIGINT"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
}
