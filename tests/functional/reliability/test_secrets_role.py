# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Secrets never show: the wait_for_tasks role and the task_wait action at -vvvv, on success and every failure path.

One ``ansible-playbook -vvvv`` runs every case as a block; its rescue keeps the failure message. Credentials
reach the role as role variables, through ``module_defaults`` and from the environment; how the search works is
in secrets_support.py.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

from tests.emulator.ansible_env import save_task, saved_values
from tests.functional.reliability.secrets_support import (
    AUTH_TOKEN,
    FINAL_IDS,
    PRIVATE_KEY,
    PROJECT_ID,
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
    recording_emulators,
)
from tests.functional.reliability.support import SECRET_TOTALS, AnsibleVerbose

ROLE = 'wait_for_tasks'
ACTION = 'task_wait'
FAILED_RDS = 'bd000000000000000000000000000003'
DONE = [{'provider': provider, 'id': task_id} for provider, task_id in sorted(FINAL_IDS.items())]
QUICK = {'timeout': 3, 'poll_interval': 1}  # the wait's bounds for the paths that end by timeout
FAILURES = {'http_500': [{'route': '*', 'kind': 'http_500'}], 'slow': [{'route': '*', 'kind': 'slow', 'delay': 1.0}]}


@pytest.fixture(scope='module')
def recorded() -> Iterator[Recorded]:
    yield from recording_emulators()


def _cases(base_url: str, failing_urls: dict[str, str]) -> list[Run]:
    """The runs; ``args`` are the role's variables (without prefix) or task_wait's options.

    ``failing_urls``: emulators that meet every request with one fault (``FAILURES``).
    """
    ucloud, huawei = connection('udts', base_url), connection('rds', base_url)
    token = {'auth_token': AUTH_TOKEN, 'project_id': PROJECT_ID, 'endpoint': base_url}
    both = {'ucloud': ucloud, 'huaweicloud': huawei}
    cases: list[Run] = []
    for target in (ROLE, ACTION):
        cases += [
            Run(target + '_success', target, dict(both, tasks=DONE), None),
            Run(target + '_failed_task', target, dict(both, tasks=DONE + [{'provider': 'rds', 'id': FAILED_RDS}]), FAILED_RDS),
            Run(target + '_timeout', target, dict(both, tasks=[{'provider': 'dds', 'id': RUNNING_IDS['dds']}], **QUICK), RUNNING_IDS['dds']),
            Run(target + '_wrong_private_key', target, dict(both, tasks=DONE[2:], ucloud=dict(ucloud, private_key=WRONG_SECRETS['private_key'])),
                'code 171'),
            Run(target + '_wrong_secret_key', target, dict(both, tasks=DONE[:2], huaweicloud=dict(huawei, secret_key=WRONG_SECRETS['secret_key'])),
                'APIGW.0301'),
            Run(target + '_auth_token', target, dict(tasks=DONE[:2], huaweicloud=token), None),
            Run(target + '_wrong_auth_token', target, dict(tasks=DONE[:2], huaweicloud=dict(token, auth_token=WRONG_SECRETS['auth_token'])),
                'APIGW.0307'),
            Run(target + '_security_token', target, dict(tasks=DONE[:2], huaweicloud=dict(huawei, security_token=SECURITY_TOKEN)), None),
            Run(target + '_wrong_security_token', target,
                dict(tasks=DONE[:2], huaweicloud=dict(huawei, security_token=WRONG_SECRETS['security_token'])), 'APIGW.0301'),
            # A 1-second grace: the message after the grace carries the API's error, and the wait ends in seconds, not 60.
            Run(target + '_unknown_id', target, dict(both, tasks=[{'provider': 'rds', 'id': 'no-such-task-0000'}], not_found_grace=1, **QUICK),
                'HTTP 404'),
            Run(target + '_bad_input', target, dict(both, tasks=DONE, poll_interval=0), 'poll_interval'),
            Run(target + '_refused', target, dict(tasks=DONE[:1], huaweicloud=dict(huawei, endpoint='http://127.0.0.1:9', retries=0), **QUICK),
                'cannot connect'),
            Run(target + '_api_error', target, dict(tasks=DONE, huaweicloud=dict(connection('rds', failing_urls['http_500']), retries=0),
                                                    ucloud=dict(connection('udts', failing_urls['http_500']), retries=0), **QUICK), 'HTTP 500'),
            Run(target + '_read_timeout', target,
                dict(both, tasks=DONE[:1], huaweicloud=dict(connection('rds', failing_urls['slow']), timeout=0.3, retries=0), **QUICK), 'timed out'),
        ]
    cases.append(Run('role_module_defaults', ROLE, {'tasks': DONE, 'module_defaults': both}, None))
    return cases


def _environment_cases() -> list[Run]:
    """Credentials from the environment of ansible-playbook (a process of their own: with AK/SK in the environment,
    a token could not be used, as with the modules)."""
    return [
        Run('role_environment', ROLE, {'tasks': DONE}, None),
        Run('role_environment_wrong_key', ROLE, {'tasks': DONE[:2], 'huaweicloud': {'secret_key': WRONG_SECRETS['secret_key']}},
            'APIGW.0301'),
        Run('task_wait_environment', ACTION, {'tasks': DONE}, None),
    ]


def _call(run: Run) -> dict[str, Any]:
    args = dict(run.args)
    defaults = args.pop('module_defaults', None)
    if run.module == ROLE:
        call: dict[str, Any] = {'name': 'Run the role', 'ansible.builtin.include_role': {'name': 'dbtasks.cloud.wait_for_tasks'},
                                'vars': {'wait_for_tasks_' + name: value for name, value in args.items()}}
    else:
        call = {'name': 'Run task_wait', 'dbtasks.cloud.task_wait': args, 'register': 'waited'}
    if not defaults:
        return call
    # module_defaults is a keyword of blocks and tasks, not of include_role.
    return {'name': 'With module_defaults', 'block': [call],
            'module_defaults': {'group/dbtasks.cloud.ucloud': defaults['ucloud'], 'group/dbtasks.cloud.huaweicloud': defaults['huaweicloud']}}


def _block(run: Run) -> dict[str, Any]:
    """The case, recording {failed, msg} under its name; the role's fact is reset first so no case sees another's."""
    message = "wait_for_tasks_result.msg" if run.module == ROLE else "waited.msg"
    record = "{{ outcomes | combine({'%s': {'failed': %s, 'msg': %s | default('no message')}}) }}"
    return {'name': run.register, 'block': [
        {'name': 'Forget the last outcome', 'ansible.builtin.set_fact': {'wait_for_tasks_result': {}}},
        _call(run),
        {'name': 'Record the success', 'ansible.builtin.set_fact': {'outcomes': record % (run.register, 'false', message)}},
    ], 'rescue': [
        {'name': 'Record the failure', 'ansible.builtin.set_fact': {'outcomes': record % (run.register, 'true', 'ansible_failed_result.msg')}},
    ]}


def _run_playbook(runs: list[Run], workdir: Any, name: str, env: dict[str, str] | None = None) -> tuple[dict[str, Any], list[str]]:
    """Run the cases in one ansible-playbook -vvvv; returns ({case: {failed, msg}}, [stdout, stderr])."""
    play = {'name': 'The role and task_wait on every path', 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
            'vars': {'outcomes': {}}, 'tasks': [_block(run) for run in runs] + [save_task('outcomes')]}
    code, stdout, stderr = AnsibleVerbose(str(workdir), env).playbook([play], name)
    SECRET_TOTALS.processes += 1
    assert code == 0, stdout[-3000:] + stderr[-3000:]
    return saved_values(stdout).get('localhost', {}), [stdout, stderr]


def test_role_and_task_wait_never_show_secrets(recorded: Recorded, tmp_path: Any) -> None:
    base_url = recorded.base_urls['rds']
    ucloud, huawei = connection('udts', base_url), connection('rds', base_url)
    env = {'UCLOUD_PUBLIC_KEY': ucloud['public_key'], 'UCLOUD_PRIVATE_KEY': PRIVATE_KEY, 'UCLOUD_API_BASE_URL': base_url,
           'HUAWEICLOUD_SDK_AK': huawei['access_key'], 'HUAWEICLOUD_SDK_SK': SECRET_KEY, 'HUAWEICLOUD_SDK_PROJECT_ID': PROJECT_ID,
           'HUAWEICLOUD_SDK_ENDPOINT': base_url}
    with contextlib.ExitStack() as stack:
        failing_urls = {name: emulator_with_faults(stack, faults) for name, faults in FAILURES.items()}
        cases, environment_cases = _cases(base_url, failing_urls), _environment_cases()
        outcomes, outputs = _run_playbook(cases, tmp_path, 'secrets-role')
    environment_outcomes, environment_outputs = _run_playbook(environment_cases, tmp_path, 'secrets-role-environment', env)
    assert recorded.sent.ucloud_signatures >= 3 and recorded.sent.huawei_signatures >= 10, 'signatures were not recorded'
    secrets = all_secrets(recorded.sent)
    problems = check_runs(cases, outcomes, outputs, secrets)
    problems += check_runs(environment_cases, environment_outcomes, environment_outputs, secrets)
    assert not problems, '\n'.join(problems)
