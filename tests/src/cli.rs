//! Runs one of the real binaries against a private keychain and a throwaway data folder, for
//! the command-line tests (`assistant-app`) and the desktop tests (`maskinporten-assistant`).

use std::io::Write;
use std::process::{Command, Output, Stdio};

use crate::keyring::PrivateKeyring;

#[derive(Debug)]
pub struct Cli {
    bin: &'static str,
    pub keyring: PrivateKeyring,
    pub data: tempfile::TempDir,
}

impl Cli {
    /// Runs `bin` (a test's `env!("CARGO_BIN_EXE_…")`).
    pub fn of(bin: &'static str) -> Self {
        Self {
            bin,
            keyring: PrivateKeyring::start(),
            data: tempfile::tempdir().expect("data dir"),
        }
    }

    pub fn command(&self) -> Command {
        let mut command = Command::new(self.bin);
        command
            .envs(self.keyring.env())
            .env("MASKINPORTEN_ASSISTANT_DATA_DIR", self.data.path());
        command.stdin(Stdio::null());
        command
    }

    /// The secret of the `sandbox serve` running on this data folder (from the file it keeps
    /// there for the tool's other commands).
    pub fn sandbox_secret(&self) -> String {
        let running: serde_json::Value = serde_json::from_slice(
            &std::fs::read(self.data.path().join("sandbox-running.json"))
                .expect("sandbox-running.json"),
        )
        .expect("json");
        running["secret"].as_str().expect("secret").to_string()
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().expect("binary runs")
    }

    pub fn run_with_stdin(&self, args: &[&str], input: &str) -> Output {
        let mut child = self
            .command()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
        child.wait_with_output().expect("wait")
    }

    /// Runs with `--json`, asserts exit code 0, returns the parsed output.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let out = self.run(&[&["--json"], args].concat());
        assert!(
            out.status.success(),
            "{args:?} failed: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?} printed no JSON ({e}): {}", text(&out.stdout)))
    }

    /// Runs with `--json`, asserts exit code 1, returns the `error` object.
    pub fn json_error(&self, args: &[&str]) -> serde_json::Value {
        let out = self.run(&[&["--json"], args].concat());
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?} should fail: {}",
            text(&out.stdout)
        );
        let body: serde_json::Value = serde_json::from_slice(&out.stdout).expect("error as JSON");
        body["error"].clone()
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every file's bytes under `root`, as lossy text, for secret scans.
pub fn all_text_under(root: &std::path::Path) -> String {
    let mut out = String::new();
    let Ok(entries) = std::fs::read_dir(root) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.push_str(&all_text_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    out
}
