# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bad input (no request sent), failing APIs (fault injection) and every authentication form, through Ansible."""

from __future__ import annotations

import os

import pytest

from tests.emulator.launcher import MODES

EMULATOR_ARGS = ['--scenario', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'scenarios', 'catalog.yml')]
RDS, DDS, UDTS = 'dbtasks.cloud.rds_task_info', 'dbtasks.cloud.dds_job_info', 'dbtasks.cloud.udts_task_info'


def test_bad_input_fails_naming_option_and_rule_without_any_request(ansible_runner):
    cases = [
        ('limit_too_big', RDS, {'limit': 51}, 'limit: must be from 1 to 50'),
        ('negative_offset', DDS, {'offset': -1}, 'offset: must be 0 or more'),
        ('end_before_start', DDS, {'start_time': '-2d', 'end_time': '-3d'}, 'end_time: must be later than start_time'),
        ('no_zone', RDS, {'start_time': '2026-01-01T00:00:00'}, 'start_time: must state its time zone'),
        ('unknown_status', UDTS, {'status': ['Finished']}, 'status'),
        ('empty_id', RDS, {'job_id': ''}, 'job_id: must not be empty'),
        ('paging_long_range', DDS, {'start_time': '-10d', 'end_time': '2100-01-01T00:00:00Z', 'limit': 10},
         'limit: needs start_time and end_time less than 30 days apart'),
        ('dds_range_too_old', DDS, {'start_time': '-60d', 'end_time': '-40d'}, 'end_time: must be within the last 30 days'),
        ('udts_type', UDTS, {'type': 'incremental'}, 'type must be one of: transfer, integration'),
        ('paging_and_wait', UDTS, {'limit': 10, 'wait': True}, 'limit: cannot be combined with wait'),
        ('wait_sleep', RDS, {'job_id': 'rds-cat-1h', 'wait': True, 'wait_sleep': 0}, 'wait_sleep: must be from 1 to 3600 seconds'),
    ]
    tasks = [{'name': name, module: args, 'register': name, 'ignore_errors': True} for name, module, args, dummy in cases]
    rc, results, output = ansible_runner.playbook(tasks)
    assert rc == 0, output
    for name, dummy, dummy_args, message in cases:
        assert results[name]['failed'] is True, name
        assert message in results[name]['msg'], (name, results[name]['msg'])
    assert "Traceback" not in output
    assert ansible_runner.emulator.stats()['total_requests'] == 0


@pytest.mark.emulator_modes(*MODES)
def test_a_failing_api_reports_code_message_status_and_request_id(ansible_runner):
    ansible_runner.emulator.add_faults({'route': 'rds.ListTasks', 'kind': 'http_500'})
    rc, result, output = ansible_runner.adhoc('rds_task_info', 'retries=1')
    assert rc != 0
    assert (result['error_code'], result['http_status'], result['operation'], result['attempts']) == ('DBS.280500', 500, 'ListTasks', 2)
    assert len(result['request_id']) >= 16 and result['request_id'] in result['msg']
    assert result['msg'].startswith('RDS ListTasks failed: Internal server error. (code DBS.280500, HTTP 500, request id ')
    assert 'Traceback' not in output and 'MODULE FAILURE' not in output
    assert ansible_runner.emulator.stats()['requests'] == {'rds.ListTasks': 2}


@pytest.mark.emulator_modes(*MODES)
def test_a_parameter_error_in_any_body_shape_reports_its_code_and_message(ansible_runner, emulator_mode):
    # The strict emulator answers RDS parameter errors as {"errCode", "externalMessage"}, the default one as
    # {"error_code", "error_msg"}: the failure reads the same either way.
    ansible_runner.emulator.add_faults({'route': 'rds.ListTasks', 'kind': 'http_400'})
    rc, result, output = ansible_runner.adhoc('rds_task_info')
    assert rc != 0
    assert (result['error_code'], result['http_status'], result['attempts']) == ('DBS.280001', 400, 1)
    assert result['msg'].startswith('RDS ListTasks failed: Invalid parameter: the request was refused by the injected fault. '
                                    '(code DBS.280001, HTTP 400, request id ')
    assert len(result['request_id']) >= 16 and result['request_id'] in result['msg']
    assert 'no error message' not in result['msg']


@pytest.mark.emulator_modes(*MODES)
def test_transient_faults_are_retried_transparently(ansible_runner):
    ansible_runner.emulator.add_faults([{'route': 'dds.ListJobs', 'kind': 'http_503', 'count': 1},
                                        {'route': 'udts.ListUDTSTask', 'kind': 'retcode_153', 'count': 1}])
    rc, results, output = ansible_runner.playbook([
        {'name': 'DDS after one 503', DDS: {}, 'register': 'dds'},
        {'name': 'UDTS after one throttling answer', UDTS: {}, 'register': 'udts'},
    ])
    assert rc == 0, output
    assert len(results['dds']['jobs']) == 4 and len(results['udts']['tasks']) == 4


@pytest.mark.emulator_modes(*MODES)
def test_token_temporary_credentials_and_wrong_keys(ansible_runner):
    token_environment = {'HUAWEICLOUD_SDK_AK': '', 'HUAWEICLOUD_SDK_SK': '', 'HUAWEICLOUD_SDK_AUTH_TOKEN': 'emulator-token'}
    rc, results, output = ansible_runner.playbook([
        {'name': 'IAM token from the environment', RDS: {'name': 'RestartInstance'}, 'environment': token_environment,
         'register': 'token'},
        {'name': 'Temporary AK/SK with a security token', DDS: {'security_token': 'emulator-security-token'}, 'register': 'sts'},
        {'name': 'A wrong security token', DDS: {'security_token': 'stale-token-value'}, 'register': 'sts_bad', 'ignore_errors': True},
        {'name': 'A wrong UCloud private key', UDTS: {'private_key': 'not-the-private-key'}, 'register': 'ucloud_bad',
         'ignore_errors': True},
    ])
    assert rc == 0, output
    assert sorted(item['id'] for item in results['token']['tasks']) == ['rds-cat-10d', 'rds-cat-1h']
    assert len(results['sts']['jobs']) == 4
    assert results['sts_bad']['failed'] is True and results['sts_bad']['http_status'] == 401
    assert 'security_token' in results['sts_bad']['msg']
    bad = results['ucloud_bad']
    assert (bad['failed'], bad['error_code']) == (True, 171)
    assert 'check that private_key belongs to public_key' in bad['msg']
    for secret in ('stale-token-value', 'not-the-private-key', 'emulator-secret-key'):
        assert secret not in output and secret not in str(results)
