# dbtasks.cloud developer entry points; `make help` lists them.
# The sessions live in noxfile.py; make only bootstraps nox and uv (requirements/bootstrap.txt) and calls them.
# Every session makes its own venv under .nox/ from a lock in requirements/ (uv), so a fresh clone needs nothing else.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTEST_ARGS ?=
ANSIBLE_TEST_ARGS ?=
MOLECULE_ARGS ?=
BENCH_ARGS ?=
LOCK_ARGS ?=
# Scenario seconds per wall second in `make demo`: slow enough to see the gate's progress lines.
EMULATOR_SPEED ?= 3
# `make test`: the nox session "test", whose requirements (TEST_SESSIONS in noxfile.py) run TEST_JOBS at a time
# (nox --parallel); pytest runs 4 workers of its own (PYTEST_WORKERS).
TEST_JOBS ?= 2

BOOTSTRAP := .nox/.bootstrap
NOX := $(BOOTSTRAP)/bin/nox --envdir .nox
export UV_PYTHON_DOWNLOADS := never
export UV_NO_PROGRESS := 1

.PHONY: help
help:  ## list the targets
	@grep -hE '^[a-zA-Z0-9_.-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

# nox and uv themselves, from their lock, into a venv of their own (rebuilt when the lock changes).
$(BOOTSTRAP)/.stamp: requirements/bootstrap.txt
	@rm -rf $(BOOTSTRAP)
	@python="$$(python3 tests/tools/pythons.py 3.12)" && "$$python" -m venv $(BOOTSTRAP)
	@$(BOOTSTRAP)/bin/python -m pip install --disable-pip-version-check --no-deps -r requirements/bootstrap.txt \
		>$(BOOTSTRAP)/install.log 2>&1 || { tail -n 30 $(BOOTSTRAP)/install.log; exit 1; }
	@touch $@

.PHONY: bootstrap
bootstrap: $(BOOTSTRAP)/.stamp  ## nox and uv (requirements/bootstrap.txt) in .nox/.bootstrap; every other target starts with it

.PHONY: venv
venv: bootstrap  ## .venv (Python 3.12, exactly requirements/dev.txt) for your editor and `.venv/bin/python -m pytest`
	@$(NOX) -s venv

.PHONY: link
link:  ## .build/ansible_collections/dbtasks/cloud -> the checkout (every session and tests/conftest.py make it too)
	@python3 tests/tools/collection_link.py

.PHONY: test
test: bootstrap  ## everything, two sessions at a time, then a summary with each session's time (recorded in .build/test-times.json)
	@mkdir -p .build
	@started=$${DBTASKS_TEST_STARTED:-$$(date +%s)}; load="$$(cut -d' ' -f1-3 /proc/loadavg)"; rc=0; \
	$(NOX) --parallel $(TEST_JOBS) --allow-parallel -s test 2>&1 | tee .build/test.log || rc=$$?; \
	times >.build/test-cpu.txt; cpu="$$(tail -n 1 .build/test-cpu.txt)"; \
	printf '\nsession times (wall clock, two at a time):\n'; grep -o 'session time: .*' .build/test.log || true; \
	grep -E '^=+ .*[0-9]+ (passed|failed).* in [0-9.]+s.* =+$$' .build/test.log | sort -t' ' -k2 -n | tail -n 3 || true; \
	python3 tests/tools/session_times.py record --log .build/test.log --seconds $$(( $$(date +%s) - started )) --cpu "$$cpu" \
		--load "$$load" --rc $$rc || true; \
	exit $$rc

.PHONY: test-times
test-times:  ## publish the last passing make test run's times: docs/test-times.json and the README's table
	@python3 tests/tools/session_times.py publish

.PHONY: pytest
pytest: bootstrap  ## unit + functional tests (ansible-core 2.21, 4 workers); PYTEST_ARGS='-k waits' narrows them
	@$(NOX) -s pytest -- $(PYTEST_ARGS)

.PHONY: unit
unit: bootstrap  ## unit tests only
	@$(NOX) -s pytest -- tests/unit $(PYTEST_ARGS)

.PHONY: functional
functional: bootstrap  ## functional tests only (real HTTP to the emulator)
	@$(NOX) -s pytest -- tests/functional $(PYTEST_ARGS)

.PHONY: sanity
sanity: bootstrap  ## ansible-test sanity (2.21), every test, no ignore entries; ANSIBLE_TEST_ARGS='--test pylint'
	@$(NOX) -s sanity -- $(ANSIBLE_TEST_ARGS)

.PHONY: lint
lint: bootstrap  ## ansible-lint, production profile
	@$(NOX) -s lint

.PHONY: types
types: bootstrap  ## mypy over plugins/ (mypy.ini, strict) and ruff
	@$(NOX) -s types

.PHONY: changelog
changelog: bootstrap  ## antsibull-changelog lint
	@$(NOX) -s changelog

.PHONY: docs
docs: bootstrap  ## docs to HTML (docs/build/html), failing on any warning
	@$(NOX) -s docs

.PHONY: galaxy
galaxy: bootstrap  ## build the tarball, check its files, install it, smoke play and gate from the installed copy
	@$(NOX) -s galaxy

.PHONY: ee
ee: bootstrap  ## ansible-builder create with the built tarball
	@$(NOX) -s ee

.PHONY: molecule
molecule: bootstrap  ## the role's molecule scenario against the emulator
	@$(NOX) -s molecule -- $(MOLECULE_ARGS)

.PHONY: test-matrix
test-matrix: bootstrap  ## the older ansible-core versions: unit tests + core_smoke on 2.17 and 2.19, sanity on 2.17
	@$(NOX) --parallel $(TEST_JOBS) --allow-parallel -s core-2.17 core-2.19 sanity-2.17

.PHONY: demo
demo: bootstrap  ## list tasks, then the gate passing and (as expected) failing, against the emulator, with their reports
	@$(NOX) -s demo -- $(EMULATOR_SPEED)

.PHONY: bench
bench: bootstrap  ## benchmarks against the emulator (not in make test); a full run also updates docs/bench.json and docs/benchmarks.md
	@$(NOX) -s bench -- $(BENCH_ARGS)

.PHONY: lock
lock: bootstrap  ## re-resolve requirements/*.in into the pinned requirements/*.txt (LOCK_ARGS=--upgrade for new versions)
	@$(NOX) -s lock -- $(LOCK_ARGS)

.PHONY: clean
clean:  ## remove build output (keeps the venvs)
	rm -rf .build tests/output .pytest_cache .hypothesis .mypy_cache docs/build

.PHONY: distclean
distclean: clean  ## also remove the venvs (.nox, .venv)
	rm -rf .nox .venv
