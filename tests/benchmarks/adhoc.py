# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark 3: the cost of the module over Ansible's own HTTP module for one ad hoc call.

``ansible localhost -m dbtasks.cloud.rds_task_info`` and ``ansible localhost -m ansible.builtin.uri`` fetch the
same page of the same emulator URL (``GET /v3/{project_id}/tasklist`` with ``offset=0&limit=50`` and the
``X-Auth-Token`` header), alternately, with the same environment (Ansible's defaults: no pipelining). The wall
time of each whole ``ansible`` process is measured; medians and their ratio are reported.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from typing import Any

from tests.benchmarks.common import HUAWEI_ARGS, HUAWEI_TOKEN, Figure, ansible_command, ansible_env, median, start_emulator, timed

TARGET_RATIO = 1.15
PAGE = {'offset': 0, 'limit': 50}


def _commands(base_url: str) -> dict[str, list[str]]:
    project = HUAWEI_ARGS['project_id']
    ours = {'auth_token': HUAWEI_TOKEN, 'project_id': project, 'endpoint': base_url}
    ours.update(PAGE)
    uri = {'url': '%s/v3/%s/tasklist?offset=%d&limit=%d' % (base_url, project, PAGE['offset'], PAGE['limit']),
           'headers': {'X-Auth-Token': HUAWEI_TOKEN}, 'return_content': True}
    return {
        'rds_task_info': [ansible_command('ansible'), 'localhost', '-m', 'dbtasks.cloud.rds_task_info', '-a', json.dumps(ours)],
        'uri': [ansible_command('ansible'), 'localhost', '-m', 'ansible.builtin.uri', '-a', json.dumps(uri)],
    }


def _run(command: list[str], env: dict[str, str]) -> float:
    seconds, done = timed(lambda: subprocess.run(command, env=env, capture_output=True, text=True, check=False, timeout=300))
    if done.returncode != 0 or ' => ' not in done.stdout:
        raise RuntimeError('%s failed: %s' % (' '.join(command[:4]), done.stdout[-1000:] + done.stderr[-1000:]))
    result = json.loads(done.stdout.partition(' => ')[2])
    listed = result.get('tasks') if 'tasks' in result else result.get('json', {}).get('tasks')
    if not listed or len(listed) != PAGE['limit']:
        raise RuntimeError('%s did not return the page of %d tasks' % (command[3], PAGE['limit']))
    return seconds


def run(rounds: int = 7) -> list[Figure]:
    emulator = start_emulator(['--generate', 'rds=200', '--seed', '17', '--speed', '1000000'])
    try:
        with tempfile.TemporaryDirectory(prefix='dbtasks-bench-adhoc-') as workdir:
            env = ansible_env(workdir)
            commands = _commands(emulator.base_url)
            for name in commands:  # warm-up: first runs pay for cold caches (AnsiballZ cache, page cache)
                _run(commands[name], env)
            times: dict[str, list[float]] = {name: [] for name in commands}
            for number in range(rounds):
                order = list(commands) if number % 2 == 0 else list(reversed(list(commands)))
                for name in order:
                    times[name].append(_run(commands[name], env))
    finally:
        emulator.stop()
    ours, uri = median(times['rds_task_info']), median(times['uri'])
    ratio = ours / uri
    values: dict[str, Any] = {'rounds': rounds, 'ours_seconds_median': round(ours, 3), 'uri_seconds_median': round(uri, 3),
                              'ours_seconds_all': [round(value, 3) for value in times['rds_task_info']],
                              'uri_seconds_all': [round(value, 3) for value in times['uri']], 'ratio': round(ratio, 3)}
    return [Figure('3 ad hoc overhead, one page', 'ansible -m rds_task_info vs -m uri', '%.2f s vs %.2f s = %.2fx (median of %d)'
                   % (ours, uri, ratio, rounds), '<= %.2fx' % TARGET_RATIO, ratio <= TARGET_RATIO, values)]
