#!/usr/bin/env bash
# Every performance figure in one run, each beside a reference measured in the same run on this
# machine (median, min–max of BENCH_PAIRS pairs, default 15, and the ratio): `--version`, the
# exchange chain against a curl + openssl script, key generation against `openssl genrsa`, bulk
# at 150 ms latency against concurrency ÷ latency, bulk memory at 1k/10k/100k rows, and the
# window's start and idle memory (with its WebKit processes) against a hello-world Tauri v2 app.
# Builds the release command line first. Not in CI (minutes); runs after `bash scripts/setup.sh
# test` on a fresh machine. It never touches your keychain or data folder (a private D-Bus
# session with its own gnome-keyring, a temporary data folder, a sandbox on 127.0.0.1).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh test >/dev/null
for tool in curl openssl; do
  command -v "$tool" >/dev/null || { echo "error: $tool is missing (apt-get install $tool)" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "error: GNU time is missing (apt-get install time)" >&2; exit 1; }
target="${CARGO_TARGET_DIR:-$root/target}"
echo "==> Release builds: the command line, the window, and a hello-world Tauri v2 app"
(cd ui && npm run --silent build)
cargo build --release --locked -p assistant-app -p maskinporten-assistant-window --bins
# The reference window: the same tauri version, from this workspace's lock file.
cp Cargo.lock scripts/lib/hello-tauri/Cargo.lock
cargo build --release --manifest-path scripts/lib/hello-tauri/Cargo.toml --target-dir "$target"
BENCH_BIN_DIR="$target/release" BENCH_HELLO="$target/release/hello-tauri" exec python3 scripts/lib/bench.py
