//! What every route shares: the [`guard`] middleware (a slot among the requests served at
//! once, the `Host` and JSON checks, the body read within its size and time limits), the
//! extractors that hand a route its form ([`Form`], [`Checked`]) and query ([`Query`]) or
//! refuse the request with a JSON error, the request's [`Slot`] and the blocking threads its
//! work runs on ([`work`]), and the [`Reply`] every route answers with.

use crate::{scenarios, Server};
use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt as _;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::OwnedSemaphorePermit;

/// How long a client may take to send a request's body.
const BODY_TIME: Duration = Duration::from_secs(20);

/// A reply, made on a blocking thread and sent by the runtime.
pub struct Reply {
    pub(crate) status: u16,
    pub(crate) kind: &'static str,
    pub(crate) body: Vec<u8>,
    /// A file name: the body is offered as a download under it.
    pub(crate) download: Option<String>,
    /// A report served from the data folder: the browser runs its scripts apart from the
    /// dashboard (a sandbox with no access to the dashboard's origin).
    pub(crate) sandboxed: bool,
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

/// A route's answer: `Err` for a refusal (the same [`Reply`], so `?` refuses early).
pub type Answer = Result<Reply, Reply>;

pub fn json_reply(status: u16, value: &Value) -> Reply {
    Reply {
        status,
        kind: "application/json",
        body: value.to_string().into_bytes(),
        download: None,
        sandboxed: false,
    }
}

/// A JSON error: `{"error": message}`.
pub fn error(status: u16, message: &str) -> Reply {
    json_reply(status, &json!({ "error": message }))
}

/// The request's place among the `max_connections` served at once, taken by [`guard`] and
/// held until the route's work is done or its event stream ends, even when the page went
/// away sooner.
#[derive(Clone)]
pub struct Slot {
    /// Released when the last clone is dropped.
    _permit: Arc<OwnedSemaphorePermit>,
}

impl Slot {
    fn of(extensions: &axum::http::Extensions) -> Result<Slot, Reply> {
        extensions
            .get::<Slot>()
            .cloned()
            .ok_or_else(|| error(500, "the request failed inside the server"))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Slot {
    type Rejection = Reply;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Slot, Reply> {
        Slot::of(&parts.extensions)
    }
}

/// Runs a route's work on one of tokio's blocking threads, holding the request's slot.
pub async fn work<T: Send + 'static>(
    slot: Slot,
    job: impl FnOnce() -> Result<T, Reply> + Send + 'static,
) -> Result<T, Reply> {
    tokio::task::spawn_blocking(move || {
        let done = job();
        drop(slot);
        done
    })
    .await
    .unwrap_or_else(|_| Err(error(500, "the request failed inside the server")))
}

/// Every request, before its route: refused when every slot is taken (503), then when
/// [`refusal`] says so, then when its body is over the size limit or slow; the body read
/// whole is handed on with the request's [`Slot`].
pub async fn guard(State(server): State<Arc<Server>>, request: Request, next: Next) -> Response {
    let Ok(permit) = Arc::clone(&server.slots).try_acquire_owned() else {
        return error(503, "the server is busy: too many connections").into_response();
    };
    let (mut parts, body) = request.into_parts();
    if let Some(refused) = refusal(&server, &parts.method, &parts.headers) {
        return refused.into_response();
    }
    let body = match read(server.settings.max_body, &parts.headers, body).await {
        Ok(body) => body,
        Err(refused) => return refused.into_response(),
    };
    parts.extensions.insert(Slot {
        _permit: Arc::new(permit),
    });
    next.run(Request::from_parts(parts, Body::from(body))).await
}

/// Why a request is refused before it is read, if it is: a `Host` other than this machine's
/// when bound to loopback; a POST whose body is not declared JSON (a page on another site
/// cannot send that without the browser asking first, and the server never agrees).
fn refusal(server: &Server, method: &Method, headers: &HeaderMap) -> Option<Reply> {
    let header = |name: &str| {
        headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    if server.settings.loopback {
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

/// The request's body, refused whole when over `limit` bytes (announced or not) or when it
/// takes longer than [`BODY_TIME`] to arrive.
async fn read(limit: usize, headers: &HeaderMap, body: Body) -> Result<Vec<u8>, Reply> {
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
            let chunk = chunk.map_err(|e| error(400, &format!("cannot read the request: {e}")))?;
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

/// The body [`guard`] read, and the request's slot.
async fn body(request: Request) -> Result<(Slot, axum::body::Bytes), Reply> {
    let slot = Slot::of(request.extensions())?;
    // Read whole already, within the server's limit.
    let bytes = axum::body::to_bytes(request.into_body(), usize::MAX)
        .await
        .map_err(|e| error(400, &format!("cannot read the request: {e}")))?;
    Ok((slot, bytes))
}

fn parse_json(body: &[u8]) -> Result<Value, Reply> {
    serde_json::from_slice(body).map_err(|e| error(400, &format!("the request is not JSON: {e}")))
}

/// A POST's JSON form (parsed on a blocking thread: bodies may be large), or a 400.
pub struct Form(pub Value);

impl<S: Send + Sync> FromRequest<S> for Form {
    type Rejection = Reply;

    async fn from_request(request: Request, _: &S) -> Result<Form, Reply> {
        let (slot, bytes) = body(request).await?;
        work(slot, move || parse_json(&bytes).map(Form)).await
    }
}

/// A form naming a scenario, with the page's parameter values applied and checked (on a
/// blocking thread): refused as [`Server::prepared`] refuses it.
pub struct Checked {
    /// The whole form.
    pub form: Value,
    /// The scenario's name.
    pub name: String,
    /// The scenario as it will run.
    pub scenario: scenarios::Prepared,
}

impl FromRequest<Arc<Server>> for Checked {
    type Rejection = Reply;

    async fn from_request(request: Request, server: &Arc<Server>) -> Result<Checked, Reply> {
        let (slot, bytes) = body(request).await?;
        let server = Arc::clone(server);
        work(slot, move || {
            let form = parse_json(&bytes)?;
            let (name, scenario) = server.prepared(&form)?;
            Ok(Checked {
                form,
                name,
                scenario,
            })
        })
        .await
    }
}

/// axum's `Query`, refused with a JSON 400 when the query does not fit `T`.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Reply;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Query<T>, Reply> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|e| error(400, &e.body_text()))
    }
}
