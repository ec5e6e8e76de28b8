# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark 4: peak RSS of the module process listing 10,000 RDS tasks.

``ansible localhost -m dbtasks.cloud.rds_task_info`` runs once with ``ANSIBLE_KEEP_REMOTE_FILES=1`` (and no
pipelining), which leaves the exact ``AnsiballZ_rds_task_info.py`` Ansible executed, arguments included.
That file is then run again the way Ansible runs it on a target, started by a small launcher process (see
LAUNCHER); AnsiballZ runs the module in its own process (``runpy``), so that process's ``ru_maxrss`` from
``os.wait4`` is the module's peak resident set, from interpreter start to the printed result.
"""

from __future__ import annotations

import glob
import json
import math
import os
import subprocess
import sys
import tempfile
from typing import Any

from tests.benchmarks.common import HUAWEI_ARGS, Figure, ansible_command, ansible_env, median, start_emulator, timed

TASKS = 10000
PAGE_SIZE = 50
TARGET_MIB = 150.0


def _keep_ansiballz(base_url: str, workdir: str) -> str:
    env = ansible_env(workdir)
    env.update(ANSIBLE_KEEP_REMOTE_FILES='1', ANSIBLE_PIPELINING='false')
    args = json.dumps(dict(HUAWEI_ARGS, endpoint=base_url))
    done = subprocess.run([ansible_command('ansible'), 'localhost', '-m', 'dbtasks.cloud.rds_task_info', '-a', args],
                          env=env, capture_output=True, text=True, check=False, timeout=600)
    if done.returncode != 0:
        raise RuntimeError('ansible failed: %s' % (done.stdout[-1000:] + done.stderr[-1000:]))
    found = glob.glob(os.path.join(env['ANSIBLE_REMOTE_TMP'], '*', 'AnsiballZ_rds_task_info.py'))
    if len(found) != 1:
        raise RuntimeError('expected one kept AnsiballZ_rds_task_info.py, found %s' % found)
    return found[0]


# A process's ru_maxrss includes what it inherited from its parent before exec (Linux keeps the high-water
# mark across exec), so a module started straight from this large process would report this process's size.
# A small launcher forks the module instead and reports the module's own peak.
LAUNCHER = """
import os, subprocess, sys
with open(sys.argv[1], 'wb') as output:
    process = subprocess.Popen(sys.argv[2:], stdout=output, stderr=subprocess.DEVNULL)
    dummy, status, usage = os.wait4(process.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def _run_module(path: str, workdir: str) -> dict[str, Any]:
    """Run the kept module file as a grandchild; its peak RSS (KiB on Linux) and the number of tasks it returned."""
    output = os.path.join(workdir, 'module-output.json')
    seconds, done = timed(lambda: subprocess.run([sys.executable, '-c', LAUNCHER, output, sys.executable, path], env=ansible_env(workdir),
                                                 cwd=workdir, capture_output=True, text=True, check=True, timeout=600))
    code, max_rss_kib = (int(word) for word in done.stdout.split())
    with open(output, encoding='utf-8') as handle:
        result = json.load(handle)
    if code != 0 or result.get('failed'):
        raise RuntimeError('the module failed: %s' % result.get('msg'))
    return {'seconds': seconds, 'max_rss_mib': max_rss_kib / 1024.0, 'tasks': len(result['tasks'])}


def run(rounds: int = 3) -> list[Figure]:
    emulator = start_emulator(['--generate', 'rds=%d' % TASKS, '--seed', '13', '--speed', '1000000'])
    try:
        with tempfile.TemporaryDirectory(prefix='dbtasks-bench-memory-') as workdir:
            path = _keep_ansiballz(emulator.base_url, workdir)
            runs = []
            for dummy in range(rounds):
                emulator.reset()
                measured = _run_module(path, workdir)
                measured['requests'] = emulator.stats()['total_requests']
                runs.append(measured)
    finally:
        emulator.stop()
    if any(measured['tasks'] != TASKS for measured in runs):
        raise RuntimeError('the module listed %s tasks instead of %d' % ([measured['tasks'] for measured in runs], TASKS))
    peak = max(measured['max_rss_mib'] for measured in runs)
    values = {'tasks': TASKS, 'rounds': rounds, 'max_rss_mib_all': [round(measured['max_rss_mib'], 1) for measured in runs],
              'seconds_median': round(median([measured['seconds'] for measured in runs]), 3),
              'requests': sorted({measured['requests'] for measured in runs}), 'expected_requests': math.ceil(TASKS / PAGE_SIZE)}
    label = '4 memory, RDS %d tasks' % TASKS
    return [
        Figure(label, 'peak RSS of the module process', '%.1f MiB (highest of %d runs)' % (peak, rounds), '< %.0f MiB' % TARGET_MIB,
               peak < TARGET_MIB, values),
        Figure(label, 'module wall time, requests', '%.2f s, %s requests' % (values['seconds_median'], '/'.join(map(str, values['requests']))),
               '= ceil(%d/%d) = %d requests' % (TASKS, PAGE_SIZE, values['expected_requests']),
               values['requests'] == [values['expected_requests']]),
    ]
