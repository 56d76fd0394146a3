//! Keys and profiles on disk and in a secret store: generate, list, export, import, delete, and
//! the promise that no private key material ever lands in the data folder.

use std::path::Path;

use assistant_domain::datadir::DataDir;
use assistant_domain::inventory::*;
use assistant_domain::profile::{Environment, Profile};
use assistant_domain::secret_store::{MemoryStore, SecretStore};
use assistant_domain::{ErrorKind, FixedClock};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use time::macros::datetime;

const CLOCK: FixedClock = FixedClock(datetime!(2026-11-21 09:30 UTC));

struct Fixture {
    _tmp: tempfile::TempDir,
    dir: DataDir,
    store: MemoryStore,
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = DataDir::new(tmp.path().join("data"));
    Fixture {
        _tmp: tmp,
        dir,
        store: MemoryStore::default(),
    }
}

fn generate(f: &Fixture, profile: Option<&str>) -> KeySummary {
    let request = GenerateKeyRequest {
        bits: 2048,
        profile: profile.map(str::to_string),
    };
    generate_key(&f.dir, &f.store, &CLOCK, &request, &mut |_| {}).expect("generation works")
}

fn import_text(
    f: &Fixture,
    text: &str,
    kid: Option<&str>,
) -> Result<KeySummary, assistant_domain::AppError> {
    let request = ImportKeyRequest {
        source: ImportKeySource::Text {
            text: text.to_string().into(),
        },
        kid: kid.map(str::to_string),
        profile: None,
        password: None,
    };
    import_key(&f.dir, &f.store, &CLOCK, &request)
}

fn rsa_key(bits: usize) -> rsa::RsaPrivateKey {
    rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, bits).expect("test key")
}

fn all_files_text(root: &Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(root).expect("data dir exists") {
        let path = entry.expect("entry").path();
        text.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
    }
    text
}

#[test]
fn generation_reports_progress_stores_the_private_jwk_and_lists_the_key_with_expiry_one_year_on() {
    let f = fixture();
    let mut stages = Vec::new();
    let request = GenerateKeyRequest {
        bits: 2048,
        profile: None,
    };
    let key = generate_key(&f.dir, &f.store, &CLOCK, &request, &mut |p| {
        stages.push(
            serde_json::to_value(&p).expect("json")["stage"]
                .as_str()
                .unwrap_or("")
                .to_string(),
        )
    })
    .expect("generated");
    assert_eq!(stages, ["generating", "storing", "done"]);
    assert_eq!(key.bits, 2048);
    assert_eq!(key.created, "2026-11-21T09:30:00Z");
    assert_eq!(key.expires, "2027-11-21T09:30:00Z");
    assert!(
        key.kid.contains("-20261121-"),
        "kid carries the date: {}",
        key.kid
    );
    assert_eq!(f.store.len(), 1, "the private JWK went to the secret store");
    assert_eq!(list_keys(&f.dir).expect("list"), vec![key]);
}

#[test]
fn a_key_generated_for_a_profile_is_named_after_its_org_and_attached_to_it() {
    let f = fixture();
    let profile = Profile {
        name: "Acme".into(),
        org_number: Some("991825827".into()),
        ..Profile::default()
    };
    save_profile(
        &f.dir,
        &SaveProfileRequest {
            profile,
            original_name: None,
        },
    )
    .expect("saved");
    let key = generate(&f, Some("acme"));
    assert!(key.kid.starts_with("991825827-"), "{}", key.kid);
    assert_eq!(key.profiles, ["Acme"]);
    assert_eq!(
        show_profile(&f.dir, "Acme")
            .expect("profile")
            .key_id
            .as_deref(),
        Some(key.kid.as_str())
    );
}

#[test]
fn public_exports_carry_the_registration_fields_and_agree_with_each_other() {
    let f = fixture();
    let key = generate(&f, None);
    let export = |format| {
        export_public_key(
            &f.dir,
            &ExportPublicKeyRequest {
                kid: key.kid.clone(),
                format,
            },
        )
        .expect("export")
    };
    let jwk: serde_json::Value =
        serde_json::from_str(&export(PublicKeyFormat::Jwk).content).expect("jwk json");
    for field in ["kty", "kid", "use", "alg", "n", "e"] {
        assert!(jwk.get(field).is_some(), "Maskinporten requires {field}");
    }
    assert!(
        jwk.get("d").is_none(),
        "a public export must not carry the private exponent"
    );
    assert_eq!(
        (
            jwk["alg"].as_str(),
            jwk["use"].as_str(),
            jwk["kid"].as_str()
        ),
        (Some("RS256"), Some("sig"), Some(key.kid.as_str()))
    );
    let jwks: serde_json::Value =
        serde_json::from_str(&export(PublicKeyFormat::Jwks).content).expect("jwks json");
    assert_eq!(jwks["keys"][0], jwk);
    let pem = export(PublicKeyFormat::Pem);
    assert!(
        pem.content.starts_with("-----BEGIN PUBLIC KEY-----"),
        "SPKI PEM"
    );
    assert_eq!(pem.suggested_file_name, format!("{}.pub.pem", key.kid));
    use rsa::pkcs8::DecodePublicKey;
    let public = rsa::RsaPublicKey::from_public_key_pem(&pem.content).expect("pem parses");
    assert_eq!(
        URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
        jwk["n"].as_str().expect("n")
    );
}

#[test]
fn the_encoded_jwk_is_standard_padded_base64_of_a_complete_private_jwk_matching_the_thumbprint() {
    let f = fixture();
    let key = generate(&f, None);
    let encoded = encoded_jwk(&f.dir, &f.store, &key.kid).expect("encoded");
    let bytes = STANDARD
        .decode(encoded.expose_secret())
        .expect("standard base64 with padding");
    let jwk: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
    for field in [
        "kty", "n", "e", "d", "p", "q", "dp", "dq", "qi", "kid", "alg", "use",
    ] {
        assert!(
            jwk[field].as_str().is_some_and(|v| !v.is_empty()),
            "app-lib JwkWrapper.Validate needs {field}"
        );
    }
    let thumb = assistant_domain::keys::jwk::thumbprint(
        jwk["n"].as_str().expect("n"),
        jwk["e"].as_str().expect("e"),
    );
    assert_eq!(thumb, key.thumbprint);
}

#[test]
fn each_import_format_yields_the_same_key_and_thumbprint() {
    let key = rsa_key(2048);
    let jwk = assistant_domain::keys::jwk::private_jwk(&key, "given-kid");
    let encoded = assistant_domain::keys::jwk::encoded_jwk(&jwk);
    let pkcs1 = key.to_pkcs1_pem(LineEnding::LF).expect("pkcs1");
    let pkcs8 = key.to_pkcs8_pem(LineEnding::CRLF).expect("pkcs8");
    let inputs = [
        ("jwk", jwk.expose_secret().to_string(), "given-kid"),
        (
            "jwks",
            format!("{{\"keys\":[{}]}}", jwk.expose_secret()),
            "given-kid",
        ),
        (
            "base64",
            format!("{}\n", encoded.expose_secret()),
            "given-kid",
        ),
        ("pkcs1", pkcs1.to_string(), "pkcs1-kid"),
        (
            "pkcs8 with BOM and CRLF",
            format!("\u{feff}{}", pkcs8.as_str()),
            "pkcs8-kid",
        ),
    ];
    let mut thumbprints = Vec::new();
    for (label, text, kid) in inputs {
        let f = fixture();
        let explicit = (!label.starts_with("jwk") && label != "base64").then_some(kid);
        let summary = import_text(&f, &text, explicit)
            .unwrap_or_else(|e| panic!("{label} import failed: {e:?}"));
        assert_eq!(summary.kid, kid, "{label}");
        assert_eq!(
            summary.source,
            assistant_domain::keys::index::KeySource::Imported
        );
        thumbprints.push(summary.thumbprint);
    }
    thumbprints.dedup();
    assert_eq!(thumbprints.len(), 1, "every format is the same key");
}

#[test]
fn bad_key_input_gets_a_clear_invalid_input_error_and_stores_nothing() {
    let small = rsa_key(1024)
        .to_pkcs1_pem(LineEnding::LF)
        .expect("pem")
        .to_string();
    let good = rsa_key(2048);
    let jwk: serde_json::Value =
        serde_json::from_str(assistant_domain::keys::jwk::private_jwk(&good, "k").expose_secret())
            .expect("json");
    let other: serde_json::Value = serde_json::from_str(
        assistant_domain::keys::jwk::private_jwk(&rsa_key(2048), "k").expose_secret(),
    )
    .expect("json");
    let mut wrong_dp = jwk.clone();
    wrong_dp["dp"] = other["dp"].clone();
    let mut wrong_n = jwk.clone();
    wrong_n["n"] = other["n"].clone();
    let mut public_only = jwk.clone();
    for field in ["d", "p", "q", "dp", "dq", "qi"] {
        public_only.as_object_mut().expect("object").remove(field);
    }
    let mut ec = jwk.clone();
    ec["kty"] = "EC".into();
    let mut rs512 = jwk.clone();
    rs512["alg"] = "RS512".into();
    let ed25519_pkcs8 = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        STANDARD.encode([hex("302e020100300506032b657004220420"), vec![7u8; 32]].concat())
    );
    // A password-protected key asks for its password instead: tests/tests/key_import_guarded.rs.
    let cases: [(&str, String, &str); 10] = [
        ("garbage", "hello world".into(), "not a key"),
        (
            "json with a comment",
            format!("{{ // note\n{}", &jwk.to_string()[1..]),
            "comments",
        ),
        ("small key", small, "1024 bits"),
        ("wrong dp", wrong_dp.to_string(), "\"dp\" does not match"),
        ("wrong n", wrong_n.to_string(), "do not match"),
        ("public only", public_only.to_string(), "public key"),
        ("EC JWK", ec.to_string(), "Only RSA"),
        ("RS512 JWK", rs512.to_string(), "RS256"),
        (
            "EC PEM",
            "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----".into(),
            "Only RSA",
        ),
        ("ed25519 pkcs8", ed25519_pkcs8, "RSA"),
    ];
    for (label, text, expected) in cases {
        let f = fixture();
        let error = import_text(&f, &text, Some("k1")).expect_err(label);
        assert_eq!(error.kind, ErrorKind::InvalidInput, "{label}: {error:?}");
        assert!(
            error.message.contains(expected),
            "{label}: message {:?} should mention {expected:?}",
            error.message
        );
        assert!(f.store.is_empty(), "{label}: nothing may be stored");
        assert!(list_keys(&f.dir).expect("list").is_empty(), "{label}");
    }
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

#[test]
fn importing_a_key_that_is_already_stored_is_refused_and_keeps_the_original() {
    let f = fixture();
    let key = rsa_key(2048);
    let pem = key.to_pkcs1_pem(LineEnding::LF).expect("pem");
    let first = import_text(&f, &pem, Some("first")).expect("first import");
    let again = import_text(&f, &pem, Some("second")).expect_err("same key twice");
    assert_eq!(again.kind, ErrorKind::AlreadyExists);
    assert!(again.message.contains("first"), "{}", again.message);
    let different = rsa_key(2048).to_pkcs1_pem(LineEnding::LF).expect("pem");
    let same_kid = import_text(&f, &different, Some("first")).expect_err("kid taken");
    assert_eq!(same_kid.kind, ErrorKind::AlreadyExists);
    assert_eq!(list_keys(&f.dir).expect("list"), vec![first]);
}

#[test]
fn a_kid_with_disallowed_characters_is_refused() {
    let f = fixture();
    let pem = rsa_key(2048).to_pkcs8_pem(LineEnding::LF).expect("pem");
    let error = import_text(&f, &pem, Some("my key/1")).expect_err("bad kid");
    assert_eq!(error.kind, ErrorKind::InvalidInput);
    assert!(
        error.message.contains("not a valid key id"),
        "{}",
        error.message
    );
}

#[test]
fn delete_needs_confirmation_then_removes_the_secret_and_detaches_profiles() {
    let f = fixture();
    let profile = Profile {
        name: "P1".into(),
        ..Profile::default()
    };
    save_profile(
        &f.dir,
        &SaveProfileRequest {
            profile,
            original_name: None,
        },
    )
    .expect("saved");
    let key = generate(&f, Some("P1"));
    let refused = delete_key(
        &f.dir,
        &f.store,
        &DeleteKeyRequest {
            kid: key.kid.clone(),
            confirmed: false,
        },
    )
    .expect_err("needs consent");
    assert_eq!(refused.kind, ErrorKind::ConfirmationRequired);
    assert!(
        refused.message.contains("P1"),
        "names the profiles using it: {}",
        refused.message
    );
    assert_eq!(f.store.len(), 1, "nothing deleted without consent");
    let outcome = delete_key(
        &f.dir,
        &f.store,
        &DeleteKeyRequest {
            kid: key.kid.clone(),
            confirmed: true,
        },
    )
    .expect("deleted");
    assert_eq!(outcome.detached_from, ["P1"]);
    assert!(f.store.is_empty());
    assert!(list_keys(&f.dir).expect("list").is_empty());
    assert_eq!(show_profile(&f.dir, "P1").expect("profile").key_id, None);
}

#[test]
fn a_keychain_entry_replaced_behind_our_back_is_caught_before_use() {
    let f = fixture();
    let key = generate(&f, None);
    let other = assistant_domain::keys::jwk::private_jwk(&rsa_key(2048), &key.kid);
    f.store
        .put(&format!("jwk:{}", key.kid), other.expose_secret())
        .expect("tamper");
    let error = encoded_jwk(&f.dir, &f.store, &key.kid).expect_err("mismatch");
    assert_eq!(error.kind, ErrorKind::Keychain);
}

#[test]
fn profiles_are_created_edited_renamed_and_deleted_only_with_consent() {
    let f = fixture();
    let create = |name: &str| SaveProfileRequest {
        profile: Profile {
            name: name.into(),
            ..Profile::default()
        },
        original_name: None,
    };
    save_profile(&f.dir, &create("One")).expect("create");
    assert_eq!(
        save_profile(&f.dir, &create("one")).expect_err("dup").kind,
        ErrorKind::AlreadyExists
    );
    let edit = SaveProfileRequest {
        profile: Profile {
            name: "Two".into(),
            environment: Environment::Test,
            ..Profile::default()
        },
        original_name: Some("One".into()),
    };
    save_profile(&f.dir, &edit).expect("rename");
    assert_eq!(
        list_profiles(&f.dir)
            .expect("list")
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["Two"]
    );
    let with_missing_key = SaveProfileRequest {
        profile: Profile {
            name: "Three".into(),
            key_id: Some("nope".into()),
            ..Profile::default()
        },
        original_name: None,
    };
    assert_eq!(
        save_profile(&f.dir, &with_missing_key)
            .expect_err("unknown key")
            .kind,
        ErrorKind::NotFound
    );
    let ask = delete_profile(
        &f.dir,
        &DeleteProfileRequest {
            name: "Two".into(),
            confirmed: false,
        },
    );
    assert_eq!(
        ask.expect_err("consent").kind,
        ErrorKind::ConfirmationRequired
    );
    delete_profile(
        &f.dir,
        &DeleteProfileRequest {
            name: "Two".into(),
            confirmed: true,
        },
    )
    .expect("deleted");
    assert!(list_profiles(&f.dir).expect("list").is_empty());
}

#[test]
fn the_data_folder_never_holds_private_key_material_after_generate_and_import() {
    let f = fixture();
    let generated = generate(&f, None);
    let key = rsa_key(2048);
    import_text(
        &f,
        &key.to_pkcs8_pem(LineEnding::LF).expect("pem"),
        Some("imported-1"),
    )
    .expect("import");
    let text = all_files_text(f.dir.root());
    assert!(
        text.contains(&generated.kid),
        "sanity: the index is in the folder"
    );
    for forbidden in [
        "\"d\"",
        "\"p\"",
        "\"q\"",
        "\"dp\"",
        "\"dq\"",
        "\"qi\"",
        "PRIVATE KEY",
    ] {
        assert!(
            !text.contains(forbidden),
            "data folder contains {forbidden}"
        );
    }
    let secret_parts = [key.d(), &key.primes()[0], &key.primes()[1]]
        .map(|v| URL_SAFE_NO_PAD.encode(v.to_bytes_be()));
    for part in secret_parts {
        assert!(
            !text.contains(&part[..40]),
            "a private component of the imported key is on disk"
        );
    }
    let stored = f
        .store
        .get(&format!("jwk:{}", generated.kid))
        .expect("get")
        .expect("present");
    let d: serde_json::Value = serde_json::from_str(&stored).expect("json");
    assert!(
        !text.contains(&d["d"].as_str().expect("d")[..40]),
        "the generated key's d is on disk"
    );
}

#[test]
fn a_key_in_the_keychain_from_another_data_folder_is_never_overwritten_by_an_import() {
    let f = fixture();
    f.store
        .put("jwk:shared-kid", "the other set-up's private key")
        .expect("seed");
    let pem = rsa_key(2048).to_pkcs8_pem(LineEnding::LF).expect("pem");
    let error = import_text(&f, &pem, Some("shared-kid")).expect_err("kid taken in the keychain");
    assert_eq!(error.kind, ErrorKind::AlreadyExists, "{error:?}");
    assert_eq!(
        f.store
            .get("jwk:shared-kid")
            .expect("get")
            .as_deref()
            .map(String::as_str),
        Some("the other set-up's private key")
    );
    assert!(list_keys(&f.dir).expect("list").is_empty());
}

#[test]
fn debug_of_an_import_request_does_not_show_the_pasted_key_or_its_password() {
    let request = ImportKeyRequest {
        source: ImportKeySource::Text {
            text: "-----BEGIN PRIVATE KEY-----secret".to_string().into(),
        },
        kid: None,
        profile: None,
        password: Some("hunter2".to_string().into()),
    };
    let printed = format!("{request:?}");
    assert!(
        !printed.contains("secret")
            && !printed.contains("hunter2")
            && printed.contains("[redacted]"),
        "{printed}"
    );
}
