//! The fault matrix (run by scripts/faults.sh, not by the ordinary test run: it takes minutes).
//! For each fault the sandbox can inject, the real CLI runs the chain (token and exchange), one
//! instance and a 200-row bulk against a `sandbox serve`, and the table says what the person saw,
//! how long the answer took and how many instances were created against how many were asked.
//! Every row must end in the right result or a clear error, never a duplicate instance, and
//! never a change to what was already stored (profiles and keys).

mod support;

use std::io::BufRead;
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use support::{Cli, text};

const ROWS: usize = 200;
const OWNER: &str = "312345676";
/// App B's instances, as the sandbox serves the built-in app.
const INSTANCES: &str = "/ttd/sandbox-app-b/instances";
const TOKEN: &str = "/token";
const EXCHANGE: &str = "/authentication/api/v1/exchange/maskinporten";

struct Served {
    cli: Cli,
    serve: Child,
    maskinporten: String,
    key_vault: String,
    secret: String,
    runtime: tokio::runtime::Runtime,
    http: reqwest::Client,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-INT", &self.serve.id().to_string()])
            .status();
        let _ = self.serve.wait();
    }
}

impl Served {
    fn start(cli: Cli) -> Self {
        cli.json(&["profile", "create", "Tester", "--secret-prefix", "faults"]);
        cli.json(&["key", "generate", "--profile", "Tester"]);
        cli.json(&["sandbox", "register", "--profile", "Tester"]);
        let mut serve = cli
            .command()
            .args(["--json", "sandbox", "serve", "--profile", "Tester"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("serve");
        let mut line = String::new();
        std::io::BufReader::new(serve.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("URLs printed");
        let announced: serde_json::Value = serde_json::from_str(&line).expect("URLs as JSON");
        let url = |name: &str| {
            announced["urls"][name]
                .as_str()
                .expect("url")
                .trim_end_matches('/')
                .to_string()
        };
        let secret = cli.sandbox_secret();
        Self {
            maskinporten: url("maskinporten"),
            key_vault: url("key_vault"),
            cli,
            serve,
            secret,
            runtime: tokio::runtime::Runtime::new().expect("runtime"),
            http: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("client"),
        }
    }

    fn control(&self, method: reqwest::Method, url: String, body: Option<serde_json::Value>) {
        let status = self.runtime.block_on(async {
            let mut request = self
                .http
                .request(method, &url)
                .header("x-sandbox-secret", &self.secret);
            if let Some(body) = body {
                request = request.json(&body);
            }
            request.send().await.expect("control").status()
        });
        assert!(status.is_success(), "{url}: {status}");
    }

    fn fault(&self, fault: serde_json::Value) {
        self.control(
            reqwest::Method::POST,
            format!("{}/_sandbox/faults", self.maskinporten),
            Some(fault),
        );
    }

    fn clock(&self, offset_seconds: i64) {
        self.control(
            reqwest::Method::POST,
            format!("{}/_sandbox/clock", self.maskinporten),
            Some(serde_json::json!({ "offsetSeconds": offset_seconds })),
        );
    }

    fn soft_delete(&self, name: &str) {
        self.control(
            reqwest::Method::POST,
            format!("{}/_sandbox/keyvault/soft-delete/{name}", self.key_vault),
            None,
        );
    }

    /// Instances app B created (201 to a POST on its instances), from the sandbox's log.
    fn created(&self) -> usize {
        let log: Vec<serde_json::Value> = self.runtime.block_on(async {
            self.http
                .get(format!("{}/_sandbox/log", self.maskinporten))
                .header("x-sandbox-secret", &self.secret)
                .send()
                .await
                .expect("log")
                .json()
                .await
                .expect("json")
        });
        log.iter()
            .filter(|e| {
                e["method"] == "POST"
                    && e["path"].as_str().is_some_and(|p| p.starts_with(INSTANCES))
                    && e["status"] == 201
            })
            .count()
    }

    fn stored(&self) -> (Vec<u8>, Vec<u8>) {
        let read = |name: &str| std::fs::read(self.cli.data.path().join(name)).unwrap_or_default();
        (read("profiles.json"), read("keys.json"))
    }
}

/// One command's outcome: ok or the error's first line, and how long it took.
struct Answer {
    ok: bool,
    said: String,
    took: Duration,
    json: serde_json::Value,
}

fn answer(out: Output, took: Duration) -> Answer {
    let stdout = text(&out.stdout);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_default();
    let said = match json["error"]["message"].as_str() {
        Some(message) => message.to_string(),
        None if out.status.success() => "ok".to_string(),
        None => format!("{}{}", stdout, text(&out.stderr))
            .lines()
            .next()
            .unwrap_or_default()
            .to_string(),
    };
    Answer {
        ok: out.status.success(),
        said,
        took,
        json,
    }
}

fn timed(s: &Served, args: &[&str]) -> Answer {
    let started = Instant::now();
    let out = s.cli.run(args);
    answer(out, started.elapsed())
}

/// A clear error: it says something a person can read, no panic, no stack trace.
fn clear(a: &Answer) -> bool {
    let said = a.said.to_lowercase();
    !said.is_empty() && !said.contains("panicked") && !said.contains("backtrace")
}

struct Row {
    fault: String,
    chain: Answer,
    instance: Answer,
    bulk: Answer,
    bulk_created: usize,
    created: usize,
}

fn run_row(s: &Served, csv: &str, fault: &str, expect_chain: bool) -> Row {
    let before_created = s.created();
    let stored = s.stored();
    let chain = timed(s, &["--json", "exchange", "--profile", "Tester"]);
    let instance = timed(
        s,
        &[
            "--json",
            "instantiate",
            "--profile",
            "Tester",
            "--owner",
            OWNER,
        ],
    );
    let results = format!(
        "{csv}.{}.results.csv",
        fault.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    );
    let bulk = timed(
        s,
        &[
            "--json",
            "bulk",
            "--profile",
            "Tester",
            "--csv",
            csv,
            "--concurrency",
            "4",
            "--results",
            &results,
        ],
    );
    let bulk_created = std::fs::read_to_string(&results)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains(",created,"))
        .count();
    let created = s.created() - before_created;
    let row = Row {
        fault: fault.to_string(),
        chain,
        instance,
        bulk,
        bulk_created,
        created,
    };
    // The rules every row keeps.
    assert_eq!(s.stored(), stored, "{fault}: profiles or keys changed");
    assert!(
        row.created <= 1 + ROWS,
        "{fault}: {} instances for {} asked: a duplicate",
        row.created,
        1 + ROWS
    );
    for (what, a) in [
        ("chain", &row.chain),
        ("instance", &row.instance),
        ("bulk", &row.bulk),
    ] {
        assert!(
            a.ok || clear(a),
            "{fault}: {what} failed unclearly: {}",
            a.said
        );
    }
    assert_eq!(
        row.chain.ok, expect_chain,
        "{fault}: chain {}",
        row.chain.said
    );
    if fault.contains("clock") {
        assert!(
            row.chain.said.contains("clock"),
            "{fault}: {}",
            row.chain.said
        );
    }
    if row.instance.ok {
        assert!(row.instance.json["instance"]["id"].is_string(), "{fault}");
    }
    row
}

fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

fn cell(a: &Answer) -> String {
    let said: String = a.said.chars().take(90).collect();
    format!("{} ({})", said.replace('|', "/"), seconds(a.took))
}

#[test]
#[ignore = "minutes long: run by scripts/faults.sh"]
fn the_fault_matrix() {
    let s = Served::start(support::cli());
    let dir = tempfile::tempdir().expect("tmp");
    let csv = dir.path().join("owners.csv");
    let mut rows = String::from("owner,partyId\n");
    for _ in 0..ROWS {
        rows.push_str(&format!("{OWNER},500001\n"));
    }
    std::fs::write(&csv, rows).expect("csv");
    let csv = csv.display().to_string();

    let fault = |service: &str, path: &str, kind: serde_json::Value, next: Option<u32>| {
        let mut f = serde_json::json!({ "service": service, "pathPrefix": path, "kind": kind });
        if let Some(n) = next {
            f["next"] = n.into();
        }
        s.fault(f);
    };
    let clear_faults = || {
        s.control(
            reqwest::Method::DELETE,
            format!("{}/_sandbox/faults", s.maskinporten),
            None,
        );
    };

    let mut table = Vec::new();
    let mut row = |name: &str, expect_chain: bool, setup: &dyn Fn()| {
        setup();
        table.push(run_row(&s, &csv, name, expect_chain));
        clear_faults();
        s.clock(0);
    };
    row("none", true, &|| {});
    row("latency 5 s on Maskinporten /token", true, &|| {
        fault(
            "maskinporten",
            TOKEN,
            serde_json::json!({"type": "latency", "ms": 5000}),
            None,
        )
    });
    row("timeout: /token answers after 35 s", false, &|| {
        fault(
            "maskinporten",
            TOKEN,
            serde_json::json!({"type": "latency", "ms": 35000}),
            None,
        )
    });
    row("500 on /token", false, &|| {
        fault(
            "maskinporten",
            TOKEN,
            serde_json::json!({"type": "status", "code": 500}),
            None,
        )
    });
    row("502 on the exchange", false, &|| {
        fault(
            "altinn_platform",
            EXCHANGE,
            serde_json::json!({"type": "status", "code": 502}),
            None,
        )
    });
    row("503 on app B's instances", true, &|| {
        fault(
            "apps",
            INSTANCES,
            serde_json::json!({"type": "status", "code": 503}),
            None,
        )
    });
    row("429 Retry-After 2 s on app B (the next 2)", true, &|| {
        fault(
            "apps",
            INSTANCES,
            serde_json::json!({"type": "too_many_requests", "retryAfterSecs": 2}),
            Some(2),
        )
    });
    row(
        "429 Retry-After 1 s on one in three of app B's answers",
        true,
        &|| {
            s.fault(serde_json::json!({
                "service": "apps", "pathPrefix": INSTANCES,
                "kind": {"type": "too_many_requests", "retryAfterSecs": 1},
                "every": [1, 3]
            }));
        },
    );
    row("garbage (an HTML page) from /token", false, &|| {
        fault(
            "maskinporten",
            TOKEN,
            serde_json::json!({"type": "garbage"}),
            None,
        )
    });
    row("dropped connection at the exchange", false, &|| {
        fault(
            "altinn_platform",
            EXCHANGE,
            serde_json::json!({"type": "drop_connection"}),
            None,
        )
    });
    row("truncated answers from app B (every 4th)", true, &|| {
        s.fault(serde_json::json!({
            "service": "apps", "pathPrefix": INSTANCES, "kind": {"type": "malformed_body"},
            "every": [1, 4]
        }));
    });
    // Maskinporten allows 10 s between the grant's iat and its own clock (DD-jwtgrant): with the
    // computer 5 minutes off, the right answer is an error that names the clock.
    row("services' clocks 5 min ahead", false, &|| s.clock(300));
    row("services' clocks 5 min behind", false, &|| s.clock(-300));

    let mut out = String::from(
        "| Fault | Chain (token + exchange) | One instance | Bulk of 200 | Instances created / asked |\n|---|---|---|---|---|\n",
    );
    for r in &table {
        out.push_str(&format!(
            "| {} | {} | {} | {} rows created; {} | {} / {} |\n",
            r.fault,
            cell(&r.chain),
            cell(&r.instance),
            r.bulk_created,
            cell(&r.bulk),
            r.created,
            1 + ROWS
        ));
    }
    out.push_str(&key_vault_conflict(&s));
    out.push_str(&full_disk());
    println!("\n{out}");
    let artifacts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../artifacts");
    std::fs::create_dir_all(&artifacts).expect("artifacts");
    std::fs::write(artifacts.join("faults.md"), &out).expect("faults.md");
}

/// The Key Vault write meets a secret someone soft-deleted (409 ObjectIsDeletedButRecoverable):
/// a clear error that says what to do, and the other secret unchanged.
fn key_vault_conflict(s: &Served) -> String {
    let kv = |command: &str| {
        vec![
            "--json".to_string(),
            "keyvault".to_string(),
            command.to_string(),
            "--profile".to_string(),
            "Tester".to_string(),
            "--sandbox-identity".to_string(),
            "admin@sandbox.example".to_string(),
        ]
    };
    let run = |args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        timed(s, &args)
    };
    let login = run(kv("login"));
    assert!(login.ok, "login: {}", login.said);
    let written = run(kv("write"));
    assert!(written.ok, "first write: {}", written.said);
    let names: Vec<String> = written.json["secrets"]
        .as_array()
        .expect("secrets")
        .iter()
        .filter_map(|s| s["name"].as_str().map(str::to_string))
        .collect();
    let deleted = names.last().expect("a secret name").clone();
    s.soft_delete(&deleted);
    s.cli.json(&["key", "generate", "--profile", "Tester"]);
    let mut again = kv("write");
    again.push("--yes".into());
    let conflict = run(again);
    assert!(
        !conflict.ok,
        "a write over a soft-deleted secret cannot succeed"
    );
    let hint = conflict.json["error"]["hint"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(clear(&conflict), "{}", conflict.said);
    format!(
        "| Key Vault 409: `{deleted}` soft-deleted, then written | {} | | | hint: {} |\n",
        cell(&conflict),
        hint.replace('|', "/")
    )
}

/// A full disk under the data folder: a small tmpfs (needs root), filled, then a profile
/// created and a key generated. A clear error, and profiles.json as it was.
fn full_disk() -> String {
    let cli = support::cli();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=192k", "tmpfs"])
        .arg(cli.data.path())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        return "| full disk (data folder) | not measured: mounting a small tmpfs needs root | | | |\n"
            .to_string();
    }
    let unmount = || {
        let _ = std::process::Command::new("umount")
            .arg(cli.data.path())
            .status();
    };
    cli.json(&["profile", "create", "First"]);
    let profiles = std::fs::read(cli.data.path().join("profiles.json")).expect("profiles");
    // Fill what is left.
    let filler = cli.data.path().join("filler");
    let mut file = std::fs::File::create(&filler).expect("filler");
    let block = vec![0u8; 4096];
    while std::io::Write::write_all(&mut file, &block).is_ok() {}
    drop(file);
    let started = Instant::now();
    let create = answer(
        cli.run(&["--json", "profile", "create", "Second"]),
        started.elapsed(),
    );
    let started = Instant::now();
    let key = answer(cli.run(&["--json", "key", "generate"]), started.elapsed());
    let after = std::fs::read(cli.data.path().join("profiles.json")).expect("profiles");
    let keys_listed = cli.json(&["key", "list"]);
    unmount();
    assert!(!create.ok && clear(&create), "{}", create.said);
    assert_eq!(after, profiles, "profiles.json unchanged on a full disk");
    assert!(
        key.ok || keys_listed.as_array().is_some_and(Vec::is_empty),
        "a key that could not be recorded is not left half-stored"
    );
    format!(
        "| full disk (data folder on a 192 KiB tmpfs, filled) | profile create: {} | key generate: {} | | profiles.json unchanged; keys listed: {} |\n",
        cell(&create),
        cell(&key),
        keys_listed.as_array().map_or(0, Vec::len)
    )
}
