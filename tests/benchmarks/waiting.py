# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark 2: waiting for 30 tasks (10 per provider), task_wait against a naive one-request-per-task loop.

scenarios/waiting.yml has the tasks finish one after another between 8 and 47 seconds; one DDS job fails and
one UDTS task stops. Two emulator processes start with it at the same moment, one per contender, so each
side's counters are its own:

- ours: ``ansible-playbook`` running ``dbtasks.cloud.task_wait`` (the engine of the wait_for_tasks role) over
  the 30 tasks, ``poll_interval`` = INTERVAL and ``fail_on: [unknown]`` so every task is followed to its end. Its
  stdout is read line by line as it comes: a task counts as noticed when its ``done``/``FAILED`` line arrives.
- naive: a loop in this process that every INTERVAL seconds reads each unfinished task by id with the
  collection's own clients (``GetUDTSTaskStatus``, ``GET /v3/{project_id}/jobs?id=``), over one HTTP session;
  a task counts as noticed when the answer showing its final state arrives.

A task's final transition happens at the emulator's start plus the scenario time its last step begins (the
sum of the durations before it); the delay is the time from there to noticing it.

The lower bound for task_wait (``lower_bound``): to notice every final transition within one interval, each
provider must be read when the wait begins and then at least once per interval until its last task has ended;
a UDTS task that ends badly costs one more read for its failure message (the UDTS list does not carry it). The
wait begins when task_wait's first progress line arrives (a little after its first poll, so the bound errs low).
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import tempfile
import threading
import time
from typing import Any

import yaml

from tests.benchmarks.common import HUAWEI_ARGS, UCLOUD_ARGS, Figure, ansible_command, ansible_env, counters, start_emulator

SCENARIO = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'scenarios', 'waiting.yml')
INTERVAL = 5.0  # task_wait's poll_interval, and the naive loop's period
TIMEOUT = 150.0
TARGET_REQUEST_SHARE = 0.17
TARGET_BOUND_RATIO = 1.1  # task_wait's requests against lower_bound()
TARGET_DELAY = INTERVAL + 1.0
_NOTICED = re.compile(r'task_wait\s+\S+ \| (?:done|FAILED|already done) (udts|dds|rds) (\S+)')
_PROGRESS = re.compile(r'task_wait\s+\S+ \| ')
Key = tuple[str, str]


def final_transitions() -> dict[Key, float]:
    """Each task's final transition, in seconds after the emulator's start (the scenario runs at its own speed)."""
    from tests.emulator.scenario import load_scenario  # pylint: disable=import-outside-toplevel

    scenario = load_scenario(SCENARIO)
    speed = scenario.options.speed
    return {(provider, task.id): (task.created + sum(step.duration or 0.0 for step in task.steps[:-1])) / speed
            for provider, tasks in scenario.tasks.items() for task in tasks}


def udts_ending_badly() -> int:
    """UDTS tasks of the scenario that end failed or stopped: task_wait reads each one's failure message once."""
    from tests.emulator.model import FAILURE_STATUSES  # pylint: disable=import-outside-toplevel
    from tests.emulator.scenario import load_scenario  # pylint: disable=import-outside-toplevel

    return sum(1 for task in load_scenario(SCENARIO).tasks['udts'] if task.final_status in FAILURE_STATUSES)


def lower_bound(transitions: dict[Key, float], began: float, interval: float = INTERVAL, details: int = 0) -> dict[str, Any]:
    """The fewest requests of a wait that begins ``began`` seconds after the emulator and notices each final transition
    within ``interval``: per provider, one read at the start and one per interval until its last task ended."""
    last: dict[str, float] = {}
    for (provider, dummy), at in transitions.items():
        last[provider] = max(last.get(provider, 0.0), at)
    reads = {provider: 1 + math.ceil(max(0.0, at - began) / interval) for provider, at in sorted(last.items())}
    return {'requests': sum(reads.values()) + details, 'reads_per_provider': reads, 'failure_details': details,
            'wait_began_after': round(began, 2)}


def _playbook(base_url: str, keys: list[Key], result_path: str) -> list[dict[str, Any]]:
    wait = {
        'tasks': [{'provider': provider, 'id': task_id} for provider, task_id in keys],
        # fail_on needs one state: unknown never happens here, so no failure ends the wait early (fail_fast off).
        'poll_interval': INTERVAL, 'timeout': TIMEOUT, 'fail_on': ['unknown'],
        'ucloud': dict(UCLOUD_ARGS, base_url=base_url), 'huaweicloud': dict(HUAWEI_ARGS, endpoint=base_url),
    }
    return [{'name': 'Benchmark: task_wait over 30 tasks', 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
             'tasks': [
                 {'name': 'Wait', 'dbtasks.cloud.task_wait': wait, 'register': 'waited', 'ignore_errors': True},
                 {'name': 'Save', 'ansible.builtin.copy': {'dest': result_path, 'mode': '0600', 'content': '{{ waited | to_json }}'}},
             ]}]


def run_ours(base_url: str, keys: list[Key], workdir: str) -> dict[str, Any]:
    """task_wait through ansible-playbook; {noticed: {key: wall time of its line}, result: the task's result, seconds}."""
    result_path = os.path.join(workdir, 'waited.json')
    playbook = os.path.join(workdir, 'wait.yml')
    with open(playbook, 'w', encoding='utf-8') as handle:
        yaml.safe_dump(_playbook(base_url, keys, result_path), handle, sort_keys=False)
    noticed: dict[Key, float] = {}
    first_line = None
    started = time.time()
    with subprocess.Popen([ansible_command('ansible-playbook'), '-i', 'localhost,', playbook], env=ansible_env(workdir),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1) as process:
        for line in process.stdout:  # type: ignore[union-attr]
            if first_line is None and _PROGRESS.search(line):
                first_line = time.time()
            match = _NOTICED.search(line)
            if match:
                noticed.setdefault((match.group(1), match.group(2)), time.time())
        code = process.wait()
    seconds = time.time() - started
    if code != 0 or not os.path.exists(result_path):
        raise RuntimeError('ansible-playbook exited %d' % code)
    with open(result_path, encoding='utf-8') as handle:
        result = json.load(handle)
    return {'noticed': noticed, 'result': result, 'seconds': seconds, 'first_line': first_line}


def run_naive(base_url: str, keys: list[Key]) -> dict[str, Any]:
    """Every INTERVAL seconds, one get-by-id request per unfinished task, with the collection's clients."""
    # pylint: disable=import-outside-toplevel
    from ansible_collections.dbtasks.cloud.plugins.module_utils._connection_options import HuaweiConfig, UCloudConfig
    from ansible_collections.dbtasks.cloud.plugins.module_utils._huawei_client import HuaweiClient
    from ansible_collections.dbtasks.cloud.plugins.module_utils._providers import PROVIDERS
    from ansible_collections.dbtasks.cloud.plugins.module_utils._retry import RetryPolicy
    from ansible_collections.dbtasks.cloud.plugins.module_utils._states import TERMINAL, map_state
    from ansible_collections.dbtasks.cloud.plugins.module_utils._transport import RequestsTransport
    from ansible_collections.dbtasks.cloud.plugins.module_utils._ucloud_client import UCloudClient

    transport = RequestsTransport(validate_certs=True, ca_bundle=None, connect_timeout=10, timeout=30)
    huawei = HuaweiConfig(project_id=HUAWEI_ARGS['project_id'], access_key=HUAWEI_ARGS['access_key'],
                          secret_key=HUAWEI_ARGS['secret_key'], endpoint=base_url)
    ucloud = UCloudClient(UCloudConfig(UCLOUD_ARGS['public_key'], UCLOUD_ARGS['private_key'], base_url=base_url), transport, RetryPolicy())
    clients = {service: HuaweiClient(huawei, service, transport, RetryPolicy()) for service in ('dds', 'rds')}

    def read(provider: str, task_id: str) -> Any:
        if provider == 'udts':
            return ucloud.call('GetUDTSTaskStatus', {'TaskId': task_id})['Data']
        return clients[provider].get('ShowJob', '/v3/{project_id}/jobs', {'id': task_id})['job']

    unfinished = list(keys)
    noticed: dict[Key, float] = {}
    polls = 0
    started = time.monotonic()
    try:
        while unfinished and time.monotonic() - started < TIMEOUT:
            polls += 1
            for key in list(unfinished):
                state, dummy = map_state(PROVIDERS[key[0]], read(*key))
                if state in TERMINAL:
                    noticed[key] = time.time()
                    unfinished.remove(key)
            if unfinished:
                time.sleep(max(0.0, started + polls * INTERVAL - time.monotonic()))
    finally:
        transport.close()
    return {'noticed': noticed, 'polls': polls, 'seconds': time.monotonic() - started}


def _delays(noticed: dict[Key, float], started_at: float, transitions: dict[Key, float]) -> dict[str, Any]:
    delays = {'%s %s' % key: round(noticed[key] - (started_at + at), 2) for key, at in transitions.items() if key in noticed}
    missing = sorted('%s %s' % key for key in transitions if key not in noticed)
    return {'per_task': delays, 'max': max(delays.values()) if delays else None,
            'mean': round(sum(delays.values()) / len(delays), 2) if delays else None, 'not_noticed': missing}


def run(rounds: int = 1) -> list[Figure]:
    """One round (each takes about 50 s); ``rounds`` is accepted for a uniform interface and ignored."""
    del rounds
    transitions = final_transitions()
    keys = sorted(transitions)
    emulators = {side: start_emulator(['--scenario', SCENARIO]) for side in ('ours', 'naive')}
    outcome: dict[str, Any] = {}
    errors: list[BaseException] = []
    try:
        with tempfile.TemporaryDirectory(prefix='dbtasks-bench-waiting-') as workdir:
            def contender(side: str) -> None:
                try:
                    base_url = emulators[side].base_url
                    outcome[side] = run_ours(base_url, keys, workdir) if side == 'ours' else run_naive(base_url, keys)
                except BaseException as err:  # pylint: disable=broad-exception-caught  # re-raised below, in the main thread
                    errors.append(err)

            threads = [threading.Thread(target=contender, args=(side,)) for side in emulators]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            if errors:
                raise errors[0]
            for side, emulator in emulators.items():
                outcome[side]['stats'] = counters(emulator)
                outcome[side]['started_at'] = emulator.health()['started_at']
    finally:
        for emulator in emulators.values():
            emulator.stop()
    return _figures(outcome, transitions)


def _figures(outcome: dict[str, Any], transitions: dict[Key, float]) -> list[Figure]:
    ours, naive = outcome['ours'], outcome['naive']
    for side in (ours, naive):
        side['delays'] = _delays(side['noticed'], side['started_at'], transitions)
        side['requests'] = side['stats']['total_requests']
        side['connections'] = side['stats']['connections']
    share = ours['requests'] / float(naive['requests'])
    result = ours['result']
    began = (ours['first_line'] - ours['started_at']) if ours.get('first_line') else 0.0
    bound = lower_bound(transitions, began, details=udts_ending_badly())
    bound_ratio = ours['requests'] / float(bound['requests'])
    states = sorted('%s %s' % (row['provider'], row['state']) for row in result.get('tasks', []) if row['state'] != 'succeeded')
    values: dict[str, Any] = {
        'tasks': len(transitions), 'interval': INTERVAL, 'outcome': result.get('outcome'), 'not_succeeded': states,
        'ours': {'requests': ours['requests'], 'requests_by_route': ours['stats']['requests'], 'polls': result.get('polls'),
                 'connections': ours['connections'], 'seconds': round(ours['seconds'], 1), 'delays': ours['delays']},
        'naive': {'requests': naive['requests'], 'requests_by_route': naive['stats']['requests'], 'polls': naive['polls'],
                  'connections': naive['connections'], 'seconds': round(naive['seconds'], 1), 'delays': naive['delays']},
        'request_share': round(share, 3), 'lower_bound': bound, 'bound_ratio': round(bound_ratio, 3),
    }
    label = '2 waiting, 30 tasks'
    ours_delay, naive_delay = ours['delays'], naive['delays']
    delay_ok = ours_delay['max'] is not None and ours_delay['max'] <= TARGET_DELAY and not ours_delay['not_noticed']
    per_poll = (ours['requests'] / float(result.get('polls') or 1), naive['requests'] / float(naive['polls']))
    values['requests_per_poll'] = [round(per_poll[0], 2), round(per_poll[1], 2)]
    return [
        Figure(label, 'outcome of the wait', '%s: %s; %d of %d followed to the end' % (
            result.get('outcome'), ', '.join(states) or 'all succeeded', len(transitions) - len(ours_delay['not_noticed']), len(transitions)),
            values=values),
        Figure(label, 'requests, task_wait vs naive loop', '%d vs %d = %.2f of naive (%s vs %d polls)'
               % (ours['requests'], naive['requests'], share, result.get('polls'), naive['polls']),
               '<= %.2f of naive' % TARGET_REQUEST_SHARE, share <= TARGET_REQUEST_SHARE),
        Figure(label, 'requests, task_wait vs lower bound', '%d vs %d = %.2fx (wait began %.1f s after the emulator)'
               % (ours['requests'], bound['requests'], bound_ratio, began),
               '<= %.2fx the bound' % TARGET_BOUND_RATIO, bound_ratio <= TARGET_BOUND_RATIO),
        Figure(label, 'requests per poll, task_wait vs naive', '%.1f vs %.1f = %.2f' % (per_poll[0], per_poll[1], per_poll[0] / per_poll[1])),
        Figure(label, 'final transition to noticed, task_wait', 'max %.1f s, mean %.1f s%s' % (
            ours_delay['max'] or float('nan'), ours_delay['mean'] or float('nan'),
            ', %d not noticed' % len(ours_delay['not_noticed']) if ours_delay['not_noticed'] else ''),
            '<= interval + 1 s = %.0f s' % TARGET_DELAY, delay_ok),
        Figure(label, 'final transition to noticed, naive', 'max %.1f s, mean %.1f s' % (
            naive_delay['max'] or float('nan'), naive_delay['mean'] or float('nan'))),
        Figure(label, 'TCP connections, task_wait vs naive', '%d vs %d' % (ours['connections'], naive['connections'])),
    ]
