//! Altinn, client side: the token exchange (protocols.md §3) and app B's API (§4): metadata,
//! instance owners, instances and their follow-up, and bulk instantiation.

pub mod app;
pub mod bulk;
pub mod client;
pub mod delete;
pub mod exchange;
pub mod instance;
pub mod owner;

use serde::de::DeserializeOwned;

use crate::error::{AppError, ErrorKind};
use crate::http::{HttpResponse, TransportError};
use crate::maskinporten::scrub;

/// What an app call can end in, by the statuses the app uses (protocols.md §4.4).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppCallError {
    #[error("app B could not be reached: {0}")]
    Transport(TransportError),
    #[error("app B refused the Altinn token (401)")]
    Unauthorized,
    #[error("app B said no (403){}", if message.is_empty() { String::new() } else { format!(": {message}") })]
    Forbidden { message: String },
    #[error("app B could not find the instance owner (404): {message}")]
    PartyNotFound { message: String },
    #[error("not found (404){}", if message.is_empty() { String::new() } else { format!(": {message}") })]
    NotFound { message: String },
    #[error("app B refused the request (400): {message}")]
    BadRequest { message: String },
    #[error("app B reports a conflict (409): {message}")]
    Conflict { message: String },
    #[error("app B is throttling (429)")]
    Throttled { retry_after_seconds: Option<u64> },
    #[error("app B failed (HTTP {status}){}", if message.is_empty() { String::new() } else { format!(": {message}") })]
    Server { status: u16, message: String },
    #[error("app B answered HTTP {status} with something unexpected")]
    Unparseable { status: u16, raw: String },
}

impl From<AppCallError> for AppError {
    fn from(error: AppCallError) -> Self {
        let (kind, hint) = match &error {
            AppCallError::Transport(e) => return e.clone().into(),
            AppCallError::Unauthorized => (
                ErrorKind::Server,
                "The Altinn token expired or is from another environment than the app: run the token test for this profile.",
            ),
            AppCallError::Forbidden { message }
                if message.contains("not allowed to instantiate") =>
            {
                (
                    ErrorKind::Server,
                    "The app does not accept this kind of instance owner (partyTypesAllowed in its applicationmetadata).",
                )
            }
            AppCallError::Forbidden { message }
                if message.contains("User instantiation is disabled") =>
            {
                (
                    ErrorKind::Server,
                    "The app has disallowUserInstantiation: only a service-owner token (altinn:serviceowner/instances.*) may create instances.",
                )
            }
            // app-lib's scope check (ProblemDetails "Insufficient scope", recorded).
            AppCallError::Forbidden { message } if message.contains("Insufficient scope") => (
                ErrorKind::Server,
                "The token lacks the scopes the app requires: altinn:serviceowner/instances.read and .write for the app's owner, altinn:instances.read and .write for a system user (or the app's own custom scopes).",
            ),
            AppCallError::Forbidden { .. } => (
                ErrorKind::Server,
                "App B's policy (policy.xml) does not let this token do this: it needs a rule for your organisation ([org] for a service owner) and the instances scopes.",
            ),
            AppCallError::PartyNotFound { .. } => (
                ErrorKind::Server,
                "The owner does not exist in this environment: check the number (in TT02 use test data, e.g. from Tenor).",
            ),
            AppCallError::NotFound { .. } => (
                ErrorKind::NotFound,
                "Check the app (org/app) and the instance id.",
            ),
            AppCallError::BadRequest { .. } => (
                ErrorKind::InvalidInput,
                "The app's message says what it did not accept.",
            ),
            AppCallError::Conflict { .. } => (
                ErrorKind::Server,
                "The instance is not in a state that allows this (for example, no current task or validation errors).",
            ),
            AppCallError::Throttled { .. } => (
                ErrorKind::Server,
                "Wait a little and try again, or lower the concurrency.",
            ),
            AppCallError::Server { .. } | AppCallError::Unparseable { .. } => (
                ErrorKind::Server,
                "Try again later; if it persists, the app or the platform has a problem.",
            ),
        };
        AppError::new(kind, error.to_string()).with_hint(hint)
    }
}

/// The app's words in an error body. app-lib answers errors as a JSON string literal
/// (`"Party 500000 is not allowed to instantiate …"`) or as ProblemDetails
/// (`{"title","status","detail",…}`); recorded in tests/conformance/altinn-app. Anything else
/// is kept as text.
fn app_message(response: &HttpResponse) -> String {
    let text = response.text();
    let said = match serde_json::from_str::<serde_json::Value>(text.trim()) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(problem @ serde_json::Value::Object(_)) => {
            let field = |k: &str| problem.get(k).and_then(|v| v.as_str()).map(str::to_string);
            field("detail")
                .or_else(|| field("title"))
                .unwrap_or_else(|| text.trim().to_string())
        }
        _ => text.trim().to_string(),
    };
    scrub(&said).chars().take(500).collect()
}

/// Sorts a response into success or the error the status means, keeping the app's message.
pub(crate) fn check(response: &HttpResponse) -> Result<(), AppCallError> {
    let message = || app_message(response);
    match response.status {
        200..=299 => Ok(()),
        400 => Err(AppCallError::BadRequest { message: message() }),
        401 => Err(AppCallError::Unauthorized),
        403 => Err(AppCallError::Forbidden { message: message() }),
        404 if response.text().contains("Cannot lookup party") => {
            Err(AppCallError::PartyNotFound { message: message() })
        }
        404 => Err(AppCallError::NotFound { message: message() }),
        409 => Err(AppCallError::Conflict { message: message() }),
        429 => Err(AppCallError::Throttled {
            retry_after_seconds: response
                .header("retry-after")
                .and_then(|v| v.trim().parse().ok()),
        }),
        status => Err(AppCallError::Server {
            status,
            message: message(),
        }),
    }
}

pub(crate) fn json_body<T: DeserializeOwned>(response: &HttpResponse) -> Result<T, AppCallError> {
    check(response)?;
    serde_json::from_slice(&response.body).map_err(|_| AppCallError::Unparseable {
        status: response.status,
        raw: scrub(&response.text()).chars().take(500).collect(),
    })
}
