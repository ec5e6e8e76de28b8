# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``ansible-playbook dbtasks.cloud.gate`` (the wait_for_tasks role) against the emulator: exit codes, progress, timing, requests.

Each test starts its own emulator (scenarios/gate.yml), so scenario time 0 is just before the run.
"""

from __future__ import annotations

import re

import pytest

from tests.emulator.launcher import MODES

SPEED = 4.0  # scenario seconds per wall second
OK_TASKS = [{'provider': 'udts', 'id': 'udts-ok'}, {'provider': 'dds', 'id': 'dds-ok', 'name': 'restart replica set'},
            {'provider': 'rds', 'id': 'rds-ok'}]
FAST = {'wait_for_tasks_poll_interval': 1, 'wait_for_tasks_progress_interval': 1}


@pytest.mark.emulator_modes(*MODES)
def test_success_exits_0_and_progress_lines_stream_at_default_verbosity(gate_for):
    gate = gate_for(SPEED)
    run = gate.run(dict(FAST, wait_for_tasks_tasks=OK_TASKS))
    assert run.returncode == 0, run.output
    progress = run.progress()
    blocks = [line for dummy, line in progress if 'tasks done, waiting for' in line]
    assert blocks and 'task_wait' in blocks[0] and '0 of 3 tasks done, waiting for 3:' in blocks[0]
    assert any('udts udts-ok [full-copy]: Dumping (running), ' in line for dummy, line in progress)
    assert any('done dds dds-ok [restart replica set]: Completed (succeeded)' in line for dummy, line in progress)
    # Lines arrive while the wait goes on, not all at once when the task ends.
    assert progress[-1][0] - progress[0][0] >= 1.5
    assert 'succeeded after ' in run.output and '  succeeded  rds rds-ok [RestartInstance] after ' in run.output
    assert 'Fail unless every task succeeded' in run.output and 'skipping: [localhost]' in run.output


@pytest.mark.emulator_modes(*MODES)
def test_a_failure_exits_non_zero_naming_the_task_and_its_reason_as_soon_as_it_happens(gate_for):
    gate = gate_for(SPEED)
    tasks = [{'provider': 'udts', 'id': 'udts-ok'}, {'provider': 'dds', 'id': 'dds-bad'}, {'provider': 'rds', 'id': 'rds-long'}]
    run = gate.run(dict(FAST, wait_for_tasks_tasks=tasks))
    ended_at = gate.scenario_time()
    assert run.returncode == 2, run.output
    assert ('1 of 3 tasks failed or stopped after ' in run.output
            and 'dds dds-bad [ModifyInstancePort]: Failed - The port 8635 is already in use by another instance in the VPC.' in run.output)
    # The wait saw dds-bad running, then failing at scenario second 40 while rds-long runs until 900: the run ends
    # within one poll interval (1 s = 4 scenario s) plus the time ansible takes to finish the play.
    assert any('dds dds-bad [ModifyInstancePort]: Running, ' in line for dummy, line in run.progress()), run.output
    assert 40 <= ended_at <= 40 + SPEED * (1 + 4), run.output
    assert '  running    rds rds-long [UpgradeMajorVersion]: Running, ' in run.output


def test_timeout_exits_non_zero_listing_every_unfinished_task_with_its_last_status(gate_for):
    gate = gate_for(SPEED)
    tasks = [{'provider': 'rds', 'id': 'rds-long'}, {'provider': 'udts', 'id': 'udts-inc'}, {'provider': 'rds', 'id': 'rds-done'}]
    run = gate.run(dict(FAST, wait_for_tasks_tasks=tasks, wait_for_tasks_timeout=5))
    assert run.returncode == 2, run.output
    assert re.search(r'Timed out after 5(\.[0-9])?s waiting for 2 of 3 tasks: ', run.output), run.output
    assert 'udts udts-inc [incremental-sync]: Syncing (running)' in run.output
    assert 'rds rds-long [UpgradeMajorVersion]: Running, ' in run.output
    assert 'timeout after 5s' in run.output


@pytest.mark.emulator_modes(*MODES)
def test_one_listing_per_provider_per_poll_and_target_synced_passes_with_synced_migrations(gate_for):
    gate = gate_for(SPEED)
    tasks = [{'provider': provider, 'id': task_id} for provider, task_id in (
        ('udts', 'udts-ok'), ('udts', 'udts-inc'), ('dds', 'dds-ok'), ('dds', 'dds-ok2'), ('rds', 'rds-ok'), ('rds', 'rds-ok2'))]
    # DDS lists a time window ending when the wait starts, to the second: a job created in that same second is
    # outside it and read with ShowJob instead. Start at least a second after the tasks were created.
    gate.wait_for_scenario_time(SPEED * 1.2)
    gate.emulator.reset()
    run = gate.run(dict(FAST, wait_for_tasks_tasks=tasks, wait_for_tasks_target='synced'))
    assert run.returncode == 0, run.output
    polls = run.polls()
    stats = gate.emulator.stats()
    # Two tasks per provider: at most one list request per provider per poll, none once a provider's tasks are all
    # done (the DDS and RDS tasks end first here), and no per-task request (the task ids are never read one by one).
    # DDS and UDTS send no total here, yet their listings end once they have shown the tasks followed.
    requests = stats['requests']
    assert set(requests) == {'udts.ListUDTSTask', 'dds.ListJobs', 'rds.ListTasks'}, requests
    assert max(requests.values()) == polls and min(requests.values()) >= 1
    assert polls >= 3
    assert 'synced after ' in run.output and '  synced     udts udts-inc [incremental-sync] after ' in run.output
    # Connections are kept for the whole wait: one per provider (DDS and RDS share the Huawei Cloud session but are read
    # at the same time, and are different hosts on the real cloud anyway), plus the connection of this stats request.
    assert stats['connections'] <= 4


@pytest.mark.emulator_modes(*MODES)
def test_without_project_id_the_role_finds_it_through_iam_once_per_wait(gate_for):
    gate = gate_for(SPEED)
    gate.emulator.reset()
    tasks = [{'provider': 'dds', 'id': 'dds-ok'}, {'provider': 'rds', 'id': 'rds-ok'}]
    variables = dict(FAST, wait_for_tasks_tasks=tasks, wait_for_tasks_huaweicloud={'region': 'cn-north-4', 'iam_endpoint': gate.emulator.base_url})
    run = gate.run(variables, env={'HUAWEICLOUD_SDK_PROJECT_ID': None})
    assert run.returncode == 0, run.output
    requests = gate.emulator.stats()['requests']
    assert requests['iam.KeystoneListProjects'] == 1 and run.polls() >= 2, (requests, run.output)


def test_selectors_and_credentials_given_as_role_variables_never_show_even_at_vvvv(gate_for):
    gate = gate_for(SPEED)
    secrets = {'private_key': 'emulator-private-key', 'secret_key': 'emulator-secret-key'}
    variables = dict(FAST, wait_for_tasks_selectors=[{'provider': 'rds', 'instance_id': 'rds-instance-2', 'status': ['Running']}],
                     wait_for_tasks_tasks=[{'provider': 'udts', 'id': 'udts-bad'}],
                     wait_for_tasks_ucloud={'public_key': 'emulator-public-key', 'private_key': secrets['private_key'],
                                            'base_url': gate.emulator.base_url},
                     wait_for_tasks_huaweicloud={'access_key': 'EMULATORAK0000000000', 'secret_key': secrets['secret_key'],
                                                 'project_id': '0123456789abcdef0123456789abcdef', 'endpoint': gate.emulator.base_url})
    run = gate.run(variables, args=('-vvvv',), env={name: None for name in ('UCLOUD_PRIVATE_KEY', 'HUAWEICLOUD_SDK_SK')})
    assert run.returncode == 2, run.output
    assert "udts udts-bad [broken-copy]: FailedUnrecoverable (failed) - Access denied for user 'udts'@'10.0.0.5'" in run.output
    assert '  running    rds rds-long [UpgradeMajorVersion]' in run.output  # selected by the selector
    for secret in secrets.values():
        assert secret not in run.output


def test_bad_input_fails_before_any_request_naming_the_option(gate_for):
    gate = gate_for(SPEED)
    gate.emulator.reset()
    run = gate.run({'wait_for_tasks_tasks': [{'provider': 'rds', 'id': 'rds-ok'}], 'wait_for_tasks_poll_interval': 0})
    assert run.returncode == 2
    # named as the role variable the user wrote
    assert 'wait_for_tasks_poll_interval: must be from 1 to 3600 seconds, got 0' in run.output
    run = gate.run({'wait_for_tasks_tasks': [{'provider': 'ecs', 'id': 'x'}]})
    assert run.returncode == 2 and 'provider' in run.output and 'ecs' in run.output
    assert gate.emulator.stats()['total_requests'] == 0
