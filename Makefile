# (CONTRIBUTING.md says how to work on the repository.)
# make lab    set up .venv and open the tutorial in JupyterLab
# make test-fast   plain `pytest`: the module's unit, property and doctests, the notebooks'
#                  structure, the repository's checks (under a minute)
# make test   set up .venv and run every test (lint, unit, doctests, properties, notebooks
#             re-executed, book, browser, Binder), as CI does
# make lint   ruff on every .py file and notebook (configured in pyproject.toml), and
#             actionlint on the GitHub workflows (.github/workflows/)
# make test-min   the module's unit, property and doctests on the oldest versions it claims
#                 (pyproject.toml: requires-python, the numpy floor), in a venv of their own
# make test-thorough     the property tests with 15000 hypothesis examples each (minutes)
# make test-frameworks   install the pinned PyTorch/Lightning/timm/JAX/optax/transformers/Keras
#                        (`frameworks` extra, ~6.3 GB here: CUDA torch) and run notebook 10's code
# make notebooks / figures / bench   re-execute the notebooks / redraw figures/ / time it
# make book / student   the static HTML book (build/book/) / the student edition (build/student/)

PYTHON ?= python3
comma  := ,
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8888
LAB_ARGS ?=
# Jupyter refuses to run as root without this (containers, CI machines).
AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test test-fast lint test-min test-thorough test-frameworks notebooks figures bench book student clean

# Python 3.11 or newer: requires-python in pyproject.toml, and what the pinned extras need.
check_python = @$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	{ echo "make: $(PYTHON) is Python < 3.11; dynweights and its pinned extras need 3.11+: make lab PYTHON=python3.11"; exit 1; }

$(PY):
	$(check_python)
	$(PYTHON) -m venv $(VENV)

# JupyterLab's default settings for this repository (no news prompt, no update check),
# where the venv's JupyterLab reads them; postBuild puts them in the same place on Binder.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings
# install EXTRAS: pip install the project with those extras, then JupyterLab's settings
install = $(PY) -m pip install --disable-pip-version-check -q -e '.[$(1)]' && \
	mkdir -p $(LAB_SETTINGS) && cp overrides.json $(LAB_SETTINGS)/overrides.json

# Stamps: reinstall only when pyproject.toml or overrides.json changed (or the venv is new);
# each stamp also marks the smaller sets of extras it includes as installed.
$(VENV)/.notebooks: pyproject.toml overrides.json | $(PY)
	$(call install,notebooks)
	touch $@

$(VENV)/.book: pyproject.toml overrides.json | $(PY)
	$(call install,notebooks$(comma)book)
	touch $@ $(VENV)/.notebooks

$(VENV)/.test: pyproject.toml overrides.json | $(PY)
	$(call install,notebooks$(comma)test$(comma)book)
	touch $@ $(VENV)/.notebooks $(VENV)/.book

$(VENV)/.frameworks: pyproject.toml overrides.json | $(PY)
	$(call install,notebooks$(comma)test$(comma)book$(comma)frameworks)
	touch $@ $(VENV)/.test $(VENV)/.notebooks $(VENV)/.book

lab: $(VENV)/.notebooks
	$(VENV)/bin/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) \
	    --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks/00_overview.ipynb \
	    $(AS_ROOT) $(LAB_ARGS)

# The fast tier: pytest's settings in pyproject.toml leave out the e2e tests and nbval.
test-fast: $(VENV)/.test
	$(PY) -m pytest

# ruff, then actionlint (both pinned in the `test` extra) on .github/workflows/: the
# workflows run only where the repository is hosted on GitHub, so they are checked here.
lint: $(VENV)/.test
	$(VENV)/bin/ruff check
	$(VENV)/bin/actionlint

# The oldest versions the module claims, tested: the Python that runs make (3.11, the
# floor of requires-python, in CI) and MIN_NUMPY, the floor of `dependencies`, in a venv of
# their own (.venv/min) with the `test` extra's pytest and hypothesis and the project
# itself installed, which checks that pip accepts both floors. It runs the module's unit,
# property and doctests (tests/test_dynweights.py, dynweights.py), which need nothing else.
# tests/test_repo.py keeps these pins in step with pyproject.toml.
MIN_VENV  := $(VENV)/min
MIN_NUMPY := 2.0.0
MIN_PINS  := numpy==$(MIN_NUMPY) pytest==9.2.0 hypothesis==6.170.17

$(MIN_VENV)/.installed: pyproject.toml Makefile
	$(check_python)
	$(PYTHON) -m venv --clear $(MIN_VENV)
	$(MIN_VENV)/bin/python -m pip install --disable-pip-version-check -q $(MIN_PINS) -e .
	touch $@

test-min: $(MIN_VENV)/.installed
	@$(MIN_VENV)/bin/python -c 'import sys, numpy; print(f"test-min: Python {sys.version.split()[0]}, numpy {numpy.__version__}")'
	$(MIN_VENV)/bin/python -m pytest tests/test_dynweights.py dynweights.py

# Everything: lint (ruff, actionlint), then the book and the student edition
# (tests/test_book.py checks them), then every test (-m "": the e2e ones too) and every notebook re-executed by
# strict nbval, on two workers (the machines here have 2 cores); --dist loadfile keeps
# each notebook's cells, and the browser test's server, in one worker.
test: $(VENV)/.test
	$(VENV)/bin/ruff check
	$(VENV)/bin/actionlint
	$(PY) book/build.py book
	$(PY) book/build.py student
	$(PY) -m pytest -m "" --nbval -n auto --maxprocesses=2 --dist loadfile

# One process: the file imports torch, JAX and Keras once instead of once per worker.
test-frameworks: $(VENV)/.frameworks
	$(PY) -m pytest tests/test_frameworks.py

# The hypothesis property tests only, under the `thorough` profile (tests/conftest.py):
# 15000 examples per property test instead of 100, spread over both workers.
test-thorough: $(VENV)/.test
	HYPOTHESIS_PROFILE=thorough $(PY) -m pytest -n auto --maxprocesses=2 --dist load \
	    tests/test_dynweights.py

# Re-execute every notebook in place, in order, storing widget state for nbviewer, with
# widget ids renumbered so that a second run gives the same bytes, and every address of the
# repository (install cell, downloads, Colab link) pinned to the release tag of __version__
# (tools/execute_notebooks.py); the template a new lesson starts from too.
notebooks: $(VENV)/.test
	$(PY) tools/execute_notebooks.py notebooks/*.ipynb templates/NN_topic.ipynb

figures: $(VENV)/.notebooks
	$(PY) -m dynweights figures --out figures

bench: $(VENV)/.notebooks
	$(PY) benchmarks/bench.py

# Sphinx + MyST-NB from the stored outputs (nothing executed), warnings as errors.
book: $(VENV)/.book
	$(PY) book/build.py book

# nbformat and nbconvert come with the notebook extras (JupyterLab needs them).
student: $(VENV)/.notebooks
	$(PY) book/build.py student

clean:
	rm -rf $(VENV)
