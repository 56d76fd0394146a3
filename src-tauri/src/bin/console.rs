//! `maskinporten-assistant.com` on Windows: the same program as `maskinporten-assistant.exe`,
//! built for the console subsystem. The window program is a GUI-subsystem executable (so opening
//! it from the Start menu shows no console), and Windows gives such a program no stdout when it
//! is started from cmd or PowerShell, nor waits for its exit code. Installed side by side, a
//! typed `maskinporten-assistant token …` finds the `.com` first (PATHEXT lists .COM before
//! .EXE), prints and exits like the Linux CLI, and with no subcommand starts the window.
//!
//! Built only with the `windows-console` feature, by `scripts/package-windows.sh`.

fn main() -> std::process::ExitCode {
    maskinporten_assistant::console_entry()
}
