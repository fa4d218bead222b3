# 托育助手 — two runtimes, two commands: `make run`, `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

ENGINE_BASE_PY ?= $(shell pyenv root 2>/dev/null || echo $$HOME/.pyenv)/versions/3.10.13/bin/python
APP_BASE_PY    ?= python3
ENGINE := .venv-engine
APP    := .venv
EPY    := $(ENGINE)/bin/python
APY    := $(APP)/bin/python
MODEL  := models/tuoyu.tar.gz
# endpoints*.yml, credentials.yml, launch.py, fastpath.py and tracker_store.py (how the engine runs) are runtime, not training data: editing them never retrains
TRAIN_INPUTS := config.yml $(shell find bot data/nlu -type f \( -name '*.yml' -o -name '*.txt' -o -name '*.py' \) ! -name 'endpoints*.yml' ! -name 'credentials.yml' ! -name 'launch.py' ! -name 'fastpath.py' ! -name 'tracker_store.py' 2>/dev/null | sort)
export TF_CPP_MIN_LOG_LEVEL ?= 2
export RASA_TELEMETRY_ENABLED ?= false
# Readable logs: Rasa 3.6 pulls in libraries that print deprecation warnings on every start.
export PYTHONWARNINGS ?= ignore
export SQLALCHEMY_SILENCE_UBER_WARNING ?= 1
export PYTHONPATH := $(CURDIR)

.PHONY: help install run test train vocab overrides lint format eval kb-check shell bench admin validate clean chromium test-app test-engine test-stories test-nlu db secrets

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(ENGINE)/.installed: requirements/engine.txt
	@test -x $(EPY) || $(ENGINE_BASE_PY) -m venv $(ENGINE)
	$(EPY) -m pip install -q --upgrade pip
	$(EPY) -m pip install -q -r requirements/engine.txt
	@touch $@

$(APP)/.installed: pyproject.toml requirements/app.lock
	@test -x $(APY) || $(APP_BASE_PY) -m venv $(APP)
	$(APY) -m pip install -q --upgrade pip
	$(APY) -m pip install -q -r requirements/app.lock
	$(APY) -m pip install -q --no-deps -e .
	@touch $@

install: $(ENGINE)/.installed $(APP)/.installed ## create both runtimes (engine: Python 3.10 + Rasa; app: python3)

chromium: ## Debian's chromium for page tests (Playwright drives it; no browser download)
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

# Train only when the NLU/dialogue data or pipeline changed (content hash, not timestamps).
# `python -m api.cli train`: one progress line (component, epoch), the full output in var/train.log.
models/.fingerprint: vocab $(ENGINE)/.installed $(APP)/.installed $(TRAIN_INPUTS)
	@mkdir -p models
	@new=$$(cat $(TRAIN_INPUTS) | sha256sum | cut -c1-16); \
	if [ -f $(MODEL) ] && [ "$$(cat models/.fingerprint 2>/dev/null)" = "$$new" ]; then \
		echo "      model up to date ($$new)"; touch models/.fingerprint; \
	else \
		echo "      training the model ($$new; ~1.5 min on 2 cores)"; \
		$(APY) -m api.cli train && echo "$$new" > models/.fingerprint; \
	fi

# the engine's department lookups, synonyms and jieba words come from the one department list (before the hash above)
vocab: $(APP)/.installed ## regenerate the engine's department vocabulary from knowledge/data/triage/departments.yml
	@$(APY) -m knowledge.triage.vocab

# reviewed staff corrections beyond knowledge/data/triage/corrections.yml: `make train TRIAGE_EXTRA=var/triage/overrides.yml`
TRIAGE_EXTRA ?=
train: models/.fingerprint $(APP)/.installed ## train the Rasa model if its data changed; fit the emergency detector, the answer decision and the triage model
	@$(APY) -m knowledge.safety build
	@$(APY) -m knowledge.decide build
	@TRIAGE_EXTRA=$(TRIAGE_EXTRA) $(APY) -m knowledge.triage build

overrides: $(APP)/.installed ## export staff corrections of triage (training-set format, PII-masked) to var/triage/overrides.yml
	$(APY) -m api.cli export-overrides --out var/triage/overrides.yml

validate: $(ENGINE)/.installed ## rasa data validate
	$(ENGINE)/bin/rasa data validate --config config.yml --domain bot/domain --data data/nlu bot/rules bot/stories --fail-on-warnings

secrets: $(APP)/.installed ## generate the local secrets into var/secrets.env (once; env vars override)
	@$(APY) -m api.cli secrets

db: $(APP)/.installed secrets ## apply database migrations
	$(APY) -m api.cli migrate

# One line per stage; each stage's full output goes to var/*.log. The URL is printed by the Procfile's
# `ready` process once /api/health is ok (until then the chat already answers from the knowledge base).
run: ## install what is missing, train if needed, start everything, print the URL when ready (Ctrl-C stops all)
	@mkdir -p var
	@echo "[1/4] installing runtimes (first time ~2-3 min; log: var/install.log)"
	@$(MAKE) -s --no-print-directory install >var/install.log 2>&1 || { tail -n 30 var/install.log; exit 1; }
	@echo "[2/4] training"
	@$(MAKE) -s --no-print-directory train
	@echo "[3/4] migrating the database"
	@$(MAKE) -s --no-print-directory secrets db >var/migrate.log 2>&1 || { tail -n 30 var/migrate.log; exit 1; }
	@echo "[4/4] starting app, engine and action server (the URL follows when all three answer)"
	@$(APP)/bin/honcho start -f Procfile

test: install secrets chromium train ## install what is missing and run every test
	$(APY) -m pip install -q --no-deps -e . >/dev/null
	$(MAKE) validate
	$(MAKE) test-app test-engine

test-app:
	$(APY) -m pytest tests/knowledge tests/api tests/e2e -q -p no:cacheprovider

test-engine:
	$(EPY) -m pytest tests/actions tests/bot -q -p no:cacheprovider
	$(MAKE) test-stories test-nlu

test-nlu: $(ENGINE)/.installed ## intent accuracy on a held-out 20 % of our own NLU data
	$(EPY) tests/bot/nlu_holdout.py

test-stories: ## dialogue story tests (rasa test core) for every flow
	@for f in tests/bot/stories/*.yml; do \
		echo "rasa test core $$f"; \
		$(ENGINE)/bin/rasa test core --stories $$f --model $(MODEL) --fail-on-prediction-errors \
			--out $$(mktemp -d) --quiet >/dev/null || { echo "story test failed: $$f"; exit 1; }; \
	done; echo "story tests passed"

kb-check: $(APP)/.installed ## list entries whose sources expired or were superseded (and sources due for a re-check)
	$(APY) -m knowledge.kb_check $(KB_ARGS)

lint: $(APP)/.installed ## ruff + mypy
	$(APP)/bin/ruff check api knowledge actions bot tests
	$(APP)/bin/ruff format --check api knowledge actions bot tests
	$(APP)/bin/mypy

format: $(APP)/.installed
	$(APP)/bin/ruff format api knowledge actions bot tests
	$(APP)/bin/ruff check --fix api knowledge actions bot tests

eval: install train ## answer decision (cross-validated, held-out, BM25 baseline), the emergency detector and triage on their sets; then dev.yml, currency-dev.yml, safety-dev.yml and dialogues-dev.yml against a freshly started stack
	$(APY) -m knowledge.safety evaluate $(wildcard ../shared/eval/safety-dev.yml)
	$(APY) -m knowledge.triage evaluate $(wildcard ../shared/eval/dev.yml ../shared/eval/safety-dev.yml)
	$(APY) -m knowledge.evaluate $(wildcard ../shared/eval/dev.yml)
	$(APY) -m tests.e2e.evaluate $(EVAL_ARGS)

shell: install train ## chat in the terminal (starts the stack, then talks through /api/chat)
	$(APY) -m api.cli chat

bench: install train ## latency and memory benchmarks against a started stack
	$(APY) -m tests.e2e.bench $(BENCH_ARGS)

admin: $(APP)/.installed ## create or reset the first admin account
	$(APY) -m api.cli admin

clean:
	rm -rf models var/*.db .pytest_cache
