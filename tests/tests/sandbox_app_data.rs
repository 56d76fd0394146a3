//! App B after instantiation (protocols.md §4.1–§4.4): form data as JSON and XML, process/next
//! with the receipt PDF, listing and deleting.

use assistant_sandbox::defaults;
use assistant_tests::{Harness, StatusCode};
use serde_json::{Value, json};

const RW: &str = "altinn:serviceowner/instances.read altinn:serviceowner/instances.write";

async fn instance(h: &Harness, token: &str) -> Value {
    let response = h
        .http
        .post(format!("{}/instances/create", h.app_url()))
        .bearer_auth(token)
        .json(&json!({"instanceOwner": {"organisationNumber": defaults::ORG_NUMBER}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

/// A sandbox, a read/write Altinn token and a new instance made with it.
async fn started() -> (Harness, String, Value) {
    let h = Harness::start().await;
    let token = h.altinn_token(RW).await;
    let instance = instance(&h, &token).await;
    (h, token, instance)
}

/// The URL of the instance's form data (its first data element).
fn form_data_url(instance: &Value) -> String {
    instance["data"][0]["selfLinks"]["apps"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// `PUT url` with `body`, and `content_type` when there is one.
async fn put(
    h: &Harness,
    url: &str,
    token: &str,
    content_type: Option<&str>,
    body: &'static str,
) -> reqwest::Response {
    let mut request = h.http.put(url).bearer_auth(token);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    request.body(body).send().await.unwrap()
}

#[tokio::test]
async fn form_data_put_as_json_reads_back_as_xml_and_xml_is_the_default() {
    let (h, token, instance) = started().await;
    let url = form_data_url(&instance);
    let json_type = Some("application/json");
    let response = put(&h, &url, &token, json_type, r#"{"navn":"Ola","antall":2}"#).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let element: Value = response.json().await.unwrap();
    assert_eq!(element["dataType"], "model");
    let request = h.http.get(&url).bearer_auth(&token);
    let response = request.header("accept", "application/xml").send().await;
    let xml = response.unwrap().text().await.unwrap();
    assert_eq!(
        xml,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><Model><antall>2</antall><navn>Ola</navn></Model>"
    );
    let response = put(&h, &url, &token, None, "<Model><navn>Per</navn></Model>").await;
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "no content type: read as XML"
    );
    let json = h.get_json_as(&url, &token).await;
    assert_eq!(json, json!({"navn": "Per"}));
}

#[tokio::test]
async fn form_data_of_the_wrong_type_is_400() {
    let (h, token, instance) = started().await;
    let url = form_data_url(&instance);
    let json_type = Some("application/json");
    let response = put(&h, &url, &token, json_type, r#"{"antall":"many"}"#).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!("The JSON value could not be converted to integer. Path: $.antall")
    );
}

#[tokio::test]
async fn process_next_ends_the_process_with_a_receipt_pdf_and_then_data_is_locked() {
    let (h, token, instance) = started().await;
    let self_link = instance["selfLinks"]["apps"].as_str().unwrap().to_owned();
    let data_url = form_data_url(&instance);
    let next_url = format!("{self_link}/process/next");
    let next = || h.http.put(&next_url).bearer_auth(&token).send();
    let response = next().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let process: Value = response.json().await.unwrap();
    assert_eq!(process["currentTask"], Value::Null);
    assert_eq!(process["endEvent"], "EndEvent_1");
    let ended = h.get_json_as(&self_link, &token).await;
    let receipt = ended["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["contentType"] == "application/pdf")
        .expect("a receipt")
        .clone();
    assert_eq!(receipt["dataType"], "ref-data-as-pdf");
    let pdf = h
        .http
        .get(receipt["selfLinks"]["apps"].as_str().unwrap())
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-1.4"));
    let response = put(&h, &data_url, &token, Some("application/json"), "{}").await;
    assert_eq!(response.status(), StatusCode::CONFLICT, "no current task");
    let response = next().await.unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT, "already ended");
}

#[tokio::test]
async fn active_lists_open_instances_and_the_template_policy_refuses_the_owner_a_delete() {
    let (h, token, instance) = started().await;
    let active_url = format!(
        "{}/instances/{}/active",
        h.app_url(),
        defaults::ORG_PARTY_ID
    );
    let active = h.get_json_as(&active_url, &token).await;
    assert_eq!(active[0]["id"], instance["id"]);
    let self_link = instance["selfLinks"]["apps"].as_str().unwrap();
    let refused = h
        .http
        .delete(self_link)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    // The template gives "delete" to DAGL and REGNA only, not to [org].
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(refused.bytes().await.unwrap().is_empty(), "a bare 403");
    let active = h.get_json_as(&active_url, &token).await;
    assert_eq!(active[0]["id"], instance["id"], "still there");
}

#[tokio::test]
async fn where_the_policy_allows_it_a_delete_is_soft_and_hard_true_makes_it_gone() {
    let mut seed = assistant_sandbox::Seed::default();
    seed.apps[0] = assistant_sandbox::AppDefinition::from_json_str(
        &json!({
            "org": "ttd", "app": "sandbox-app-b",
            "dataTypes": [{"id": "model", "allowedContentTypes": ["application/json"], "appLogic": {"autoCreate": true, "classRef": "M"}, "taskId": "Task_1", "maxCount": 1}],
            "partyTypesAllowed": {"bankruptcyEstate": false, "organisation": true, "person": false, "subUnit": false},
            "policy": [{"actions": ["instantiate", "read", "write", "complete", "delete"], "subjects": ["[org]"]}],
            "schemas": {"model": {"type": "object", "properties": {"navn": {"type": "string"}}}}
        })
        .to_string(),
    )
    .unwrap();
    let h = Harness::start_with(seed).await;
    let token = h.altinn_token(RW).await;
    let active_url = format!(
        "{}/instances/{}/active",
        h.app_url(),
        defaults::ORG_PARTY_ID
    );
    let soft = instance(&h, &token).await;
    let soft_link = soft["selfLinks"]["apps"].as_str().unwrap();
    let answer: Value = h
        .http
        .delete(soft_link)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            &answer["status"]["isSoftDeleted"],
            &answer["status"]["isHardDeleted"]
        ),
        (&json!(true), &json!(false)),
        "without hard=true Storage only soft-deletes"
    );
    assert_eq!(
        h.get_json_as(soft_link, &token).await["status"]["isSoftDeleted"],
        true,
        "in the owner's trash"
    );
    assert_eq!(h.get_json_as(&active_url, &token).await, json!([]));

    let hard = instance(&h, &token).await;
    let hard_link = hard["selfLinks"]["apps"].as_str().unwrap();
    let response = h
        .http
        .delete(format!("{hard_link}?hard=True"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["status"]["isHardDeleted"], true);
    let gone = h
        .http
        .get(hard_link)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn reading_an_instance_needs_the_read_scope() {
    let (h, _, instance) = started().await;
    let write_only = h.altinn_token("altinn:serviceowner/instances.write").await;
    let response = h
        .http
        .get(instance["selfLinks"]["apps"].as_str().unwrap())
        .bearer_auth(&write_only)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}
