# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every module's EXAMPLES block, copied as is into a playbook, runs against the demo scenario.

The UDTS and RDS examples assert their key outcome themselves (a synced migration, a succeeded restart); the DDS
examples only register their results. This test checks what every example registered against what the demo
scenario holds, so a wrong promise in the docs fails here. The demo runs at 10 times speed so that the waiting
examples end within seconds.
task_wait's examples run on a fresh demo emulator at 3 times speed, so that the first one sees its tasks
running and waits one poll_interval; this test asserts each example's outcome.
"""

from __future__ import annotations

import ast
import json
import os

import pytest
import yaml

from tests.emulator import credentials
from tests.emulator.launcher import MODES

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
EMULATOR_ARGS = ['--scenario', os.path.join(REPO_ROOT, 'tests', 'emulator', 'scenarios', 'demo.yml'), '--speed', '10']


def examples_of(module):
    with open(os.path.join(REPO_ROOT, 'plugins', 'modules', module + '.py'), encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    text = next(node.value.value for node in tree.body
                if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) == 'EXAMPLES')
    return yaml.safe_load(text)


# On the older ansible-core versions too: module arguments through real Ansible and a module_defaults group of each
# cloud (the DDS examples set the huaweicloud group for dds_job_info and rds_task_info).
@pytest.mark.parametrize('module', [pytest.param('udts_task_info', marks=pytest.mark.core_smoke),
                                    pytest.param('dds_job_info', marks=pytest.mark.core_smoke), 'rds_task_info'])
def test_examples_run_as_documented(ansible_runner, module):
    tasks = examples_of(module)
    assert len(tasks) >= 5
    rc, results, output = ansible_runner.playbook(tasks, extra_env={
        'HW_ACCESS_KEY': credentials.HUAWEI_ACCESS_KEY, 'HW_SECRET_KEY': credentials.HUAWEI_SECRET_KEY})
    assert rc == 0, output
    assert 'failed=0' in output and 'Traceback' not in output
    REGISTERED_CHECKS[module](results)


DEMO_FAILED_DDS_JOB = '5d1e0f2a-demo-4fa1-9c1e-failed000001'


def _ids(result, key='tasks'):
    return [item['id'] for item in result[key]]


def _check_udts(results):
    assert {'udts-demofail1', 'udts-demofi01', 'udts-demoin01'} <= set(_ids(results['udts'])), results['udts']
    assert _ids(results['one']) == ['udts-demofail1']
    assert results['migration']['wait_outcome'] == 'synced' and _ids(results['migration']) == ['udts-demofi01']


def _check_dds(results):
    failed = results['failed']['jobs']
    assert [(job['id'], job['state']) for job in failed] == [(DEMO_FAILED_DDS_JOB, 'failed')], failed
    assert failed[0]['failure_reason'].startswith('The port 8635 is already in use')
    waited = results['jobs']
    assert sorted((job['id'], job['state']) for job in waited['jobs']) == [
        ('2f406db7-bdc4-402f-9dc4-2c1b094a5f93', 'succeeded'), (DEMO_FAILED_DDS_JOB, 'failed')], waited
    # wait_fail_fast: false waited for both; the verdict is the failure
    assert waited['wait_outcome'] == 'failed'


def _check_rds(results):
    assert all(task['instance_id'] == '4d00c7e9d22145deb889937a72b59c8ein01' for task in results['running']['tasks'])
    assert '676e9f17f9b74289883a44a47b8101f5' in _ids(results['last_week'])
    assert results['restart']['wait_outcome'] == 'succeeded' and _ids(results['restart']) == ['676e9f17f9b74289883a44a47b8101f5']


REGISTERED_CHECKS = {'udts_task_info': _check_udts, 'dds_job_info': _check_dds, 'rds_task_info': _check_rds}


# What a playbook around task_wait's EXAMPLES defines (the examples use them as a user's inventory would).
TASK_WAIT_EXAMPLE_VARS = {
    'iam_token': credentials.HUAWEI_TOKEN,
    'huawei_project_id': credentials.HUAWEI_PROJECT_ID,
    'ucloud_public_key': credentials.UCLOUD_PUBLIC_KEY,
    'ucloud_private_key': credentials.UCLOUD_PRIVATE_KEY,
    # Two demo tasks that fail and one that succeeds: the "decide later" example sees a failure.
    'cutover_tasks': [
        {'provider': 'udts', 'id': 'udts-demofail1', 'name': 'legacy copy'},
        {'provider': 'dds', 'id': '5d1e0f2a-demo-4fa1-9c1e-failed000001'},
        {'provider': 'rds', 'id': '8a1b2c3d4e5f4a6b9c8d7e6f5a4b3c2d'},
    ],
}


@pytest.mark.core_smoke
@pytest.mark.emulator_modes(*MODES)
def test_task_wait_examples_run_as_documented(emulator_factory, ansible_runner_for):
    """task_wait's EXAMPLES, unchanged, on a fresh demo emulator at 3 times speed, so the first example really waits.

    The environment has no access key: the IAM token example sets ``auth_token``, which cannot be combined with one.
    The first example's tasks use the token from the environment (``HUAWEICLOUD_SDK_AUTH_TOKEN``), the second the
    one in ``module_defaults``, the third the UCloud keys in its ``ucloud`` option.
    """
    tasks = examples_of('task_wait')
    assert [task.get('register') for task in tasks if 'dbtasks.cloud.task_wait' in task] == \
        ['maintenance', 'instance_tasks', 'incremental', 'cutover']
    emulator = emulator_factory(['--scenario', os.path.join(REPO_ROOT, 'tests', 'emulator', 'scenarios', 'demo.yml'), '--speed', '3'])
    runner = ansible_runner_for(emulator)
    rc, results, output = runner.playbook(
        tasks, play_options={'vars': TASK_WAIT_EXAMPLE_VARS},
        extra_env={'HUAWEICLOUD_SDK_AK': None, 'HUAWEICLOUD_SDK_SK': None, 'HUAWEICLOUD_SDK_AUTH_TOKEN': credentials.HUAWEI_TOKEN})
    assert rc == 0, output
    assert 'failed=0' in output and 'Traceback' not in output

    maintenance = results['maintenance']
    assert maintenance['outcome'] == 'succeeded', maintenance['msg']
    assert [(task['provider'], task['name'], task['state']) for task in maintenance['tasks']] == [
        ('udts', 'archive copy', 'succeeded'), ('dds', 'RestartReplicaSetInstance', 'succeeded'),
        ('rds', 'RestartInstance', 'succeeded')]

    # Whether the instance still runs a task when this example starts depends on the machine's speed: either the
    # tasks found are awaited until they succeed, or nothing is running and allow_empty lets the example pass.
    instance_tasks = results['instance_tasks']
    assert instance_tasks['outcome'] == 'succeeded', instance_tasks['msg']
    assert all(task['provider'] == 'rds' and task['state'] == 'succeeded' for task in instance_tasks['tasks'])

    incremental = results['incremental']
    assert incremental['outcome'] == 'synced', incremental['msg']
    assert [(task['id'], task['state']) for task in incremental['tasks']] == [('udts-demoin01', 'synced')]

    cutover = results['cutover']
    assert cutover['outcome'] == 'failed' and not cutover.get('failed'), cutover
    by_id = {task['id']: task for task in cutover['tasks']}
    assert list(by_id) == [task['id'] for task in TASK_WAIT_EXAMPLE_VARS['cutover_tasks']]
    assert by_id['5d1e0f2a-demo-4fa1-9c1e-failed000001']['state'] == 'failed'
    assert 'port 8635 is already in use' in cutover['msg']
    with open(os.path.join(runner.workdir, 'reports', 'database-tasks.json'), encoding='utf-8') as handle:
        assert json.load(handle)['tasks'] == cutover['tasks']
    assert os.path.exists(os.path.join(runner.workdir, 'reports', 'database-tasks.xml'))
    # The last example prints each task's ending, with the failure reason.
    assert 'dds 5d1e0f2a-demo-4fa1-9c1e-failed000001: failed The port 8635 is already in use' in output
