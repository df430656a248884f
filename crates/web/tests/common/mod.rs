//! A test district: the demo seed on a fresh store, driven through the real router with
//! `tower::ServiceExt::oneshot`. The store is SQLite, or a fresh PostgreSQL database when
//! `FGF_TEST_STORE=postgres` (with `FGF_TEST_PG` naming the server): `tests/run` runs the
//! suites a second time that way whenever `FGF_TEST_PG` is set.

#![allow(dead_code)]

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use fgf_app::{App, Config, TestClock};
use fgf_store::testing::TestDb;
use http_body_util::BodyExt;
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::Arc;
use tower::ServiceExt;

/// 2026-11-27 10:00 +08:00, a Friday and a working day.
pub const NOW_MS: i64 = 1_795_744_800_000;

pub struct District {
    pub app: App,
    pub router: Router,
    pub clock: TestClock,
    db: Option<TestDb>,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    }
}

impl District {
    pub async fn new() -> District {
        District::with_config(|_| {}).await
    }

    /// A test district with some settings changed.
    pub async fn with_config(change: impl FnOnce(&mut Config)) -> District {
        let db = test_store().await;
        let clock = TestClock::new(NOW_MS);
        let mut config = Config {
            data_dir: std::env::temp_dir().join(format!(
                "fgf-web-test-{}-{}",
                std::process::id(),
                rand_suffix()
            )),
            ..Config::default()
        };
        change(&mut config);
        let app = App::with_store(
            db.store.clone(),
            config,
            Arc::new(clock.clone()),
            fgf_domain::PiiKey::derive_from_secret(b"test key"),
        )
        .await
        .unwrap();
        assert!(app.base().seed_demo().await.unwrap());
        let router = fgf_web::router(app.clone());
        District {
            app,
            router,
            clock,
            db: Some(db),
        }
    }

    /// Sends a request as the server would receive it: from a peer on this machine
    /// (127.0.0.1) unless the request names its own `ConnectInfo`.
    pub async fn send(&self, mut req: Request<Body>) -> Resp {
        if req.extensions().get::<ConnectInfo<SocketAddr>>().is_none() {
            req.extensions_mut()
                .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 50_000))));
        }
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        Resp {
            status,
            headers,
            body,
        }
    }

    /// A bearer token for a demo account (computing the TOTP code for administrators).
    pub async fn token(&self, username: &str) -> String {
        let totp = self.totp(username).await;
        let body = serde_json::json!({ "username": username, "password": fgf_app::base::seed::DEMO_PASSWORD, "totp": totp });
        let r = self
            .api(Method::POST, "/api/v1/auth/login", None, Some(body))
            .await;
        assert_eq!(r.status, StatusCode::OK, "login {username}: {}", r.text());
        r.json()["token"].as_str().unwrap().to_owned()
    }

    /// The current one-time code of an administrator. A code is accepted once, so the test
    /// clock first moves on to the next 30-second step: every login gets a fresh code.
    pub async fn totp(&self, username: &str) -> Option<String> {
        let logins = self.app.base().demo_logins().await.unwrap();
        let secret = logins
            .iter()
            .find(|l| l.username == username)
            .and_then(|l| l.totp_secret.clone())?;
        self.clock.advance_ms(30_000);
        fgf_app::base::auth::totp_code_base32(&secret, self.clock_ms() / 1000)
    }

    /// An API call answering the status and the JSON body (null when empty).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let r = self.api(method, path, Some(token), body).await;
        let v = if r.body.is_empty() {
            Value::Null
        } else {
            r.json()
        };
        (r.status, v)
    }

    /// Uploads an evidence file (佐证材料) and answers its content hash.
    pub async fn evidence(&self, token: &str) -> String {
        let r = self
            .raw(
                Method::POST,
                "/api/v1/files?name=%E4%BD%90%E8%AF%81.pdf",
                Some(token),
                "application/pdf",
                b"%PDF-1.4 evidence".to_vec(),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        r.json()["content_hash"].as_str().unwrap().to_owned()
    }

    pub fn clock_ms(&self) -> i64 {
        use fgf_app::Clock;
        self.clock.now_ms()
    }

    pub async fn api(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(v) => b
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(v.to_string()))
                .unwrap(),
            None => b.body(Body::empty()).unwrap(),
        };
        self.send(req).await
    }

    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Resp {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, content_type);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    /// A cookie session for pages: (cookie value, CSRF token).
    pub async fn page_session(&self, username: &str) -> (String, String) {
        let pre = "pretoken";
        let mut form = vec![
            ("_csrf", pre.to_owned()),
            ("username", username.to_owned()),
            ("password", fgf_app::base::seed::DEMO_PASSWORD.to_owned()),
        ];
        if let Some(code) = self.totp(username).await {
            form.push(("totp", code));
        }
        let r = self
            .form(
                Method::POST,
                "/login",
                None,
                &format!("fgf_pre={pre}"),
                &form,
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "page login {username}: {}",
            r.text()
        );
        let cookie = r.cookie("fgf_session").expect("session cookie");
        let me = self.page(Method::GET, "/api/v1/auth/me", &cookie).await;
        let csrf = me.json()["csrf_token"].as_str().unwrap().to_owned();
        (cookie, csrf)
    }

    pub async fn page(&self, method: Method, path: &str, cookie: &str) -> Resp {
        let req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::COOKIE, format!("fgf_session={cookie}"))
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// Posts a form; `cookies` is the raw Cookie header (may be empty).
    pub async fn form(
        &self,
        method: Method,
        path: &str,
        _session: Option<&str>,
        cookies: &str,
        fields: &[(&str, String)],
    ) -> Resp {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if !cookies.is_empty() {
            b = b.header(header::COOKIE, cookies);
        }
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    pub async fn account_id(&self, username: &str) -> i64 {
        self.app
            .store()
            .find_account_for_login(username)
            .await
            .unwrap()
            .unwrap()
            .0
            .id
            .get()
    }

    pub async fn department_id(&self, code: &str) -> i64 {
        self.app
            .store()
            .find_department_by_code(&fgf_store::Scope::system("test"), code)
            .await
            .unwrap()
            .unwrap()
            .id
            .get()
    }

    pub async fn cleanup(mut self) {
        if let Some(db) = self.db.take() {
            db.cleanup().await;
        }
    }
}

/// The store the suites run on, chosen by `FGF_TEST_STORE` (`sqlite`, the default, or
/// `postgres`).
async fn test_store() -> TestDb {
    match std::env::var("FGF_TEST_STORE").as_deref() {
        Err(_) | Ok("" | "sqlite") => TestDb::sqlite().await.unwrap(),
        Ok("postgres") => TestDb::postgres()
            .await
            .unwrap()
            .expect("FGF_TEST_STORE=postgres needs FGF_TEST_PG, the URL of a PostgreSQL server (postgres://root@127.0.0.1:5432/test)"),
        Ok(other) => panic!("FGF_TEST_STORE={other}: expected sqlite or postgres"),
    }
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

/// A valid resident ID with the given 3-digit sequence number.
pub fn resident_id(seq: u32) -> String {
    let body = format!("110105199001{:02}{:03}", 1 + seq % 28, seq % 1000);
    let check = fgf_domain::ResidentId::check_char(&body).unwrap();
    format!("{body}{check}")
}
