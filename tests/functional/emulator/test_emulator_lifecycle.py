# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Scenario lifecycles and timing, the shipped scenarios, scenario validation and synthetic generation."""

from __future__ import annotations

import os
import time

import pytest
import yaml
from conftest import dds_time  # pylint: disable=import-error

from tests.emulator.model import FAILURE_STATUSES, SUCCESS_STATUSES, Clock
from tests.emulator.scenario import ScenarioError, generate_tasks, load_scenario, parse_generate

SCENARIOS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'emulator', 'scenarios')
DEMO = os.path.join(SCENARIOS, 'demo.yml')
RETRYING = {
    'udts': [{'id': 'udts-retry', 'type': 'full+incremental', 'max_retry_count': 1, 'lifecycle': [
        {'status': 'Dumping', 'duration': 100, 'progress': [0, 50]},
        {'status': 'Failed', 'duration': 10, 'fail_reason': 'disk full'},
        {'status': 'RetryPending', 'duration': 10},
        {'status': 'Dumping', 'duration': 100, 'progress': [0, 50]},
        {'status': 'Loading', 'duration': 100, 'progress': [50, 100]},
        {'status': 'Syncing', 'duration': 50},
        {'status': 'Synced'}]}],
    'dds': [{'id': 'dds-job', 'name': 'RestartReplicaSetInstance', 'lifecycle': [
        {'status': 'Running', 'duration': 200, 'progress': [0, 100]}, {'status': 'Completed'}]}],
}


def test_udts_lifecycle_progress_and_retries(start_emulator, clients, manual_clock):
    emu = start_emulator(RETRYING, speed=10, monotonic=manual_clock)
    ucloud = clients(emu)[0]

    def status_at(scenario_seconds):
        manual_clock.now = emu.state.clock.start_monotonic + scenario_seconds / 10
        return ucloud.call('GetUDTSTaskStatus', TaskId='udts-retry').json()['Data']

    seen = [(d['Status'], d['Progress']['Percentage'], d['CurRetryCount'], d['FailedMessage'])
            for d in map(status_at, (0, 50, 105, 115, 170, 260, 330, 5000))]
    assert seen == [('Dumping', 0.0, 0, ''), ('Dumping', 25.0, 0, ''), ('Failed', 50.0, 0, 'disk full'),
                    ('RetryPending', 50.0, 1, ''), ('Dumping', 25.0, 1, ''), ('Loading', 70.0, 1, ''),
                    ('Syncing', 100.0, 1, ''), ('Synced', 100.0, 1, '')]
    final = status_at(5000)
    assert final['Progress']['TotalDuration'] == 300 and final['Progress']['CurDuration'] == 300
    assert final['Sync']['BinlogPos'] > status_at(400)['Sync']['BinlogPos'] > 154


def test_huawei_end_time_set_once_final(start_emulator, clients, manual_clock):
    emu = start_emulator(RETRYING, speed=10, monotonic=manual_clock)
    huawei = clients(emu)[1]

    def show():
        return huawei.get('/v3/{project_id}/jobs', {'id': 'dds-job'}).json()['job']

    manual_clock.advance(15)  # scenario time 150
    running = show()
    assert (running['status'], running['progress'], running['ended']) == ('Running', '75%', '')
    manual_clock.advance(10)
    done = show()
    assert (done['status'], done['progress']) == ('Completed', '')
    # the job ended at scenario time 200 = 20 wall seconds after the start at speed 10
    assert done['ended'] == time.strftime('%Y-%m-%dT%H:%M:%S+0000', time.gmtime(emu.state.clock.start_wall + 20))


def test_clock_keeps_history_real_and_compresses_the_future():
    ticks = iter([0.0, 3.0])
    clock = Clock(speed=100, monotonic=lambda: next(ticks), wall=lambda: 1_000_000.0)
    assert clock.now() == 300.0
    assert clock.to_epoch(-86400) == 1_000_000.0 - 86400
    assert clock.to_epoch(300) == 1_000_003.0
    for scenario_time in (-86400, -1, 0, 1, 300):
        assert clock.from_epoch(clock.to_epoch(scenario_time)) == pytest.approx(scenario_time)


def test_a_clock_started_midway_keeps_the_past_real_and_compresses_only_what_follows():
    ticks = iter([0.0, 3.0])
    clock = Clock(speed=0.5, monotonic=lambda: next(ticks), wall=lambda: 1_000_000.0, start=12)
    assert clock.now() == 13.5
    assert clock.to_epoch(0) == 1_000_000.0 - 12
    assert clock.to_epoch(14) == 1_000_004.0
    for scenario_time in (-86400, 0, 12, 14, 300):
        assert clock.from_epoch(clock.to_epoch(scenario_time)) == pytest.approx(scenario_time)


def test_start_joins_the_demo_midway_with_the_later_tasks_already_there(emulator_factory):
    running = emulator_factory(['--scenario', DEMO, '--start', '12', '--speed', '0.02'])
    from tests.emulator.client import HuaweiTestClient  # pylint: disable=import-outside-toplevel
    assert 12 <= running.health()['scenario_time'] < 13
    huawei = HuaweiTestClient(running.base_url)
    # created 5 and 10 scenario seconds in, running until 35 and 45: there at once, and still running
    for job_id in ('7c9e1a52-demo-4b1d-8f3e-resize000001', '8a1b2c3d4e5f4a6b9c8d7e6f5a4b3c2d'):
        assert huawei.get('/v3/{project_id}/jobs', {'id': job_id}).json()['job']['status'] == 'Running'


def test_demo_scenario_runs_to_its_expected_ends_at_high_speed(emulator_factory):
    running = emulator_factory(['--scenario', DEMO, '--speed', '1000'])
    from tests.emulator.client import HuaweiTestClient, UCloudTestClient  # pylint: disable=import-outside-toplevel
    ucloud, huawei = UCloudTestClient(running.base_url), HuaweiTestClient(running.base_url)
    with open(DEMO, encoding='utf-8') as handle:
        demo = yaml.safe_load(handle)
    deadline = time.monotonic() + 20
    while True:
        states = {task['id']: ucloud.call('GetUDTSTaskStatus', TaskId=task['id']).json()['Data']['Status'] for task in demo['udts']}
        for provider in ('dds', 'rds'):
            states.update({task['id']: huawei.get('/v3/{project_id}/jobs', {'id': task['id']}).json()['job']['status']
                           for task in demo[provider]})
        if all(status not in ('Running', 'Dumping', 'Loading', 'Syncing', 'Created', 'Checking', 'Failed', 'RetryPending')
               or status == 'Failed' and task_id.startswith('5d1e') for task_id, status in states.items()):
            break
        assert time.monotonic() < deadline, states
        time.sleep(0.05)
    for provider in ('udts', 'dds', 'rds'):
        for task in demo[provider]:
            wanted = SUCCESS_STATUSES if task['expect'] == 'success' else FAILURE_STATUSES
            assert states[task['id']] in wanted, (task['id'], states[task['id']])
    assert sum(task['expect'] == 'failure' for p in ('udts', 'dds', 'rds') for task in demo[p]) == 2
    listed = huawei.get('/v3.1/{project_id}/jobs', {'start_time': dds_time(time.time() - 2 * 86400),
                                                    'end_time': dds_time(time.time() + 60)}).json()
    assert len(listed['jobs']) == len(demo['dds'])


def test_demo_scenario_finishes_within_a_minute_at_its_default_speed():
    scenario = load_scenario(DEMO)
    ends = [task.ends_at for tasks in scenario.tasks.values() for task in tasks]
    assert scenario.options.speed == 1 and max(ends) <= 60
    for tasks in scenario.tasks.values():
        for task in tasks:
            assert task.expect in ('success', 'failure')


BAD_SCENARIOS = [
    ({'dbs': []}, 'keys'),
    ({'udts': {'id': 'x'}}, 'list'),
    ({'udts': [{'id': 'x', 'status': 'Done'}]}, 'type'),
    ({'udts': [{'id': 'x', 'type': 'full', 'status': 'Completed'}]}, 'status must be one of'),
    ({'dds': [{'id': 'x', 'status': 'Completed'}]}, 'name'),
    ({'dds': [{'id': 'x', 'name': 'N', 'lifecycle': [{'status': 'Running'}, {'status': 'Completed'}]}]}, 'needs a duration'),
    ({'dds': [{'id': 'x', 'name': 'N', 'lifecycle': [{'status': 'Completed', 'duration': 3}]}]}, 'takes no duration'),
    ({'dds': [{'id': 'x', 'name': 'N', 'lifecycle': [
        {'status': 'Running', 'duration': 3, 'progress': [0, 120]}, {'status': 'Completed'}]}]}, '0..100'),
    ({'dds': [{'id': 'x', 'name': 'N', 'status': 'Completed', 'expect': 'failure'}]}, 'expect'),
    ({'dds': [{'id': 'x', 'name': 'N', 'status': 'Completed'}], 'rds': [{'id': 'x', 'name': 'N', 'status': 'Completed'}]}, 'already used'),
    ({'dds': [{'id': 'x', 'name': 'N', 'status': 'Completed', 'colour': 'red'}]}, 'unknown keys'),
    ({'dds': [{'id': 'x', 'name': 'N', 'status': 'Completed', 'lifecycle': []}]}, 'exactly one'),
    ({'dds': [{'id': 'x', 'name': 'N', 'lifecycle': [{'status': 'Completed', 'instance_status': 'ACTIVE'}]}]}, 'rds tasks only'),
    ({'credentials': {'huawei': {'secret': 'x'}}}, 'unknown key'),
    ({'credentials': {'ucloud': {'public_key': ''}}}, 'non-empty'),
    ({'options': {'speed': 0}}, 'number > 0'),
    ({'options': {'udts_total_count': 'no'}}, 'true or false'),
    ({'options': {'udts_page_cap': -1}}, 'integer >= 0'),
    ({'options': {'udts_page_cap': 2.5}}, 'integer >= 0'),
    ({'options': {'rds_error_body': 'errMsg'}}, 'rds_error_body must be one of'),
    ({'options': {'skew_message': 'polite'}}, 'skew_message must be one of'),
    ({'udts': [{'id': 'x', 'type': 'full', 'kind': 'full', 'status': 'Done'}]}, 'kind must be one of'),
    ({'projects': [{'id': 'p'}]}, 'projects must be a list of'),
]


def test_strict_mode_from_the_command_line(emulator_factory):
    default, strict = emulator_factory([]), emulator_factory(['--strict'])
    assert default.health()['strict'] is False and strict.health()['strict'] is True


@pytest.mark.parametrize('data, words', BAD_SCENARIOS)
def test_scenario_validation(data, words):
    with pytest.raises(ScenarioError, match=words):
        load_scenario(data)


def test_scenario_file_errors_stop_the_cli(tmp_path, emulator_factory):
    broken = tmp_path / 'broken.yml'
    broken.write_text('udts: [{id: x, type: sideways, status: Done}]\n')
    with pytest.raises(RuntimeError, match='type must be one of'):
        emulator_factory(['--scenario', str(broken)])
    with pytest.raises(RuntimeError, match='--generate takes'):
        emulator_factory(['--generate', 'ecs=3'])


def test_generation_is_deterministic_and_realistic():
    counts = {'dds': 300, 'rds': 300, 'udts': 300}
    first, again, other = generate_tasks(counts, seed=3), generate_tasks(counts, seed=3), generate_tasks(counts, seed=4)
    for provider in ('udts', 'dds', 'rds'):
        assert [t.id for t in first[provider]] == [t.id for t in again[provider]] != [t.id for t in other[provider]]
        tasks = first[provider]
        assert len({t.id for t in tasks}) == 300
        assert all(-29 * 86400 <= t.created < 0 for t in tasks)
        final_at_start = sum(t.ends_at <= 0 for t in tasks)
        assert 0.8 * 300 < final_at_start < 300
        assert any(t.final_status in FAILURE_STATUSES for t in tasks)
    assert parse_generate('udts=1,dds=2') == {'udts': 1, 'dds': 2, 'rds': 0}
    for bad in ('udts=x', 'foo=1', 'udts'):
        with pytest.raises(ScenarioError):
            parse_generate(bad)


def test_large_generated_sets_are_served_quickly(start_emulator, clients):
    emu = start_emulator(generate={'rds': 10000, 'dds': 2000}, seed=1)
    huawei = clients(emu)[1]
    started = time.monotonic()
    seen = set()
    for offset in range(0, 10000, 50):
        page = huawei.get('/v3/{project_id}/tasklist', {'offset': offset, 'limit': 50}).json()
        assert page['total_count'] == 10000
        seen.update(task['id'] for task in page['tasks'])
    window = {'start_time': dds_time(time.time() - 29.9 * 86400), 'end_time': dds_time(time.time() + 60)}
    for offset in range(0, 1500, 100):
        assert len(huawei.get('/v3.1/{project_id}/jobs', dict(window, offset=offset, status='Completed')).json()['jobs']) > 0
    elapsed = time.monotonic() - started
    assert len(seen) == 10000
    assert elapsed < 15, elapsed  # generous for a shared 2-core machine; about 1 s when idle
