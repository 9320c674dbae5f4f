//! The web dashboard (`clusterlab serve`). An HTTP server on loopback (axum on a small tokio
//! runtime: the requests' work runs on blocking threads), a live run stepped by its own thread
//! (see [`live`]) and streamed to the pages as server-sent events, saved runs and uploaded
//! scenarios in a data folder it never reads or writes outside of.
//!
//! Each endpoint is a route of an axum [`Router`] (see `app`); the checks every request
//! passes first (its slot among those served at once, `Host`, JSON bodies, body size and
//! time) are the `http::guard` middleware, and forms, queries and paths reach the handlers
//! through extractors that refuse a request with a JSON error.
//!
//! **Architecture invariant:** it holds no model logic and starts no process: it checks
//! scenarios, saves runs, compares policies through `clusterlab-lab` and makes reports through
//! `clusterlab-report`, in this process, on worker threads; comparisons stop at their deadline
//! between two steps, and a slow sweep report is left to finish in the background.

mod http;
pub mod live;
pub mod runs;
pub mod scenarios;
pub mod sweeps;

use axum::extract::rejection::PathRejection;
use axum::extract::State;
use axum::http::{Method, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::{get, post};
use axum::Router;
use http::{error, json_reply, work, Answer, Checked, Form, Query, Reply, Slot};
use live::{Live, Session};
use serde::Deserialize;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

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

/// Serves on `listener` until the process is interrupted (SIGINT or SIGTERM, through
/// `clusterlab_lab::progress::request_interrupt`): then it stops taking requests, drops the
/// open ones (event streams never end by themselves) and returns, giving work in progress a
/// second to finish.
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
    let served = runtime.block_on(async move {
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let serving = std::pin::pin!(std::future::IntoFuture::into_future(axum::serve(
            listener,
            app(server)
        )));
        let interrupted = std::pin::pin!(async {
            while !clusterlab_lab::progress::interrupted() {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
        match futures_util::future::select(serving, interrupted).await {
            futures_util::future::Either::Left((served, _)) => served,
            futures_util::future::Either::Right(((), _)) => Ok(()),
        }
    });
    runtime.shutdown_timeout(Duration::from_secs(1));
    served
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

/// The dashboard's routes, each request passing [`http::guard`] first.
fn app(server: Arc<Server>) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/index.html", get(page))
        .route("/api/events", get(events))
        .route("/api/scenarios", get(scenario_list).post(upload))
        .route("/api/scenario", get(scenario))
        .route("/api/session", post(start))
        .route("/api/control", post(control))
        .route("/api/runs", get(run_list))
        .route("/api/runs/{id}/{*file}", get(run_file))
        .route("/api/sweeps", get(sweep_list))
        .route("/api/sweeps/{id}/report.html", get(sweep_report))
        .route("/api/policy", post(policy))
        .route("/api/gem", post(gem))
        .method_not_allowed_fallback(nowhere)
        .fallback(nowhere)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&server),
            http::guard,
        ))
        .with_state(server)
}

/// What no route answers: a JSON 404, except a GET under /api/runs/ that names no run's file,
/// refused as [`run_file`] refuses a path outside the runs, and one under /api/sweeps/ that
/// names no sweep's report.
async fn nowhere(method: Method, uri: Uri) -> Reply {
    let path = uri.path();
    if method == Method::GET && path.starts_with("/api/runs/") {
        return outside_the_runs();
    }
    if method == Method::GET && path.starts_with("/api/sweeps/") {
        return error(
            404,
            "only a sweep's report is served here (/api/sweeps/ID/report.html)",
        );
    }
    if path.starts_with("/api/") {
        return error(404, &format!("no {method} {path} here"));
    }
    error(404, &format!("no page {path} here (the dashboard is at /)"))
}

fn outside_the_runs() -> Reply {
    error(
        403,
        "refused: only the files of saved runs in the data folder are served (timeseries.csv, timeseries.parquet, summary.json, report.html, scenario.toml, maps.json, network.json)",
    )
}

async fn page(State(server): State<Arc<Server>>) -> Reply {
    Reply {
        status: 200,
        kind: "text/html; charset=utf-8",
        body: server.page.clone().into_bytes(),
        download: None,
        sandboxed: false,
    }
}

async fn scenario_list(State(server): State<Arc<Server>>, slot: Slot) -> Answer {
    work(slot, move || {
        let listed = scenarios::list(&server.settings.data);
        Ok(json_reply(200, &json!({ "scenarios": listed })))
    })
    .await
}

async fn run_list(State(server): State<Arc<Server>>, slot: Slot) -> Answer {
    work(slot, move || {
        let listed = runs::list(&server.settings.data);
        Ok(json_reply(200, &json!({ "runs": listed })))
    })
    .await
}

async fn sweep_list(State(server): State<Arc<Server>>, slot: Slot) -> Answer {
    work(slot, move || {
        let listed = sweeps::list(&server.settings.data);
        Ok(json_reply(200, &json!({ "sweeps": listed })))
    })
    .await
}

/// `?name=SCENARIO`.
#[derive(Deserialize)]
struct Named {
    name: Option<String>,
}

async fn scenario(
    State(server): State<Arc<Server>>,
    slot: Slot,
    Query(Named { name }): Query<Named>,
) -> Answer {
    let name = name.ok_or_else(|| error(400, "name: missing (expected ?name=SCENARIO)"))?;
    work(slot, move || {
        let text = scenarios::text(&server.settings.data, &name)
            .ok_or_else(|| error(404, &format!("no scenario `{name}`")))?;
        let parameters = scenarios::parameters(&text);
        Ok(json_reply(
            200,
            &json!({ "name": name, "parameters": parameters, "text": text }),
        ))
    })
    .await
}

/// `?download` (any value): the file is offered as a download.
#[derive(Deserialize)]
struct Download {
    download: Option<String>,
}

/// A file of a saved run.
async fn run_file(
    State(server): State<Arc<Server>>,
    slot: Slot,
    path: Result<axum::extract::Path<(String, String)>, PathRejection>,
    Query(Download { download }): Query<Download>,
) -> Answer {
    // A path that does not decode to text names no run.
    let axum::extract::Path((id, file)) = path.map_err(|_| outside_the_runs())?;
    work(slot, move || {
        let (path, kind) = match runs::file(&server.settings.data, &id, &file) {
            Ok(found) => found,
            Err(runs::Refused::Outside) => return Err(outside_the_runs()),
            Err(runs::Refused::Missing) => {
                return Err(error(404, &format!("no run {id} with a {file}")))
            }
        };
        let bytes =
            std::fs::read(&path).map_err(|_| error(404, &format!("run {id} has no {file}")))?;
        Ok(Reply {
            status: 200,
            kind,
            body: bytes,
            download: download.map(|_| format!("{id}-{file}")),
            sandboxed: kind.starts_with("text/html"),
        })
    })
    .await
}

/// A sweep's report, made on request.
async fn sweep_report(
    State(server): State<Arc<Server>>,
    slot: Slot,
    id: Result<axum::extract::Path<String>, PathRejection>,
    Query(Download { download }): Query<Download>,
) -> Answer {
    let axum::extract::Path(id) =
        id.map_err(|e| error(404, &format!("no such sweep: {}", e.body_text())))?;
    work(slot, move || {
        let bytes = sweeps::report(&server.settings.data, &id)
            .map_err(|(status, message)| error(status, &message))?;
        Ok(Reply {
            status: 200,
            kind: "text/html; charset=utf-8",
            body: bytes,
            download: download.map(|_| format!("{id}-report.html")),
            sandboxed: true,
        })
    })
    .await
}

async fn upload(State(server): State<Arc<Server>>, slot: Slot, Form(form): Form) -> Answer {
    work(slot, move || server.upload(&form)).await
}

async fn start(State(server): State<Arc<Server>>, slot: Slot, checked: Checked) -> Answer {
    work(slot, move || Ok(server.start(checked))).await
}

async fn control(State(server): State<Arc<Server>>, slot: Slot, Form(form): Form) -> Answer {
    work(slot, move || server.control(&form)).await
}

async fn policy(State(server): State<Arc<Server>>, slot: Slot, checked: Checked) -> Answer {
    work(slot, move || server.policy(checked)).await
}

async fn gem(slot: Slot, Form(form): Form) -> Answer {
    work(slot, move || gem_of(&form)).await
}

/// Server-sent events: a `frame` event per published change, a comment every 15 s of quiet,
/// until the page goes away (the request's slot is held till then). Waiting takes no thread:
/// the stream awaits the live run's version, and builds each event without blocking.
async fn events(
    State(server): State<Arc<Server>>,
    slot: Slot,
) -> Sse<impl futures_util::Stream<Item = Result<Event, std::convert::Infallible>>> {
    let changes = server.live.subscribe();
    let start = (server, slot, changes, u64::MAX, u64::MAX, 0usize);
    let stream = futures_util::stream::unfold(
        start,
        |(server, slot, mut changes, session, version, rows)| async move {
            loop {
                if let Some(e) = server.live.next_event(session, version, rows) {
                    let (s, v, r) = (e.session, e.version, e.rows);
                    let event = Event::default().event("frame").data(e.json);
                    return Some((Ok(event), (server, slot, changes, s, v, r)));
                }
                match tokio::time::timeout(Duration::from_secs(15), changes.changed()).await {
                    Ok(Ok(())) => continue,
                    Ok(Err(_)) => return None,
                    Err(_) => {
                        let event = Event::default().comment("still here");
                        return Some((Ok(event), (server, slot, changes, session, version, rows)));
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

impl Server {
    fn upload(&self, form: &Value) -> Answer {
        let (Some(name), Some(text)) = (form["name"].as_str(), form["text"].as_str()) else {
            return Err(error(400, "expected {\"name\": NAME, \"text\": TOML}"));
        };
        if !scenarios::valid_name(name) {
            return Err(error(
                400,
                &format!("name: `{name}` is not a scenario name (expected 1 to 64 letters, digits, - or _)"),
            ));
        }
        if scenarios::BUNDLED.iter().any(|(n, _)| *n == name) {
            return Err(error(
                409,
                &format!("name: `{name}` is a bundled scenario's; choose another"),
            ));
        }
        scenarios::prepare(name, text, &[], self.settings.max_cells).map_err(|e| error(422, &e))?;
        let dir = self.settings.data.join(scenarios::UPLOADS);
        let path = dir.join(format!("{name}.toml"));
        std::fs::create_dir_all(&dir)
            .map_err(anyhow::Error::from)
            .and_then(|()| {
                clusterlab_store::atomic::write_atomically(&path, |partial| {
                    Ok(std::fs::write(partial, text)?)
                })
            })
            .map_err(|e| error(500, &format!("cannot save the scenario: {e:#}")))?;
        Ok(json_reply(201, &json!({ "name": name })))
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

    fn start(&self, checked: Checked) -> Reply {
        let Checked { name, scenario, .. } = checked;
        let warnings: Vec<String> = scenario
            .loaded
            .warnings
            .warnings()
            .map(|w| w.to_string())
            .collect();
        self.live.start(Session {
            name,
            text: scenario.text,
            scenario: scenario.loaded.scenario,
        });
        json_reply(200, &json!({ "started": true, "warnings": warnings }))
    }

    fn control(&self, form: &Value) -> Answer {
        let action = form["action"].as_str().unwrap_or("");
        match self
            .live
            .control(action, form["fps"].as_f64(), form["group"].as_u64())
        {
            Ok(status) => Ok(json_reply(
                200,
                &json!({ "status": format!("{status:?}").to_lowercase() }),
            )),
            Err(live::Refused::Invalid(e)) => Err(error(400, &e)),
            Err(live::Refused::NotNow(e)) => Err(error(409, &e)),
        }
    }

    /// `clusterlab policy compare` on a scenario with the page's parameters, its JSON back.
    fn policy(&self, checked: Checked) -> Answer {
        let Checked {
            form: v,
            name,
            scenario: prepared,
        } = checked;
        let Some(policies) = v["policies"].as_str().filter(|p| !p.trim().is_empty()) else {
            return Err(error(
                400,
                "policies: missing (expected a list such as rd-subsidy,broker-network)",
            ));
        };
        let replications = v["replications"].as_u64().unwrap_or(3);
        if !(2..=20).contains(&replications) {
            return Err(error(400, &format!("replications: {replications} is out of range (expected 2 to 20 from the dashboard)")));
        }
        let dir = self.settings.data.join("tmp");
        std::fs::create_dir_all(&dir)
            .map_err(|e| error(500, &format!("cannot create {}: {e}", dir.display())))?;
        static FORMS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let file = dir.join(format!(
            "policy-{}-{}-{name}.toml",
            std::process::id(),
            FORMS.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        ));
        std::fs::write(&file, &prepared.text)
            .map_err(|e| error(500, &format!("cannot write {}: {e}", file.display())))?;
        // The lab reads scenarios from files: this one is removed however the job ends.
        struct Removed<'a>(&'a Path);
        impl Drop for Removed<'_> {
            fn drop(&mut self) {
                let _ = std::fs::remove_file(self.0);
            }
        }
        let _removed = Removed(&file);
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
        let result = on_own_threads(|| {
            clusterlab_lab::policy_lab::compare(
                &options,
                clusterlab_lab::progress::Stop::within(POLICY_TIME),
            )
        });
        match result {
            Ok(comparisons) => match serde_json::to_value(&comparisons) {
                Ok(result) => Ok(json_reply(200, &result)),
                Err(e) => Err(error(500, &format!("policy compare gave no JSON: {e}"))),
            },
            Err(e) if e.code == clusterlab_lab::error::EXIT_TIMED_OUT => Err(error(
                503,
                "the comparison took too long (over 10 minutes): try fewer replications or a shorter run",
            )),
            Err(e) => Err(error(422, &e.lines.join("\n"))),
        }
    }
}

/// Runs `job` on a rayon pool of its own, as many threads as cores, so that its runs do not
/// queue behind (or hold up) the live run, which steps on the global pool: the two share the
/// cores as two processes would.
fn on_own_threads<T: Send>(job: impl FnOnce() -> T + Send) -> T {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    match rayon::ThreadPoolBuilder::new().num_threads(cores).build() {
        Ok(pool) => pool.install(job),
        Err(_) => job(),
    }
}

/// The GEM of six factor scores.
fn gem_of(v: &Value) -> Answer {
    use clusterlab_numerics::gem::{Gem, FACTORS, PAIRS, SCORE_RANGE};
    let scores: Vec<f64> = v["scores"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_f64)
        .collect();
    let Ok(factors) = <[f64; 6]>::try_from(scores.as_slice()) else {
        return Err(error(
            400,
            &format!(
                "scores: expected six numbers, in the order {}",
                FACTORS.join(", ")
            ),
        ));
    };
    for (name, s) in FACTORS.iter().zip(factors) {
        if !(SCORE_RANGE.0..=SCORE_RANGE.1).contains(&s) {
            return Err(error(
                422,
                &format!(
                    "{name}: {s} is out of range (expected {} to {})",
                    SCORE_RANGE.0, SCORE_RANGE.1
                ),
            ));
        }
    }
    let g = Gem::of(factors);
    Ok(json_reply(
        200,
        &json!({
            "score": g.score,
            "pairs": PAIRS.iter().zip(g.pairs).map(|(n, p)| json!({"pair": n, "score": p})).collect::<Vec<_>>(),
            "weakest_pair": PAIRS[g.weakest_pair()],
            "weakest_factor": FACTORS[g.weakest_factor()],
        }),
    ))
}

/// The data folder, created if missing.
pub fn data_folder(path: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(path)?;
    path.canonicalize()
}

#[cfg(test)]
mod tests;
