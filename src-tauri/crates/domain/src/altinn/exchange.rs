//! `GET …/authentication/api/v1/exchange/maskinporten` with the Maskinporten token as bearer
//! (protocols.md §3, AUTHN). The answer is the Altinn JWT as `text/plain`, or as a JSON string in
//! quotes when `Accept: application/json` is sent; an empty 401 means "not accepted" with no
//! reason given, so the diagnosis has to reason from what we know.

use super::super::maskinporten::access_token::{AccessTokenInfo, describe};
use crate::endpoints::Endpoints;
use crate::http::{HttpRequest, HttpResponse, TransportError};
use crate::maskinporten::scrub;
use crate::secret::{AccessToken, AltinnToken};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExchangeError {
    #[error("the exchange got no answer: {0}")]
    Transport(#[source] TransportError),
    /// AUTHN answers 401 with an empty body for every failure (bad signature, expired, wrong
    /// environment's issuer, no `consumer`).
    #[error("Altinn refused the Maskinporten token (401)")]
    Unauthorized,
    #[error("Altinn answered HTTP {status}")]
    Status { status: u16, raw: String },
    #[error("Altinn's answer is not a token")]
    NotAToken { raw: String },
}

/// `Accept: application/json`, as Altinn's own client sends; both answer forms are parsed.
pub fn request(endpoints: &Endpoints, token: &AccessToken, test_org: bool) -> HttpRequest {
    HttpRequest::get(endpoints.exchange(test_org))
        .header("Authorization", format!("Bearer {}", token.expose_secret()))
        .header("Accept", "application/json")
}

pub fn parse(response: &HttpResponse) -> Result<(AltinnToken, AccessTokenInfo), ExchangeError> {
    match response.status {
        200 => {}
        401 => return Err(ExchangeError::Unauthorized),
        status => {
            return Err(ExchangeError::Status {
                status,
                raw: scrub(&response.text()),
            });
        }
    }
    let text = response.text();
    let trimmed = text.trim();
    // "Strip surrounding quotes / JSON-decode if the body starts with `"`" (protocols.md §3).
    let jwt = if trimmed.starts_with('"') {
        serde_json::from_str::<String>(trimmed).map_err(|_| ExchangeError::NotAToken {
            raw: scrub(trimmed),
        })?
    } else {
        trimmed.to_string()
    };
    let claims = jsonwebtoken::dangerous::insecure_decode_claims::<serde_json::Value>(&jwt)
        .map_err(|_| ExchangeError::NotAToken {
            raw: scrub(trimmed),
        })?;
    Ok((AltinnToken::new(jwt), describe(claims)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &serde_json::Value) -> String {
        use base64::Engine;
        let b = |v: &serde_json::Value| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
        };
        format!(
            "{}.{}.c2ln",
            b(&serde_json::json!({"alg":"RS256"})),
            b(claims)
        )
    }

    fn respond(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn the_request_is_a_get_with_the_bearer_and_test_true_only_when_asked() {
        let r = request(
            &Endpoints::test(),
            &AccessToken::new("mp.tok.en".into()),
            true,
        );
        assert_eq!(
            (r.method, r.url.as_str()),
            (
                "GET",
                "https://platform.tt02.altinn.no/authentication/api/v1/exchange/maskinporten?test=true"
            )
        );
        assert_eq!(r.header_value("authorization"), Some("Bearer mp.tok.en"));
        assert!(r.body.is_empty());
    }

    #[test]
    fn plain_text_and_json_quoted_answers_give_the_same_token_and_claims() {
        let token = jwt(
            &serde_json::json!({"urn:altinn:org":"ttd","urn:altinn:orgNumber":"991825827","exp":2000,"iat":200,"scope":"altinn:serviceowner/instances.read"}),
        );
        let (plain, info) = parse(&respond(200, &format!("{token}\n"))).expect("plain");
        let (quoted, _) = parse(&respond(200, &format!("\"{token}\""))).expect("quoted");
        assert_eq!(plain.expose_secret(), token);
        assert_eq!(quoted.expose_secret(), token, "quotes stripped");
        assert_eq!(
            (info.expires_at, info.claims["urn:altinn:org"].as_str()),
            (2000, Some("ttd"))
        );
    }

    #[test]
    fn an_empty_401_and_garbage_are_told_apart() {
        assert_eq!(
            parse(&respond(401, "")).expect_err("401"),
            ExchangeError::Unauthorized
        );
        assert!(matches!(
            parse(&respond(200, "<html>")),
            Err(ExchangeError::NotAToken { .. })
        ));
        assert!(matches!(
            parse(&respond(500, "oops")),
            Err(ExchangeError::Status { status: 500, .. })
        ));
    }
}
