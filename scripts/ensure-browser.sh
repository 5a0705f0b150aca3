#!/usr/bin/env bash
# Make sure the browser checks (tests/test_browser.py) can run: Debian's chromium (no
# browser download), fonts for a predictable layout, and axe-core as pinned by
# tests/browser/package-lock.json (npm ci from the npm registry; Debian's nodejs and npm
# when there is no npm). Installs the Debian packages when we are root; otherwise names
# them and carries on: the browser tests then skip, saying what is missing.
set -euo pipefail
browser_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
packages=(chromium fonts-dejavu-core)
command -v npm >/dev/null || packages+=(nodejs npm)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "Installing the browser for the page tests: ${missing[*]}"
    # make installs TeX and the browser side by side: they take turns on apt's lists and dpkg
    exec 9>/var/lock/nk-kursk-claims-apt.lock && flock 9
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "The browser tests need these Debian packages, which are missing (the tests skip without a browser):" >&2
    echo "  sudo apt-get install ${missing[*]}" >&2
  fi
fi
command -v npm >/dev/null || exit 0
# axe-core at the version the lockfile pins (npm ci replaces node_modules when it differs)
installed="$(node -p "require('$browser_dir/node_modules/axe-core/package.json').version" 2>/dev/null || true)"
pinned="$(node -p "require('$browser_dir/package-lock.json').packages['node_modules/axe-core'].version")"
if [ "$installed" != "$pinned" ]; then
  echo "Installing axe-core $pinned for the page tests (npm ci in tests/browser)"
  (cd "$browser_dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) ||
    echo "npm ci in tests/browser failed: the browser tests will skip" >&2
fi
