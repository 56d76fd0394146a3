#!/usr/bin/env bash
# Fuzzes the app configuration readers (appsettings JSON and the Program.cs scanner) with
# cargo fuzz (libFuzzer), each for a bounded time: `scripts/fuzz.sh [SECONDS_PER_TARGET]`
# (default 30). The fixtures under tests/fixtures/appconfig seed the corpus.
#
# Why this works on the stable toolchain: `--sanitizer none` makes cargo fuzz pass only stable
# rustc flags (coverage instrumentation, debug assertions), so no nightly and no RUSTC_BOOTSTRAP
# are needed. AddressSanitizer would need -Zsanitizer; the readers are safe Rust (unsafe is
# forbidden workspace-wide), so what the fuzzer looks for is panics, overflow and hangs, and those
# are caught without it. A crash leaves its input under fuzz/artifacts/ and fails this script.
set -euo pipefail
seconds="${1:-30}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$root/.tools/bin:$PATH"
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz is missing: run scripts/setup.sh test" >&2; exit 1
fi
for target in appsettings program_cs; do
  corpus="$(mktemp -d)"
  log="$(mktemp)"
  echo "fuzzing $target for ${seconds}s"
  status=0
  cargo fuzz run --sanitizer none "$target" "$corpus" tests/fixtures/appconfig -- \
    -max_total_time="$seconds" -max_len=8192 -timeout=5 -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E '^(Done|stat::number_of_executed_units)' "$log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 40 "$log" >&2
    echo "fuzz target $target failed (exit $status); the input is under fuzz/artifacts/$target/" >&2
    exit "$status"
  fi
  rm -rf "$corpus" "$log"
done
echo "ok: both readers ran ${seconds}s each without a crash"
