# Two commands are enough on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi
DEMO := seeds/reset-ia-responsable.toml
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))
PYTEST_ARGS ?=
# pytest-xdist: one worker per core, each test file on one worker (the browser journeys share a
# live server per worker); `make pytest WORKERS=0` runs in one process.
WORKERS ?= auto

.PHONY: run test lint pytest install migrate bench messages

run: install migrate
	$(FLASK) seed --if-empty --demo-users $(DEMO)
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install lint pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy coalition

pytest: install
	$(BIN)/pytest -n $(WORKERS) --dist loadfile $(PYTEST_ARGS)

install: $(STAMP) $(CATALOGUES)

migrate: install
	$(BIN)/alembic upgrade head

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

# Refresh the catalogues after changing user-facing strings, then translate the new entries.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--ignore-dirs=".* __pycache__" -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

bench: install
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/diagnostic.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/consultation.py
