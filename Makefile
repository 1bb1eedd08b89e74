# detente — the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: demo test test-slow test-lowest lint docs bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# An editable install is not byte-compiled (a regular one is): compile it, so that every
# process (the CLI, explore's workers) reads bytecode instead of compiling detente afresh
# where PYTHONDONTWRITEBYTECODE is set. A stale file is recompiled in memory, never trusted.
$(STAMP_RUN): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m compileall -q src/detente
	touch $@

$(STAMP_DEV): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q src/detente
	touch $@ $(STAMP_RUN)

## demo: install detente and run the main analysis of the built-in scenario (writes report.html)
demo: $(STAMP_RUN)
	$(BIN)/detente analyze --html report.html

## test: install test dependencies and run the default (fast) test suite, lint and type checks
test: $(STAMP_DEV)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

## test-slow: the long-running tests
test-slow: $(STAMP_DEV)
	$(BIN)/python -m pytest -q -m slow

## test-lowest: install the lowest dependency versions pyproject.toml allows and smoke-test them
test-lowest:
	bash scripts/lowest_deps_smoke.sh

lint: $(STAMP_DEV)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

## docs: build the documentation site into site/ (runs the tutorials; warnings are errors)
docs: $(STAMP_DEV)
	$(BIN)/python scripts/gen_docs.py
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

bench: $(STAMP_RUN)
	$(BIN)/python benchmarks/stability.py

clean:
	rm -rf $(VENV) site .cache build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
