//! `maskinporten-assistant-window`: the window. People type `maskinporten-assistant` (the
//! Tauri-free program in src-tauri/crates/app), which starts this one when given no subcommand.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    maskinporten_assistant::main_entry()
}
