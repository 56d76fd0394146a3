//! Any bytes into the appsettings reader: it must not panic, and what it reports must point
//! inside the text (lines within the file).
#![no_main]

#[allow(dead_code)]
#[path = "../../src-tauri/crates/domain/src/appconfig/json/mod.rs"]
mod json;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = u32::try_from(text.matches('\n').count() + 1).unwrap_or(u32::MAX);
    let settings = json::read(&text);
    for entry in &settings.entries {
        assert!(
            entry.line >= 1 && entry.line <= lines,
            "entry line {} of {lines}",
            entry.line
        );
        let _ = settings.get(&entry.key);
        let _ = settings.has_section(&entry.key);
    }
    if let Some(error) = &settings.error {
        assert!(
            error.line >= 1 && error.line <= lines,
            "error line {} of {lines}",
            error.line
        );
    }
});
