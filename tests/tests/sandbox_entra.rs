//! The Entra ID device-code sign-in (config-keyvault-selfservice.md §3.5, RFC 8628): the code,
//! polling answers, approval through Control and through the device-login page.

use assistant_sandbox::{Service, defaults};
use assistant_tests::entra::{VAULT_SCOPE, device_code, device_code_in, poll, vault_device_code};
use assistant_tests::{Harness, StatusCode};
use serde_json::json;

/// Moves the Entra clock past the polling interval (no sleeping).
fn wait_interval(h: &Harness) {
    let offset = h.control.clock_offset(Service::Entra) + time::Duration::seconds(6);
    h.control.skew_clock(Service::Entra, offset);
}

#[tokio::test]
async fn a_device_code_is_pending_then_slow_down_then_approved_then_spent() {
    let h = Harness::start().await;
    let (status, code) = device_code(
        &h,
        defaults::AZURE_CLI_CLIENT_ID,
        "https://vault.azure.net/.default offline_access",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{code}");
    assert_eq!(code["expires_in"], 900);
    assert_eq!(code["interval"], 5);
    assert_eq!(
        code["verification_uri"],
        json!(format!(
            "{}/devicelogin?s={}",
            h.sandbox.urls().entra,
            h.sandbox.secret()
        ))
    );
    assert!(
        code["message"]
            .as_str()
            .unwrap()
            .contains(code["user_code"].as_str().unwrap())
    );
    let device = code["device_code"].as_str().unwrap();
    let (status, body) = poll(&h, device).await;
    assert_eq!(
        (status, body["error"].clone()),
        (StatusCode::BAD_REQUEST, json!("authorization_pending"))
    );
    let (_, body) = poll(&h, device).await;
    assert_eq!(
        body["error"], "slow_down",
        "polled again within the interval"
    );
    h.control
        .approve_device_code(code["user_code"].as_str().unwrap(), defaults::VAULT_ADMIN)
        .unwrap();
    wait_interval(&h);
    let (status, token) = poll(&h, device).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["scope"], "https://vault.azure.net/user_impersonation");
    let claims = assistant_tests::claims_of(token["access_token"].as_str().unwrap());
    assert_eq!(claims["aud"], "https://vault.azure.net");
    assert_eq!(claims["upn"], defaults::VAULT_ADMIN);
    wait_interval(&h);
    let (_, body) = poll(&h, device).await;
    assert_eq!(
        body["error"], "invalid_grant",
        "a device code is redeemed once"
    );
}

#[tokio::test]
async fn a_declined_code_gets_authorization_declined() {
    let h = Harness::start().await;
    let code = vault_device_code(&h).await;
    h.control
        .deny_device_code(code["user_code"].as_str().unwrap())
        .unwrap();
    let (status, body) = poll(&h, code["device_code"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "authorization_declined");
    assert_eq!(
        body["error_description"],
        "AADSTS70000: The user declined the authorization request."
    );
}

#[tokio::test]
async fn an_expired_code_gets_expired_token() {
    let h = Harness::start().await;
    let code = vault_device_code(&h).await;
    h.control
        .skew_clock(Service::Entra, time::Duration::seconds(901));
    let (status, body) = poll(&h, code["device_code"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "expired_token");
    assert!(
        h.control
            .approve_device_code(code["user_code"].as_str().unwrap(), defaults::VAULT_ADMIN)
            .is_err(),
        "too late to approve"
    );
}

#[tokio::test]
async fn an_unknown_client_id_and_a_scope_without_the_vault_are_refused() {
    let h = Harness::start().await;
    let (status, body) = device_code(&h, "11111111-2222-3333-4444-555555555555", VAULT_SCOPE).await;
    assert_eq!(
        (status, body["error"].clone()),
        (StatusCode::BAD_REQUEST, json!("unauthorized_client"))
    );
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .starts_with("AADSTS700016: ")
    );
    let (status, body) = device_code(
        &h,
        defaults::AZURE_CLI_CLIENT_ID,
        "https://graph.microsoft.com/.default",
    )
    .await;
    assert_eq!(
        (status, body["error"].clone()),
        (StatusCode::BAD_REQUEST, json!("invalid_scope"))
    );
}

#[tokio::test]
async fn an_unknown_tenant_is_refused() {
    let h = Harness::start().await;
    let (status, body) = device_code_in(
        &h,
        "00000000-0000-0000-0000-000000000000",
        defaults::AZURE_CLI_CLIENT_ID,
        VAULT_SCOPE,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .starts_with("AADSTS90002: Tenant '00000000-0000-0000-0000-000000000000' not found.")
    );
}

#[tokio::test]
async fn the_device_login_page_lets_a_person_approve_a_code() {
    let h = Harness::start().await;
    let code = vault_device_code(&h).await;
    let page_url = format!("{}/devicelogin", h.sandbox.urls().entra);
    let page = h.http.get(&page_url).send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(
        page.contains("name=\"user_code\"") && page.contains(defaults::VAULT_ADMIN),
        "a form listing the identities"
    );
    let user_code = code["user_code"].as_str().unwrap().to_lowercase();
    let form = [
        ("user_code", user_code.as_str()),
        ("identity", "a11ce000-0000-4000-8000-000000000001"),
        ("decision", "approve"),
    ];
    let result = h.http.post(&page_url).form(&form).send().await.unwrap();
    assert_eq!(result.status(), StatusCode::OK);
    assert!(result.text().await.unwrap().contains("You have signed in"));
    let (status, _) = poll(&h, code["device_code"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let again = h.http.post(&page_url).form(&form).send().await.unwrap();
    assert_eq!(
        again.status(),
        StatusCode::BAD_REQUEST,
        "the code is no longer pending"
    );
}

#[tokio::test]
async fn the_sandboxs_own_routes_need_the_runs_secret_and_every_route_its_own_host() {
    let h = Harness::start().await;
    let bare = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let urls = h.sandbox.urls();
    let protected = [
        format!("{}_sandbox/log", urls.maskinporten),
        format!("{}_sandbox/ping", urls.maskinporten),
        format!("{}api/v1/clients", urls.maskinporten),
        format!("{}/devicelogin", urls.entra),
    ];
    for url in &protected {
        let without = bare.get(url).send().await.unwrap();
        assert_eq!(without.status(), StatusCode::UNAUTHORIZED, "{url}");
        let wrong = bare
            .get(url)
            .header(assistant_sandbox::SECRET_HEADER, "0".repeat(64))
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED, "{url}");
        let with = bare
            .get(url)
            .header(assistant_sandbox::SECRET_HEADER, h.sandbox.secret())
            .send()
            .await
            .unwrap();
        assert_eq!(with.status(), StatusCode::OK, "{url}");
        let in_query = bare
            .get(format!("{url}?s={}", h.sandbox.secret()))
            .send()
            .await
            .unwrap();
        assert_eq!(in_query.status(), StatusCode::OK, "{url}");
    }
    // The rehearsal routes that steer the sandbox: without the secret nothing changes.
    let fault = serde_json::json!({"service": "maskinporten", "pathPrefix": "/token", "kind": {"type": "status", "code": 500}});
    for (method, url, body) in [
        (
            reqwest::Method::POST,
            format!("{}_sandbox/faults", urls.maskinporten),
            Some(fault.clone()),
        ),
        (
            reqwest::Method::DELETE,
            format!("{}_sandbox/faults", urls.maskinporten),
            None,
        ),
        (
            reqwest::Method::POST,
            format!("{}_sandbox/clock", urls.maskinporten),
            Some(serde_json::json!({"offsetSeconds": 600})),
        ),
        (
            reqwest::Method::POST,
            format!(
                "{}/_sandbox/keyvault/soft-delete/x",
                urls.key_vault.trim_end_matches('/')
            ),
            None,
        ),
    ] {
        let mut request = bare.request(method, &url);
        if let Some(body) = &body {
            request = request.json(body);
        }
        assert_eq!(
            request.send().await.unwrap().status(),
            StatusCode::UNAUTHORIZED,
            "{url}"
        );
    }
    assert_eq!(
        h.control
            .clock_offset(assistant_sandbox::Service::Maskinporten),
        time::Duration::ZERO,
        "the clock was not moved"
    );
    let token = bare
        .get(format!(
            "{}.well-known/oauth-authorization-server",
            urls.maskinporten
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(token.status(), StatusCode::OK, "no fault was added");
    // With the secret, a fault is added and then cleared.
    let with_secret = |method: reqwest::Method, url: String| {
        bare.request(method, url)
            .header(assistant_sandbox::SECRET_HEADER, h.sandbox.secret())
    };
    let added = with_secret(reqwest::Method::POST, format!("{}_sandbox/faults", urls.maskinporten))
        .json(&serde_json::json!({"service": "maskinporten", "pathPrefix": "/.well-known", "kind": {"type": "garbage"}, "next": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), StatusCode::NO_CONTENT);
    let garbage = bare
        .get(format!(
            "{}.well-known/oauth-authorization-server",
            urls.maskinporten
        ))
        .send()
        .await
        .unwrap();
    assert!(
        garbage.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"),
        "the next answer is the captive portal's page"
    );
    let bad = with_secret(
        reqwest::Method::POST,
        format!("{}_sandbox/faults", urls.maskinporten),
    )
    .json(&serde_json::json!({"service": "maskinporten", "kind": {"type": "earthquake"}}))
    .send()
    .await
    .unwrap();
    assert!(
        bad.status().is_client_error(),
        "an unknown fault is refused"
    );

    // Approving a code without the secret does nothing: the flow stays pending.
    let code = vault_device_code(&h).await;
    let form = [
        ("user_code", code["user_code"].as_str().unwrap()),
        ("identity", "a11ce000-0000-4000-8000-000000000001"),
        ("decision", "approve"),
    ];
    let forged = bare
        .post(format!("{}/devicelogin", urls.entra))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
    let (status, _) = poll(&h, code["device_code"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "still pending");
    // A page whose own domain was pointed at 127.0.0.1 (DNS rebinding) is refused everywhere,
    // protocol routes included, even with the secret.
    for url in [
        format!(
            "{}.well-known/oauth-authorization-server",
            urls.maskinporten
        ),
        format!("{}_sandbox/log", urls.maskinporten),
    ] {
        let rebound = h
            .http
            .get(&url)
            .header(reqwest::header::HOST, "evil.example:80")
            .send()
            .await
            .unwrap();
        assert_eq!(rebound.status(), StatusCode::FORBIDDEN, "{url}");
    }
    let by_name = bare
        .get(
            format!(
                "{}.well-known/oauth-authorization-server",
                urls.maskinporten
            )
            .replace("127.0.0.1", "localhost"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        by_name.status(),
        StatusCode::OK,
        "localhost is this machine too"
    );
}
