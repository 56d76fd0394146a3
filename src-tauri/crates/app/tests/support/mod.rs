//! Runs the command-line program against a private keychain and a throwaway data folder. These tests sit in
//! the binary's crate so cargo always rebuilds it before they run (`CARGO_BIN_EXE_…`).

#![allow(dead_code, unused_imports)] // each test binary uses a different part

pub use assistant_tests::cli::{Cli, all_text_under, text};

pub const BIN: &str = env!("CARGO_BIN_EXE_maskinporten-assistant");

/// A fresh keychain and data folder for the command-line program.
pub fn cli() -> Cli {
    Cli::of(BIN)
}
