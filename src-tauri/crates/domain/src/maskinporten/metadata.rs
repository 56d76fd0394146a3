//! `/.well-known/oauth-authorization-server`: where the token endpoint and the signing keys
//! are, and the issuer that must be the grant's `aud`. DD-wk recommends reading it rather than
//! hard-coding, because Maskinporten rotates its keys (protocols.md §1.1).

use serde::Deserialize;
use url::Url;

use super::{MaskinportenError, scrub};
use crate::endpoints::Endpoints;
use crate::http::{HttpRequest, HttpResponse};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// The issuer identifier, e.g. `https://test.maskinporten.no/`: the grant's `aud`.
    pub issuer: String,
    pub token_endpoint: Url,
    pub jwks_uri: Url,
}

pub fn request(endpoints: &Endpoints) -> HttpRequest {
    HttpRequest::get(endpoints.well_known()).header("Accept", "application/json")
}

#[derive(Deserialize)]
struct Document {
    issuer: Option<String>,
    token_endpoint: Option<String>,
    jwks_uri: Option<String>,
}

pub fn parse(
    endpoints: &Endpoints,
    response: &HttpResponse,
) -> Result<Metadata, MaskinportenError> {
    let raw = scrub(&response.text());
    if response.status != 200 {
        return Err(MaskinportenError::MetadataStatus {
            status: response.status,
            raw,
        });
    }
    let invalid = |problem: &str| MaskinportenError::MetadataInvalid {
        problem: problem.to_string(),
        raw: raw.clone(),
    };
    let doc: Document = serde_json::from_slice(&response.body).map_err(|_| invalid("not JSON"))?;
    let issuer = doc.issuer.ok_or_else(|| invalid("no issuer"))?;
    // The issuer must be the Maskinporten we meant to talk to; anything else would make every
    // grant's `aud` wrong (MP-110) or send the assertion to the wrong place.
    if issuer != endpoints.maskinporten.as_str() {
        return Err(invalid(&format!(
            "the issuer is {issuer}, but this environment's Maskinporten is {}",
            endpoints.maskinporten
        )));
    }
    let same_origin = |field: &str, value: Option<String>| -> Result<Url, MaskinportenError> {
        let url = value
            .and_then(|v| Url::parse(&v).ok())
            .ok_or_else(|| invalid(&format!("no usable {field}")))?;
        if url.origin() != endpoints.maskinporten.origin() {
            return Err(invalid(&format!(
                "{field} {url} is on another host than the issuer"
            )));
        }
        Ok(url)
    };
    Ok(Metadata {
        issuer,
        token_endpoint: same_origin("token_endpoint", doc.token_endpoint)?,
        jwks_uri: same_origin("jwks_uri", doc.jwks_uri)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn respond(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        }
    }

    /// The real test document (protocols.md §1.1, verbatim shape from nais/tokendings).
    const TEST_DOC: &str = r#"{"authorization_details_types_supported":["urn:altinn:systemuser","urn:altinn:consent"],"grant_types_supported":["urn:ietf:params:oauth:grant-type:jwt-bearer"],"issuer":"https://test.maskinporten.no/","jwks_uri":"https://test.maskinporten.no/jwk","token_endpoint":"https://test.maskinporten.no/token","token_endpoint_auth_methods_supported":["private_key_jwt"],"token_endpoint_auth_signing_alg_values_supported":["RS256","RS384","RS512"]}"#;

    #[test]
    fn the_real_test_document_parses_to_its_issuer_token_endpoint_and_jwks() {
        let m = parse(&Endpoints::test(), &respond(200, TEST_DOC)).expect("parses");
        assert_eq!(m.issuer, "https://test.maskinporten.no/");
        assert_eq!(
            m.token_endpoint.as_str(),
            "https://test.maskinporten.no/token"
        );
        assert_eq!(m.jwks_uri.as_str(), "https://test.maskinporten.no/jwk");
    }

    #[test]
    fn prod_metadata_fetched_for_the_test_environment_is_refused() {
        let err = parse(&Endpoints::prod(), &respond(200, TEST_DOC)).expect_err("wrong env");
        assert!(
            matches!(err, MaskinportenError::MetadataInvalid { .. }),
            "{err:?}"
        );
    }

    #[test]
    fn garbage_and_errors_are_reported_with_the_raw_body() {
        assert!(matches!(
            parse(&Endpoints::test(), &respond(200, "<html>")),
            Err(MaskinportenError::MetadataInvalid { .. })
        ));
        assert!(matches!(
            parse(&Endpoints::test(), &respond(503, "down")),
            Err(MaskinportenError::MetadataStatus { status: 503, .. })
        ));
    }
}
