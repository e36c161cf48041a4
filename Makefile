# Two commands: `make run` (set up, then run the main job on seeds/) and `make test`;
# `make lab` opens the notebooks in JupyterLab.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup git-filter run test lab evaluate bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -c "import timeline.nlp as n; n.load()"
	touch $(STAMP)

setup: $(STAMP)
	@$(MAKE) --no-print-directory git-filter

# nbstripout as this clone's git filter: commits of notebooks never hold outputs, while the
# working copy keeps them (.gitattributes names the filter; the command is set here, per clone).
# Also stripped: papermill's run records and the kernel's version (they differ at every run).
NBSTRIP_KEYS := metadata.papermill cell.metadata.papermill metadata.language_info
git-filter:
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		$(BIN)/nbstripout --install \
		&& git config filter.nbstripout.extrakeys "$(NBSTRIP_KEYS)" \
		&& echo "nbstripout installed as this clone's git filter"; fi

# JupyterLab at the project root (outputs/ is one click away), the notebooks folder open.
LAB_PORT ?= 8888
LAB_ARGS ?=
lab: setup
	$(BIN)/jupyter lab --ServerApp.root_dir=. --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) \
		--LabApp.default_url=/lab/tree/notebooks $(LAB_ARGS)

run: setup
	$(BIN)/timeline run --corpus seeds --out outputs/seeds

test: setup
	$(BIN)/python -m pytest

evaluate: setup
	$(BIN)/timeline evaluate ../shared/data/tempeval3/TBAQ-cleaned --system-out outputs/evaluate/tbaq --events --json outputs/evaluate/tbaq.json

bench: setup
	$(BIN)/timeline bench --corpus ../shared/data/tempeval3/te3-silver --workers 2 --repeat 3

clean:
	rm -rf $(VENV) outputs/*/
