#!/usr/bin/env bash
# Builds the release bundles: a Debian package (.deb, must succeed) and an AppImage (best effort).
# Safe to run again: it installs only what is missing (apt packages and the UI's npm packages via
# setup.sh, the Tauri CLI under .tools/tauri-cli) and rebuilds incrementally.
#
#   bash scripts/package.sh          # packages the working tree, uncommitted edits included
#   bash scripts/package.sh --head   # packages the committed HEAD, from a clean copy
#
# tauri.conf.json keeps "bundle.active": false so a plain `cargo build` never bundles; the bundle
# settings (targets, descriptions, category, Debian depends/recommends) live in
# src-tauri/tauri.bundle.json and are merged in with `--config` here. The Tauri CLI adds
# libwebkit2gtk-4.1-0 and libgtk-3-0 to the Debian Depends by itself.
#
# The release build goes to its own target dir (target/package) so it never waits on, or holds,
# the lock of the debug builds in target/, and runs at nice 19 with one job so it does not starve
# other work on a 2-core machine. Override with CARGO_TARGET_DIR / CARGO_BUILD_JOBS.
#
# Exit code: non-zero if the .deb is not produced or does not run; the AppImage outcome is only
# reported ("AppImage: blocked: <reason>" when its tools cannot be fetched).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
case "${1:-}" in
  "") from_head=false ;;
  --head) from_head=true ;;
  *) echo "usage: bash scripts/package.sh [--head]" >&2; exit 2 ;;
esac

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/package}"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"
bundle_dir="$CARGO_TARGET_DIR/release/bundle"

# --- What to package: the working tree, or a clean copy of HEAD -----------------------------
src="$root"
if $from_head; then
  src="$CARGO_TARGET_DIR/src"
  say "Packaging HEAD $(git rev-parse --short HEAD) from a clean copy in ${src#"$root"/}"
  rm -rf "$src"
  mkdir -p "$src"
  # -m: the files get the current time, so cargo never takes an older commit's output as fresh.
  git archive --format=tar HEAD | tar -x -m -C "$src"
fi

# --- Build dependencies: apt packages and the UI's npm packages (only what is missing) --------
bash "$src/scripts/setup.sh" app
# The .deb itself is written by the Tauri bundler in Rust (no dpkg-deb or fakeroot needed); dpkg
# is only used to check it below, and `file` is what the AppImage step uses.
missing=()
for p in dpkg file; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing apt packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  sudo_if_needed apt-get update -qq
  sudo_if_needed apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# --- Tauri CLI: the prebuilt npm package, pinned to the tauri crate's version in Cargo.lock ----
tauri_version="$(awk '/^name = "tauri"$/ { getline; gsub(/[^0-9A-Za-z.+-]/, "", $3); print $3; exit }' Cargo.lock)"
[ -n "$tauri_version" ] || { echo "error: no tauri crate in Cargo.lock" >&2; exit 1; }
cli_dir="$root/.tools/tauri-cli"
tauri="$cli_dir/node_modules/.bin/tauri"
if [ ! -x "$tauri" ] || [ "$("$tauri" --version 2>/dev/null)" != "tauri-cli $tauri_version" ]; then
  say "Installing @tauri-apps/cli@$tauri_version under .tools/tauri-cli"
  mkdir -p "$cli_dir"
  npm install --prefix "$cli_dir" --no-audit --no-fund --loglevel=error "@tauri-apps/cli@$tauri_version"
fi
say "$("$tauri" --version)"

# --- UI -----------------------------------------------------------------------------------------
say "Building the UI (ui/dist)"
(cd "$src/ui" && npm run build --silent)

# --- Release build and .deb -----------------------------------------------------------------
# The command people type (src-tauri/crates/app, no GTK) goes in as Tauri's "external binary":
# the bundler takes binaries/maskinporten-assistant-<target triple> and installs it as
# /usr/bin/maskinporten-assistant beside the window program, /usr/bin/maskinporten-assistant-window.
triple="$(rustc -vV | awk '/^host: / { print $2 }')"
say "Release build of the command line (assistant-app)"
(cd "$src" && nice -n 19 cargo build --release --locked -p assistant-app --bin maskinporten-assistant)
mkdir -p "$src/src-tauri/binaries"
cp "$CARGO_TARGET_DIR/release/maskinporten-assistant" "$src/src-tauri/binaries/maskinporten-assistant-$triple"
tauri_args=(--ci --config tauri.bundle.json)

say "Release build and .deb (target dir ${CARGO_TARGET_DIR#"$root"/}, jobs $CARGO_BUILD_JOBS, nice 19)"
rm -rf "$bundle_dir/deb"
(cd "$src/src-tauri" && nice -n 19 "$tauri" build "${tauri_args[@]}" --bundles deb)
shopt -s nullglob
debs=("$bundle_dir"/deb/*.deb)
if [ ${#debs[@]} -ne 1 ]; then
  echo "error: expected one .deb in $bundle_dir/deb, found ${#debs[@]}" >&2
  exit 1
fi
deb="${debs[0]}"

# --- Check the .deb: metadata, and that the packaged binary runs ---------------------------
say "Checking $(basename "$deb")"
dpkg-deb --info "$deb"
check_root="$(mktemp -d)"
trap 'rm -rf "$check_root"' EXIT
dpkg-deb -x "$deb" "$check_root"
bin="$check_root/usr/bin/maskinporten-assistant"
for program in "$bin" "$bin-window"; do
  [ -x "$program" ] || { echo "error: $deb has no ${program#"$check_root"}" >&2; exit 1; }
done
"$bin" --version
"$bin" --data-dir "$check_root/data" info
# The command line must run where there is no GUI library (servers, CI runners).
if ldd "$bin" | grep -E 'libgtk|libwebkit2gtk|libjavascriptcore'; then
  echo "error: /usr/bin/maskinporten-assistant loads GUI libraries" >&2
  exit 1
fi
echo "ok: /usr/bin/maskinporten-assistant loads no GTK or WebKitGTK library"
grep -q '^Exec=maskinporten-assistant-window' "$check_root"/usr/share/applications/*.desktop \
  || { echo "error: the .desktop entry does not start the window program" >&2; exit 1; }

# --- AppImage (best effort) -------------------------------------------------------------------
# The Tauri bundler fetches linuxdeploy, its GTK plugin and AppRun from GitHub; none of them is in
# Debian's, npm's, PyPI's or crates.io's registries. Where GitHub is unreachable this fails, and
# only the .deb is shipped.
say "AppImage (reuses the release build)"
rm -rf "$bundle_dir/appimage"
appimage_log="$CARGO_TARGET_DIR/appimage.log"
appimage_status="blocked"
appimage_reason=""
if (cd "$src/src-tauri" && nice -n 19 "$tauri" bundle "${tauri_args[@]}" --bundles appimage) >"$appimage_log" 2>&1; then
  appimages=("$bundle_dir"/appimage/*.AppImage)
  if [ ${#appimages[@]} -eq 1 ]; then
    appimage_status="ok"
  else
    appimage_reason="the bundler reported success but wrote no .AppImage"
  fi
else
  # The bundler's first error line and the last download it tried, without colour codes.
  plain="$(sed 's/\x1b\[[0-9;]*m//g' "$appimage_log")"
  appimage_reason="$(grep -m 1 -iE 'error|failed' <<<"$plain" | sed 's/^ *//' || true)"
  url="$(grep -oE 'Downloading [^ ]+' <<<"$plain" | tail -n 1 | cut -d ' ' -f 2 || true)"
  [ -z "$url" ] || appimage_reason="could not download $url: $appimage_reason"
  appimage_reason="${appimage_reason:-tauri bundle exited non-zero} (full log: ${appimage_log#"$root"/})"
fi

# --- Summary ----------------------------------------------------------------------------------
size_line() {
  local bytes
  bytes="$(stat -c %s "$1")"
  printf '  %s\n    %s bytes (%s MiB)\n' "${1#"$root"/}" "$bytes" "$(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1048576 }')"
}
say "Bundles"
size_line "$deb"
if [ "$appimage_status" = ok ]; then
  size_line "${appimages[0]}"
  echo "AppImage: ok"
else
  echo "AppImage: blocked: $appimage_reason"
fi
