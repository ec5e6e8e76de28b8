# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Credentials from CLI profiles, through Ansible against the emulator, with the profile files in a temporary HOME.

The emulator accepts only the profiles' keys, and one task of each cloud echoes a secret in its failure reason or
name (a provider may echo anything), so a run proves both that the profile was read and that what it held is masked.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
import yaml

PUBLIC_KEY, PRIVATE_KEY = 'profile-public-key', 'Profile/Private+Key=1'
ACCESS_KEY, SECRET_KEY, SECURITY_TOKEN = 'PROFILEAK00000000001', 'Profile/Secret+Key=2', 'Profile/Token+3'
PROJECT_ID = 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0'
SECRETS = (PRIVATE_KEY, SECRET_KEY, SECURITY_TOKEN)
SCENARIO = {
    'credentials': {'ucloud': {'public_key': PUBLIC_KEY, 'private_key': PRIVATE_KEY},
                    'huawei': {'access_key': ACCESS_KEY, 'secret_key': SECRET_KEY, 'project_id': PROJECT_ID,
                               'security_token': SECURITY_TOKEN}},
    'udts': [{'id': 'udts-profile', 'name': 'profile-copy', 'type': 'full', 'created': -600, 'lifecycle': [
        {'status': 'Dumping', 'duration': 60}, {'status': 'FailedUnrecoverable', 'fail_reason': 'the source refused the key %s' % PRIVATE_KEY}]}],
    'rds': [{'id': 'cafe0000000000000000000000000001', 'name': 'Restart %s' % SECRET_KEY, 'instance_id': 'i1', 'created': -600,
             'status': 'Completed'}],
}
# Every key variable cleared: only the profile can supply them.
NO_KEYS = {name: None for name in ('UCLOUD_PUBLIC_KEY', 'UCLOUD_PRIVATE_KEY', 'UCLOUD_API_BASE_URL', 'HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK',
                                   'HUAWEICLOUD_SDK_PROJECT_ID')}


@pytest.fixture
def profiled(emulator_factory: Any, ansible_runner_for: Any, tmp_path: Any) -> Any:
    scenario = tmp_path / 'scenario.yml'
    scenario.write_text(yaml.safe_dump(SCENARIO), encoding='utf-8')
    emulator = emulator_factory(['--scenario', str(scenario)])
    runner = ansible_runner_for(emulator)
    home = tmp_path / 'home'
    files = {
        '.ucloud/config.json': [{'profile': 'default', 'project_id': 'org-default', 'active': False},
                                {'profile': 'ci', 'region': 'cn-sh2', 'base_url': emulator.base_url, 'active': True}],
        '.ucloud/credential.json': [{'profile': 'default', 'public_key': 'other', 'private_key': 'other-private'},
                                    {'profile': 'ci', 'public_key': PUBLIC_KEY, 'private_key': PRIVATE_KEY}],
        '.hcloud/config.json': {'current': 'default', 'profiles': [
            {'name': 'default', 'mode': 'AKSK', 'accessKeyId': 'OTHERAK0000000000000', 'secretAccessKey': 'other-secret',
             'projectId': PROJECT_ID},
            {'name': 'ci', 'mode': 'AKSK', 'accessKeyId': ACCESS_KEY, 'secretAccessKey': SECRET_KEY, 'securityToken': SECURITY_TOKEN,
             'projectId': PROJECT_ID, 'region': 'cn-north-4'}]},
    }
    for relative, data in files.items():
        path = home / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data), encoding='utf-8')
    env = dict(NO_KEYS, HOME=str(home), HUAWEICLOUD_SDK_ENDPOINT=emulator.base_url + '/{service}')
    return runner, env, str(home)


def _no_secret(output: str) -> None:
    for secret in SECRETS:
        assert secret not in output and json.dumps(secret)[1:-1] not in output


def test_udts_task_info_reads_the_active_ucloud_profile_with_its_base_url(profiled):
    runner, env, dummy = profiled
    code, result, output = runner.adhoc('udts_task_info', 'task_id=udts-profile', extra_env=env)
    assert code == 0, output
    assert result['tasks'][0]['failure_reason'] == 'the source refused the key ********'
    _no_secret(output)


def test_rds_task_info_reads_the_koocli_profile_named_in_the_environment(profiled):
    runner, env, dummy = profiled
    code, result, output = runner.adhoc('rds_task_info', 'job_id=cafe0000000000000000000000000001', extra_env=dict(env, HW_PROFILE='ci'))
    assert code == 0, output
    assert result['tasks'][0]['name'] == 'Restart ********'
    _no_secret(output)
    # The current profile holds other keys: without the name, the emulator refuses them.
    code, result, output = runner.adhoc('rds_task_info', 'job_id=cafe0000000000000000000000000001', extra_env=env)
    assert code != 0 and 'APIGW.0301' in output, output


def test_options_and_environment_win_over_the_profile(profiled):
    runner, env, dummy = profiled
    # The current KooCLI profile holds wrong keys; the environment's keys are used, and its project id fills the gap.
    keys = dict(env, HUAWEICLOUD_SDK_AK=ACCESS_KEY, HUAWEICLOUD_SDK_SK=SECRET_KEY, HUAWEICLOUD_SDK_SECURITY_TOKEN=SECURITY_TOKEN,
                HW_PROFILE='default')
    code, result, output = runner.adhoc('rds_task_info', 'job_id=cafe0000000000000000000000000001', extra_env=keys)
    assert code == 0, output


def test_a_missing_profile_is_a_clear_error_naming_the_file_and_the_profile(profiled):
    runner, env, home = profiled
    code, result, output = runner.adhoc('rds_task_info', 'status=Running', extra_env=dict(env, HW_PROFILE='prod'))
    assert code != 0
    assert result['msg'] == "profile: profile 'prod' is not in %s/.hcloud/config.json (profiles there: ci, default)" % home
    code, result, output = runner.adhoc('udts_task_info', 'profile=ci shared_credentials_file=%s/nowhere.json' % home, extra_env=env)
    assert result['msg'] == "shared_credentials_file: profile 'ci': %s/nowhere.json does not exist" % home


def test_the_gate_reads_profiles_named_in_role_variables_and_masks_what_they_hold(profiled):
    runner, env, home = profiled
    role = {'name': 'Gate', 'ansible.builtin.include_role': {'name': 'dbtasks.cloud.wait_for_tasks'}, 'vars': {
        'wait_for_tasks_tasks': [{'provider': 'rds', 'id': 'cafe0000000000000000000000000001'}, {'provider': 'udts', 'id': 'udts-profile'}],
        'wait_for_tasks_huaweicloud': {'profile': 'ci', 'shared_config_file': os.path.join(home, '.hcloud', 'config.json')},
        'wait_for_tasks_ucloud': {'profile': 'ci'}}}
    code, dummy, output = runner.playbook([{'name': 'Run it', 'block': [role], 'rescue': [{'name': 'Expected', 'ansible.builtin.debug': {
        'msg': '{{ wait_for_tasks_result.outcome }}'}}]}], extra_env=dict(env, ANSIBLE_VERBOSITY='4'))
    assert code == 0, output
    assert "udts udts-profile [profile-copy]: FailedUnrecoverable (failed) - the source refused the key ********" in output
    assert '"msg": "failed"' in output
    _no_secret(output)
    missing = dict(role, vars=dict(role['vars'], wait_for_tasks_huaweicloud={'profile': 'prod'}))
    code, dummy, output = runner.playbook([missing], extra_env=env)
    assert "wait_for_tasks_huaweicloud.profile: profile 'prod' is not in %s/.hcloud/config.json (profiles there: ci, default)" % home in output
