//! Any bytes into the Program.cs scanner: it must not panic, and every call it finds must sit on
//! a line of the file.
#![no_main]

#[allow(dead_code)]
#[path = "../../src-tauri/crates/domain/src/appconfig/csharp/mod.rs"]
mod csharp;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = u32::try_from(text.matches('\n').count() + 1).unwrap_or(u32::MAX);
    let scan = csharp::scan(&text);
    for call in &scan.calls {
        assert!(
            call.line >= 1 && call.line <= lines,
            "call line {} of {lines}",
            call.line
        );
        for other in &scan.calls {
            let _ = call.runs_before(other);
        }
    }
});
