//! `fgf application bench`: the whole life of an application over HTTP, on a fresh demo
//! district, next to the store's own transaction ceiling measured in the same run.
//!
//! One lifecycle is six requests, each one write transaction of the server: the enterprise
//! applies (收件), the window accepts (受理), a reviewer assigns two verifiers (the review
//! process starts), both verifiers countersign, the decider grants and the e-licence is signed.
//! Workers each keep one keep-alive HTTP/1.1 connection, so the figures include the server's
//! whole stack (routing, authentication, JSON, the use case, the engine) but no TLS.

use anyhow::{anyhow, Context};
use fgf_app::{App, Config, SystemClock};
use serde_json::{json, Value};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// A keep-alive HTTP/1.1 connection that sends JSON and reads JSON answers.
struct Conn {
    stream: BufReader<TcpStream>,
}

impl Conn {
    async fn open(addr: std::net::SocketAddr) -> anyhow::Result<Conn> {
        let s = TcpStream::connect(addr).await?;
        s.set_nodelay(true)?;
        Ok(Conn {
            stream: BufReader::new(s),
        })
    }

    async fn call(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> anyhow::Result<(u16, Value)> {
        let body = body.map(Value::to_string).unwrap_or_default();
        let auth = token
            .map(|t| format!("Authorization: Bearer {t}\r\n"))
            .unwrap_or_default();
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: bench\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        self.stream.get_mut().write_all(req.as_bytes()).await?;
        let mut line = String::new();
        self.stream.read_line(&mut line).await?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| anyhow!("bad status line {line:?}"))?;
        let mut len = 0usize;
        loop {
            line.clear();
            self.stream.read_line(&mut line).await?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut buf = vec![0u8; len];
        self.stream.read_exact(&mut buf).await?;
        let v = serde_json::from_slice(&buf).unwrap_or(Value::Null);
        Ok((status, v))
    }
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

struct Tokens {
    enterprise: String,
    clerk: String,
    checker: String,
    surveyor: String,
    chief: String,
}

/// One lifecycle; answers each request's milliseconds.
async fn lifecycle(c: &mut Conn, t: &Tokens, n: usize) -> anyhow::Result<Vec<f64>> {
    let mut times = Vec::with_capacity(6);
    let step = |status: u16, want: u16, v: &Value, what: &str| -> anyhow::Result<()> {
        if status != want {
            return Err(anyhow!("{what}: {status} {v}"));
        }
        Ok(())
    };
    let form = json!({"经营者名称": format!("压测餐饮有限公司{n}"), "统一社会信用代码": "91110108MA1H8R7C4F",
        "经营场所": "示范区人民路88号一层", "主体业态": "餐饮服务经营者", "经营项目": "热食类食品制售",
        "经营面积": "120", "食品安全管理人员": [{"姓名": "张伟", "身份证号": "11010519491231002X"}]});
    let t0 = Instant::now();
    let (s, v) = c
        .call(
            "POST",
            "/api/v1/applications",
            Some(&t.enterprise),
            Some(&json!({"matter_code": "XK-D03-0001-01-01", "form": form})),
        )
        .await?;
    times.push(t0.elapsed().as_secs_f64() * 1e3);
    step(s, 201, &v, "apply")?;
    let id = v["id"].as_i64().ok_or_else(|| anyhow!("no id"))?;
    let calls: [(&str, &str, Value); 5] = [
        (&t.clerk, "intake", json!({"outcome": "accept"})),
        (
            &t.checker,
            "review-assignment",
            json!({"verifiers": ["checker", "surveyor"], "decider": "chief"}),
        ),
        (
            &t.checker,
            "verification",
            json!({"agree": true, "opinion": "同意"}),
        ),
        (
            &t.surveyor,
            "verification",
            json!({"agree": true, "opinion": "同意"}),
        ),
        (
            &t.chief,
            "decision",
            json!({"grant": true, "reasons": "符合条件", "licence": {"title": "食品经营许可证", "scope": "热食类食品制售", "valid_years": 5}}),
        ),
    ];
    for (token, what, body) in calls {
        let t0 = Instant::now();
        let (s, v) = c
            .call(
                "POST",
                &format!("/api/v1/applications/{id}/{what}"),
                Some(token),
                Some(&body),
            )
            .await?;
        times.push(t0.elapsed().as_secs_f64() * 1e3);
        step(s, 200, &v, what)?;
    }
    Ok(times)
}

pub async fn bench(lifecycles: usize, concurrency: usize, store: &str) -> anyhow::Result<ExitCode> {
    let db = if store == "sqlite" {
        fgf_store::testing::TestDb::sqlite().await?
    } else {
        // A database of its own, created and dropped like a test's.
        std::env::set_var("FGF_TEST_PG", store);
        fgf_store::testing::TestDb::postgres()
            .await?
            .context("FGF_TEST_PG")?
    };
    let label = db.label;
    let dir = std::env::temp_dir().join(format!("fgf-app-bench-{}", std::process::id()));
    let app = App::with_store(
        db.store.clone(),
        Config {
            data_dir: dir.clone(),
            ..Config::default()
        },
        Arc::new(SystemClock),
        fgf_domain::PiiKey::derive_from_secret(b"application bench"),
    )
    .await?;
    app.base().seed_demo().await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let router = fgf_web::router(app.clone());
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
    let mut c = Conn::open(addr).await?;
    let mut tokens = Vec::new();
    for u in ["enterprise", "clerk", "checker", "surveyor", "chief"] {
        let body = json!({"username": u, "password": fgf_app::base::seed::DEMO_PASSWORD});
        let (s, v) = c
            .call("POST", "/api/v1/auth/login", None, Some(&body))
            .await?;
        if s != 200 {
            return Err(anyhow!("login {u}: {s} {v}"));
        }
        tokens.push(v["token"].as_str().unwrap_or_default().to_owned());
    }
    let t = Arc::new(Tokens {
        enterprise: tokens[0].clone(),
        clerk: tokens[1].clone(),
        checker: tokens[2].clone(),
        surveyor: tokens[3].clone(),
        chief: tokens[4].clone(),
    });
    // Warm-up: the review process is published and every cache filled by a first lifecycle.
    lifecycle(&mut c, &t, 0).await?;
    app.store().checkpoint().await?;
    let ceiling_before = app.store().bench_ceiling(300).await?;
    let started = Instant::now();
    let per_worker = lifecycles.div_ceil(concurrency.max(1));
    let mut handles = Vec::new();
    for w in 0..concurrency.max(1) {
        let t = Arc::clone(&t);
        handles.push(tokio::spawn(async move {
            let mut c = Conn::open(addr).await?;
            let mut out: Vec<(f64, Vec<f64>)> = Vec::new();
            for i in 0..per_worker {
                let t0 = Instant::now();
                let times = lifecycle(&mut c, &t, w * per_worker + i + 1).await?;
                out.push((t0.elapsed().as_secs_f64() * 1e3, times));
            }
            anyhow::Ok(out)
        }));
    }
    let mut whole = Vec::new();
    let mut requests = Vec::new();
    for h in handles {
        for (ms, times) in h.await?? {
            whole.push(ms);
            requests.extend(times);
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    app.store().checkpoint().await?;
    let ceiling_after = app.store().bench_ceiling(300).await?;
    whole.sort_by(f64::total_cmp);
    requests.sort_by(f64::total_cmp);
    let ceiling = (ceiling_before + ceiling_after) / 2.0;
    let done = whole.len();
    let result = json!({
        "store": label,
        "lifecycles": done,
        "concurrency": concurrency,
        "requests_per_lifecycle": 6,
        "seconds": (seconds * 1000.0).round() / 1000.0,
        "lifecycles_per_second": (done as f64 / seconds * 10.0).round() / 10.0,
        "requests_per_second": ((done * 6) as f64 / seconds).round(),
        "lifecycle_ms": {"p50": pct(&whole, 0.5), "p99": pct(&whole, 0.99)},
        "request_ms": {"p50": pct(&requests, 0.5), "p99": pct(&requests, 0.99)},
        "store_ceiling_tx_per_second": ceiling.round(),
        "ceiling_lifecycles_per_second": (ceiling / 6.0 * 10.0).round() / 10.0,
    });
    println!("{result}");
    server.abort();
    drop(app);
    db.cleanup().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(ExitCode::SUCCESS)
}
