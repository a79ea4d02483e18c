# jixiao — every target creates .venv and installs what is missing (system packages included).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench fuzz docs accuracy system clean

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "jixiao: $(PYTHON) not found / 需要 Python 3.11"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	@touch $(STAMP)

system:
	@bash scripts/install-system-deps.sh

demo: $(STAMP) system
	$(BIN)/python -m jixiao.demo

test: $(STAMP) system lint
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP) system
	$(BIN)/python scripts/bench.py

fuzz: $(STAMP) system
	$(BIN)/python scripts/fuzz.py --cases 10000 --jobs 2

accuracy: $(STAMP)
	$(BIN)/python scripts/accuracy.py

docs: $(STAMP)
	$(BIN)/python scripts/gen_docs.py
	$(BIN)/python scripts/gen_schema.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build src/*.egg-info
