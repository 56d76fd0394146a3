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
    Transport(#[source] TransportError),
    #[error("app B refused the Altinn token (401)")]
    Unauthorized,
    #[error("app B said no (403){}", if message.is_empty() { String::new() } else { format!(": {message}") })]
    Forbidden { message: String, refusal: Refusal },
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

/// What a 403 of app B is about, read from its words once where the answer is parsed: app-lib and
/// Storage give no code, only text (recorded in tests/conformance/altinn-app).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// app-lib's `partyTypesAllowed` check: "Party … is not allowed to instantiate this
    /// application …".
    PartyType,
    /// `disallowUserInstantiation`: "User instantiation is disabled for this application …".
    UserInstantiationDisabled,
    /// app-lib's scope check: ProblemDetails with the detail "Insufficient scope".
    InsufficientScope,
    /// Storage holds an archived instance back for `preventInstanceDeletionForDays`: "Instance
    /// cannot be deleted yet due to application restrictions."
    DeletionPrevented,
    /// Anything else, a bare 403 included: the app's policy does not allow it.
    Policy,
}

impl Refusal {
    fn of(message: &str) -> Refusal {
        if message.contains("not allowed to instantiate") {
            Refusal::PartyType
        } else if message.contains("User instantiation is disabled") {
            Refusal::UserInstantiationDisabled
        } else if message.contains("Insufficient scope") {
            Refusal::InsufficientScope
        } else if message.contains("cannot be deleted yet due to application restrictions") {
            Refusal::DeletionPrevented
        } else {
            Refusal::Policy
        }
    }
}

impl From<AppCallError> for AppError {
    fn from(error: AppCallError) -> Self {
        let (kind, hint) = match &error {
            AppCallError::Transport(e) => return e.clone().into(),
            AppCallError::Unauthorized => (
                ErrorKind::Server,
                "The Altinn token expired or is from another environment than the app: run the token test for this profile.",
            ),
            AppCallError::Forbidden {
                refusal: Refusal::PartyType,
                ..
            } => (
                ErrorKind::Server,
                "The app does not accept this kind of instance owner (partyTypesAllowed in its applicationmetadata).",
            ),
            AppCallError::Forbidden {
                refusal: Refusal::UserInstantiationDisabled,
                ..
            } => (
                ErrorKind::Server,
                "The app has disallowUserInstantiation: only a service-owner token (altinn:serviceowner/instances.*) may create instances.",
            ),
            AppCallError::Forbidden {
                refusal: Refusal::InsufficientScope,
                ..
            } => (
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
        403 => {
            let message = message();
            let refusal = Refusal::of(&message);
            Err(AppCallError::Forbidden { message, refusal })
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn forbidden(body: &str) -> AppCallError {
        check(&HttpResponse {
            status: 403,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        })
        .expect_err("403")
    }

    fn refusal(body: &str) -> Refusal {
        match forbidden(body) {
            AppCallError::Forbidden { refusal, .. } => refusal,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_403_is_sorted_by_the_words_of_the_recorded_answers() {
        // tests/conformance/altinn-app/app-instantiate-403-party-type.json: a JSON string.
        assert_eq!(
            refusal(r#""Party 500000 is not allowed to instantiate this application ttd/basic""#),
            Refusal::PartyType
        );
        // tests/conformance/altinn-app/app-instantiate-403-insufficient-scope.json: ProblemDetails.
        assert_eq!(
            refusal(
                r#"{"title":"Forbidden","status":403,"detail":"Insufficient scope","instance":"/ttd/basic/instances/create"}"#
            ),
            Refusal::InsufficientScope
        );
        // app-lib's VerifyInstantiationPermissions, as the sandbox answers it.
        assert_eq!(
            refusal(r#""User instantiation is disabled for this application ttd/app-b""#),
            Refusal::UserInstantiationDisabled
        );
        // tests/conformance/altinn-app/app-delete-instance-403-prevented.json.
        assert_eq!(
            refusal(r#""Instance cannot be deleted yet due to application restrictions.""#),
            Refusal::DeletionPrevented
        );
        // app-instantiate-403-authorization.json (the PDP's obligations) and
        // app-delete-instance-403-serviceowner-template-policy.json (no body): the policy.
        assert_eq!(
            refusal(r#"{"<obligation key>":"<value>"}"#),
            Refusal::Policy
        );
        assert_eq!(refusal(""), Refusal::Policy);
    }

    #[test]
    fn the_refusal_picks_the_hint_and_the_message_keeps_the_app_s_words() {
        let party =
            forbidden(r#""Party 500000 is not allowed to instantiate this application ttd/basic""#);
        assert_eq!(
            party.to_string(),
            "app B said no (403): Party 500000 is not allowed to instantiate this application ttd/basic"
        );
        let hint = |error: AppCallError| AppError::from(error).hint.unwrap_or_default();
        assert!(hint(party).contains("partyTypesAllowed"));
        assert!(
            hint(forbidden(
                r#""User instantiation is disabled for this application ttd/app-b""#
            ))
            .contains("disallowUserInstantiation")
        );
        assert!(
            hint(forbidden(
                r#"{"title":"Forbidden","status":403,"detail":"Insufficient scope"}"#
            ))
            .contains("scopes")
        );
        assert!(hint(forbidden("")).contains("policy.xml"));
        assert!(
            hint(forbidden(
                r#""Instance cannot be deleted yet due to application restrictions.""#
            ))
            .contains("policy.xml")
        );
    }
}
