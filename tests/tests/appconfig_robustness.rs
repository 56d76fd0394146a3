//! Bad input never crashes the config check: mutated fixtures (bytes flipped, cut, spliced, and
//! the characters that matter to the readers inserted) go through the appsettings reader, the
//! Program.cs scanner and the whole check. A short, seeded run that is part of `cargo test`; the
//! coverage-guided fuzzing of the two readers is scripts/fuzz.sh.

use std::path::Path;
use std::time::{Duration, Instant};

use assistant_domain::appconfig::{self, AppBFiles, AppFiles, SourceFile, csharp, json};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const BUDGET: Duration = Duration::from_secs(3);
const ROUNDS: usize = 4_000;
/// Pieces that change how the readers nest, quote or skip.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "\"",
    "'",
    "\\",
    "\\u",
    "\\ud800",
    "/*",
    "*/",
    "//",
    "\r\n",
    "\n",
    ",",
    ":",
    "@\"",
    "$\"",
    "\"\"\"",
    "<",
    ">",
    "#if",
    "\u{FEFF}",
    "é",
    "GetSection(\"a\")",
    "AddMaskinportenHttpClient<X>(",
    "AddAzureKeyVaultAsConfigProvider()",
    "void F() {",
    "F();",
    "<xacml:Rule Effect=\"Permit\">",
    "</xacml:Rule>",
    "<!--",
];

fn seeds() -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/appconfig")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("fixtures").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(
                    String::from_utf8_lossy(&std::fs::read(&path).expect("read")).into_owned(),
                );
            }
        }
    }
    out.sort();
    out
}

fn mutate(rng: &mut StdRng, seeds: &[String]) -> String {
    let mut bytes = seeds[rng.gen_range(0..seeds.len())].clone().into_bytes();
    for _ in 0..rng.gen_range(1..6) {
        let at = rng.gen_range(0..=bytes.len());
        match rng.gen_range(0..5) {
            0 => bytes.truncate(at),
            1 => {
                let token = TOKENS[rng.gen_range(0..TOKENS.len())];
                bytes.splice(at..at, token.bytes());
            }
            2 if at < bytes.len() => bytes[at] = rng.r#gen(),
            3 => {
                let other = seeds[rng.gen_range(0..seeds.len())].as_bytes();
                let from = rng.gen_range(0..=other.len());
                bytes.splice(at..at, other[from..].iter().take(200).copied());
            }
            _ => {
                let end = rng.gen_range(at..=bytes.len().min(at + 40));
                bytes.drain(at..end);
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn mutated_app_files_never_crash_the_readers_or_the_check() {
    let seeds = seeds();
    assert!(seeds.len() > 50, "the fixtures seed the mutations");
    let mut rng = StdRng::seed_from_u64(0x6d61_736b_696e);
    let started = Instant::now();
    let mut rounds = 0;
    while rounds < ROUNDS && started.elapsed() < BUDGET {
        let text = mutate(&mut rng, &seeds);
        let lines = u32::try_from(text.matches('\n').count() + 1).unwrap_or(u32::MAX);
        let settings = json::read(&text);
        assert!(settings.entries.iter().all(|e| e.line <= lines));
        assert!(csharp::scan(&text).calls.iter().all(|c| c.line <= lines));
        let file = |name: &str| Some(SourceFile::new(name, text.clone()));
        let app = AppFiles {
            csproj: file("App/App.csproj"),
            program: file("App/Program.cs"),
            appsettings: vec![SourceFile::new("App/appsettings.json", text.clone())],
            values: file("deployment/values.yaml"),
            ..AppFiles::default()
        };
        let app_b = AppBFiles {
            policy: file("App/config/authorization/policy.xml"),
            metadata: file("App/config/applicationmetadata.json"),
            ..AppBFiles::default()
        };
        let report = appconfig::check(&app, None, Some(&app_b));
        assert!(
            report
                .findings
                .iter()
                .all(|f| f.line.is_none_or(|l| l <= lines))
        );
        rounds += 1;
    }
    assert!(rounds >= 100, "only {rounds} rounds ran in {BUDGET:?}");
}
