# make lab    set up .venv and open the tutorial in JupyterLab
# make test   set up .venv and run every test (unit, doctests, properties, notebooks, browser)
# make test-frameworks   install the pinned PyTorch/JAX/optax/transformers/Keras (`frameworks`
#                        extra, ~1.6 GB) and check notebook 08's framework table against them
# make notebooks / figures / bench   re-execute the notebooks / redraw figures/ / time it
# make book / student   the static HTML book (build/book/) / the student edition (build/student/)

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8888
LAB_ARGS ?=
# Jupyter refuses to run as root without this (containers, CI machines).
AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test test-frameworks notebooks figures bench book student clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	    { echo "make: $(PYTHON) is Python < 3.11; the pinned notebook and test extras need 3.11+: make lab PYTHON=python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Stamps: reinstall only when pyproject.toml changed (or the venv is new).
$(VENV)/.notebooks: pyproject.toml | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -e '.[notebooks]'
	touch $@

$(VENV)/.book: pyproject.toml | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -e '.[notebooks,book]'
	touch $@ $(VENV)/.notebooks

$(VENV)/.test: pyproject.toml | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -e '.[notebooks,test,book]'
	touch $@ $(VENV)/.notebooks $(VENV)/.book

$(VENV)/.frameworks: pyproject.toml | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -e '.[notebooks,test,book,frameworks]'
	touch $@ $(VENV)/.test $(VENV)/.notebooks $(VENV)/.book

lab: $(VENV)/.notebooks
	$(VENV)/bin/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) \
	    --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks/00_overview.ipynb \
	    $(AS_ROOT) $(LAB_ARGS)

# The book and the student edition are built first; tests/test_book.py checks them.
test: $(VENV)/.test
	$(PY) book/build.py book
	$(PY) book/build.py student
	$(PY) -m pytest

# One process (-n 0): the file imports torch, JAX and Keras once instead of once per worker.
test-frameworks: $(VENV)/.frameworks
	$(PY) -m pytest -n 0 tests/test_frameworks.py

# Re-execute every notebook in place, in order, storing widget state for nbviewer.
notebooks: $(VENV)/.test
	$(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.kernel_name=python3 \
	    --ExecutePreprocessor.store_widget_state=True \
	    --ExecutePreprocessor.record_timing=False \
	    notebooks/*.ipynb

figures: $(VENV)/.notebooks
	$(PY) -m dynweights figures --out figures

bench: $(VENV)/.notebooks
	$(PY) benchmarks/bench.py

# Sphinx + MyST-NB from the stored outputs (nothing executed), warnings as errors.
book: $(VENV)/.book
	$(PY) book/build.py book

# nbformat comes with the notebook extras.
student: $(VENV)/.notebooks
	$(PY) book/build.py student

clean:
	rm -rf $(VENV)
