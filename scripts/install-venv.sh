#!/usr/bin/env bash
# Create (or update) the project's virtual environment VENV from requirements.txt, then
# install the project into it, editable (the checkout is what runs).
#
# uv installs the requirements several times faster than pip (it downloads and unpacks in
# parallel, and links from its cache on the next install). It comes from PyPI, at the
# version requirements.txt pins, installed with the venv's own pip; when it cannot be had
# (PyPI unreachable for it, no wheel for this platform), pip installs everything itself.
# Both read the same pins, so the venv holds the same packages either way.
set -euo pipefail
venv=${1:?usage: install-venv.sh VENV}
cd "$(dirname "$0")/.."
py="$venv/bin/python"
[ -x "$py" ] || python3 -m venv "$venv"
pip=("$py" -m pip install --disable-pip-version-check)
if [ -z "${NO_UV:-}" ] && "${pip[@]}" uv -c requirements.txt && "$venv/bin/uv" --version; then
  # compiled now, as pip does: where PYTHONDONTWRITEBYTECODE is set, every process would
  # otherwise compile what it imports again (it doubled the CPU time of `make test`)
  install=("$venv/bin/uv" pip install --compile-bytecode --python "$py")
else
  echo "Installing with pip (uv is not available)"
  install=("${pip[@]}")
fi
"${install[@]}" -r requirements.txt
# setuptools is among the requirements: the project builds without an isolated build env
"${install[@]}" --no-deps --no-build-isolation -e .
