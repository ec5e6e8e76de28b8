# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The catalogue of bad inputs, continued: the wait_for_tasks role and the task_wait action.

All cases run in one ``ansible-playbook`` against an emulator of their own: each case is a block whose rescue
records the failure message. The emulator's request counter stays 0 for the whole play, which proves that no
case sent a request; each message must name the option.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest

from tests.emulator import credentials
from tests.emulator.ansible_env import save_task, saved_values
from tests.functional.reliability.support import AnsibleVerbose

ROLE = 'role'
ACTION = 'task_wait'
RDS_TASK = {'provider': 'rds', 'id': '676e9f17f9b74289883a44a47b8101f5'}
UDTS_TASK = {'provider': 'udts', 'id': 'udts-demofi01'}


class BadInput(NamedTuple):
    name: str
    target: str  # ROLE (its variables, without the wait_for_tasks_ prefix) or ACTION (its options)
    args: dict[str, Any]
    option: str  # must be named in the message


CATALOGUE = [
    BadInput('role-nothing-to-wait-for', ROLE, {'tasks': [], 'selectors': []}, 'selectors'),
    BadInput('role-unknown-provider', ROLE, {'tasks': [{'provider': 'ecs', 'id': 'x'}]}, 'provider'),
    BadInput('role-task-without-id', ROLE, {'tasks': [{'provider': 'rds'}]}, 'required arguments: id'),
    BadInput('role-task-with-empty-id', ROLE, {'tasks': [{'provider': 'rds', 'id': ''}]}, 'tasks[0].id'),
    BadInput('role-tasks-not-a-list', ROLE, {'tasks': 'udts-demofi01'}, 'wait_for_tasks_tasks'),
    BadInput('role-negative-timeout', ROLE, {'tasks': [RDS_TASK], 'timeout': -5}, 'timeout'),
    BadInput('role-zero-poll-interval', ROLE, {'tasks': [RDS_TASK], 'poll_interval': 0}, 'poll_interval'),
    BadInput('role-poll-interval-above-an-hour', ROLE, {'tasks': [RDS_TASK], 'poll_interval': 7200}, 'poll_interval'),
    BadInput('role-zero-progress-interval', ROLE, {'tasks': [RDS_TASK], 'progress_interval': 0}, 'progress_interval'),
    BadInput('role-sub-second-poll-interval', ROLE, {'tasks': [RDS_TASK], 'poll_interval': 1e-9}, 'wait_for_tasks_poll_interval'),
    BadInput('role-timeout-beyond-30-days', ROLE, {'tasks': [RDS_TASK], 'timeout': 1e10}, 'wait_for_tasks_timeout'),
    BadInput('role-unknown-target', ROLE, {'tasks': [RDS_TASK], 'target': 'done'}, 'wait_for_tasks_target'),
    BadInput('role-unknown-fail-on-state', ROLE, {'tasks': [RDS_TASK], 'fail_on': ['succeeded']}, 'wait_for_tasks_fail_on'),
    BadInput('role-selector-without-filter', ROLE, {'selectors': [{'provider': 'rds'}]}, 'selectors'),
    BadInput('role-selector-filter-of-another-api', ROLE, {'selectors': [{'provider': 'udts', 'instance_id': 'x'}]}, 'instance_id'),
    BadInput('role-selector-unparseable-time', ROLE, {'selectors': [{'provider': 'rds', 'start_time': 'soon'}]}, 'start_time'),
    BadInput('role-selector-unknown-status', ROLE, {'selectors': [{'provider': 'rds', 'status': ['Done']}]}, 'status'),
    BadInput('role-ucloud-without-private-key', ROLE, {'tasks': [UDTS_TASK], 'ucloud': {'private_key': None}},
             'private_key'),
    BadInput('role-huawei-malformed-region', ROLE, {'tasks': [RDS_TASK], 'huaweicloud': {'region': 'CN North 4', 'endpoint': None}},
             'region'),
    BadInput('role-huawei-too-many-retries', ROLE, {'tasks': [RDS_TASK], 'huaweicloud': {'retries': 11}}, 'retries'),
    BadInput('role-huawei-token-and-keys', ROLE, {'tasks': [RDS_TASK], 'huaweicloud': {'auth_token': credentials.HUAWEI_TOKEN}}, 'auth_token'),
    BadInput('task-wait-unknown-option', ACTION, {'tasks': [RDS_TASK], 'wait': True}, 'wait'),
    BadInput('task-wait-nothing-selected', ACTION, {}, 'selectors'),
    BadInput('task-wait-zero-poll-interval', ACTION, {'tasks': [RDS_TASK], 'poll_interval': 0}, 'poll_interval'),
    BadInput('task-wait-huge-progress-interval', ACTION, {'tasks': [RDS_TASK], 'progress_interval': 1e10}, 'progress_interval'),
    BadInput('task-wait-unknown-fail-on-state', ACTION, {'tasks': [RDS_TASK], 'fail_on': ['done']}, 'fail_on'),
    BadInput('task-wait-huawei-endpoint-not-http', ACTION, {'tasks': [RDS_TASK], 'huaweicloud': {'endpoint': 'ftp://127.0.0.1/'}}, 'endpoint'),
]
EMULATOR_ARGS: list[str] = []  # no scenario: any request would be counted all the same


def _connections(base_url: str) -> dict[str, dict[str, Any]]:
    return {'ucloud': credentials.module_options('udts', base_url), 'huaweicloud': credentials.module_options('dds', base_url)}


def _merged(args: dict[str, Any], base_url: str) -> dict[str, Any]:
    """The case's options over valid connections; a connection option set to None is removed."""
    merged = dict(args)
    for connection, defaults in _connections(base_url).items():
        given = dict(defaults, **args.get(connection, {}))
        merged[connection] = {name: value for name, value in given.items() if value is not None}
    return merged


def _case_block(case: BadInput, base_url: str) -> dict[str, Any]:
    args = _merged(case.args, base_url)
    if case.target == ROLE:
        call: dict[str, Any] = {'name': 'Run the role', 'ansible.builtin.include_role': {'name': 'dbtasks.cloud.wait_for_tasks'},
                                'vars': {'wait_for_tasks_' + name: value for name, value in args.items()}}
    else:
        call = {'name': 'Run task_wait', 'dbtasks.cloud.task_wait': args}
    record = {'name': 'Record the failure', 'ansible.builtin.set_fact': {
        'failures': "{{ failures | combine({'%s': ansible_failed_result.msg | default('no message')}) }}" % case.name}}
    succeeded = {'name': 'Record an unexpected success', 'ansible.builtin.set_fact': {
        'failures': "{{ failures | combine({'%s': 'ACCEPTED'}) }}" % case.name}}
    return {'name': case.name, 'block': [call, succeeded], 'rescue': [record]}


@pytest.fixture(scope='module')
def outcomes(_emulator_process: Any, tmp_path_factory: Any) -> dict[str, Any]:
    """Every case run once, in one playbook: {case name: failure message}, and the emulator's counters after the play."""
    workdir = tmp_path_factory.mktemp('role-bad-inputs')
    base_url = _emulator_process.base_url
    tasks = [_case_block(case, base_url) for case in CATALOGUE]
    tasks.append(save_task('failures'))
    play = {'name': 'Bad inputs of the role and task_wait', 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
            'vars': {'failures': {}}, 'tasks': tasks}
    _emulator_process.reset()
    code, stdout, stderr = AnsibleVerbose(str(workdir)).playbook([play], 'role-bad-inputs')
    assert code == 0, stdout[-3000:] + stderr[-3000:]
    failures = saved_values(stdout)['localhost']
    return {'failures': failures, 'stats': _emulator_process.stats()}


@pytest.mark.parametrize('case', CATALOGUE, ids=[case.name for case in CATALOGUE])
def test_bad_input_is_rejected_before_any_request(outcomes: dict[str, Any], case: BadInput) -> None:
    message = outcomes['failures'].get(case.name)
    assert message is not None, 'the case did not run'
    assert message != 'ACCEPTED', 'accepted'
    assert case.option in message, message
    assert outcomes['stats']['total_requests'] == 0, outcomes['stats']
