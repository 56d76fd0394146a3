#!/usr/bin/env bash
# Builds the Windows release on Linux: maskinporten-assistant.exe (the command line, console
# subsystem, no WebView2) and maskinporten-assistant-window.exe (the window, GUI subsystem), both
# x86_64-pc-windows-gnu with mingw-w64, and a per-user NSIS installer (installer/windows/installer.nsi, made with makensis),
# then runs the packaged program under Wine in a fresh prefix as a smoke test: --version,
# --json info, profile create, key generate in one process and key list and the key's read-back
# in the next (the key goes through Wine's Credential Manager), an error's exit code, a data
# folder with a space and Norwegian letters, and the installer itself.
#
#   bash scripts/package-windows.sh            # build, installer, Wine smoke test
#   bash scripts/package-windows.sh --no-wine  # build and installer only
#
# Safe to run again: it installs only what is missing (the Rust target with rustup; Debian's
# gcc-mingw-w64-x86-64, nsis and wine64; the UI's npm packages) and rebuilds incrementally in
# target/package. The window itself needs Microsoft's WebView2 runtime, which Wine does not have,
# so under Wine only the command line is exercised.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
wine_smoke=true
case "${1:-}" in
  "") ;;
  --no-wine) wine_smoke=false ;;
  *) echo "usage: bash scripts/package-windows.sh [--no-wine]" >&2; exit 2 ;;
esac

target=x86_64-pc-windows-gnu
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/package}"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
out_dir="$CARGO_TARGET_DIR/windows"
bin_dir="$CARGO_TARGET_DIR/$target/release"
version="$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)"

# --- What is needed ---------------------------------------------------------------------------
bash scripts/setup.sh app
packages=(gcc-mingw-w64-x86-64 nsis)
$wine_smoke && packages+=(wine64)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing apt packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  sudo_if_needed apt-get update -qq
  sudo_if_needed apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if ! rustup target list --installed | grep -qx "$target"; then
  say "Adding the Rust target $target"
  rustup target add "$target"
fi
if [ ! -f src-tauri/icons/icon.ico ]; then
  python3 scripts/lib/png-to-ico.py src-tauri/icons/icon.png src-tauri/icons/icon.ico
fi

# --- Build ------------------------------------------------------------------------------------
say "Building the UI (ui/dist)"
(cd ui && npm run build --silent)
say "Release build for $target (target dir ${CARGO_TARGET_DIR#"$root"/}, jobs $CARGO_BUILD_JOBS)"
started=$(date +%s)
# Two programs: the command people type (console subsystem, src-tauri/crates/app) and the window
# (GUI subsystem) that it starts when given no subcommand.
nice -n 19 cargo build --release --locked --target "$target" -p maskinporten-assistant-window \
  -p assistant-app --bins
build_seconds=$(( $(date +%s) - started ))
exe="$bin_dir/maskinporten-assistant-window.exe"
cli_exe="$bin_dir/maskinporten-assistant.exe"
for built in "$exe" "$cli_exe"; do
  [ -f "$built" ] || { echo "error: $built was not built" >&2; exit 1; }
done
# For the GNU target, webview2-com links the WebView2 loader as a DLL that ships beside the exe.
loader="$(find "$CARGO_TARGET_DIR/$target/release/build" -path '*x64/WebView2Loader.dll' 2>/dev/null | head -n 1)"
if [ -n "$loader" ]; then
  cp "$loader" "$bin_dir/WebView2Loader.dll"
fi

# Wine gives every program a stdout, whatever its subsystem, so it cannot show the difference
# that matters on Windows; the PE headers can: the window's exe must be GUI (2), the command line's
# console (3).
python3 scripts/lib/pe-subsystem.py "$exe" gui "$cli_exe" console

say "NSIS installer"
mkdir -p "$out_dir"
installer="$out_dir/Maskinporten-Assistant-$version-setup.exe"
makensis -V2 -DVERSION="$version" -DBIN="$bin_dir" -DOUT="$installer" installer/windows/installer.nsi

size_line() {
  local bytes
  bytes="$(stat -c %s "$1")"
  printf '  %-60s %10s bytes (%s MiB)\n' "${1#"$root"/}" "$bytes" "$(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1048576 }')"
}

# --- Wine smoke test --------------------------------------------------------------------------
if $wine_smoke; then
  say "Smoke test under Wine (a fresh prefix)"
  wine=/usr/lib/wine/wine64
  [ -x "$wine" ] || wine="$(command -v wine64 || command -v wine)"
  prefix="$(mktemp -d)"
  work="$(mktemp -d)"
  trap 'WINEPREFIX="$prefix" /usr/lib/wine/wineserver -k 2>/dev/null || true; rm -rf "$prefix" "$work"' EXIT
  export WINEPREFIX="$prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
  unset DISPLAY
  "$wine" wineboot --init >/dev/null 2>&1 || true
  # Rust's std needs ProcessPrng from bcryptprimitives.dll (on every Windows 10 and later); Wine
  # 8.0, Debian bookworm's, lacks the DLL, and every Rust program then stops before main with
  # "bcryptprimitives.dll not found". The prefix gets a stand-in (scripts/lib/wine-bcryptprimitives.c).
  if ! find "$(dirname "$(readlink -f "$wine")")/.." /usr/lib/x86_64-linux-gnu/wine -iname bcryptprimitives.dll 2>/dev/null | grep -q .; then
    echo "Wine has no bcryptprimitives.dll: adding the stand-in to the test prefix"
    x86_64-w64-mingw32-gcc -shared -O2 -o "$prefix/drive_c/windows/system32/bcryptprimitives.dll" \
      scripts/lib/wine-bcryptprimitives.c -ladvapi32
  fi
  # A data folder with a space and Norwegian letters, as under C:\Users\Kari Nordmann.
  export MASKINPORTEN_ASSISTANT_DATA_DIR='C:\Users\Kari Nordmann\Søknader og nøkler'
  export WINEPATH="$bin_dir"
  # Every command goes through the console program, as a typed command does on Windows.
  run() { "$wine" "$cli_exe" "$@"; }
  fail() { echo "smoke test failed: $*" >&2; exit 1; }

  run --version >"$work/version.txt" || fail "--version exited non-zero"
  cat "$work/version.txt"
  grep -q "maskinporten-assistant $version" "$work/version.txt" || fail "--version"
  run --json info >"$work/info.json" || fail "--json info exited non-zero"
  python3 - "$work/info.json" <<'PY' || fail "--json info is not the JSON it should be"
import json, sys
info = json.load(open(sys.argv[1], encoding="utf-8-sig"))
assert info["version"], info
assert "Kari Nordmann" in info["dataDir"] and "nøkler" in info["dataDir"], info
print("info:", info["dataDir"], info["keychainService"])
PY
  run --json profile create Smoke >/dev/null || fail "profile create"
  run --json key generate --profile Smoke >"$work/key.json" || fail "key generate"
  kid="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1], encoding="utf-8-sig"))["kid"])' "$work/key.json")"
  # In Wine's Credential Manager: a head and the parts of a private JWK too long for one credential.
  "$wine" reg query 'HKCU\Software\Wine\Credential Manager' >"$work/credentials.txt" 2>/dev/null || true
  parts="$(grep -c "Generic: jwk:$kid\.[0-9a-f]\{8\}\.[0-9]\+\.no\.maskinporten-assistant" "$work/credentials.txt" || true)"
  grep -q "Generic: jwk:$kid\.no\.maskinporten-assistant" "$work/credentials.txt" && [ "$parts" -ge 2 ] \
    || fail "the key is not in Wine's Credential Manager as a head and its parts: $(cat "$work/credentials.txt")"
  echo "key $kid: a head and $parts parts in the Credential Manager"
  # A second process: the index lists the key, and the keychain still has its private part.
  run --json key list >"$work/list.json" || fail "key list"
  grep -q "$kid" "$work/list.json" || fail "key list in a second process does not show $kid"
  run --json key encoded-jwk "$kid" --print-secret >"$work/secret.json" || fail "the key is not in the Credential Manager"
  python3 - "$work/secret.json" "$kid" <<'PY' || fail "the key read back from the Credential Manager"
import base64, json, sys
secret = json.load(open(sys.argv[1], encoding="utf-8-sig"))
jwk = json.loads(base64.b64decode(secret["encodedJwk"]))
assert jwk["kid"] == sys.argv[2] and len(jwk["d"]) > 300, jwk["kid"]
print("key", jwk["kid"], "read back whole from the Credential Manager in another process")
PY
  set +e
  run --json profile show Missing >"$work/missing.json" 2>/dev/null
  code=$?
  set -e
  [ "$code" -eq 1 ] || fail "an error exits 1 (got $code)"
  grep -q '"kind": "not_found"' "$work/missing.json" || fail "the error is JSON on stdout"
  run --json report --profile Smoke --out 'C:\Users\Kari Nordmann\Rapport for Søknad æøå.html' >/dev/null || fail "report to a path with Norwegian letters"
  [ -f "$prefix/drive_c/users/Kari Nordmann/Rapport for Søknad æøå.html" ] || fail "the report is not where it was asked to be"

  # The installer, silently, then the installed program as a person types it in cmd: in the
  # install folder, `maskinporten-assistant` must run the console program, print to the console's
  # stdout and hand its exit code to cmd.
  "$wine" "$installer" /S || fail "the installer"
  installed="$(find "$prefix/drive_c" -path '*Programs/Maskinporten Assistant/maskinporten-assistant.exe' | head -n 1)"
  [ -n "$installed" ] || fail "the installer put no maskinporten-assistant.exe under Programs"
  [ -f "${installed%.exe}-window.exe" ] || fail "the installer put no maskinporten-assistant-window.exe beside it"
  install_dir_win="$("$wine" winepath -w "$(dirname "$installed")" 2>/dev/null | tr -d '\r')"
  # Through batch files, as Wine would escape quotes on cmd's command line in a way cmd does not read.
  bat() {
    local name="$1"
    shift
    printf '%s\r\n' '@echo off' "$@" 'exit /b %ERRORLEVEL%' >"$prefix/drive_c/$name.bat"
  }
  bat typed "cd /d \"$install_dir_win\"" 'maskinporten-assistant %*'
  typed() { "$wine" cmd /c 'C:\typed.bat' "$@"; }
  typed --json info >"$work/typed-info.json" || fail "typed --json info in cmd exited non-zero"
  python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8-sig"))["version"]' "$work/typed-info.json" \
    || fail "typed --json info in cmd printed no JSON"
  set +e
  typed --json profile show Missing >"$work/typed-missing.json" 2>/dev/null
  code=$?
  set -e
  grep -q '"kind": "not_found"' "$work/typed-missing.json" || fail "typed in cmd, the error is JSON on stdout"
  [ "$code" -eq 1 ] || fail "typed in cmd, an error exits 1 (got $code)"
  # The uninstaller (run in place with _?= so Wine waits for it) takes the program and leaves the
  # data: the key made above is still listed afterwards.
  bat uninstall "\"$install_dir_win\\uninstall.exe\" /S _?=$install_dir_win"
  "$wine" cmd /c 'C:\uninstall.bat' || fail "the uninstaller"
  [ ! -f "$installed" ] || fail "the uninstaller left maskinporten-assistant.exe"
  run --json key list | grep -q "$kid" || fail "after uninstalling, the key $kid is no longer listed"
  echo "Wine smoke test: ok (key $kid stored in one process and read in the next)"
fi

say "Windows packages (release build took ${build_seconds} s)"
size_line "$exe"
size_line "$cli_exe"
[ -f "$bin_dir/WebView2Loader.dll" ] && size_line "$bin_dir/WebView2Loader.dll"
size_line "$installer"
