# dbtasks.cloud developer entry points; `make help` lists them.
# Every target bootstraps what it needs from the pinned files in requirements/ on its own.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

TOOLS := tests/tools

# Main environment: newest ansible-core that installs here.
VENV ?= .venv
PYTHON_VERSION ?= 3.12
LOCK ?= requirements/dev.txt

# Oldest supported ansible-core (meta/runtime.yml requires_ansible) for the version matrix.
MATRIX_VENV ?= .venv-2.17
MATRIX_PYTHON_VERSION ?= 3.11
MATRIX_LOCK ?= requirements/matrix-2.17.txt

# Python versions ansible-test uses (see README "How the tests run" for why these).
SANITY_TARGET_PYTHONS ?= 3.9 3.12 3.13
UNITS_TARGET_PYTHONS ?= $(PYTHON_VERSION)
MATRIX_SANITY_TARGET_PYTHONS ?= $(MATRIX_PYTHON_VERSION)
MATRIX_UNITS_TARGET_PYTHONS ?= $(MATRIX_PYTHON_VERSION)
ANSIBLE_TEST_ARGS ?=

PYTEST_ARGS ?=
# Scenario seconds per wall second in `make demo`: slow enough to see the gate's progress lines.
EMULATOR_SPEED ?= 3
MOLECULE_ARGS ?=

# Steps of `make test`, run in this order; all run even if one fails, then a summary.
MATRIX_STEPS ?= matrix-pytest matrix-sanity matrix-units
TEST_STEPS ?= pytest sanity units lint types changelog docs galaxy ee molecule $(MATRIX_STEPS)

COLLECTION_LINK := .build/ansible_collections/dbtasks/cloud

.PHONY: help
help:  ## list the targets
	@grep -hE '^[a-zA-Z0-9_.-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

.PHONY: venv
venv: link  ## create/refresh .venv from requirements/dev.txt (only when the pins change)
	@$(TOOLS)/bootstrap-venv.sh $(VENV) $(PYTHON_VERSION) $(LOCK)

.PHONY: venv-matrix
venv-matrix: link  ## create/refresh .venv-2.17 (ansible-core 2.17, Python 3.11)
	@$(TOOLS)/bootstrap-venv.sh $(MATRIX_VENV) $(MATRIX_PYTHON_VERSION) $(MATRIX_LOCK)

# The collection must be importable as ansible_collections.dbtasks.cloud: a relative symlink
# .build/ansible_collections/dbtasks/cloud -> the checkout (pytest.ini puts .build on sys.path;
# ANSIBLE_COLLECTIONS_PATH=.build lets ansible-playbook resolve dbtasks.cloud).
.PHONY: link
link:  ## (every target does it first) link .build/ansible_collections/dbtasks/cloud to this checkout
	@if [[ "$$(cd $(COLLECTION_LINK) 2>/dev/null && pwd -P)" != "$$(pwd -P)" ]]; then \
		mkdir -p $(dir $(COLLECTION_LINK)) && ln -sfn ../../.. $(COLLECTION_LINK); \
	fi

.PHONY: test
test:  ## everything: pytest, ansible-test sanity and units, lint, types, changelog, docs, galaxy, ee, molecule, the 2.17 matrix
	@$(TOOLS)/run-steps.sh $(TEST_STEPS)

.PHONY: pytest
pytest: venv  ## unit + functional tests with pytest, in one run
	@$(TOOLS)/pytest.sh $(VENV) tests/unit tests/functional $(PYTEST_ARGS)

.PHONY: unit
unit: venv  ## unit tests with pytest (tests/unit)
	@$(TOOLS)/pytest.sh $(VENV) tests/unit $(PYTEST_ARGS)

.PHONY: functional
functional: venv  ## functional tests against the emulator (tests/functional)
	@$(TOOLS)/pytest.sh $(VENV) tests/functional $(PYTEST_ARGS)

.PHONY: sanity
sanity: venv  ## ansible-test sanity, every test, no ignore entries
	@$(TOOLS)/ansible-test.sh $(VENV) $(PYTHON_VERSION) "$(SANITY_TARGET_PYTHONS)" sanity $(ANSIBLE_TEST_ARGS)

.PHONY: units
units: venv  ## ansible-test units
	@$(TOOLS)/ansible-test.sh $(VENV) $(PYTHON_VERSION) "$(UNITS_TARGET_PYTHONS)" units $(ANSIBLE_TEST_ARGS)

.PHONY: lint
lint: venv  ## ansible-lint, production profile
	@$(TOOLS)/lint.sh $(VENV)

.PHONY: types
types: venv  ## mypy over plugins/ (mypy.ini): modules and module_utils for Python 3.9, action plugins for 3.12
	@$(TOOLS)/types.sh $(VENV)

.PHONY: changelog
changelog: venv  ## antsibull-changelog lint: every fragment and changelogs/changelog.yaml valid
	@$(VENV)/bin/antsibull-changelog lint
	@$(VENV)/bin/antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml

.PHONY: docs
docs: venv  ## docs/*.md + generated module and role pages to HTML (docs/build/html), failing on any warning
	@$(TOOLS)/docs.sh $(VENV)

.PHONY: galaxy
galaxy: venv  ## build the collection tarball, check its files, install it and run a smoke play from the installed copy
	@$(TOOLS)/galaxy.sh $(VENV)

.PHONY: ee
ee: venv  ## ansible-builder create with the built tarball: execution environment context and requirements
	@$(TOOLS)/ee.sh $(VENV)

.PHONY: molecule
molecule: venv  ## molecule scenarios of the role against the emulator (extensions/molecule)
	@$(TOOLS)/molecule.sh $(VENV) $(MOLECULE_ARGS)

.PHONY: test-matrix
test-matrix:  ## oldest ansible-core (2.17): pytest, sanity, units
	@$(TOOLS)/run-steps.sh $(MATRIX_STEPS)

.PHONY: matrix-pytest
matrix-pytest: venv-matrix  ## pytest on ansible-core 2.17 (.venv-2.17)
	@$(TOOLS)/pytest.sh $(MATRIX_VENV) tests/unit tests/functional $(PYTEST_ARGS)

.PHONY: matrix-sanity
matrix-sanity: venv-matrix  ## ansible-test sanity on ansible-core 2.17
	@$(TOOLS)/ansible-test.sh $(MATRIX_VENV) $(MATRIX_PYTHON_VERSION) "$(MATRIX_SANITY_TARGET_PYTHONS)" sanity $(ANSIBLE_TEST_ARGS)

.PHONY: matrix-units
matrix-units: venv-matrix  ## ansible-test units on ansible-core 2.17
	@$(TOOLS)/ansible-test.sh $(MATRIX_VENV) $(MATRIX_PYTHON_VERSION) "$(MATRIX_UNITS_TARGET_PYTHONS)" units $(ANSIBLE_TEST_ARGS)

.PHONY: demo
demo: venv  ## list tasks, then the gate passing and (as expected) failing, against the emulator, with their reports
	@$(TOOLS)/demo.sh $(VENV) $(EMULATOR_SPEED)

.PHONY: bench
bench: venv  ## benchmarks against the emulator (not in make test): a table, tests/output/bench.json; a full run also docs/bench.json and the table in docs/benchmarks.md
	@$(VENV)/bin/python tests/benchmarks --publish $(BENCH_ARGS)

.PHONY: lock
lock:  ## re-resolve requirements/*.in into the pinned requirements/*.txt
	@$(TOOLS)/lock.sh requirements/dev.in $(PYTHON_VERSION) $(LOCK)
	@$(TOOLS)/lock.sh requirements/matrix-2.17.in $(MATRIX_PYTHON_VERSION) $(MATRIX_LOCK)

.PHONY: clean
clean:  ## remove build output and the ansible-test copies (keeps the venvs)
	rm -rf .build/ansible-test tests/output .pytest_cache .hypothesis .mypy_cache docs/build

.PHONY: distclean
distclean: clean  ## also remove the venvs
	rm -rf $(VENV) $(MATRIX_VENV)
