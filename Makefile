# Helpdesk — `make run` and `make test` each do all the set-up from a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
MO_FILES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

.DEFAULT_GOAL := help
.PHONY: help setup run test lint fmt typecheck translations catalogs check-translations index content-check bench cluster clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-20s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(PY) -m babel.messages.frontend compile -i $< -o $@ -l $*

setup: $(STAMP) catalogs ## Create .venv, install the project and compile the catalogs

catalogs: $(MO_FILES) ## Compile the gettext catalogs (.po -> .mo)

index: setup ## Build the search index (atomically swapped in)
	$(PY) -m helpdesk index build

run: setup index ## Serve the site with gunicorn on http://$(HOST):$(PORT)
	$(VENV)/bin/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - 'helpdesk:create_app()'

cluster: setup index ## Redis, two app servers and nginx in front on http://$(HOST):$(PORT) (Ctrl-C stops all)
	HOST=$(HOST) PORT=$(PORT) WORKERS=$(WORKERS) $(PY) deploy/cluster.py

lint: setup ## ruff check + format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: setup ## Format and fix what ruff can
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: setup ## mypy (strict) on simulator/
	$(VENV)/bin/mypy

content-check: setup ## Validate the articles (ids, step kinds, links, front matter)
	$(PY) -m helpdesk content check

check-translations: setup ## Fail on a stale messages.pot or untranslated/fuzzy messages
	$(PY) -m helpdesk i18n check

test: setup lint typecheck content-check check-translations ## Lint, check content and translations, run the whole test suite
	$(PY) -m pytest -q

translations: $(STAMP) ## Extract, update and compile the catalogs
	$(PY) -m babel.messages.frontend extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -o translations/messages.pot --no-location --sort-output --omit-header .
	for lang in $$($(PY) -c 'from helpdesk.settings import LANGUAGES; print(*[l for l in LANGUAGES if l != "en"])'); do \
	  if [ -f translations/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(PY) -m babel.messages.frontend update -i translations/messages.pot -d translations -l $$lang --no-fuzzy-matching --ignore-obsolete; \
	  else \
	    $(PY) -m babel.messages.frontend init -i translations/messages.pot -d translations -l $$lang; \
	  fi; \
	done
	$(MAKE) catalogs

bench: setup index ## Run the benchmarks in bench/
	$(PY) bench/search_quality.py
	$(PY) bench/search_speed.py
	$(PY) bench/suggest_quality.py
	$(PY) bench/suggest_speed.py
	$(PY) bench/page_throughput.py
	$(PY) bench/search_page_floor.py
	$(PY) bench/sandbox_throughput.py
	$(PY) bench/cluster_throughput.py

clean: ## Remove the venv, compiled catalogs and instance data
	rm -rf $(VENV) instance translations/*/LC_MESSAGES/*.mo
