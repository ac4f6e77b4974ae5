# The two commands a newcomer needs: `make run` and `make test` (see README.md).
PORT ?= 8000
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# PORT is passed on so that SITE_URL's default (links, preview cards) names this server.
DEV_ENV := DEBUG=1 PORT=$(PORT)
# Tests run with DEBUG off, as in production; the key is only for the test run.
TEST_ENV := SECRET_KEY=test-only-not-secret

# Test processes: `make test TEST_WORKERS=0` runs in one (pytest-xdist, `-n`). Tests are handed
# out in collection order (`--dist load`), which keeps pytest-django's order: transactional
# tests, whose flush empties what migrations made (the Editors group), come last.
TEST_WORKERS ?= 2
# Debian packages the tests drive, each with the file it installs: Chromium and Java (the Nu
# HTML checker) for tests/browser/, nginx for tests/test_nginx.py.
TEST_PACKAGES := /usr/bin/chromium:chromium /usr/bin/java:default-jre-headless /usr/sbin/nginx:nginx
# What `make bench` drives besides PostgreSQL: wrk for the load, nginx in front, a Redis of its own.
BENCH_PACKAGES := /usr/bin/wrk:wrk /usr/sbin/nginx:nginx /usr/bin/redis-server:redis-server
APT_GET := $(if $(filter 0,$(shell id -u)),apt-get,sudo apt-get)

.PHONY: install run test test-tools bench-tools lint format serve audit bench bench-imports drill

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

install: $(BIN)/.installed

run: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py load_default_content
	$(DEV_ENV) $(BIN)/python manage.py bootstrap_admin
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install test-tools
	$(TEST_ENV) $(BIN)/pytest -n $(TEST_WORKERS) --dist load $(PYTEST_ARGS)

# What the browser tests need, installed where missing (as CI does): a newcomer's `make test`
# runs them too, or stops saying what to install.
test-tools: node_modules/.installed
	@$(call debian_packages,$(TEST_PACKAGES),test)

bench-tools:
	@$(call debian_packages,$(BENCH_PACKAGES),bench)

# $(call debian_packages,<path:package ...>,<target>): each package installed where its path
# is missing.
define debian_packages
for pair in $(1); do \
    path=$${pair%%:*}; package=$${pair#*:}; \
    [ -x "$$path" ] && continue; \
    echo "make $(2): installing $$package (for $$path) from Debian"; \
    { $(APT_GET) update -qq && $(APT_GET) install -y -qq "$$package"; } || { \
        echo "make $(2): could not install $$package; install it (apt-get install" \
            "$$package) and run make $(2) again." >&2; exit 1; }; \
done
endef

# axe-core and vnu-jar, pinned in package.json and package-lock.json.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "make test: npm is needed for axe-core and" \
	    "vnu-jar (apt-get install npm), then run make test again." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# As in production: DEBUG off; needs SECRET_KEY, ALLOWED_HOSTS and SITE_URL (README,
# "Deploying"). The deploy check refuses to start without them.
serve: install
	DEBUG=0 PORT=$(PORT) $(BIN)/python manage.py check --deploy --fail-level ERROR
	DEBUG=0 $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	DEBUG=0 $(BIN)/python manage.py migrate --no-input
	DEBUG=0 PORT=$(PORT) exec $(BIN)/gunicorn -c gunicorn.conf.py kb.wsgi

# Known vulnerabilities in the pinned set (needs PyPI's vulnerability data or OSV online).
audit: install
	$(BIN)/pip-audit --strict --no-deps --disable-pip -r constraints.txt

# Load benchmark on PostgreSQL (DATABASE_URL's server); see README, "Performance".
bench: install bench-tools
	$(BIN)/python benchmarks/load.py

# The admin's import at 50, 200 and 1,000 lines, SQLite and PostgreSQL (BENCH_DATABASE_URL's
# server); see README, "Bulk import and export".
bench-imports: install
	$(BIN)/python benchmarks/imports.py

# Fault drill: its own Redis and PostgreSQL stopped and started under load; see README,
# "Keeping up under faults".
drill: install
	$(BIN)/python benchmarks/drill.py
