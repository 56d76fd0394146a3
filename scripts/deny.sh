#!/usr/bin/env bash
# cargo deny: licences, bans and sources always; security advisories when the RustSec database
# can be had. It lives on GitHub, which a machine that reaches only the package registries
# cannot fetch: then this says so plainly instead of passing silently. To check advisories
# offline, point RUSTSEC_DB at a local clone of github.com/rustsec/advisory-db.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo deny --log-level error check bans licenses sources

dbs="target/advisory-dbs"
config="$(mktemp)"
trap 'rm -f "$config"' EXIT
sed 's|^\[advisories\]|[advisories]\ndb-path = "'"$dbs"'"|' deny.toml > "$config"
if [ -n "${RUSTSEC_DB:-}" ] && [ -d "$RUSTSEC_DB" ]; then
  # cargo-deny's folder name for the default database URL.
  rm -rf "$dbs/advisory-db-3157b0e258782691"; mkdir -p "$dbs"
  cp -r "$RUSTSEC_DB" "$dbs/advisory-db-3157b0e258782691"
  cargo deny --log-level error --offline --config "$config" check advisories
elif timeout 60 cargo deny --log-level error --config "$config" fetch db >/dev/null 2>&1; then
  cargo deny --log-level error --config "$config" check advisories
else
  echo "advisories: NOT CHECKED: the RustSec database could not be fetched from this machine."
  echo "            Known and handled: RUSTSEC-2023-0071 (rsa, Marvin), see deny.toml."
fi
