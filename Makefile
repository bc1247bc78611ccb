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

.PHONY: run test lint pytest install migrate bench messages vendor

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

# Refresh coalition/static/vendor/ from npm: plotly.js's cartesian bundle at the plotly.js version
# the installed plotly package carries (a test checks they agree). The bundle is kept in the
# repository, so `make install` and a fresh clone need no npm.
VENDOR := coalition/static/vendor
vendor: install
	version=$$($(BIN)/python -c 'import pathlib, plotly; from coalition.web import assets; \
		print(assets.plotly_js_version(pathlib.Path(plotly.__file__).parent / "package_data" / "plotly.min.js"))') && \
	work=$$(mktemp -d) && \
	npm pack --silent --pack-destination "$$work" "plotly.js-cartesian-dist-min@$$version" >/dev/null && \
	tar -xzf "$$work/plotly.js-cartesian-dist-min-$$version.tgz" -C "$$work" && \
	cp "$$work/package/plotly-cartesian.min.js" $(VENDOR)/plotly-cartesian.min.js && \
	cp "$$work/package/LICENSE" $(VENDOR)/plotly.js-LICENSE && \
	rm -rf "$$work" && \
	echo "plotly.js-cartesian-dist-min $$version in $(VENDOR)"

# bench/throughput.py and bench/large.py run the app under gunicorn (issue 16); bench/pages.py
# stops at 1,000 actors, since bench/large.py times every page at 10,000.
bench: install
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/large.py
	$(BIN)/python bench/pages.py --sizes 300,1000
	$(BIN)/python bench/diagnostic.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/consultation.py
	$(BIN)/python bench/sortition.py
