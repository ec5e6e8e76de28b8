# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the gate playbook (``ansible-playbook dbtasks.cloud.gate -e @vars.yml``) against a fresh emulator.

- ``gate_for(speed, scenario=...)``: starts an emulator with ``scenarios/gate.yml`` (or ``scenario``) at ``speed``
  scenario seconds per wall second and returns a ``Gate`` bound to it; ``Gate.run(variables)`` runs the playbook in a subprocess and
  returns a ``GateRun`` (exit code, output, each output line with the wall time it arrived).
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import time
from typing import Any, Callable

import pytest
import yaml

from tests.emulator.launcher import EmulatorProcess

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SCENARIO = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'scenarios', 'gate.yml')
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
TIMEOUT = 120
# Variables of the developer's shell that would change what the collection sees.
_FOREIGN_PREFIXES = ('UCLOUD_', 'HUAWEICLOUD_', 'HW_', 'ANSIBLE_')


@dataclasses.dataclass
class GateRun:
    returncode: int
    lines: list[tuple[float, str]]  # (seconds since the start of ansible-playbook, line)

    @property
    def output(self) -> str:
        return '\n'.join(line for dummy, line in self.lines)

    def progress(self) -> list[tuple[float, str]]:
        return [(arrived, line) for arrived, line in self.lines if line.startswith('task_wait ')]

    def polls(self) -> int:
        """The number of polls, from the summary headline ``<outcome> after 7s (3 polls), 4 tasks:``."""
        match = re.search(r'after \S+ \((\d+) polls?\), \d+ tasks?:', self.output)
        if match is None:
            raise AssertionError('no summary headline in:\n' + self.output)
        return int(match.group(1))


class Gate:
    def __init__(self, emulator: EmulatorProcess, workdir: str) -> None:
        self.emulator = emulator
        self.workdir = workdir
        self.env = {name: value for name, value in os.environ.items() if not name.startswith(_FOREIGN_PREFIXES)}
        self.env.update(emulator.environment())
        self.env.update({
            'ANSIBLE_COLLECTIONS_PATH': os.path.join(REPO_ROOT, '.build'),
            'ANSIBLE_LOCAL_TEMP': os.path.join(workdir, 'tmp'),
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_LOCALHOST_WARNING': 'false',
            'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'false',
        })
        self._runs = 0

    def scenario_time(self) -> float:
        return float(self.emulator.health()['scenario_time'])

    def wait_for_scenario_time(self, seconds: float) -> None:
        self.emulator.wait_for_scenario_time(seconds, TIMEOUT)

    def run(self, variables: dict[str, Any], args: tuple[str, ...] = (), env: dict[str, str | None] | None = None,
            playbook: str = 'dbtasks.cloud.gate') -> GateRun:
        """``ansible-playbook <playbook> -e @vars.yml``, reading the output as it comes (stdout and stderr merged)."""
        self._runs += 1
        path = os.path.join(self.workdir, 'tasks-%d.yml' % self._runs)
        with open(path, 'w', encoding='utf-8') as handle:
            yaml.safe_dump(variables, handle)
        run_env = dict(self.env)
        for name, value in (env or {}).items():
            if value is None:
                run_env.pop(name, None)
            else:
                run_env[name] = value
        started = time.monotonic()
        lines = []
        with subprocess.Popen([ANSIBLE_PLAYBOOK, playbook, '-e', '@' + path] + list(args), cwd=self.workdir, env=run_env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1) as process:
            assert process.stdout is not None
            for line in process.stdout:
                lines.append((time.monotonic() - started, line.rstrip('\n')))
                if time.monotonic() - started > TIMEOUT:
                    process.kill()
                    raise AssertionError('ansible-playbook ran longer than %ds:\n%s' % (TIMEOUT, '\n'.join(text for dummy, text in lines)))
            returncode = process.wait(TIMEOUT)
        return GateRun(returncode, lines)


@pytest.fixture
def gate_for(emulator_factory: Callable[[list[str]], EmulatorProcess], tmp_path: Any) -> Callable[..., Gate]:
    def start(speed: float, scenario: str = SCENARIO) -> Gate:
        emulator = emulator_factory(['--scenario', scenario, '--speed', str(speed)])
        workdir = tmp_path / ('gate-%d' % len(list(tmp_path.iterdir())))
        workdir.mkdir()
        return Gate(emulator, str(workdir))
    return start
