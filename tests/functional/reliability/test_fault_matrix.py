# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fault matrix: every fault kind of the emulator, on every route of the three providers, transient and persistent.

Each case runs the info module in this process over real HTTP (see ``run_in_process``) against an emulator
holding 250 finished tasks per provider (three to five pages), with one fault injected through
``POST /_emulator/faults``:

- transient (the first ``TRANSIENT_COUNT`` matching requests, within the default budget of 4 retries; one page
  for the pagination kinds): the module must succeed with exactly the result of a clean run;
- persistent: a request fault must fail the module with a message that names the operation and carries the
  provider code or HTTP status and the request id (a reset or a timeout has no answer, so it names what
  happened instead) after every retry was spent; a pagination fault must still give the clean result, or
  finish with a warning that results may be incomplete.

Nothing may end in a traceback, and no item may go missing without a warning (each case asserts its outcome);
the totals are printed at the end of a run without xdist workers.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.functional.reliability.support import FAULT_TOTALS, ID_OPTIONS, RESULT_KEYS, ModuleRun, connection_args, run_in_process

EMULATOR_ARGS = ['--generate', 'udts=250,dds=250,rds=250', '--seed', '7', '--speed', '1000000']

ROUTES = {
    'udts': {'list': 'udts.ListUDTSTask', 'get': 'udts.GetUDTSTaskStatus'},
    'dds': {'list': 'dds.ListJobs', 'get': 'dds.ShowJob'},
    'rds': {'list': 'rds.ListTasks', 'get': 'rds.ShowJob'},
}
OPERATIONS = {'udts.ListUDTSTask': 'ListUDTSTask', 'udts.GetUDTSTaskStatus': 'GetUDTSTaskStatus', 'dds.ListJobs': 'ListJobs',
              'dds.ShowJob': 'ShowJob', 'rds.ListTasks': 'ListTasks', 'rds.ShowJob': 'ShowJob'}
HTTP_KINDS = {'http_429': 429, 'http_429_retry_after': 429, 'http_500': 500, 'http_502': 502, 'http_503': 503, 'http_504': 504}
REQUEST_KINDS = tuple(HTTP_KINDS) + ('reset', 'slow', 'truncated_json', 'html_error')
UCLOUD_KINDS = ('retcode_150', 'retcode_153')
PAGE_KINDS = ('page_repeat', 'total_changes', 'total_missing', 'empty_page')
# What the emulator answers for each kind: the UCloud RetCode, and the Huawei error code per HTTP status.
UCLOUD_CODES = {'http_429': 153, 'http_429_retry_after': 153, 'retcode_153': 153}
HUAWEI_CODES = {429: 'APIGW.0308', 502: 'APIGW.0202', 503: 'APIGW.0202', 504: 'APIGW.0201'}
HUAWEI_500_CODES = {'dds': 'DBS.200500', 'rds': 'DBS.280500'}

TRANSIENT_COUNT = 3  # the default retries option is 4
RETRY_AFTER = 0.25
# A slow answer arrives well after the timeout; every attempt waits out the timeout, so keep it short.
SLOW_DELAY = 0.6
SLOW_TIMEOUT = 0.15
DEFAULT_ATTEMPTS = 5  # the first attempt and 4 retries


@dataclasses.dataclass(frozen=True)
class FaultCase:
    provider: str
    target: str  # 'list' (every page) or 'get' (one task by id)
    kind: str
    persistent: bool

    @property
    def route(self) -> str:
        return ROUTES[self.provider][self.target]

    @property
    def name(self) -> str:
        return '%s-%s-%s' % (self.route, self.kind, 'persistent' if self.persistent else 'transient')

    def fault(self) -> dict[str, Any]:
        fault: dict[str, Any] = {'route': self.route, 'kind': self.kind, 'retry_after': RETRY_AFTER, 'delay': SLOW_DELAY}
        if not self.persistent:
            fault['count'] = 1 if self.kind in PAGE_KINDS else TRANSIENT_COUNT
        return fault


def _cases() -> list[FaultCase]:
    cases = []
    for provider in ROUTES:
        kinds = REQUEST_KINDS + (UCLOUD_KINDS if provider == 'udts' else ())
        for target in ('list', 'get'):
            for kind in kinds + (PAGE_KINDS if target == 'list' else ()):
                cases.extend(FaultCase(provider, target, kind, persistent) for persistent in (False, True))
    return cases


CASES = _cases()


@pytest.fixture(scope='module')
def clean_runs(_emulator_process: Any) -> dict[Any, dict[str, Any]]:
    """The result of every (provider, target) without faults, the reference each case is compared with."""
    _emulator_process.clear_faults()
    results = {}
    for provider in ROUTES:
        listed = run_in_process(provider, connection_args(provider, _emulator_process.base_url))
        assert not listed.failed and len(listed.result[RESULT_KEYS[provider]]) == 250, listed.result.get('msg')
        chosen = listed.result[RESULT_KEYS[provider]][17]['id']
        one = run_in_process(provider, dict(connection_args(provider, _emulator_process.base_url), **{ID_OPTIONS[provider]: chosen}))
        assert not one.failed and [item['id'] for item in one.result[RESULT_KEYS[provider]]] == [chosen]
        results[(provider, 'list')] = {'args': {}, 'result': listed.result}
        results[(provider, 'get')] = {'args': {ID_OPTIONS[provider]: chosen}, 'result': one.result}
    return results


def _expected_code(case: FaultCase) -> str | None:
    """The provider code the failure message must carry, or None when the answer has none (or no answer came)."""
    if case.provider == 'udts':
        code = UCLOUD_CODES.get(case.kind, 150 if case.kind in HTTP_KINDS or case.kind == 'retcode_150' else None)
        return None if code is None else 'code %d' % code
    status = HTTP_KINDS.get(case.kind)
    if status is None:
        return None
    return 'code %s' % (HUAWEI_500_CODES[case.provider] if status == 500 else HUAWEI_CODES[status])


def _failure_problems(case: FaultCase, run: ModuleRun) -> list[str]:
    """Why a persistent request fault's failure is not clear; empty when it is."""
    result, msg = run.result, str(run.result.get('msg', ''))
    problems = []
    if OPERATIONS[case.route] not in msg:
        problems.append('the operation %s is not named' % OPERATIONS[case.route])
    if case.kind in ('reset', 'slow'):
        wanted = 'connection was reset' if case.kind == 'reset' else 'timed out'
        if wanted not in msg:
            problems.append('%r is not said' % wanted)
    else:
        status = HTTP_KINDS.get(case.kind, 502 if case.kind == 'html_error' else 200)
        if result.get('http_status') != status or 'HTTP %d' % status not in msg:
            problems.append('HTTP %d is not reported' % status)
        if not result.get('request_id') or 'request id %s' % result['request_id'] not in msg:
            problems.append('the request id is not reported')
        code = _expected_code(case)
        if code and code not in msg:
            problems.append('%s is not reported' % code)
        what = {'truncated_json': 'truncated JSON', 'html_error': 'HTML error page'}.get(case.kind)
        if what and what not in msg:
            problems.append('%r is not said' % what)
    if result.get('attempts') != DEFAULT_ATTEMPTS:
        problems.append('%s attempts instead of %d (every retry spent)' % (result.get('attempts'), DEFAULT_ATTEMPTS))
    return problems


def _judge(case: FaultCase, run: ModuleRun, clean: dict[str, Any]) -> str:
    """The outcome: survived, failed clearly, warned incomplete, data lost, traceback, or what else went wrong."""
    if run.traceback or 'Traceback' in str(run.result.get('msg', '')) or 'exception' in run.result:
        return 'traceback'
    if run.failed:
        if case.persistent and case.kind not in PAGE_KINDS:
            problems = _failure_problems(case, run)
            return 'failed clearly' if not problems else 'unclear failure: ' + '; '.join(problems)
        return 'failed: %s' % run.result.get('msg')
    if case.persistent and case.kind not in PAGE_KINDS:
        return 'succeeded despite a persistent fault'
    key = RESULT_KEYS[case.provider]
    if run.result[key] == clean[key]:
        # Without any total from the API (total_missing) the module reports none; a total it does report must be right.
        total = run.result.get('total_count')
        if total is None and case.kind == 'total_missing' or total == clean.get('total_count'):
            return 'survived'
        return 'wrong total_count %s instead of %s' % (total, clean.get('total_count'))
    if any('incomplete' in warning for warning in run.warnings):
        return 'warned incomplete'
    return 'data lost'


def _count(outcome: str) -> None:
    FAULT_TOTALS.tried += 1
    if outcome == 'survived':
        FAULT_TOTALS.survived += 1
    elif outcome in ('failed clearly', 'warned incomplete'):
        FAULT_TOTALS.failed_clearly += 1
        FAULT_TOTALS.warned_incomplete += outcome == 'warned incomplete'
    elif outcome == 'data lost':
        FAULT_TOTALS.data_lost += 1
    elif outcome == 'traceback':
        FAULT_TOTALS.tracebacks += 1
    else:
        FAULT_TOTALS.other += 1


@pytest.mark.parametrize('case', CASES, ids=[case.name for case in CASES])
def test_fault(emulator: Any, clean_runs: dict[Any, dict[str, Any]], case: FaultCase) -> None:
    reference = clean_runs[(case.provider, case.target)]
    args = dict(connection_args(case.provider, emulator.base_url), **reference['args'])
    if case.kind == 'slow':
        args['timeout'] = SLOW_TIMEOUT
    emulator.add_faults(case.fault())
    run = run_in_process(case.provider, args)
    outcome = _judge(case, run, reference['result'])
    _count(outcome)
    injected = emulator.stats()['faults_injected']
    assert injected >= (1 if case.persistent or case.kind in PAGE_KINDS else TRANSIENT_COUNT), 'the fault never hit: %d' % injected
    expected = ('failed clearly',) if case.persistent and case.kind not in PAGE_KINDS else ('survived',)
    if case.persistent and case.kind in PAGE_KINDS:
        expected = ('survived', 'warned incomplete')
    assert outcome in expected, '%s: %s\n%s\nwarnings: %s' % (case.name, outcome, run.traceback or run.result.get('msg'), run.warnings)
    if case.kind == 'http_429_retry_after':
        assert RETRY_AFTER in run.sleeps, 'Retry-After %s was not honoured: pauses %s' % (RETRY_AFTER, run.sleeps)
