# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters, every time form, DDS window splitting, paging and check mode, through Ansible against scenarios/catalog.yml,
in both emulator modes (strict: DDS spans must be under 30 days, RDS end_time needs start_time, UDTS pages of 20)."""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta, timezone

from tests.emulator.launcher import MODES

EMULATOR_ARGS = ['--scenario', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'scenarios', 'catalog.yml')]
EMULATOR_MODES = MODES


def ids(result, key='tasks'):
    return [item['id'] for item in result[key]]


def iso(moment, offset_hours=0):
    zone = timezone(timedelta(hours=offset_hours))
    text = moment.astimezone(zone).strftime('%Y-%m-%dT%H:%M:%S%z')
    return text[:-2] + ':' + text[-2:] if offset_hours else text[:-5] + 'Z'


def test_filters_time_forms_paging_and_check_mode(ansible_runner):
    now = datetime.now(timezone.utc)
    rds, dds, udts = 'dbtasks.cloud.rds_task_info', 'dbtasks.cloud.dds_job_info', 'dbtasks.cloud.udts_task_info'
    rc, results, output = ansible_runner.playbook([
        {'name': 'RDS by status, instance and order', rds: {'status': 'Completed', 'instance_id': 'rds-inst-x', 'order_id': 'ORD-1'},
         'register': 'rds_filtered'},
        {'name': 'RDS by name', rds: {'name': 'RestartInstance'}, 'register': 'rds_named'},
        {'name': 'RDS relative start', rds: {'start_time': '-2h'}, 'register': 'rds_relative'},
        {'name': 'RDS ISO Z start and ISO offset end', rds: {'start_time': iso(now - timedelta(seconds=5400)),
                                                             'end_time': iso(now - timedelta(seconds=1800), 8)}, 'register': 'rds_iso'},
        {'name': 'RDS epoch seconds start', rds: {'start_time': int(time.time()) - 4 * 86400}, 'register': 'rds_epoch'},
        {'name': 'RDS epoch milliseconds start, now end', rds: {'start_time': (int(time.time()) - 11 * 86400) * 1000, 'end_time': 'now'},
         'register': 'rds_epoch_ms'},
        {'name': 'RDS end alone', rds: {'end_time': '-2d'}, 'register': 'rds_end_only'},
        {'name': 'RDS one page', rds: {'offset': 1, 'limit': 2}, 'register': 'rds_page'},
        {'name': 'RDS in check mode', rds: {}, 'check_mode': True, 'register': 'rds_check'},
        {'name': 'DDS default 30 days', dds: {}, 'register': 'dds_default'},
        {'name': 'DDS completed jobs of one instance', dds: {'status': 'Completed', 'instance_id': 'dds-inst-a'}, 'register': 'dds_instance'},
        {'name': 'DDS by name from 50 days back', dds: {'name': 'CreateMongoDB', 'start_time': '-50d'}, 'register': 'dds_named'},
        {'name': 'UDTS without TotalCount', udts: {}, 'register': 'udts_all'},
        {'name': 'UDTS by statuses', udts: {'status': ['Done', 'Synced']}, 'register': 'udts_status'},
        {'name': 'UDTS by name', udts: {'name': 'orders-copy'}, 'register': 'udts_named'},
        {'name': 'UDTS data migration', udts: {'type': 'transfer'}, 'register': 'udts_transfer'},
        {'name': 'UDTS data integration', udts: {'type': 'integration'}, 'register': 'udts_integration'},
        {'name': 'UDTS integration task by id', udts: {'task_id': 'udts-cat-integration', 'type': 'integration'},
         'register': 'udts_integration_one'},
        {'name': 'UDTS one task with detail', udts: {'task_ids': ['udts-cat-failed', 'udts-cat-synced']}, 'register': 'udts_detail'},
    ])
    assert rc == 0, output
    assert ids(results['rds_filtered']) == ['rds-cat-1h']
    assert sorted(ids(results['rds_named'])) == ['rds-cat-10d', 'rds-cat-1h']
    assert ids(results['rds_relative']) == ['rds-cat-running', 'rds-cat-1h']
    assert ids(results['rds_iso']) == ['rds-cat-1h']
    assert ids(results['rds_epoch']) == ['rds-cat-running', 'rds-cat-1h', 'rds-cat-3d']
    assert ids(results['rds_epoch_ms']) == ['rds-cat-running', 'rds-cat-1h', 'rds-cat-3d', 'rds-cat-10d']
    assert ids(results['rds_end_only']) == ['rds-cat-3d', 'rds-cat-10d']
    assert ids(results['rds_page']) == ['rds-cat-1h', 'rds-cat-3d'] and results['rds_page']['total_count'] == 4
    check = results['rds_check']
    assert ids(check) == ids(results['rds_epoch_ms']) and check['changed'] is False
    failed = results['rds_epoch']['tasks'][2]
    assert (failed['state'], failed['terminal'], failed['failure_reason']) == ('failed', True, 'Insufficient quota.')

    assert ids(results['dds_default'], 'jobs') == ['dds-cat-running', 'dds-cat-ok', 'dds-cat-failed', 'dds-cat-10d']
    assert 'total_count' not in results['dds_default'] and not results['dds_default'].get('warnings')
    running = results['dds_default']['jobs'][0]
    assert running['state'] == 'running' and 0 <= running['progress_percent'] <= 100
    assert ids(results['dds_instance'], 'jobs') == ['dds-cat-ok', 'dds-cat-10d']
    # DDS keeps a month of jobs: a start further back is clipped, with a warning, and 45-day-old jobs are not asked for.
    assert ids(results['dds_named'], 'jobs') == ['dds-cat-10d']
    warnings = results['dds_named']['warnings']
    assert len(warnings) == 1 and warnings[0].startswith('start_time ') and 'is before the month DDS keeps jobs for: listed from ' in warnings[0]

    transfer = ['udts-cat-dumping', 'udts-cat-synced', 'udts-cat-failed', 'udts-cat-done']
    assert ids(results['udts_all']) == ids(results['udts_transfer']) == transfer
    assert 'total_count' not in results['udts_all']
    assert ids(results['udts_status']) == ['udts-cat-synced', 'udts-cat-done']
    assert ids(results['udts_named']) == ['udts-cat-failed', 'udts-cat-done']
    assert ids(results['udts_integration']) == ids(results['udts_integration_one']) == ['udts-cat-integration']
    synced = results['udts_all']['tasks'][1]
    assert synced['type'] == 'incremental' and synced['progress'] == {} and synced['progress_percent'] is None
    failed, synced = results['udts_detail']['tasks']
    assert failed['failure_reason'] == "Access denied for user 'udts'@'10.0.0.5'" and failed['state'] == 'failed'
    assert synced['state'] == 'synced' and set(synced['sync']) == {'binlog_name', 'binlog_pos', 'binlog_gtid'}


def test_a_45_day_range_is_read_in_windows_under_30_days_without_duplicates(ansible_runner, emulator_mode):
    # 15 days back to 30 days ahead: two windows, each under 30 days (the strict emulator refuses 30 days and more).
    end = (datetime.now(timezone.utc) + timedelta(days=30)).strftime('%Y-%m-%dT%H:%M:%SZ')
    rc, result, output = ansible_runner.adhoc('dds_job_info', 'start_time=-15d end_time=%s' % end)
    assert rc == 0, output
    assert ids(result, 'jobs') == ['dds-cat-running', 'dds-cat-ok', 'dds-cat-failed', 'dds-cat-10d']
    assert '[WARNING]' not in output
    stats = ansible_runner.emulator.stats()
    # The newer window (all ahead of now) is one empty page; the older one page 0, then (no total) the page after its
    # last job.
    assert stats['requests'] == {'dds.ListJobs': 3} and stats['rejected'] == 0


def test_a_70_day_range_is_clipped_to_the_month_dds_keeps(ansible_runner):
    rc, result, output = ansible_runner.adhoc('dds_job_info', 'start_time=-70d')
    assert rc == 0, output
    assert ids(result, 'jobs') == ['dds-cat-running', 'dds-cat-ok', 'dds-cat-failed', 'dds-cat-10d']
    # ansible-core 2.17 wraps warnings at the terminal width: compare the words.
    assert ' '.join(output.split()).count('is before the month DDS keeps jobs for: listed from ') == 1, output
    assert ansible_runner.emulator.stats()['requests'] == {'dds.ListJobs': 2}


def test_ad_hoc_status_check_as_documented(ansible_runner):
    rc, result, output = ansible_runner.adhoc('rds_task_info', 'status=Running')
    assert rc == 0, output
    assert ids(result) == ['rds-cat-running'] and result['tasks'][0]['state'] == 'running'
