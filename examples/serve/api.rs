//! The HTTP side of the search page: the router, the JSON API over a [`NewsIndex`], the
//! page's embedded files, and the bounds on the work a client can ask for.
//!
//! Every answer of the API is JSON, errors included: `{"error": "…", "kind": "…"}` with the
//! parameter or the query limit at fault when there is one. Client mistakes are 4xx and say
//! what is wrong; the server's own failures are 500 and the server goes on.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::{Json, Router};
use depeche::query::QueryLimits;
use depeche::search::{
    check_filter_date, Hit, SearchRequest, SearchResponse, Sort, MAX_COMPLETIONS, MAX_OFFSET,
};
use depeche::{Error, Lang, NewsIndex};
use serde_json::{json, Value};
use tokio::sync::Semaphore;

/// Longest request target (path and query string) served: room for a query at the library's
/// longest (2,048 bytes), percent-encoded, and the filters.
pub(crate) const MAX_URI_BYTES: usize = 8 * 1024;
/// Most hits one request may ask for (`limit`).
pub(crate) const MAX_PAGE_LIMIT: usize = 100;

const PAGE_HTML: &str = include_str!("page/index.html");
const PAGE_CSS: &str = include_str!("page/page.css");
const PAGE_JS: &str = include_str!("page/page.js");
/// The page runs only its own script and style, talks only to this server, and cannot be
/// framed.
const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; \
frame-ancestors 'none'";

/// How much work the server takes on.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Bounds {
    /// Searches running at once (each on a blocking thread).
    pub(crate) max_concurrent: usize,
    /// How long a request waits for a free search slot before it gets 503.
    pub(crate) queue_wait: Duration,
    /// How long a request may take in all before it gets 503.
    pub(crate) request_timeout: Duration,
    /// What one query may cost, for every search (a client cannot change them).
    pub(crate) limits: QueryLimits,
}

impl Default for Bounds {
    /// One search per core, 2 s of waiting, 10 s per request, the library's default query
    /// limits.
    fn default() -> Self {
        Bounds {
            max_concurrent: std::thread::available_parallelism().map_or(2, |n| n.get()),
            queue_wait: Duration::from_secs(2),
            request_timeout: Duration::from_secs(10),
            limits: QueryLimits::default(),
        }
    }
}

/// What every handler shares: the index and the search slots.
#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) index: Arc<NewsIndex>,
    slots: Arc<Semaphore>,
    bounds: Bounds,
}

impl AppState {
    pub(crate) fn new(index: NewsIndex, bounds: Bounds) -> AppState {
        AppState {
            index: Arc::new(index),
            slots: Arc::new(Semaphore::new(bounds.max_concurrent)),
            bounds,
        }
    }

    /// Runs `work` on a blocking thread once a search slot is free. The slot stays taken
    /// until `work` returns, even when the request has timed out meanwhile, so timed-out
    /// searches still count against [`Bounds::max_concurrent`]. A panic in `work` is an
    /// [`ApiError`] (500), never the server's end.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&NewsIndex) -> depeche::Result<T> + Send + 'static,
    ) -> Result<T, ApiError> {
        let slot = tokio::time::timeout(self.bounds.queue_wait, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| ApiError::busy(self.bounds.queue_wait))?
            .map_err(|_| ApiError::internal("the search slots are closed".into()))?;
        let index = self.index.clone();
        let joined = tokio::task::spawn_blocking(move || {
            let _slot = slot;
            work(&index)
        })
        .await;
        match joined {
            Ok(result) => result.map_err(ApiError::from),
            Err(e) if e.is_panic() => {
                let payload = e.into_panic();
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                Err(ApiError::internal(format!("the search panicked: {message}")))
            }
            Err(e) => Err(ApiError::internal(format!("the search was cancelled: {e}"))),
        }
    }
}

/// An error answer: a status and a JSON body naming the problem.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    /// A stable word for programs: `invalid_request`, `invalid_date`, `query_refused`,
    /// `not_found`, `uri_too_long`, `busy`, `timeout`, `internal`…
    pub(crate) kind: &'static str,
    pub(crate) message: String,
    /// The request parameter at fault, when there is one.
    pub(crate) param: Option<String>,
    /// The query limit passed (`max_query_bytes`, `max_clauses`…), for `query_refused`.
    pub(crate) limit: Option<String>,
}

impl ApiError {
    fn new(status: StatusCode, kind: &'static str, message: String) -> ApiError {
        ApiError { status, kind, message, param: None, limit: None }
    }

    fn bad_param(param: &str, message: String) -> ApiError {
        ApiError {
            param: Some(param.to_string()),
            ..ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", message)
        }
    }

    /// `err`, reported against the request parameter `param`.
    fn at_param(err: Error, param: &str) -> ApiError {
        ApiError { param: Some(param.to_string()), ..ApiError::from(err) }
    }

    fn busy(waited: Duration) -> ApiError {
        let message = format!("the server is busy: no search slot freed up in {waited:?}");
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", message)
    }

    fn internal(message: String) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl From<Error> for ApiError {
    fn from(err: Error) -> ApiError {
        let message = err.to_string();
        match err {
            Error::QueryRefused { limit, .. } => ApiError {
                limit: Some(limit.to_string()),
                param: Some("q".into()),
                ..ApiError::new(StatusCode::BAD_REQUEST, "query_refused", message)
            },
            Error::InvalidRequest(_) => {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", message)
            }
            Error::InvalidDate { .. } => {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_date", message)
            }
            _ => ApiError::internal(message),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({"error": self.message, "kind": self.kind});
        if let Some(p) = self.param {
            body["param"] = Value::String(p);
        }
        if let Some(l) = self.limit {
            body["limit"] = Value::String(l);
        }
        (self.status, Json(body)).into_response()
    }
}

/// The parameters `/api/search` takes.
const SEARCH_PARAMS: &str =
    "q, lang, since, until, sort, offset, limit, facets, collapse, source, section, tag";

/// Reads `/api/search`'s query string into a request. Single-valued parameters given twice,
/// unknown parameters and bad values are errors naming the parameter; an empty value means
/// the parameter's default (a form's blank field).
pub(crate) fn search_request(query_string: &str) -> Result<SearchRequest, ApiError> {
    let mut req = SearchRequest { limit: 10, ..Default::default() };
    let mut seen: Vec<Cow<'_, str>> = Vec::new();
    for (key, value) in form_urlencoded::parse(query_string.as_bytes()) {
        let repeatable = matches!(&*key, "source" | "section" | "tag");
        if !repeatable {
            if seen.contains(&key) {
                return Err(ApiError::bad_param(&key, format!("parameter {key:?} given twice")));
            }
            seen.push(key.clone());
        }
        let v = value.trim();
        match &*key {
            "q" => req.query = value.into_owned(),
            "lang" if v.is_empty() => req.lang = None,
            "lang" => {
                req.lang = Some(
                    v.parse::<Lang>().map_err(|e| ApiError::at_param(Error::from(e), "lang"))?,
                )
            }
            "since" | "until" if v.is_empty() => {}
            "since" | "until" => {
                check_filter_date(v).map_err(|e| ApiError::at_param(e, &key))?;
                if key == "since" {
                    req.since = Some(v.to_string());
                } else {
                    req.until = Some(v.to_string());
                }
            }
            "sort" if v.is_empty() => {}
            "sort" => req.sort = v.parse::<Sort>().map_err(|e| ApiError::at_param(e, "sort"))?,
            "offset" | "limit" if v.is_empty() => {}
            "offset" | "limit" => {
                let (max, what) = if key == "limit" {
                    (MAX_PAGE_LIMIT, "hits per request")
                } else {
                    (MAX_OFFSET, "hits skipped")
                };
                let n: usize = v.parse().map_err(|_| {
                    ApiError::bad_param(&key, format!("{key}: {v:?} is not a whole number"))
                })?;
                if n > max {
                    let message = format!("{key}: {n} is over the {max} {what} allowed");
                    return Err(ApiError::bad_param(&key, message));
                }
                if key == "limit" {
                    req.limit = n;
                } else {
                    req.offset = n;
                }
            }
            "facets" => req.facets = flag(&key, v, false)?,
            "collapse" => req.collapse = flag(&key, v, true)?,
            "source" | "section" | "tag" if v.is_empty() => {}
            "source" => req.sources.push(v.to_string()),
            "section" => req.sections.push(v.to_string()),
            "tag" => req.tags.push(v.to_string()),
            _ => {
                let message = format!("unknown parameter {key:?}: expected {SEARCH_PARAMS}");
                return Err(ApiError::bad_param(&key, message));
            }
        }
    }
    Ok(req)
}

/// A 0/1 parameter; empty means `default`.
fn flag(key: &str, v: &str, default: bool) -> Result<bool, ApiError> {
    match v {
        "" => Ok(default),
        "1" | "true" | "on" | "yes" => Ok(true),
        "0" | "false" | "off" | "no" => Ok(false),
        _ => Err(ApiError::bad_param(key, format!("{key}: {v:?} is not 1 or 0"))),
    }
}

/// Reads the `limit` of `/api/complete` and `/api/related/{id}` (and nothing else): at most
/// `max`, `default` when absent or empty.
fn small_limit(query_string: &str, default: usize, max: usize) -> Result<usize, ApiError> {
    let mut limit = None;
    for (key, value) in form_urlencoded::parse(query_string.as_bytes()) {
        let v = value.trim();
        match &*key {
            "limit" if limit.is_some() => {
                return Err(ApiError::bad_param("limit", "parameter \"limit\" given twice".into()))
            }
            "limit" if v.is_empty() => limit = Some(default),
            "limit" => {
                let n: usize = v.parse().map_err(|_| {
                    ApiError::bad_param("limit", format!("limit: {v:?} is not a whole number"))
                })?;
                if n > max {
                    let message = format!("limit: {n} is over the {max} allowed");
                    return Err(ApiError::bad_param("limit", message));
                }
                limit = Some(n);
            }
            "q" => {}
            _ => {
                let message = format!("unknown parameter {key:?}: expected q, limit");
                return Err(ApiError::bad_param(&key, message));
            }
        }
    }
    Ok(limit.unwrap_or(default))
}

/// `GET /api/complete?q=…&limit=…`: `{"q": …, "completions": ["…", …]}`, the words of the
/// index completing the last word of `q` (see `NewsIndex::complete`), 10 by default.
async fn complete(
    State(state): State<AppState>,
    RawQuery(query_string): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let query_string = query_string.unwrap_or_default();
    let limit = small_limit(&query_string, 10, MAX_COMPLETIONS)?;
    let q = form_urlencoded::parse(query_string.as_bytes())
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if q.len() > state.bounds.limits.max_query_bytes {
        let message = format!(
            "q: {} bytes, more than the {} a query may hold",
            q.len(),
            state.bounds.limits.max_query_bytes
        );
        return Err(ApiError::bad_param("q", message));
    }
    let typed = q.clone();
    let completions = state.run(move |index| index.complete(&typed, limit)).await?;
    Ok(Json(json!({ "q": q, "completions": completions })))
}

/// `GET /api/related/{id}?limit=…`: `{"id": …, "hits": [Hit, …]}`, the articles related to
/// the article `id` (see `NewsIndex::related`), 5 by default; an unknown id is a 400.
async fn related(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query_string): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let limit = small_limit(query_string.as_deref().unwrap_or(""), 5, MAX_PAGE_LIMIT)?;
    let wanted = id.clone();
    let hits: Vec<Hit> = state.run(move |index| index.related(&wanted, limit)).await?;
    Ok(Json(json!({ "id": id, "hits": hits })))
}

async fn search(
    State(state): State<AppState>,
    RawQuery(query_string): RawQuery,
) -> Result<Json<SearchResponse>, ApiError> {
    let mut req = search_request(query_string.as_deref().unwrap_or(""))?;
    req.limits = state.bounds.limits;
    Ok(Json(state.run(move |index| index.search(&req)).await?))
}

/// The API routes, in one table: the router serves them and `GET /api` lists them, so the
/// page turns on what the server has. A new route is one line here and its handler.
pub(crate) fn api_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/api/search", get(search)),
        ("/api/complete", get(complete)),
        ("/api/related/{id}", get(related)),
    ]
}

fn page_file(content_type: &'static str, body: &'static str) -> Response {
    let mut res = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

/// JSON 404 for any path without a route.
async fn not_found(request: Request) -> ApiError {
    let message = format!("no such path: {}", request.uri().path());
    ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
}

async fn method_not_allowed(request: Request) -> ApiError {
    let message =
        format!("{} is not allowed on {}: use GET", request.method(), request.uri().path());
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", message)
}

/// Refuses over-long URLs, bounds each request's time, and sets the headers every answer
/// carries.
pub(crate) async fn bounded(
    State(bounds): State<Bounds>,
    request: Request,
    next: Next,
) -> Response {
    let target = request.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    let mut res = if target > MAX_URI_BYTES {
        let message = format!("the URL is {target} bytes long: at most {MAX_URI_BYTES} are served");
        ApiError::new(StatusCode::URI_TOO_LONG, "uri_too_long", message).into_response()
    } else {
        match tokio::time::timeout(bounds.request_timeout, next.run(request)).await {
            Ok(res) => res,
            Err(_) => {
                let message = format!("the request took more than {:?}", bounds.request_timeout);
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "timeout", message).into_response()
            }
        }
    };
    let headers = res.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_CSP));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// The whole application: the page, its files, the API, and the bounds around them.
pub(crate) fn app(state: AppState) -> Router {
    let routes = api_routes();
    let listed: Vec<&'static str> = routes.iter().map(|(path, _)| *path).collect();
    let mut router = Router::new()
        .route("/", get(|| async { page_file("text/html; charset=utf-8", PAGE_HTML) }))
        .route("/page.css", get(|| async { page_file("text/css; charset=utf-8", PAGE_CSS) }))
        .route("/page.js", get(|| async { page_file("text/javascript; charset=utf-8", PAGE_JS) }))
        .route("/api", get(move || async move { Json(json!({ "routes": listed })) }));
    for (path, route) in routes {
        router = router.route(path, route);
    }
    let bounds = state.bounds;
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(middleware::from_fn_with_state(bounds, bounded))
}

/// Serves [`app`] on `listener` until the process ends.
pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
) -> std::io::Result<()> {
    axum::serve(listener, app(state)).await
}
