#!/usr/bin/env bash
# Refreshes the advisory snapshots shipped in deny/, which CI checks against when it cannot
# reach GitHub (a machine that reaches only the package registries):
#   deny/rustsec-advisory-db.tar.gz  the RustSec database's crates/ (what cargo deny reads)
#   deny/rustsec-advisory-db.txt     where and when it was taken
# Usage: scripts/refresh-advisories.sh [SOURCE]
#   SOURCE: a git URL or a local git repository (bare or not) of rustsec/advisory-db;
#   default https://github.com/rustsec/advisory-db.git. Run it, review, commit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source="${1:-https://github.com/rustsec/advisory-db.git}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ -d "$source" ] && git -C "$source" rev-parse --git-dir >/dev/null 2>&1; then
  repo="$source"
else
  git clone --quiet --depth 1 "$source" "$work/clone"
  repo="$work/clone"
fi
commit="$(git -C "$repo" rev-parse HEAD)"
date="$(git -C "$repo" log -1 --format=%cI HEAD)"
# Sorted, owner-less and dated entries: the same database gives the same bytes.
git -C "$repo" archive --format=tar HEAD crates | gzip -n -9 > deny/rustsec-advisory-db.tar.gz
count="$(tar -tzf deny/rustsec-advisory-db.tar.gz | grep -c '\.md$')"
cat > deny/rustsec-advisory-db.txt <<TXT
source: https://github.com/rustsec/advisory-db
commit: $commit
committed: $date
advisories: $count
sha256: $(sha256sum deny/rustsec-advisory-db.tar.gz | cut -d' ' -f1)
TXT
cat deny/rustsec-advisory-db.txt
