//! The OAuth 2.0 device authorization grant against Entra ID (RFC 8628;
//! config-keyvault-selfservice.md §3.5): ask for a code for the vault scope, show the person the
//! code and the verification link, then poll the token endpoint at the given interval until they
//! approve, decline, the code expires, or the person cancels.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use super::challenge::Challenge;
use super::session::{AzureSession, SignInError};
use super::{Pause, Resume, SignInMethod, VAULT_SCOPE, scrub};
use crate::clock::Clock;
use crate::http::{HttpRequest, HttpResponse, Transport};
use crate::secret::{AzureToken, DeviceVerificationCode};

pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// RFC 8628 §3.5: without an `interval`, poll every 5 s; `slow_down` adds 5 s.
const DEFAULT_INTERVAL: u64 = 5;
const SLOW_DOWN_STEP: u64 = 5;
/// Never poll slower than this, whatever a server says.
const MAX_INTERVAL: u64 = 60;

fn form_post(url: url::Url, fields: &[(&str, &str)]) -> HttpRequest {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        form.append_pair(k, v);
    }
    HttpRequest::post(
        url,
        "application/x-www-form-urlencoded",
        form.finish().into_bytes(),
    )
    .header("Accept", "application/json")
}

/// `POST {authority}/oauth2/v2.0/devicecode` with `client_id` and the vault scope (§3.3).
pub fn code_request(challenge: &Challenge, client_id: &str) -> HttpRequest {
    form_post(
        challenge.endpoint("devicecode"),
        &[("client_id", client_id), ("scope", VAULT_SCOPE)],
    )
}

/// `POST {authority}/oauth2/v2.0/token` with the device-code grant.
pub fn poll_request(
    challenge: &Challenge,
    client_id: &str,
    code: &DeviceVerificationCode,
) -> HttpRequest {
    form_post(
        challenge.endpoint("token"),
        &[
            ("grant_type", GRANT_TYPE),
            ("client_id", client_id),
            ("device_code", code.expose_secret()),
        ],
    )
}

/// What the person needs to sign in: shown large in the window, printed by the CLI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeviceCodePrompt {
    pub user_code: String,
    pub verification_uri: String,
    /// RFC 3339.
    pub expires_at: String,
    pub interval_seconds: u64,
    /// Entra's own sentence ("To sign in, use a web browser to open …").
    pub message: Option<String>,
}

/// A started sign-in, waiting for the person.
#[derive(Debug, Clone)]
pub struct PendingSignIn {
    pub challenge: Challenge,
    pub client_id: String,
    pub device_code: DeviceVerificationCode,
    pub prompt: DeviceCodePrompt,
    pub expires_at: OffsetDateTime,
    pub interval: u64,
}

#[derive(Deserialize)]
struct CodeAnswer {
    device_code: String,
    user_code: String,
    verification_uri: String,
    expires_in: u64,
    interval: Option<u64>,
    message: Option<String>,
}

#[derive(Deserialize)]
struct OAuthError {
    error: String,
    error_description: Option<String>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    expires_in: u64,
}

fn refusal(response: &HttpResponse) -> SignInError {
    match serde_json::from_slice::<OAuthError>(&response.body) {
        Ok(e) => SignInError::Refused {
            error: e.error,
            description: e
                .error_description
                .map(|d| scrub(&d).chars().take(400).collect()),
        },
        Err(_) => SignInError::Unparseable {
            status: response.status,
            raw: scrub(&response.text()).chars().take(300).collect(),
        },
    }
}

/// Parses the device-code answer into what the person sees and what the poll needs.
pub fn parse_code(
    challenge: &Challenge,
    client_id: &str,
    response: &HttpResponse,
    now: OffsetDateTime,
) -> Result<PendingSignIn, SignInError> {
    if response.status != 200 {
        return Err(refusal(response));
    }
    let answer: CodeAnswer =
        serde_json::from_slice(&response.body).map_err(|_| refusal(response))?;
    let lifetime = i64::try_from(answer.expires_in.min(3600)).unwrap_or(900);
    let expires_at = now + time::Duration::seconds(lifetime);
    let shown = expires_at.replace_nanosecond(0).unwrap_or(expires_at);
    let interval = answer
        .interval
        .unwrap_or(DEFAULT_INTERVAL)
        .clamp(1, MAX_INTERVAL);
    Ok(PendingSignIn {
        challenge: challenge.clone(),
        client_id: client_id.to_string(),
        device_code: DeviceVerificationCode::new(answer.device_code),
        prompt: DeviceCodePrompt {
            user_code: answer.user_code,
            verification_uri: answer.verification_uri,
            expires_at: shown
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            interval_seconds: interval,
            message: answer.message,
        },
        expires_at,
        interval,
    })
}

/// One poll's answer.
#[derive(Debug)]
pub enum Poll {
    Token {
        token: AzureToken,
        expires_in: u64,
    },
    /// `authorization_pending`: the person has not finished yet.
    Pending,
    /// `slow_down`: poll 5 s less often from now on (RFC 8628 §3.5).
    SlowDown,
}

/// Parses a poll answer. Entra says `authorization_declined` where RFC 8628 says `access_denied`
/// (learn.microsoft.com v2-oauth2-device-code); both mean the person said no.
pub fn parse_poll(response: &HttpResponse) -> Result<Poll, SignInError> {
    if response.status == 200 {
        let answer: TokenAnswer =
            serde_json::from_slice(&response.body).map_err(|_| refusal(response))?;
        return Ok(Poll::Token {
            token: AzureToken::new(answer.access_token),
            expires_in: answer.expires_in,
        });
    }
    match refusal(response) {
        SignInError::Refused { error, description } => match error.as_str() {
            "authorization_pending" => Ok(Poll::Pending),
            "slow_down" => Ok(Poll::SlowDown),
            "expired_token" | "code_expired" => Err(SignInError::Expired),
            "access_denied" | "authorization_declined" => Err(SignInError::Declined),
            _ => Err(SignInError::Refused { error, description }),
        },
        other => Err(other),
    }
}

/// Asks Entra for a device code.
pub async fn start(
    transport: &dyn Transport,
    clock: &dyn Clock,
    challenge: &Challenge,
    client_id: &str,
) -> Result<PendingSignIn, SignInError> {
    let response = transport
        .send(code_request(challenge, client_id))
        .await
        .map_err(SignInError::LoginUnreachable)?;
    parse_code(challenge, client_id, &response, clock.now())
}

/// Polls until the person approves (→ a session), declines, the code expires or `pause` says
/// the person cancelled. A clock that does not move cannot make this loop forever: the number
/// of polls is bounded by the code's lifetime over the interval.
pub async fn wait(
    transport: &dyn Transport,
    clock: &dyn Clock,
    pause: &dyn Pause,
    pending: &PendingSignIn,
) -> Result<AzureSession, SignInError> {
    let mut interval = pending.interval;
    let lifetime = u64::try_from((pending.expires_at - clock.now()).whole_seconds()).unwrap_or(0);
    let max_polls = lifetime / interval.max(1) + 2;
    for _ in 0..max_polls {
        if clock.now() >= pending.expires_at {
            return Err(SignInError::Expired);
        }
        let request = poll_request(&pending.challenge, &pending.client_id, &pending.device_code);
        let response = transport
            .send(request)
            .await
            .map_err(SignInError::LoginUnreachable)?;
        match parse_poll(&response)? {
            Poll::Token { token, expires_in } => {
                let lifetime = i64::try_from(expires_in.min(86_400)).unwrap_or(0);
                return Ok(AzureSession::new(
                    token,
                    clock.now() + time::Duration::seconds(lifetime),
                    pending.challenge.tenant.clone(),
                    SignInMethod::DeviceCode,
                ));
            }
            Poll::Pending => {}
            Poll::SlowDown => interval = (interval + SLOW_DOWN_STEP).min(MAX_INTERVAL),
        }
        if pause.pause(Duration::from_secs(interval)).await == Resume::Cancelled {
            return Err(SignInError::Cancelled);
        }
    }
    Err(SignInError::Expired)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn challenge() -> Challenge {
        Challenge {
            authority: url::Url::parse("https://login.microsoftonline.com/tid").expect("url"),
            tenant: "tid".into(),
            resource: "https://vault.azure.net".into(),
        }
    }

    fn answer(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        }
    }

    fn fields(request: &HttpRequest) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&request.body)
            .into_owned()
            .collect()
    }

    #[test]
    fn the_code_and_poll_requests_are_form_posts_with_exactly_the_rfc_fields() {
        let code = code_request(&challenge(), "cid");
        assert_eq!(
            code.url.as_str(),
            "https://login.microsoftonline.com/tid/oauth2/v2.0/devicecode"
        );
        assert_eq!(
            fields(&code),
            [
                ("client_id".into(), "cid".into()),
                ("scope".into(), VAULT_SCOPE.into())
            ]
        );
        let poll = poll_request(
            &challenge(),
            "cid",
            &DeviceVerificationCode::new("dc".into()),
        );
        assert_eq!(poll.url.path(), "/tid/oauth2/v2.0/token");
        assert_eq!(
            fields(&poll),
            [
                ("grant_type".into(), GRANT_TYPE.into()),
                ("client_id".into(), "cid".into()),
                ("device_code".into(), "dc".into())
            ]
        );
        assert!(
            !format!("{poll:?}").contains("device_code=dc"),
            "the device code is not printed"
        );
    }

    #[test]
    fn a_code_answer_gives_the_prompt_and_keeps_the_device_code_secret() {
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).expect("time");
        let body = r#"{"user_code":"ABCD-EFGH","device_code":"secret-dc","verification_uri":"https://microsoft.com/devicelogin","expires_in":900,"interval":5,"message":"To sign in…"}"#;
        let pending = parse_code(&challenge(), "cid", &answer(200, body), now).expect("parsed");
        assert_eq!(pending.prompt.user_code, "ABCD-EFGH");
        assert_eq!(pending.prompt.expires_at, "2027-01-15T08:15:00Z");
        assert_eq!(pending.interval, 5);
        let shown = format!(
            "{pending:?}{}",
            serde_json::to_string(&pending.prompt).expect("json")
        );
        assert!(!shown.contains("secret-dc"), "{shown}");
    }

    #[test]
    fn every_poll_answer_is_told_apart() {
        let error = |e: &str| {
            answer(
                400,
                &format!(r#"{{"error":"{e}","error_description":"AADSTS70016: x"}}"#),
            )
        };
        assert!(matches!(
            parse_poll(&error("authorization_pending")),
            Ok(Poll::Pending)
        ));
        assert!(matches!(
            parse_poll(&error("slow_down")),
            Ok(Poll::SlowDown)
        ));
        assert!(matches!(
            parse_poll(&error("expired_token")),
            Err(SignInError::Expired)
        ));
        assert!(matches!(
            parse_poll(&error("access_denied")),
            Err(SignInError::Declined)
        ));
        assert!(matches!(
            parse_poll(&error("authorization_declined")),
            Err(SignInError::Declined)
        ));
        assert!(matches!(
            parse_poll(&error("invalid_grant")),
            Err(SignInError::Refused { error, .. }) if error == "invalid_grant"
        ));
        assert!(matches!(
            parse_poll(&answer(502, "<html>")),
            Err(SignInError::Unparseable { status: 502, .. })
        ));
        let token = parse_poll(&answer(
            200,
            r#"{"access_token":"a.b.c","expires_in":3599,"token_type":"Bearer"}"#,
        ));
        assert!(matches!(
            token,
            Ok(Poll::Token {
                expires_in: 3599,
                ..
            })
        ));
    }
}
