#!/usr/bin/env bash
# Sets up what is missing, builds the UI and starts Maskinporten Assistant (sandbox by default).
# Extra arguments go to the app, e.g. `scripts/run-app.sh key list`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh app
(cd ui && npm run --silent build)
# The command people type (src-tauri/crates/app) starts the window program built beside it.
cargo build --quiet -p maskinporten-assistant-window -p assistant-app --bins
exec cargo run --quiet -p assistant-app --bin maskinporten-assistant -- "$@"
