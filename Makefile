# Seller Central — `make run` starts everything with demo data, `make test` runs the checks.
# Needs only Python >= 3.11 and make; everything else goes into .venv from the hashed locks.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# uv installs the same hashed lock in seconds when it is on PATH; pip otherwise.
UV := $(shell command -v uv 2>/dev/null)
ifdef UV
INSTALL = $(UV) pip install --quiet --python $(BIN)/python --require-hashes -r
else
INSTALL = $(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r
endif
# Development mode unless the caller says otherwise (SQLite + filesystem broker by default).
# The developer writes into the relay from this machine: loopback counts as authenticated.
# WEB_BIND and RELAY_SMTP_PORT reach every process (and the seed): links in e-mails follow
# WEB_BIND unless SITE_URL says otherwise.
WEB_BIND ?= 127.0.0.1:8000
RELAY_SMTP_PORT ?= 2525
RUN_ENV := DEBUG=$${DEBUG:-true} RELAY_TRUSTED_NETWORKS=$${RELAY_TRUSTED_NETWORKS-127.0.0.0/8,::1/128} \
	WEB_BIND=$(WEB_BIND) RELAY_SMTP_PORT=$(RELAY_SMTP_PORT)

.PHONY: run test lint api-lint format migrate seed install install-dev clean help bench profile e2e screenshots audit load messages mail-interop mail-packages api-clients

help:
	@echo "make run   - install, migrate, load demo data, start web + worker + beat + relay"
	@echo "make test  - install dev tools, run ruff and the test suite"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(INSTALL) requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(INSTALL) requirements-dev.txt
	@touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-dev: $(VENV)/.installed-dev

migrate: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput

seed: migrate
	$(RUN_ENV) $(BIN)/python manage.py seed_demo

# The banner is printed by manage.py dev_banner from the demo accounts, the settings and the
# Procfile, so it names every sign-in, address and process there is.
run: seed
	@$(RUN_ENV) $(BIN)/python manage.py dev_banner
	$(RUN_ENV) $(BIN)/honcho start -f Procfile

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Redocly's recommended rules on the schema the site serves (redocly.yaml), with the CLI of
# tools/api-clients' lock (make api-clients runs the same check against a live server).
api-lint: install-dev tools/api-clients/node_modules/.installed
	$(RUN_ENV) $(BIN)/python manage.py spectacular --validate --fail-on-warn --format openapi-json --file var/openapi.json
	tools/api-clients/node_modules/.bin/redocly lint --config redocly.yaml var/openapi.json

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	$(BIN)/pytest -m "not e2e and not interop and not api_clients"

# End-to-end stories in headless Chromium (Debian's /usr/bin/chromium; never a browser download)
# with axe-core, pinned by version and SHA-256, for the accessibility checks.
AXE_VERSION := 4.14.1
AXE_SHA256 := e6b0ce02b84d892e2e33e403485e7f3d6c29e2be6df65daf44d89ba564139745
var/axe/axe.min.js:
	@mkdir -p var/axe
	cd var/axe && npm pack --silent axe-core@$(AXE_VERSION) > /dev/null
	echo "$(AXE_SHA256)  var/axe/axe-core-$(AXE_VERSION).tgz" | sha256sum -c -
	tar -xzf var/axe/axe-core-$(AXE_VERSION).tgz -C var/axe --strip-components=1 package/axe.min.js

e2e: install-dev var/axe/axe.min.js
	@test -x /usr/bin/chromium || { echo "Chromium is missing: apt-get install -y chromium"; exit 1; }
	$(BIN)/pytest -m e2e -p no:cacheprovider

# Clients generated from the served schema by the tools integrators use (tests/api_clients/):
# openapi-python-client's package imported whole and driven through a buyer's and a seller's
# flow against a live server; openapi-typescript's types type-checked by tsc; Redocly's lint.
# Both tool sets are pinned with hashes (requirements-clients.txt, tools/api-clients/package-lock.json).
api-clients: $(VENV)/.installed-clients tools/api-clients/node_modules/.installed
	$(BIN)/pytest -m api_clients -p no:cacheprovider tests/api_clients
$(VENV)/.installed-clients: requirements-clients.txt $(VENV)/.installed-dev
	$(INSTALL) requirements-clients.txt
	@touch $@
tools/api-clients/node_modules/.installed: tools/api-clients/package-lock.json
	cd tools/api-clients && npm ci --no-audit --no-fund --silent
	@touch $@

# Real mail software around the relay (tests/interop/): private Postfix instances as the MX in
# front of relay_smtpd and as the product's smarthost with maildirs, SpamAssassin offline, a
# DNS server of the tests' own. Needs root (Postfix); Debian's packages are installed when
# missing, without prompts and without starting the system's Postfix.
MAIL_PACKAGES := postfix spamassassin swaks
mail-packages:
	@if ! command -v postfix >/dev/null 2>&1 || ! command -v spamassassin >/dev/null 2>&1 \
		|| ! command -v swaks >/dev/null 2>&1; then \
		echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(MAIL_PACKAGES) >/dev/null \
			|| { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(MAIL_PACKAGES) >/dev/null; }; \
	fi

mail-interop: install-dev mail-packages
	$(BIN)/pytest -m interop -p no:cacheprovider tests/interop

# A PNG of every seed screen and of each story's screens, for the README's gallery.
screenshots: install-dev var/axe/axe.min.js
	rm -rf var/screenshots
	SCREENSHOTS_DIR=var/screenshots $(BIN)/pytest -m e2e -p no:cacheprovider
	cp var/screenshots/*.png docs/screenshots/

# Translations: the .po files under locale/ are the one source; edit them, then compile.
# After changing templates or code, refresh the catalogues first (needs GNU gettext).
LANGS := fr de it es
messages: install-dev
	$(BIN)/python manage.py makemessages --no-obsolete --no-location $(addprefix -l ,$(LANGS)) -i ".venv/*" -i "var/*"
	$(BIN)/python manage.py compilemessages $(addprefix -l ,$(LANGS)) -i ".venv" -i "var"

clean:
	rm -rf var/broker var/mailbox var/test_db.sqlite3*

# Benchmarks need PostgreSQL: DATABASE_URL defaults to a bench database on the local server.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/sellercentral_bench
BENCH_BROKER_URL ?= redis://127.0.0.1:6379/14
# The relay figures send from loopback, a trusted network here (as in `make run`), one buyer
# to one seller many times over (no rate limit).
# Production settings, as a site runs: DEBUG off (cached templates, no query log), a shared
# cache, collected static files; only HTTPS redirection is off (the test client speaks HTTP).
BENCH_ENV = DEBUG=false SECRET_KEY=bench-only-bench-only-bench-only-bench-only-bench-only \
	ALLOWED_HOSTS=testserver,localhost,127.0.0.1 SECURE_SSL_REDIRECT=false INBOUND_EMAIL_SECRET=bench-only \
	CACHE_URL=$${CACHE_URL:-redis://127.0.0.1:6379/13} DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(BENCH_BROKER_URL)} CELERY_TASK_DEFAULT_QUEUE=bench LOG_LEVEL=WARNING \
	RELAY_TRUSTED_NETWORKS=127.0.0.0/8 RELAY_RATE_PER_SENDER=1000000/hour RELAY_RATE_PER_ALIAS=1000000/hour
bench: $(VENV)/.installed-load
	@psql "$(dir $(BENCH_DATABASE_URL))postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$(notdir $(BENCH_DATABASE_URL))'" | grep -q 1 \
		|| createdb -h 127.0.0.1 -U postgres "$(notdir $(BENCH_DATABASE_URL))"
	$(BENCH_ENV) $(BIN)/python manage.py migrate --noinput -v0
	$(BENCH_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(BENCH_ENV) $(BIN)/python manage.py bench $(BENCH_ARGS)
# One part: make bench BENCH_ARGS="--only pages --runs 10" (each hot page beside its floor;
# parts: pages inbox metrics returns relay postfix web).

# Where one hot page's time goes (pyinstrument), on the bench's data set and settings:
# make profile PAGE=inbox (pages: inbox thread returns account-health home buyer-orders buyer-returns).
PAGE ?= inbox
profile: $(VENV)/.installed-load
	$(BENCH_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(BENCH_ENV) $(BIN)/python manage.py profile_page $(PAGE) $(PROFILE_ARGS)

# Security audit: bandit over our code (no high-severity finding allowed) and pip-audit over
# the runtime lock (--strict: a package it cannot check is a failure, not a pass).
audit: install-dev
	$(BIN)/bandit -q -r commerce messaging returns metrics sellercentral -x "*/migrations/*" --severity-level high
	$(BIN)/pip-audit --strict --disable-pip --require-hashes -r requirements.txt --progress-spinner off

# Load: gunicorn + a worker on PostgreSQL and Redis (production settings, demo data), locust
# headless with 50 users for 60 s on 127.0.0.1; fails on any failed request. Not run by CI.
$(VENV)/.installed-load: requirements-load.txt $(VENV)/.installed-dev
	$(INSTALL) requirements-load.txt
	@touch $@
load: $(VENV)/.installed-load
	load/run.sh
