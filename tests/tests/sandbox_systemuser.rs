//! System-user grants (protocols.md §2): the `urn:altinn:systemuser` authorization_details rules
//! and the resulting token.

use assistant_sandbox::defaults;
use assistant_tests::maskinporten::assert_grant_refused;
use assistant_tests::{Harness, Jwt, StatusCode, claims_of, system_user_entry, test_key};
use serde_json::{Value, json};

fn system_user_grant(h: &Harness, details: Value) -> Jwt {
    h.grant().claim("authorization_details", details)
}

/// A grant with these authorization_details is refused with 400, `error` and `description`.
async fn assert_details_refused(details: Value, error: &str, description: &str) {
    let grant = |h: &Harness| system_user_grant(h, details);
    assert_grant_refused(grant, StatusCode::BAD_REQUEST, error, description).await;
}

fn customer_error(detail: &str) -> String {
    format!("MP-303 Invalid Altinn customer configuration. {detail}")
}

/// MP-303 when no system user of the default client matches the customer and `external_ref`.
fn no_system_user(external_ref: &str) -> String {
    customer_error(&format!(
        "No system user found for client {} with systemuser_org 0192:{} and externalRef {external_ref}",
        defaults::CLIENT_ID,
        defaults::CUSTOMER_ORG_NUMBER
    ))
}

#[tokio::test]
async fn a_system_user_grant_gets_a_token_with_the_system_user_details() {
    let h = Harness::start().await;
    let (status, body) = h
        .token_request(&system_user_grant(&h, json!([system_user_entry()])).sign(test_key(0)))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let claims = claims_of(body["access_token"].as_str().unwrap());
    assert_eq!(
        claims["authorization_details"],
        json!([{
            "type": "urn:altinn:systemuser",
            "systemuser_org": {"authority": "iso6523-actorid-upis", "id": format!("0192:{}", defaults::CUSTOMER_ORG_NUMBER)},
            "systemuser_id": [defaults::SYSTEM_USER_ID],
            "system_id": defaults::SYSTEM_ID,
        }]),
        "lower-case id in the token, as in the doc example"
    );
    assert_eq!(
        claims["consumer"]["ID"],
        json!(format!("0192:{}", defaults::ORG_NUMBER)),
        "consumer is the vendor"
    );
}

#[tokio::test]
async fn an_unknown_authorization_details_type_gets_mp_301() {
    let mut details = system_user_entry();
    details["type"] = json!("urn:altinn:consent");
    assert_details_refused(
        json!([details]),
        "invalid_authorization_details",
        "MP-301 Invalid authorization_details: unsupported type 'urn:altinn:consent'",
    )
    .await;
}

#[tokio::test]
async fn the_old_pilot_field_name_systemuserorg_gets_mp_302() {
    let details = json!({"type": "urn:altinn:systemuser", "systemuserorg": {"authority": "iso6523-actorid-upis", "ID": "0192:310987654"}});
    assert_details_refused(
        json!([details]),
        "invalid_authorization_details",
        "MP-302 Invalid authorization_details: unknown field 'systemuserorg'",
    )
    .await;
}

#[tokio::test]
async fn a_lower_case_id_in_the_grants_systemuser_org_gets_mp_302() {
    let mut details = system_user_entry();
    details["systemuser_org"] =
        json!({"authority": "iso6523-actorid-upis", "id": "0192:310987654"});
    assert_details_refused(
        json!([details]),
        "invalid_authorization_details",
        "MP-302 Invalid authorization_details: unknown field 'id'",
    )
    .await;
}

#[tokio::test]
async fn a_wrong_external_ref_gets_mp_303() {
    let mut details = system_user_entry();
    details["externalRef"] = json!("somebody-else");
    assert_details_refused(
        json!([details]),
        "invalid_altinn_customer_configuration",
        &no_system_user("somebody-else"),
    )
    .await;
}

#[tokio::test]
async fn a_missing_external_ref_gets_mp_303_when_the_request_had_one() {
    let mut details = system_user_entry();
    details.as_object_mut().unwrap().remove("externalRef");
    assert_details_refused(
        json!([details]),
        "invalid_altinn_customer_configuration",
        &no_system_user("(none)"),
    )
    .await;
}

#[tokio::test]
async fn a_systemuser_org_without_the_0192_prefix_gets_mp_303() {
    let mut details = system_user_entry();
    details["systemuser_org"]["ID"] = json!(defaults::CUSTOMER_ORG_NUMBER);
    assert_details_refused(
        json!([details]),
        "invalid_altinn_customer_configuration",
        &customer_error("systemuser_org.ID must be 0192:<organisation number>"),
    )
    .await;
}

#[tokio::test]
async fn a_system_user_of_another_org_gets_mp_303() {
    let h = Harness::start().await;
    let mut details = system_user_entry();
    details["systemuser_org"]["ID"] = json!(format!("0192:{}", defaults::DIGDIR_ORG_NUMBER));
    let actual = h
        .token_request(&system_user_grant(&h, json!([details])).sign(test_key(0)))
        .await;
    assert_eq!(
        actual.1["error"], "invalid_altinn_customer_configuration",
        "{}",
        actual.1
    );
    assert_eq!(actual.0, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn two_parties_in_one_grant_are_refused() {
    assert_details_refused(
        json!([system_user_entry(), system_user_entry()]),
        "invalid_request",
        "MP-011 Invalid assertion. Invalid parameter value. authorization_details must hold exactly one entry (one party per grant)",
    )
    .await;
}

#[tokio::test]
async fn authorization_details_as_an_object_instead_of_an_array_is_refused() {
    assert_details_refused(
        system_user_entry(),
        "invalid_request",
        "MP-011 Invalid assertion. Invalid parameter value. authorization_details must be an array",
    )
    .await;
}
