# The two commands of the README: `make demo` and `make test`.
# Both create .venv when it is missing and install what they need: the demo only
# goodwill itself; the tests also the dev tools, the Spark extra, Java 17 and Debian's
# Chromium (the browser tests drive it with Playwright, which must not fetch its own).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CORE := $(VENV)/.goodwill-core
FULL := $(VENV)/.goodwill-test

.PHONY: demo test lint typecheck unit install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(CORE): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(CORE)

$(FULL): pyproject.toml | $(BIN)/python
	command -v java >/dev/null || (apt-get update && apt-get install -y openjdk-17-jre-headless)
	command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || (apt-get update && apt-get install -y chromium)
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	touch $(CORE) $(FULL)

install: $(FULL)

demo: $(CORE)
	$(BIN)/goodwill demo

lint: $(FULL)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools

typecheck: $(FULL)
	$(BIN)/mypy

unit: $(FULL)
	$(BIN)/pytest -n 2

test: lint typecheck unit

clean:
	rm -rf $(VENV) build dist *.egg-info
