//! `maskinporten-assistant`: with no subcommand it opens the window; with one it runs headless
//! over the same domain functions (see `cli`).

// No console window on Windows release builds; the CLI is used from a terminal anyway.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    maskinporten_assistant::main_entry()
}
