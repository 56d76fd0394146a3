//! What the window's page may do, read from the capability file the build embeds: only the app's
//! own commands (each one registered and each one listed), no core or dialog permission, and the
//! opener only for the official pages the checklist links to.

use std::collections::BTreeSet;
use std::path::Path;

fn read(relative: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)).expect(relative)
}

/// The quoted names between `start` and the next `end` in a source file.
fn names_between(source: &str, start: &str, end: &str) -> BTreeSet<String> {
    let from = source.find(start).expect(start) + start.len();
    let to = from + source[from..].find(end).expect(end);
    source[from..to]
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .map(|l| {
            l.trim_end_matches(',')
                .trim_matches('"')
                .rsplit("::")
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

const OFFICIAL: &[&str] = &[
    "https://docs.altinn.studio",
    "https://docs.digdir.no",
    "https://sjolvbetjening.samarbeid.digdir.no",
    "https://sjolvbetjening.test.samarbeid.digdir.no",
];

#[test]
fn the_page_is_granted_its_own_commands_the_official_pages_and_nothing_else() {
    let capability: serde_json::Value =
        serde_json::from_str(&read("capabilities/default.json")).expect("JSON");
    let permissions = capability["permissions"].as_array().expect("permissions");

    let mut commands = BTreeSet::new();
    let mut others = BTreeSet::new();
    let mut opener_urls = Vec::new();
    for permission in permissions {
        match permission {
            serde_json::Value::String(name) => match name.strip_prefix("allow-") {
                Some(command) => {
                    commands.insert(command.replace('-', "_"));
                }
                None => {
                    others.insert(name.clone());
                }
            },
            object => {
                assert_eq!(object["identifier"], "opener:allow-open-url", "{object}");
                for entry in object["allow"].as_array().expect("allow") {
                    opener_urls.push(entry["url"].as_str().expect("url").to_string());
                }
            }
        }
    }

    // Public keys are copied by the page itself; nothing else outside the app's commands.
    assert_eq!(
        others,
        BTreeSet::from(["clipboard-manager:allow-write-text".to_string()])
    );
    for url in &opener_urls {
        let host = url.trim_end_matches("/*");
        assert!(
            OFFICIAL.contains(&host) && (url == host || url == &format!("{host}/*")),
            "{url} is not one of the official pages (a pattern like https://host* would also let https://host.evil.example through)"
        );
    }
    assert_eq!(opener_urls.len(), OFFICIAL.len() * 2, "{opener_urls:?}");

    // One list in three places: the build's permission manifest, the capability, the handler.
    let manifest = names_between(&read("build.rs"), "const COMMANDS: &[&str] = &[", "];");
    let handler = names_between(&read("src/lib.rs"), "tauri::generate_handler![", "])");
    assert_eq!(commands, manifest, "capability vs build.rs");
    assert_eq!(handler, manifest, "generate_handler! vs build.rs");
    assert!(
        manifest.contains("choose_path") && manifest.len() > 30,
        "{manifest:?}"
    );
}
