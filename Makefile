# make lab    set up .venv and open the tutorial in JupyterLab
# make test   set up .venv and run every test (unit, doctests, properties, notebooks, browser)
# make test-thorough   the property tests with 50x the hypothesis examples (minutes)
# make notebooks / figures / bench   re-execute the notebooks / redraw figures/ / time it

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8888
LAB_ARGS ?=
# Jupyter refuses to run as root without this (containers, CI machines).
AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test test-thorough notebooks figures bench clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	    { echo "make: $(PYTHON) is Python < 3.11; the pinned notebook and test extras need 3.11+: make lab PYTHON=python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# JupyterLab's default settings for this repository (no news prompt, no update check),
# where the venv's JupyterLab reads them; postBuild puts them in the same place on Binder.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings

# Stamps: reinstall only when pyproject.toml or overrides.json changed (or the venv is new).
$(VENV)/.notebooks: pyproject.toml overrides.json | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -e '.[notebooks]'
	mkdir -p $(LAB_SETTINGS) && cp overrides.json $(LAB_SETTINGS)/overrides.json
	touch $@

$(VENV)/.test: pyproject.toml overrides.json | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -e '.[notebooks,test]'
	mkdir -p $(LAB_SETTINGS) && cp overrides.json $(LAB_SETTINGS)/overrides.json
	touch $@ $(VENV)/.notebooks

lab: $(VENV)/.notebooks
	$(VENV)/bin/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) \
	    --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks/00_overview.ipynb \
	    $(AS_ROOT) $(LAB_ARGS)

test: $(VENV)/.test
	$(PY) -m pytest

# The hypothesis property tests only, under the `thorough` profile (tests/conftest.py):
# 15000 examples per property test instead of 300, spread over both workers.
test-thorough: $(VENV)/.test
	HYPOTHESIS_PROFILE=thorough $(PY) -m pytest --dist load tests/test_dynweights.py

# Re-execute every notebook in place, in order, storing widget state for nbviewer, with
# widget ids renumbered so that a second run gives the same bytes (tools/execute_notebooks.py).
notebooks: $(VENV)/.test
	$(PY) tools/execute_notebooks.py notebooks/*.ipynb

figures: $(VENV)/.notebooks
	$(PY) -m dynweights figures --out figures

bench: $(VENV)/.notebooks
	$(PY) benchmarks/bench.py

clean:
	rm -rf $(VENV)
