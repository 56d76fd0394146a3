//! The whole chain from the command line on a sandbox profile: the portal step rehearsed, then
//! token and exchange in one call; failures explained with exit code 1; and nothing the run
//! printed or stored holds a token or an assertion.

mod support;

use support::{Cli, all_text_under, text};

fn sandbox_profile_with_key(cli: &Cli) -> String {
    cli.json(&["profile", "create", "Rehearsal"]);
    let key = cli.json(&["key", "generate", "--profile", "Rehearsal"]);
    key["kid"].as_str().expect("kid").to_string()
}

#[test]
fn before_the_portal_step_the_cli_says_what_is_missing_and_after_it_the_whole_chain_passes() {
    let cli = support::cli();
    sandbox_profile_with_key(&cli);
    let missing = cli.json_error(&["exchange", "--profile", "Rehearsal"]);
    assert_eq!(missing["kind"], "invalid_input");
    assert!(
        missing["hint"]
            .as_str()
            .is_some_and(|h| h.contains("sandbox register")),
        "{missing}"
    );

    let registered = cli.json(&["sandbox", "register", "--profile", "Rehearsal"]);
    assert_eq!(
        registered["client_id"],
        assistant_sandbox::defaults::CLIENT_ID
    );

    let out = cli.run(&["exchange", "--profile", "Rehearsal"]);
    let printed = text(&out.stdout);
    assert!(out.status.success(), "{printed}{}", text(&out.stderr));
    for line in [
        "✓ Metadata",
        "✓ Grant",
        "✓ Token",
        "✓ Verify",
        "✓ Exchange",
        "Altinn token: org ttd, orgNumber 312345676",
    ] {
        assert!(printed.contains(line), "missing {line:?} in:\n{printed}");
    }
    let report = cli.json(&["exchange", "--profile", "Rehearsal"]);
    assert_eq!(report["ok"], true);
    assert_eq!(report["maskinporten"]["consumerOrg"], "312345676");
    assert_eq!(
        report["altinn"]["claims"]["urn:altinn:orgNumber"],
        "312345676"
    );
}

#[test]
fn a_key_that_was_never_registered_fails_with_exit_1_and_the_unknown_kid_diagnosis() {
    let cli = support::cli();
    sandbox_profile_with_key(&cli);
    cli.json(&["sandbox", "register", "--profile", "Rehearsal"]);
    let other = cli.json(&["key", "generate"]);
    let kid = other["kid"].as_str().expect("kid");
    cli.json(&["profile", "edit", "Rehearsal", "--key", kid]);
    let out = cli.run(&["--json", "token", "--profile", "Rehearsal"]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("report as JSON");
    assert_eq!(report["diagnosis"]["code"], "unknown_kid");
    assert_eq!(report["error"]["kind"], "server");
    assert!(
        report["diagnosis"]["explanation"]["en"]
            .as_str()
            .is_some_and(|e| e.contains(kid))
    );
    let human = cli.run(&["token", "--profile", "Rehearsal"]);
    assert_eq!(human.status.code(), Some(1));
    assert!(
        text(&human.stdout).contains("✗ Token") && text(&human.stdout).contains("What to do"),
        "{}",
        text(&human.stdout)
    );
}

#[test]
fn no_output_error_or_stored_file_of_a_run_contains_a_token_or_assertion() {
    let cli = support::cli();
    sandbox_profile_with_key(&cli);
    cli.json(&["sandbox", "register", "--profile", "Rehearsal"]);
    let mut everything = String::new();
    for args in [
        &["exchange", "--profile", "Rehearsal"][..],
        &["--json", "exchange", "--profile", "Rehearsal"],
        &[
            "--json",
            "token",
            "--profile",
            "Rehearsal",
            "--scope",
            "altinn:serviceowner/instances.delete",
        ],
    ] {
        let out = cli.run(args);
        everything.push_str(&text(&out.stdout));
        everything.push_str(&text(&out.stderr));
    }
    everything.push_str(&all_text_under(cli.data.path()));
    assert!(
        everything.contains("Exchange") && everything.contains("scope_not_on_client"),
        "sanity: the runs happened"
    );
    assert!(
        !assistant_tests::holds_jwt(&everything),
        "something JWT-shaped was printed or stored"
    );
    // The explicit flag is the only way to see a token, and it says it is a secret.
    let shown = text(
        &cli.run(&[
            "exchange",
            "--profile",
            "Rehearsal",
            "--print-secret-tokens",
        ])
        .stdout,
    );
    assert!(shown.contains("Altinn token (secret):\neyJ"), "{shown}");
    // The same check the scans above use does find a real token.
    assert!(assistant_tests::holds_jwt(&shown));
}

#[test]
fn sandbox_serve_prints_base_urls_that_answer_and_stops_cleanly_on_ctrl_c() {
    use std::io::BufRead;
    let cli = support::cli();
    let mut child = cli
        .command()
        .args(["--json", "sandbox"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("serve");
    let mut line = String::new();
    // Kept open to the end: "stopped" is printed when it stops.
    let mut output = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    output.read_line(&mut line).expect("first line");
    let printed: serde_json::Value = serde_json::from_str(&line).expect("URLs as JSON");
    let issuer = printed["urls"]["maskinporten"]
        .as_str()
        .expect("issuer")
        .to_string();
    assert!(
        issuer.starts_with("http://127.0.0.1:") && issuer.ends_with('/'),
        "{issuer}"
    );
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let metadata: serde_json::Value = runtime.block_on(async {
        reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client")
            .get(format!("{issuer}.well-known/oauth-authorization-server"))
            .send()
            .await
            .expect("metadata")
            .json()
            .await
            .expect("json")
    });
    assert_eq!(metadata["issuer"], issuer.as_str());
    assert_eq!(metadata["token_endpoint"], format!("{issuer}token"));
    let _ = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut output, &mut rest).expect("the rest");
    let status = child.wait().expect("exits");
    assert!(
        status.success(),
        "Ctrl-C stops the sandbox cleanly: {status:?}"
    );
    assert!(rest.contains("\"stopped\": true"), "{rest}");
}

#[test]
fn token_with_resource_works_on_the_sandbox_and_the_grant_carries_it_as_an_array() {
    let cli = support::cli();
    sandbox_profile_with_key(&cli);
    cli.json(&["sandbox", "register", "--profile", "Rehearsal"]);
    let report = cli.json(&[
        "token",
        "--profile",
        "Rehearsal",
        "--resource",
        "https://api.example.no/",
        "--resource",
        "urn:example:other",
    ]);
    assert_eq!(report["ok"], true, "{report}");
    // DD-jwtgrant: resource "Currently only array supported"; the sandbox refuses a string.
    assert_eq!(
        report["grant"]["resource"],
        serde_json::json!(["https://api.example.no/", "urn:example:other"])
    );
    assert_eq!(
        report["maskinporten"]["claims"]["aud"],
        serde_json::json!(["https://api.example.no/", "urn:example:other"]),
        "the token is restricted to the audiences asked for"
    );
}

#[test]
fn with_every_proxy_variable_pointing_at_a_dead_port_the_sandbox_chain_still_runs_direct() {
    let cli = support::cli();
    sandbox_profile_with_key(&cli);
    cli.json(&["sandbox", "register", "--profile", "Rehearsal"]);
    // Port 9 (discard) on this machine: nothing listens, so any request sent to the proxy fails.
    let dead = "http://127.0.0.1:9";
    let out = cli
        .command()
        .args(["--json", "exchange", "--profile", "Rehearsal"])
        .envs([
            ("HTTP_PROXY", dead),
            ("HTTPS_PROXY", dead),
            ("ALL_PROXY", dead),
            ("http_proxy", dead),
            ("https_proxy", dead),
            ("all_proxy", dead),
        ])
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(report["altinn"].is_object(), "{report}");
}

/// Every folder under `root` 0700 and every file 0600, listed where not.
#[cfg(unix)]
fn open_to_others(root: &std::path::Path) -> Vec<String> {
    use std::os::unix::fs::PermissionsExt;
    let mut found = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let mode = std::fs::metadata(&folder)
            .expect("meta")
            .permissions()
            .mode()
            & 0o777;
        if mode != 0o700 {
            found.push(format!("{} {mode:o}", folder.display()));
        }
        for entry in std::fs::read_dir(&folder).expect("list").flatten() {
            let meta = entry.metadata().expect("meta");
            if meta.is_dir() {
                folders.push(entry.path());
            } else if meta.permissions().mode() & 0o777 != 0o600 {
                found.push(format!(
                    "{} {:o}",
                    entry.path().display(),
                    meta.permissions().mode() & 0o777
                ));
            }
        }
    }
    found
}

#[cfg(unix)]
#[test]
fn after_a_whole_run_the_data_folder_is_the_owners_only() {
    let cli = support::cli();
    // A folder as an older version left it: readable by everyone.
    std::fs::set_permissions(
        cli.data.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("chmod");
    sandbox_profile_with_key(&cli);
    cli.json(&["sandbox", "register", "--profile", "Rehearsal"]);
    cli.json(&["exchange", "--profile", "Rehearsal"]);
    cli.json(&["checklist", "--profile", "Rehearsal"]);
    cli.json(&["report", "--profile", "Rehearsal"]);
    let out = cli.data.path().join("export");
    std::fs::create_dir(&out).expect("dir");
    cli.json(&[
        "report",
        "--profile",
        "Rehearsal",
        "--out",
        &out.join("r.html").display().to_string(),
    ]);
    let files: Vec<_> = std::fs::read_dir(cli.data.path())
        .expect("list")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(
        files.len() >= 4,
        "profiles, keys, history, sandbox…: {files:?}"
    );
    // The folder made for the copy is the test's own (0700 set here, as a person's would be theirs).
    std::fs::set_permissions(&out, std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .expect("chmod");
    let open = open_to_others(cli.data.path());
    assert!(open.is_empty(), "{open:#?}");
    // A report asked for over an existing file is refused without --force, and the file kept.
    let again = cli.json_error(&[
        "report",
        "--profile",
        "Rehearsal",
        "--out",
        &out.join("r.html").display().to_string(),
    ]);
    assert_eq!(again["kind"], "confirmation_required", "{again}");
}
