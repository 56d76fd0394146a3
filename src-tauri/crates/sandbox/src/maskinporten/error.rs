//! Maskinporten's token errors as it sends them, shared by the grant check and the
//! authorization_details check (which therefore do not import each other for it).

use axum::http::StatusCode;
use serde_json::Value;

/// A token error as Maskinporten sends it: `{"error": …, "error_description": "MP-xxx …"}`.
#[derive(Debug)]
pub(crate) struct MpError {
    pub status: StatusCode,
    pub error: &'static str,
    /// The words, without the code (real answers carry the code only in `error_uri`).
    pub description: String,
    /// `MP-121` …, sent as `error_uri` `https://maskinporten.no/errors/MP-121`.
    pub code: Option<String>,
    /// For the request log: the MP code, or the OAuth error when there is none.
    pub outcome: String,
}

impl MpError {
    pub(crate) fn new(error: &'static str, code: Option<&str>, message: &str) -> MpError {
        MpError {
            status: StatusCode::BAD_REQUEST,
            error,
            description: message.to_owned(),
            code: code.map(str::to_owned),
            outcome: code.unwrap_or(error).to_owned(),
        }
    }

    pub(crate) fn with_status(mut self, status: StatusCode) -> MpError {
        self.status = status;
        self
    }

    /// The answer's body as Maskinporten sends it (recorded, 2025): the description ends with
    /// `(trace_id: …)` and the MP code is only in `error_uri`
    /// (tests/conformance/maskinporten/mp-error-mp121-expired-key.json).
    pub(crate) fn body(&self) -> Value {
        let trace = uuid::Uuid::new_v4().simple().to_string();
        let mut body = serde_json::json!({
            "error": self.error,
            "error_description": format!("{} (trace_id: {trace})", self.description),
        });
        if let (Some(code), Some(map)) = (&self.code, body.as_object_mut()) {
            map.insert(
                "error_uri".into(),
                Value::String(format!("https://maskinporten.no/errors/{code}")),
            );
        }
        body
    }
}

/// DD-err MP-011: "Invalid assertion. Invalid parameter value" (malformed grant).
pub(crate) fn invalid_parameter(detail: &str) -> MpError {
    MpError::new(
        "invalid_request",
        Some("MP-011"),
        &format!("Invalid assertion. Invalid parameter value. {detail}"),
    )
}
