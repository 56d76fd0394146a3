//! The CLI over the real OS keychain (a private Secret Service): keys and profiles end to end,
//! `--json` on every subcommand, exit codes, and an interop check with a JOSE library we did not
//! write (Python jwcrypto and cryptography).

mod support;

use std::process::Command;

use base64::Engine;
use support::{Cli, all_text_under, text};

fn generate(cli: &Cli, extra: &[&str]) -> serde_json::Value {
    cli.json(&[&["key", "generate"], extra].concat())
}

#[test]
fn generate_list_public_and_delete_work_through_the_real_keychain() {
    let cli = support::cli();
    let key = generate(&cli, &["--bits", "2048"]);
    let kid = key["kid"].as_str().expect("kid");
    let listed = cli.json(&["key", "list"]);
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert_eq!(listed[0]["kid"], kid);
    assert_eq!(listed[0]["thumbprint"], key["thumbprint"]);

    let jwk = cli.json(&["key", "public", kid, "--format", "jwk"]);
    let jwk: serde_json::Value =
        serde_json::from_str(jwk["content"].as_str().expect("content")).expect("jwk");
    assert_eq!(
        (
            jwk["kty"].as_str(),
            jwk["alg"].as_str(),
            jwk["use"].as_str()
        ),
        (Some("RSA"), Some("RS256"), Some("sig"))
    );
    let pem = cli.run(&["key", "public", kid, "--format", "pem"]);
    assert!(
        text(&pem.stdout).starts_with("-----BEGIN PUBLIC KEY-----"),
        "{}",
        text(&pem.stdout)
    );
    let jwks = cli.run(&["key", "public", kid, "--format", "jwks"]);
    let jwks: serde_json::Value =
        serde_json::from_slice(&jwks.stdout).expect("plain output of jwks is the JWKS");
    assert_eq!(jwks["keys"][0], jwk);

    // The private part really is in the keychain: the EncodedJwk can be read back from it.
    let secret = cli.json(&["key", "encoded-jwk", kid, "--print-secret"]);
    assert!(
        secret["encodedJwk"]
            .as_str()
            .is_some_and(|v| v.len() > 1000)
    );

    let refused = cli.json_error(&["key", "delete", kid]);
    assert_eq!(refused["kind"], "confirmation_required");
    assert_eq!(
        cli.json(&["key", "list"]).as_array().map(Vec::len),
        Some(1),
        "nothing deleted without --yes"
    );
    cli.json(&["key", "delete", kid, "--yes"]);
    assert_eq!(cli.json(&["key", "list"]), serde_json::json!([]));
    let gone = cli.json_error(&["key", "encoded-jwk", kid, "--print-secret"]);
    assert_eq!(gone["kind"], "not_found");
}

#[test]
fn the_encoded_jwk_is_printed_only_with_the_flag_that_says_it_is_a_secret() {
    let cli = support::cli();
    let key = generate(&cli, &[]);
    let kid = key["kid"].as_str().expect("kid");
    let out = cli.run(&["key", "encoded-jwk", kid]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout without --print-secret"
    );
    assert!(
        text(&out.stderr).contains("--print-secret"),
        "says how: {}",
        text(&out.stderr)
    );
}

#[test]
fn profile_subcommands_answer_json_and_fail_with_exit_code_1_and_the_error_shape() {
    let cli = support::cli();
    let created = cli.json(&[
        "profile",
        "create",
        "Acme",
        "--org",
        "991825827",
        "--scope",
        "altinn:instances.read altinn:instances.write",
        "--app-b",
        "ttd/app-b",
    ]);
    assert_eq!(
        created["environment"],
        serde_json::json!({"kind": "sandbox"}),
        "sandbox is the default"
    );
    assert_eq!(
        created["scopes"],
        serde_json::json!(["altinn:instances.read", "altinn:instances.write"])
    );
    let edited = cli.json(&[
        "profile",
        "edit",
        "acme",
        "--env",
        "test",
        "--client-id",
        "c-1",
    ]);
    assert_eq!(
        (
            edited["environment"]["kind"].as_str(),
            edited["clientId"].as_str()
        ),
        (Some("test"), Some("c-1"))
    );
    assert_eq!(cli.json(&["profile", "show", "ACME"])["name"], "Acme");
    assert_eq!(
        cli.json(&["profile", "list"]).as_array().map(Vec::len),
        Some(1)
    );

    let bad_org = cli.json_error(&["profile", "create", "Other", "--org", "991825828"]);
    assert_eq!(bad_org["kind"], "invalid_input");
    assert!(
        bad_org["message"]
            .as_str()
            .is_some_and(|m| m.contains("check digit")),
        "{bad_org}"
    );
    assert!(
        bad_org.get("hint").is_some(),
        "the hint key is always present"
    );
    let http = cli.json_error(&[
        "profile",
        "create",
        "Local",
        "--env",
        "custom",
        "--maskinporten-url",
        "http://10.1.1.1/",
        "--altinn-url",
        "http://127.0.0.1:1/",
        "--apps-url",
        "http://127.0.0.1:2/",
    ]);
    assert!(
        http["message"]
            .as_str()
            .is_some_and(|m| m.contains("https")),
        "{http}"
    );
    assert_eq!(
        cli.json_error(&["profile", "show", "nobody"])["kind"],
        "not_found"
    );
    assert_eq!(
        cli.json_error(&["profile", "delete", "Acme"])["kind"],
        "confirmation_required"
    );
    cli.json(&["profile", "delete", "Acme", "--yes"]);
    assert_eq!(cli.json(&["profile", "list"]), serde_json::json!([]));
    assert!(
        cli.json(&["info"])["keychainService"]
            .as_str()
            .is_some_and(|s| s.ends_with(".dev")),
        "debug build namespace"
    );
}

#[test]
fn a_key_imported_from_standard_input_is_kept_with_its_kid_and_a_bad_one_is_refused() {
    let cli = support::cli();
    let source = support::cli();
    let key = generate(&source, &[]);
    let kid = key["kid"].as_str().expect("kid");
    let encoded = source.json(&["key", "encoded-jwk", kid, "--print-secret"]);
    let out = cli.run_with_stdin(
        &["--json", "key", "import", "-"],
        encoded["encodedJwk"].as_str().expect("value"),
    );
    assert!(out.status.success(), "{}", text(&out.stdout));
    let imported: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        (
            &imported["kid"],
            &imported["thumbprint"],
            imported["source"].as_str()
        ),
        (&key["kid"], &key["thumbprint"], Some("imported"))
    );
    let bad = cli.run_with_stdin(
        &["--json", "key", "import", "-"],
        "{\"kty\":\"EC\",\"d\":\"AA\"}",
    );
    assert_eq!(bad.status.code(), Some(1));
    let error: serde_json::Value = serde_json::from_slice(&bad.stdout).expect("json");
    assert_eq!(error["error"]["kind"], "invalid_input");
}

#[test]
fn neither_the_data_folder_nor_the_keyring_files_hold_the_private_key_in_clear() {
    let cli = support::cli();
    let key = generate(&cli, &[]);
    let kid = key["kid"].as_str().expect("kid");
    let encoded = cli.json(&["key", "encoded-jwk", kid, "--print-secret"]);
    let jwk_json = base64::engine::general_purpose::STANDARD
        .decode(encoded["encodedJwk"].as_str().expect("v"))
        .expect("b64");
    let jwk: serde_json::Value = serde_json::from_slice(&jwk_json).expect("jwk");
    let d = jwk["d"].as_str().expect("d");
    let p = jwk["p"].as_str().expect("p");
    let data = all_text_under(cli.data.path());
    assert!(data.contains(kid), "sanity: the data folder has the index");
    let keyring = all_text_under(&cli.keyring.data_dir());
    for (place, content) in [("data folder", &data), ("keyring files", &keyring)] {
        assert!(
            !content.contains(&d[..32]) && !content.contains(&p[..32]),
            "private key material in the {place}"
        );
        assert!(!content.contains("\"d\":"), "a private JWK in the {place}");
    }
}

/// The key we export must be the key a JOSE implementation we did not write sees.
#[test]
fn python_jwcrypto_loads_our_private_key_and_agrees_on_public_part_kid_and_thumbprint() {
    let cli = support::cli();
    let key = generate(&cli, &["--bits", "3072"]);
    let kid = key["kid"].as_str().expect("kid");
    let encoded = cli.json(&["key", "encoded-jwk", kid, "--print-secret"]);
    let public = cli.json(&["key", "public", kid, "--format", "jwk"]);
    let pem = cli.json(&["key", "public", kid, "--format", "pem"]);
    // The private key goes to Python over stdin, never through a file.
    let script = r#"
import base64, json, sys
from jwcrypto import jwk
from cryptography.hazmat.primitives import serialization
data = json.loads(sys.stdin.read())
key = jwk.JWK.from_json(base64.b64decode(data["encoded"], validate=True).decode())
assert key.has_private, "jwcrypto sees no private key"
pub = json.loads(key.export_public())
spki = serialization.load_pem_public_key(data["pem"].encode())
n = int.from_bytes(base64.urlsafe_b64decode(pub["n"] + "=" * (-len(pub["n"]) % 4)), "big")
print(json.dumps({"public": pub, "thumbprint": key.thumbprint(), "size": key.get_op_key("sign").key_size, "pem_matches": spki.public_numbers().n == n}))
"#;
    let input =
        serde_json::json!({"encoded": encoded["encodedJwk"], "pem": pem["content"]}).to_string();
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), input.as_bytes())
        .expect("stdin");
    let out = child.wait_with_output().expect("python finished");
    assert!(
        out.status.success(),
        "python failed (pip install jwcrypto cryptography): {}",
        text(&out.stderr)
    );
    let seen: serde_json::Value = serde_json::from_slice(&out.stdout).expect("python json");
    let ours: serde_json::Value =
        serde_json::from_str(public["content"].as_str().expect("content")).expect("our jwk");
    for field in ["kty", "n", "e", "kid", "alg", "use"] {
        assert_eq!(
            seen["public"][field], ours[field],
            "field {field} differs between jwcrypto and our export"
        );
    }
    assert_eq!(seen["thumbprint"], key["thumbprint"], "RFC 7638 thumbprint");
    assert_eq!(seen["size"], 3072);
    assert_eq!(
        seen["pem_matches"], true,
        "our SPKI PEM is the same key for the cryptography package"
    );
}

/// The keychain entries of this build's namespace whose account starts with `prefix`, as
/// `secret-tool` (libsecret) lists them from the private Secret Service.
fn keychain_accounts(cli: &Cli, prefix: &str) -> Vec<String> {
    let out = Command::new("secret-tool")
        .args([
            "search",
            "--all",
            "service",
            assistant_domain::secret_store::keychain_service(),
        ])
        .envs(cli.keyring.env())
        .output()
        .expect("secret-tool (apt-get install libsecret-tools)");
    let listing = format!("{}{}", text(&out.stdout), text(&out.stderr));
    let mut accounts: Vec<String> = listing
        .lines()
        .filter_map(|l| l.trim().strip_prefix("attribute.username = "))
        .filter(|a| a.starts_with(prefix))
        .map(str::to_string)
        .collect();
    accounts.sort();
    accounts
}

#[test]
fn a_long_key_is_one_secret_service_entry_read_whole_and_deleted() {
    // Windows keeps 1,280 characters in one credential, so there a 4096-bit JWK (about 3,200)
    // goes in parts (the parts logic is unit-tested in the domain, and package-windows.sh checks
    // it in Wine's Credential Manager). The Secret Service takes it whole: one entry, one D-Bus
    // round trip per read instead of five.
    let cli = support::cli();
    let key = generate(&cli, &["--bits", "4096"]);
    let kid = key["kid"].as_str().expect("kid").to_string();
    let account = format!("jwk:{kid}");
    assert_eq!(
        keychain_accounts(&cli, &account),
        std::slice::from_ref(&account)
    );
    // Read back whole in another process.
    let secret = cli.json(&["key", "encoded-jwk", &kid, "--print-secret"]);
    let jwk: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD
            .decode(secret["encodedJwk"].as_str().expect("value"))
            .expect("base64"),
    )
    .expect("json");
    assert_eq!(jwk["kid"], kid.as_str());
    assert_eq!(
        jwk["d"].as_str().map(str::len),
        Some(683),
        "4096-bit d, whole"
    );
    cli.json(&["key", "delete", &kid, "--yes"]);
    assert_eq!(
        keychain_accounts(&cli, &account),
        Vec::<String>::new(),
        "the entry is gone"
    );
}

/// Starts one process per argument list, all before any is waited for, and checks each exits 0.
fn all_at_once(cli: &Cli, runs: Vec<Vec<String>>) {
    let children: Vec<_> = runs
        .iter()
        .map(|args| {
            cli.command()
                .arg("--json")
                .args(args)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for (args, child) in runs.iter().zip(children) {
        let out = child.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
    }
}

#[test]
fn twenty_processes_at_once_keep_all_twenty_profiles_and_all_twenty_keys() {
    let cli = support::cli();
    let names: Vec<String> = (1..=20).map(|i| format!("Samtidig {i}")).collect();
    all_at_once(
        &cli,
        names
            .iter()
            .map(|n| vec!["profile".into(), "create".into(), n.clone()])
            .collect(),
    );
    let profiles = cli.json(&["profile", "list"]);
    assert_eq!(profiles.as_array().map(Vec::len), Some(20), "{profiles}");
    all_at_once(
        &cli,
        names
            .iter()
            .map(|n| {
                ["key", "generate", "--bits", "2048", "--profile", n]
                    .map(String::from)
                    .to_vec()
            })
            .collect(),
    );
    let keys = cli.json(&["key", "list"]);
    assert_eq!(keys.as_array().map(Vec::len), Some(20), "{keys}");
    // Every profile has its own key attached, and every listed key is in the keychain.
    let profiles = cli.json(&["profile", "list"]);
    let mut attached: Vec<&str> = profiles
        .as_array()
        .expect("profiles")
        .iter()
        .map(|p| {
            p["keyId"]
                .as_str()
                .expect("a key attached to every profile")
        })
        .collect();
    attached.sort_unstable();
    attached.dedup();
    assert_eq!(attached.len(), 20);
    for key in keys.as_array().expect("keys") {
        let kid = key["kid"].as_str().expect("kid");
        cli.json(&["key", "encoded-jwk", kid, "--print-secret"]);
    }
}

/// A password-protected key as OpenSSL writes it: without a terminal the error says how to give
/// the password; `--password-stdin` opens it in memory; nothing unprotected lands on disk, and
/// the password is in no file and no output.
#[test]
fn a_password_protected_key_is_imported_with_the_password_from_standard_input() {
    let cli = support::cli();
    let keys = assistant_tests::encrypted_keys::EncryptedKeys::make();
    let key_file = keys.path("pbkdf2-aes256.pem");
    let key_file = key_file.to_str().expect("utf-8 path");
    let password = assistant_tests::encrypted_keys::PASSWORD;

    let asked = cli.json_error(&["key", "import", key_file]);
    assert_eq!(asked["kind"], "password_required", "{asked}");
    assert!(
        asked["hint"]
            .as_str()
            .unwrap_or_default()
            .contains("--password-stdin"),
        "{asked}"
    );

    let wrong = cli.run_with_stdin(
        &["--json", "key", "import", key_file, "--password-stdin"],
        "Fjord-2025\n",
    );
    assert_eq!(wrong.status.code(), Some(1));
    let wrong: serde_json::Value = serde_json::from_slice(&wrong.stdout).expect("json");
    assert_eq!(wrong["error"]["kind"], "password_required");
    assert!(
        wrong["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("does not open")
    );

    let both = cli.run_with_stdin(
        &["--json", "key", "import", "-", "--password-stdin"],
        password,
    );
    assert_eq!(both.status.code(), Some(1), "stdin cannot carry both");

    let out = cli.run_with_stdin(
        &[
            "--json",
            "key",
            "import",
            key_file,
            "--password-stdin",
            "--kid",
            "from-openssl",
        ],
        &format!("{password}\r\n"),
    );
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let listed = cli.json(&["key", "list"]);
    assert_eq!(listed[0]["kid"], "from-openssl");
    assert_eq!(listed[0]["bits"], 2048);
    let written = all_text_under(cli.data.path());
    assert!(
        !written.contains(password) && !written.contains("PRIVATE KEY"),
        "no password and no key text in the data folder"
    );
}
