# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Secrets never show: the wait_for_tasks role and the task_wait action at -vvvv, on success and every failure path.

One ``ansible-playbook -vvvv`` runs every case as a block; its rescue keeps the failure message. Credentials
reach the role as role variables, through ``module_defaults`` and from the environment; how the search works is
in secrets_support.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

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
    fault_task,
    recording_emulators,
)
from tests.functional.reliability.support import SECRET_TOTALS, AnsibleVerbose

ROLE = 'wait_for_tasks'
ACTION = 'task_wait'
FAILED_RDS = 'bd000000000000000000000000000003'
DONE = [{'provider': provider, 'id': task_id} for provider, task_id in sorted(FINAL_IDS.items())]
QUICK = {'timeout': 3, 'poll_interval': 1}  # the wait's bounds for the paths that end by timeout


@pytest.fixture(scope='module')
def recorded() -> Iterator[Recorded]:
    yield from recording_emulators()


def _cases(base_url: str) -> list[Any]:
    """(run, faults active during it); ``args`` are the role's variables (without prefix) or task_wait's options."""
    ucloud, huawei = connection('udts', base_url), connection('rds', base_url)
    token = {'auth_token': AUTH_TOKEN, 'project_id': PROJECT_ID, 'endpoint': base_url}
    both = {'ucloud': ucloud, 'huaweicloud': huawei}
    cases = []
    for target in (ROLE, ACTION):
        cases += [
            (Run(target + '_success', target, dict(both, tasks=DONE), None), None),
            (Run(target + '_failed_task', target, dict(both, tasks=DONE + [{'provider': 'rds', 'id': FAILED_RDS}]), FAILED_RDS), None),
            (Run(target + '_timeout', target, dict(both, tasks=[{'provider': 'dds', 'id': RUNNING_IDS['dds']}], **QUICK), RUNNING_IDS['dds']),
             None),
            (Run(target + '_wrong_private_key', target, dict(both, tasks=DONE[2:], ucloud=dict(ucloud, private_key=WRONG_SECRETS['private_key'])),
                 'code 171'), None),
            (Run(target + '_wrong_secret_key', target, dict(both, tasks=DONE[:2], huaweicloud=dict(huawei, secret_key=WRONG_SECRETS['secret_key'])),
                 'APIGW.0301'), None),
            (Run(target + '_auth_token', target, dict(tasks=DONE[:2], huaweicloud=token), None), None),
            (Run(target + '_wrong_auth_token', target, dict(tasks=DONE[:2], huaweicloud=dict(token, auth_token=WRONG_SECRETS['auth_token'])),
                 'APIGW.0307'), None),
            (Run(target + '_security_token', target, dict(tasks=DONE[:2], huaweicloud=dict(huawei, security_token=SECURITY_TOKEN)), None), None),
            (Run(target + '_wrong_security_token', target,
                 dict(tasks=DONE[:2], huaweicloud=dict(huawei, security_token=WRONG_SECRETS['security_token'])), 'APIGW.0301'), None),
            # A 1-second grace: the message after the grace carries the API's error, and the wait ends in seconds, not 60.
            (Run(target + '_unknown_id', target, dict(both, tasks=[{'provider': 'rds', 'id': 'no-such-task-0000'}], not_found_grace=1, **QUICK),
                 'HTTP 404'), None),
            (Run(target + '_bad_input', target, dict(both, tasks=DONE, poll_interval=0), 'poll_interval'), None),
            (Run(target + '_refused', target, dict(tasks=DONE[:1], huaweicloud=dict(huawei, endpoint='http://127.0.0.1:9', retries=0), **QUICK),
                 'cannot connect'), None),
            (Run(target + '_api_error', target, dict(both, tasks=DONE, huaweicloud=dict(huawei, retries=0), ucloud=dict(ucloud, retries=0), **QUICK),
                 'HTTP 500'), [{'route': '*', 'kind': 'http_500'}]),
            (Run(target + '_read_timeout', target, dict(both, tasks=DONE[:1], huaweicloud=dict(huawei, timeout=0.3, retries=0), **QUICK),
                 'timed out'), [{'route': '*', 'kind': 'slow', 'delay': 1.0}]),
        ]
    cases.append((Run('role_module_defaults', ROLE, {'tasks': DONE, 'module_defaults': both}, None), None))
    return cases


def _environment_cases() -> list[Any]:
    """Credentials from the environment of ansible-playbook (a process of their own: with AK/SK in the environment,
    a token could not be used, as with the modules)."""
    return [
        (Run('role_environment', ROLE, {'tasks': DONE}, None), None),
        (Run('role_environment_wrong_key', ROLE, {'tasks': DONE[:2], 'huaweicloud': {'secret_key': WRONG_SECRETS['secret_key']}},
             'APIGW.0301'), None),
        (Run('task_wait_environment', ACTION, {'tasks': DONE}, None), None),
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


def _run_playbook(base_url: str, cases: list[Any], workdir: Any, name: str, env: dict[str, str] | None = None) -> tuple[dict[str, Any], list[str]]:
    """Run the cases in one ansible-playbook -vvvv; returns ({case: {failed, msg}}, [stdout, stderr])."""
    results_path = str(workdir / (name + '.json'))
    tasks: list[dict[str, Any]] = []
    for run, faults in cases:
        if faults:
            tasks.append(fault_task(base_url, faults))
        tasks.append(_block(run))
        if faults:
            tasks.append(fault_task(base_url, None))
    tasks.append({'name': 'Save', 'ansible.builtin.copy': {'dest': results_path, 'mode': '0600', 'content': '{{ outcomes | to_json }}'}})
    play = {'name': 'The role and task_wait on every path', 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
            'vars': {'outcomes': {}}, 'tasks': tasks}
    code, stdout, stderr = AnsibleVerbose(str(workdir), env).playbook([play], name)
    SECRET_TOTALS.processes += 1
    assert code == 0, stdout[-3000:] + stderr[-3000:]
    with open(results_path, encoding='utf-8') as handle:
        return json.load(handle), [stdout, stderr]


def test_role_and_task_wait_never_show_secrets(recorded: Recorded, tmp_path: Any) -> None:
    base_url = recorded.base_urls['rds']
    ucloud, huawei = connection('udts', base_url), connection('rds', base_url)
    env = {'UCLOUD_PUBLIC_KEY': ucloud['public_key'], 'UCLOUD_PRIVATE_KEY': PRIVATE_KEY, 'UCLOUD_API_BASE_URL': base_url,
           'HUAWEICLOUD_SDK_AK': huawei['access_key'], 'HUAWEICLOUD_SDK_SK': SECRET_KEY, 'HUAWEICLOUD_SDK_PROJECT_ID': PROJECT_ID,
           'HUAWEICLOUD_SDK_ENDPOINT': base_url}
    cases, environment_cases = _cases(base_url), _environment_cases()
    outcomes, outputs = _run_playbook(base_url, cases, tmp_path, 'secrets-role')
    environment_outcomes, environment_outputs = _run_playbook(base_url, environment_cases, tmp_path, 'secrets-role-environment', env)
    assert recorded.sent.ucloud_signatures >= 3 and recorded.sent.huawei_signatures >= 10, 'signatures were not recorded'
    secrets = all_secrets(recorded.sent)
    problems = check_runs([run for run, dummy in cases], outcomes, outputs, secrets)
    problems += check_runs([run for run, dummy in environment_cases], environment_outcomes, environment_outputs, secrets)
    assert not problems, '\n'.join(problems)
