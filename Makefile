# The two commands a fresh machine needs: `make run` and `make test`.
VENV    ?= .venv
PYTHON  := $(VENV)/bin/python
HOST    ?= 127.0.0.1
PORT    ?= 8000
WORKERS ?= 1
CHROMIUM := /usr/lib/chromium/chromium

.PHONY: run test test-fast bench loadtest install browser axe wrk redis clean screenshots

SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

# The app alone (what `make run` needs), then the test tools on top of it.
.PHONY: install-app wheel

$(VENV)/.app: pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed: $(VENV)/.app
	$(PYTHON) -m pip install --quiet -e '.[test]'
	touch $@

install-app: $(VENV)/.app

install: $(VENV)/.installed

# A wheel in dist/ that serves everything (page, assets, plotly.js, /docs) once installed.
wheel: install-app
	$(PYTHON) -m pip wheel --quiet --no-deps --wheel-dir dist .

# Debian's Chromium drives the browser tests; Playwright never downloads a browser of its own.
browser:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

# The live-class tests and benchmark start Debian's redis-server themselves, on a free port.
redis:
	@command -v redis-server >/dev/null || { \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq redis-server >/dev/null; }

# Node runs the page's unit tests (node --test) and brings npm for axe-core: Debian's when the
# machine has none.
node:
	@command -v node >/dev/null && command -v npm >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm >/dev/null; }

# axe-core checks the page's accessibility in the browser tests: installed from npm into
# node_modules/ (not committed), with Debian's npm when the machine lacks one.
axe: node
	@test -f node_modules/axe-core/axe.min.js || { \
	  npm install --no-save --no-audit --no-fund --no-package-lock axe-core@4 >/dev/null; }

# wrk drives the request-rate benchmark, on 127.0.0.1 only and for a few seconds.
wrk:
	@command -v wrk >/dev/null || { \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk >/dev/null; }

run: install-app
	HOST=$(HOST) PORT=$(PORT) WORKERS=$(WORKERS) $(PYTHON) -m app

# Everything but the browser and the wheel build, in about a minute: lint, the Python tests
# (schemathesis at 25 cases an operation), the page's JavaScript units under Node's own runner.
test-fast: install node redis
	$(PYTHON) -m ruff check app tests benchmarks
	FUZZ_EXAMPLES=25 $(PYTHON) -m pytest --ignore=tests/browser -m "not slow" -q
	node --test tests/js/

test: install browser axe redis
	$(PYTHON) -m ruff check app tests benchmarks
	node --test tests/js/
	$(PYTHON) -m pytest

bench: install browser wrk redis
	$(PYTHON) -m benchmarks

# A class stepping while long runs and slow sockets press on one server, on 127.0.0.1 for
# about a minute (WORKERS=2 for several).
loadtest: install
	WORKERS=$(WORKERS) $(PYTHON) -m benchmarks.loadtest

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .schemathesis test-artifacts build dist *.egg-info

# The README's screenshots, taken again from the app in Debian's Chromium.
screenshots: install browser
	$(PYTHON) -m benchmarks.screenshots
