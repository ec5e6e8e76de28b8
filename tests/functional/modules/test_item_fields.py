# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Self-consistent items through ansible-playbook against scenarios/items.yml, both emulator modes.

Every provider's tasks are read three ways: listed, by id (the Huawei single-job read, whose field names differ from
the listing's) and by a wait (``status: Running`` for DDS and RDS: the task leaves the listing and is re-read by id;
UDTS: the detail read of the report), and then by ``task_wait``. Each item carries ``instance_id``, ``instance_name``,
``created_at`` and ``ended_at`` with the same values whichever read gave it, and nothing in an item contradicts it.
"""

from __future__ import annotations

import os
import re

from tests.emulator.launcher import MODES

ITEMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'scenarios', 'items.yml')
EMULATOR_MODES = MODES
FOUR = ('instance_id', 'instance_name', 'created_at', 'ended_at')
ISO_UTC = re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ')
INFO = {'rds': ('rds_task_info', 'tasks', 'job_id'), 'dds': ('dds_job_info', 'jobs', 'job_id'), 'udts': ('udts_task_info', 'tasks', 'task_id')}
# the raw fields each API gives the four in (listing, single-job read): none may survive beside the other read's
RAW_TIMES = {'rds': ('create_time', 'end_time', 'created', 'ended'), 'dds': ('api_created_at', 'api_ended_at', 'created', 'ended')}


def four(item):
    return {name: item[name] for name in FOUR}


def assert_consistent(provider, item):
    """Nothing in the item contradicts its state, its four fields or its progress."""
    assert all(item[name] is None or ISO_UTC.fullmatch(item[name]) for name in ('created_at', 'ended_at')), item
    assert (item['ended_at'] is not None) == (provider != 'udts' and item['terminal']), item
    if provider == 'udts':
        return
    listing_times, detail_times = RAW_TIMES[provider][:2], RAW_TIMES[provider][2:]
    assert not (set(listing_times) & set(item) and set(detail_times) & set(item)), item  # one read's names, not both
    if 'instance' in item:  # the single-job read: nothing of the listing describing an earlier moment
        assert item['instance'] == {'id': item['instance_id'], 'name': item['instance_name']} and 'instance_status' not in item, item
    progress = item['process' if provider == 'rds' else 'progress']
    assert progress == ('' if item['terminal'] else '%d%s' % (item['progress_percent'], '%' if provider == 'dds' else '')), item


def test_listed_by_id_and_waited_items_carry_the_same_four_fields_and_contradict_nothing(
        emulator_factory, ansible_runner_for, emulator_mode):
    runner = ansible_runner_for(emulator_factory(['--scenario', ITEMS]))
    waits = [
        {'name': 'Running RDS tasks of an instance until they end', 'dbtasks.cloud.rds_task_info': {
            'status': 'Running', 'instance_id': 'rds-wait-inst', 'wait': True, 'wait_sleep': 1}, 'register': 'waited_rds'},
        {'name': 'Running DDS jobs of an instance until they end', 'dbtasks.cloud.dds_job_info': {
            'status': 'Running', 'instance_id': 'dds-wait-inst', 'wait': True, 'wait_sleep': 1}, 'register': 'waited_dds'},
        {'name': 'A UDTS task until it ends', 'dbtasks.cloud.udts_task_info': {'task_ids': ['udts-wait'], 'wait': True, 'wait_sleep': 1},
         'register': 'waited_udts'},
    ]
    reads = []
    for provider, (module, dummy, id_option) in INFO.items():
        reads.append({'name': 'Every %s task' % provider, 'dbtasks.cloud.' + module: {}, 'register': 'listed_' + provider})
        reads.append({'name': 'A running %s task by id' % provider, 'dbtasks.cloud.' + module: {id_option: provider + '-long'},
                      'register': 'by_id_' + provider})
    finished = [{'provider': provider, 'id': '%s-%s' % (provider, which)} for provider in INFO for which in ('done', 'wait')]
    reads.append({'name': 'The finished tasks by id', 'dbtasks.cloud.task_wait': {'tasks': finished, 'timeout': 60}, 'register': 'rows'})
    rc, results, output = runner.playbook(waits + reads)
    assert rc == 0, output

    rows = {row['id']: row for row in results['rows']['tasks']}
    for provider, (dummy, key, dummy) in INFO.items():
        waited = results['waited_' + provider]
        assert waited['wait_outcome'] == 'succeeded' and not waited.get('warnings'), waited
        listed = {item['id']: item for item in results['listed_' + provider][key]}
        by_id = results['by_id_' + provider][key]
        assert not results['listed_' + provider].get('warnings') and not results['by_id_' + provider].get('warnings')
        for item in list(listed.values()) + by_id + waited[key]:
            assert_consistent(provider, item)
        long_task, done, wait = listed[provider + '-long'], listed[provider + '-done'], listed[provider + '-wait']
        assert four(by_id[0]) == four(long_task) and long_task['ended_at'] is None and long_task['state'] == 'running'
        assert [item['id'] for item in waited[key]] == [provider + '-wait']
        for item in (done, wait):
            assert four(item) == four(rows[item['id']]) and item['state'] == 'succeeded', item
        assert four(waited[key][0]) == four(wait)
        if provider == 'udts':
            assert set(four(done).values()) - {None} == {done['created_at']}  # UDTS has no instance and no end time
            continue
        assert (done['instance_id'], done['instance_name']) == (provider + '-done-inst', provider + '-done')
        assert done['created_at'] < done['ended_at'] < wait['created_at'] < wait['ended_at']
        # the wait re-read its task by id: the single-job read's names, none of the listing's running-time fields
        assert 'instance' in waited[key][0] or provider == 'dds' and 'instance' in by_id[0]
    # strict: the RDS listing gives a running task its planned end_time, which is no end (ended_at stays null)
    long_rds = next(item for item in results['listed_rds']['tasks'] if item['id'] == 'rds-long')
    assert (long_rds['end_time'] != '') == (emulator_mode == 'strict') and long_rds['ended_at'] is None
    # the running RDS task read by id: the listing's "49" form of its progress, not the single-job read's "49%"
    assert re.fullmatch(r'\d+', results['by_id_rds']['tasks'][0]['process'])
