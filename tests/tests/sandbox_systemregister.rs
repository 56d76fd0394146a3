//! The sandbox's system register (docs/reference/systemuser.md §2): the vendor's Maskinporten
//! token with `altinn:authentication/systemregister.write`, the validation codes of Altinn's
//! `ValidationErrors`, 403 for another vendor, POST → GUID string, PUT → `{"succeeded":true}`.

use assistant_sandbox::defaults;
use assistant_tests::{Harness, StatusCode, test_key};
use serde_json::{Value, json};

const SCOPE: &str = "altinn:authentication/systemregister.write";

async fn token(h: &Harness, scope: &str) -> String {
    h.control
        .set_client_scopes(defaults::CLIENT_ID, &[scope.to_string()])
        .expect("client");
    h.maskinporten_token(&h.grant_for(defaults::CLIENT_ID, scope), test_key(0))
        .await
}

fn system(id: &str, vendor: &str, client: &str, app: &str) -> Value {
    json!({
        "id": id,
        "vendor": {"authority": "iso6523-actorid-upis", "ID": format!("0192:{vendor}")},
        "name": {"nb": "n", "nn": "n", "en": "n"},
        "description": {"nb": "d", "nn": "d", "en": "d"},
        "rights": [{"resource": [{"id": "urn:altinn:resource", "value": app}]}],
        "clientId": [client],
        "isVisible": false,
    })
}

fn app_b() -> String {
    format!("app_{}_{}", defaults::APP_ORG, defaults::APP_NAME)
}

async fn call(
    h: &Harness,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (StatusCode, Value) {
    let url = format!(
        "{}/authentication/api/v1/systemregister/vendor{path}",
        h.sandbox.urls().altinn_platform
    );
    let mut request = h.http.request(method, url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.expect("call");
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn codes(body: &Value) -> Vec<&str> {
    body["validationErrors"]
        .as_array()
        .map(|e| e.iter().filter_map(|x| x["code"].as_str()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_system_is_created_read_and_replaced_by_its_vendor() {
    let h = Harness::start().await;
    let t = token(&h, SCOPE).await;
    let id = format!("{}_assistant", defaults::ORG_NUMBER);
    let body = system(&id, defaults::ORG_NUMBER, defaults::CLIENT_ID, &app_b());
    let (status, guid) = call(&h, reqwest::Method::POST, "", Some(&t), Some(&body)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        guid.as_str().is_some_and(|g| g.len() == 36),
        "a GUID as a JSON string: {guid}"
    );
    let (status, read) = call(&h, reqwest::Method::GET, &format!("/{id}"), Some(&t), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["clientId"], json!([defaults::CLIENT_ID]));
    let (status, again) = call(&h, reqwest::Method::POST, "", Some(&t), Some(&body)).await;
    assert_eq!(
        (status, codes(&again)),
        (StatusCode::BAD_REQUEST, vec!["AUTH.VLD-00002"])
    );
    let mut changed = body.clone();
    changed["clientId"] = json!([defaults::CLIENT_ID, "another-client"]);
    let (status, ok) = call(
        &h,
        reqwest::Method::PUT,
        &format!("/{id}"),
        Some(&t),
        Some(&changed),
    )
    .await;
    assert_eq!((status, ok), (StatusCode::OK, json!({"succeeded": true})));
    let (status, mismatch) = call(
        &h,
        reqwest::Method::PUT,
        "/other_id",
        Some(&t),
        Some(&changed),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{mismatch}");
    let (_, unknown) = call(
        &h,
        reqwest::Method::GET,
        &format!("/{}_nothing", defaults::ORG_NUMBER),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(unknown, Value::Null, "404 with no body");
}

#[tokio::test]
async fn the_register_refuses_what_altinn_refuses() {
    let h = Harness::start().await;
    let id = format!("{}_assistant", defaults::ORG_NUMBER);
    let body = system(&id, defaults::ORG_NUMBER, defaults::CLIENT_ID, &app_b());
    let (status, _) = call(&h, reqwest::Method::POST, "", None, Some(&body)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "no token");
    let wrong_scope = token(&h, "altinn:instances.read").await;
    let (status, _) = call(
        &h,
        reqwest::Method::POST,
        "",
        Some(&wrong_scope),
        Some(&body),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no systemregister.write");
    let t = token(&h, SCOPE).await;
    let other_vendor = system(
        &format!("{}_x", defaults::CUSTOMER_ORG_NUMBER),
        defaults::CUSTOMER_ORG_NUMBER,
        "c-9",
        &app_b(),
    );
    let (status, _) = call(&h, reqwest::Method::POST, "", Some(&t), Some(&other_vendor)).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the token's organisation is not the vendor"
    );
    for (body, code) in [
        (
            system(
                "999_assistant",
                defaults::ORG_NUMBER,
                defaults::CLIENT_ID,
                &app_b(),
            ),
            "AUTH.VLD-00001",
        ),
        (
            system(
                &format!("{}_two words", defaults::ORG_NUMBER),
                defaults::ORG_NUMBER,
                defaults::CLIENT_ID,
                &app_b(),
            ),
            "AUTH.VLD-00013",
        ),
        (
            system(
                &id,
                defaults::ORG_NUMBER,
                defaults::CLIENT_ID,
                "app_ttd_no-such-app",
            ),
            "AUTH.VLD-00003",
        ),
    ] {
        let (status, problem) = call(&h, reqwest::Method::POST, "", Some(&t), Some(&body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(codes(&problem).contains(&code), "{code}: {problem}");
        assert_eq!(problem["code"], "STD-00000");
    }
    let mut bad_vendor = body.clone();
    bad_vendor["vendor"]["ID"] = json!("312345676");
    let (_, problem) = call(&h, reqwest::Method::POST, "", Some(&t), Some(&bad_vendor)).await;
    assert_eq!(codes(&problem), ["AUTH.VLD-00000"], "returned alone");
    // A client id belongs to one system only.
    let (status, _) = call(&h, reqwest::Method::POST, "", Some(&t), Some(&body)).await;
    assert_eq!(status, StatusCode::OK);
    let second = system(
        &format!("{}_second", defaults::ORG_NUMBER),
        defaults::ORG_NUMBER,
        defaults::CLIENT_ID,
        &app_b(),
    );
    let (_, problem) = call(&h, reqwest::Method::POST, "", Some(&t), Some(&second)).await;
    assert_eq!(codes(&problem), ["AUTH.VLD-00004"]);
    let mut renamed = body.clone();
    renamed["id"] = json!(format!("{}_renamed", defaults::ORG_NUMBER));
    let (_, problem) = call(
        &h,
        reqwest::Method::PUT,
        &format!("/{id}"),
        Some(&t),
        Some(&renamed),
    )
    .await;
    assert_eq!(codes(&problem), ["AUTH.VLD-00012"]);
}
