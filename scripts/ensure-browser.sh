#!/usr/bin/env bash
# Make sure the browser checks (tests/test_browser.py) can run: Debian's chromium (no
# browser download), fonts for predictable layout, and axe-core as pinned by
# tests/browser/package-lock.json (npm ci, from the npm registry; Debian's nodejs and npm
# when no npm is installed). Installs what is missing when we are root; otherwise says
# what is missing and exits 0: the browser tests then skip, naming it.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
browser_dir="$here/tests/browser"
packages=(chromium fonts-dejavu-core)
command -v npm >/dev/null || packages+=(nodejs npm)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "Installing the browser for the page tests: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "The browser tests will be skipped: these Debian packages are missing:" >&2
    echo "  sudo apt-get install ${missing[*]}" >&2
    exit 0
  fi
fi
# axe-core at the version the lockfile pins (npm ci replaces node_modules when it differs)
installed="$(node -p "require('$browser_dir/node_modules/axe-core/package.json').version" 2>/dev/null || true)"
pinned="$(node -p "require('$browser_dir/package-lock.json').packages['node_modules/axe-core'].version")"
if [ "$installed" != "$pinned" ]; then
  echo "Installing axe-core $pinned for the page tests (npm ci in tests/browser)"
  (cd "$browser_dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) || {
    echo "The browser tests will be skipped: npm ci in tests/browser failed" >&2
    exit 0
  }
fi
