# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The info modules' wait on jobs started just before it: an id the API does not know yet is pending for
wait_not_found_grace, then fails saying how long it was looked for; a plain read fails at once as before.
Against tests/emulator/scenarios/late.yml (the late tasks appear at 10 wall seconds), both emulator modes
(strict: DDS/RDS answer an unknown job with HTTP 400, docs/api-reference.md)."""

from __future__ import annotations

import os

from tests.emulator.launcher import MODES

LATE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'emulator', 'scenarios', 'late.yml')
EMULATOR_MODES = MODES


def test_a_wait_follows_a_job_once_it_appears_and_fails_on_one_that_never_does(emulator_factory, ansible_runner_for):
    runner = ansible_runner_for(emulator_factory(['--scenario', LATE]))
    rc, results, output = runner.playbook([
        {'name': 'A plain read of an id the API does not know fails at once', 'dbtasks.cloud.rds_task_info': {'job_id': 'rds-late'},
         'register': 'plain', 'ignore_errors': True},
        {'name': 'The emulator clock just before the wait', 'ansible.builtin.uri': {
            'url': "{{ lookup('env', 'UCLOUD_API_BASE_URL') }}/_emulator/health"}, 'register': 'before'},
        {'name': 'A wait for a job that appears after it started', 'dbtasks.cloud.rds_task_info': {
            'job_id': 'rds-late', 'wait': True, 'wait_sleep': 1}, 'register': 'late'},
        {'name': 'A wait that times out within the grace', 'dbtasks.cloud.dds_job_info': {
            'job_ids': ['dds-never'], 'wait': True, 'wait_timeout': 1, 'wait_sleep': 1}, 'register': 'timeout', 'ignore_errors': True},
        {'name': 'A wait whose grace passes', 'dbtasks.cloud.udts_task_info': {
            'task_id': 'udts-never', 'wait': True, 'wait_sleep': 1, 'wait_not_found_grace': 2}, 'register': 'never', 'ignore_errors': True},
    ])
    assert rc == 0, output
    plain = results['plain']  # as before the grace existed: no wait, no grace
    assert plain['failed'] is True and "job_id 'rds-late' cannot be read: The job rds-late does not exist." in plain['msg']

    timeout = results['timeout']
    assert timeout['failed'] is True and timeout['wait_outcome'] == 'timeout', timeout
    assert 'dds-never (not visible yet, looked for ' in timeout['msg']
    job = timeout['jobs'][0]
    assert (job['id'], job['state'], job['terminal'], job['status']) == ('dds-never', 'pending', False, None) and job['not_found_for'] >= 0

    never = results['never']
    assert never['failed'] is True and never['error_code'] == 1404, never
    assert "task_id 'udts-never' was not found in " in never['msg'] and 'of looking (wait_not_found_grace is 2.0s)' in never['msg']

    # the wait started at least a wall second before the job appeared (scenario second 40 at speed 4) and ended once it
    # had run its 16 scenario seconds
    assert float(results['before']['json']['scenario_time']) < 36, results['before']
    late = results['late']
    assert late['wait_outcome'] == 'succeeded' and late['tasks'][0]['state'] == 'succeeded', late
    assert late['elapsed'] >= 4 + 1
