#!/usr/bin/env bash
# cargo deny: licences, bans and sources; then security advisories, which are always checked:
# against the live RustSec database when it can be fetched, else against the snapshot shipped
# in deny/ (refreshed by scripts/refresh-advisories.sh). It fails when neither is possible, and
# when the snapshot is older than MAX_SNAPSHOT_DAYS, so "not checked" can never pass.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MAX_SNAPSHOT_DAYS="${MAX_SNAPSHOT_DAYS:-180}"
cargo deny --log-level error check bans licenses sources

dbs="target/advisory-dbs"
# cargo-deny's folder name for the default database URL.
db="$dbs/advisory-db-3157b0e258782691"
config="$(mktemp)"
trap 'rm -f "$config"' EXIT
sed 's|^\[advisories\]|[advisories]\ndb-path = "'"$dbs"'"|' deny.toml > "$config"

if [ -n "${RUSTSEC_DB:-}" ] && [ -d "$RUSTSEC_DB" ]; then
  rm -rf "$db"; mkdir -p "$dbs"; cp -r "$RUSTSEC_DB" "$db"
  cargo deny --log-level error --offline --config "$config" check advisories
  echo "advisories: checked against RUSTSEC_DB=$RUSTSEC_DB"
  exit 0
fi
if timeout 60 cargo deny --log-level error --config "$config" fetch db >/dev/null 2>&1; then
  cargo deny --log-level error --config "$config" check advisories
  echo "advisories: checked against the live RustSec database"
  exit 0
fi

snapshot="deny/rustsec-advisory-db.tar.gz"
meta="deny/rustsec-advisory-db.txt"
field() { sed -n "s/^$1: //p" "$meta"; }
if [ ! -f "$snapshot" ] || [ ! -f "$meta" ]; then
  echo "advisories: NOT CHECKED, and that fails: the RustSec database cannot be fetched here and" >&2
  echo "            $snapshot is missing. Run scripts/refresh-advisories.sh." >&2
  exit 1
fi
if [ "$(sha256sum "$snapshot" | cut -d' ' -f1)" != "$(field sha256)" ]; then
  echo "advisories: $snapshot does not match the sha256 in $meta; run scripts/refresh-advisories.sh." >&2
  exit 1
fi
committed="$(field committed)"
age_days=$(( ( $(date +%s) - $(date -d "$committed" +%s) ) / 86400 ))
if [ "$age_days" -gt "$MAX_SNAPSHOT_DAYS" ]; then
  echo "advisories: the shipped snapshot is $age_days days old (from $committed), more than" >&2
  echo "            $MAX_SNAPSHOT_DAYS: refresh it with scripts/refresh-advisories.sh on a machine" >&2
  echo "            that reaches GitHub, review and commit." >&2
  exit 1
fi
# cargo deny reads a git checkout: the snapshot becomes one commit dated as the original.
rm -rf "$db"; mkdir -p "$db"
tar -xzf "$snapshot" -C "$db"
git -C "$db" init --quiet
git -C "$db" add --all
GIT_AUTHOR_DATE="$committed" GIT_COMMITTER_DATE="$committed" \
  git -C "$db" -c user.name=snapshot -c user.email=snapshot@localhost commit --quiet -m "snapshot $(field commit)"
cargo deny --log-level error --offline --config "$config" check advisories
# The check must be able to fail: an advisory against a crate we use (a real-looking id: the
# placeholder RUSTSEC-0000-0000 is skipped by design), added to a copy of the
# snapshot, has to stop it.
canary="$dbs/canary"; rm -rf "$canary"; mkdir -p "$canary"
cp -r "$db" "$canary/advisory-db-3157b0e258782691"
mkdir -p "$canary/advisory-db-3157b0e258782691/crates/zeroize"
cat > "$canary/advisory-db-3157b0e258782691/crates/zeroize/RUSTSEC-2099-0001.md" <<'MD'
```toml
[advisory]
id = "RUSTSEC-2099-0001"
package = "zeroize"
date = "2026-01-01"
url = "https://example.com"
categories = ["memory-exposure"]
[versions]
patched = []
```
# Canary: proves the advisory check reads the snapshot
MD
git -C "$canary/advisory-db-3157b0e258782691" add --all
git -C "$canary/advisory-db-3157b0e258782691" -c user.name=canary -c user.email=canary@localhost commit --quiet -m canary
sed "s|db-path = \"$dbs\"|db-path = \"$canary\"|" "$config" > "$config.canary"
if cargo deny --log-level error --offline --config "$config.canary" check advisories >/dev/null 2>&1; then
  echo "advisories: the canary advisory against zeroize was not reported: the check is not working." >&2
  exit 1
fi
rm -rf "$canary" "$config.canary"
echo "advisories: checked against the shipped RustSec snapshot $(field commit | cut -c1-12) of $committed ($age_days days old, $(field advisories) advisories)"
