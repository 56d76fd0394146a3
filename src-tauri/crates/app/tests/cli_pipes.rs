//! A closed stdout or stderr (`… | head`, `2>&1 >out | true`) never makes the CLI panic (exit
//! 101): every output path writes through one place that remembers a failed write, and the
//! command exits 1 so a script learns that not everything was delivered.

mod support;

use std::process::{Command, Stdio};

use support::{Cli, text};

/// A pipe whose reading end is already closed: every write to it fails with EPIPE.
fn closed_pipe() -> Stdio {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    Stdio::from(writer)
}

#[derive(Clone, Copy)]
enum Closed {
    Stdout,
    Stderr,
}

/// Runs `args` with one stream closed; the other is captured. The exit code and what the open
/// stream got.
fn run(cli: &Cli, args: &[&str], closed: Closed) -> (Option<i32>, String) {
    let mut command: Command = cli.command();
    command.args(args);
    match closed {
        Closed::Stdout => command.stdout(closed_pipe()).stderr(Stdio::piped()),
        Closed::Stderr => command.stdout(Stdio::piped()).stderr(closed_pipe()),
    };
    let out = command.output().expect("runs");
    let open = match closed {
        Closed::Stdout => text(&out.stderr),
        Closed::Stderr => text(&out.stdout),
    };
    (out.status.code(), open)
}

fn assert_exit_1(cli: &Cli, args: &[&str], closed: Closed) -> String {
    let (code, open) = run(cli, args, closed);
    assert!(!open.contains("panicked"), "{args:?}: {open}");
    assert_eq!(
        code,
        Some(1),
        "{args:?} must exit 1, not panic (101): {open}"
    );
    open
}

#[test]
fn results_in_text_and_json_on_a_closed_stdout_exit_1() {
    let cli = support::cli();
    assert_exit_1(&cli, &["info"], Closed::Stdout);
    assert_exit_1(&cli, &["--json", "info"], Closed::Stdout);
    assert_exit_1(&cli, &["--json", "profile", "show", "nope"], Closed::Stdout);
    let fixture = format!(
        "{}/../../../tests/fixtures/real-apps/app-template-dotnet-v7-1-4",
        env!("CARGO_MANIFEST_DIR")
    );
    assert_exit_1(&cli, &["config", "check", &fixture], Closed::Stdout);
}

#[test]
fn errors_progress_and_the_config_report_on_a_closed_stderr_exit_1() {
    let cli = support::cli();
    // The error line of a failing command.
    assert_exit_1(&cli, &["profile", "show", "nope"], Closed::Stderr);
    // `config check … 2>&1 >out | true`: the report goes to stdout, the error summary to stderr.
    let broken = format!(
        "{}/../../../tests/fixtures/appconfig/keyvault-missing",
        env!("CARGO_MANIFEST_DIR")
    );
    let report = assert_exit_1(&cli, &["config", "check", &broken], Closed::Stderr);
    assert!(report.contains("keyvault_missing"), "{report}");
    // Progress lines while a key is made: the key is still made and listed.
    let generated = assert_exit_1(&cli, &["key", "generate", "--bits", "2048"], Closed::Stderr);
    assert!(generated.starts_with("Generated "), "{generated}");
    assert_eq!(cli.json(&["key", "list"]).as_array().map(Vec::len), Some(1));
}

#[test]
fn the_bulk_progress_line_on_a_closed_stderr_ends_in_exit_1_with_every_row_done() {
    let cli = support::cli();
    cli.json(&["profile", "create", "Rehearsal"]);
    cli.json(&["key", "generate", "--profile", "Rehearsal"]);
    cli.json(&["sandbox", "register", "--profile", "Rehearsal"]);
    let dir = tempfile::tempdir().expect("tmp");
    let csv = dir.path().join("owners.csv");
    std::fs::write(&csv, "owner\n312345676\n312345676\n").expect("csv");
    let csv = csv.display().to_string();
    let out = assert_exit_1(
        &cli,
        &["bulk", "--profile", "Rehearsal", "--csv", &csv],
        Closed::Stderr,
    );
    assert!(out.contains("2 created"), "{out}");
}
