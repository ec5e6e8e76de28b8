# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Hostile answers over real HTTP (``hostile.py``): each must end in a clear failure or a result with its warning.

Every case runs the real info module against a ``HostileServer`` on 127.0.0.1: in this process
(``run_in_process``), in a process of its own when its peak RSS is the point (``run_measured``), or through
``ansible-playbook`` for ``task_wait``. No case may end in a traceback. The outcomes are counted into
``HOSTILE_TOTALS``, printed with the other reliability totals. Elapsed times are bounds many times the
expected duration (a server that is not cut off keeps a request for a minute), never speed targets.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.emulator.ansible_env import save_task, saved_values
from tests.functional.reliability.hostile import HostileServer
from tests.functional.reliability.support import (
    HOSTILE_TOTALS,
    PROVIDERS,
    RESULT_KEYS,
    AnsibleVerbose,
    ModuleRun,
    connection_args,
    run_in_process,
    run_measured,
)

PAGE_SIZES = {'udts': 100, 'dds': 100, 'rds': 50}
MAX_RSS_MIB = 200.0
CAP_WORDS = 'more than 32 MiB (the most one answer may have)'


@pytest.fixture
def tally() -> Iterator[dict[str, Any]]:
    """Counts the case into HOSTILE_TOTALS: handled when the test body got to the end."""
    outcome: dict[str, Any] = {'handled': False, 'traceback': False}
    yield outcome
    HOSTILE_TOTALS.cases += 1
    HOSTILE_TOTALS.handled += outcome['handled']
    HOSTILE_TOTALS.tracebacks += outcome['traceback']


def _run(tally: dict[str, Any], provider: str, server: HostileServer, env: dict[str, str] | None = None, **args: Any) -> ModuleRun:
    run = run_in_process(provider, dict(connection_args(provider, server.base_url), **args), env=env)
    shown = str(run.result.get('msg', ''))
    tally['traceback'] = bool(run.traceback) or 'Traceback' in shown or 'exception' in run.result
    assert not tally['traceback'], run.traceback or shown
    return run


def _failed_clearly(run: ModuleRun, *words: str) -> str:
    message = str(run.result.get('msg', ''))
    assert run.failed, 'succeeded: %s' % run.result
    for word in words:
        assert word in message, message
    return message


@pytest.mark.parametrize('provider', PROVIDERS)
@pytest.mark.parametrize('case', ['drip', 'drip_headers'])
def test_a_dripping_server_is_cut_off_at_the_timeout(tally: dict[str, Any], provider: str, case: str) -> None:
    with HostileServer(case, drip_for=60) as server:
        started = time.monotonic()
        run = _run(tally, provider, server, timeout=1, retries=1)
        elapsed = time.monotonic() - started
        requests = server.count
    _failed_clearly(run, 'timed out waiting for', 'no complete answer within 1 s', 'after 2 attempts')
    # Each listing request is tried twice; a pager that trusts no total (UDTS) also reads ahead, in waves.
    assert requests % 2 == 0 and 2 <= requests <= 8 and elapsed < 20, 'took %.1f s for %d requests' % (elapsed, requests)
    tally['handled'] = True


@pytest.mark.parametrize('provider', PROVIDERS)
@pytest.mark.parametrize('case', ['gzip_bomb', 'gzip_gzip'])
def test_a_compression_bomb_fails_clearly(tally: dict[str, Any], provider: str, case: str) -> None:
    with HostileServer(case) as server:
        run = _run(tally, provider, server, retries=0)
    # The request id is the server's count of requests: a pager reading ahead may have sent more than one.
    _failed_clearly(run, 'an answer that decodes (gzip) to ' + CAP_WORDS, 'HTTP 200', 'request id hostile-')
    tally['handled'] = True


@pytest.mark.parametrize('provider', PROVIDERS)
def test_pages_ignoring_the_limit_are_cut_with_a_warning(tally: dict[str, Any], provider: str) -> None:
    size = PAGE_SIZES[provider]
    with HostileServer('oversized', items_per_page=10 * size, item_bytes=100, claimed_total=5 * size) as server:
        run = _run(tally, provider, server)
        requests = server.count
    assert not run.failed, run.result.get('msg')
    ids = [item['id'] for item in run.result[RESULT_KEYS[provider]]]
    # Five pages hold every task; a pager that trusts no total (UDTS) reads on to an empty page.
    assert len(ids) == len(set(ids)) == 5 * size and 5 <= requests <= 10
    assert any('held more items than the %d asked for' % size in warning for warning in run.warnings), run.warnings
    tally['handled'] = True


@pytest.mark.parametrize('provider, args', [('udts', {}), ('rds', {}), ('dds', {'security_token': 'hostile-security-token'})])
def test_an_echoed_signature_is_masked(tally: dict[str, Any], provider: str, args: dict[str, Any]) -> None:
    with HostileServer('echo_signature') as server:
        run = _run(tally, provider, server, retries=0, **args)
        signatures = list(server.signatures)
    message = _failed_clearly(run, 'signature ******** does not match; request was signed ********')
    shown = (json.dumps(run.result) + json.dumps(run.warnings)).lower()
    assert signatures and not [signature for signature in signatures if signature.lower() in shown], message
    tally['handled'] = True


@pytest.mark.parametrize('provider, args', [
    ('udts', {}), ('rds', {}), ('dds', {'access_key': None, 'secret_key': None, 'auth_token': 'hostile-auth-token'}),
])
def test_netrc_never_replaces_the_authentication(tally: dict[str, Any], tmp_path: Any, provider: str, args: dict[str, Any]) -> None:
    netrc = tmp_path / 'netrc'
    netrc.write_text('machine 127.0.0.1 login someone password hunter2\n', encoding='utf-8')
    netrc.chmod(0o600)
    with HostileServer('ok') as server:
        base = connection_args(provider, server.base_url)
        base.update(args)
        run = run_in_process(provider, {name: value for name, value in base.items() if value is not None}, env={'NETRC': str(netrc)})
        sent = [headers for dummy, dummy, headers, dummy in server.requests]
    tally['traceback'] = bool(run.traceback)
    assert not run.failed and len(run.result[RESULT_KEYS[provider]]) == 3, run.result.get('msg')
    authorizations = [headers.get('Authorization', '') for headers in sent]
    assert sent and not [value for value in authorizations if value.startswith('Basic')], authorizations
    if provider == 'rds':
        assert all(value.startswith('SDK-HMAC-SHA256 ') for value in authorizations)
    tally['handled'] = True


@pytest.mark.parametrize('provider', PROVIDERS)
def test_deeply_nested_json_fails_clearly(tally: dict[str, Any], provider: str) -> None:
    with HostileServer('deep_json') as server:
        run = _run(tally, provider, server, retries=0)
    _failed_clearly(run, 'unexpected response: JSON nested more than 64 levels deep', 'HTTP 200')
    tally['handled'] = True


@pytest.mark.parametrize('provider', PROVIDERS)
def test_nan_and_infinity_become_null_with_a_warning(tally: dict[str, Any], provider: str) -> None:
    with HostileServer('nan') as server:
        run = _run(tally, provider, server)
    assert not run.failed, run.result.get('msg')
    items = run.result[RESULT_KEYS[provider]]
    assert len(items) == 3 and all(item['progress_estimate'] is None and item['speed'] is None and item['lag'] is None for item in items)
    json.dumps(run.result, allow_nan=False)  # what strict JSON readers of the result need
    assert [warning for warning in run.warnings if 'numbers JSON does not allow (-Infinity, Infinity, NaN)' in warning], run.warnings
    tally['handled'] = True


def test_proxy_variables_still_apply(tally: dict[str, Any]) -> None:
    """netrc is off, the environment is not: HTTP_PROXY carries the requests, NO_PROXY bypasses it."""
    with HostileServer('ok') as server:
        proxied = _run(tally, 'rds', server, env={'HTTP_PROXY': server.base_url, 'NO_PROXY': ''},
                       endpoint='http://rds.hostile.invalid')
        assert not proxied.failed and server.proxied == server.count >= 1, proxied.result.get('msg')
        direct = _run(tally, 'rds', server, env={'HTTP_PROXY': 'http://127.0.0.1:9', 'NO_PROXY': '127.0.0.1'})
        assert not direct.failed and server.proxied == server.count - 1, direct.result.get('msg')
    # The endpoint is not loopback: the module says that plain http:// is readable on the way.
    assert [warning for warning in proxied.warnings if warning.startswith('endpoint http://rds.hostile.invalid uses plain http://')]
    tally['handled'] = True


def test_the_ca_bundle_variable_still_applies(tally: dict[str, Any], emulator_factory: Any) -> None:
    emulator = emulator_factory(['--tls'])
    run = run_in_process('rds', connection_args('rds', emulator.base_url), env={'REQUESTS_CA_BUNDLE': emulator.ca_path})
    tally['traceback'] = bool(run.traceback)
    assert not run.failed and run.warnings == [], run.result.get('msg')
    tally['handled'] = True


@pytest.mark.parametrize('case, options, succeeds', [
    ('gzip_bomb', {}, False),
    ('gzip_gzip', {}, False),
    # Pages of about 2 MB that ignore limit and claim more tasks than they hold: 100 of them are read.
    ('oversized', {'items_per_page': 4000, 'item_bytes': 300, 'claimed_total': 5000}, True),
])
def test_memory_stays_bounded_in_the_module_process(tally: dict[str, Any], tmp_path: Any, case: str, options: dict[str, Any],
                                                    succeeds: bool) -> None:
    with HostileServer(case, **options) as server:
        result, peak_mib = run_measured('rds', dict(connection_args('rds', server.base_url), retries=0), str(tmp_path))
    HOSTILE_TOTALS.measured += 1
    HOSTILE_TOTALS.peak_rss_mib = max(HOSTILE_TOTALS.peak_rss_mib, peak_mib)
    tally['traceback'] = result is None
    assert result is not None, 'the module process ended without a result'
    assert peak_mib < MAX_RSS_MIB, 'peak RSS %.1f MiB' % peak_mib
    if succeeds:
        assert not result.get('failed') and len(result['tasks']) == options['claimed_total'], result.get('msg')
    else:
        assert result.get('failed') and CAP_WORDS in result['msg'], result
    tally['handled'] = True


def test_task_wait_ends_at_its_timeout_against_a_dripping_server(tally: dict[str, Any], tmp_path: Any) -> None:
    """The wait's deadline bounds each request too: a request may not outlive the wait (30 s timeout per request here)."""
    with HostileServer('drip', drip_for=60) as server:
        huawei = dict(connection_args('rds', server.base_url), timeout=30, retries=4)
        wait = {'tasks': [{'provider': 'rds', 'id': 'ba' + '0' * 30}], 'timeout': 3, 'poll_interval': 1, 'huaweicloud': huawei}
        tasks = [
            {'name': 'Wait', 'dbtasks.cloud.task_wait': wait, 'register': 'waited', 'ignore_errors': True},
            save_task('waited'),
        ]
        started = time.monotonic()
        code, stdout, stderr = AnsibleVerbose(str(tmp_path)).playbook(
            [{'name': 'task_wait', 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False, 'tasks': tasks}], 'drip')
        elapsed = time.monotonic() - started
    tally['traceback'] = 'Traceback' in stdout + stderr
    waited = saved_values(stdout).get('localhost')
    assert code == 0 and waited, stdout[-3000:] + stderr[-3000:]
    assert waited['failed'] and waited['outcome'] == 'timeout', waited.get('msg')
    # Either the request hit its deadline, or (the engine reads each provider in a thread) the read was still dripping.
    assert any(words in waited['msg'] for words in ('time left before the deadline', 'no time left', 'rds has not answered since')), waited['msg']
    assert elapsed < 45, 'ansible-playbook took %.1f s' % elapsed
    tally['handled'] = True
