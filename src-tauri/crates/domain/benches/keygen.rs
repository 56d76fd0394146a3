//! Key generation benchmark: median wall time of several runs for 2048 and 4096 bits, printed
//! beside `openssl genrsa` measured in the same run on the same machine, so the ratio means
//! something whatever machine runs it. Run with `cargo bench -p assistant-domain --bench keygen`.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use assistant_domain::keys::generate::generate_rsa;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time_ours(bits: usize, runs: usize) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                let key = generate_rsa(&mut rand::rngs::OsRng, bits).expect("generation works");
                let elapsed = start.elapsed();
                drop(key);
                elapsed
            })
            .collect(),
    )
}

fn time_openssl(bits: usize, runs: usize) -> Option<Duration> {
    let mut samples = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        // The key goes to /dev/null: nothing is written anywhere.
        let status = Command::new("openssl")
            .args(["genrsa", "-out", "/dev/null", &bits.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .ok()?;
        if !status.success() {
            return None;
        }
        samples.push(start.elapsed());
    }
    Some(median(samples))
}

fn main() {
    // `cargo test --benches` runs this binary with --bench absent; keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    println!("RSA key generation, median of N runs (lower is better)");
    println!(
        "{:>6} {:>4} {:>14} {:>14} {:>8}",
        "bits", "N", "ours", "openssl", "ratio"
    );
    for (bits, runs) in [
        (2048, if quick { 1 } else { 15 }),
        (4096, if quick { 1 } else { 7 }),
    ] {
        let ours = time_ours(bits, runs);
        let theirs = time_openssl(bits, runs);
        let (theirs_text, ratio) = match theirs {
            Some(t) => (
                format!("{t:.3?}"),
                format!("{:.2}", ours.as_secs_f64() / t.as_secs_f64()),
            ),
            None => ("unavailable".to_string(), "-".to_string()),
        };
        println!(
            "{bits:>6} {runs:>4} {:>14} {theirs_text:>14} {ratio:>8}",
            format!("{ours:.3?}")
        );
    }
}
