//! The sandbox against the conformance corpus: for each recorded real exchange the sandbox
//! emulates, the same situation is brought about on the sandbox and its answer compared with the
//! recording in what matters to a client: the status, the headers named in the file, and the
//! shape of the body (JSON string, object keys and kinds, or empty), plus values named in the
//! file. A recording the sandbox does not emulate says why in its `sandbox.skip`.

use std::collections::HashMap;

use assistant_sandbox::{FaultKind, Service, defaults};
use assistant_tests::conformance::{Recorded, load_all, shape};
use assistant_tests::entra::{DEVICE_CODE_GRANT, VAULT_SCOPE, device_code};
use assistant_tests::keyvault::{API_VERSION, vault_token};
use assistant_tests::{Harness, Jwt, now, system_user_entry, test_key};
use serde_json::{Value, json};

/// What the sandbox answered.
struct Got {
    status: u16,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

async fn got(response: reqwest::Response) -> Got {
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                v.to_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    Got {
        status,
        headers,
        body: response.bytes().await.expect("body").to_vec(),
    }
}

fn vault_url(h: &Harness, path: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{}{path}{sep}{API_VERSION}", h.sandbox.urls().key_vault)
}

async fn vault(
    h: &Harness,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> Got {
    let mut request = h
        .http
        .request(method, vault_url(h, path))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    got(request.send().await.expect("vault")).await
}

async fn admin(h: &Harness) -> String {
    vault_token(h, defaults::VAULT_ADMIN).await
}

async fn put_secret(h: &Harness, token: &str, name: &str) {
    let answer = vault(
        h,
        reqwest::Method::PUT,
        &format!("/secrets/{name}"),
        token,
        Some(json!({"value": "v"})),
    )
    .await;
    assert_eq!(answer.status, 200, "set {name}");
}

/// An Entra-looking token the vault did not issue itself: signed with a test key.
fn foreign_token(aud: &str, iss: &str) -> String {
    let now = now();
    Jwt {
        header: json!({"alg": "RS256", "typ": "JWT", "kid": "x"}).as_object().cloned().unwrap_or_default(),
        claims: json!({"aud": aud, "iss": iss, "tid": "72f988bf-86f1-41af-91ab-2d7cd011db47", "oid": "o", "iat": now, "exp": now + 600})
            .as_object()
            .cloned()
            .unwrap_or_default(),
    }
    .sign(test_key(3))
}

async fn token_request(h: &Harness, assertion: &str) -> Got {
    got(h.send_token_request(assertion).await.expect("token")).await
}

async fn app_create(h: &Harness, token: &str, body: Value) -> Got {
    got(h
        .http
        .post(format!("{}/instances/create", h.app_url()))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("create"))
    .await
}

async fn app_multipart(h: &Harness, token: &str, model_type: &str) -> Got {
    let boundary = "b0undary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"instance\"\r\nContent-Type: application/json\r\n\r\n{{\"instanceOwner\":{{\"partyId\":\"{}\"}}}}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"model\"; filename=\"model.xml\"\r\nContent-Type: {model_type}\r\n\r\n<Model><navn>Kari</navn></Model>\r\n--{boundary}--\r\n",
        defaults::ORG_PARTY_ID
    );
    got(h
        .http
        .post(format!("{}/instances", h.app_url()))
        .bearer_auth(token)
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .expect("multipart"))
    .await
}

async fn owner_token(h: &Harness) -> String {
    h.service_owner_token(defaults::CLIENT_ID, 1, "").await
}

async fn own_instance(h: &Harness, token: &str) -> Value {
    let made = app_create(
        h,
        token,
        json!({"instanceOwner": {"organisationNumber": defaults::CUSTOMER_ORG_NUMBER}}),
    )
    .await;
    assert_eq!(made.status, 201);
    serde_json::from_slice(&made.body).expect("instance")
}

/// Brings about the recorded situation on the sandbox.
async fn scenario(h: &Harness, name: &str) -> Got {
    use reqwest::Method;
    match name {
        "kv.unauthenticated" => {
            got(h
                .http
                .get(vault_url(h, "/secrets?maxresults=1"))
                .send()
                .await
                .unwrap())
            .await
        }
        "kv.wrong_audience" => {
            // What `az account get-access-token` gives without --scope: an ARM token.
            let (_, code) = device_code(
                h,
                defaults::AZURE_CLI_CLIENT_ID,
                "https://management.azure.com/.default",
            )
            .await;
            h.control
                .approve_device_code(code["user_code"].as_str().unwrap(), defaults::VAULT_ADMIN)
                .unwrap();
            let (_, answer) =
                assistant_tests::entra::poll(h, code["device_code"].as_str().unwrap()).await;
            let token = answer["access_token"]
                .as_str()
                .expect("an ARM token")
                .to_string();
            vault(
                h,
                Method::PUT,
                "/secrets/s",
                &token,
                Some(json!({"value": "v"})),
            )
            .await
        }
        "kv.wrong_tenant" => {
            let token = foreign_token(
                "https://vault.azure.net",
                "https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/",
            );
            vault(h, Method::GET, "/secrets/s", &token, None).await
        }
        "kv.no_role_get" => {
            let token = vault_token(h, defaults::VAULT_NO_ROLE).await;
            vault(h, Method::GET, "/secrets/s", &token, None).await
        }
        "kv.throttled" => {
            let token = admin(h).await;
            h.control.inject_fault(assistant_sandbox::Fault {
                service: Service::KeyVault,
                path_prefix: Some("/secrets".into()),
                kind: FaultKind::TooManyRequests {
                    retry_after_secs: 1,
                },
                schedule: assistant_sandbox::FaultSchedule::Next(1),
            });
            let answer = vault(h, Method::GET, "/secrets/s", &token, None).await;
            h.control.clear_faults();
            answer
        }
        "kv.get_missing" => {
            let token = admin(h).await;
            vault(h, Method::GET, "/secrets/missing", &token, None).await
        }
        "kv.get_deleted_missing" => {
            let token = admin(h).await;
            vault(h, Method::GET, "/deletedsecrets/missing", &token, None).await
        }
        "kv.get_disabled" => {
            let token = admin(h).await;
            put_secret(h, &token, "off").await;
            let versions = vault(h, Method::GET, "/secrets/off/versions", &token, None).await;
            let versions: Value = serde_json::from_slice(&versions.body).expect("versions");
            let id = versions["value"][0]["id"].as_str().expect("id").to_string();
            let version = id.rsplit('/').next().expect("version").to_string();
            let patched = vault(
                h,
                Method::PATCH,
                &format!("/secrets/off/{version}"),
                &token,
                Some(json!({"attributes": {"enabled": false}})),
            )
            .await;
            assert_eq!(
                patched.status,
                200,
                "{}",
                String::from_utf8_lossy(&patched.body)
            );
            vault(
                h,
                Method::GET,
                &format!("/secrets/off/{version}"),
                &token,
                None,
            )
            .await
        }
        "kv.update" => {
            let token = admin(h).await;
            put_secret(h, &token, "upd").await;
            vault(h, Method::PATCH, "/secrets/upd/", &token, Some(json!({"contentType": "text/plain", "attributes": {"enabled": true, "exp": now() + 86_400}}))).await
        }
        "kv.set" => {
            let token = admin(h).await;
            vault(
                h,
                Method::PUT,
                "/secrets/new",
                &token,
                Some(json!({"value": "v", "attributes": {"enabled": false}})),
            )
            .await
        }
        "kv.set_deleted" => {
            let token = admin(h).await;
            put_secret(h, &token, "gone").await;
            vault(h, Method::DELETE, "/secrets/gone", &token, None).await;
            vault(
                h,
                Method::PUT,
                "/secrets/gone",
                &token,
                Some(json!({"value": "v"})),
            )
            .await
        }
        "kv.delete" => {
            let token = admin(h).await;
            put_secret(h, &token, "del").await;
            vault(h, Method::DELETE, "/secrets/del", &token, None).await
        }
        "kv.recover" => {
            let token = admin(h).await;
            put_secret(h, &token, "back").await;
            vault(h, Method::DELETE, "/secrets/back", &token, None).await;
            vault(
                h,
                Method::POST,
                "/deletedsecrets/back/recover",
                &token,
                None,
            )
            .await
        }
        "kv.purge" => {
            let token = admin(h).await;
            put_secret(h, &token, "purge").await;
            vault(h, Method::DELETE, "/secrets/purge", &token, None).await;
            vault(h, Method::DELETE, "/deletedsecrets/purge", &token, None).await
        }
        "kv.list" => {
            let token = admin(h).await;
            put_secret(h, &token, "a").await;
            put_secret(h, &token, "b").await;
            vault(h, Method::GET, "/secrets?maxresults=1", &token, None).await
        }
        "kv.versions" => {
            let token = admin(h).await;
            put_secret(h, &token, "v").await;
            put_secret(h, &token, "v").await;
            vault(
                h,
                Method::GET,
                "/secrets/v/versions?maxresults=1",
                &token,
                None,
            )
            .await
        }
        "entra.devicecode" => {
            let url = format!(
                "{}/{}/oauth2/v2.0/devicecode",
                h.sandbox.urls().entra,
                defaults::TENANT_ID
            );
            got(h
                .http
                .post(url)
                .form(&[
                    ("client_id", defaults::AZURE_CLI_CLIENT_ID),
                    ("scope", VAULT_SCOPE),
                ])
                .send()
                .await
                .unwrap())
            .await
        }
        "entra.pending" | "entra.expired" | "entra.token" => {
            let (_, code) = device_code(h, defaults::AZURE_CLI_CLIENT_ID, VAULT_SCOPE).await;
            if name == "entra.token" {
                h.control
                    .approve_device_code(code["user_code"].as_str().unwrap(), defaults::VAULT_ADMIN)
                    .unwrap();
            }
            if name == "entra.expired" {
                h.control
                    .skew_clock(Service::Entra, time::Duration::hours(1));
            }
            let url = format!(
                "{}/{}/oauth2/v2.0/token",
                h.sandbox.urls().entra,
                defaults::TENANT_ID
            );
            let form = [
                ("grant_type", DEVICE_CODE_GRANT),
                ("client_id", defaults::AZURE_CLI_CLIENT_ID),
                ("device_code", code["device_code"].as_str().unwrap()),
            ];
            got(h.http.post(url).form(&form).send().await.unwrap()).await
        }
        "mp.metadata" => {
            got(h
                .http
                .get(format!(
                    "{}.well-known/oauth-authorization-server",
                    h.issuer()
                ))
                .send()
                .await
                .unwrap())
            .await
        }
        "mp.token" => token_request(h, &h.grant().sign(test_key(0))).await,
        "mp.jti_reused" => {
            let assertion = h.grant().sign(test_key(0));
            token_request(h, &assertion).await;
            token_request(h, &assertion).await
        }
        "mp.wrong_aud" => {
            token_request(
                h,
                &h.grant()
                    .claim("aud", json!("https://maskinporten.no/token"))
                    .sign(test_key(0)),
            )
            .await
        }
        "mp.expired_grant" => {
            token_request(
                h,
                &h.grant()
                    .claim("iat", json!(now() - 600))
                    .claim("exp", json!(now() - 500))
                    .sign(test_key(0)),
            )
            .await
        }
        "mp.expired_key" => {
            let posted = time::OffsetDateTime::now_utc() - time::Duration::days(400);
            h.control
                .register_key_posted_at(defaults::CLIENT_ID, test_key(2).public_jwk(), posted)
                .expect("old key");
            token_request(
                h,
                &h.grant()
                    .header("kid", json!(test_key(2).kid))
                    .sign(test_key(2)),
            )
            .await
        }
        "mp.unknown_kid" => {
            token_request(
                h,
                &h.grant()
                    .header("kid", json!("not-registered"))
                    .sign(test_key(0)),
            )
            .await
        }
        "mp.scope_not_granted" => {
            // On the client (put there while the organisation had access), not granted now.
            let scope = "folkeregister:deling/offentligutenhjemmel";
            h.control
                .set_client_scopes(defaults::CLIENT_ID, &[scope.to_string()])
                .expect("scopes");
            token_request(
                h,
                &h.grant_for(defaults::CLIENT_ID, scope).sign(test_key(0)),
            )
            .await
        }
        "mp.not_delegated" => {
            token_request(
                h,
                &h.grant()
                    .claim("consumer_org", json!("991825827"))
                    .claim("scope", json!(defaults::DELEGATED_SCOPE))
                    .sign(test_key(0)),
            )
            .await
        }
        "mp.system_user_unknown" => {
            let mut entry = system_user_entry();
            entry["systemuser_org"]["ID"] = json!("0192:991825827");
            token_request(
                h,
                &h.grant()
                    .claim("authorization_details", json!([entry]))
                    .sign(test_key(0)),
            )
            .await
        }
        "ax.exchange_raw" | "ax.exchange_json" => {
            let mp = h.maskinporten_token(&h.grant(), test_key(0)).await;
            let mut request = h
                .http
                .get(format!(
                    "{}/authentication/api/v1/exchange/maskinporten",
                    h.sandbox.urls().altinn_platform
                ))
                .bearer_auth(mp);
            if name == "ax.exchange_json" {
                request = request.header("Accept", "application/json");
            }
            got(request.send().await.unwrap()).await
        }
        "ax.no_token" => {
            got(h
                .http
                .get(format!(
                    "{}/authentication/api/v1/exchange/maskinporten",
                    h.sandbox.urls().altinn_platform
                ))
                .send()
                .await
                .unwrap())
            .await
        }
        "ax.invalid_provider" => {
            let mp = h.maskinporten_token(&h.grant(), test_key(0)).await;
            got(h
                .http
                .get(format!(
                    "{}/authentication/api/v1/exchange/google",
                    h.sandbox.urls().altinn_platform
                ))
                .bearer_auth(mp)
                .send()
                .await
                .unwrap())
            .await
        }
        "app.metadata" => {
            got(h
                .http
                .get(format!("{}/api/v1/applicationmetadata", h.app_url()))
                .send()
                .await
                .unwrap())
            .await
        }
        "app.create" => {
            let token = owner_token(h).await;
            app_create(h, &token, json!({"instanceOwner": {"partyId": defaults::CUSTOMER_PARTY_ID}, "prefill": {"navn": "Kari"}})).await
        }
        "app.create_plain_org" => {
            let token = h
                .altinn_token("altinn:instances.read altinn:instances.write")
                .await;
            app_create(
                h,
                &token,
                json!({"instanceOwner": {"partyId": defaults::ORG_PARTY_ID}}),
            )
            .await
        }
        "app.create_no_scope" => {
            let token = h.altinn_token("altinn:serviceowner/instances.read").await;
            app_create(
                h,
                &token,
                json!({"instanceOwner": {"partyId": defaults::ORG_PARTY_ID}}),
            )
            .await
        }
        "app.create_subunit" => {
            let token = owner_token(h).await;
            app_create(
                h,
                &token,
                json!({"instanceOwner": {"partyId": defaults::SUBUNIT_PARTY_ID}}),
            )
            .await
        }
        "app.create_unknown_party" => {
            let token = owner_token(h).await;
            app_create(
                h,
                &token,
                json!({"instanceOwner": {"organisationNumber": "974760673"}}),
            )
            .await
        }
        "app.multipart" => {
            let token = owner_token(h).await;
            app_multipart(h, &token, "application/xml").await
        }
        "app.multipart_bad_type" => {
            let token = owner_token(h).await;
            app_multipart(h, &token, "text/plain; charset=utf-8").await
        }
        "app.multipart_wrong_case" => {
            let token = owner_token(h).await;
            app_multipart(h, &token, "Application/XML").await
        }
        "app.get" => {
            let token = owner_token(h).await;
            let instance = own_instance(h, &token).await;
            got(h
                .http
                .get(instance["selfLinks"]["apps"].as_str().unwrap())
                .bearer_auth(&token)
                .send()
                .await
                .unwrap())
            .await
        }
        "app.put_data" => {
            let token = owner_token(h).await;
            let instance = own_instance(h, &token).await;
            let url = instance["data"][0]["selfLinks"]["apps"]
                .as_str()
                .unwrap()
                .to_string();
            got(h
                .http
                .put(url)
                .bearer_auth(&token)
                .header("Content-Type", "application/xml")
                .body("<Model><navn>Ola</navn></Model>")
                .send()
                .await
                .unwrap())
            .await
        }
        "app.next" => {
            let token = owner_token(h).await;
            let instance = own_instance(h, &token).await;
            let url = format!(
                "{}/process/next",
                instance["selfLinks"]["apps"].as_str().unwrap()
            );
            got(h.http.put(url).bearer_auth(&token).send().await.unwrap()).await
        }
        "app.delete_template" => {
            let token = owner_token(h).await;
            let instance = own_instance(h, &token).await;
            let url = format!(
                "{}?hard=true",
                instance["selfLinks"]["apps"].as_str().unwrap()
            );
            got(h.http.delete(url).bearer_auth(&token).send().await.unwrap()).await
        }
        other => panic!("no sandbox scenario {other}"),
    }
}

/// `Bearer k="v", …` → the parameter names, in order.
fn challenge_params(header: &str) -> Vec<String> {
    header
        .trim_start_matches("Bearer")
        .split(',')
        .filter_map(|p| p.split_once('=').map(|(k, _)| k.trim().to_string()))
        .collect()
}

fn media(value: Option<&str>) -> String {
    value
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Every key the recording has (but `...`, a recorder's ellipsis), of the same kind.
fn covers(got: &Value, want: &Value, at: &str, problems: &mut Vec<String>) {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => {
            for (key, wanted) in w.iter().filter(|(k, _)| k.as_str() != "...") {
                match g.get(key) {
                    Some(value) => covers(value, wanted, &format!("{at}/{key}"), problems),
                    None => problems.push(format!("{at}/{key} missing")),
                }
            }
        }
        (Value::Array(g), Value::Array(w)) => {
            if let (Some(g), Some(w)) = (g.first(), w.first()) {
                covers(g, w, &format!("{at}/0"), problems);
            }
        }
        // A recorder's placeholder string may stand for any value; null on either side is fine.
        (_, Value::Null) | (Value::Null, _) => {}
        (_, Value::String(kind)) if kind == "string" => {}
        (g, w) if g == w => {}
        (g, w) => problems.push(format!("{at}: {g} where the recording has {w}")),
    }
}

fn compare(r: &Recorded, spec: &Value, got: &Got) -> Vec<String> {
    let mut problems = Vec::new();
    if got.status != r.response.status {
        problems.push(format!(
            "status {} (recorded {})",
            got.status, r.response.status
        ));
        return problems;
    }
    for name in spec["headers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        let mine = got
            .headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str);
        let theirs = r.response.header(name);
        match name.to_ascii_lowercase().as_str() {
            "www-authenticate" => {
                let (mine, theirs) = (mine.unwrap_or_default(), theirs.unwrap_or_default());
                if challenge_params(mine) != challenge_params(theirs)
                    || !mine.contains("resource=\"https://vault.azure.net\"")
                {
                    problems.push(format!("WWW-Authenticate {mine:?}, recorded {theirs:?}"));
                }
            }
            "content-type" if media(mine) != media(theirs) => {
                problems.push(format!("Content-Type {mine:?}, recorded {theirs:?}"));
            }
            "content-type" => {}
            _ if mine.is_none() => problems.push(format!("no {name} header")),
            _ => {}
        }
    }
    if spec["body"].as_str() != Some("ignore") {
        let recorded = r.response.http();
        let (mut want, have) = (shape(&recorded.body), shape(&got.body));
        for key in spec["ignore"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if let Some(map) = want.as_object_mut() {
                map.remove(key);
            }
        }
        covers(&have, &want, "", &mut problems);
    }
    if let Some(pointers) = spec["equal"].as_array() {
        let theirs: Value = serde_json::from_slice(&r.response.http().body).unwrap_or(Value::Null);
        let mine: Value = serde_json::from_slice(&got.body).unwrap_or(Value::Null);
        for pointer in pointers.iter().filter_map(Value::as_str) {
            if mine.pointer(pointer) != theirs.pointer(pointer) {
                problems.push(format!(
                    "{pointer}: {:?}, recorded {:?}",
                    mine.pointer(pointer),
                    theirs.pointer(pointer)
                ));
            }
        }
    }
    if let Some(prefixes) = spec["starts"].as_object() {
        let mine: Value = serde_json::from_slice(&got.body).unwrap_or(Value::Null);
        for (pointer, prefix) in prefixes {
            let raw = String::from_utf8_lossy(&got.body).to_string();
            let text = if pointer.is_empty() {
                mine.as_str().map(str::to_string).or(Some(raw))
            } else {
                mine.pointer(pointer)
                    .and_then(Value::as_str)
                    .map(str::to_string)
            };
            if !text
                .as_deref()
                .is_some_and(|t| t.starts_with(prefix.as_str().unwrap_or_default()))
            {
                problems.push(format!(
                    "{pointer:?} does not start with {prefix}: {text:?}"
                ));
            }
        }
    }
    problems
}

#[tokio::test]
async fn the_sandbox_answers_every_recorded_situation_it_emulates_in_the_recorded_shape() {
    let mut wrong = Vec::new();
    let mut compared = 0;
    for r in load_all() {
        let spec = r.sandbox.clone().unwrap_or(Value::Null);
        if spec["skip"].is_string() {
            continue;
        }
        let Some(name) = spec["scenario"].as_str() else {
            wrong.push(format!(
                "{}: neither a sandbox scenario nor a reason to skip",
                r.id
            ));
            continue;
        };
        let h = Harness::start().await;
        let got = scenario(&h, name).await;
        compared += 1;
        for problem in compare(&r, &spec, &got) {
            wrong.push(format!(
                "{} ({name}): {problem}\n    sandbox said: {}",
                r.id,
                String::from_utf8_lossy(&got.body)
                    .chars()
                    .take(300)
                    .collect::<String>()
            ));
        }
    }
    assert!(
        compared >= 30,
        "only {compared} recordings compared with the sandbox"
    );
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[test]
fn every_skipped_recording_says_why() {
    for r in load_all() {
        if let Some(why) = r.sandbox.as_ref().and_then(|s| s["skip"].as_str()) {
            assert!(why.len() > 20, "{}: a reason, not a shrug", r.id);
        }
    }
}
