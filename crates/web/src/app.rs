//! The router, its handlers and the guards around them.

use std::fmt::Write;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use model::StoryReport;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use crate::cache::{Cache, Rendered};
use crate::{pages, Config, StoryStore, WebError};

const TOKEN_COOKIE: &str = "corroborate_token";

/// The built app: serve it with [`App::serve`], or take its [`App::router`] for tests.
pub struct App {
    config: Config,
    state: Arc<AppState>,
}

struct AppState {
    pipeline: pipeline::Pipeline,
    store: Option<Box<dyn StoryStore>>,
    cache: Cache,
    analyses: Arc<Semaphore>,
    token: Option<String>,
    /// On loopback without a token: only loopback `Host` names are served.
    loopback_only: bool,
    max_parts: usize,
    max_body_bytes: usize,
    report_csp: HeaderValue,
    page_csp: HeaderValue,
}

impl App {
    pub(crate) fn new(
        config: Config,
        pipeline: pipeline::Pipeline,
        store: Option<Box<dyn StoryStore>>,
    ) -> Self {
        let header = |s: String| HeaderValue::from_str(&s).unwrap_or(HeaderValue::from_static(""));
        let state = Arc::new(AppState {
            pipeline,
            store,
            cache: Cache::new(config.cache_entries),
            analyses: Arc::new(Semaphore::new(config.max_concurrent_analyses)),
            token: config.token.clone(),
            loopback_only: config.token.is_none(),
            max_parts: config.max_parts,
            max_body_bytes: config.max_body_bytes,
            // Only a header can forbid framing; the pages' meta elements cannot.
            report_csp: header(format!(
                "{}; frame-ancestors 'none'",
                report::content_security_policy()
            )),
            page_csp: header(format!("{}; frame-ancestors 'none'", pages::csp())),
        });
        Self { config, state }
    }

    /// The routes with every guard: token or loopback host, body limit, requests in flight,
    /// timeout, security headers.
    pub fn router(&self) -> Router {
        let s = self.state.clone();
        Router::new()
            .route("/", get(index))
            .route("/analyze", post(analyze_form))
            .route("/reports/{id}", get(report_html))
            .route("/api/v1/reports/{id}", get(report_json))
            .route("/api/v1/analyze", post(analyze_api))
            .route("/stories", get(stories_html))
            .route("/stories/{id}", get(story_html))
            .route("/api/v1/stories", get(stories_json))
            .route("/api/v1/stories/{id}", get(story_json))
            .layer(DefaultBodyLimit::max(self.config.max_body_bytes))
            .layer(middleware::from_fn_with_state(s.clone(), guard))
            .layer(tower::limit::GlobalConcurrencyLimitLayer::new(
                self.config.max_in_flight,
            ))
            .layer(tower_http::timeout::TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                self.config.timeout,
            ))
            .with_state(s)
    }

    /// Listens on the configured address until the process ends. Builds its own runtime.
    pub fn serve(self, on_listen: impl FnOnce(std::net::SocketAddr)) -> Result<(), WebError> {
        let addr = self.config.bind;
        let listen = |source| WebError::Listen { addr, source };
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(listen)?;
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind(addr).await.map_err(listen)?;
            on_listen(listener.local_addr().unwrap_or(addr));
            accept_loop(listener, self.router(), &self.config).await
        })
    }
}

/// Serves connections one task each. Unlike `axum::serve` this bounds what a client that
/// never finishes its headers can hold: the headers (and each keep-alive wait for the next
/// request) must arrive within `header_timeout`, and past `max_connections` the loop stops
/// accepting until one closes.
async fn accept_loop(
    listener: tokio::net::TcpListener,
    router: Router,
    config: &Config,
) -> Result<(), WebError> {
    let slots = Arc::new(Semaphore::new(config.max_connections));
    let service = hyper_util::service::TowerToHyperService::new(router);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(config.header_timeout);
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return Ok(());
        };
        let (stream, _) = match listener.accept().await {
            Ok(conn) => conn,
            // Out of descriptors or a connection reset before accept: not the server's end.
            Err(e) if is_transient(&e) => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
            Err(e) => return Err(WebError::Serve(e)),
        };
        let conn = http.serve_connection(hyper_util::rt::TokioIo::new(stream), service.clone());
        tokio::spawn(async move {
            // A client that hangs up or times out is not an error of the server.
            let _ = conn.await;
            drop(slot);
        });
    }
}

fn is_transient(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionAborted | ConnectionReset | Interrupted | WouldBlock
    ) || e.raw_os_error().is_some_and(|c| c == 23 || c == 24) // ENFILE, EMFILE
}

/// Token or loopback `Host`, same-origin posts, and the security headers on every answer.
async fn guard(State(s): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
        .to_string();
    let mut set_cookie = None;
    if let Some(token) = &s.token {
        let query_token = req.uri().query().and_then(|q| {
            q.split('&')
                .find_map(|kv| kv.strip_prefix("token="))
                .map(str::to_string)
        });
        let given = bearer(headers)
            .or_else(|| cookie(headers, TOKEN_COOKIE))
            .or(query_token.clone());
        if !given.is_some_and(|g| same(g.as_bytes(), token.as_bytes())) {
            return error(StatusCode::UNAUTHORIZED, "a token is required", api(&req));
        }
        if query_token.is_some() {
            set_cookie = Some(format!(
                "{TOKEN_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/"
            ));
        }
    } else if s.loopback_only && !is_loopback_host(&host) {
        return error(
            StatusCode::MISDIRECTED_REQUEST,
            "this server answers only to localhost",
            api(&req),
        );
    }
    if req.method() == Method::POST {
        if let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
            let own = origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"));
            if own != Some(host.as_str()) {
                return error(
                    StatusCode::FORBIDDEN,
                    "cross-site posts are refused",
                    api(&req),
                );
            }
        }
    }
    let is_report = req.uri().path().starts_with("/reports/")
        || (req.uri().path().starts_with("/stories/") && req.method() == Method::GET);
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        if is_report {
            s.report_csp.clone()
        } else {
            s.page_csp.clone()
        },
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if let Some(c) = set_cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        h.insert(header::SET_COOKIE, c);
    }
    res
}

fn api(req: &Request) -> bool {
    req.uri().path().starts_with("/api/")
}

fn bearer(h: &HeaderMap) -> Option<String> {
    h.get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::to_string)
}

fn cookie(h: &HeaderMap, name: &str) -> Option<String> {
    h.get_all(header::COOKIE).iter().find_map(|v| {
        v.to_str().ok()?.split(';').find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then(|| v.to_string())
        })
    })
}

/// Compares without stopping at the first difference, so the time taken tells nothing.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(n, _)| n),
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn error(status: StatusCode, message: &str, json: bool) -> Response {
    if json {
        (status, axum::Json(serde_json::json!({ "error": message }))).into_response()
    } else {
        (status, html(pages::error(message))).into_response()
    }
}

fn html(body: impl Into<Bytes>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        body.into(),
    )
        .into_response()
}

fn json(body: Bytes) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

async fn index(State(s): State<Arc<AppState>>) -> Response {
    html(pages::index(s.store.is_some(), s.max_body_bytes))
}

/// An input of an upload: its name (the extension picks the format) and bytes.
type Input = (String, Vec<u8>);

/// The id of an upload: the same articles get the same report, analysed once.
fn upload_id(inputs: &[Input]) -> String {
    let mut h = Sha256::new();
    for (name, bytes) in inputs {
        h.update((name.len() as u64).to_le_bytes());
        h.update(name.as_bytes());
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    }
    let mut id = String::with_capacity(16);
    for b in &h.finalize()[..8] {
        let _ = write!(id, "{b:02x}");
    }
    id
}

/// Analyses on the blocking pool, at most `max_concurrent_analyses` at once, and caches the
/// rendered report under `key`. A request that times out leaves the analysis to finish and
/// fill the cache, so that asking again is answered at once.
async fn analysed(
    s: &Arc<AppState>,
    key: String,
    inputs: Vec<Input>,
    as_json: bool,
) -> Result<Arc<Rendered>, Response> {
    if let Some(hit) = s.cache.get(&key) {
        return Ok(hit);
    }
    let permit = s
        .analyses
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| error(StatusCode::SERVICE_UNAVAILABLE, "shutting down", as_json))?;
    let state = s.clone();
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let start = std::time::Instant::now();
        let report = state.pipeline.run_inputs(&inputs);
        let rendered = render(&report, start.elapsed());
        state.cache.insert(key, rendered.clone());
        rendered
    })
    .await
    .map_err(|e| {
        error(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("the analysis failed: {e}"),
            as_json,
        )
    })
}

fn render(report: &StoryReport, analysis: std::time::Duration) -> Arc<Rendered> {
    Arc::new(Rendered {
        analysis,
        html: Bytes::from(report::render_html(report)),
        // Serialising plain report types cannot fail; an empty object is the fallback anyway.
        json: Bytes::from(serde_json::to_vec(report).unwrap_or_else(|_| b"{}".to_vec())),
    })
}

async fn analyze_form(State(s): State<Arc<AppState>>, mut form: Multipart) -> Response {
    let mut inputs: Vec<Input> = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return error(e.status(), &e.body_text(), false),
        };
        if inputs.len() >= s.max_parts {
            let msg = format!("too many parts: at most {}", s.max_parts);
            return error(StatusCode::PAYLOAD_TOO_LARGE, &msg, false);
        }
        let pasted = field.name() == Some("text");
        let name = match field.file_name() {
            Some(f) if !f.is_empty() => f.to_string(),
            // Pasted text has no name: the ingest stage tells text, HTML and JSON Lines apart.
            _ => format!("pasted-{}", inputs.len() + 1),
        };
        match field.bytes().await {
            Ok(b) if b.iter().all(u8::is_ascii_whitespace) && (pasted || b.is_empty()) => {}
            Ok(b) => inputs.push((name, b.to_vec())),
            Err(e) => return error(e.status(), &e.body_text(), false),
        }
    }
    if inputs.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            "no article given: upload files or paste text",
            false,
        );
    }
    let id = upload_id(&inputs);
    match analysed(&s, id.clone(), inputs, false).await {
        Ok(_) => Redirect::to(&format!("/reports/{id}")).into_response(),
        Err(e) => e,
    }
}

#[derive(Deserialize)]
struct NameQuery {
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApiUpload {
    articles: Vec<ApiArticle>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApiArticle {
    name: String,
    content: String,
}

async fn analyze_api(
    State(s): State<Arc<AppState>>,
    Query(q): Query<NameQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|c| c.to_str().ok())
        .is_some_and(|c| c.starts_with("application/json"));
    let inputs: Vec<Input> = if is_json {
        match serde_json::from_slice::<ApiUpload>(&body) {
            Ok(u) if u.articles.len() > s.max_parts => {
                let msg = format!("too many articles: at most {}", s.max_parts);
                return error(StatusCode::PAYLOAD_TOO_LARGE, &msg, true);
            }
            Ok(u) => u
                .articles
                .into_iter()
                .map(|a| (a.name, a.content.into_bytes()))
                .collect(),
            Err(e) => {
                let msg = format!(
                    "the JSON body is not {{\"articles\":[{{\"name\",\"content\"}}]}}: {e}"
                );
                return error(StatusCode::BAD_REQUEST, &msg, true);
            }
        }
    } else {
        vec![(q.name.unwrap_or_else(|| "upload".into()), body.to_vec())]
    };
    if inputs.is_empty() {
        return error(StatusCode::BAD_REQUEST, "no article given", true);
    }
    let id = upload_id(&inputs);
    match analysed(&s, id.clone(), inputs, true).await {
        Ok(r) => {
            let mut res = json(r.json.clone());
            let h = res.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/reports/{id}")) {
                h.insert(header::LOCATION, v);
            }
            let timing = format!("analysis;dur={:.1}", r.analysis.as_secs_f64() * 1000.0);
            if let Ok(v) = HeaderValue::from_str(&timing) {
                h.insert("server-timing", v);
            }
            res
        }
        Err(e) => e,
    }
}

/// Made reports: the id is ours (hex), so it is looked up, never used in a path or a page.
async fn report_html(State(s): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    match s.cache.get(&id) {
        Some(r) => html(r.html.clone()),
        None => error(
            StatusCode::NOT_FOUND,
            "no such report (reports are kept in memory, the oldest dropped first)",
            false,
        ),
    }
}

async fn report_json(State(s): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    match s.cache.get(&id) {
        Some(r) => json(r.json.clone()),
        None => error(StatusCode::NOT_FOUND, "no such report", true),
    }
}

const NO_STORE: &str = "no corpus store: start the server with --db FILE";

async fn story_list(s: &Arc<AppState>, as_json: bool) -> Result<Vec<crate::StoryEntry>, Response> {
    if s.store.is_none() {
        return Err(error(StatusCode::NOT_FOUND, NO_STORE, as_json));
    }
    let state = s.clone();
    let listed =
        tokio::task::spawn_blocking(move || state.store.as_ref().map(|st| st.list())).await;
    match listed {
        Ok(Some(Ok(list))) => Ok(list),
        Ok(Some(Err(e))) => Err(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            &e.to_string(),
            as_json,
        )),
        _ => Err(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the store failed",
            as_json,
        )),
    }
}

async fn stories_html(State(s): State<Arc<AppState>>) -> Response {
    match story_list(&s, false).await {
        Ok(list) => html(pages::stories(&list)),
        Err(e) => e,
    }
}

async fn stories_json(State(s): State<Arc<AppState>>) -> Response {
    match story_list(&s, true).await {
        Ok(list) => axum::Json(list).into_response(),
        Err(e) => e,
    }
}

/// A story of the store, rendered once and then served from the cache.
async fn story(s: &Arc<AppState>, id: String, as_json: bool) -> Result<Arc<Rendered>, Response> {
    let key = format!("story:{id}");
    if let Some(hit) = s.cache.get(&key) {
        return Ok(hit);
    }
    if s.store.is_none() {
        return Err(error(StatusCode::NOT_FOUND, NO_STORE, as_json));
    }
    let state = s.clone();
    let found = tokio::task::spawn_blocking(move || {
        let report = state.store.as_ref()?.report(&id);
        Some(report.map(|r| {
            r.map(|r| {
                let rendered = render(&r, std::time::Duration::ZERO);
                state.cache.insert(key, rendered.clone());
                rendered
            })
        }))
    })
    .await;
    match found {
        Ok(Some(Ok(Some(r)))) => Ok(r),
        Ok(Some(Ok(None))) => Err(error(StatusCode::NOT_FOUND, "no such story", as_json)),
        Ok(Some(Err(e))) => Err(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            &e.to_string(),
            as_json,
        )),
        _ => Err(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the store failed",
            as_json,
        )),
    }
}

async fn story_html(State(s): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    match story(&s, id, false).await {
        Ok(r) => html(r.html.clone()),
        Err(e) => e,
    }
}

async fn story_json(State(s): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    match story(&s, id, true).await {
        Ok(r) => json(r.json.clone()),
        Err(e) => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_tokens() {
        for h in [
            "localhost:8080",
            "127.0.0.1:1",
            "[::1]:80",
            "LOCALHOST",
            "127.0.0.1",
        ] {
            assert!(is_loopback_host(h), "{h}");
        }
        for h in [
            "evil.example:8080",
            "10.0.0.1",
            "",
            "localhost.evil.example",
        ] {
            assert!(!is_loopback_host(h), "{h}");
        }
        assert!(same(b"abc", b"abc") && !same(b"abc", b"abd") && !same(b"abc", b"ab"));
        assert_ne!(
            upload_id(&[("a".into(), b"bc".to_vec())]),
            upload_id(&[("ab".into(), b"c".to_vec())])
        );
    }
}
