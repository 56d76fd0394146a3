//! App B's `POST instances` (protocols.md §4.2): multipart instantiation and the
//! RequestPartValidator rules, and the instanceOwnerPartyId query parameter.

use assistant_sandbox::defaults;
use assistant_tests::{Harness, StatusCode, status_and_json};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

const RW: &str = "altinn:serviceowner/instances.read altinn:serviceowner/instances.write";

fn part(bytes: &[u8], content_type: &str) -> Part {
    Part::bytes(bytes.to_vec()).mime_str(content_type).unwrap()
}

fn template() -> Part {
    part(
        json!({"instanceOwner": {"partyId": defaults::ORG_PARTY_ID}})
            .to_string()
            .as_bytes(),
        "application/json",
    )
}

async fn post_multipart(h: &Harness, token: &str, form: Form) -> (StatusCode, Value) {
    let response = h
        .http
        .post(format!("{}/instances", h.app_url()))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    status_and_json(response).await
}

/// `POST instances` for the organisation's party given as the query parameter.
fn query_party_url(h: &Harness) -> String {
    format!(
        "{}/instances?instanceOwnerPartyId={}",
        h.app_url(),
        defaults::ORG_PARTY_ID
    )
}

const PREFIX: &str = "Error when comparing content to application metadata: ";

/// Posts `form` with a read/write token and asserts a 400 whose body is the RequestPartValidator
/// message `PREFIX` + `message`.
async fn assert_rejected(form: Form, message: &str) {
    let h = Harness::start().await;
    let token = h.altinn_token(RW).await;
    let (status, body) = post_multipart(&h, &token, form).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, json!(format!("{PREFIX}{message}")));
}

#[tokio::test]
async fn multipart_instantiation_stores_the_model_and_the_attachment() {
    let h = Harness::start().await;
    let token = h.altinn_token(RW).await;
    let form = Form::new()
        .part("instance", template())
        .part(
            "model",
            part(br#"{"navn":"Kari"}"#, "application/json; charset=utf-8"),
        )
        .part("attachment", part(b"%PDF-1.4 tiny", "application/pdf"));
    let (status, body) = post_multipart(&h, &token, form).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let types: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["dataType"].as_str())
        .collect();
    assert_eq!(
        types,
        ["model", "attachment"],
        "the charset suffix is ignored; no second model is auto-created"
    );
}

#[tokio::test]
async fn a_part_not_named_as_a_data_type_is_400() {
    let form = Form::new()
        .part("instance", template())
        .part("skjema", part(b"{}", "application/json"));
    assert_rejected(
        form,
        "Multipart section named, 'skjema' does not correspond to an element type in application metadata",
    )
    .await;
}

#[tokio::test]
async fn a_part_with_a_content_type_the_data_type_does_not_allow_is_400() {
    let form = Form::new()
        .part("instance", template())
        .part("attachment", part(b"hello", "text/plain"));
    assert_rejected(
        form,
        "The multipart section named attachment has a Content-Type 'text/plain' which is invalid for element type 'attachment'",
    )
    .await;
}

#[tokio::test]
async fn an_empty_part_is_400() {
    let form = Form::new()
        .part("instance", template())
        .part("attachment", part(b"", "application/pdf"));
    assert_rejected(
        form,
        "The multipart section named attachment has no data. Cannot process empty part.",
    )
    .await;
}

#[tokio::test]
async fn more_parts_than_max_count_is_400() {
    let form = Form::new()
        .part("instance", template())
        .part("model", part(b"{}", "application/json"))
        .part("model", part(b"{}", "application/json"));
    assert_rejected(
        form,
        "The list of parts contains more elements of type 'model' than the element type allows.",
    )
    .await;
}

#[tokio::test]
async fn an_instance_part_that_is_not_json_is_400() {
    let form = Form::new().part("instance", part(b"<instance/>", "application/xml"));
    assert_rejected(
        form,
        "Unexpected Content-Type 'application/xml' of embedded instance template. Expecting 'application/json'",
    )
    .await;
}

#[tokio::test]
async fn a_party_id_in_both_the_query_and_the_body_is_400() {
    let h = Harness::start().await;
    let token = h.altinn_token(RW).await;
    let url = query_party_url(&h);
    let response = h
        .http
        .post(url)
        .bearer_auth(&token)
        .json(&json!({"instanceOwner": {"partyId": defaults::ORG_PARTY_ID}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!(
            "You cannot provide an instanceOwnerPartyId as a query param as well as an instance template in the body. Choose one or the other."
        )
    );
}

#[tokio::test]
async fn the_query_party_id_alone_instantiates() {
    let h = Harness::start().await;
    let token = h.altinn_token(RW).await;
    let url = query_party_url(&h);
    let response = h.http.post(url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
}
