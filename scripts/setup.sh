#!/usr/bin/env bash
# Installs what building, running and testing need, and only what is missing, so it is safe to
# run again. Used by run-app.sh (`setup.sh app`) and test-all.sh (`setup.sh test`).
# Debian/Ubuntu: apt packages (WebKitGTK and friends; Xvfb, WebKitWebDriver, D-Bus, gnome-keyring
# and Chromium for tests), the UI's npm packages, tauri-driver, cargo-deny and the Python
# libraries the interop tests compare against, and cargo-fuzz for the readers' fuzz step.
set -euo pipefail
mode="${1:-test}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# --- apt packages ---------------------------------------------------------------------------
app_packages=(build-essential pkg-config file curl libwebkit2gtk-4.1-dev libxdo-dev
  libayatana-appindicator3-dev librsvg2-dev)
test_packages=(xvfb xauth webkit2gtk-driver dbus gnome-keyring libsecret-tools chromium openssl python3 python3-pip time
  gcc-mingw-w64-x86-64)
packages=("${app_packages[@]}")
[ "$mode" = test ] && packages+=("${test_packages[@]}")
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

# --- Rust -----------------------------------------------------------------------------------
if ! command -v cargo >/dev/null; then
  say "Installing Rust with rustup (the version is pinned in rust-toolchain.toml)"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi

# --- Node and the UI's packages ---------------------------------------------------------------
if ! command -v node >/dev/null || ! node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "Node.js 20.19 or newer is needed for the UI build (Vite 8). Install it, e.g. from" >&2
  echo "https://nodejs.org or your distribution's backports, then run this again." >&2
  exit 1
fi
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  say "Installing the UI's npm packages"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi

[ "$mode" = test ] || exit 0

# --- Test tools -----------------------------------------------------------------------------
mkdir -p .tools/bin
if [ ! -x .tools/bin/tauri-driver ]; then
  say "Installing tauri-driver 2.1.0 (pinned: 3.x is an alpha for Tauri 3)"
  cargo install --locked --quiet --root .tools tauri-driver@2.1.0
fi
if [ ! -x .tools/bin/cargo-fuzz ]; then
  say "Installing cargo-fuzz (the appsettings and Program.cs readers' fuzz step; runs on stable)"
  cargo install --locked --quiet --root .tools cargo-fuzz@0.13.2
fi
if [ ! -x .tools/bin/cargo-deny ]; then
  say "Installing cargo-deny"
  cargo install --locked --quiet --root .tools cargo-deny@0.20.2
fi
if ! python3 -c 'import jwcrypto, jwt, cryptography' 2>/dev/null; then
  say "Installing Python jwcrypto, PyJWT and cryptography (third-party JOSE for interop tests)"
  python3 -m pip install --quiet jwcrypto PyJWT cryptography 2>/dev/null \
    || sudo_if_needed apt-get install -y -qq --no-install-recommends python3-jwcrypto python3-jwt python3-cryptography
fi
