#!/usr/bin/env bash
# Keys persist on every platform the tool is built for: the keychain feature keyring resolves to
# per target (Secret Service, Keychain, Credential Manager), the compile-time guard that stops a
# build for any other target (where keyring would fall back to a store that forgets everything),
# and a `cargo check` of the whole workspace for Windows so Windows-only code cannot rot.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

expect_feature() {
  local target="$1" feature="$2"
  if cargo tree --locked --target "$target" -e features -i keyring 2>/dev/null | grep -q "keyring feature \"$feature\""; then
    echo "ok: $target uses keyring's $feature"
  else
    echo "error: keyring does not resolve to $feature for $target:" >&2
    cargo tree --locked --target "$target" -e features -i keyring >&2 || true
    exit 1
  fi
}
expect_feature x86_64-unknown-linux-gnu sync-secret-service
expect_feature x86_64-pc-windows-gnu windows-native
expect_feature x86_64-pc-windows-msvc windows-native
expect_feature aarch64-apple-darwin apple-native

# The guard, compiled on its own (core only) for a target with no OS and for Linux.
guard="$(mktemp -d)"
trap 'rm -rf "$guard"' EXIT
{
  echo '#![no_std]'
  awk '/platform guard: begin/ { on = 1 } on { print } /platform guard: end/ { on = 0 }' \
    src-tauri/crates/domain/src/secret_store.rs
} >"$guard/guard.rs"
grep -q compile_error "$guard/guard.rs" || { echo "error: the platform guard is not in secret_store.rs" >&2; exit 1; }
rustup target list --installed | grep -qx x86_64-unknown-none || rustup target add x86_64-unknown-none
if rustc --edition 2024 --crate-type lib --emit metadata --target x86_64-unknown-none \
  -o "$guard/none.rmeta" "$guard/guard.rs" 2>"$guard/none.err"; then
  echo "error: a build for x86_64-unknown-none (no keychain) did not fail" >&2
  exit 1
fi
grep -q "no OS keychain for this target" "$guard/none.err" || { cat "$guard/none.err" >&2; exit 1; }
echo "ok: a build for a target without a keychain fails: $(grep -m1 'error' "$guard/none.err")"
rustc --edition 2024 --crate-type lib --emit metadata -o "$guard/linux.rmeta" "$guard/guard.rs"
echo "ok: the guard lets Linux through"

if [ "${SKIP_WINDOWS_CHECK:-}" != 1 ]; then
  rustup target list --installed | grep -qx x86_64-pc-windows-gnu || rustup target add x86_64-pc-windows-gnu
  cargo check --locked --workspace --target x86_64-pc-windows-gnu
  # The tests the release workflow runs on a Windows runner must compile for it too.
  cargo check --locked --target x86_64-pc-windows-gnu -p assistant-domain -p assistant-sandbox --all-targets
  echo "ok: the workspace, and the domain's and sandbox's tests, build for Windows"
fi
