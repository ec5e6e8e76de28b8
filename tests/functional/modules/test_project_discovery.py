# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Without project_id, AK/SK and a region find the project through IAM (``GET /v3/projects?name=<region>``, the
emulator's ``iam.KeystoneListProjects``), once per module run or wait; none or several projects of that name fail
before any DDS or RDS request (docs/authentication.md). The lookup followed by service requests runs in both emulator modes."""

from __future__ import annotations

import os

import pytest
import yaml

from tests.emulator import credentials
from tests.emulator.launcher import MODES

TESTS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EMULATOR_ARGS = ['--scenario', os.path.join(TESTS, 'emulator', 'scenarios', 'demo.yml'), '--speed', '5']
PROJECT = credentials.HUAWEI_PROJECT_ID
RDS_JOB = '676e9f17f9b74289883a44a47b8101f5'
DDS_JOB = '2f406db7-bdc4-402f-9dc4-2c1b094a5f93'


def discovering(emulator, region='cn-north-4'):
    """The environment of a run that knows the region and IAM's address but not the project."""
    return {'HUAWEICLOUD_SDK_PROJECT_ID': None, 'HW_REGION_NAME': region, 'HUAWEICLOUD_SDK_IAM_ENDPOINT': emulator.base_url}


# Both emulator modes only where service requests follow the lookup: no reading the strict mode plays concerns IAM,
# and the other tests send IAM requests only, or none.
@pytest.mark.emulator_modes(*MODES)
def test_the_modules_and_task_wait_look_the_project_up_once_per_run_or_wait(ansible_runner):
    emulator = ansible_runner.emulator
    rc, results, output = ansible_runner.playbook([
        {'name': 'RDS tasks', 'dbtasks.cloud.rds_task_info': {}, 'register': 'rds'},
        {'name': 'A DDS job, waited for', 'dbtasks.cloud.dds_job_info': {'job_ids': [DDS_JOB], 'wait': True, 'wait_sleep': 1},
         'register': 'dds'},
        {'name': 'Both services in one wait', 'dbtasks.cloud.task_wait': {
            'tasks': [{'provider': 'rds', 'id': RDS_JOB}, {'provider': 'dds', 'id': DDS_JOB}], 'poll_interval': 1},
         'register': 'waited'},
    ], extra_env=discovering(emulator))
    assert rc == 0, output
    assert RDS_JOB in [task['id'] for task in results['rds']['tasks']]
    assert results['dds']['wait_outcome'] == 'succeeded' and results['waited']['outcome'] == 'succeeded'
    # iam_endpoint as an option, without the environment variable
    rc, result, output = ansible_runner.adhoc('rds_task_info', 'iam_endpoint=%s job_id=%s' % (emulator.base_url, RDS_JOB),
                                              extra_env=dict(discovering(emulator), HUAWEICLOUD_SDK_IAM_ENDPOINT=None))
    assert rc == 0 and result['tasks'][0]['id'] == RDS_JOB, output
    stats = emulator.stats()
    # one lookup per module run (three) and one for the whole task_wait, however many polls and services
    assert stats['requests']['iam.KeystoneListProjects'] == 4 and stats['auth_failures'] == 0


@pytest.mark.parametrize('projects, words', [
    ([{'id': 'p-other', 'name': 'ap-southeast-1'}, {'id': 'p-sub', 'name': 'cn-north-4_sub'}],
     "IAM (http://127.0.0.1:PORT) knows no project named 'cn-north-4': check region, or set project_id"),
    ([{'id': 'p-first', 'name': 'cn-north-4'}, {'id': 'p-second', 'name': 'cn-north-4'}],
     "IAM (http://127.0.0.1:PORT) has 2 projects named 'cn-north-4' (p-first, p-second): set project_id to one of them"),
])
def test_no_project_or_several_fail_before_any_service_request(tmp_path, emulator_factory, ansible_runner_for, projects, words):
    scenario = tmp_path / 'projects.yml'
    scenario.write_text(yaml.safe_dump({'projects': projects}))
    runner = ansible_runner_for(emulator_factory(['--scenario', str(scenario)]))
    words = words.replace('http://127.0.0.1:PORT', runner.emulator.base_url)
    rc, results, output = runner.playbook([
        {'name': 'RDS tasks', 'dbtasks.cloud.rds_task_info': {}, 'register': 'module', 'ignore_errors': True},
        {'name': 'task_wait', 'dbtasks.cloud.task_wait': {'tasks': [{'provider': 'dds', 'id': DDS_JOB}]}, 'register': 'waited',
         'ignore_errors': True},
    ], extra_env=discovering(runner.emulator))
    assert rc == 0, output
    module, waited = results['module'], results['waited']
    assert module['failed'] is True and module['msg'] == 'project_id: is not set and ' + words and module['option'] == 'project_id'
    assert waited['failed'] is True and words in waited['msg'] and waited['outcome'] == 'error'
    assert runner.emulator.stats()['requests'] == {'iam.KeystoneListProjects': 2}


def test_a_region_iam_does_not_know_is_named(ansible_runner):
    rc, result, output = ansible_runner.adhoc('dds_job_info', extra_env=discovering(ansible_runner.emulator, region='eu-west-101'))
    assert rc != 0 and "knows no project named 'eu-west-101'" in result['msg']
    assert ansible_runner.emulator.stats()['requests'] == {'iam.KeystoneListProjects': 1}


def test_a_token_still_needs_the_project_id(ansible_runner):
    environment = dict(discovering(ansible_runner.emulator), HUAWEICLOUD_SDK_AK=None, HUAWEICLOUD_SDK_SK=None,
                       HUAWEICLOUD_SDK_AUTH_TOKEN=credentials.HUAWEI_TOKEN)
    rc, result, output = ansible_runner.adhoc('rds_task_info', extra_env=environment)
    assert rc != 0 and result['msg'].startswith('project_id: is required with auth_token')
    assert ansible_runner.emulator.stats()['total_requests'] == 0
