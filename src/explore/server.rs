//! The HTTP server of `zhagen explore`: axum on a small tokio runtime, one process, bound to
//! the loopback unless told otherwise, writing no file.
//!
//! - `GET /` the page (HTML, CSS and script in one document: it works offline);
//! - `GET /api/levers` the levers, the reference and the default replications;
//! - `POST /api/run` a setting against the reference → the answer as JSON;
//! - `POST /api/scenario` a setting → its scenario file (TOML) for "Save scenario".
//!
//! Runs go to the rayon pool from tokio's blocking threads, so a running simulation never holds
//! up a request. A new run cancels the one before it (the page has moved on): the old request
//! is answered 409. Every refusal is a 4xx with a JSON `{error, key}`.

use super::Explorer;
use super::answer::{ReferenceCache, answer};
use super::levers::{Lever, levers};
use super::request::{MAX_BODY, RequestError, parse};
use crate::cancel::Cancel;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The page: one self-contained document (no CDN, no font download).
pub const PAGE: &str = include_str!("page.html");

struct Shared {
    explorer: Explorer,
    levers: Vec<Lever>,
    cache: ReferenceCache,
    /// The run in progress, cancelled when another starts.
    current: Mutex<Cancel>,
    pool: rayon::ThreadPool,
}

type AppState = Arc<Shared>;

fn json_error(e: RequestError) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    (
        status,
        axum::Json(serde_json::json!({ "error": e.message, "key": e.key })),
    )
        .into_response()
}

/// The router over `explorer`, its runs on `pool`.
pub fn router(explorer: Explorer, pool: rayon::ThreadPool) -> Router {
    let levers = levers(&explorer.scenario);
    let shared = Arc::new(Shared {
        explorer,
        levers,
        cache: ReferenceCache::default(),
        current: Mutex::new(Cancel::new()),
        pool,
    });
    Router::new()
        .route("/", get(page))
        .route("/api/levers", get(lever_list))
        .route("/api/run", post(run))
        .route("/api/scenario", post(save))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(shared)
}

async fn page() -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], PAGE).into_response()
}

async fn not_found() -> Response {
    json_error(RequestError {
        status: 404,
        message: "no such page; allowed: GET /, GET /api/levers, POST /api/run, POST /api/scenario"
            .into(),
        key: None,
    })
}

async fn lever_list(State(st): State<AppState>) -> Response {
    let s = &st.explorer.scenario;
    axum::Json(serde_json::json!({
        "reference": s.name,
        "base": st.explorer.base.display().to_string(),
        "seed": s.simulation.seed,
        "replications": st.explorer.replications,
        "max_replications": super::MAX_REPLICATIONS,
        "levers": st.levers,
    }))
    .into_response()
}

async fn run(State(st): State<AppState>, body: Bytes) -> Response {
    let req = match parse(&body, &st.levers, super::MAX_REPLICATIONS) {
        Ok(r) => r,
        Err(e) => return json_error(e),
    };
    let reps = req.replications.unwrap_or(st.explorer.replications);
    let mut scenario = match st.explorer.scenario(&req.settings, reps) {
        Ok(s) => s,
        Err(e) => {
            let key = req
                .settings
                .iter()
                .map(|(k, _)| k.clone())
                .find(|k| e.to_string().contains(k.as_str()));
            return json_error(RequestError::bad(super::error_words(&e), key));
        }
    };
    if !req.settings.is_empty() {
        scenario.name = req.name.clone().unwrap_or_else(|| "explored".into());
    }
    let token = Cancel::new();
    {
        let mut current = st.current.lock().unwrap_or_else(|p| p.into_inner());
        current.cancel();
        *current = token.clone();
    }
    let st2 = st.clone();
    let done = tokio::task::spawn_blocking(move || {
        st2.pool
            .install(|| answer(&st2.explorer, &st2.cache, scenario, &token))
    })
    .await;
    match done {
        Ok(Ok(Some(a))) => axum::Json(a).into_response(),
        Ok(Ok(None)) => json_error(RequestError {
            status: 409,
            message: "cancelled: a newer setting replaced this run".into(),
            key: None,
        }),
        Ok(Err(e)) => json_error(RequestError::bad(e, None)),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            axum::Json(serde_json::json!({ "error": "the run failed" })),
        )
            .into_response(),
    }
}

async fn save(State(st): State<AppState>, body: Bytes) -> Response {
    let req = match parse(&body, &st.levers, super::MAX_REPLICATIONS) {
        Ok(r) => r,
        Err(e) => return json_error(e),
    };
    let reps = req.replications.unwrap_or(st.explorer.replications);
    // Only a setting the loader accepts is saved.
    if let Err(e) = st.explorer.scenario(&req.settings, reps) {
        return json_error(RequestError::bad(super::error_words(&e), None));
    }
    let text = st
        .explorer
        .scenario_toml(&req.settings, reps, req.name.as_deref(), None);
    (
        [(header::CONTENT_TYPE, "application/toml; charset=utf-8")],
        text,
    )
        .into_response()
}

/// Serve `explorer` on `addr` until `stop` is tripped; `ready` gets the address bound (the
/// port the system chose for port 0) once the server accepts connections.
pub fn serve(
    explorer: Explorer,
    pool: rayon::ThreadPool,
    addr: SocketAddr,
    stop: &Cancel,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_io()
        .enable_time()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        ready(listener.local_addr()?);
        let stop = stop.clone();
        axum::serve(listener, router(explorer, pool))
            .with_graceful_shutdown(async move {
                while !stop.is_cancelled() {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            })
            .await
    })
}
