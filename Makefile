# Two commands: `make run` (set up, then run the main job on seeds/) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup run test evaluate bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -c "import timeline.nlp as n; n.load()"
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/timeline run --corpus seeds --out outputs/seeds

test: setup
	$(BIN)/python -m pytest

evaluate: setup
	$(BIN)/timeline evaluate ../shared/data/tempeval3/TBAQ-cleaned --system-out outputs/evaluate/tbaq --events --json outputs/evaluate/tbaq.json

bench: setup
	$(BIN)/timeline bench --corpus ../shared/data/tempeval3/te3-silver --workers 2

clean:
	rm -rf $(VENV) outputs/*/
