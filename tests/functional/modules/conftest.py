# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the info modules through Ansible (``ansible`` and ``ansible-playbook`` subprocesses) against the emulator.

- ``ansible_runner``: an ``AnsibleRunner`` bound to the module's ``emulator``, with the emulator's default
  credentials in environment variables (the modules read them through their env fallbacks).
- ``ansible_runner_for(emulator)``: the same for an emulator started by ``emulator_factory``.

The collection resolves through ``.build/ansible_collections/dbtasks/cloud`` (``ANSIBLE_COLLECTIONS_PATH``);
modules run with the interpreter running pytest.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any, Callable

import pytest
import yaml

from tests.emulator.ansible_env import ansible_env, save_registered, saved_values, without_saved_values
from tests.emulator.launcher import EmulatorProcess

BIN_DIR = os.path.dirname(sys.executable)
TIMEOUT = 120


class AnsibleRunner:
    """Builds the environment and runs ad hoc commands and playbooks; results come back as parsed JSON."""

    def __init__(self, emulator: EmulatorProcess, workdir: str) -> None:
        self.emulator = emulator
        self.workdir = workdir
        self.env = ansible_env(workdir)
        self.env.update({
            'ANSIBLE_DEPRECATION_WARNINGS': 'false',
            # one process per module run instead of copying the module to a temporary file first
            'ANSIBLE_PIPELINING': 'true',
        })
        self.env.update(emulator.environment())
        self._playbooks = 0

    def _run(self, command: list[str], extra_env: dict[str, str | None] | None) -> subprocess.CompletedProcess:
        env = dict(self.env)
        for name, value in (extra_env or {}).items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        command += ['-e', 'ansible_python_interpreter=%s' % sys.executable]
        return subprocess.run(command, cwd=self.workdir, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False)

    def adhoc(self, module: str, args: str = '', check: bool = False,
              extra_env: dict[str, str | None] | None = None) -> tuple[int, dict[str, Any], str]:
        """``ansible localhost -m dbtasks.cloud.<module> -a <args>``: (exit code, module result, stdout + stderr)."""
        command = [os.path.join(BIN_DIR, 'ansible'), 'localhost', '-m', 'dbtasks.cloud.' + module]
        if args:
            command += ['-a', args]
        if check:
            command.append('--check')
        done = self._run(command, extra_env)
        output = done.stdout + done.stderr
        head, separator, body = done.stdout.partition(' => ')
        if not separator:
            raise AssertionError('no module result in the output of %s:\n%s' % (' '.join(command), output))
        return done.returncode, json.loads(body), output

    def playbook(self, tasks: list[dict[str, Any]], play_options: dict[str, Any] | None = None,
                 extra_env: dict[str, str | None] | None = None) -> tuple[int, dict[str, Any], str]:
        """Run ``tasks`` in one play on localhost; returns (exit code, {register name: result}, output without the results).

        A last task prints every registered result (``save_registered``), so tests assert on the real module results.
        """
        self._playbooks += 1
        dump = save_registered([task['register'] for task in tasks if 'register' in task])
        play = dict({'name': 'dbtasks.cloud modules against the emulator', 'hosts': 'localhost', 'connection': 'local',
                     'gather_facts': False, 'tasks': tasks + [dump]}, **(play_options or {}))
        path = os.path.join(self.workdir, 'playbook-%d.yml' % self._playbooks)
        with open(path, 'w', encoding='utf-8') as handle:
            yaml.safe_dump([play], handle, sort_keys=False)
        done = self._run([os.path.join(BIN_DIR, 'ansible-playbook'), '-i', 'localhost,', path], extra_env)
        output = without_saved_values(done.stdout) + done.stderr
        results = saved_values(done.stdout).get('localhost', {})
        return done.returncode, results, output


@pytest.fixture
def ansible_runner_for(tmp_path: Any) -> Callable[[EmulatorProcess], AnsibleRunner]:
    def make(emulator: EmulatorProcess) -> AnsibleRunner:
        workdir = tmp_path / ('run-%d' % len(list(tmp_path.iterdir())))
        workdir.mkdir()
        return AnsibleRunner(emulator, str(workdir))
    return make


@pytest.fixture
def ansible_runner(emulator: EmulatorProcess, ansible_runner_for: Callable[[EmulatorProcess], AnsibleRunner]) -> AnsibleRunner:
    return ansible_runner_for(emulator)
