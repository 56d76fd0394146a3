//! The Maskinporten emulator: metadata, JWKS, the token request and every grant rule
//! (protocols.md §1), each asserting status, error and message.

use assistant_sandbox::defaults;
use assistant_tests::maskinporten::{assert_grant_refused, assert_mp_error};
use assistant_tests::{Harness, StatusCode, claims_of, test_key, verifies_rs256};
use serde_json::{Value, json};

const UNKNOWN_KID: &str =
    "Invalid assertion. Client authentication failed. Unknown key identifier (kid) for client.";
const NEEDS_KID: &str =
    "Invalid JWT. The client requires pre-registered jwk and no key identifier (kid) provided";

/// `POST /token`, its body still to come.
fn post_token(h: &Harness) -> reqwest::RequestBuilder {
    h.http.post(format!("{}token", h.issuer()))
}

#[tokio::test]
async fn the_metadata_document_has_the_real_shape_with_this_servers_urls() {
    let h = Harness::start().await;
    let issuer = h.issuer();
    let doc = h
        .get_json(format!("{issuer}.well-known/oauth-authorization-server"))
        .await;
    assert_eq!(doc["issuer"], json!(issuer), "issuer with trailing slash");
    assert_eq!(doc["token_endpoint"], json!(format!("{issuer}token")));
    assert_eq!(doc["jwks_uri"], json!(format!("{issuer}jwk")));
    assert_eq!(
        doc["grant_types_supported"],
        json!(["urn:ietf:params:oauth:grant-type:jwt-bearer"])
    );
    assert_eq!(
        doc["token_endpoint_auth_methods_supported"],
        json!(["private_key_jwt"])
    );
    assert_eq!(
        doc["token_endpoint_auth_signing_alg_values_supported"],
        json!(["RS256", "RS384", "RS512"])
    );
    assert_eq!(
        doc["authorization_details_types_supported"],
        json!(["urn:altinn:systemuser", "urn:altinn:consent"])
    );
}

#[tokio::test]
async fn a_valid_grant_gets_a_signed_token_shaped_like_maskinportens() {
    let h = Harness::start().await;
    let (status, body) = h.token_request(&h.grant().sign(test_key(0))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 599, "the default lifetime");
    assert_eq!(
        body["scope"],
        "altinn:instances.read altinn:instances.write"
    );
    let token = body["access_token"].as_str().unwrap();
    let claims = claims_of(token);
    assert_eq!(claims["iss"], json!(h.issuer()));
    assert_eq!(claims["client_id"], defaults::CLIENT_ID);
    assert_eq!(claims["client_amr"], "private_key_jwt");
    assert_eq!(claims["token_type"], "Bearer");
    assert_eq!(
        claims["consumer"],
        json!({"authority": "iso6523-actorid-upis", "ID": format!("0192:{}", defaults::ORG_NUMBER)})
    );
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        599
    );
    assert!(claims["jti"].is_string());
    // The token verifies against the published JWKS.
    let jwks = h.get_json(format!("{}jwk", h.issuer())).await;
    let jwk = &jwks["keys"][0];
    assert_eq!(jwk["alg"], "RS256");
    let header = jsonwebtoken::decode_header(token).unwrap();
    assert_eq!(
        header.kid.as_deref(),
        jwk["kid"].as_str(),
        "token header names the JWKS kid"
    );
    assert!(verifies_rs256(token, jwk));
}

#[tokio::test]
async fn a_token_request_that_is_not_form_urlencoded_is_refused() {
    let h = Harness::start().await;
    let body = json!({"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": h.grant().sign(test_key(0))});
    let response = post_token(&h).json(&body).send().await.unwrap();
    let actual = (response.status(), response.json().await.unwrap());
    assert_mp_error(
        &actual,
        StatusCode::BAD_REQUEST,
        "invalid_request",
        "Invalid request. Content-Type must be application/x-www-form-urlencoded",
    );
}

#[tokio::test]
async fn a_wrong_grant_type_is_refused() {
    let h = Harness::start().await;
    let form = [("grant_type", "client_credentials"), ("assertion", "x")];
    let response = post_token(&h).form(&form).send().await.unwrap();
    let actual = (response.status(), response.json().await.unwrap());
    assert_mp_error(
        &actual,
        StatusCode::BAD_REQUEST,
        "unsupported_grant_type",
        "Invalid request. grant_type must be urn:ietf:params:oauth:grant-type:jwt-bearer",
    );
}

#[tokio::test]
async fn a_malformed_assertion_gets_mp_011() {
    let h = Harness::start().await;
    let broken = format!("{}\n", h.grant().sign(test_key(0)));
    assert_mp_error(
        &h.token_request(&broken).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
        "MP-011 Invalid assertion. Invalid parameter value. The assertion is not a compact JWS",
    );
}

#[tokio::test]
async fn an_hs256_grant_is_refused() {
    assert_grant_refused(
        |h| h.grant().header("alg", json!("HS256")),
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        "Invalid assertion. Unsupported JWT alg; use RS256, RS384 or RS512",
    )
    .await;
}

#[tokio::test]
async fn an_rs512_grant_is_accepted_when_the_key_is_registered_for_rs512() {
    let h = Harness::start().await;
    h.control
        .register_key(
            defaults::CLIENT_ID,
            test_key(1).public_jwk_with_alg("RS512"),
        )
        .unwrap();
    let grant = h
        .grant()
        .header("alg", json!("RS512"))
        .header("kid", json!(test_key(1).kid));
    let (status, body) = h.token_request(&grant.sign(test_key(1))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn a_grant_whose_alg_differs_from_the_registered_keys_alg_is_refused() {
    assert_grant_refused(
        |h| h.grant().header("alg", json!("RS384")),
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        "Invalid assertion. Client authentication failed. The JWT alg differs from the registered key's alg",
    )
    .await;
}

#[tokio::test]
async fn an_unknown_client_gets_client_not_found() {
    assert_grant_refused(
        |h| h.grant().claim("iss", json!("no-such-client")),
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        "MP-100 Invalid assertion. Client authentication failed. Client not found.",
    )
    .await;
}

#[tokio::test]
async fn a_grant_without_kid_from_a_client_with_keys_is_refused() {
    assert_grant_refused(
        |h| h.grant().header("kid", Value::Null),
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        NEEDS_KID,
    )
    .await;
}

#[tokio::test]
async fn a_grant_with_x5c_from_a_client_with_keys_is_refused() {
    assert_grant_refused(
        |h| h.grant().header("x5c", json!(["MIIB"])),
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        NEEDS_KID,
    )
    .await;
}

#[tokio::test]
async fn an_x5c_that_is_a_string_instead_of_an_array_gets_mp_123() {
    assert_grant_refused(
        |h| {
            h.grant()
                .header("kid", Value::Null)
                .header("x5c", json!("MIIB"))
        },
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        "MP-123 Invalid JWT header x5c",
    )
    .await;
}

#[tokio::test]
async fn an_unregistered_kid_is_refused() {
    assert_grant_refused(
        |h| h.grant().header("kid", json!("not-registered")),
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        UNKNOWN_KID,
    )
    .await;
}

#[tokio::test]
async fn a_kid_sent_by_a_client_without_keys_is_refused_as_unknown() {
    assert_grant_refused(
        |h| {
            h.grant_for(
                defaults::DIGDIR_CLIENT_ID,
                "altinn:serviceowner/instances.read",
            )
        },
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        UNKNOWN_KID,
    )
    .await;
}

#[tokio::test]
async fn a_key_posted_more_than_a_year_ago_gets_mp_121() {
    let h = Harness::start().await;
    let posted = time::OffsetDateTime::now_utc() - time::Duration::days(366);
    h.control
        .register_key_posted_at(defaults::CLIENT_ID, test_key(1).public_jwk(), posted)
        .unwrap();
    let grant = h.grant().header("kid", json!(test_key(1).kid));
    assert_mp_error(
        &h.token_request(&grant.sign(test_key(1))).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        "MP-121 Invalid assertion. Client authentication failed. Expired key.",
    );
}

#[tokio::test]
async fn a_grant_signed_by_another_key_gets_mp_124() {
    let h = Harness::start().await;
    assert_mp_error(
        &h.token_request(&h.grant().sign(test_key(1))).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        "MP-124 Invalid JWT signature",
    );
}
