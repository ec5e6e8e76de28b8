# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Secrets never show: every info module run through Ansible at -vvvv, on success and on every failure path.

How: see secrets_support.py. The role and task_wait are in test_secrets_role.py.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any, Optional
from urllib.parse import quote, quote_plus

import pytest

from tests.emulator.ansible_env import save_registered, saved_values
from tests.functional.reliability.secrets_support import (
    ACCESS_KEY,
    AUTH_TOKEN,
    CONFIGURED_SECRETS,
    FINAL_IDS,
    PRIVATE_KEY,
    PROJECT_ID,
    PUBLIC_KEY,
    RUNNING_IDS,
    SECRET_KEY,
    SECURITY_TOKEN,
    WRONG_SECRETS,
    Recorded,
    Run,
    all_secrets,
    check_runs,
    connection,
    emulator_with_faults,
    find_leaks,
    recording_emulators,
)
from tests.functional.reliability.support import MODULE_NAMES, SECRET_TOTALS, AnsibleVerbose


@pytest.fixture(scope='module')
def recorded() -> Iterator[Recorded]:
    yield from recording_emulators()


Phase = tuple[Optional[list[dict[str, Any]]], list[Run]]  # (faults active during the runs, the runs)
API_FAILURES = {'http_500': 'HTTP 500', 'truncated_json': 'truncated JSON', 'html_error': 'HTML error page', 'http_429_retry_after': 'HTTP 429'}


def module_phases(provider: str, base_url: str) -> list[Phase]:
    """One module on success and on each failure path, against its own emulator at ``base_url``."""
    module = MODULE_NAMES[provider]
    id_option = 'task_id' if provider == 'udts' else 'job_id'
    wrong_option = 'private_key' if provider == 'udts' else 'secret_key'
    url_option = 'base_url' if provider == 'udts' else 'endpoint'
    clean = [
        Run('list', module, {}, None),
        Run('check_mode', module, {'_check_mode': True}, None),
        Run('wait_done', module, {id_option: FINAL_IDS[provider], 'wait': True, 'wait_sleep': 1}, None),
        Run('wrong_key', module, {wrong_option: WRONG_SECRETS[wrong_option]}, 'code 171' if provider == 'udts' else 'APIGW.0301'),
        Run('unknown_id', module, {id_option: 'no-such-task-0000'}, 'code 1404' if provider == 'udts' else 'HTTP 404'),
        Run('bad_limit', module, {'limit': 1000}, 'limit'),
        Run('bad_filter', module, {'status': ['Finished']} if provider == 'udts' else {'start_time': 'yesterday-ish'},
            'status' if provider == 'udts' else 'start_time'),
        Run('refused', module, {url_option: 'http://127.0.0.1:9', 'retries': 0}, 'cannot connect'),
        Run('wait_timeout', module, {id_option: RUNNING_IDS[provider], 'wait': True, 'wait_timeout': 1, 'wait_sleep': 1}, 'Timed out'),
    ]
    if provider != 'udts':
        token_args = {'auth_token': AUTH_TOKEN, 'project_id': PROJECT_ID, 'endpoint': base_url}
        clean += [
            Run('auth_token', module, token_args, None),
            Run('wrong_auth_token', module, dict(token_args, auth_token=WRONG_SECRETS['auth_token']), 'APIGW.0307'),
            Run('security_token', module, {'security_token': SECURITY_TOKEN}, None),
            Run('wrong_security_token', module, {'security_token': WRONG_SECRETS['security_token']}, 'APIGW.0301'),
        ]
    read_timeout = Run('read_timeout', module, {'timeout': 0.3, 'retries': 1}, 'timed out')
    phases: list[Phase] = [(None, clean), ([{'route': '*', 'kind': 'slow', 'delay': 1.0}], [read_timeout])]
    failures = dict(API_FAILURES, **({'retcode_150': 'code 150'} if provider == 'udts' else {}))
    for kind, failure in failures.items():
        phases.append(([{'route': '*', 'kind': kind, 'retry_after': 0.2}], [Run(kind, module, {'retries': 1}, failure)]))
    return [(faults, [run._replace(register='%s_%s' % (provider, run.register)) for run in runs]) for faults, runs in phases]


def _task(run: Run, provider: str, base_url: str) -> dict[str, Any]:
    args = dict(run.args)
    check_mode = args.pop('_check_mode', False)
    if 'auth_token' not in args:
        args = dict(connection(provider, base_url), **args)
    task = {'name': run.register, 'dbtasks.cloud.' + run.module: args, 'register': run.register, 'ignore_errors': True}
    if check_mode:
        task['check_mode'] = True
    return task


def build_playbook(phases: dict[str, list[Phase]], phase_urls: dict[str, list[str]]) -> list[dict[str, Any]]:
    """One play over one host per provider (all local), free strategy: the providers' runs go in parallel.

    Each phase runs against an emulator of its own (``phase_urls``, in the order of the phases), so the faults of
    one phase never reach another phase or another provider.
    """
    tasks: list[dict[str, Any]] = []
    for provider, provider_phases in phases.items():
        runs = [(run, url) for (dummy, phase_runs), url in zip(provider_phases, phase_urls[provider]) for run in phase_runs]
        host_tasks = [_task(run, provider, url) for run, url in runs]
        host_tasks.append(save_registered([run.register for run, dummy in runs], 'Save the results'))
        tasks.append({'name': provider, 'when': "inventory_hostname == '%s'" % provider, 'block': host_tasks})
    return [{'name': 'Every module on every path', 'hosts': 'all', 'strategy': 'free', 'gather_facts': False, 'tasks': tasks}]


def test_the_leak_search_finds_every_spelling() -> None:
    assert find_leaks('x=%s&y' % quote_plus(SECRET_KEY), [SECRET_KEY]) == [SECRET_KEY]
    assert find_leaks('{"k": %s}' % json.dumps(PRIVATE_KEY), [PRIVATE_KEY]) == [PRIVATE_KEY]
    assert find_leaks(quote(AUTH_TOKEN, safe=''), [AUTH_TOKEN]) == [AUTH_TOKEN]
    assert not find_leaks('********', CONFIGURED_SECRETS)


def test_modules_never_show_secrets(recorded: Recorded, tmp_path: Any) -> None:
    phases = {provider: module_phases(provider, recorded.base_urls[provider]) for provider in MODULE_NAMES}
    ansible = AnsibleVerbose(str(tmp_path))
    inventory = tmp_path / 'inventory'
    inventory.write_text(''.join('%s ansible_connection=local\n' % provider for provider in MODULE_NAMES))
    with contextlib.ExitStack() as stack:
        phase_urls = {provider: [emulator_with_faults(stack, faults) if faults else recorded.base_urls[provider] for faults, dummy in provider_phases]
                      for provider, provider_phases in phases.items()}
        code, stdout, stderr = ansible.playbook(build_playbook(phases, phase_urls), 'secrets-modules', inventory=str(inventory))
    SECRET_TOTALS.processes += 1
    assert code == 0, stdout[-3000:] + stderr[-3000:]
    results: dict[str, Any] = {}
    for provider_results in saved_values(stdout).values():
        results.update(provider_results)
    assert recorded.sent.ucloud_signatures >= 10 and recorded.sent.huawei_signatures >= 20, 'signatures were not recorded'
    runs = [run for provider_phases in phases.values() for dummy, phase_runs in provider_phases for run in phase_runs]
    problems = check_runs(runs, results, [stdout, stderr], all_secrets(recorded.sent))
    assert not problems, '\n'.join(problems)


ADHOC_ENV = {
    'HUAWEICLOUD_SDK_AK': ACCESS_KEY, 'HUAWEICLOUD_SDK_SK': SECRET_KEY, 'HUAWEICLOUD_SDK_PROJECT_ID': PROJECT_ID,
    'UCLOUD_PUBLIC_KEY': PUBLIC_KEY, 'UCLOUD_PRIVATE_KEY': PRIVATE_KEY,
}


@pytest.mark.parametrize('module, args, env, failure', [
    ('rds_task_info', {'status': 'Completed'}, {}, None),
    ('dds_job_info', {'job_id': 'no-such-job'}, {}, 'HTTP 404'),
    ('udts_task_info', {}, {'UCLOUD_PRIVATE_KEY': WRONG_SECRETS['private_key']}, 'code 171'),
    ('rds_task_info', {}, {'HUAWEICLOUD_SDK_SK': WRONG_SECRETS['secret_key'], 'HUAWEICLOUD_SDK_SECURITY_TOKEN': SECURITY_TOKEN}, 'APIGW.0301'),
], ids=['rds-ok', 'dds-not-found', 'udts-wrong-key', 'rds-wrong-key-with-token'])
def test_adhoc_with_environment_credentials_never_shows_secrets(recorded: Recorded, tmp_path: Any, module: str, args: dict[str, Any],
                                                                env: dict[str, str], failure: str | None) -> None:
    base_url = recorded.base_urls['rds']
    ansible = AnsibleVerbose(str(tmp_path), dict(ADHOC_ENV, UCLOUD_API_BASE_URL=base_url, HUAWEICLOUD_SDK_ENDPOINT=base_url))
    code, stdout, stderr = ansible.adhoc('dbtasks.cloud.' + module, args, env)
    SECRET_TOTALS.processes += 1
    dummy, separator, body = stdout.partition(' => ')
    assert separator, stdout[-3000:] + stderr[-3000:]
    result = json.loads(body[:body.rindex('}') + 1])
    result.setdefault('failed', code != 0)  # the ad hoc output leaves it out
    assert code == (0 if failure is None else 2), stdout[-2000:]
    problems = check_runs([Run('adhoc', module, args, failure)], {'adhoc': result}, [stdout, stderr], all_secrets(recorded.sent))
    assert not problems, '\n'.join(problems)
