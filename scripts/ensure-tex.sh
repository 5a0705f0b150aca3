#!/usr/bin/env bash
# Make sure the TeX toolchain and fonts for the PDF edition are installed.
# Installs the Debian packages given as arguments when they are missing and we are root;
# otherwise stops with the exact command to run.
set -euo pipefail
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing TeX for the PDF edition: ${missing[*]}"
  # make installs TeX and the browser side by side: they take turns on apt's lists and dpkg
  exec 9>/var/lock/nk-kursk-claims-apt.lock && flock 9
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "The PDF edition needs these Debian packages, which are missing:" >&2
  echo "  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
