//! Small response helpers shared by the emulators: JSON answers and the `Outcome` tag that the
//! request log reads (so the log can say `MP-110` without ever seeing the body).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// The short outcome of a request, attached to its response for the log.
#[derive(Debug, Clone)]
pub(crate) struct Outcome(pub String);

/// Tags `response` with `outcome` for the request log.
pub(crate) fn tagged(mut response: Response, outcome: impl Into<String>) -> Response {
    response.extensions_mut().insert(Outcome(outcome.into()));
    response
}

/// A JSON answer with an outcome tag.
pub(crate) fn json(status: StatusCode, body: &Value, outcome: impl Into<String>) -> Response {
    tagged((status, axum::Json(body)).into_response(), outcome)
}

/// A JSON answer with a specific content type (`application/problem+json` …).
pub(crate) fn json_as(
    status: StatusCode,
    content_type: &'static str,
    body: &Value,
    outcome: &str,
) -> Response {
    let mut response = json(status, body, outcome);
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A status with an empty body.
pub(crate) fn empty(status: StatusCode, outcome: impl Into<String>) -> Response {
    tagged(status.into_response(), outcome)
}

/// `text/plain; charset=utf-8`.
pub(crate) fn text(status: StatusCode, body: String, outcome: impl Into<String>) -> Response {
    let mut response = tagged((status, body).into_response(), outcome);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// The media type of a request (lower-case, parameters such as charset dropped).
pub(crate) fn media_type(headers: &axum::http::HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(
        value
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase(),
    )
}

/// Escapes text for HTML.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
