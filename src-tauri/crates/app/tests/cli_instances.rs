//! Instances from the command line against a running `sandbox serve`, so follow-ups in later
//! commands find the instances made by earlier ones: app-info, instantiate (template, prefill,
//! data file), show, update, next, receipt, delete, and bulk with its results file.

mod support;

use std::io::BufRead;
use std::process::{Child, Stdio};

use support::{Cli, text};

struct Served {
    cli: Cli,
    serve: Child,
    /// What `sandbox serve --json` printed: its URLs, client and app B.
    announced: serde_json::Value,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-INT", &self.serve.id().to_string()])
            .status();
        let _ = self.serve.wait();
    }
}

/// A profile with a registered key, and `sandbox serve` running for it (with the built-in app B).
fn served() -> Served {
    served_with(None)
}

/// `served`, with app B from a definition file when given.
fn served_with(app_b: Option<&std::path::Path>) -> Served {
    served_with_args(app_b, &[])
}

fn served_with_args(app_b: Option<&std::path::Path>, extra: &[&str]) -> Served {
    let cli = support::cli();
    cli.json(&["profile", "create", "Tester"]);
    cli.json(&["key", "generate", "--profile", "Tester"]);
    cli.json(&["sandbox", "register", "--profile", "Tester"]);
    let mut args = vec!["--json", "sandbox", "serve", "--profile", "Tester"];
    let app_b = app_b.map(|p| p.display().to_string());
    if let Some(path) = &app_b {
        args.extend(["--app-b", path.as_str()]);
    }
    args.extend(extra);
    let mut serve = cli
        .command()
        .args(&args)
        .stdout(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut line = String::new();
    std::io::BufReader::new(serve.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("URLs printed");
    let announced: serde_json::Value = serde_json::from_str(&line).expect("the URLs as JSON");
    assert!(announced["urls"]["maskinporten"].is_string(), "{line}");
    Served {
        cli,
        serve,
        announced,
    }
}

#[test]
fn an_instance_is_made_filled_moved_on_receipted_and_cleaned_up_across_commands() {
    let apps = tempfile::tempdir().expect("tmp");
    let s = served_with(Some(&assistant_tests::apps::deletable_app_b(apps.path())));
    let cli = &s.cli;
    let info = cli.json(&["app-info", "--profile", "Tester"]);
    assert_eq!(info["metadata"]["id"], "ttd/sandbox-app-b");
    assert!(
        info["prefillKeys"]
            .as_array()
            .is_some_and(|k| k.iter().any(|v| v == "navn")),
        "{info}"
    );

    let made = cli.json(&[
        "instantiate",
        "--profile",
        "Tester",
        "--owner",
        "312345676",
        "--prefill",
        "navn=Kari",
        "--prefill",
        "ukjent.felt=x",
    ]);
    assert_eq!(
        made["ignoredPrefillKeys"],
        serde_json::json!(["ukjent.felt"])
    );
    let id = made["instance"]["id"].as_str().expect("id").to_string();
    assert_eq!(made["instance"]["currentTask"], "Task_1");
    let warned = cli.run(&[
        "instantiate",
        "--profile",
        "Tester",
        "--owner",
        "312345676",
        "--prefill",
        "feil=1",
    ]);
    assert!(
        text(&warned.stdout)
            .contains("warning: the app ignores prefill keys its form does not have: feil"),
        "{}",
        text(&warned.stdout)
    );

    let shown = cli.json(&["instance", "show", &id, "--profile", "Tester"]);
    let element = shown["data"]
        .as_array()
        .and_then(|d| d.iter().find(|e| e["dataType"] == "model"))
        .and_then(|e| e["id"].as_str())
        .expect("form element")
        .to_string();
    let dir = tempfile::tempdir().expect("tmp");
    let form = dir.path().join("form.json");
    std::fs::write(&form, r#"{"navn":"Oppdatert"}"#).expect("write");
    cli.json(&[
        "instance",
        "update",
        &id,
        "--profile",
        "Tester",
        "--element",
        &element,
        "--file",
        &form.display().to_string(),
    ]);
    let early = cli.json_error(&[
        "instance",
        "receipt",
        &id,
        "--profile",
        "Tester",
        "--out",
        &dir.path().join("early.pdf").display().to_string(),
    ]);
    assert!(
        early["message"]
            .as_str()
            .is_some_and(|m| m.contains("has not ended")),
        "{early}"
    );
    let ended = cli.json(&["instance", "next", &id, "--profile", "Tester"]);
    assert!(
        ended["ended"].is_string() && ended["currentTask"].is_null(),
        "{ended}"
    );
    let pdf = dir.path().join("kvittering.pdf");
    cli.json(&[
        "instance",
        "receipt",
        &id,
        "--profile",
        "Tester",
        "--out",
        &pdf.display().to_string(),
    ]);
    assert!(std::fs::read(&pdf).expect("saved").starts_with(b"%PDF"));
    let again = cli.json_error(&[
        "instance",
        "receipt",
        &id,
        "--profile",
        "Tester",
        "--out",
        &pdf.display().to_string(),
    ]);
    assert_eq!(
        again["kind"], "confirmation_required",
        "an existing file is not overwritten without --force"
    );

    let refused = cli.json_error(&[
        "instance",
        "delete",
        "--all-made-here",
        "--profile",
        "Tester",
    ]);
    assert_eq!(refused["kind"], "confirmation_required");
    let deleted = cli.json(&[
        "instance",
        "delete",
        "--all-made-here",
        "--profile",
        "Tester",
        "--yes",
    ]);
    assert_eq!(
        deleted["results"].as_array().map(Vec::len),
        Some(2),
        "both instances made here: {deleted}"
    );
    assert!(
        deleted["results"]
            .as_array()
            .is_some_and(|r| r.iter().all(|o| o["hard"] == true)),
        "a hard delete, as a tester cleaning up means: {deleted}"
    );
    assert_eq!(
        cli.json_error(&["instance", "show", &id, "--profile", "Tester"])["kind"],
        "not_found"
    );
    let history = std::fs::read_to_string(cli.data.path().join("history.jsonl")).expect("history");
    assert!(
        history.contains("\"action\":\"instantiate\"") && history.contains("\"action\":\"delete\""),
        "{history}"
    );
    assert!(
        !assistant_tests::holds_jwt(&history),
        "history holds no token"
    );
}

#[test]
fn bad_owners_and_owner_types_the_app_refuses_are_stopped_before_anything_is_sent() {
    let s = served();
    let bad = s
        .cli
        .json_error(&["instantiate", "--profile", "Tester", "--owner", "312345677"]);
    assert!(
        bad["message"]
            .as_str()
            .is_some_and(|m| m.contains("check digit")),
        "{bad}"
    );
    let person = s.cli.json_error(&[
        "instantiate",
        "--profile",
        "Tester",
        "--owner",
        "15058510170",
    ]);
    assert!(
        person["message"]
            .as_str()
            .is_some_and(|m| m.contains("does not accept person")),
        "{person}"
    );
}

#[test]
fn with_the_template_policy_delete_fails_with_the_rule_to_add_and_with_delete_allowed_it_is_hard() {
    let s = served();
    let made = s
        .cli
        .json(&["instantiate", "--profile", "Tester", "--owner", "312345676"]);
    let id = made["instance"]["id"].as_str().expect("id").to_string();
    let out = s
        .cli
        .run(&["instance", "delete", &id, "--profile", "Tester", "--yes"]);
    assert_eq!(out.status.code(), Some(1));
    let printed = text(&out.stdout);
    for words in [
        "\"delete\"",
        "DAGL and REGNA",
        "urn:altinn:example:ruleid:2",
        "<xacml:AttributeValue DataType=\"http://www.w3.org/2001/XMLSchema#string\">delete</xacml:AttributeValue>",
    ] {
        assert!(printed.contains(words), "missing {words:?} in:\n{printed}");
    }
    s.cli
        .json(&["instance", "show", &id, "--profile", "Tester"]);
    drop(s);

    let apps = tempfile::tempdir().expect("tmp");
    let s = served_with(Some(&assistant_tests::apps::deletable_app_b(apps.path())));
    let made = s
        .cli
        .json(&["instantiate", "--profile", "Tester", "--owner", "312345676"]);
    let id = made["instance"]["id"].as_str().expect("id").to_string();
    let out = s
        .cli
        .run(&["instance", "delete", &id, "--profile", "Tester", "--yes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Hard-deleted 1 of 1 instance(s): gone for good"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(
        s.cli
            .json_error(&["instance", "show", &id, "--profile", "Tester"])["kind"],
        "not_found"
    );
}

#[test]
fn bulk_from_a_csv_writes_a_results_file_that_cleanup_can_use() {
    let apps = tempfile::tempdir().expect("tmp");
    let s = served_with(Some(&assistant_tests::apps::deletable_app_b(apps.path())));
    let dir = tempfile::tempdir().expect("tmp");
    let csv = dir.path().join("owners.csv");
    std::fs::write(
        &csv,
        "owner,partyId,navn\n312345676,500001,En\n312345676,500001,To\n312345676,500001,Tre\n",
    )
    .expect("csv");
    let out = s.cli.json(&[
        "bulk",
        "--profile",
        "Tester",
        "--csv",
        &csv.display().to_string(),
        "--concurrency",
        "2",
    ]);
    assert_eq!(
        (out["created"].as_u64(), out["failed"].as_u64()),
        (Some(3), Some(0)),
        "{out}"
    );
    assert_eq!(out["total"], 3);
    assert_eq!(
        out["problems"],
        serde_json::json!([]),
        "created rows are in the results file, not the summary: {out}"
    );
    let results = dir.path().join("owners.results.csv");
    let file = std::fs::read_to_string(&results).expect("results file");
    assert_eq!(file.lines().count(), 4, "{file}");
    assert!(
        file.lines().skip(1).all(|l| l.contains(",created,")),
        "{file}"
    );
    let deleted = s.cli.json(&[
        "instance",
        "delete",
        "--from-results",
        &results.display().to_string(),
        "--profile",
        "Tester",
        "--yes",
    ]);
    assert_eq!(
        deleted["results"]
            .as_array()
            .map(|r| r.iter().filter(|x| x["deleted"] == true).count()),
        Some(3)
    );
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "owner\n312345676\n12345\n").expect("csv");
    let refused = s.cli.json_error(&[
        "bulk",
        "--profile",
        "Tester",
        "--csv",
        &bad.display().to_string(),
    ]);
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("line 3") && m.contains("nothing was sent")),
        "{refused}"
    );
}

#[test]
fn a_csv_longer_than_a_chunk_runs_in_chunks_and_its_results_stay_in_csv_order() {
    let s = served();
    let dir = tempfile::tempdir().expect("tmp");
    let csv = dir.path().join("many.csv");
    // 2,345 rows: three chunks of the runner (1,000 each), the last one partial.
    std::fs::write(&csv, format!("owner\n{}", "312345676\n".repeat(2345))).expect("csv");
    let out = s.cli.json(&[
        "bulk",
        "--profile",
        "Tester",
        "--csv",
        &csv.display().to_string(),
        "--concurrency",
        "16",
    ]);
    assert_eq!(
        (out["total"].as_u64(), out["created"].as_u64()),
        (Some(2345), Some(2345)),
        "{out}"
    );
    let file = std::fs::read_to_string(dir.path().join("many.results.csv")).expect("results");
    let lines: Vec<usize> = file
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().parse().expect("line number"))
        .collect();
    assert_eq!(
        lines,
        (2..=2346).collect::<Vec<_>>(),
        "one line per CSV line, in CSV order"
    );
    assert!(file.lines().skip(1).all(|l| l.contains(",created,")));
    let ids: std::collections::HashSet<&str> = file
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap())
        .collect();
    assert_eq!(ids.len(), 2345, "every row its own instance");
    assert!(
        !dir.path().join("many.results.csv.tidy").exists(),
        "the tidy file replaced the journal"
    );
}

/// The sandbox's own record of what it answered.
fn sandbox_log(s: &Served) -> Vec<serde_json::Value> {
    let url = format!(
        "{}_sandbox/log",
        s.announced["urls"]["maskinporten"].as_str().expect("url")
    );
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(async {
            reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("client")
                .get(url)
                .header("x-sandbox-secret", s.cli.sandbox_secret())
                .send()
                .await
                .expect("log")
                .json()
                .await
                .expect("json")
        })
}

#[test]
fn a_bulk_run_killed_halfway_and_resumed_makes_every_instance_exactly_once() {
    // App B answers after 20 ms, so 500 rows take seconds and the run can be killed halfway.
    let s = served_with_args(None, &["--latency", "20"]);
    let dir = tempfile::tempdir().expect("tmp");
    let csv = dir.path().join("owners.csv");
    let mut rows = String::from("owner,partyId,navn\n");
    for i in 1..=500 {
        rows.push_str(&format!("312345676,500001,Rad {i}\n"));
    }
    std::fs::write(&csv, rows).expect("csv");
    let results = dir.path().join("owners.results.csv");
    let csv_arg = csv.display().to_string();
    let bulk = |extra: &[&str]| {
        let mut args = vec![
            "--json",
            "bulk",
            "--profile",
            "Tester",
            "--csv",
            &csv_arg,
            "--concurrency",
            "4",
        ];
        args.extend(extra);
        s.cli
            .command()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("bulk")
    };
    let settled = |text: &str| {
        text.lines()
            .filter(|l| l.contains(",created,") || l.contains(",failed,"))
            .count()
    };
    let mut first = bulk(&[]);
    // Wait for the journal to show half the rows settled, then kill the process outright.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let text = std::fs::read_to_string(&results).unwrap_or_default();
        if settled(&text) >= 250 {
            break;
        }
        assert!(
            first.try_wait().expect("poll").is_none(),
            "the run ended before it was killed: {text}"
        );
        assert!(std::time::Instant::now() < deadline, "no progress: {text}");
        std::thread::yield_now();
    }
    first.kill().expect("kill -9");
    first.wait().expect("reaped");
    let journal = std::fs::read_to_string(&results).expect("journal");
    let before = settled(&journal);
    assert!(
        (250..500).contains(&before),
        "killed halfway: {before} rows settled"
    );
    assert!(
        std::fs::metadata(format!("{}.baseline.json", results.display())).is_ok(),
        "the owners' instances before the run are kept for --resume"
    );

    let out = bulk(&["--resume", &results.display().to_string()])
        .wait_with_output()
        .expect("resume");
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        (
            summary["created"].as_u64(),
            summary["failed"].as_u64(),
            summary["unknown"].as_u64()
        ),
        (Some(500), Some(0), Some(0)),
        "{summary}"
    );

    // The results file: every CSV line once, in order, each with its own instance.
    let file = std::fs::read_to_string(&results).expect("results");
    let lines: Vec<&str> = file.lines().skip(1).collect();
    assert_eq!(lines.len(), 500, "{file}");
    let mut ids = std::collections::BTreeSet::new();
    for (i, line) in lines.iter().enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells[0], (i + 2).to_string(), "{line}");
        assert_eq!(cells[3], "created", "{line}");
        assert!(
            ids.insert(cells[2].to_string()),
            "instance {} claimed twice",
            cells[2]
        );
    }
    assert!(!std::path::Path::new(&format!("{}.baseline.json", results.display())).exists());

    // App B's own count: exactly 500 instances were created, none twice.
    let created = sandbox_log(&s)
        .iter()
        .filter(|e| {
            e["method"] == "POST"
                && e["path"].as_str().is_some_and(|p| p.contains("/instances"))
                && e["status"] == 201
        })
        .count();
    assert_eq!(created, 500, "instances app B made");
    // The history knows each one, written as it was made (cleanup with --all-made-here reads it).
    let history =
        std::fs::read_to_string(s.cli.data.path().join("history.jsonl")).expect("history");
    let in_history: std::collections::BTreeSet<String> = history
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|e| e["action"] == "bulk" && e["outcome"] == "created")
        .filter_map(|e| e["instanceId"].as_str().map(str::to_string))
        .collect();
    assert_eq!(in_history, ids);
}
