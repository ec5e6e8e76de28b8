# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Waits that end succeeded, failed, synced and by timeout, against scenarios/waits.yml at 10 times speed.

The tasks end about 10 (RDS), 20 (DDS) and 14 (UDTS synced) wall seconds after the emulator starts, so the RDS
and DDS waits poll more than once; the emulator is started by the test itself to keep that
timing. Both emulator modes.
"""

from __future__ import annotations

import os

from tests.emulator.launcher import MODES

WAITS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'scenarios', 'waits.yml')
EMULATOR_MODES = MODES


def test_waits_end_succeeded_failed_synced_and_by_timeout(emulator_factory, ansible_runner_for):
    runner = ansible_runner_for(emulator_factory(['--scenario', WAITS]))
    rc, results, output = runner.playbook([
        {'name': 'RDS task until it succeeds', 'dbtasks.cloud.rds_task_info': {'job_id': 'rds-wait-ok', 'wait': True, 'wait_sleep': 1},
         'register': 'succeeded'},
        {'name': 'Running DDS jobs of an instance until one fails', 'dbtasks.cloud.dds_job_info': {
            'status': 'Running', 'instance_id': 'dds-wait-inst', 'wait': True, 'wait_sleep': 1}, 'register': 'failed'},
        {'name': 'UDTS migration until it is in sync', 'dbtasks.cloud.udts_task_info': {
            'task_ids': ['udts-wait-sync'], 'wait': True, 'wait_for': 'synced', 'wait_sleep': 1}, 'register': 'synced'},
        {'name': 'UDTS migration that does not finish in time', 'dbtasks.cloud.udts_task_info': {
            'task_id': 'udts-wait-stuck', 'wait': True, 'wait_timeout': 2, 'wait_sleep': 1}, 'register': 'timeout', 'ignore_errors': True},
    ])
    assert rc == 0, output
    succeeded = results['succeeded']
    assert succeeded['wait_outcome'] == 'succeeded' and succeeded['elapsed'] > 0
    assert succeeded['tasks'][0]['state'] == 'succeeded' and succeeded['tasks'][0]['terminal'] is True

    failed = results['failed']
    assert failed['wait_outcome'] == 'failed'
    assert [(job['id'], job['state'], job['failure_reason']) for job in failed['jobs']] == [
        ('dds-wait-fail', 'failed', 'The port 8635 is already in use.')]

    synced = results['synced']
    assert synced['wait_outcome'] == 'synced' and synced['tasks'][0]['state'] == 'synced'
    assert synced['tasks'][0]['sync']['binlog_name'] == 'mysql-bin.000006'

    timeout = results['timeout']
    assert timeout['failed'] is True and timeout['wait_outcome'] == 'timeout' and timeout['elapsed'] >= 2
    assert timeout['msg'].startswith('Timed out after ')
    assert 'udts-wait-stuck "huge-copy" (status Dumping, state running, ' in timeout['msg']
    assert timeout['tasks'][0]['id'] == 'udts-wait-stuck'

    requests = runner.emulator.stats()['requests']
    # one followed Huawei task costs one single-job request per poll: the DDS listing only chose the job (its page
    # and, without a total, the page after it)
    assert 'rds.ListTasks' not in requests and requests['rds.ShowJob'] >= 2
    assert requests['dds.ListJobs'] == 2 and requests['dds.ShowJob'] >= 1
    # UDTS: a listing per poll, and the status detail once per selected task for the report (none for the timeout)
    assert requests['udts.GetUDTSTaskStatus'] == 1 and requests['udts.ListUDTSTask'] >= 3
