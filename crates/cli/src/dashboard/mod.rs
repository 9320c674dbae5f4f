//! `clusterlab serve`: the web dashboard. An HTTP server on loopback (tiny_http), one thread
//! per request, a live run stepped by its own thread (see [`live`]) and streamed to the pages
//! as server-sent events, saved runs and uploaded scenarios in a data folder it never reads
//! or writes outside of. It holds no model logic: it checks scenarios as `run` does, steps the
//! model's world, and runs `clusterlab policy compare` and the GEM of the analysis crate for
//! its forms.

pub mod live;
pub mod runs;
pub mod scenarios;

use live::{Live, Session};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tiny_http::{Header, Method, Request, Response, StatusCode};

/// The dashboard page, with uPlot inlined when it is served.
const PAGE: &str = include_str!("../../assets/dashboard.html");
const UPLOT_JS: &str = include_str!("../../assets/uplot/uPlot.iife.min.js");
const UPLOT_CSS: &str = include_str!("../../assets/uplot/uPlot.min.css");

/// The server's settings.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The data folder.
    pub data: PathBuf,
    /// Largest region, in cells, a scenario may ask for.
    pub max_cells: u64,
    /// Largest request body, in bytes.
    pub max_body: usize,
    /// Most requests served at once (streams included).
    pub max_connections: usize,
    /// Bound to loopback: then only requests naming this machine in `Host` are served, so a
    /// web page elsewhere cannot reach the dashboard through a name it controls (DNS
    /// rebinding).
    pub loopback: bool,
}

/// The server's shared state.
struct Server {
    settings: Settings,
    live: Arc<Live>,
    page: String,
    connections: AtomicUsize,
}

/// Serves on `http` until the process ends.
pub fn serve(http: tiny_http::Server, settings: Settings) {
    let live = Live::new();
    let data = settings.data.clone();
    {
        let live = Arc::clone(&live);
        std::thread::spawn(move || {
            live.step_forever(move |session: &Session| {
                runs::save(&data, &session.name, &session.text)
            })
        });
    }
    let page = PAGE
        .replace("/*UPLOT_CSS*/", UPLOT_CSS)
        .replace("/*UPLOT_JS*/", UPLOT_JS)
        .replace("{{VERSION}}", env!("CARGO_PKG_VERSION"));
    let server = Arc::new(Server {
        settings,
        live,
        page,
        connections: AtomicUsize::new(0),
    });
    for request in http.incoming_requests() {
        let server = Arc::clone(&server);
        if server.connections.fetch_add(1, Ordering::SeqCst) >= server.settings.max_connections {
            server.connections.fetch_sub(1, Ordering::SeqCst);
            let _ = request.respond(error(503, "the server is busy: too many connections"));
            continue;
        }
        std::thread::spawn(move || {
            server.handle(request);
            server.connections.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

type Reply = Response<std::io::Cursor<Vec<u8>>>;

fn header(name: &str, value: &str) -> Header {
    // Names are ours; values are ours or checked ids, so both are valid header bytes.
    Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|()| {
        Header::from_bytes(&b"X-Invalid"[..], &b"1"[..]).expect("a valid header")
    })
}

fn json_reply(status: u16, value: &Value) -> Reply {
    Response::from_data(value.to_string().into_bytes())
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", "application/json"))
        .with_header(header("Cache-Control", "no-store"))
}

fn error(status: u16, message: &str) -> Reply {
    json_reply(status, &json!({ "error": message }))
}

/// The query parameter `key` of `url`, percent-decoded.
fn query(url: &str, key: &str) -> Option<String> {
    let (_, q) = url.split_once('?')?;
    q.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == key).then(|| percent_decode(v))
    })
}

fn percent_decode(text: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| Some(hex(bytes[i + 1])? * 16 + hex(bytes[i + 2])?))
            .flatten();
        match (escaped, bytes[i]) {
            (Some(b), _) => {
                out.push(b);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, b) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Server {
    fn handle(&self, mut request: Request) {
        let url = request.url().to_string();
        let path = url.split('?').next().unwrap_or("").to_string();
        let method = request.method().clone();
        if let Some(refusal) = self.refusal(&request) {
            let _ = request.respond(refusal);
            return;
        }
        if path == "/api/events" && method == Method::Get {
            self.stream(request);
            return;
        }
        let body = match self.body(&mut request) {
            Ok(body) => body,
            Err(reply) => {
                let _ = request.respond(reply);
                return;
            }
        };
        let reply = match (&method, path.as_str()) {
            (Method::Get, "/") | (Method::Get, "/index.html") => {
                Response::from_data(self.page.clone().into_bytes())
                    .with_header(header("Content-Type", "text/html; charset=utf-8"))
                    .with_header(header("Cache-Control", "no-store"))
            }
            (Method::Get, "/api/scenarios") => json_reply(
                200,
                &json!({ "scenarios": scenarios::list(&self.settings.data) }),
            ),
            (Method::Get, "/api/scenario") => self.scenario(&url),
            (Method::Post, "/api/scenarios") => self.upload(&body),
            (Method::Post, "/api/session") => self.start(&body),
            (Method::Post, "/api/control") => self.control(&body),
            (Method::Get, "/api/runs") => {
                json_reply(200, &json!({ "runs": runs::list(&self.settings.data) }))
            }
            (Method::Post, "/api/policy") => self.policy(&body),
            (Method::Post, "/api/gem") => gem(&body),
            (Method::Get, p) if p.starts_with("/api/runs/") => {
                let rest = &p["/api/runs/".len()..];
                let (id, file) = rest.split_once('/').unwrap_or((rest, ""));
                match runs::file(&self.settings.data, id, file) {
                    Ok((path, kind)) => match std::fs::read(&path) {
                        Ok(bytes) => {
                            let mut reply = Response::from_data(bytes).with_header(header("Content-Type", kind));
                            if query(&url, "download").is_some() {
                                reply = reply.with_header(header(
                                    "Content-Disposition",
                                    &format!("attachment; filename=\"{id}-{file}\""),
                                ));
                            }
                            reply
                        }
                        Err(_) => error(404, &format!("run {id} has no {file}")),
                    },
                    Err(runs::Refused::Outside) => error(
                        403,
                        "refused: only the files of saved runs in the data folder are served (timeseries.csv, timeseries.parquet, summary.json, report.html, scenario.toml, maps.json)",
                    ),
                    Err(runs::Refused::Missing) => error(404, &format!("no run {id} with a {file}")),
                }
            }
            (_, p) if p.starts_with("/api/") => error(404, &format!("no {} {p} here", method)),
            _ => error(404, &format!("no page {path} here (the dashboard is at /)")),
        };
        let _ = request.respond(reply);
    }

    /// Why a request is refused before it is read, if it is: a `Host` other than this
    /// machine's when bound to loopback; a POST whose body is not declared JSON (a page on
    /// another site cannot send that without the browser asking first, and the server
    /// never agrees).
    fn refusal(&self, request: &Request) -> Option<Reply> {
        let header = |name: &'static str| {
            request
                .headers()
                .iter()
                .find(|h| h.field.equiv(name))
                .map(|h| h.value.as_str().to_string())
        };
        if self.settings.loopback {
            let host = header("Host").unwrap_or_default();
            let name = match host.rsplit_once(':') {
                Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
                _ => host.as_str(),
            };
            if !["127.0.0.1", "localhost", "[::1]"].contains(&name) {
                return Some(error(
                    403,
                    &format!("refused: the dashboard answers to this machine's own names (127.0.0.1, localhost), not `{host}`"),
                ));
            }
        }
        if *request.method() == Method::Post {
            let json = header("Content-Type").is_some_and(|t| {
                t.split(';')
                    .next()
                    .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            });
            if !json {
                return Some(error(
                    415,
                    "refused: the request body must be JSON (Content-Type: application/json)",
                ));
            }
        }
        None
    }

    /// The request's body, refused whole when over the size limit.
    fn body(&self, request: &mut Request) -> Result<Vec<u8>, Reply> {
        let limit = self.settings.max_body;
        let too_big = || {
            error(
                413,
                &format!("the request body is over this server's limit of {limit} bytes"),
            )
        };
        if request.body_length().is_some_and(|n| n > limit) {
            return Err(too_big());
        }
        let mut body = Vec::new();
        request
            .as_reader()
            .take(limit as u64 + 1)
            .read_to_end(&mut body)
            .map_err(|e| error(400, &format!("cannot read the request: {e}")))?;
        if body.len() > limit {
            return Err(too_big());
        }
        Ok(body)
    }

    fn scenario(&self, url: &str) -> Reply {
        let Some(name) = query(url, "name") else {
            return error(400, "name: missing (expected ?name=SCENARIO)");
        };
        match scenarios::text(&self.settings.data, &name) {
            Some(text) => json_reply(
                200,
                &json!({ "name": name, "parameters": scenarios::parameters(&text), "text": text }),
            ),
            None => error(404, &format!("no scenario `{name}`")),
        }
    }

    fn upload(&self, body: &[u8]) -> Reply {
        let v = match parse_json(body) {
            Ok(v) => v,
            Err(reply) => return reply,
        };
        let (Some(name), Some(text)) = (v["name"].as_str(), v["text"].as_str()) else {
            return error(400, "expected {\"name\": NAME, \"text\": TOML}");
        };
        if !scenarios::valid_name(name) {
            return error(
                400,
                &format!("name: `{name}` is not a scenario name (expected 1 to 64 letters, digits, - or _)"),
            );
        }
        if scenarios::BUNDLED.iter().any(|(n, _)| *n == name) {
            return error(
                409,
                &format!("name: `{name}` is a bundled scenario's; choose another"),
            );
        }
        if let Err(e) = scenarios::prepare(name, text, &[], self.settings.max_cells) {
            return error(422, &e);
        }
        let dir = self.settings.data.join(scenarios::UPLOADS);
        let path = dir.join(format!("{name}.toml"));
        let partial = dir.join(format!(".{name}.toml.partial"));
        let written = std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(&partial, text))
            .and_then(|()| std::fs::rename(&partial, &path));
        match written {
            Ok(()) => json_reply(201, &json!({ "name": name })),
            Err(e) => error(500, &format!("cannot save the scenario: {e}")),
        }
    }

    /// The named scenario with the page's parameter values, checked.
    fn prepared(&self, v: &Value) -> Result<(String, scenarios::Prepared), Reply> {
        let Some(name) = v["scenario"].as_str() else {
            return Err(error(400, "scenario: missing (expected a scenario's name)"));
        };
        let Some(text) = scenarios::text(&self.settings.data, name) else {
            return Err(error(404, &format!("no scenario `{name}`")));
        };
        let mut values = Vec::new();
        if let Some(map) = v["parameters"].as_object() {
            for (path, value) in map {
                let Some(x) = value.as_f64() else {
                    return Err(error(400, &format!("{path}: expected a number")));
                };
                values.push((path.clone(), x));
            }
        }
        scenarios::prepare(name, &text, &values, self.settings.max_cells)
            .map(|p| (name.to_string(), p))
            .map_err(|e| error(422, &e))
    }

    fn start(&self, body: &[u8]) -> Reply {
        let v = match parse_json(body) {
            Ok(v) => v,
            Err(reply) => return reply,
        };
        let (name, prepared) = match self.prepared(&v) {
            Ok(p) => p,
            Err(reply) => return reply,
        };
        let warnings: Vec<String> = prepared
            .loaded
            .warnings
            .warnings()
            .map(|w| w.to_string())
            .collect();
        self.live.start(Session {
            name,
            text: prepared.text,
            scenario: prepared.loaded.scenario,
        });
        json_reply(200, &json!({ "started": true, "warnings": warnings }))
    }

    fn control(&self, body: &[u8]) -> Reply {
        let v = match parse_json(body) {
            Ok(v) => v,
            Err(reply) => return reply,
        };
        let action = v["action"].as_str().unwrap_or("");
        match self.live.control(action, v["fps"].as_f64()) {
            Ok(status) => json_reply(
                200,
                &json!({ "status": format!("{status:?}").to_lowercase() }),
            ),
            Err(e) => error(409, &e),
        }
    }

    /// Server-sent events: a `frame` event per published change, a comment every 15 s of
    /// quiet, until the page goes away.
    fn stream(&self, request: Request) {
        let mut out = request.into_writer();
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\nX-Accel-Buffering: no\r\n\r\nretry: 1000\n\n";
        if out
            .write_all(head.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return;
        }
        let (mut session, mut version, mut rows) = (u64::MAX, u64::MAX, 0usize);
        loop {
            let sent = match self
                .live
                .next_event(session, version, rows, Duration::from_secs(15))
            {
                Some(event) => {
                    session = event.session;
                    version = event.version;
                    rows = event.rows;
                    out.write_all(b"event: frame\ndata: ")
                        .and_then(|()| out.write_all(event.json.as_bytes()))
                        .and_then(|()| out.write_all(b"\n\n"))
                }
                None => out.write_all(b": still here\n\n"),
            };
            if sent.and_then(|()| out.flush()).is_err() {
                return;
            }
        }
    }

    /// `clusterlab policy compare` on a scenario with the page's parameters, its JSON back.
    fn policy(&self, body: &[u8]) -> Reply {
        let v = match parse_json(body) {
            Ok(v) => v,
            Err(reply) => return reply,
        };
        let (name, prepared) = match self.prepared(&v) {
            Ok(p) => p,
            Err(reply) => return reply,
        };
        let Some(policies) = v["policies"].as_str().filter(|p| !p.trim().is_empty()) else {
            return error(
                400,
                "policies: missing (expected a list such as rd-subsidy,broker-network)",
            );
        };
        let replications = v["replications"].as_u64().unwrap_or(3);
        if !(2..=20).contains(&replications) {
            return error(400, &format!("replications: {replications} is out of range (expected 2 to 20 from the dashboard)"));
        }
        let dir = self.settings.data.join("tmp");
        if let Err(e) = std::fs::create_dir_all(&dir) {
            return error(500, &format!("cannot create {}: {e}", dir.display()));
        }
        static FORMS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let file = dir.join(format!(
            "policy-{}-{}-{name}.toml",
            std::process::id(),
            FORMS.fetch_add(1, Ordering::SeqCst)
        ));
        if let Err(e) = std::fs::write(&file, &prepared.text) {
            return error(500, &format!("cannot write {}: {e}", file.display()));
        }
        let mut command = match std::env::current_exe() {
            Ok(exe) => std::process::Command::new(exe),
            Err(e) => return error(500, &format!("cannot find clusterlab: {e}")),
        };
        command.args(["policy", "compare"]).arg(&file).args([
            "--policies",
            policies,
            "--replications",
            &replications.to_string(),
            "--json",
        ]);
        if let Some(budget) = v["budget"].as_f64() {
            command.args(["--budget", &budget.to_string()]);
        }
        let output = command.output();
        let _ = std::fs::remove_file(&file);
        match output {
            Ok(o) if o.status.success() => match serde_json::from_slice::<Value>(&o.stdout) {
                Ok(result) => json_reply(200, &result),
                Err(e) => error(500, &format!("policy compare gave no JSON: {e}")),
            },
            Ok(o) => {
                let message = String::from_utf8_lossy(&o.stderr).replace("clusterlab: ", "");
                error(422, message.trim())
            }
            Err(e) => error(500, &format!("cannot run policy compare: {e}")),
        }
    }
}

fn parse_json(body: &[u8]) -> Result<Value, Reply> {
    serde_json::from_slice(body).map_err(|e| error(400, &format!("the request is not JSON: {e}")))
}

/// The GEM of six factor scores.
fn gem(body: &[u8]) -> Reply {
    use clusterlab_analysis::gem::{Gem, FACTORS, PAIRS, SCORE_RANGE};
    let v = match parse_json(body) {
        Ok(v) => v,
        Err(reply) => return reply,
    };
    let scores: Vec<f64> = v["scores"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_f64)
        .collect();
    let Ok(factors) = <[f64; 6]>::try_from(scores.as_slice()) else {
        return error(
            400,
            &format!(
                "scores: expected six numbers, in the order {}",
                FACTORS.join(", ")
            ),
        );
    };
    for (name, s) in FACTORS.iter().zip(factors) {
        if !(SCORE_RANGE.0..=SCORE_RANGE.1).contains(&s) {
            return error(
                422,
                &format!(
                    "{name}: {s} is out of range (expected {} to {})",
                    SCORE_RANGE.0, SCORE_RANGE.1
                ),
            );
        }
    }
    let g = Gem::of(factors);
    json_reply(
        200,
        &json!({
            "score": g.score,
            "pairs": PAIRS.iter().zip(g.pairs).map(|(n, p)| json!({"pair": n, "score": p})).collect::<Vec<_>>(),
            "weakest_pair": PAIRS[g.weakest_pair()],
            "weakest_factor": FACTORS[g.weakest_factor()],
        }),
    )
}

/// The data folder, created if missing.
pub fn data_folder(path: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(path)?;
    path.canonicalize()
}
