//! The command people type runs without the window's libraries: on a server or CI runner with
//! no GTK or WebKitGTK it must still start, and with no subcommand it says how to get the window
//! instead of failing to load.

mod support;

use support::text;

#[cfg(target_os = "linux")]
#[test]
fn the_command_line_program_links_no_gui_library() {
    let out = std::process::Command::new("ldd")
        .arg(support::BIN)
        .output()
        .expect("ldd runs");
    assert!(out.status.success(), "ldd: {}", text(&out.stderr));
    let libraries = text(&out.stdout);
    assert!(
        libraries.contains("libc.so"),
        "ldd printed no library list: {libraries}"
    );
    for gui in [
        "libgtk",
        "libgdk",
        "libwebkit2gtk",
        "libjavascriptcoregtk",
        "libsoup",
    ] {
        assert!(
            !libraries.contains(gui),
            "{} loads {gui}:\n{libraries}",
            support::BIN
        );
    }
}

#[test]
fn without_a_subcommand_and_without_the_window_program_it_says_what_to_install() {
    // A copy alone in a folder, as after `cargo install` of the command line only.
    let alone = tempfile::tempdir().expect("temp dir");
    let copy = alone.path().join(format!(
        "maskinporten-assistant{}",
        std::env::consts::EXE_SUFFIX
    ));
    std::fs::copy(support::BIN, &copy).expect("copy the binary");
    let data = tempfile::tempdir().expect("data dir");
    let out = std::process::Command::new(&copy)
        .arg("--json")
        .env("MASKINPORTEN_ASSISTANT_DATA_DIR", data.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let body: serde_json::Value = serde_json::from_slice(&out.stdout).expect("error as JSON");
    assert_eq!(body["error"]["kind"], "not_found", "{body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("maskinporten-assistant-window"),
        "names the missing program: {message}"
    );
    let hint = body["error"]["hint"].as_str().unwrap_or_default();
    assert!(
        hint.contains("desktop package") && hint.contains("subcommand"),
        "{hint}"
    );

    // Subcommands work all the same.
    let out = std::process::Command::new(&copy)
        .args(["--json", "info"])
        .env("MASKINPORTEN_ASSISTANT_DATA_DIR", data.path())
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
}
