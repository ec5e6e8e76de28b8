# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Complete listings of 2,000 generated RDS tasks and DDS jobs (and 250 UDTS tasks) through ansible-playbook."""

from __future__ import annotations

import math

EMULATOR_ARGS = ['--generate', 'rds=2000,dds=2000,udts=250']


def test_every_page_is_read_once_and_every_item_returned(ansible_runner):
    rc, results, output = ansible_runner.playbook([
        {'name': 'All RDS tasks', 'dbtasks.cloud.rds_task_info': {}, 'register': 'rds'},
        {'name': 'All DDS jobs', 'dbtasks.cloud.dds_job_info': {}, 'register': 'dds'},
        {'name': 'All UDTS tasks', 'dbtasks.cloud.udts_task_info': {}, 'register': 'udts'},
    ])
    assert rc == 0, output
    for name, key, count in (('rds', 'tasks', 2000), ('dds', 'jobs', 2000), ('udts', 'tasks', 250)):
        result = results[name]
        ids = [item['id'] for item in result[key]]
        assert len(ids) == len(set(ids)) == result['total_count'] == count, name
        assert result['changed'] is False and not result.get('warnings'), name
        assert all(item['state'] in ('running', 'succeeded', 'failed', 'synced', 'pending', 'retrying', 'stopped') for item in result[key])
    requests = ansible_runner.emulator.stats()['requests']
    assert requests['rds.ListTasks'] == math.ceil(2000 / 50)
    assert requests['dds.ListJobs'] == math.ceil(2000 / 100)
    assert requests['udts.ListUDTSTask'] == math.ceil(250 / 100)
