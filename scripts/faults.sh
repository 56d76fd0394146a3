#!/usr/bin/env bash
# The fault matrix: the chain, one instance and a 200-row bulk against `sandbox serve` under
# each fault it can inject, plus a Key Vault 409 and a full disk (root: a small tmpfs). Prints
# the table (also in artifacts/faults.md) that the README shows. Takes a few minutes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo test --locked -p assistant-app --test faults -- --ignored --nocapture --test-threads=1 2>&1 \
  | sed -n '/^| Fault/,/^$/p'
echo "(also in artifacts/faults.md)"
