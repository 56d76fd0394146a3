//! Runs the command-line program against a private keychain and a throwaway data folder. These tests sit in
//! the binary's crate so cargo always rebuilds it before they run (`CARGO_BIN_EXE_…`).

#![allow(dead_code, unused_imports)] // each test binary uses a different part

pub use assistant_tests::cli::{Cli, all_text_under, text};

pub const BIN: &str = env!("CARGO_BIN_EXE_maskinporten-assistant");

/// A fresh keychain and data folder for the command-line program.
pub fn cli() -> Cli {
    Cli::of(BIN)
}

/// A `sandbox serve` of this CLI's data folder, so the vault and the clients' keys live across
/// commands; stopped with Ctrl-C (SIGINT) when dropped.
pub struct Serving {
    serve: std::process::Child,
    /// The announced base URLs (`maskinporten`, `key_vault`, …), each ending in `/`.
    pub urls: serde_json::Value,
}

impl Serving {
    pub fn start(cli: &Cli, extra: &[&str]) -> Self {
        use std::io::BufRead;
        let mut serve = cli
            .command()
            .args(["--json", "sandbox", "serve"])
            .args(extra)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("serve");
        let mut line = String::new();
        std::io::BufReader::new(serve.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("URLs printed");
        let announced: serde_json::Value = serde_json::from_str(&line).expect("URLs as JSON");
        Self {
            serve,
            urls: announced["urls"].clone(),
        }
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-INT", &self.serve.id().to_string()])
            .status();
        let _ = self.serve.wait();
    }
}
