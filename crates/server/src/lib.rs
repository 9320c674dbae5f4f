//! The web dashboard (`clusterlab serve`). An HTTP server on loopback (axum on a small tokio
//! runtime: the requests' work runs on blocking threads), a live run stepped by its own thread
//! (see [`live`]) and streamed to the pages as server-sent events, saved runs and uploaded
//! scenarios in a data folder it never reads or writes outside of.
//!
//! **Architecture invariant:** it holds no model logic and starts no process: it checks
//! scenarios, saves runs, compares policies through `clusterlab-lab` and makes reports through
//! `clusterlab-report`, in this process, on worker threads, each long job under a deadline.

pub mod live;
pub mod runs;
pub mod scenarios;
pub mod sweeps;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt as _;
use live::{Live, Session};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The dashboard page, with uPlot inlined when it is served.
const PAGE: &str = include_str!("../assets/dashboard.html");
const UPLOT_JS: &str = clusterlab_report::UPLOT_JS;
const UPLOT_CSS: &str = clusterlab_report::UPLOT_CSS;

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
    /// One permit per request being served (event streams hold theirs while open).
    slots: Arc<Semaphore>,
}

/// How long a policy comparison from the form may run.
const POLICY_TIME: Duration = Duration::from_secs(600);

/// How long a client may take to send a request's body.
const BODY_TIME: Duration = Duration::from_secs(20);

/// Serves on `listener` until the process ends.
pub fn serve(listener: std::net::TcpListener, settings: Settings) -> std::io::Result<()> {
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
    let server = Server::new(settings, live);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(2 * server.settings.max_connections)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        axum::serve(listener, app(server)).await
    })
}

impl Server {
    fn new(settings: Settings, live: Arc<Live>) -> Arc<Server> {
        let page = PAGE
            .replace("/*UPLOT_CSS*/", UPLOT_CSS)
            .replace("/*UPLOT_JS*/", UPLOT_JS)
            .replace("{{VERSION}}", env!("CARGO_PKG_VERSION"));
        Arc::new(Server {
            slots: Arc::new(Semaphore::new(settings.max_connections)),
            settings,
            live,
            page,
        })
    }
}

/// The dashboard's routes.
fn app(server: Arc<Server>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(server)
}

/// A reply, made on a blocking thread and sent by the runtime.
pub struct Reply {
    status: u16,
    kind: &'static str,
    body: Vec<u8>,
    /// A file name: the body is offered as a download under it.
    download: Option<String>,
    /// A report served from the data folder: the browser runs its scripts apart from the
    /// dashboard (a sandbox with no access to the dashboard's origin).
    sandboxed: bool,
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() =
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        headers.insert("content-type", HeaderValue::from_static(self.kind));
        headers.insert("cache-control", HeaderValue::from_static("no-store"));
        if self.sandboxed {
            headers.insert(
                "content-security-policy",
                HeaderValue::from_static("sandbox allow-scripts"),
            );
        }
        if let Some(name) = self.download {
            // Names are checked run ids and listed file names: valid header text.
            if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
                headers.insert("content-disposition", v);
            }
        }
        response
    }
}

fn json_reply(status: u16, value: &Value) -> Reply {
    Reply {
        status,
        kind: "application/json",
        body: value.to_string().into_bytes(),
        download: None,
        sandboxed: false,
    }
}

fn error(status: u16, message: &str) -> Reply {
    json_reply(status, &json!({ "error": message }))
}

/// Every request: refusals first, then the event stream, or the body (bounded in size and
/// time) and the route's work on a blocking thread.
async fn handle(
    axum::extract::State(server): axum::extract::State<Arc<Server>>,
    request: axum::extract::Request,
) -> Response {
    let Ok(permit) = Arc::clone(&server.slots).try_acquire_owned() else {
        return error(503, "the server is busy: too many connections").into_response();
    };
    let (parts, body) = request.into_parts();
    let url = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    if let Some(refusal) = server.refusal(&parts.method, &parts.headers) {
        return refusal.into_response();
    }
    if parts.method == Method::GET && url.split('?').next() == Some("/api/events") {
        return events(server, permit).into_response();
    }
    let body = match server.body(&parts.headers, body).await {
        Ok(body) => body,
        Err(reply) => return reply.into_response(),
    };
    let method = parts.method;
    let worker = Arc::clone(&server);
    let reply = tokio::task::spawn_blocking(move || {
        let reply = worker.route(&method, &url, &body);
        drop(permit);
        reply
    })
    .await;
    match reply {
        Ok(reply) => reply.into_response(),
        Err(_) => error(500, "the request failed inside the server").into_response(),
    }
}

/// Server-sent events: a `frame` event per published change, a comment every 15 s of quiet,
/// until the page goes away. Waiting takes no thread: the stream awaits the live run's
/// version, and builds each event without blocking.
fn events(
    server: Arc<Server>,
    permit: OwnedSemaphorePermit,
) -> Sse<impl futures_util::Stream<Item = Result<Event, std::convert::Infallible>>> {
    let changes = server.live.subscribe();
    let start = (server, permit, changes, u64::MAX, u64::MAX, 0usize);
    let stream = futures_util::stream::unfold(
        start,
        |(server, permit, mut changes, session, version, rows)| async move {
            loop {
                if let Some(e) = server.live.next_event(session, version, rows) {
                    let (s, v, r) = (e.session, e.version, e.rows);
                    let event = Event::default().event("frame").data(e.json);
                    return Some((Ok(event), (server, permit, changes, s, v, r)));
                }
                match tokio::time::timeout(Duration::from_secs(15), changes.changed()).await {
                    Ok(Ok(())) => continue,
                    Ok(Err(_)) => return None,
                    Err(_) => {
                        let event = Event::default().comment("still here");
                        return Some((
                            Ok(event),
                            (server, permit, changes, session, version, rows),
                        ));
                    }
                }
            }
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Whether `name` is a plain name the server may turn into a path inside its data folder:
/// 1 to `max` ASCII letters, digits, `-` and `_` (and `.` when `dots`, never leading), so
/// never a path, `..` or a hidden file.
pub fn plain_name(name: &str, max: usize, dots: bool) -> bool {
    (1..=max).contains(&name.len())
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || (dots && b == b'.'))
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
    /// The reply to a request whose body was read.
    fn route(&self, method: &Method, url: &str, body: &[u8]) -> Reply {
        let path = url.split('?').next().unwrap_or("");
        match (method.as_str(), path) {
            ("GET", "/") | ("GET", "/index.html") => Reply {
                status: 200,
                kind: "text/html; charset=utf-8",
                body: self.page.clone().into_bytes(),
                download: None,
                sandboxed: false,
            },
            ("GET", "/api/scenarios") => json_reply(
                200,
                &json!({ "scenarios": scenarios::list(&self.settings.data) }),
            ),
            ("GET", "/api/scenario") => self.scenario(url),
            ("POST", "/api/scenarios") => self.upload(body),
            ("POST", "/api/session") => self.start(body),
            ("POST", "/api/control") => self.control(body),
            ("GET", "/api/runs") => {
                json_reply(200, &json!({ "runs": runs::list(&self.settings.data) }))
            }
            ("GET", "/api/sweeps") => {
                json_reply(200, &json!({ "sweeps": sweeps::list(&self.settings.data) }))
            }
            ("GET", p) if p.starts_with("/api/sweeps/") => {
                let rest = &p["/api/sweeps/".len()..];
                match rest.split_once('/') {
                    Some((id, "report.html")) => match sweeps::report(&self.settings.data, id) {
                        Ok(bytes) => Reply {
                            status: 200,
                            kind: "text/html; charset=utf-8",
                            body: bytes,
                            download: query(url, "download").map(|_| format!("{id}-report.html")),
                            sandboxed: true,
                        },
                        Err((status, message)) => error(status, &message),
                    },
                    _ => error(
                        404,
                        "only a sweep's report is served here (/api/sweeps/ID/report.html)",
                    ),
                }
            }
            ("POST", "/api/policy") => self.policy(body),
            ("POST", "/api/gem") => gem(body),
            ("GET", p) if p.starts_with("/api/runs/") => {
                let rest = &p["/api/runs/".len()..];
                let (id, file) = rest.split_once('/').unwrap_or((rest, ""));
                match runs::file(&self.settings.data, id, file) {
                    Ok((path, kind)) => match std::fs::read(&path) {
                        Ok(bytes) => Reply {
                            status: 200,
                            kind,
                            body: bytes,
                            download: query(url, "download").map(|_| format!("{id}-{file}")),
                            sandboxed: kind.starts_with("text/html"),
                        },
                        Err(_) => error(404, &format!("run {id} has no {file}")),
                    },
                    Err(runs::Refused::Outside) => error(
                        403,
                        "refused: only the files of saved runs in the data folder are served (timeseries.csv, timeseries.parquet, summary.json, report.html, scenario.toml, maps.json, network.json)",
                    ),
                    Err(runs::Refused::Missing) => {
                        error(404, &format!("no run {id} with a {file}"))
                    }
                }
            }
            (_, p) if p.starts_with("/api/") => error(404, &format!("no {method} {p} here")),
            _ => error(404, &format!("no page {path} here (the dashboard is at /)")),
        }
    }

    /// Why a request is refused before it is read, if it is: a `Host` other than this
    /// machine's when bound to loopback; a POST whose body is not declared JSON (a page on
    /// another site cannot send that without the browser asking first, and the server
    /// never agrees).
    fn refusal(&self, method: &Method, headers: &HeaderMap) -> Option<Reply> {
        let header = |name: &str| {
            headers
                .get(name)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
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
        if *method == Method::POST {
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

    /// The request's body, refused whole when over the size limit (announced or not) or
    /// when it takes longer than [`BODY_TIME`] to arrive.
    async fn body(&self, headers: &HeaderMap, body: Body) -> Result<Vec<u8>, Reply> {
        let limit = self.settings.max_body;
        let too_big = || {
            error(
                413,
                &format!("the request body is over this server's limit of {limit} bytes"),
            )
        };
        let announced = headers
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if announced.is_some_and(|n| n > limit as u64) {
            return Err(too_big());
        }
        let read = async {
            let mut stream = body.into_data_stream();
            let mut out = Vec::new();
            while let Some(chunk) = stream.next().await {
                let chunk =
                    chunk.map_err(|e| error(400, &format!("cannot read the request: {e}")))?;
                if out.len() + chunk.len() > limit {
                    return Err(too_big());
                }
                out.extend_from_slice(&chunk);
            }
            Ok(out)
        };
        tokio::time::timeout(BODY_TIME, read)
            .await
            .unwrap_or_else(|_| Err(error(408, "the request body took too long to arrive")))
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
        let written = std::fs::create_dir_all(&dir)
            .map_err(anyhow::Error::from)
            .and_then(|()| {
                clusterlab_store::atomic::write_atomically(&path, |partial| {
                    Ok(std::fs::write(partial, text)?)
                })
            });
        match written {
            Ok(()) => json_reply(201, &json!({ "name": name })),
            Err(e) => error(500, &format!("cannot save the scenario: {e:#}")),
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
        match self
            .live
            .control(action, v["fps"].as_f64(), v["group"].as_u64())
        {
            Ok(status) => json_reply(
                200,
                &json!({ "status": format!("{status:?}").to_lowercase() }),
            ),
            Err(live::Refused::Invalid(e)) => error(400, &e),
            Err(live::Refused::NotNow(e)) => error(409, &e),
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
            FORMS.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        ));
        if let Err(e) = std::fs::write(&file, &prepared.text) {
            return error(500, &format!("cannot write {}: {e}", file.display()));
        }
        let options = clusterlab_lab::policy_lab::CompareOptions {
            scenarios: vec![file.clone()],
            policies: policies.to_string(),
            replications: replications as u32,
            start: 0,
            end: None,
            budget: v["budget"].as_f64(),
            objective: "welfare".to_string(),
            technology: None,
        };
        let result = clusterlab_lab::policy_lab::compare(
            &options,
            clusterlab_lab::progress::Stop::within(POLICY_TIME),
        );
        let _ = std::fs::remove_file(&file);
        match result {
            Ok(comparisons) => match serde_json::to_value(&comparisons) {
                Ok(result) => json_reply(200, &result),
                Err(e) => error(500, &format!("policy compare gave no JSON: {e}")),
            },
            Err(e) if e.code == clusterlab_lab::error::EXIT_TIMED_OUT => error(
                503,
                "the comparison took too long (over 10 minutes): try fewer replications or a shorter run",
            ),
            Err(e) if e.code == clusterlab_lab::error::EXIT_BAD_INPUT => {
                error(422, &e.lines.join("\n"))
            }
            Err(e) => error(500, &format!("cannot run policy compare: {}", e.lines.join("\n"))),
        }
    }
}

fn parse_json(body: &[u8]) -> Result<Value, Reply> {
    serde_json::from_slice(body).map_err(|e| error(400, &format!("the request is not JSON: {e}")))
}

/// The GEM of six factor scores.
fn gem(body: &[u8]) -> Reply {
    use clusterlab_numerics::gem::{Gem, FACTORS, PAIRS, SCORE_RANGE};
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

#[cfg(test)]
mod tests;
