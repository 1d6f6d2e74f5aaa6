# Every target works on a fresh machine: the venv and the Node tools install themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
VENV_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
EXTRAS := dev,cli,sandbox,otel

.PHONY: help venv node generate check-generated lint-spec lint format test contract demo bench docs clean

help:
	@echo "make test             set up, check spec and generated code, lint, run all tests"
	@echo "make demo             guided tour against the embedded sandbox"
	@echo "make generate         regenerate generated/ from openapi.yaml"
	@echo "make check-generated  fail when generated/ differs from a fresh generation"
	@echo "make lint-spec        openapi-spec-validator + Redocly lint"
	@echo "make lint             ruff + mypy --strict"
	@echo "make contract         spec checks, breaking changes, Prism and fuzzing contract tests"
	@echo "make bench            side-by-side benchmarks into BENCHMARKS.md"
	@echo "make docs             API reference from the docstrings into site/ (warnings fail)"

$(VENV_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[$(EXTRAS)]'
	touch $@

venv: $(VENV_STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

node: $(NODE_STAMP)

generate: venv
	scripts/generate.sh generated/agentplatform_api

check-generated: venv
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	scripts/generate.sh "$$tmp/agentplatform_api" && \
	if diff -r -x __pycache__ "$$tmp/agentplatform_api" generated/agentplatform_api; then \
	  echo "generated/ matches openapi.yaml"; \
	else \
	  echo "generated/ differs from a fresh generation: run 'make generate' and commit" >&2; exit 1; \
	fi

lint-spec: venv node
	$(BIN)/openapi-spec-validator openapi.yaml
	NO_UPDATE_NOTIFIER=1 REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
	  node_modules/.bin/redocly lint --format=stylish openapi.yaml

lint: venv
	$(BIN)/ruff check overlays sandbox tests examples bench
	$(BIN)/ruff format --check overlays sandbox tests examples bench
	$(BIN)/mypy

format: venv
	$(BIN)/ruff check --fix overlays sandbox tests examples bench
	$(BIN)/ruff format overlays sandbox tests examples bench

test: venv node check-generated lint-spec lint docs
	$(PY) -m pytest --cov --cov-report=term

# Contract checks against independent tools: the spec is valid and generated/ fresh,
# no breaking change against the newest spec/released copy unless the major version
# moves (Optic), and every test marked `contract` (Prism, response fuzzing, schemathesis).
# `make test` runs the same tests, as part of the whole suite.
contract: venv node check-generated lint-spec
	$(PY) scripts/spec_compat.py
	$(PY) -m pytest -m contract

BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(VENV_STAMP)
	$(PY) -m pip install -q -e '.[$(EXTRAS),bench]'
	touch $@

bench: $(BENCH_STAMP)
	$(PY) bench/run.py

# The tour keeps its data in build/demo-data; it ends by saying how to see it in the console.
demo: venv
	$(BIN)/agentplatform demo --data-dir build/demo-data

docs: venv
	$(BIN)/mkdocs build --strict --quiet

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache .coverage dist build site
