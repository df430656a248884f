//! The notification senders against stand-in gateways on loopback: the SMS gateway and the
//! webhook get signed JSON with the notification's id as idempotency key, staff get mail
//! through the SMTP relay, a sender that fails is retried after its backoff without the
//! others repeating, and every store (SQLite, and PostgreSQL when `FGF_TEST_PG` is set)
//! records who delivered what.

use fgf_app::base::notify::MAX_ATTEMPTS;
use fgf_app::base::senders::signature;
use fgf_app::config::NotifyConfig;
use fgf_app::{App, Config, TestClock};
use fgf_store::testing::TestDb;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// Monday 2026-03-02 10:00 +08:00.
const MONDAY_MS: i64 = 1_772_416_800_000;

/// One request a stand-in HTTP gateway received.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

/// A gateway on loopback answering the statuses of `script` in turn, then 200.
async fn http_gateway(script: Vec<u16>) -> (u16, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let script = Arc::new(Mutex::new(script));
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let log = Arc::clone(&log);
            let script = Arc::clone(&script);
            tokio::spawn(async move {
                let mut r = BufReader::new(stream);
                let mut line = String::new();
                r.read_line(&mut line).await.unwrap();
                let path = line.split_whitespace().nth(1).unwrap_or("").to_owned();
                let mut headers = BTreeMap::new();
                loop {
                    let mut h = String::new();
                    r.read_line(&mut h).await.unwrap();
                    let h = h.trim_end();
                    if h.is_empty() {
                        break;
                    }
                    if let Some((k, v)) = h.split_once(':') {
                        headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
                    }
                }
                let len: usize = headers
                    .get("content-length")
                    .and_then(|l| l.parse().ok())
                    .unwrap_or(0);
                let mut body = vec![0; len];
                r.read_exact(&mut body).await.unwrap();
                log.lock().unwrap().push(Received {
                    path,
                    headers,
                    body,
                });
                let status = {
                    let mut s = script.lock().unwrap();
                    if s.is_empty() {
                        200
                    } else {
                        s.remove(0)
                    }
                };
                let reply = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                );
                r.get_mut().write_all(reply.as_bytes()).await.unwrap();
            });
        }
    });
    (port, seen)
}

/// An SMTP relay on loopback keeping each message's envelope recipient and data.
async fn smtp_relay() -> (u16, Arc<Mutex<Vec<(String, String)>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let log = Arc::clone(&log);
            tokio::spawn(async move {
                let mut r = BufReader::new(stream);
                r.get_mut().write_all(b"220 relay ready\r\n").await.unwrap();
                let mut rcpt = String::new();
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250 relay\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        rcpt = line[8..].trim().trim_matches(['<', '>']).to_owned();
                        b"250 ok\r\n"
                    } else if upper.starts_with("DATA") {
                        r.get_mut().write_all(b"354 go on\r\n").await.unwrap();
                        let mut data = String::new();
                        loop {
                            let mut l = String::new();
                            r.read_line(&mut l).await.unwrap();
                            if l == ".\r\n" {
                                break;
                            }
                            data.push_str(&l);
                        }
                        log.lock().unwrap().push((rcpt.clone(), data));
                        b"250 queued\r\n"
                    } else if upper.starts_with("QUIT") {
                        r.get_mut().write_all(b"221 bye\r\n").await.unwrap();
                        return;
                    } else {
                        b"250 ok\r\n"
                    };
                    r.get_mut().write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, seen)
}

/// The notifications waiting for delivery (the outbox also carries other parts' messages).
async fn notifications(app: &App) -> usize {
    app.store()
        .pending_outbox(1000)
        .await
        .unwrap()
        .iter()
        .filter(|m| m.topic == "notification.created")
        .count()
}

#[tokio::test]
async fn sms_email_and_webhook_senders_deliver_each_notification_once_and_retry_a_failure() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        // The webhook fails its first request.
        let (hook_port, hooks) = http_gateway(vec![503]).await;
        let (sms_port, texts) = http_gateway(Vec::new()).await;
        let (smtp_port, mails) = smtp_relay().await;
        let clock = TestClock::new(MONDAY_MS);
        let config = Config {
            data_dir: std::env::temp_dir()
                .join(format!("fgf-senders-{}-{label}", std::process::id())),
            public_url: "https://zwfw.example.gov.cn".to_owned(),
            notify: NotifyConfig {
                sms_url: format!("http://127.0.0.1:{sms_port}/sms/send"),
                sms_secret: "sms secret".to_owned(),
                sms_sign: "【示范区政务服务】".to_owned(),
                smtp_relay: format!("127.0.0.1:{smtp_port}"),
                smtp_from: "noreply@zwfw.example.gov.cn".to_owned(),
                email_domain: "example.gov.cn".to_owned(),
                webhook_url: format!("http://127.0.0.1:{hook_port}/hook"),
                webhook_secret: "hook secret".to_owned(),
            },
            ..Config::default()
        };
        config.validate().unwrap();
        let app = App::with_store(
            db.store.clone(),
            config,
            Arc::new(clock.clone()),
            fgf_domain::PiiKey::derive_from_secret(b"test key"),
        )
        .await
        .unwrap();
        let names: Vec<&str> = app.senders().iter().map(|s| s.name()).collect();
        assert_eq!(names, ["log", "sms", "email", "webhook"], "{label}");
        // The demo district welcomes its staff: messages to deliver.
        assert!(app.base().seed_demo().await.unwrap());
        let pending = app.store().pending_outbox(1000).await.unwrap().len();
        let notifications = notifications(&app).await;
        assert!(notifications > 1, "{label}");

        // The first round: every sender but the webhook's first attempt succeeds, so that one
        // message stays pending; the rest are finished.
        let finished = app.base().dispatch_outbox().await.unwrap();
        assert_eq!(finished, pending - 1, "{label}");
        let sms_after_first = texts.lock().unwrap().len();
        // Within the backoff nothing is sent again.
        assert_eq!(app.base().dispatch_outbox().await.unwrap(), 0, "{label}");
        assert_eq!(hooks.lock().unwrap().len(), notifications, "{label}");
        // After it, only the webhook is asked again.
        clock.advance_ms(31_000);
        assert_eq!(app.base().dispatch_outbox().await.unwrap(), 1, "{label}");
        assert_eq!(hooks.lock().unwrap().len(), notifications + 1, "{label}");
        assert_eq!(
            texts.lock().unwrap().len(),
            sms_after_first,
            "{label}: no SMS twice"
        );
        assert_eq!(app.base().dispatch_outbox().await.unwrap(), 0, "{label}");

        // Each webhook request is signed and keyed by the notification.
        for h in hooks.lock().unwrap().iter() {
            assert_eq!(h.path, "/hook", "{label}");
            assert_eq!(
                h.headers.get("x-fgf-signature").map(String::as_str),
                Some(signature("hook secret", &h.body).as_str()),
                "{label}"
            );
            let v: serde_json::Value = serde_json::from_slice(&h.body).unwrap();
            assert_eq!(
                h.headers.get("idempotency-key").cloned(),
                Some(format!("fgf-notification-{}", v["id"])),
                "{label}"
            );
            assert!(
                v["link"]
                    .as_str()
                    .unwrap()
                    .starts_with("https://zwfw.example.gov.cn/"),
                "{label}"
            );
        }
        // Texts go to registered mobile numbers with the district's signature.
        let texts = texts.lock().unwrap().clone();
        assert!(!texts.is_empty(), "{label}");
        for t in &texts {
            let v: serde_json::Value = serde_json::from_slice(&t.body).unwrap();
            let phone = v["phone"].as_str().unwrap();
            assert!(
                phone.len() == 11 && phone.starts_with('1'),
                "{label}: {phone}"
            );
            assert!(
                v["text"]
                    .as_str()
                    .unwrap()
                    .starts_with("【示范区政务服务】"),
                "{label}"
            );
            assert_eq!(
                t.headers.get("x-fgf-signature").map(String::as_str),
                Some(signature("sms secret", &t.body).as_str()),
                "{label}"
            );
        }
        // Staff get government mail at username@domain.
        let mails = mails.lock().unwrap().clone();
        assert!(!mails.is_empty(), "{label}");
        assert!(
            mails.iter().all(|(to, _)| to.ends_with("@example.gov.cn")),
            "{label}"
        );
        assert!(
            mails.iter().any(|(to, _)| to == "reviewer@example.gov.cn"),
            "{label}"
        );
        assert!(
            mails
                .iter()
                .all(|(_, data)| data.contains("Message-ID: <notification-")),
            "{label}"
        );
        let _ = std::fs::remove_dir_all(&app.config().data_dir);
        drop(app);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_gateway_that_stays_down_is_given_up_after_the_last_attempt() {
    for db in TestDb::all().await.expect("open test stores") {
        let label = db.label;
        let (hook_port, hooks) = http_gateway(vec![500; 10_000]).await;
        let clock = TestClock::new(MONDAY_MS);
        let config = Config {
            data_dir: std::env::temp_dir()
                .join(format!("fgf-senders-down-{}-{label}", std::process::id())),
            notify: NotifyConfig {
                webhook_url: format!("http://127.0.0.1:{hook_port}/hook"),
                ..NotifyConfig::default()
            },
            ..Config::default()
        };
        let app = App::with_store(
            db.store.clone(),
            config,
            Arc::new(clock.clone()),
            fgf_domain::PiiKey::derive_from_secret(b"test key"),
        )
        .await
        .unwrap();
        assert!(app.base().seed_demo().await.unwrap());
        let notifications = notifications(&app).await;
        let mut rounds = 0;
        while !app.store().pending_outbox(1000).await.unwrap().is_empty() {
            app.base().dispatch_outbox().await.unwrap();
            clock.advance_ms(3_600_000);
            rounds += 1;
            assert!(
                rounds <= MAX_ATTEMPTS,
                "{label}: still pending after {rounds} rounds"
            );
        }
        assert_eq!(rounds, MAX_ATTEMPTS, "{label}");
        assert_eq!(
            hooks.lock().unwrap().len(),
            notifications * MAX_ATTEMPTS as usize,
            "{label}"
        );
        // The log sender delivered each once; the inbox keeps them all.
        assert_eq!(app.log_sender().sent().len(), notifications, "{label}");
        let _ = std::fs::remove_dir_all(&app.config().data_dir);
        drop(app);
        db.cleanup().await;
    }
}
