//! The notification senders behind [`NotificationSender`]: an SMS gateway adapter, an SMTP
//! email adapter and a webhook, each switched on by its address in [`NotifyConfig`]. They
//! carry what the site's inbox holds to where people look; the inbox stays the record.
//!
//! Every request carries the notification's id (`Idempotency-Key`, the mail's `Message-ID`)
//! because delivery is at least once: a gateway that sees an id twice sends once.

use super::notify::{NotificationSender, OutgoingNotification, Recipient};
use crate::config::NotifyConfig;
use async_trait::async_trait;
use bytes::Bytes;
use hmac::{Hmac, Mac};
use http_body_util::Full;
use hyper::header::{CONTENT_TYPE, HOST};
use hyper_util::rt::TokioIo;
use sm3::Sm3;
use std::sync::Arc;
use std::time::Duration;

/// How long one attempt may take before it counts as failed and is retried later.
const TIMEOUT: Duration = Duration::from_secs(10);

/// An `http://host[:port]/path` to POST to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpTarget {
    host: String,
    port: u16,
    path: String,
}

impl HttpTarget {
    pub fn parse(url: &str) -> Result<HttpTarget, String> {
        let rest = url.strip_prefix("http://").ok_or_else(|| {
            if url.starts_with("https://") {
                "must be http:// (an HTTPS service is reached through the district's egress proxy)"
                    .to_owned()
            } else {
                format!("{url:?} is not an http:// address")
            }
        })?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (
                h,
                p.parse::<u16>()
                    .map_err(|_| format!("{url:?} has no valid port"))?,
            ),
            None => (authority, 80),
        };
        if host.is_empty() || host.contains('@') {
            return Err(format!("{url:?} has no host"));
        }
        Ok(HttpTarget {
            host: host.to_owned(),
            port,
            path: path.to_owned(),
        })
    }

    /// POSTs a JSON body with the signature and idempotency headers; a 2xx answer is
    /// delivered, anything else an error to retry.
    async fn post(&self, body: Vec<u8>, secret: &str, idempotency: &str) -> Result<(), String> {
        let attempt = async {
            let stream = tokio::net::TcpStream::connect((self.host.as_str(), self.port))
                .await
                .map_err(|e| format!("connect {}:{}: {e}", self.host, self.port))?;
            let (mut send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .map_err(|e| format!("handshake: {e}"))?;
            tokio::spawn(async move {
                if let Err(e) = conn.await {
                    tracing::debug!(%e, "sender connection closed");
                }
            });
            let req = hyper::Request::post(self.path.as_str())
                .header(HOST, format!("{}:{}", self.host, self.port))
                .header(CONTENT_TYPE, "application/json; charset=utf-8")
                .header("Idempotency-Key", idempotency)
                .header("X-Fgf-Signature", signature(secret, &body))
                .body(Full::new(Bytes::from(body)))
                .map_err(|e| e.to_string())?;
            let res = send
                .send_request(req)
                .await
                .map_err(|e| format!("request: {e}"))?;
            if res.status().is_success() {
                Ok(())
            } else {
                Err(format!("HTTP {}", res.status().as_u16()))
            }
        };
        tokio::time::timeout(TIMEOUT, attempt)
            .await
            .map_err(|_| "timed out".to_owned())?
    }
}

/// `sm3=<hex>`: HMAC-SM3 of the body with the shared secret (empty secret, empty signature).
pub fn signature(secret: &str, body: &[u8]) -> String {
    if secret.is_empty() {
        return String::new();
    }
    let Ok(mut mac) = Hmac::<Sm3>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(body);
    format!("sm3={}", hex::encode(mac.finalize().into_bytes()))
}

/// The link as the recipient can open it: absolute when the district's address is known.
fn absolute(public_url: &str, link: &str) -> String {
    if public_url.is_empty() || !link.starts_with('/') {
        link.to_owned()
    } else {
        format!("{}{link}", public_url.trim_end_matches('/'))
    }
}

/// Texts to the recipient's registered mobile number through the district's SMS gateway.
pub struct SmsSender {
    target: HttpTarget,
    secret: String,
    sign: String,
    public_url: String,
}

#[async_trait]
impl NotificationSender for SmsSender {
    fn name(&self) -> &'static str {
        "sms"
    }

    async fn send(&self, to: &Recipient, n: &OutgoingNotification) -> Result<(), String> {
        // Nobody to text: nothing to deliver, not a failure to retry.
        let Some(phone) = &to.phone else {
            return Ok(());
        };
        let text = format!(
            "{}{}：{} {}",
            self.sign,
            n.title,
            n.body,
            absolute(&self.public_url, &n.link)
        );
        let body = serde_json::to_vec(&serde_json::json!({
            "id": n.notification_id,
            "phone": phone,
            "text": text.trim_end(),
        }))
        .map_err(|e| e.to_string())?;
        self.target
            .post(
                body,
                &self.secret,
                &format!("fgf-notification-{}", n.notification_id),
            )
            .await
    }
}

/// Mails staff at their government mailbox (`username@email_domain`) through the relay.
pub struct EmailSender {
    relay_host: String,
    relay_port: u16,
    from: String,
    domain: String,
    public_url: String,
}

#[async_trait]
impl NotificationSender for EmailSender {
    fn name(&self) -> &'static str {
        "email"
    }

    async fn send(&self, to: &Recipient, n: &OutgoingNotification) -> Result<(), String> {
        use lettre::message::header::ContentType;
        use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
        if !to.staff {
            return Ok(());
        }
        let address = format!("{}@{}", to.username, self.domain);
        let message = Message::builder()
            .from(self.from.parse().map_err(|e| format!("from: {e}"))?)
            .to(address.parse().map_err(|e| format!("to {address}: {e}"))?)
            .message_id(Some(format!(
                "<notification-{}@{}>",
                n.notification_id, self.domain
            )))
            .subject(n.title.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(format!(
                "{}\n\n{}\n\n{}\n",
                to.display_name,
                n.body,
                absolute(&self.public_url, &n.link)
            ))
            .map_err(|e| e.to_string())?;
        let mailer = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&self.relay_host)
            .port(self.relay_port)
            .timeout(Some(TIMEOUT))
            .build();
        mailer
            .send(message)
            .await
            .map(drop)
            .map_err(|e| format!("smtp: {e}"))
    }
}

/// Posts every notification as JSON to a configured address.
pub struct WebhookSender {
    target: HttpTarget,
    secret: String,
    public_url: String,
}

#[async_trait]
impl NotificationSender for WebhookSender {
    fn name(&self) -> &'static str {
        "webhook"
    }

    async fn send(&self, to: &Recipient, n: &OutgoingNotification) -> Result<(), String> {
        let body = serde_json::to_vec(&serde_json::json!({
            "id": n.notification_id,
            "username": to.username,
            "title": n.title,
            "body": n.body,
            "link": absolute(&self.public_url, &n.link),
        }))
        .map_err(|e| e.to_string())?;
        self.target
            .post(
                body,
                &self.secret,
                &format!("fgf-notification-{}", n.notification_id),
            )
            .await
    }
}

/// The senders the configuration switches on (the log sender is always there, first).
pub fn configured(config: &NotifyConfig, public_url: &str) -> Vec<Arc<dyn NotificationSender>> {
    let mut out: Vec<Arc<dyn NotificationSender>> = Vec::new();
    if let Ok(target) = HttpTarget::parse(&config.sms_url) {
        out.push(Arc::new(SmsSender {
            target,
            secret: config.sms_secret.clone(),
            sign: config.sms_sign.clone(),
            public_url: public_url.to_owned(),
        }));
    }
    if let Some((host, port)) = config
        .smtp_relay
        .rsplit_once(':')
        .and_then(|(h, p)| Some((h.to_owned(), p.parse::<u16>().ok()?)))
    {
        out.push(Arc::new(EmailSender {
            relay_host: host,
            relay_port: port,
            from: config.smtp_from.clone(),
            domain: config.email_domain.clone(),
            public_url: public_url.to_owned(),
        }));
    }
    if let Ok(target) = HttpTarget::parse(&config.webhook_url) {
        out.push(Arc::new(WebhookSender {
            target,
            secret: config.webhook_secret.clone(),
            public_url: public_url.to_owned(),
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_addresses_with_a_host_are_targets() {
        assert_eq!(
            HttpTarget::parse("http://10.1.2.3:8080/sms/send").unwrap(),
            HttpTarget {
                host: "10.1.2.3".to_owned(),
                port: 8080,
                path: "/sms/send".to_owned()
            }
        );
        assert_eq!(HttpTarget::parse("http://gw.local").unwrap().port, 80);
        assert!(HttpTarget::parse("https://gw.example.com/")
            .unwrap_err()
            .contains("egress proxy"));
        assert!(HttpTarget::parse("http://:80/").is_err());
        assert!(HttpTarget::parse("http://a:notaport/").is_err());
        assert!(HttpTarget::parse("ftp://a/").is_err());
    }

    #[test]
    fn the_signature_is_hmac_sm3_of_the_body() {
        let s = signature("secret", b"{}");
        assert!(s.starts_with("sm3=") && s.len() == 4 + 64);
        assert_eq!(s, signature("secret", b"{}"));
        assert_ne!(s, signature("secret", b"{ }"));
        assert_eq!(signature("", b"{}"), "");
    }
}
