//! Maskinporten grant claims (protocols.md §1.3, §1.5): aud, the documented claim set, times,
//! jti, scopes, consumer_org and resource, each asserting status, error and message.

use assistant_sandbox::defaults;
use assistant_tests::maskinporten::{assert_grant_refused, assert_mp_error, assert_replay_refused};
use assistant_tests::{Harness, StatusCode, claims_of, now, test_key};
use serde_json::json;

const BAD_AUD: &str =
    "MP-110 Invalid assertion. Client authentication failed. Invalid JWT claim aud.";

#[tokio::test]
async fn the_token_endpoint_url_as_aud_gets_mp_110() {
    assert_grant_refused(
        |h| {
            h.grant()
                .claim("aud", json!(format!("{}token", h.issuer())))
        },
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        BAD_AUD,
    )
    .await;
}

#[tokio::test]
async fn an_aud_without_the_trailing_slash_gets_mp_110() {
    assert_grant_refused(
        |h| {
            h.grant()
                .claim("aud", json!(h.issuer().trim_end_matches('/')))
        },
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        BAD_AUD,
    )
    .await;
}

#[tokio::test]
async fn an_aud_array_with_the_issuer_only_is_accepted() {
    let h = Harness::start().await;
    let grant = h.grant().claim("aud", json!([h.issuer()]));
    assert_eq!(
        h.token_request(&grant.sign(test_key(0))).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_aud_array_with_two_values_gets_mp_110() {
    assert_grant_refused(
        |h| {
            h.grant()
                .claim("aud", json!([h.issuer(), "https://test.maskinporten.no/"]))
        },
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        BAD_AUD,
    )
    .await;
}

#[tokio::test]
async fn a_sub_claim_is_refused_as_invalid_assertion() {
    assert_grant_refused(
        |h| h.grant().claim("sub", json!(defaults::CLIENT_ID)),
        StatusCode::BAD_REQUEST,
        "invalid_request",
        "Invalid assertion. The claim sub is not allowed",
    )
    .await;
}

#[tokio::test]
async fn an_undocumented_claim_such_as_nbf_is_refused() {
    assert_grant_refused(
        |h| h.grant().claim("nbf", json!(now())),
        StatusCode::BAD_REQUEST,
        "invalid_request",
        "Invalid assertion. The claim nbf is not allowed",
    )
    .await;
}

#[tokio::test]
async fn an_iat_more_than_ten_seconds_ahead_is_issue_time_is_after_now() {
    assert_grant_refused(
        |h| {
            h.grant()
                .claim("iat", json!(now() + 20))
                .claim("exp", json!(now() + 80))
        },
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        "Issue time is after now",
    )
    .await;
}

#[tokio::test]
async fn an_iat_a_few_seconds_ahead_is_within_the_tolerance() {
    let h = Harness::start().await;
    let grant = h
        .grant()
        .claim("iat", json!(now() + 5))
        .claim("exp", json!(now() + 65));
    assert_eq!(
        h.token_request(&grant.sign(test_key(0))).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_iat_more_than_ten_seconds_old_gets_mp_130() {
    assert_grant_refused(
        |h| {
            h.grant()
                .claim("iat", json!(now() - 30))
                .claim("exp", json!(now() + 60))
        },
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        "MP-130 JWT is expired",
    )
    .await;
}

#[tokio::test]
async fn a_grant_living_longer_than_120_seconds_is_refused() {
    assert_grant_refused(
        |h| h.grant().claim("exp", json!(now() + 121)),
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        "Invalid assertion. The grant lifetime must be at most 120 seconds (exp - iat <= 120)",
    )
    .await;
}

#[tokio::test]
async fn an_expired_grant_gets_mp_130() {
    assert_grant_refused(
        |h| {
            h.grant()
                .claim("iat", json!(now() - 8))
                .claim("exp", json!(now() - 1))
        },
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        "MP-130 JWT is expired",
    )
    .await;
}

#[tokio::test]
async fn a_grant_without_exp_gets_mp_011() {
    assert_grant_refused(
        |h| h.grant().without("exp"),
        StatusCode::BAD_REQUEST,
        "invalid_request",
        "MP-011 Invalid assertion. Invalid parameter value. The claim exp is missing or not a NumericDate",
    )
    .await;
}

#[tokio::test]
async fn a_reused_grant_gets_mp_012() {
    let h = Harness::start().await;
    let assertion = h.grant().sign(test_key(0));
    assert_eq!(h.token_request(&assertion).await.0, StatusCode::OK);
    assert_replay_refused(&h, &assertion).await;
}

#[tokio::test]
async fn a_grant_without_jti_is_refused() {
    assert_grant_refused(
        |h| h.grant().without("jti"),
        StatusCode::BAD_REQUEST,
        "invalid_request",
        "MP-011 Invalid assertion. Invalid parameter value. The claim jti is missing",
    )
    .await;
}

#[tokio::test]
async fn a_scope_not_registered_on_the_client_gets_mp_200() {
    assert_grant_refused(
        |h| {
            h.grant()
                .claim("scope", json!("altinn:instances.read skatteetaten:secret"))
        },
        StatusCode::BAD_REQUEST,
        "invalid_scope",
        "MP-200 Token request contains invalid scopes for client",
    )
    .await;
}

#[tokio::test]
async fn a_grant_without_scope_is_refused() {
    assert_grant_refused(
        |h| h.grant().without("scope"),
        StatusCode::BAD_REQUEST,
        "invalid_request",
        "MP-011 Invalid assertion. Invalid parameter value. The claim scope is missing",
    )
    .await;
}

#[tokio::test]
async fn consumer_org_equal_to_the_clients_own_org_is_refused() {
    assert_grant_refused(
        |h| h.grant().claim("consumer_org", json!(defaults::ORG_NUMBER)),
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        "Invalid assertion. The combination consumer_org in claim and delegation scope on client is invalid",
    )
    .await;
}

#[tokio::test]
async fn consumer_org_that_has_not_delegated_the_scope_gets_mp_251() {
    let expected = format!(
        "MP-251 Consumer {} has not delegated access to the scope altinn:instances.read to supplier {}.",
        defaults::CUSTOMER_ORG_NUMBER,
        defaults::ORG_NUMBER
    );
    assert_grant_refused(
        |h| {
            h.grant()
                .claim("consumer_org", json!(defaults::CUSTOMER_ORG_NUMBER))
        },
        StatusCode::FORBIDDEN,
        "forbidden",
        &expected,
    )
    .await;
}

#[tokio::test]
async fn consumer_org_with_a_delegated_scope_gets_a_token_for_the_consumer() {
    let h = Harness::start().await;
    let grant = h
        .grant()
        .claim("consumer_org", json!(defaults::CUSTOMER_ORG_NUMBER))
        .claim("scope", json!(defaults::DELEGATED_SCOPE));
    let (status, body) = h.token_request(&grant.sign(test_key(0))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let claims = claims_of(body["access_token"].as_str().unwrap());
    assert_eq!(
        claims["consumer"]["ID"],
        json!(format!("0192:{}", defaults::CUSTOMER_ORG_NUMBER))
    );
    assert_eq!(
        claims["supplier"]["ID"],
        json!(format!("0192:{}", defaults::ORG_NUMBER))
    );
}

#[tokio::test]
async fn a_resource_given_as_a_string_is_refused_and_as_an_array_becomes_the_token_aud() {
    let h = Harness::start().await;
    let grant = h.grant().claim("resource", json!("https://api.example/"));
    assert_mp_error(
        &h.token_request(&grant.sign(test_key(0))).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
        "MP-011 Invalid assertion. Invalid parameter value. resource must be an array of strings",
    );
    let grant = h.grant().claim("resource", json!(["https://api.example/"]));
    let (status, body) = h.token_request(&grant.sign(test_key(0))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        claims_of(body["access_token"].as_str().unwrap())["aud"],
        json!(["https://api.example/"])
    );
}
