# Two commands on a fresh clone: `make run` (set up, start the embedded database, serve) and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install run test db-start db-stop clean help bench

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install the product with its test tools

run: install  ## set up, start the embedded database (with the demo data when available) and serve the API
	$(BIN)/kam serve

test: install  ## set up and run the whole test suite
	$(BIN)/python -m pytest

db-start: install  ## start the embedded database in the background
	$(BIN)/kam db start

db-stop: install  ## stop the embedded database
	$(BIN)/kam db stop

clean:  ## remove the virtual environment and caches (not your data)
	rm -rf $(VENV) .pytest_cache .hypothesis *.egg-info

SCALE ?= S
bench: install  ## run every benchmark at SCALE=S|M|L and write bench/results/$(SCALE).json
	$(BIN)/python -m bench.run --scale $(SCALE)
