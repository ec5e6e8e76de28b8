# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark 1: listing every task, our module against a plain sequential loop over the official SDKs.

Ours is the info module's ``main()`` in this process (everything the module does: options, signing, concurrent
pages, normalization). The SDK loop reads page after page at the same page size (the API's largest), as the
Terraform provider's pagers do: RDS until its total is reached; DDS and UDTS, which send no total (the
emulator's default, docs/api-reference.md), from the items received until an empty page, so both sides list
every task whatever the server's page cap. Both run against one emulator process holding 2,000 RDS tasks,
2,000 DDS jobs and 200 UDTS tasks; rounds alternate which goes first; the counters are reset before every run,
so requests and TCP connections are each run's own.

Conditions: the emulator as it is (on this machine its serving time is a few milliseconds per page, so both
sides mostly wait for the same single server process); with a fixed delay added to every answer (a persistent
``slow`` fault), which stands for the round trip to a real cloud API; and, with that delay, UDTS served at most
20 and at most 50 tasks a page whatever the limit (emulators of their own with ``udts_page_cap``).
"""

from __future__ import annotations

import datetime
import logging
import math
import os
import tempfile
import warnings
from collections.abc import Sequence
from typing import Any, Callable

import yaml

from tests.benchmarks.common import HUAWEI_ARGS, UCLOUD_ARGS, Figure, connection_args, counters, median, run_module_in_process, start_emulator, timed

COUNTS = {'rds': 2000, 'dds': 2000, 'udts': 200}
PAGE_SIZES = {'rds': 50, 'dds': 100, 'udts': 100}  # the APIs' largest pages, what the module asks for
RESULT_KEYS = {'rds': 'tasks', 'dds': 'jobs', 'udts': 'tasks'}
TOTALS = {'rds': True, 'dds': False, 'udts': False}  # whether the emulator sends a total (its default)
TARGET_RATIO = 0.5
ADDED_LATENCY = 0.02  # seconds per answer in the second condition
UDTS_CAPS = (20, 50)  # most UDTS tasks a page holds, in the last conditions
WAVE = 4  # pages the module reads at once (fetch_all's max_workers)


def _huawei_client(builder: Any, base_url: str) -> Any:
    from huaweicloudsdkcore.auth import credentials as sdk_credentials
    from huaweicloudsdkcore.http import http_config as sdk_http_config

    basic = sdk_credentials.BasicCredentials(HUAWEI_ARGS['access_key'], HUAWEI_ARGS['secret_key'], HUAWEI_ARGS['project_id'])
    config = sdk_http_config.HttpConfig.get_default_config()
    config.retry_times = 0
    return builder.with_credentials(basic).with_endpoints([base_url]).with_http_config(config).build()


def sdk_rds(base_url: str) -> list[str]:
    from huaweicloudsdkrds import v3 as rds_v3

    client = _huawei_client(rds_v3.RdsClient.new_builder(), base_url)
    ids: list[str] = []
    offset = 0
    while True:
        page = client.list_tasks(rds_v3.ListTasksRequest(offset=offset, limit=PAGE_SIZES['rds']))
        ids += [task.id for task in page.tasks or ()]
        offset += PAGE_SIZES['rds']
        if len(page.tasks or ()) < PAGE_SIZES['rds'] or offset >= (page.total_count or 0):
            return ids


def sdk_dds(base_url: str) -> list[str]:
    from huaweicloudsdkdds import v3 as dds_v3

    client = _huawei_client(dds_v3.DdsClient.new_builder(), base_url)
    now = datetime.datetime.now(datetime.timezone.utc)
    # The window the module uses by default: 30 days less one second, up to now.
    start, end = ((now + datetime.timedelta(days=days, seconds=seconds)).strftime('%Y-%m-%dT%H:%M:%S+0000')
                  for days, seconds in ((-30, 1), (0, 0)))
    ids: list[str] = []
    offset = 0
    while True:
        page = client.list_tasks(dds_v3.ListTasksRequest(start_time=start, end_time=end, offset=offset, limit=PAGE_SIZES['dds']))
        jobs = page.jobs or ()
        if not jobs:  # no total comes, so only an empty page ends the listing
            return ids
        ids += [job.id for job in jobs]
        offset += len(jobs)


def sdk_udts(base_url: str) -> list[str]:
    import ucloud.client as ucloud_client

    logging.getLogger('ucloud').setLevel(logging.WARNING)  # it logs every answer in full at INFO
    client = ucloud_client.Client(dict(UCLOUD_ARGS, region='cn-bj2', base_url=base_url, max_retries=0)).udts()
    ids: list[str] = []
    offset = 0
    while True:
        # The SDK's response schema has no TotalCount, and no largest page is documented: only an empty page ends it.
        page = client.list_udts_task({'Offset': offset, 'Limit': PAGE_SIZES['udts']})
        data = page.get('Data') or []
        if not data:
            return ids
        ids += [task['TaskId'] for task in data]
        offset += len(data)


SDK_LOOPS: dict[str, Callable[[str], list[str]]] = {'rds': sdk_rds, 'dds': sdk_dds, 'udts': sdk_udts}


def ours(provider: str, base_url: str) -> list[str]:
    result = run_module_in_process(provider, connection_args(provider, base_url))
    if result.get('failed'):
        raise RuntimeError('%s module failed: %s' % (provider, result.get('msg')))
    return [item['id'] for item in result[RESULT_KEYS[provider]]]


def _measure(emulator: Any, run: Callable[[], list[str]], expected: int) -> dict[str, Any]:
    emulator.reset()
    seconds, ids = timed(run)
    stats = counters(emulator)
    if len(ids) != expected or len(set(ids)) != expected:
        raise RuntimeError('listed %d tasks (%d distinct) instead of %d' % (len(ids), len(set(ids)), expected))
    return {'seconds': seconds, 'requests': stats['total_requests'], 'connections': stats['connections'], 'ids': ids}


def _compare(emulator: Any, provider: str, rounds: int, served: int | None = None) -> dict[str, Any]:
    """Both sides listing ``provider``'s tasks ``rounds`` times; ``served``: the most tasks a page holds (a cap)."""
    runs: dict[str, list[dict[str, Any]]] = {'ours': [], 'sdk': []}
    expected = COUNTS[provider]
    sides = {'ours': lambda: ours(provider, emulator.base_url), 'sdk': lambda: SDK_LOOPS[provider](emulator.base_url)}
    for number in range(rounds):
        for side in (('ours', 'sdk') if number % 2 == 0 else ('sdk', 'ours')):
            runs[side].append(_measure(emulator, sides[side], expected))
    if set(runs['ours'][0]['ids']) != set(runs['sdk'][0]['ids']):
        raise RuntimeError('%s: the module and the SDK listed different tasks' % provider)
    per_page = min(PAGE_SIZES[provider], served or PAGE_SIZES[provider])
    # With a total the pages holding tasks; without one also the empty page after them, and the module reads one
    # wave of pages ahead at most beyond that.
    needed = math.ceil(expected / per_page) + (0 if TOTALS[provider] else 1)
    summary: dict[str, Any] = {'tasks': expected, 'page_size': PAGE_SIZES[provider], 'served_per_page': per_page, 'rounds': rounds,
                               'expected_requests': needed, 'total_sent': TOTALS[provider],
                               'allowed_requests': needed + (0 if TOTALS[provider] else WAVE)}
    for side, side_runs in runs.items():
        summary[side] = {
            'seconds_median': round(median([run['seconds'] for run in side_runs]), 4),
            'seconds_all': [round(run['seconds'], 4) for run in side_runs],
            'requests': sorted({run['requests'] for run in side_runs}),
            'connections': sorted({run['connections'] for run in side_runs}),
        }
    summary['ratio'] = round(summary['ours']['seconds_median'] / summary['sdk']['seconds_median'], 3)
    return summary


def _figures(condition: str, provider: str, summary: dict[str, Any]) -> list[Figure]:
    ours_side, sdk_side = summary['ours'], summary['sdk']
    label = '1 listing %s %d (%s)' % (provider.upper(), summary['tasks'], condition)
    times = '%.3f s vs %.3f s = %.2fx' % (ours_side['seconds_median'], sdk_side['seconds_median'], summary['ratio'])
    pages = 'ceil(%d/%d)' % (summary['tasks'], summary['served_per_page'])
    if summary['total_sent']:
        target, requests_ok = '= %s = %d' % (pages, summary['expected_requests']), ours_side['requests'] == [summary['expected_requests']]
    else:
        target = '<= %s + 1 + %d read ahead = %d' % (pages, WAVE, summary['allowed_requests'])
        requests_ok = max(ours_side['requests']) <= summary['allowed_requests']
    return [
        Figure(label, 'wall time, ours vs SDK loop', times, '<= %.2fx' % TARGET_RATIO, summary['ratio'] <= TARGET_RATIO, summary),
        Figure(label, 'requests, ours vs SDK loop', '%s vs %s' % (_one(ours_side['requests']), _one(sdk_side['requests'])),
               target, requests_ok),
        Figure(label, 'TCP connections, ours vs SDK loop', '%s vs %s' % (_one(ours_side['connections']), _one(sdk_side['connections']))),
    ]


def _one(values: Sequence[int]) -> str:
    return '/'.join(str(value) for value in values)


def _generated(*extra: str) -> list[str]:
    return ['--generate', 'udts=%d,dds=%d,rds=%d' % (COUNTS['udts'], COUNTS['dds'], COUNTS['rds']), '--seed', '11', '--speed', '1000000'] \
        + list(extra)


def _capped_udts(rounds: int, cap: int, slow: dict[str, Any], condition: str) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix='dbtasks-bench-') as workdir:
        scenario = os.path.join(workdir, 'capped.yml')
        with open(scenario, 'w', encoding='utf-8') as handle:
            yaml.safe_dump({'options': {'udts_page_cap': cap}}, handle)
        emulator = start_emulator(_generated('--scenario', scenario))
        try:
            emulator.add_faults(slow)
            return _figures(condition, 'udts', _compare(emulator, 'udts', rounds, served=cap))
        finally:
            emulator.stop()


def run(rounds: int = 5) -> list[Figure]:
    warnings.filterwarnings('ignore', message='datetime.datetime.utcnow')  # the Huawei SDK signer still calls it
    slow = {'route': '*', 'kind': 'slow', 'delay': ADDED_LATENCY}
    latency = '+%d ms per answer' % (ADDED_LATENCY * 1000)
    emulator = start_emulator(_generated())
    figures: list[Figure] = []
    try:
        for condition, faults in (('emulator as is', None), (latency, slow)):
            emulator.clear_faults()
            if faults:
                emulator.add_faults(faults)
            for provider in ('rds', 'dds', 'udts'):
                figures += _figures(condition, provider, _compare(emulator, provider, rounds))
    finally:
        emulator.stop()
    for cap in UDTS_CAPS:
        figures += _capped_udts(rounds, cap, slow, '%s, pages of %d' % (latency, cap))
    return figures
