#!/usr/bin/env bash
# Every check CI runs, in the order that fails fastest: formatting, the domain's independence
# from Tauri, import circles and long files, the UI build and checks, clippy, the keychain per platform and a Windows build check,
# all Rust tests (keychain tests start their own Secret Service; the desktop test its own Xvfb),
# a bounded fuzz run of the config readers, generated bindings, the UI's browser tests, and the
# supply-chain check.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$root/.tools/bin:$PATH"
# CI builds once from a clean clone: incremental caches (~1.8 GB) would only cost disk there.
if [ "${CI:-}" = true ]; then export CARGO_INCREMENTAL=0; fi
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

bash scripts/setup.sh test

step "cargo fmt --check"
cargo fmt --all --check

step "The domain and the command line do not depend on Tauri or GTK"
for crate in assistant-domain assistant-app; do
  if cargo tree -p "$crate" -e normal,build --prefix none | grep -E '^(tauri|gtk|webkit2gtk|wry)' ; then
    echo "$crate depends on the window's libraries: keep that code in src-tauri" >&2; exit 1
  fi
done
echo "ok: no tauri, gtk or wry in assistant-domain's or assistant-app's tree"

step "No import circles between modules, no source file over 500 lines (shared/tools/rust_cycles.py)"
cycles="$root/../shared/tools/rust_cycles.py"
if [ -f "$cycles" ]; then
  python3 "$cycles" src-tauri/src src-tauri/crates/app/src src-tauri/crates/domain/src src-tauri/crates/sandbox/src tests/src
elif [ "${CI:-}" = true ]; then
  # CI checks out the tool beside the clone: without it the check would pass unseen.
  echo "error: $cycles is missing, so import circles and long files are not checked; CI must have it" >&2
  exit 1
else
  echo "skipped: $cycles is not beside this clone (CI always has it)"
fi

step "UI: type-check, unit tests, build"
(cd ui && npm run --silent check && npm test --silent && npm run --silent build)

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Keys persist on every platform; the workspace builds for Windows"
bash scripts/check-platforms.sh

step "cargo test (workspace)"
cargo test --workspace --locked

step "Fuzz the appsettings and Program.cs readers (cargo fuzz, 30 s each)"
bash scripts/fuzz.sh 30

step "Generated TypeScript bindings are up to date"
if [ -n "$(git status --porcelain -- ui/src/bindings)" ]; then
  git status --porcelain -- ui/src/bindings
  echo "ui/src/bindings changed when the tests regenerated them: commit the new bindings" >&2; exit 1
fi
echo "ok: bindings match the Rust types"

step "UI: browser tests (headless Chromium, backend mocked)"
(cd ui && npm run --silent test:browser)

step "Supply chain: cargo deny (advisories always checked: live or the shipped snapshot)"
bash scripts/deny.sh

step "Supply chain: npm advisories"
bash scripts/npm-audit.sh

step "All checks passed"
