# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What every benchmark shares: paths, the emulator, in-process module runs, Ansible's environment, the machine."""

from __future__ import annotations

import dataclasses
import datetime
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any, Callable

from tests.emulator import credentials
from tests.emulator.ansible_env import COLLECTIONS_PATH, CREDENTIAL_VARIABLES, REPO_ROOT
from tests.emulator.ansible_env import ansible_env as shared_ansible_env

BIN_DIR = os.path.dirname(sys.executable)

# The emulator's default credentials, the only ones it accepts without a scenario block.
UCLOUD_ARGS = {'public_key': credentials.UCLOUD_PUBLIC_KEY, 'private_key': credentials.UCLOUD_PRIVATE_KEY}
HUAWEI_ARGS = {'access_key': credentials.HUAWEI_ACCESS_KEY, 'secret_key': credentials.HUAWEI_SECRET_KEY,
               'project_id': credentials.HUAWEI_PROJECT_ID}
HUAWEI_TOKEN = credentials.HUAWEI_TOKEN


def setup_paths() -> None:
    """Make ``ansible_collections.dbtasks.cloud`` and ``tests.emulator`` importable, and forget shell credentials."""
    for path in (REPO_ROOT, COLLECTIONS_PATH):
        if path not in sys.path:
            sys.path.insert(0, path)
    for name in CREDENTIAL_VARIABLES:
        os.environ.pop(name, None)


def connection_args(provider: str, base_url: str) -> dict[str, Any]:
    return dict(credentials.module_options(provider, base_url))


def run_module_in_process(provider: str, args: dict[str, Any]) -> dict[str, Any]:
    """The info module's ``main()`` in this process, as Ansible would run it (real transport, real sleeps)."""
    from ansible_collections.dbtasks.cloud.plugins.modules import dds_job_info, rds_task_info, udts_task_info
    from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import run_module

    mains: dict[str, Callable[[], None]] = {'udts': udts_task_info.main, 'dds': dds_job_info.main, 'rds': rds_task_info.main}
    return run_module(mains[provider], args)


def start_emulator(args: Sequence[str]) -> Any:
    from tests.emulator.launcher import EmulatorProcess

    return EmulatorProcess.start(list(args))


def counters(emulator: Any) -> dict[str, Any]:
    """The emulator's counters since its last reset, without the connection that asks for them."""
    stats = emulator.stats()
    stats['connections'] -= 1  # GET /_emulator/stats comes on a connection of its own, counted before it is answered
    return stats


def ansible_env(workdir: str) -> dict[str, str]:
    """Environment for ``ansible``/``ansible-playbook``: the collection from the checkout, this interpreter for modules."""
    env = shared_ansible_env(workdir)
    env.update({'ANSIBLE_REMOTE_TMP': os.path.join(workdir, 'remote-tmp'), 'ANSIBLE_PYTHON_INTERPRETER': sys.executable})
    return env


def ansible_command(name: str) -> str:
    return os.path.join(BIN_DIR, name)


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float('nan')


def cpu_model() -> str:
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as handle:
            for line in handle:
                if line.lower().startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or 'unknown'


def machine() -> dict[str, Any]:
    """Where the figures were measured."""
    import ansible

    try:
        load: list[float] | None = [round(value, 2) for value in os.getloadavg()]
    except OSError:
        load = None
    now = datetime.datetime.now(datetime.timezone.utc)
    return {
        'date': now.strftime('%Y-%m-%d %H:%M UTC'),
        'date_utc': now.strftime('%Y-%m-%dT%H:%M:%SZ'),
        'nproc': os.cpu_count(),
        'cpu': cpu_model(),
        'python': platform.python_version(),
        'ansible_core': ansible.__version__,
        'platform': platform.platform(),
        'kernel': '%s %s' % (platform.system(), platform.release()),
        'load_average_at_start': load,
        'git_commit': _git('rev-parse', '--short', 'HEAD'),
        # Uncommitted changes (untracked files included) when the run started: the figures are not the commit's alone.
        'git_dirty': _git('status', '--porcelain') not in ('', None),
    }


def _git(*args: str) -> str | None:
    """The output of ``git args`` in the checkout, stripped; None when git cannot tell."""
    try:
        done = subprocess.run(('git',) + args, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


@dataclasses.dataclass
class Figure:
    """One line of the table: what was measured, against which target, and whether it was met (None: no target)."""
    benchmark: str
    name: str
    measured: str
    target: str = ''
    met: bool | None = None
    values: dict[str, Any] = dataclasses.field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)
