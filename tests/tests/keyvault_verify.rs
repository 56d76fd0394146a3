//! The read-back check (config-keyvault-selfservice.md §1.2, §2.1) catches a vault that does not
//! hold the keychain key: another key, the same key under another kid, base64url instead of
//! standard base64, a JWK without its private part, another client id, and secrets that are gone.
//! Then a scan of the whole step: no token or key material in files, reports or the sandbox log.

use assistant_domain::keys::index;
use assistant_domain::keys::jwk;
use assistant_domain::secret::PrivateJwk;
use assistant_domain::secret_store::SecretStore;
use assistant_sandbox::defaults;
use assistant_tests::keyvault::API_VERSION;
use assistant_tests::keyvault_flow::Flow;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

fn problems(check: &assistant_domain::keyvault::verify::SecretCheck) -> String {
    check
        .problems
        .iter()
        .map(|p| p.en.as_str())
        .collect::<Vec<_>>()
        .join(" | ")
}

#[tokio::test]
async fn the_read_back_catches_every_way_the_vault_can_differ_from_the_keychain() {
    let flow = Flow::start().await;
    let session = flow.sign_in(defaults::VAULT_ADMIN).await;
    flow.write(&session, false, None).await.unwrap();
    let (names, _) = flow.names();
    let raw = flow.raw(&session);
    let key_path = format!("/secrets/{}?{API_VERSION}", names.key);
    let put_key = |value: String| raw.put(&key_path, json!({"value": value}));
    let keychain = flow
        .store
        .get(&index::account(&flow.key.kid))
        .unwrap()
        .unwrap();

    let other = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).unwrap();
    let other_value = jwk::encoded_jwk(&jwk::private_jwk(&other, &flow.key.kid));
    put_key(other_value.expose_secret().to_string()).await;
    let report = flow.verify(&session).await;
    assert!(!report.ok && !report.key.ok && report.client_id.ok);
    assert!(
        problems(&report.key).contains("is another key: thumbprint"),
        "{}",
        problems(&report.key)
    );

    let renamed = jwk::encoded_jwk(&PrivateJwk::new(
        keychain.replace(&flow.key.kid, "someone-elses-kid"),
    ));
    put_key(renamed.expose_secret().to_string()).await;
    let report = flow.verify(&session).await;
    assert!(
        problems(&report.key).contains("has kid someone-elses-kid"),
        "{}",
        problems(&report.key)
    );

    // '~' makes the standard alphabet's '+' appear, so base64url differs from it for sure.
    let with_tilde = keychain.replacen('{', r#"{"note":"~~~","#, 1);
    put_key(URL_SAFE_NO_PAD.encode(with_tilde.as_bytes())).await;
    let report = flow.verify(&session).await;
    assert!(
        problems(&report.key).contains("base64url"),
        "{}",
        problems(&report.key)
    );
    put_key(STANDARD.encode(with_tilde.as_bytes())).await;
    assert!(
        flow.verify(&session).await.ok,
        "standard base64 of the same JSON passes"
    );

    let mut public: Value = serde_json::from_str(&keychain).unwrap();
    for private in ["d", "p", "q", "dp", "dq", "qi"] {
        public.as_object_mut().unwrap().remove(private);
    }
    put_key(STANDARD.encode(public.to_string())).await;
    let report = flow.verify(&session).await;
    assert!(
        problems(&report.key).contains("lacks d, p, q, dp, dq, qi"),
        "{}",
        problems(&report.key)
    );

    raw.put(
        &format!("/secrets/{}?{API_VERSION}", names.client_id),
        json!({"value": "another-client"}),
    )
    .await;
    let report = flow.verify(&session).await;
    assert!(
        problems(&report.client_id).contains("\"another-client\""),
        "{}",
        problems(&report.client_id)
    );

    put_key(keychain.to_string()).await; // plain JSON, not base64 at all
    let report = flow.verify(&session).await;
    assert!(!report.key.ok);
}

#[tokio::test]
async fn a_vault_without_the_secrets_is_reported_as_missing_not_as_an_error() {
    let flow = Flow::start().await;
    let session = flow.sign_in(defaults::VAULT_ADMIN).await;
    let report = flow.verify(&session).await;
    assert!(!report.ok && !report.key.found && !report.client_id.found);
    assert!(problems(&report.key).contains("is not in the vault"));
}

#[tokio::test]
async fn older_secrets_are_listed_for_removal_after_the_new_path_is_verified_but_never_read() {
    let flow = Flow::start().await;
    let session = flow.sign_in(defaults::VAULT_ADMIN).await;
    let raw = flow.raw(&session);
    raw.put(
        &format!("/secrets/MaskinportenSettings--JwkBase64?{API_VERSION}"),
        json!({"value": "legacy"}),
    )
    .await;
    let report = flow.write(&session, false, None).await.unwrap();
    let after = &report.verify.as_ref().unwrap().after;
    let old: Vec<&str> = after.old_secrets.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(old, ["MaskinportenSettings--JwkBase64"]);
    assert!(after.migration_advice.en.contains("in TT02 and in prod"));
    let read_old = flow.h.control.request_log().into_iter().any(|e| {
        e.method == "GET"
            && e.path
                .starts_with("/secrets/MaskinportenSettings--JwkBase64?")
    });
    assert!(
        !read_old,
        "the old value is never fetched, only its versions list"
    );
}

#[tokio::test]
async fn after_the_whole_step_no_token_or_key_material_is_in_files_reports_errors_or_the_sandbox_log()
 {
    let flow = Flow::start().await;
    let admin = flow.sign_in(defaults::VAULT_ADMIN).await;
    let norole = flow.sign_in(defaults::VAULT_NO_ROLE).await;
    let mut seen = String::new();
    let mut show = |value: String| seen.push_str(&value);
    for session in [&admin, &norole] {
        show(format!("{session:?}"));
        show(serde_json::to_string(&session.summary()).unwrap());
        let probe = flow.probe(session).await;
        show(format!(
            "{probe:?}{}",
            serde_json::to_string(&probe).unwrap()
        ));
    }
    let written = flow.write(&admin, false, None).await.unwrap();
    show(format!(
        "{written:?}{}",
        serde_json::to_string(&written).unwrap()
    ));
    flow.new_key();
    let refused = flow.write(&admin, false, None).await.unwrap();
    show(format!(
        "{refused:?}{}",
        serde_json::to_string(&refused).unwrap()
    ));
    let confirmed = flow.write(&admin, true, None).await.unwrap();
    show(format!(
        "{confirmed:?}{}",
        serde_json::to_string(&confirmed).unwrap()
    ));
    let denied = flow.write(&norole, false, None).await.unwrap_err();
    show(format!(
        "{denied:?}{}",
        serde_json::to_string(&assistant_domain::keyvault::explain::to_app_error(
            &denied,
            &assistant_domain::profile::Environment::Sandbox
        ))
        .unwrap()
    ));
    show(serde_json::to_string(&flow.h.control.request_log()).unwrap());
    for entry in std::fs::read_dir(flow.dir.root()).unwrap() {
        show(std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default());
    }
    assert!(
        seen.contains("rehearsal--MaskinportenSettingsExternal--EncodedJwk"),
        "sanity: the step ran"
    );

    let mut secrets = vec![
        admin.token.expose_secret().to_string(),
        norole.token.expose_secret().to_string(),
    ];
    for record in index::load(&flow.dir).unwrap() {
        let private = flow
            .store
            .get(&index::account(&record.kid))
            .unwrap()
            .unwrap();
        secrets.push(
            jwk::encoded_jwk(&PrivateJwk::new(private.to_string()))
                .expose_secret()
                .to_string(),
        );
        let parts: Value = serde_json::from_str(&private).unwrap();
        for field in ["d", "p", "q", "dp", "dq", "qi"] {
            secrets.push(parts[field].as_str().unwrap().to_string());
        }
    }
    for secret in &secrets {
        assert!(
            !seen.contains(secret.as_str()),
            "a token or key part leaked ({} chars)",
            secret.len()
        );
    }
    assert!(
        !assistant_tests::holds_jwt(&seen),
        "nothing JWT-shaped or base64 of a JSON object was shown"
    );
}
