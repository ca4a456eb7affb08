# Every target sets up what it needs: a fresh machine with Python 3.11 is enough.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
KERNELS := $(VENV)/.kernels-stamp
DEMO_DB ?= demo.db
OPERATOR ?= aylin-demir  # the demo's first operator

.PHONY: demo test lint format tui bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# numba compiles the RCPSP heuristic's kernels once (about 35 s) and caches them on disk.
$(KERNELS): $(STAMP) solver/genetic.py solver/genetic_kernels.py solver/flexsearch_kernels.py
	$(BIN)/python -c 'from solver.genetic import warm; warm()'
	touch $(KERNELS)

demo: $(KERNELS)
	$(BIN)/labops --db $(DEMO_DB) demo

test: $(KERNELS)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/pytest -n 2

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

tui: $(STAMP)
	test -f $(DEMO_DB) || $(BIN)/labops --db $(DEMO_DB) demo
	$(BIN)/labops --db $(DEMO_DB) --as $(OPERATOR) tui

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm .pytest_cache .mypy_cache
