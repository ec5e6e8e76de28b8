# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Complete listings of 2,000 generated RDS tasks and DDS jobs (and 250 UDTS tasks) through ansible-playbook, in both
emulator modes, and 120 UDTS tasks served 20 or 50 to a page without a total (docs/api-reference.md)."""

from __future__ import annotations

import math

import pytest
import yaml

from tests.emulator.launcher import MODES

EMULATOR_ARGS = ['--generate', 'rds=2000,dds=2000,udts=250']
EMULATOR_MODES = MODES
WAVE = 4  # pages read ahead at once (fetch_all's max_workers)


def test_every_item_is_returned_once_in_few_requests(ansible_runner, emulator_mode):
    rc, results, output = ansible_runner.playbook([
        {'name': 'All RDS tasks', 'dbtasks.cloud.rds_task_info': {}, 'register': 'rds'},
        {'name': 'All DDS jobs', 'dbtasks.cloud.dds_job_info': {}, 'register': 'dds'},
        {'name': 'All UDTS tasks', 'dbtasks.cloud.udts_task_info': {}, 'register': 'udts'},
    ])
    assert rc == 0, output
    for name, key, count in (('rds', 'tasks', 2000), ('dds', 'jobs', 2000), ('udts', 'tasks', 250)):
        result = results[name]
        ids = [item['id'] for item in result[key]]
        assert len(ids) == len(set(ids)) == count, name
        assert result['changed'] is False and not result.get('warnings'), name
        assert all(item['state'] in ('running', 'succeeded', 'failed', 'synced', 'pending', 'retrying', 'stopped') for item in result[key])
    # Only RDS sends a total (the one documented and seen in practice); DDS and UDTS lists end at an empty page.
    assert results['rds']['total_count'] == 2000 and 'total_count' not in results['dds'] and 'total_count' not in results['udts']
    requests = ansible_runner.emulator.stats()['requests']
    assert requests['rds.ListTasks'] == math.ceil(2000 / 50)
    # page 0 alone (a total may come), then the rest a wave at a time up to the empty page
    assert math.ceil(2000 / 100) + 1 <= requests['dds.ListJobs'] <= math.ceil(2000 / 100) + WAVE
    served = 20 if emulator_mode == 'strict' else 100  # strict: UDTS serves 20 tasks a page, whatever the limit
    assert math.ceil(250 / served) + 1 <= requests['udts.ListUDTSTask'] <= math.ceil(250 / served) + 2 * WAVE


@pytest.mark.parametrize('cap', [20, 50])
def test_120_udts_tasks_without_a_total_are_listed_completely_whatever_the_page_cap(tmp_path, emulator_factory, ansible_runner_for,
                                                                                    cap):
    scenario = tmp_path / 'capped.yml'
    scenario.write_text(yaml.safe_dump({'options': {'udts_page_cap': cap}}))
    emulator = emulator_factory(['--scenario', str(scenario), '--generate', 'udts=120', '--seed', '5'])
    runner = ansible_runner_for(emulator)
    listed = runner.emulator.control('GET', 'health')['tasks']['udts']
    rc, result, output = runner.adhoc('udts_task_info')
    assert rc == 0, output
    ids = [item['id'] for item in result['tasks']]
    assert len(ids) == len(set(ids)) == listed == 120 and 'total_count' not in result and not result.get('warnings')
    assert math.ceil(120 / cap) + 1 <= emulator.stats()['requests']['udts.ListUDTSTask'] <= math.ceil(120 / cap) + 2 * WAVE
