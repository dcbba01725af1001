# Tuoyu: `make demo` runs the demo district, `make test` runs every check. `make` lists the targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000

.DEFAULT_GOAL := help
.PHONY: help install demo run test lint typecheck pytest fmt messages bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## Create .venv (if missing) and install Tuoyu with its development tools

demo: install ## Set up the demo district (太白湖新区) and serve it on http://127.0.0.1:8000
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo
	@echo "Serving on http://$(HOST)/ (Ctrl+C stops it)"
	$(MANAGE) runserver $(HOST)

run: install ## Serve the current database on http://127.0.0.1:8000
	$(MANAGE) migrate --no-input
	$(MANAGE) runserver $(HOST)

lint: install ## ruff format --check and ruff check
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: install ## mypy
	$(BIN)/mypy

pytest: install ## The test suite alone (pytest)
	$(BIN)/pytest -q

test: install lint typecheck ## Every check: lint, types, missing migrations, the test suite
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest -q

fmt: install ## Format and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install ## Update the zh-hans catalogue from the code and compile it (needs gettext)
	cd src/tuoyu && ../../$(BIN)/python ../../manage.py makemessages --locale zh_Hans --no-obsolete --no-location --ignore 'demo/*'
	cd src/tuoyu && ../../$(BIN)/python ../../manage.py compilemessages --locale zh_Hans

bench: install ## Run the benchmarks under bench/ (installs the benchmark-only comparison packages)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean: ## Remove the virtual environment and local data (var/)
	rm -rf $(VENV) var
