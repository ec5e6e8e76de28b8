# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared fixtures for functional tests: real HTTP against the emulator started as a subprocess.

- ``emulator``: an ``EmulatorProcess`` (base_url, ca_path, stats(), reset(), add_faults(), clear_faults(),
  health()). One process per test module, started with the module's ``EMULATOR_ARGS`` (a list of CLI
  arguments; default: the demo scenario). Faults and counters are cleared before every test.
- ``emulator_factory``: ``emulator_factory(args) -> EmulatorProcess`` for tests that need their own process
  (TLS, signals, generated data); every process it starts is stopped after the test.
- ``emulator_credentials``: the default credentials as ``tests.emulator.scenario`` dataclasses.
- ``emulator_mode``: ``default`` or ``strict`` (``--strict``: every pessimistic reading of what the API docs leave
  open, docs/emulator.md). Both fixtures above start their emulators in that mode. A test module that sets
  ``EMULATOR_MODES = MODES`` (``tests.emulator.launcher``) runs each of its tests against both, and so does a test
  marked ``@pytest.mark.emulator_modes(*MODES)``; the others run against the default only.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Callable

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from tests.emulator.launcher import EmulatorProcess, mode_args  # noqa: E402  pylint: disable=wrong-import-position
from tests.emulator.scenario import HuaweiCredentials, UCloudCredentials  # noqa: E402  pylint: disable=wrong-import-position

DEMO_SCENARIO = os.path.join(REPO_ROOT, 'tests', 'emulator', 'scenarios', 'demo.yml')
DEFAULT_ARGS = ['--scenario', DEMO_SCENARIO]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker('emulator_modes')
    modes = marker.args if marker else getattr(metafunc.module, 'EMULATOR_MODES', None)
    if modes and 'emulator_mode' in metafunc.fixturenames:
        metafunc.parametrize('emulator_mode', modes, scope='module')


@pytest.fixture(scope='module')
def emulator_mode() -> str:
    """The emulator mode of the module's tests, unless EMULATOR_MODES parametrizes it."""
    return 'default'


@pytest.fixture(scope='module')
def _emulator_process(request: pytest.FixtureRequest, emulator_mode: str) -> Iterator[EmulatorProcess]:
    running = EmulatorProcess.start(list(getattr(request.module, 'EMULATOR_ARGS', DEFAULT_ARGS)) + mode_args(emulator_mode))
    yield running
    running.stop()


@pytest.fixture
def emulator(_emulator_process: EmulatorProcess) -> EmulatorProcess:
    _emulator_process.clear_faults()
    _emulator_process.reset()
    return _emulator_process


@pytest.fixture
def emulator_factory(emulator_mode: str) -> Iterator[Callable[[list[str]], EmulatorProcess]]:
    started: list[EmulatorProcess] = []

    def start(args: list[str]) -> EmulatorProcess:
        started.append(EmulatorProcess.start(list(args) + mode_args(emulator_mode)))
        return started[-1]

    yield start
    for running in started:
        running.stop()


@pytest.fixture
def emulator_credentials() -> dict:
    return {'ucloud': UCloudCredentials(), 'huawei': HuaweiCredentials()}
