//! The HTTP transport, passed into every protocol step: plain request and response values (so
//! the builders and parsers are pure), a `Transport` trait, and the one reqwest client the app
//! uses. Neither value prints header values or bodies in `Debug`: they carry tokens.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::Duration;
use zeroize::Zeroize;

use url::Url;

use crate::error::{AppError, ErrorKind};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Connecting longer than this means the host is unreachable, a proxy is missing or a firewall
/// drops packets: tell the person instead of hanging.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// A whole request (Maskinporten answers in well under a second when healthy).
pub const TOTAL_TIMEOUT: Duration = Duration::from_secs(30);
pub const USER_AGENT: &str = concat!("maskinporten-assistant/", env!("CARGO_PKG_VERSION"));
/// A PEM bundle of extra CA certificates, for organisations whose network inspects TLS.
pub const CA_BUNDLE_ENV: &str = "MASKINPORTEN_ASSISTANT_CA_BUNDLE";
/// The largest answer read. Every answer these services give is a few kilobytes (a receipt PDF a
/// few hundred); a server sending more is broken or hostile, and must not fill the memory.
pub const MAX_BODY: usize = 8 * 1024 * 1024;

/// 127.0.0.0/8, ::1 or `localhost`: this machine (the sandbox, a local custom environment).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: &'static str,
    pub url: Url,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpRequest {
    pub fn get(url: Url) -> Self {
        Self {
            method: "GET",
            url,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn post(url: Url, content_type: &str, body: Vec<u8>) -> Self {
        Self {
            method: "POST",
            url,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
        }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    pub fn header_value(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url.as_str())
            .field("headers", &names)
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

#[derive(Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Bodies and headers carry assertions, tokens, device codes and the `EncodedJwk` on its way
/// to Key Vault: every copy this crate holds is wiped when dropped (OWASP ASVS V8.3.6). Copies
/// inside the HTTP stack (reqwest, hyper) are out of reach; they live no longer than the call.
impl Drop for HttpRequest {
    fn drop(&mut self) {
        self.body.zeroize();
        for (_, value) in &mut self.headers {
            value.zeroize();
        }
    }
}

impl Drop for HttpResponse {
    fn drop(&mut self) {
        self.body.zeroize();
        for (_, value) in &mut self.headers {
            value.zeroize();
        }
    }
}

impl std::fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Why a request got no HTTP answer at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    #[error("the name {host} could not be looked up (DNS)")]
    Dns { host: String },
    #[error("no connection to {host}: {detail}")]
    Connect { host: String, detail: String },
    #[error("the TLS handshake with {host} failed: {detail}")]
    Tls { host: String, detail: String },
    #[error("{host} did not answer in time")]
    Timeout { host: String },
    #[error("the proxy refused or failed: {detail}")]
    Proxy { detail: String },
    #[error("{host} closed the connection or sent something that is not HTTP: {detail}")]
    Protocol { host: String, detail: String },
    #[error("{host} sent an answer larger than {limit} bytes; it was not read")]
    TooLarge { host: String, limit: usize },
}

impl From<TransportError> for AppError {
    fn from(error: TransportError) -> Self {
        let hint = match &error {
            TransportError::Dns { .. } => {
                "Check the address and your network; behind a proxy, set HTTPS_PROXY."
            }
            TransportError::Connect { .. } => {
                "The server may be down, or a firewall or missing proxy blocks it (set HTTPS_PROXY / NO_PROXY)."
            }
            TransportError::Tls { .. } => {
                "If your organisation inspects TLS, point MASKINPORTEN_ASSISTANT_CA_BUNDLE at its CA certificate (PEM)."
            }
            TransportError::Timeout { .. } => {
                "Try again; if it keeps happening, check the network or proxy."
            }
            TransportError::Proxy { .. } => "Check HTTPS_PROXY and NO_PROXY.",
            TransportError::Protocol { .. } => {
                "Try again; if it keeps happening the server is misbehaving."
            }
            TransportError::TooLarge { .. } => {
                "Check the address: no service this tool talks to sends that much."
            }
        };
        AppError::new(ErrorKind::Network, error.to_string()).with_hint(hint)
    }
}

pub trait Transport: Send + Sync {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>>;
}

/// The one reqwest client: explicit timeouts, a User-Agent, no redirects (a token endpoint that
/// redirects is misconfigured, and following it could leak the assertion), the system proxy
/// (HTTPS_PROXY/NO_PROXY and the platform's settings) and optional extra CA certificates.
/// Loopback addresses never go through a proxy: the sandbox's assertions, tokens and the private
/// key written to its vault would otherwise cross the network in clear text to the proxy (and an
/// office proxy cannot reach this machine's 127.0.0.1 anyway).
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    /// The same, without any proxy, for loopback.
    direct: reqwest::Client,
}

impl ReqwestTransport {
    pub fn new(ca_bundle: Option<PathBuf>) -> Result<Self, AppError> {
        let base = || {
            reqwest::Client::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .timeout(TOTAL_TIMEOUT)
                .user_agent(USER_AGENT)
                .redirect(reqwest::redirect::Policy::none())
        };
        let mut builder = base();
        let bundle = ca_bundle.or_else(|| {
            std::env::var_os(CA_BUNDLE_ENV)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        });
        if let Some(path) = bundle {
            let invalid = |detail: String| {
                AppError::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "The CA bundle {} could not be used: {detail}",
                        path.display()
                    ),
                )
                .with_hint("Give a PEM file with one or more -----BEGIN CERTIFICATE----- blocks.")
            };
            let pem = std::fs::read(&path).map_err(|e| invalid(e.to_string()))?;
            let certs =
                reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| invalid(e.to_string()))?;
            if certs.is_empty() {
                return Err(invalid("it holds no certificate".into()));
            }
            builder = builder.tls_certs_merge(certs);
        }
        let built = |b: reqwest::ClientBuilder| {
            b.build().map_err(|e| {
                AppError::new(
                    ErrorKind::Internal,
                    format!("the HTTP client could not be built: {e}"),
                )
            })
        };
        Ok(Self {
            client: built(builder)?,
            direct: built(base().no_proxy())?,
        })
    }
}

impl Transport for ReqwestTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let mut request = request;
            let host = request.url.host_str().unwrap_or_default().to_string();
            let method = reqwest::Method::from_bytes(request.method.as_bytes())
                .unwrap_or(reqwest::Method::GET);
            let client = if is_loopback(&request.url) {
                &self.direct
            } else {
                &self.client
            };
            let mut builder = client.request(method, request.url.clone());
            for (name, value) in &request.headers {
                builder = builder.header(name, value);
            }
            let mut response = builder
                // Handed over, not copied: the HTTP stack owns (and frees) it from here.
                .body(std::mem::take(&mut request.body))
                .send()
                .await
                .map_err(|e| classify(&host, &e))?;
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let too_large = || TransportError::TooLarge {
                host: host.clone(),
                limit: MAX_BODY,
            };
            if response
                .content_length()
                .is_some_and(|n| n > MAX_BODY as u64)
            {
                return Err(too_large());
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(|e| classify(&host, &e))? {
                if body.len() + chunk.len() > MAX_BODY {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(HttpResponse {
                status,
                headers,
                body,
            })
        })
    }
}

/// Sorts a reqwest error into what a person can act on, by walking its causes.
fn classify(host: &str, error: &reqwest::Error) -> TransportError {
    let mut chain = String::new();
    let mut source: Option<&dyn std::error::Error> = Some(error);
    while let Some(e) = source {
        chain.push_str(&e.to_string().to_lowercase());
        chain.push_str(": ");
        source = e.source();
    }
    let host = host.to_string();
    if error.is_timeout() {
        TransportError::Timeout { host }
    } else if chain.contains("dns error")
        || chain.contains("failed to lookup address")
        || chain.contains("name or service not known")
    {
        TransportError::Dns { host }
    } else if chain.contains("proxy") {
        TransportError::Proxy {
            detail: chain.trim_end_matches(": ").to_string(),
        }
    } else if chain.contains("certificate") || chain.contains("tls") || chain.contains("handshake")
    {
        TransportError::Tls {
            host,
            detail: chain.trim_end_matches(": ").to_string(),
        }
    } else if error.is_connect() {
        TransportError::Connect {
            host,
            detail: chain.trim_end_matches(": ").to_string(),
        }
    } else {
        TransportError::Protocol {
            host,
            detail: chain.trim_end_matches(": ").to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_requests_and_responses_never_shows_header_values_or_bodies() {
        let request = HttpRequest::post(
            Url::parse("https://x.test/token").expect("url"),
            "application/x-www-form-urlencoded",
            b"assertion=eyJsecret".to_vec(),
        )
        .header("Authorization", "Bearer eyJtoken");
        let printed = format!("{request:?}");
        assert!(!printed.contains("eyJ"), "{printed}");
        assert!(
            printed.contains("Authorization"),
            "header names are fine: {printed}"
        );
        let response = HttpResponse {
            status: 200,
            headers: vec![],
            body: b"eyJaltinn".to_vec(),
        };
        assert!(!format!("{response:?}").contains("eyJ"));
    }

    #[test]
    fn header_lookup_ignores_case() {
        let response = HttpResponse {
            status: 200,
            headers: vec![("Date".into(), "x".into())],
            body: vec![],
        };
        assert_eq!(response.header("date"), Some("x"));
    }
}

#[cfg(test)]
mod ca_bundle_tests {
    use super::*;

    #[test]
    fn a_missing_or_certificate_free_ca_bundle_is_refused_with_what_to_give() {
        let missing = ReqwestTransport::new(Some(PathBuf::from("/nonexistent/ca.pem")))
            .expect_err("missing file");
        assert_eq!(missing.kind, ErrorKind::InvalidInput);
        assert!(
            missing.message.contains("/nonexistent/ca.pem"),
            "{}",
            missing.message
        );
        let dir = tempfile::tempdir().expect("tmp");
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").expect("write");
        let error = ReqwestTransport::new(Some(empty)).expect_err("no certificate in it");
        assert!(
            error
                .hint
                .as_deref()
                .is_some_and(|h| h.contains("BEGIN CERTIFICATE")),
            "{error:?}"
        );
    }
}
