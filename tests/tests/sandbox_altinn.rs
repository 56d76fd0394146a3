//! The Altinn token exchange (protocols.md §3): validation of the Maskinporten token, the
//! answer's two encodings, the error statuses and the claims of the Altinn token.

use assistant_sandbox::{Sandbox, SandboxConfig, Service, defaults};
use assistant_tests::{Harness, StatusCode, claims_of, test_key, verifies_rs256};
use serde_json::{Value, json};

fn exchange_url(h: &Harness, provider: &str) -> String {
    format!(
        "{}/authentication/api/v1/exchange/{provider}",
        h.sandbox.urls().altinn_platform
    )
}

async fn mp_token(h: &Harness) -> String {
    h.maskinporten_token(&h.grant(), test_key(0)).await
}

/// `GET` the exchange for `provider`, with `token` as bearer (none when `None`) and `headers`.
async fn exchange_with(
    h: &Harness,
    provider: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = h.http.get(exchange_url(h, provider));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn the_altinn_token_comes_as_text_plain_by_default() {
    let h = Harness::start().await;
    let token = mp_token(&h).await;
    let response = exchange_with(&h, "maskinporten", Some(&token), &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    let body = response.text().await.unwrap();
    assert_eq!(body.split('.').count(), 3, "a raw JWT, no quotes");
}

#[tokio::test]
async fn the_altinn_token_comes_as_a_json_string_when_json_is_accepted() {
    let h = Harness::start().await;
    let token = mp_token(&h).await;
    let accept = [("accept", "application/json")];
    let response = exchange_with(&h, "maskinporten", Some(&token), &accept).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let body = response.text().await.unwrap();
    assert!(
        body.starts_with('"') && body.ends_with('"'),
        "a JSON string literal: {body}"
    );
    let token: String = serde_json::from_str(&body).unwrap();
    assert_eq!(token.split('.').count(), 3);
}

#[tokio::test]
async fn the_provider_name_is_case_insensitive() {
    let h = Harness::start().await;
    let token = mp_token(&h).await;
    let response = exchange_with(&h, "MaskinPorten", Some(&token), &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_unknown_provider_gets_400_invalid_token_provider() {
    let h = Harness::start().await;
    let token = mp_token(&h).await;
    let response = exchange_with(&h, "feide", Some(&token), &[]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        response.text().await.unwrap(),
        "Invalid token provider: feide. Trusted token providers are 'Maskinporten', 'Id-porten' and 'AltinnStudio'."
    );
}

#[tokio::test]
async fn the_enterprise_user_header_gets_410_problem_details() {
    let h = Harness::start().await;
    let token = mp_token(&h).await;
    let enterprise_user = [("X-Altinn-EnterpriseUser-Authentication", "dXNlcjpwYXNz")];
    let response = exchange_with(&h, "maskinporten", Some(&token), &enterprise_user).await;
    assert_eq!(response.status(), StatusCode::GONE);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/problem+json")
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], 410);
    assert_eq!(body["detail"], "Virksomhetsbruker is no longer available");
}

#[tokio::test]
async fn no_bearer_token_gets_an_empty_401() {
    let h = Harness::start().await;
    let response = exchange_with(&h, "maskinporten", None, &[]).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.text().await.unwrap(),
        "",
        "an empty body, as AUTHN sends"
    );
}

#[tokio::test]
async fn a_token_not_signed_by_maskinporten_gets_an_empty_401() {
    let h = Harness::start().await;
    let forged = claims_of(&mp_token(&h).await);
    let forged = assistant_tests::Jwt {
        header: json!({"alg": "RS256", "kid": "x"})
            .as_object()
            .cloned()
            .unwrap(),
        claims: forged.as_object().cloned().unwrap(),
    };
    let forged = forged.sign(test_key(1));
    let response = exchange_with(&h, "maskinporten", Some(&forged), &[]).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.text().await.unwrap(), "");
}

#[tokio::test]
async fn a_token_from_another_maskinporten_environment_gets_an_empty_401() {
    let h = Harness::start().await;
    let other = Sandbox::start(SandboxConfig::default()).await.unwrap();
    other
        .control()
        .register_key(defaults::CLIENT_ID, test_key(0).public_jwk())
        .unwrap();
    let mut grant = h.grant();
    grant
        .claims
        .insert("aud".into(), json!(other.urls().maskinporten));
    let assertion = grant.sign(test_key(0));
    let form = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
        ("assertion", assertion.as_str()),
    ];
    let body = h
        .post_form(format!("{}token", other.urls().maskinporten), &form)
        .await;
    let foreign = body["access_token"].as_str().unwrap();
    let response = exchange_with(&h, "maskinporten", Some(foreign), &[]).await;
    assert_eq!(
        response.status(),
        StatusCode::UNAUTHORIZED,
        "the issuer is the other environment's"
    );
}

#[tokio::test]
async fn an_expired_maskinporten_token_is_accepted_within_10_seconds_of_skew_and_refused_after() {
    let h = Harness::start().await;
    let token = mp_token(&h).await;
    h.control
        .skew_clock(Service::AltinnPlatform, time::Duration::seconds(599 + 5));
    let response = exchange_with(&h, "maskinporten", Some(&token), &[]).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "5 s past exp is inside the 10 s skew"
    );
    h.control
        .skew_clock(Service::AltinnPlatform, time::Duration::seconds(599 + 11));
    let response = exchange_with(&h, "maskinporten", Some(&token), &[]).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_altinn_token_copies_the_claims_and_adds_altinns_own() {
    let h = Harness::start().await;
    let original = mp_token(&h).await;
    let claims = claims_of(&h.exchange(&original, "").await);
    let before = claims_of(&original);
    assert_eq!(
        claims["iss"],
        json!(format!(
            "{}/authentication/api/v1/openid/",
            h.sandbox.urls().altinn_platform
        ))
    );
    assert_eq!(claims["urn:altinn:orgNumber"], defaults::ORG_NUMBER);
    assert_eq!(claims["urn:altinn:authenticatemethod"], "maskinporten");
    assert_eq!(claims["urn:altinn:authlevel"], 3);
    assert_eq!(claims["scope"], before["scope"]);
    assert_eq!(claims["consumer"], before["consumer"]);
    assert_eq!(claims["client_id"], before["client_id"]);
    assert!(
        claims.get("client_amr").is_none() && claims.get("aud").is_none(),
        "client_amr and aud are dropped"
    );
    assert!(claims["sid"].is_string());
    assert_eq!(claims["nbf"], claims["iat"]);
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        1800,
        "30 minutes"
    );
    assert!(
        claims.get("urn:altinn:org").is_none(),
        "not a service owner"
    );
}

#[tokio::test]
async fn a_service_owner_scope_from_a_service_owner_adds_urn_altinn_org() {
    let h = Harness::start().await;
    let claims = claims_of(&h.service_owner_token(defaults::CLIENT_ID, 1, "").await);
    assert_eq!(claims["urn:altinn:org"], "ttd");
}

#[tokio::test]
async fn test_true_turns_digdir_into_ttd() {
    let h = Harness::start().await;
    let plain = claims_of(
        &h.service_owner_token(defaults::DIGDIR_CLIENT_ID, 1, "")
            .await,
    );
    assert_eq!(plain["urn:altinn:org"], "digdir");
    let test = claims_of(
        &h.service_owner_token(defaults::DIGDIR_CLIENT_ID, 1, "?test=true")
            .await,
    );
    assert_eq!(test["urn:altinn:org"], "ttd");
}

#[tokio::test]
async fn test_true_is_ignored_without_a_service_owner_scope() {
    let h = Harness::start().await;
    let claims = claims_of(&h.exchange(&mp_token(&h).await, "?test=true").await);
    assert!(claims.get("urn:altinn:org").is_none());
}

#[tokio::test]
async fn the_platform_publishes_the_keys_that_verify_its_tokens() {
    let h = Harness::start().await;
    let altinn = h.exchange(&mp_token(&h).await, "").await;
    let base = &h.sandbox.urls().altinn_platform;
    let config = h
        .get_json(format!(
            "{base}/authentication/api/v1/openid/.well-known/openid-configuration"
        ))
        .await;
    assert_eq!(config["issuer"], claims_of(&altinn)["iss"]);
    let jwks = h.get_json(config["jwks_uri"].as_str().unwrap()).await;
    assert!(verifies_rs256(&altinn, &jwks["keys"][0]));
}

#[tokio::test]
async fn a_system_user_token_keeps_its_authorization_details_through_the_exchange() {
    let h = Harness::start().await;
    let claims = claims_of(&h.system_user_token().await);
    assert_eq!(
        claims["authorization_details"][0]["systemuser_id"],
        json!([defaults::SYSTEM_USER_ID])
    );
}
