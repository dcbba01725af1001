# Tuoyu: `make demo` runs the demo district, `make test` runs every check. `make` lists the targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000
VAR_DIR := $(or $(TUOYU_VAR_DIR),var)
SECRET_KEY_FILE := $(VAR_DIR)/secret-key

.DEFAULT_GOAL := help
.PHONY: help install demo run test lint typecheck pytest fmt messages bench clean prod-check

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# A random SECRET_KEY for this machine (production sets SECRET_KEY in its environment instead).
$(SECRET_KEY_FILE):
	@mkdir -p $(VAR_DIR)
	@$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	@chmod 600 $@

install: $(STAMP) $(SECRET_KEY_FILE) ## Create .venv (if missing) and install Tuoyu with its development tools

# The web server and the queue consumer together (Procfile), with the virtual environment's python.
SERVE := HOST=$(HOST) PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho --procfile Procfile start

# The demo runs as production does (DEBUG off: the project's own error pages), on plain HTTP on this machine.
demo: install ## Set up the demo district (太白湖新区) and run it on http://127.0.0.1:8000 with its task queue
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo
	@echo "Serving on http://$(HOST)/ with the task queue's consumer (Ctrl+C stops both)"
	DEBUG=false HTTPS=false $(SERVE)

run: install ## Serve the current database on http://127.0.0.1:8000 with DEBUG on (development), with the queue
	$(MANAGE) migrate --no-input
	DEBUG=true $(SERVE)

lint: install ## ruff format --check, ruff check and the import layers (import-linter, see pyproject.toml)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

typecheck: install ## mypy
	$(BIN)/mypy

pytest: install ## The test suite alone (pytest)
	$(BIN)/pytest -q -n auto

test: install lint typecheck ## Every check: lint, types, missing migrations, the test suite
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest -q -n auto

fmt: install ## Format and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

prod-check: install ## Start the production profile here (gunicorn, queue, PostgreSQL, Redis), check it, stop it
	$(BIN)/python deploy/prod_check.py

messages: install ## Update the zh-hans catalogue from the code and compile it (needs gettext)
	cd src/tuoyu && ../../$(BIN)/python ../../manage.py makemessages --locale zh_Hans --no-obsolete --no-location --ignore 'demo/*'
	cd src/tuoyu && ../../$(BIN)/python ../../manage.py compilemessages --locale zh_Hans

bench: install ## Run the benchmarks under bench/ (installs the benchmark-only comparison packages)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean: ## Remove the virtual environment and local data (var/)
	rm -rf $(VENV) var
