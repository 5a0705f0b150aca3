# The README's two commands: `make book` (sets everything up, validates the data,
# reruns every notebook, builds the HTML) and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := book

VENV ?= .venv
PY := $(VENV)/bin/python
JB := $(VENV)/bin/jupyter-book
STAMP := $(VENV)/.installed
# Folder of the archived articles every quote is checked against.
ARCHIVE_DIR ?= ../shared/sources
export ARCHIVE_DIR
# The data package to build from (a corrected copy can be tried without touching data/).
DATA_DIR ?= data
# Sphinx and the kernels render dates and sort text the same everywhere.
export TZ := UTC
export LC_ALL := C.UTF-8
export PYTHONHASHSEED := 0
# the same flags as the HTML build (analysis/site.py)
JB_FLAGS := -n -W --keep-going

# What the PDF edition needs from Debian (about 80 s to install on a fresh machine).
TEX_PACKAGES := texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended \
	texlive-xetex latexmk fonts-freefont-otf poppler-utils
PDF := _build/latex/kursk-claims.pdf

.PHONY: book setup validate notebooks html pdf tex tex-packages rerun lint test bench clean

$(STAMP): requirements.txt pyproject.toml
	@echo "Setting up $(VENV) (first run only)"
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

setup: $(STAMP)

validate: $(STAMP)
	$(PY) -m analysis validate --data-dir "$(DATA_DIR)" --archive-dir "$(ARCHIVE_DIR)"

# Validates the data first (file, row and field of every problem), then runs the stale
# notebooks. FORCE=1 reruns them all.
BUILD := $(PY) -m analysis build --data-dir "$(DATA_DIR)" --archive-dir "$(ARCHIVE_DIR)" $(if $(FORCE),--force)
notebooks: $(STAMP)
	$(BUILD)

# The notebooks, then the HTML in the same process (Sphinx's imports overlap the kernels);
# the HTML build is skipped when nothing it reads changed.
html: $(STAMP)
	$(BUILD) --html

BOOK_INPUTS = $(wildcard book/*.ipynb book/*.md book/figures/*) $(wildcard $(DATA_DIR)/*) _config.yml

# Each step skips work whose inputs did not change: the notebook runner compares input
# hashes per notebook, and the site's; the PDF is a file target with its inputs as
# prerequisites (a second make sees the files the notebooks just wrote). The HTML links
# the PDF, which is copied in once built.
book: html
	@$(MAKE) --no-print-directory pdf
	@cmp -s $(PDF) _build/html/kursk-claims.pdf || cp $(PDF) _build/html/kursk-claims.pdf
	@echo "HTML: _build/html/index.html"
	@echo "PDF:  $(PDF)"

tex:
	@bash scripts/ensure-tex.sh $(TEX_PACKAGES)

# a stamp, not the PDF itself: latexmk leaves the PDF's time alone when nothing changed
PDF_STAMP := _build/latex/.built
pdf: $(STAMP) tex $(PDF_STAMP)

$(PDF_STAMP): $(BOOK_INPUTS) _toc_pdf.yml
	$(JB) build . $(JB_FLAGS) --builder pdflatex --toc _toc_pdf.yml
	@touch $@

# A variant with other parameters, e.g. `make rerun AS_OF=2025-01-31`: a separate
# book under _build/variants/, leaving book/ and _build/html alone.
AS_OF ?=
VARIANT := _build/variants/as-of-$(if $(AS_OF),$(AS_OF),all)
rerun: $(STAMP)
	$(PY) -m analysis build --data-dir "$(DATA_DIR)" --archive-dir "$(ARCHIVE_DIR)" --as-of "$(AS_OF)" --out "$(VARIANT)" --html
	@echo "HTML: $(VARIANT)/_build/html/index.html"

# Unit and dataset tests, the warning-free book build, and nbval on the committed
# notebooks in book/ (not regenerated first: a stale notebook must fail).
test: $(STAMP) tex lint
	$(PY) -m pytest tests book/*.ipynb --nbval --nbval-current-env

# ruff (lint, format) on analysis/ and tests/, nbstripout and nbQA-ruff on the templates,
# cffconvert on CITATION.cff: all as repo-local hooks installed from PyPI by pre-commit.
lint: $(STAMP)
	$(VENV)/bin/pre-commit run --all-files --show-diff-on-failure

# Rebuild timings against the floor and Jupyter Book's own execution (see analysis/bench.py).
bench: $(STAMP)
	$(PY) -m analysis.bench --reps $(or $(REPS),3)

# For CI systems that install TeX themselves (e.g. with sudo).
tex-packages:
	@echo $(TEX_PACKAGES)

clean:
	rm -rf _build .pytest_cache
