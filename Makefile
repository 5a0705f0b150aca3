# The README's two commands: `make book` (sets everything up, validates the data,
# reruns every notebook, builds the HTML) and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := book

VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The data package to build from (a corrected copy can be tried without touching data/).
# The archived articles: ARCHIVE_DIR=/path/to/sources, passed on in the environment.
DATA_DIR ?= data

# What the PDF edition needs from Debian (about 80 s to install on a fresh machine):
# FreeFont for Latin, Greek and Cyrillic, Nanum Myeongjo for Hangul (see _config.yml).
TEX_PACKAGES := texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended \
	texlive-xetex latexmk fonts-freefont-otf fonts-nanum poppler-utils

.PHONY: archive book setup validate notebooks html pdf tex tex-packages browser rerun serve lint test bench clean

# The installers' messages go to a log; a failure prints its last lines.
# scripts/install-venv.sh installs with uv (pinned in requirements.txt), or pip without it.
SETUP_LOG := _build/logs/setup.log
$(STAMP): requirements.txt pyproject.toml scripts/install-venv.sh
	@echo "Setting up $(VENV) from requirements.txt (first run only; log: $(SETUP_LOG))"
	@mkdir -p $(dir $(SETUP_LOG)); start=$$(date +%s); \
	bash scripts/install-venv.sh $(VENV) >$(SETUP_LOG) 2>&1 \
	  || { tail -n 25 $(SETUP_LOG); echo "Setup failed: the whole log is $(SETUP_LOG)" >&2; exit 1; }; \
	echo "  set up in $$(( $$(date +%s) - start ))s $$(grep -q '^Installing with pip' $(SETUP_LOG) && echo 'with pip' || echo 'with uv')"
	@touch $@

setup: $(STAMP)

# Stops at once, before anything is installed, when the archived articles are not there;
# the message names the folder looked at and the ARCHIVE_DIR line to give instead.
archive:
	@python3 -m analysis.paths

validate: archive $(STAMP)
	$(PY) -m analysis validate --data-dir "$(DATA_DIR)"

# Validates the data first (file, row and field of every problem), then runs the stale
# notebooks and builds the editions whose inputs changed. FORCE=1 reruns every notebook;
# PLAIN=1 builds without the speed-ups (ordinary kernels, the jupyter-book command).
BUILD := $(PY) -m analysis build --data-dir "$(DATA_DIR)" $(if $(FORCE),--force) $(if $(PLAIN),--plain)
notebooks: archive $(STAMP)
	$(BUILD)

html: archive $(STAMP)
	$(BUILD) --html

# Installs that need nothing from one another (the venv from PyPI, TeX and the browser
# from Debian, axe-core from npm) are made side by side, each line of their output kept
# whole; the two Debian installs take turns on apt (scripts/ensure-*.sh).
SIDE_BY_SIDE := $(MAKE) --no-print-directory -j4 --output-sync=line

pdf: archive
	@$(SIDE_BY_SIDE) $(STAMP) tex
	$(BUILD) --pdf

# Both editions; the HTML links the PDF, which is copied beside it once built.
book: archive
	@$(SIDE_BY_SIDE) $(STAMP) tex
	$(BUILD) --html --pdf

tex:
	@bash scripts/ensure-tex.sh $(TEX_PACKAGES)

# What the browser tests need: Debian's chromium and axe-core pinned by
# tests/browser/package-lock.json. Installed as root; otherwise the tests skip, saying why.
browser:
	@bash scripts/ensure-browser.sh

# A variant with other parameters, e.g. `make rerun AS_OF=2025-01-31 CLAIMANTS=zelensky`:
# a separate book under _build/variants/ (named after the parameters), leaving book/ and
# _build/html alone. Both are checked before anything runs.
AS_OF ?=
CLAIMANTS ?=
rerun: archive $(STAMP)
	$(BUILD) --as-of "$(AS_OF)" --claimants "$(CLAIMANTS)" --variant --html

# The HTML edition on http://127.0.0.1:$(PORT)/ while you edit: a change to data/ (or
# DATA_DIR), analysis/, book/*.md, _config.yml or _toc.yml reruns the same incremental build
# as `make html` and reloads the open page; a build that fails prints why and the last good
# pages stay served. Ctrl-C stops it.
PORT ?= 8000
serve: archive $(STAMP)
	$(PY) -m analysis serve --data-dir "$(DATA_DIR)" --port "$(PORT)" $(if $(PLAIN),--plain)

# Unit and dataset tests, the warning-free editions, the pages in headless Chromium, and
# nbval on the committed notebooks in book/ (not regenerated first: a stale notebook must
# fail), in kernels forked as the build's are (python3 names the kernelspec tests/conftest.py
# puts in place; without it, the venv's ordinary one). Two test processes, each taking
# whole files (a notebook's cells share one kernel; test_book.py alone builds this
# repository's editions), the longest first as tests/conftest.py orders them.
test: archive
	@$(SIDE_BY_SIDE) $(STAMP) tex browser lint
	$(PY) -m pytest -n 2 --dist loadfile --no-loadscope-reorder tests book/*.ipynb --nbval --nbval-kernel-name python3

# ruff (lint, format) on analysis/ and tests/, nbstripout and nbQA-ruff on the templates,
# cffconvert on CITATION.cff: all as repo-local hooks installed from PyPI by pre-commit.
lint: $(STAMP)
	$(VENV)/bin/pre-commit run --all-files --show-diff-on-failure

# Rebuild timings against the floor and Jupyter Book's own execution (see analysis/builder/bench.py).
bench: $(STAMP)
	$(PY) -m analysis.builder.bench --reps $(or $(REPS),3)

# For CI systems that install TeX themselves (e.g. with sudo).
tex-packages:
	@echo $(TEX_PACKAGES)

clean:
	rm -rf _build .pytest_cache
