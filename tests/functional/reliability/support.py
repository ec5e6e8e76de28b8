# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared pieces of the reliability suite (``tests.functional.reliability.support``): in-process module runs, Ansible runs at -vvvv, and the printed totals.

- ``run_in_process(provider, args)``: the info module's ``main()`` in this process, with real HTTP to the emulator.
  Retry pauses are recorded instead of slept (the suite tests what survives, not how long it waits), so
  ``ModuleRun.sleeps`` shows the pauses the module asked for. A Python exception escaping ``main()`` comes back
  as ``ModuleRun.traceback`` instead of failing the caller.
- ``connection_args(provider, base_url)``: the emulator's default credentials as module options.
- ``AnsibleVerbose``: ``ansible``/``ansible-playbook`` at ``-vvvv``, keeping everything they print.
- ``run_measured(provider, args, workdir)``: the info module in a process of its own; its result and peak RSS.
- ``FAULT_TOTALS``, ``SECRET_TOTALS`` and ``HOSTILE_TOTALS``: filled by the tests, printed by ``pytest_terminal_summary`` (conftest.py).
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import traceback
from datetime import datetime, timezone
from typing import Any, Callable
from unittest import mock

import yaml
from ansible.module_utils import basic

from ansible_collections.dbtasks.cloud.plugins.module_utils._module import DbTasksModule
from ansible_collections.dbtasks.cloud.plugins.module_utils._runtime import RuntimeHooks
from ansible_collections.dbtasks.cloud.plugins.modules import dds_job_info, rds_task_info, udts_task_info
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import run_module
from tests.emulator.ansible_env import COLLECTIONS_PATH, CREDENTIAL_VARIABLES, REPO_ROOT, ansible_env
from tests.emulator.scenario import HuaweiCredentials, UCloudCredentials

BIN_DIR = os.path.dirname(sys.executable)
PROVIDERS = ('udts', 'dds', 'rds')
MODULE_MAINS: dict[str, Callable[[], None]] = {'udts': udts_task_info.main, 'dds': dds_job_info.main, 'rds': rds_task_info.main}
MODULE_NAMES = {'udts': 'udts_task_info', 'dds': 'dds_job_info', 'rds': 'rds_task_info'}
RESULT_KEYS = {'udts': 'tasks', 'dds': 'jobs', 'rds': 'tasks'}
ID_OPTIONS = {'udts': 'task_id', 'dds': 'job_id', 'rds': 'job_id'}
ANSIBLE_TIMEOUT = 300


def connection_args(provider: str, base_url: str) -> dict[str, Any]:
    """Module options that reach the emulator with its default credentials."""
    if provider == 'udts':
        ucloud = UCloudCredentials()
        return {'public_key': ucloud.public_key, 'private_key': ucloud.private_key, 'base_url': base_url}
    huawei = HuaweiCredentials()
    return {'access_key': huawei.access_key, 'secret_key': huawei.secret_key, 'project_id': huawei.project_id, 'endpoint': base_url}


@dataclasses.dataclass
class ModuleRun:
    """What one in-process module run produced."""
    result: dict[str, Any]
    warnings: list[str]
    sleeps: list[float]
    traceback: str | None = None

    @property
    def failed(self) -> bool:
        return bool(self.result.get('failed'))


def run_in_process(provider: str, args: dict[str, Any], utcnow: Callable[[], datetime] | None = None,
                   env: dict[str, str] | None = None) -> ModuleRun:
    """Run the provider's info module with ``args`` (connection options included) in this process, with ``env`` added to its environment."""
    sleeps: list[float] = []
    warnings: list[str] = []
    hooks = RuntimeHooks(sleep=sleeps.append, utcnow=utcnow or (lambda: datetime.now(timezone.utc)))

    def record_warning(module: Any, warning: str) -> None:
        warnings.append(warning)

    with mock.patch.object(DbTasksModule, 'hooks', hooks), mock.patch.object(basic.AnsibleModule, 'warn', record_warning), \
            mock.patch.dict(os.environ):
        for name in CREDENTIAL_VARIABLES:
            os.environ.pop(name, None)
        os.environ.update(env or {})
        try:
            result = run_module(MODULE_MAINS[provider], dict(args))
        except Exception:  # pylint: disable=broad-exception-caught  # counted as a traceback, which is the point
            return ModuleRun({}, warnings, sleeps, traceback.format_exc())
    return ModuleRun(result, warnings, sleeps)


class AnsibleVerbose:
    """Runs ``ansible``/``ansible-playbook`` at ``-vvvv`` in ``workdir``; every byte they print is kept for scanning."""

    def __init__(self, workdir: str, env: dict[str, str] | None = None) -> None:
        self.workdir = workdir
        self.env = ansible_env(workdir)
        self.env.update({
            'ANSIBLE_PIPELINING': 'true',
            'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
        })
        self.env.update(env or {})
        self.runs = 0

    def _run(self, command: list[str], env: dict[str, str] | None) -> tuple[int, str, str]:
        self.runs += 1
        full_env = dict(self.env, **(env or {}))
        done = subprocess.run(command + ['-vvvv'], cwd=self.workdir, env=full_env, capture_output=True, text=True,
                              timeout=ANSIBLE_TIMEOUT, check=False)
        return done.returncode, done.stdout, done.stderr

    def playbook(self, plays: list[dict[str, Any]], name: str, env: dict[str, str] | None = None,
                 inventory: str = 'localhost,') -> tuple[int, str, str]:
        path = os.path.join(self.workdir, name + '.yml')
        with open(path, 'w', encoding='utf-8') as handle:
            yaml.safe_dump(plays, handle, sort_keys=False)
        return self._run([os.path.join(BIN_DIR, 'ansible-playbook'), '-i', inventory, path], env)

    def adhoc(self, module: str, args: dict[str, Any], env: dict[str, str] | None = None) -> tuple[int, str, str]:
        command = [os.path.join(BIN_DIR, 'ansible'), 'localhost', '-i', 'localhost,', '-c', 'local', '-m', module]
        if args:
            command += ['-a', json.dumps(args)]
        return self._run(command, env)


# The module in a child process of its own, started by the benchmarks' launcher so that ru_maxrss is the module's alone.
_MEASURED_CHILD = """
import json, sys
from tests.benchmarks.common import run_module_in_process
print(json.dumps(run_module_in_process(sys.argv[1], json.loads(sys.argv[2]))))
"""


def run_measured(provider: str, args: dict[str, Any], workdir: str) -> tuple[dict[str, Any] | None, float]:
    """Run the info module in a process of its own; returns (its result, None if it crashed; its peak RSS in MiB)."""
    from tests.benchmarks.memory import LAUNCHER

    output = os.path.join(workdir, 'measured.json')
    env = ansible_env(workdir)
    env['PYTHONPATH'] = os.pathsep.join((REPO_ROOT, COLLECTIONS_PATH))
    child = [sys.executable, '-c', _MEASURED_CHILD, provider, json.dumps(args)]
    done = subprocess.run([sys.executable, '-c', LAUNCHER, output] + child, env=env, cwd=REPO_ROOT, capture_output=True, text=True,
                          check=True, timeout=ANSIBLE_TIMEOUT)
    dummy, max_rss_kib = (int(word) for word in done.stdout.split())
    with open(output, encoding='utf-8') as handle:
        text = handle.read()
    return (json.loads(text) if text.strip() else None), max_rss_kib / 1024.0


@dataclasses.dataclass
class FaultTotals:
    tried: int = 0
    survived: int = 0
    failed_clearly: int = 0
    warned_incomplete: int = 0  # part of failed_clearly: finished with a warning that results may be incomplete
    data_lost: int = 0
    tracebacks: int = 0
    other: int = 0  # unexpected outcomes (a transient fault not survived, an unclear message); each fails its test


@dataclasses.dataclass
class SecretTotals:
    runs: int = 0
    processes: int = 0
    secrets: int = 0  # distinct secret values searched for, signatures included
    leaks: int = 0
    leaked: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class HostileTotals:
    cases: int = 0
    handled: int = 0  # the expected outcome: a clear failure, or a result with its warning
    tracebacks: int = 0
    peak_rss_mib: float = 0.0  # the highest peak RSS of a module process measured against a hostile answer
    measured: int = 0


FAULT_TOTALS = FaultTotals()
SECRET_TOTALS = SecretTotals()
HOSTILE_TOTALS = HostileTotals()
