//! App B instantiation (protocols.md §4): metadata, authentication (zero skew), scopes, party
//! lookup, party types, policy, and the template rules of `instances` and `instances/create`.

use assistant_sandbox::{Seed, Service, defaults};
use assistant_tests::{Harness, StatusCode, test_key};
use serde_json::{Value, json};

const RW: &str = "altinn:serviceowner/instances.read altinn:serviceowner/instances.write";

async fn create(h: &Harness, token: &str, body: Value) -> (StatusCode, Value, Option<String>) {
    let response = h
        .http
        .post(format!("{}/instances/create", h.app_url()))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::Null),
        location,
    )
}

fn own_org() -> Value {
    json!({"instanceOwner": {"organisationNumber": defaults::ORG_NUMBER}})
}

#[tokio::test]
async fn application_metadata_is_anonymous_and_lists_the_data_types() {
    let h = Harness::start().await;
    let metadata = h
        .get_json(format!("{}/api/v1/applicationmetadata", h.app_url()))
        .await;
    assert_eq!(metadata["id"], "ttd/sandbox-app-b");
    let ids: Vec<&str> = metadata["dataTypes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["id"].as_str())
        .collect();
    assert_eq!(ids, ["model", "attachment", "ref-data-as-pdf"]);
    assert_eq!(
        metadata["dataTypes"][0]["allowedContentTypes"],
        json!(["application/xml", "application/json"])
    );
    assert_eq!(metadata["partyTypesAllowed"]["organisation"], true);
    assert_eq!(metadata["disallowUserInstantiation"], false);
}

#[tokio::test]
async fn the_json_schema_and_the_policy_are_served() {
    let h = Harness::start().await;
    let schema = h
        .get_json(format!("{}/api/jsonschema/model", h.app_url()))
        .await;
    assert_eq!(schema["properties"]["navn"]["type"], "string");
    let policy = h
        .get_json(format!("{}/api/v1/meta/authorizationpolicy", h.app_url()))
        .await;
    assert!(
        policy["rules"][0]["actions"]
            .as_array()
            .unwrap()
            .contains(&json!("instantiate"))
    );
}

#[tokio::test]
async fn an_unknown_app_is_404() {
    let h = Harness::start().await;
    let response = h
        .http
        .get(format!(
            "{}/ttd/no-such-app/api/v1/applicationmetadata",
            h.sandbox.urls().apps
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn simple_instantiation_with_prefill_starts_task_1() {
    let h = Harness::start().await;
    let token = h.altinn_token(RW).await;
    let body = json!({"instanceOwner": {"organisationNumber": defaults::ORG_NUMBER}, "prefill": {"NAVN": "Kari", "an-tall": "3", "ukjent": "ignored"}});
    let (status, instance, location) = create(&h, &token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{instance}");
    let id = instance["id"].as_str().unwrap();
    assert!(
        id.starts_with(&format!("{}/", defaults::ORG_PARTY_ID)),
        "id is partyId/guid: {id}"
    );
    assert_eq!(location.as_deref(), instance["selfLinks"]["apps"].as_str());
    assert_eq!(instance["appId"], "ttd/sandbox-app-b");
    assert_eq!(instance["org"], "ttd");
    assert_eq!(
        instance["instanceOwner"]["partyId"],
        defaults::ORG_PARTY_ID,
        "a string"
    );
    assert_eq!(instance["process"]["currentTask"]["elementId"], "Task_1");
    assert_eq!(instance["process"]["currentTask"]["altinnTaskType"], "data");
    assert_eq!(instance["data"][0]["dataType"], "model");
    let data_url = instance["data"][0]["selfLinks"]["apps"].as_str().unwrap();
    let model = h.get_json_as(data_url, &token).await;
    assert_eq!(
        model,
        json!({"navn": "Kari", "antall": 3}),
        "prefill matched loosely; unknown keys dropped"
    );
}

#[tokio::test]
async fn no_token_or_a_raw_maskinporten_token_is_401() {
    let h = Harness::start().await;
    assert_eq!(create(&h, "", own_org()).await.0, StatusCode::UNAUTHORIZED);
    let raw = h.maskinporten_token(&h.grant(), test_key(0)).await;
    assert_eq!(
        create(&h, &raw, own_org()).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn an_altinn_token_is_refused_at_its_exp_with_zero_clock_skew() {
    let h = Harness::start().await;
    let token = h.altinn_token(RW).await;
    h.control
        .skew_clock(Service::Apps, time::Duration::seconds(1800));
    assert_eq!(
        create(&h, &token, own_org()).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_token_with_only_the_read_scope_cannot_instantiate() {
    let h = Harness::start().await;
    let token = h.altinn_token("altinn:instances.read").await;
    let (status, body, _) = create(&h, &token, own_org()).await;
    // app-lib's scope check answers ProblemDetails "Insufficient scope" (recorded).
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["detail"], "Insufficient scope", "{body}");
}

#[tokio::test]
async fn an_unknown_organisation_number_is_404_cannot_lookup_party() {
    let h = Harness::start().await;
    let token = h.altinn_token(RW).await;
    let (status, body, _) = create(
        &h,
        &token,
        json!({"instanceOwner": {"organisationNumber": "974760673"}}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body,
        json!("Cannot lookup party: no party with organisation number 974760673")
    );
}

#[tokio::test]
async fn a_numeric_party_id_is_400() {
    let h = Harness::start().await;
    let token = h.altinn_token(RW).await;
    let (status, body, _) = create(&h, &token, json!({"instanceOwner": {"partyId": 500001}})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["errors"]["$.instanceOwner.partyId"][0],
        "The JSON value could not be converted to System.String. Path: $.instanceOwner.partyId"
    );
}

#[tokio::test]
async fn a_template_without_an_owner_is_400() {
    let h = Harness::start().await;
    let token = h.altinn_token(RW).await;
    let (status, body, _) = create(&h, &token, json!({"instanceOwner": {}})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!(
            "Error: instanceOwnerPartyId query parameter is empty and InstanceOwner is missing from instance template. You must populate instanceOwnerPartyId or InstanceOwner"
        )
    );
}

#[tokio::test]
async fn a_plain_organisation_token_matches_no_template_rule_and_gets_an_empty_403() {
    let h = Harness::start().await;
    // The instance pair without a system user: past the scope check, but the template's
    // policy.xml has rules only for [org] and the roles DAGL/REGNA.
    let token = h
        .altinn_token("altinn:instances.read altinn:instances.write")
        .await;
    for owner in [defaults::ORG_PARTY_ID, defaults::CUSTOMER_PARTY_ID] {
        let (status, body, _) =
            create(&h, &token, json!({"instanceOwner": {"partyId": owner}})).await;
        assert_eq!(
            (status, body),
            (StatusCode::FORBIDDEN, Value::Null),
            "{owner}"
        );
    }
}

#[tokio::test]
async fn a_party_type_the_app_does_not_allow_is_403_with_the_message() {
    let h = Harness::start().await;
    let token = h.service_owner_token(defaults::CLIENT_ID, 1, "").await;
    let (status, body, _) = create(
        &h,
        &token,
        json!({"instanceOwner": {"partyId": defaults::SUBUNIT_PARTY_ID}}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body,
        json!(format!(
            "Party {} is not allowed to instantiate this application ttd/sandbox-app-b",
            defaults::SUBUNIT_PARTY_ID
        ))
    );
}

#[tokio::test]
async fn the_service_owner_may_instantiate_for_a_person() {
    let mut seed = Seed::default();
    seed.apps[0] = assistant_sandbox::AppDefinition::from_json_str(&app_json(false, true)).unwrap();
    let h = Harness::start_with(seed).await;
    let token = h.service_owner_token(defaults::CLIENT_ID, 1, "").await;
    let (status, body, _) = create(
        &h,
        &token,
        json!({"instanceOwner": {"personNumber": defaults::PERSON_SSN}}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["instanceOwner"]["partyId"], defaults::PERSON_PARTY_ID);
}

#[tokio::test]
async fn a_system_user_instantiates_for_the_organisation_that_owns_it() {
    let h = Harness::start().await;
    let token = h.system_user_token().await;
    let (status, body, _) = create(
        &h,
        &token,
        json!({"instanceOwner": {"organisationNumber": defaults::CUSTOMER_ORG_NUMBER}}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["createdBy"], defaults::SYSTEM_USER_ID);
    let (status, _, _) = create(&h, &token, own_org()).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "not for the vendor's own party"
    );
}

#[tokio::test]
async fn disallow_user_instantiation_refuses_tokens_without_an_org_claim() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.json");
    std::fs::write(&path, app_json(true, false)).unwrap();
    let seed = Seed::default().with_app_file(&path).unwrap();
    let h = Harness::start_with(seed).await;
    // A system user's token has no urn:altinn:org (APPLIB; whether prod refuses system users
    // here too is UNCONFIRMED, protocols.md §4.4, so the sandbox takes the strict side).
    let token = h.system_user_token().await;
    let (status, body, _) = create(
        &h,
        &token,
        json!({"instanceOwner": {"organisationNumber": defaults::CUSTOMER_ORG_NUMBER}}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body,
        json!("User instantiation is disabled for this application ttd/sandbox-app-b")
    );
}

/// An app definition as a person would write it in a file.
fn app_json(disallow_user_instantiation: bool, persons: bool) -> String {
    json!({
        "org": "ttd", "app": "sandbox-app-b",
        "dataTypes": [{"id": "model", "allowedContentTypes": ["application/json"], "appLogic": {"autoCreate": true, "classRef": "Altinn.App.Models.Model"}, "taskId": "Task_1", "maxCount": 1, "minCount": 1}],
        "partyTypesAllowed": {"bankruptcyEstate": false, "organisation": true, "person": persons, "subUnit": false},
        "disallowUserInstantiation": disallow_user_instantiation,
        "policy": [{"actions": ["instantiate", "read", "write", "complete"], "subjects": ["[org]", "systemuser"]}],
        "schemas": {"model": {"title": "Model", "type": "object", "properties": {"navn": {"type": "string"}}}}
    })
    .to_string()
}
