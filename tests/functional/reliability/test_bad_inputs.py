# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The catalogue of bad inputs: each one fails before any request, with a message naming the option.

Every case runs the module in this process against the emulator, which counts every request it receives
(routed or not); the count must stay 0. ``None`` as a value removes that connection option. The role's
bad inputs are in test_role_bad_inputs.py (they go through ansible-playbook).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest

from tests.functional.reliability.support import connection_args, run_in_process


class BadInput(NamedTuple):
    name: str
    provider: str
    args: dict[str, Any]
    option: str  # must be named in the message
    rule: str | None = None  # words of the rule the message must also carry


CATALOGUE = [
    # udts_task_info
    BadInput('udts-limit-zero', 'udts', {'limit': 0}, 'limit', 'from 1 to 100'),
    BadInput('udts-limit-above-page', 'udts', {'limit': 101}, 'limit', 'from 1 to 100'),
    BadInput('udts-offset-negative', 'udts', {'offset': -1}, 'offset', '0 or more'),
    BadInput('udts-task-id-empty', 'udts', {'task_id': ''}, 'task_id', 'must not be empty'),
    BadInput('udts-task-ids-empty-list', 'udts', {'task_ids': []}, 'task_ids', 'at least one'),
    BadInput('udts-task-ids-blank-id', 'udts', {'task_ids': ['udts-demofi01', ' ']}, 'task_ids', 'empty id'),
    BadInput('udts-task-id-and-task-ids', 'udts', {'task_id': 'a', 'task_ids': ['b']}, 'task_id', 'mutually exclusive'),
    BadInput('udts-task-id-with-status', 'udts', {'task_id': 'udts-demofi01', 'status': ['Done']}, 'status', 'cannot be combined'),
    BadInput('udts-unknown-status', 'udts', {'status': ['Finished']}, 'status', 'must be one or more of'),
    BadInput('udts-name-blank', 'udts', {'name': '  '}, 'name', 'must not be empty'),
    BadInput('udts-type-empty', 'udts', {'type': ''}, 'type', 'must be one of: transfer, integration'),
    BadInput('udts-type-migration-mode', 'udts', {'type': 'full'}, 'type', 'must be one of: transfer, integration'),
    BadInput('udts-wait-with-limit', 'udts', {'wait': True, 'limit': 5}, 'limit', 'cannot be combined with wait'),
    BadInput('udts-wait-for-unknown', 'udts', {'wait_for': 'done'}, 'wait_for', 'must be one of'),
    BadInput('udts-private-key-missing', 'udts', {'private_key': None}, 'private_key', 'required'),
    BadInput('udts-public-key-missing', 'udts', {'public_key': None}, 'public_key', 'required'),
    BadInput('udts-private-key-whitespace', 'udts', {'private_key': 'emulator-private-key\n'}, 'private_key', 'whitespace'),
    BadInput('udts-base-url-not-http', 'udts', {'base_url': 'ftp://127.0.0.1/'}, 'base_url', 'http:// or https://'),
    BadInput('udts-timeout-zero', 'udts', {'timeout': 0}, 'timeout', 'greater than 0'),
    BadInput('udts-retries-too-many', 'udts', {'retries': 11}, 'retries', 'between 0 and 10'),
    BadInput('udts-ca-bundle-missing', 'udts', {'ca_bundle': '/nonexistent/ca.pem'}, 'ca_bundle', 'does not exist'),
    BadInput('udts-timeout-huge', 'udts', {'timeout': 1e10}, 'timeout', 'at most 300'),
    BadInput('udts-ca-bundle-without-verification', 'udts', {'validate_certs': False, 'ca_bundle': '/etc/hosts'}, 'ca_bundle',
             'cannot be combined with validate_certs=false'),
    BadInput('udts-base-url-bare-question-mark', 'udts', {'base_url': 'http://127.0.0.1:1/?'}, 'base_url', '? or #'),
    BadInput('udts-project-id-not-ascii', 'udts', {'project_id': 'org-\u043f\u0440\u043e\u0435\u043a\u0442'}, 'project_id',
             'printable ASCII'),
    BadInput('udts-private-key-not-ascii', 'udts', {'private_key': 'key-\u20ac'}, 'private_key', 'printable ASCII'),
    # dds_job_info
    BadInput('dds-limit-above-page', 'dds', {'limit': 101}, 'limit', 'from 1 to 100'),
    BadInput('dds-offset-negative', 'dds', {'offset': -5}, 'offset', '0 or more'),
    BadInput('dds-start-time-unparseable', 'dds', {'start_time': 'last tuesday'}, 'start_time', 'ISO 8601'),
    BadInput('dds-end-before-start', 'dds', {'start_time': '-1d', 'end_time': '-3d'}, 'end_time', 'later than start_time'),
    BadInput('dds-start-in-future', 'dds', {'start_time': '2999-01-01T00:00:00Z'}, 'start_time', None),
    BadInput('dds-time-without-zone', 'dds', {'start_time': '2026-01-01T00:00:00'}, 'start_time', None),
    BadInput('dds-unknown-status', 'dds', {'status': 'Done'}, 'status', 'must be one of'),
    BadInput('dds-job-id-empty', 'dds', {'job_id': ''}, 'job_id', 'must not be empty'),
    BadInput('dds-job-id-with-instance', 'dds', {'job_id': 'x', 'instance_id': 'i'}, 'instance_id', 'cannot be combined with job_id'),
    BadInput('dds-long-range-with-limit', 'dds', {'start_time': '-10d', 'end_time': '2100-01-01T00:00:00Z', 'limit': 10}, 'limit',
             'less than 30 days apart'),
    BadInput('dds-range-before-the-month-kept', 'dds', {'start_time': '-90d', 'end_time': '-40d'}, 'end_time',
             'must be within the last 30 days'),
    BadInput('dds-instance-id-blank', 'dds', {'instance_id': ''}, 'instance_id', 'must not be empty'),
    BadInput('dds-auth-token-and-access-key', 'dds', {'auth_token': 'emulator-token'}, 'access_key', 'cannot be combined with auth_token'),
    BadInput('dds-no-credentials', 'dds', {'access_key': None, 'secret_key': None}, 'access_key', 'auth_token'),
    BadInput('dds-project-missing', 'dds', {'project_id': None}, 'project_id', 'required'),
    BadInput('dds-region-malformed', 'dds', {'endpoint': None, 'region': 'CN North 4'}, 'region', 'region name'),
    BadInput('dds-no-region-no-endpoint', 'dds', {'endpoint': None}, 'region', 'unless endpoint'),
    BadInput('dds-endpoint-with-query', 'dds', {'endpoint': 'http://127.0.0.1:1/?x=1'}, 'endpoint', '? or #'),
    BadInput('dds-endpoint-bare-hash', 'dds', {'endpoint': 'http://127.0.0.1:1#'}, 'endpoint', '? or #'),
    BadInput('dds-project-id-dot-dot', 'dds', {'project_id': '..'}, 'project_id', '32 hex digits'),
    BadInput('dds-auth-token-not-ascii', 'dds', {'access_key': None, 'secret_key': None, 'auth_token': 't\u00f6ken'}, 'auth_token',
             'printable ASCII'),
    # rds_task_info
    BadInput('rds-limit-above-page', 'rds', {'limit': 51}, 'limit', 'from 1 to 50'),
    BadInput('rds-limit-zero', 'rds', {'limit': 0}, 'limit', 'from 1 to 50'),
    BadInput('rds-offset-negative', 'rds', {'offset': -1}, 'offset', '0 or more'),
    BadInput('rds-end-time-unparseable', 'rds', {'end_time': 'soon'}, 'end_time', None),
    BadInput('rds-end-before-start', 'rds', {'start_time': '-2h', 'end_time': '-3h'}, 'end_time', 'later than start_time'),
    BadInput('rds-order-id-blank', 'rds', {'order_id': ''}, 'order_id', 'must not be empty'),
    BadInput('rds-job-ids-with-offset', 'rds', {'job_ids': ['a'], 'offset': 0}, 'offset', 'cannot be combined with job_ids'),
    BadInput('rds-job-ids-empty-list', 'rds', {'job_ids': []}, 'job_ids', 'at least one'),
    BadInput('rds-secret-key-missing', 'rds', {'secret_key': None}, 'secret_key', 'together with access_key'),
    BadInput('rds-security-token-whitespace', 'rds', {'security_token': ' token'}, 'security_token', 'whitespace'),
    BadInput('rds-unknown-status', 'rds', {'status': 'running'}, 'status', 'must be one of'),
    BadInput('rds-wait-with-offset', 'rds', {'wait': True, 'offset': 0}, 'offset', 'cannot be combined with wait'),
    BadInput('rds-project-id-dot', 'rds', {'project_id': '.'}, 'project_id', '32 hex digits'),
    BadInput('rds-project-id-slash', 'rds', {'project_id': 'a/../b'}, 'project_id', '32 hex digits'),
    BadInput('rds-endpoint-bare-question-mark', 'rds', {'endpoint': 'http://127.0.0.1:1?'}, 'endpoint', '? or #'),
    BadInput('rds-timeout-huge', 'rds', {'timeout': 1e10}, 'timeout', 'at most 300'),
]


@pytest.mark.parametrize('case', CATALOGUE, ids=[case.name for case in CATALOGUE])
def test_bad_input_is_rejected_before_any_request(emulator: Any, case: BadInput) -> None:
    args = connection_args(case.provider, emulator.base_url)
    for option, value in case.args.items():
        if value is None:
            args.pop(option, None)
        else:
            args[option] = value
    run = run_in_process(case.provider, args)
    assert run.traceback is None, run.traceback
    message = str(run.result.get('msg', ''))
    assert run.failed, 'accepted: %s' % run.result
    assert case.option in message, message
    assert case.rule is None or case.rule in message, message
    assert emulator.stats()['total_requests'] == 0


def test_catalogue_is_large_and_names_are_unique() -> None:
    assert len(CATALOGUE) >= 40
    assert len({case.name for case in CATALOGUE}) == len(CATALOGUE)
