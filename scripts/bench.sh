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
# What only the bench needs: GNU time (peak RSS) and xwininfo (when a window is mapped).
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
for p in time x11-utils curl openssl; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> Installing apt packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  sudo_if_needed apt-get update -qq
  sudo_if_needed apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
target="${CARGO_TARGET_DIR:-$root/target}"
echo "==> Release builds: the command line, the window, and a hello-world Tauri v2 app"
(cd ui && npm run --silent build)
cargo build --release --locked -p assistant-app -p maskinporten-assistant-window --bins
# The reference window: the same tauri version, from this workspace's lock file.
cp Cargo.lock scripts/lib/hello-tauri/Cargo.lock
cargo build --release --manifest-path scripts/lib/hello-tauri/Cargo.toml --target-dir "$target"
BENCH_BIN_DIR="$target/release" BENCH_HELLO="$target/release/hello-tauri" exec python3 scripts/lib/bench.py
