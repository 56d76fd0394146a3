//! The token request (DD-token, protocols.md §1.4): a form-urlencoded POST of `grant_type` and
//! `assertion` to the metadata's token endpoint, and the parse of its answer: a token, an OAuth
//! error (`error`, `error_description`), or something else, kept raw (scrubbed) for the person.

use serde::Deserialize;

use super::metadata::Metadata;
use super::{MaskinportenError, scrub};
use crate::http::{HttpRequest, HttpResponse};
use crate::secret::{AccessToken, Assertion};

pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

pub fn request(metadata: &Metadata, assertion: &Assertion) -> HttpRequest {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", GRANT_TYPE)
        .append_pair("assertion", assertion.expose_secret())
        .finish();
    HttpRequest::post(
        metadata.token_endpoint.clone(),
        "application/x-www-form-urlencoded",
        body.into_bytes(),
    )
    .header("Accept", "application/json")
}

#[derive(Debug)]
pub struct TokenResponse {
    pub access_token: AccessToken,
    pub token_type: String,
    /// Seconds; set per scope by its owner, so always read it (protocols.md §5).
    pub expires_in: u64,
    pub scope: String,
}

#[derive(Deserialize)]
struct Success {
    access_token: String,
    token_type: Option<String>,
    expires_in: u64,
    scope: Option<String>,
}

#[derive(Deserialize)]
struct OAuthError {
    error: String,
    error_description: Option<String>,
    error_uri: Option<String>,
}

/// `MP-121` from `https://maskinporten.no/errors/MP-121` (or from the description, where older
/// answers and Digdir's examples put it).
fn mp_code(uri: Option<&str>, description: Option<&str>) -> Option<String> {
    let from_uri = uri
        .and_then(|u| u.trim_end_matches('/').rsplit('/').next())
        .filter(|c| c.starts_with("MP-"));
    let from_text = || {
        let text = description?;
        let at = text.find("MP-")?;
        let code: String = text[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        (code.len() > 3).then_some(code)
    };
    from_uri.map(str::to_string).or_else(from_text)
}

pub fn parse(response: &HttpResponse) -> Result<TokenResponse, MaskinportenError> {
    if response.status == 200
        && let Ok(ok) = serde_json::from_slice::<Success>(&response.body)
    {
        return Ok(TokenResponse {
            access_token: AccessToken::new(ok.access_token),
            token_type: ok.token_type.unwrap_or_else(|| "Bearer".into()),
            expires_in: ok.expires_in,
            scope: ok.scope.unwrap_or_default(),
        });
    }
    let raw = scrub(&response.text());
    match serde_json::from_slice::<OAuthError>(&response.body) {
        Ok(e) if response.status >= 400 => Err(MaskinportenError::TokenRejected {
            status: response.status,
            code: mp_code(e.error_uri.as_deref(), e.error_description.as_deref()),
            error: e.error,
            description: e.error_description.map(|d| scrub(&d)),
            raw,
        }),
        _ => Err(MaskinportenError::TokenUnparseable {
            status: response.status,
            raw,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata() -> Metadata {
        Metadata {
            issuer: "https://test.maskinporten.no/".into(),
            token_endpoint: url::Url::parse("https://test.maskinporten.no/token").expect("url"),
            jwks_uri: url::Url::parse("https://test.maskinporten.no/jwk").expect("url"),
        }
    }

    fn respond(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn the_request_is_a_form_post_with_exactly_grant_type_and_assertion() {
        let request = request(&metadata(), &Assertion::new("a.b.c".into()));
        assert_eq!(request.method, "POST");
        assert_eq!(request.url.as_str(), "https://test.maskinporten.no/token");
        assert_eq!(
            request.header_value("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        let body = String::from_utf8(request.body.clone()).expect("utf8");
        let fields: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
        assert_eq!(
            fields,
            [
                ("grant_type".to_string(), GRANT_TYPE.to_string()),
                ("assertion".to_string(), "a.b.c".to_string())
            ]
        );
        assert!(
            body.starts_with(
                "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion="
            ),
            "{body}"
        );
    }

    #[test]
    fn a_success_body_gives_the_token_and_its_lifetime() {
        let t = parse(&respond(200, r#"{"access_token":"x.y.z","token_type":"Bearer","expires_in":599,"scope":"difitest:test1"}"#)).expect("ok");
        assert_eq!(
            (
                t.access_token.expose_secret(),
                t.expires_in,
                t.scope.as_str()
            ),
            ("x.y.z", 599, "difitest:test1")
        );
    }

    #[test]
    fn an_oauth_error_keeps_code_and_description() {
        let err = parse(&respond(400, r#"{"error":"invalid_grant","error_description":"Invalid assertion. Client authentication failed. Unknown key identifier (kid) for client."}"#)).expect_err("refused");
        match err {
            MaskinportenError::TokenRejected {
                status,
                error,
                description,
                ..
            } => {
                assert_eq!((status, error.as_str()), (400, "invalid_grant"));
                assert!(description.is_some_and(|d| d.contains("Unknown key identifier")));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_mp_code_is_read_from_error_uri_where_real_answers_put_it() {
        let err = parse(&respond(400, r#"{"error":"invalid_grant","error_description":"Invalid assertion. Client authentication failed. Expired key. (trace_id: 35)","error_uri":"https://maskinporten.no/errors/MP-121"}"#)).expect_err("refused");
        assert!(
            matches!(&err, MaskinportenError::TokenRejected { code: Some(c), .. } if c == "MP-121"),
            "{err:?}"
        );
        let older = parse(&respond(
            400,
            r#"{"error":"invalid_grant","error_description":"MP-012: Grant is used before"}"#,
        ))
        .expect_err("refused");
        assert!(
            matches!(&older, MaskinportenError::TokenRejected { code: Some(c), .. } if c == "MP-012"),
            "{older:?}"
        );
    }

    #[test]
    fn a_body_that_is_neither_is_kept_raw_and_scrubbed() {
        let err = parse(&respond(
            502,
            "<html>Bad gateway eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln</html>",
        ))
        .expect_err("garbage");
        match err {
            MaskinportenError::TokenUnparseable { status, raw } => {
                assert_eq!(status, 502);
                assert!(raw.contains("Bad gateway") && !raw.contains("eyJ"), "{raw}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse(&respond(200, "{\"nope\":1}")),
            Err(MaskinportenError::TokenUnparseable { status: 200, .. })
        ));
    }
}
