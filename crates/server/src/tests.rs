//! The routes as a client sees them: status codes, headers and JSON bodies, through the
//! router in-process (the dashboard's own tests in crates/cli/tests/dashboard.rs read them
//! off the wire of a `clusterlab serve`).

use super::*;
use axum::body::Body;
use axum::http::{HeaderMap, Request};
use futures_util::StreamExt as _;
use tower::ServiceExt as _;

/// A server on a fresh data folder (the live run is never stepped here).
fn server(max_body: usize, max_connections: usize) -> (tempfile::TempDir, Arc<Server>) {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        data: data_folder(dir.path()).unwrap(),
        max_cells: 10_000,
        max_body,
        max_connections,
        loopback: true,
    };
    (dir, Server::new(settings, Live::new()))
}

/// What came back: status, headers and body.
struct Answer {
    status: u16,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn json(&self) -> Value {
        assert_eq!(self.header("content-type"), Some("application/json"));
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// The message of a JSON error.
    fn error(&self) -> String {
        self.json()["error"]
            .as_str()
            .unwrap_or_else(|| panic!("no error in {}", self.body))
            .to_string()
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// One request as a page on this machine sends it.
fn call(server: &Arc<Server>, method: &str, uri: &str, body: &str) -> Answer {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "127.0.0.1:8080")
        .header("content-type", "application/json")
        .header("content-length", body.len())
        .body(Body::from(body.to_string()))
        .unwrap();
    send(server, request)
}

fn send(server: &Arc<Server>, request: axum::extract::Request) -> Answer {
    runtime().block_on(async {
        let response = app(Arc::clone(server)).oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    })
}

#[test]
fn the_page_and_the_lists() {
    let (_dir, s) = server(2000, 8);
    for path in ["/", "/index.html"] {
        let a = call(&s, "GET", path, "");
        assert_eq!(a.status, 200);
        assert_eq!(a.header("content-type"), Some("text/html; charset=utf-8"));
        assert_eq!(a.header("cache-control"), Some("no-store"));
        assert!(a.body.contains("clusterlab dashboard") && a.body.contains("uPlot"));
    }
    assert_eq!(
        call(&s, "GET", "/api/runs", "").json(),
        json!({ "runs": [] })
    );
    assert_eq!(
        call(&s, "GET", "/api/sweeps", "").json(),
        json!({ "sweeps": [] })
    );
    let listed = call(&s, "GET", "/api/scenarios", "").json();
    assert_eq!(listed["scenarios"][0]["name"], "default");
    assert_eq!(listed["scenarios"][0]["origin"], "bundled");
}

#[test]
fn unknown_routes_and_methods_are_json_404s() {
    let (_dir, s) = server(2000, 8);
    for (method, path, message) in [
        ("GET", "/api/nothing", "no GET /api/nothing here"),
        ("POST", "/api/runs", "no POST /api/runs here"),
        ("DELETE", "/api/gem", "no DELETE /api/gem here"),
        ("PUT", "/api/scenarios", "no PUT /api/scenarios here"),
        ("GET", "/api/session", "no GET /api/session here"),
        ("GET", "/api//runs", "no GET /api//runs here"),
        ("GET", "/api", "no page /api here (the dashboard is at /)"),
        (
            "GET",
            "/nothing",
            "no page /nothing here (the dashboard is at /)",
        ),
        ("POST", "/", "no page / here (the dashboard is at /)"),
        (
            "GET",
            "/index.htm",
            "no page /index.htm here (the dashboard is at /)",
        ),
    ] {
        let a = call(&s, method, path, "{}");
        assert_eq!(
            (a.status, a.error()),
            (404, message.to_string()),
            "{method} {path}"
        );
        assert_eq!(a.header("cache-control"), Some("no-store"));
    }
}

#[test]
fn another_sites_requests_are_refused_before_anything_is_read() {
    let (_dir, s) = server(2000, 8);
    let request = |host: Option<&str>, method: &str, path: &str, kind: &str| {
        let mut r = Request::builder().method(method).uri(path);
        if let Some(host) = host {
            r = r.header("host", host);
        }
        r.header("content-type", kind)
            .body(Body::from("{}"))
            .unwrap()
    };
    for host in [
        Some("evil.example:80"),
        Some("evil.example"),
        None,
        Some("127.0.0.1.evil:1"),
    ] {
        for path in ["/api/runs", "/", "/nothing"] {
            let a = send(&s, request(host, "GET", path, "application/json"));
            assert_eq!(a.status, 403, "{host:?} {path}");
            assert!(a.error().contains("answers to this machine's own names"));
        }
    }
    let a = send(
        &s,
        request(Some("evil.example"), "GET", "/api/runs", "application/json"),
    );
    assert_eq!(
        a.error(),
        "refused: the dashboard answers to this machine's own names (127.0.0.1, localhost), not `evil.example`"
    );
    for host in ["localhost:1", "localhost", "[::1]:8080", "127.0.0.1"] {
        assert_eq!(
            send(&s, request(Some(host), "GET", "/api/runs", "text/plain")).status,
            200
        );
    }
    // A form another page could post without asking: refused, on any path.
    for path in ["/api/session", "/api/gem", "/nothing"] {
        let a = send(&s, request(Some("localhost"), "POST", path, "text/plain"));
        assert_eq!(a.status, 415, "{path}");
        assert_eq!(
            a.error(),
            "refused: the request body must be JSON (Content-Type: application/json)"
        );
    }
    let a = send(
        &s,
        request(
            Some("localhost"),
            "POST",
            "/api/gem",
            "Application/JSON; charset=utf-8",
        ),
    );
    assert_eq!(a.status, 400, "{}", a.body);
}

#[test]
fn bodies_over_the_limit_are_refused_whether_announced_or_not() {
    let (_dir, s) = server(100, 8);
    let big = format!(r#"{{"name":"big","text":"{}"}}"#, "#".repeat(200));
    let message = "the request body is over this server's limit of 100 bytes";
    let a = call(&s, "POST", "/api/scenarios", &big);
    assert_eq!((a.status, a.error()), (413, message.to_string()));
    // Not announced: streamed in chunks.
    let chunks: Vec<Result<String, std::io::Error>> =
        vec![Ok(big[..60].into()), Ok(big[60..].into())];
    let request = Request::builder()
        .method("POST")
        .uri("/api/scenarios")
        .header("host", "localhost")
        .header("content-type", "application/json")
        .body(Body::from_stream(futures_util::stream::iter(chunks)))
        .unwrap();
    let a = send(&s, request);
    assert_eq!((a.status, a.error()), (413, message.to_string()));
    // Announced but not sent: refused before reading.
    let request = Request::builder()
        .method("POST")
        .uri("/api/gem")
        .header("host", "localhost")
        .header("content-type", "application/json")
        .header("content-length", "18446744073709551615")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&s, request).status, 413);
    // Any route's body, and one just at the limit is read.
    assert_eq!(call(&s, "GET", "/api/runs", &big).status, 413);
    let exact = format!(r#"{{"scores":[{}]}}"#, "5,".repeat(43) + "5");
    assert_eq!(exact.len(), 100);
    let a = call(&s, "POST", "/api/gem", &exact);
    assert_eq!(a.status, 400, "{}", a.body);
    assert!(a.error().starts_with("scores: expected six numbers"));
}

#[test]
fn every_slot_taken_is_a_503() {
    let (_dir, s) = server(2000, 0);
    for (method, path) in [("GET", "/"), ("GET", "/api/events"), ("POST", "/api/gem")] {
        let a = call(&s, method, path, "{}");
        assert_eq!(
            (a.status, a.error()),
            (503, "the server is busy: too many connections".to_string())
        );
    }
}

#[test]
fn an_open_event_stream_holds_its_slot() {
    let (_dir, s) = server(2000, 1);
    runtime().block_on(async {
        let request = |path: &str| {
            Request::builder()
                .uri(path)
                .header("host", "localhost")
                .body(Body::empty())
                .unwrap()
        };
        let events = app(Arc::clone(&s))
            .oneshot(request("/api/events"))
            .await
            .unwrap();
        assert_eq!(events.status(), 200);
        assert_eq!(
            events.headers().get("content-type").unwrap(),
            "text/event-stream"
        );
        let busy = app(Arc::clone(&s))
            .oneshot(request("/api/runs"))
            .await
            .unwrap();
        assert_eq!(busy.status(), 503);
        // The first frame (the idle live run), then the page goes away.
        let mut body = events.into_body().into_data_stream();
        let first = body.next().await.unwrap().unwrap();
        let first = String::from_utf8_lossy(&first).into_owned();
        assert!(first.starts_with("event: frame\ndata: {"), "{first}");
        assert!(first.contains("\"status\":\"idle\""), "{first}");
        drop(body);
        let free = app(Arc::clone(&s))
            .oneshot(request("/api/runs"))
            .await
            .unwrap();
        assert_eq!(free.status(), 200);
    });
}

#[test]
fn scenarios_by_name_with_the_query_decoded() {
    let (_dir, s) = server(2000, 8);
    let a = call(&s, "GET", "/api/scenario", "");
    assert_eq!(
        (a.status, a.error()),
        (400, "name: missing (expected ?name=SCENARIO)".to_string())
    );
    // A name given twice is not guessed at.
    let a = call(&s, "GET", "/api/scenario?name=default&name=lifecycle", "");
    assert_eq!(
        (a.status, a.error()),
        (
            400,
            "Failed to deserialize query string: duplicate field `name`".to_string()
        )
    );
    let a = call(&s, "GET", "/api/scenario?other=1&name=def%61ult", "");
    assert_eq!(a.status, 200, "{}", a.body);
    let v = a.json();
    assert_eq!(v["name"], "default");
    assert!(v["text"].as_str().unwrap().contains("[region]"));
    assert!(!v["parameters"].as_array().unwrap().is_empty());
    for (query, name) in [
        ("name=no+such%20one", "no such one"),
        ("name=%", "%"),
        ("name=100%25", "100%"),
        ("name=%e2%82", "\u{FFFD}"),
        ("name=", ""),
        ("name", ""),
        ("name=../../etc/passwd", "../../etc/passwd"),
    ] {
        let a = call(&s, "GET", &format!("/api/scenario?{query}"), "");
        assert_eq!(
            (a.status, a.error()),
            (404, format!("no scenario `{name}`")),
            "{query}"
        );
    }
}

#[test]
fn uploads_are_checked_and_saved() {
    let (dir, s) = server(4000, 8);
    for (body, status, message) in [
        (
            "{not json",
            400,
            "the request is not JSON: key must be a string at line 1 column 2",
        ),
        ("{}", 400, "expected {\"name\": NAME, \"text\": TOML}"),
        (
            r#"{"name":"../x","text":""}"#,
            400,
            "name: `../x` is not a scenario name (expected 1 to 64 letters, digits, - or _)",
        ),
        (
            r#"{"name":"default","text":""}"#,
            409,
            "name: `default` is a bundled scenario's; choose another",
        ),
    ] {
        let a = call(&s, "POST", "/api/scenarios", body);
        assert_eq!(
            (a.status, a.error()),
            (status, message.to_string()),
            "{body}"
        );
    }
    let text = "steps = 10\n[region]\nwidth = 30\nheight = 30\n[[technology]]\nid = \"a\"\np = 0.01\nq = 0.3\n";
    let a = call(
        &s,
        "POST",
        "/api/scenarios",
        &json!({ "name": "mine", "text": text }).to_string(),
    );
    assert_eq!(
        (a.status, a.json()),
        (201, json!({ "name": "mine" })),
        "{}",
        a.body
    );
    assert!(dir.path().join("scenarios/mine.toml").is_file());
    let listed = call(&s, "GET", "/api/scenarios", "").json();
    assert!(listed["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["name"] == "mine" && x["origin"] == "uploaded"));
}

#[test]
fn sessions_controls_policies_and_gems_check_their_forms() {
    let (_dir, s) = server(4000, 8);
    for (path, body, status, message) in [
        (
            "/api/session",
            "[",
            400,
            "the request is not JSON: EOF while parsing a list at line 1 column 1",
        ),
        (
            "/api/session",
            "{}",
            400,
            "scenario: missing (expected a scenario's name)",
        ),
        (
            "/api/session",
            r#"{"scenario":"nothing"}"#,
            404,
            "no scenario `nothing`",
        ),
        (
            "/api/session",
            r#"{"scenario":"default","parameters":{"seed":"x"}}"#,
            400,
            "seed: expected a number",
        ),
        (
            "/api/policy",
            r#"{"scenario":"nothing"}"#,
            404,
            "no scenario `nothing`",
        ),
        (
            "/api/policy",
            r#"{"scenario":"default"}"#,
            400,
            "policies: missing (expected a list such as rd-subsidy,broker-network)",
        ),
        (
            "/api/policy",
            r#"{"scenario":"default","policies":"rd-subsidy","replications":1}"#,
            400,
            "replications: 1 is out of range (expected 2 to 20 from the dashboard)",
        ),
        (
            "/api/control",
            r#"{"action":"play"}"#,
            409,
            "no run yet: choose a scenario and press start",
        ),
        ("/api/control", r#"{"action":"rewind"}"#, 400, ""),
        ("/api/gem", r#"{"scores":[5,5,5]}"#, 400, ""),
        (
            "/api/gem",
            r#"{"scores":[5,5,5,5,5,11]}"#,
            422,
            "external_markets: 11 is out of range (expected 1 to 10)",
        ),
    ] {
        let a = call(&s, "POST", path, body);
        assert_eq!(a.status, status, "{path} {body}: {}", a.body);
        if !message.is_empty() {
            assert_eq!(a.error(), message, "{path} {body}");
        }
    }
    let a = call(
        &s,
        "POST",
        "/api/session",
        r#"{"scenario":"default","parameters":{"region.width":1000}}"#,
    );
    assert_eq!(a.status, 422, "{}", a.body);
    let a = call(&s, "POST", "/api/control", r#"{"action":"speed","fps":10}"#);
    assert_eq!(
        (a.status, a.json()),
        (200, json!({ "status": "idle" })),
        "{}",
        a.body
    );
    let a = call(
        &s,
        "POST",
        "/api/session",
        r#"{"scenario":"default","parameters":{"steps":3}}"#,
    );
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["started"], true);
    let a = call(&s, "POST", "/api/gem", r#"{"scores":[8,8,6,6,4,4]}"#);
    assert_eq!(a.status, 200);
    let gem = a.json();
    assert_eq!(gem["pairs"].as_array().unwrap().len(), 3);
    assert!(gem["weakest_factor"].is_string() && gem["weakest_pair"].is_string());
}

#[test]
fn a_saved_runs_files_and_nothing_else() {
    let (dir, s) = server(2000, 8);
    let run = dir.path().join("runs/0001-x");
    std::fs::create_dir_all(&run).unwrap();
    std::fs::write(run.join("report.html"), "<h1>a report</h1>").unwrap();
    std::fs::write(run.join("timeseries.csv"), "step\n0\n").unwrap();
    let a = call(&s, "GET", "/api/runs/0001-x/report.html", "");
    assert_eq!((a.status, a.body.as_str()), (200, "<h1>a report</h1>"));
    assert_eq!(a.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(
        a.header("content-security-policy"),
        Some("sandbox allow-scripts")
    );
    assert_eq!(a.header("content-disposition"), None);
    let a = call(&s, "GET", "/api/runs/0001-x/timeseries.csv?download=1", "");
    assert_eq!(a.status, 200);
    assert_eq!(a.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(a.header("content-security-policy"), None);
    assert_eq!(
        a.header("content-disposition"),
        Some("attachment; filename=\"0001-x-timeseries.csv\"")
    );
    let a = call(&s, "GET", "/api/runs/0001-x/timeseries.csv?download", "");
    assert!(a.header("content-disposition").is_some());
    // Path segments are percent-decoded before the id and file are checked.
    let a = call(&s, "GET", "/api/runs/0001-%78/report%2Ehtml", "");
    assert_eq!((a.status, a.body.as_str()), (200, "<h1>a report</h1>"));
    // HEAD is answered as GET is, without the body.
    let a = call(&s, "HEAD", "/api/runs/0001-x/report.html", "");
    assert_eq!((a.status, a.body.as_str()), (200, ""));
    assert_eq!(
        a.header("content-security-policy"),
        Some("sandbox allow-scripts")
    );
    let a = call(&s, "GET", "/api/runs/0001-x/summary.json", "");
    assert_eq!(
        (a.status, a.error()),
        (404, "no run 0001-x with a summary.json".to_string())
    );
    let outside = "refused: only the files of saved runs in the data folder are served (timeseries.csv, timeseries.parquet, summary.json, report.html, scenario.toml, maps.json, network.json)";
    for path in [
        "/api/runs/",
        "/api/runs/0001-x",
        "/api/runs/0001-x/",
        "/api/runs//report.html",
        "/api/runs/../../etc/passwd",
        "/api/runs/..%2f..%2fetc/passwd",
        "/api/runs/x/../../secret",
        "/api/runs/0001-x/secret.txt",
        "/api/runs/0001-x/report.html/x",
        "/api/runs/%ff/report.html",
    ] {
        let a = call(&s, "GET", path, "");
        assert_eq!((a.status, a.error()), (403, outside.to_string()), "{path}");
    }
}

#[test]
fn a_sweeps_report_and_nothing_else() {
    let (_dir, s) = server(2000, 8);
    let a = call(&s, "GET", "/api/sweeps/missing/report.html", "");
    assert_eq!(
        (a.status, a.error()),
        (404, "no sweep `missing` in the data folder".to_string())
    );
    for path in [
        "/api/sweeps/",
        "/api/sweeps/small",
        "/api/sweeps/small/",
        "/api/sweeps/small/catalogue.sqlite",
        "/api/sweeps/small/x/report.html",
    ] {
        let a = call(&s, "GET", path, "");
        assert_eq!(
            (a.status, a.error()),
            (
                404,
                "only a sweep's report is served here (/api/sweeps/ID/report.html)".to_string()
            ),
            "{path}"
        );
    }
    for path in [
        "/api/sweeps/../report.html",
        "/api/sweeps//report.html",
        "/api/sweeps/%2e%2e/report.html",
    ] {
        let a = call(&s, "GET", path, "");
        assert_eq!(a.status, 404, "{path}");
        assert!(a.error().starts_with("no sweep `"), "{path}: {}", a.body);
    }
}
