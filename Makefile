# QualityFlow — the commands a newcomer types. Each target installs the system packages it needs.
SWIFT ?= swift
APT_PACKAGES := libsqlite3-dev libxlsxwriter-dev pkg-config
# The tests also need a Python venv (workbooks read back by openpyxl), Chromium (the real-browser test), and
# LibreOffice with a CJK font and poppler's pdftotext (the study workbook printed to PDF in zh and en), and PyYAML
# (every shipped YAML file must read the same in another YAML implementation).
TEST_APT_PACKAGES := python3-venv python3-yaml chromium libreoffice-calc-nogui fonts-noto-cjk poppler-utils
# The tests read the workbooks back with openpyxl (an independent reader) and drive headless Chromium through its
# DevTools protocol (websocket-client), from this virtual environment.
PYENV := .build/pyenv

.PHONY: deps test-deps apt pyenv demo test bench build clean

## deps: install the C libraries from apt when they are missing (root or sudo).
deps:
	@$(MAKE) --no-print-directory apt PACKAGES="$(APT_PACKAGES)"

## test-deps: what the tests need on top of deps.
test-deps: deps
	@$(MAKE) --no-print-directory apt PACKAGES="$(TEST_APT_PACKAGES)"

apt:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

## demo: the main job — a fresh database replaying the reconstructed OR study, and its findings.
demo: deps
	$(SWIFT) build --product qflow
	$$($(SWIFT) build --show-bin-path)/qflow protocol validate Protocols
	$$($(SWIFT) build --show-bin-path)/qflow demo --db qflow-demo.sqlite

## pyenv: Python with openpyxl, websocket-client, PyYAML, Schemathesis and SpiffWorkflow for the workbook, browser,
## API-fuzz and BPMN round-trip tests (PyPI).
pyenv:
	@$(PYENV)/bin/python -c "import openpyxl, websocket, schemathesis, yaml, SpiffWorkflow" 2>/dev/null || { python3 -m venv $(PYENV) && $(PYENV)/bin/pip install -q openpyxl websocket-client pyyaml schemathesis==4.32.5 SpiffWorkflow==3.2.0; }

## test: the formatter's lint (.swift-format, strict), then every test of every module.
test: test-deps pyenv
	$(SWIFT) format lint --strict --recursive Sources Tests Benchmarks
	$(SWIFT) test --disable-xctest

## bench: side-by-side benchmarks against the peers in ../shared/bench (release build); wrk drives qflow serve; the
## slow-disk shim (fsync + 2 ms, preloaded into a child of the bench only) is built beside qflow-bench.
bench: deps
	@dpkg -s wrk >/dev/null 2>&1 || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO apt-get install -y -qq wrk >/dev/null; }
	$(SWIFT) build -c release --product qflow-bench
	cc -O2 -shared -fPIC -o $$($(SWIFT) build -c release --show-bin-path)/slow-fsync.so Benchmarks/slow-fsync/slow_fsync.c -ldl
	$$($(SWIFT) build -c release --show-bin-path)/qflow-bench $(BENCH_ARGS)

build: deps
	$(SWIFT) build

clean:
	rm -rf .build
