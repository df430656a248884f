//! `/healthz` and `/metrics` (Prometheus text format), written by hand: a handful of counters
//! do not need a metrics framework.
//!
//! `/healthz` is public and says only whether the node can serve. `/metrics` tells how many
//! people are signed in, how many errors happened and which version runs, which is for the
//! monitoring system alone: it answers only a peer in `metrics.allow` or a caller with the
//! `metrics.token`, and anyone else gets the same 404 as a route that does not exist.

use crate::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

pub struct Metrics {
    started: Instant,
    // Invariant: index = status class (1xx..5xx) - 1.
    by_class: [AtomicU64; 5],
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            started: Instant::now(),
            by_class: Default::default(),
        }
    }
}

impl Metrics {
    pub fn record(&self, status: StatusCode) {
        let class = usize::from(status.as_u16() / 100).clamp(1, 5) - 1;
        self.by_class[class].fetch_add(1, Ordering::Relaxed);
    }
}

pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.app.check_store().await {
        Ok(()) => (
            StatusCode::OK,
            axum::Json(crate::base::dto::Health {
                status: "ok".to_owned(),
            }),
        )
            .into_response(),
        Err(e) => {
            tracing::warn!(%e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "5")],
                axum::Json(crate::base::dto::Health {
                    status: "unavailable".to_owned(),
                }),
            )
                .into_response()
        }
    }
}

/// Whether the caller may read the metrics: the connection's own peer address (never a
/// forwarded header; with no known peer, nobody) in an allowed range, or the bearer token.
fn admitted(state: &AppState, req: &Request) -> bool {
    let access = &state.app.config().metrics;
    let by_addr = req
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .is_some_and(|c| access.allows(c.0.ip()));
    let by_token = !access.token.is_empty()
        && crate::bearer(req.headers()).is_some_and(|t| {
            // Compared in constant time: the token is a secret.
            t.len() == access.token.len()
                && t.bytes()
                    .zip(access.token.bytes())
                    .fold(0_u8, |acc, (a, b)| acc | (a ^ b))
                    == 0
        });
    by_addr || by_token
}

pub async fn metrics(State(state): State<AppState>, req: Request) -> Response {
    if !admitted(&state, &req) {
        return crate::not_found(req.headers().clone(), req.uri().clone()).await;
    }
    let mut out = String::new();
    let m = &state.metrics;
    let _ = writeln!(
        out,
        "# HELP fgf_http_requests_total HTTP responses by status class."
    );
    let _ = writeln!(out, "# TYPE fgf_http_requests_total counter");
    for (i, c) in m.by_class.iter().enumerate() {
        let _ = writeln!(
            out,
            "fgf_http_requests_total{{class=\"{}xx\"}} {}",
            i + 1,
            c.load(Ordering::Relaxed)
        );
    }
    let _ = writeln!(
        out,
        "# HELP fgf_uptime_seconds Seconds since the process started."
    );
    let _ = writeln!(out, "# TYPE fgf_uptime_seconds gauge");
    let _ = writeln!(out, "fgf_uptime_seconds {}", m.started.elapsed().as_secs());
    if let Ok(n) = state.app.count_audit_entries().await {
        let _ = writeln!(out, "# HELP fgf_audit_entries Entries in the audit trail.");
        let _ = writeln!(out, "# TYPE fgf_audit_entries gauge");
        let _ = writeln!(out, "fgf_audit_entries {n}");
    }
    if let Ok(n) = state.app.count_live_sessions().await {
        let _ = writeln!(
            out,
            "# HELP fgf_live_sessions Sessions not expired or revoked (在线用户)."
        );
        let _ = writeln!(out, "# TYPE fgf_live_sessions gauge");
        let _ = writeln!(out, "fgf_live_sessions {n}");
    }
    let _ = writeln!(out, "# HELP fgf_build_info Build information.");
    let _ = writeln!(out, "# TYPE fgf_build_info gauge");
    let _ = writeln!(
        out,
        "fgf_build_info{{version=\"{}\",store=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION"),
        state.app.store_backend()
    );
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
        .into_response()
}
