# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fault injection: every kind, transient and persistent, from the scenario and from the control API."""

from __future__ import annotations

import os
import time

import pytest
import requests
from conftest import dds_time  # pylint: disable=import-error

SCENARIOS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'emulator', 'scenarios')
DDS_JOBS = '/v3.1/{project_id}/jobs'
RDS_TASKS = '/v3/{project_id}/tasklist'
SHOW_JOB = '/v3/{project_id}/jobs'
GENERATED = {'udts': 25, 'dds': 25, 'rds': 25}


def dds_window():
    return {'start_time': dds_time(time.time() - 29.5 * 86400), 'end_time': dds_time(time.time() + 60)}


@pytest.fixture
def api(start_emulator, clients):
    """(emulator, call, control): ``call(route, **query)`` performs one request on the named route."""
    # every list answer has a total here, so the total faults can be seen
    emu = start_emulator({'options': {'udts_total_count': True, 'dds_total_count': True}}, generate=GENERATED, seed=7)
    ucloud, huawei, control = clients(emu)
    some_dds, some_rds = emu.state.tasks['dds'].ordered[0].id, emu.state.tasks['rds'].ordered[0].id

    def call(route, timeout=None, **query):
        if route.startswith('udts.'):
            action = route.split('.')[1]
            if action == 'GetUDTSTaskStatus':
                query.setdefault('TaskId', emu.state.tasks['udts'].ordered[0].id)
            return ucloud.call(action, **query)
        path, defaults = {'dds.ListJobs': (DDS_JOBS, dds_window()), 'rds.ListTasks': (RDS_TASKS, {}),
                          'dds.ShowJob': (SHOW_JOB, {'id': some_dds}), 'rds.ShowJob': (SHOW_JOB, {'id': some_rds})}[route]
        return huawei.get(path, dict(defaults, **query))

    def add(**fault):
        answer = control('POST', 'faults', fault)
        assert answer.status_code == 200, answer.text
        return answer.json()

    return emu, call, control, add


ROUTES = ['udts.ListUDTSTask', 'udts.GetUDTSTaskStatus', 'dds.ListJobs', 'dds.ShowJob', 'rds.ListTasks', 'rds.ShowJob']


@pytest.mark.parametrize('route', ROUTES)
def test_every_route_answers_normally_without_faults(api, route):
    emu, call, control, add = api
    answer = call(route)
    assert answer.status_code == 200 and answer.json().get('RetCode', 0) == 0


@pytest.mark.parametrize('kind, status, code', [
    ('http_429', 429, 'APIGW.0308'), ('http_500', 500, 'DBS.200500'), ('http_502', 502, 'APIGW.0202'),
    ('http_503', 503, 'APIGW.0202'), ('http_504', 504, 'APIGW.0201'),
])
def test_http_status_faults_on_huawei_are_transient(api, kind, status, code):
    emu, call, control, add = api
    add(route='dds.ListJobs', kind=kind, count=1)
    faulted = call('dds.ListJobs')
    assert faulted.status_code == status and faulted.json()['error_code'] == code and faulted.headers['X-Request-Id']
    assert 'Retry-After' not in faulted.headers
    assert call('dds.ListJobs').status_code == 200
    assert control('GET', 'stats').json()['faults_injected'] == 1


def test_rds_internal_error_uses_the_rds_code(api):
    emu, call, control, add = api
    add(route='rds.ShowJob', kind='http_500', count=1)
    assert call('rds.ShowJob').json()['error_code'] == 'DBS.280500'


def test_parameter_error_faults_in_each_services_shape(api, start_emulator, clients):
    emu, call, control, add = api
    add(route='*', kind='http_400', count=4)
    assert call('dds.ListJobs').json()['error_code'] == 'DBS.200001'
    assert call('rds.ListTasks').json()['error_code'] == 'DBS.280001'
    assert call('udts.ListUDTSTask').json()['RetCode'] == 230
    iam = clients(emu)[1].get('/v3/projects', {'name': 'cn-north-4'}, project_header=False)
    assert iam.status_code == 400 and iam.json()['error']['title'] == 'Bad Request' and iam.headers['X-IAM-Trace-Id']
    strict = start_emulator({'options': {'strict': True}, 'faults': [{'route': 'rds.ListTasks', 'kind': 'http_400'}]})
    body = clients(strict)[1].get(RDS_TASKS).json()
    assert set(body) == {'errCode', 'externalMessage'} and body['errCode'] == 'DBS.280001'


@pytest.mark.parametrize('kind, status, retcode', [('http_429', 429, 153), ('http_503', 503, 150), ('http_504', 504, 150)])
def test_http_status_faults_on_ucloud(api, kind, status, retcode):
    emu, call, control, add = api
    add(route='udts.GetUDTSTaskStatus', kind=kind, count=1)
    faulted = call('udts.GetUDTSTaskStatus')
    assert faulted.status_code == status and faulted.headers['X-UCLOUD-REQUEST-UUID']
    assert faulted.json()['RetCode'] == retcode and faulted.json()['Action'] == 'GetUDTSTaskStatusResponse'


def test_retry_after(api):
    emu, call, control, add = api
    add(route='rds.ListTasks', kind='http_429_retry_after', retry_after=3, count=1)
    faulted = call('rds.ListTasks')
    assert faulted.status_code == 429 and faulted.headers['Retry-After'] == '3'


@pytest.mark.parametrize('kind, retcode', [('retcode_150', 150), ('retcode_153', 153)])
def test_ucloud_retcode_faults(api, kind, retcode):
    emu, call, control, add = api
    add(route='udts.ListUDTSTask', kind=kind, count=1)
    faulted = call('udts.ListUDTSTask')
    assert faulted.status_code == 200 and faulted.json()['RetCode'] == retcode and faulted.json()['Message']
    assert call('udts.ListUDTSTask').json()['RetCode'] == 0


def test_reset_closes_the_connection(api):
    emu, call, control, add = api
    add(route='rds.ShowJob', kind='reset', count=1)
    with pytest.raises(requests.ConnectionError):
        call('rds.ShowJob')
    assert call('rds.ShowJob').status_code == 200


def test_slow_answer(api):
    emu, call, control, add = api
    add(route='dds.ShowJob', kind='slow', delay=0.4, count=2)
    started = time.monotonic()
    assert call('dds.ShowJob').status_code == 200
    assert time.monotonic() - started >= 0.4
    with pytest.raises(requests.Timeout):
        requests.get(emu.base_url + '/v3/0123456789abcdef0123456789abcdef/jobs?id=x', timeout=0.1)


def test_truncated_json(api):
    emu, call, control, add = api
    whole = call('udts.ListUDTSTask').content
    add(route='udts.ListUDTSTask', kind='truncated_json', count=1)
    cut = call('udts.ListUDTSTask')
    assert cut.status_code == 200 and cut.headers['Content-Type'].startswith('application/json')
    assert 0 < len(cut.content) < len(whole) and whole.startswith(cut.content[:20])
    with pytest.raises(ValueError):
        cut.json()


def test_html_error_page(api):
    emu, call, control, add = api
    add(route='dds.ListJobs', kind='html_error', count=1)
    page = call('dds.ListJobs')
    assert page.status_code == 502 and page.headers['Content-Type'].startswith('text/html') and b'502 Bad Gateway' in page.content


def _ids(answer, key):
    return [item['TaskId' if key == 'Data' else 'id'] for item in answer.json()[key]]


@pytest.mark.parametrize('route, key, total, query', [
    ('rds.ListTasks', 'tasks', 'total_count', lambda offset: {'offset': offset, 'limit': 10}),
    ('dds.ListJobs', 'jobs', 'total_count', lambda offset: {'offset': offset, 'limit': 10}),
    ('udts.ListUDTSTask', 'Data', 'TotalCount', lambda offset: {'Offset': str(offset), 'Limit': '10'}),
])
def test_pagination_anomalies(api, route, key, total, query):
    emu, call, control, add = api
    clean = [_ids(call(route, **query(offset)), key) for offset in (0, 10, 20)]
    assert sum(len(page) for page in clean) == 25 and len(set(sum(clean, []))) == 25
    add(route=route, kind='page_repeat', count=1)
    assert _ids(call(route, **query(0)), key) == clean[0]  # page 1 is never the repeated one by default
    repeated = _ids(call(route, **query(10)), key)
    assert repeated[0] == clean[0][-1] and repeated[1:] == clean[1][:-1]
    add(route=route, kind='total_changes', count=1)
    assert call(route, **query(0)).json()[total] == 25 and call(route, **query(10)).json()[total] == 26
    add(route=route, kind='total_missing', count=1)
    assert total not in call(route, **query(20)).json()
    add(route=route, kind='empty_page', count=1)
    empty = call(route, **query(10)).json()
    assert empty[key] == [] and empty[total] == 25
    add(route=route, kind='empty_page', page=3, count=1)
    assert _ids(call(route, **query(10)), key) == clean[1] and call(route, **query(20)).json()[key] == []
    assert _ids(call(route, **query(10)), key) == clean[1]


def test_transient_persistent_and_clearing(api):
    emu, call, control, add = api
    add(route='rds.ListTasks', kind='http_503', count=2)
    assert [call('rds.ListTasks').status_code for attempt in range(3)] == [503, 503, 200]
    listed = add(route='dds.ShowJob', kind='http_502')['faults']
    assert listed[0]['remaining'] == 0 and listed[1]['remaining'] is None
    assert [call('dds.ShowJob').status_code for attempt in range(4)] == [502] * 4
    assert control('GET', 'faults').json()['faults'][1]['hits'] == 4
    assert control('DELETE', 'faults').json() == {'faults': []}
    assert call('dds.ShowJob').status_code == 200


def test_wildcard_route_matches_applicable_routes_only(api):
    emu, call, control, add = api
    add(route='*', kind='retcode_150')
    assert call('udts.ListUDTSTask').json()['RetCode'] == 150
    assert call('rds.ListTasks').status_code == 200
    add(route='*', kind='http_504', count=6)
    assert [call(route).status_code for route in ROUTES if not route.startswith('udts.')] == [504] * 4


def test_a_list_of_faults_in_one_post(api):
    emu, call, control, add = api
    answer = control('POST', 'faults', [{'route': 'rds.ListTasks', 'kind': 'http_500', 'count': 1},
                                        {'route': 'rds.ListTasks', 'kind': 'http_502', 'count': 1}])
    assert len(answer.json()['faults']) == 2
    assert [call('rds.ListTasks').status_code for attempt in range(3)] == [500, 502, 200]


@pytest.mark.parametrize('payload, words', [
    ({'route': 'dds.ListJobs', 'kind': 'explode'}, 'kind'),
    ({'route': 'ecs.List', 'kind': 'http_500'}, 'route'),
    ({'route': 'dds.ListJobs', 'kind': 'http_500', 'count': 0}, 'count'),
    ({'route': 'dds.ListJobs', 'kind': 'slow', 'delay': -1}, 'delay'),
    ({'route': 'dds.ListJobs', 'kind': 'retcode_150'}, 'does not apply'),
    ({'route': 'dds.ShowJob', 'kind': 'page_repeat'}, 'does not apply'),
    ({'route': 'dds.ListJobs', 'kind': 'http_500', 'when': 'now'}, 'unknown'),
    ('not an object', 'object'),
])
def test_fault_api_validation(api, payload, words):
    emu, call, control, add = api
    answer = control('POST', 'faults', payload)
    assert answer.status_code == 400 and words in answer.json()['error']
    assert control('GET', 'faults').json() == {'faults': []}


def test_fault_api_rejects_bad_json(api):
    emu = api[0]
    answer = requests.post(emu.base_url + '/_emulator/faults', data=b'{nope', timeout=10)
    assert answer.status_code == 400


def test_faults_from_the_example_scenario(start_emulator, clients):
    emu = start_emulator(os.path.join(SCENARIOS, 'faults.yml'))
    ucloud, huawei, control = clients(emu)
    assert len(control('GET', 'faults').json()['faults']) == 7
    assert ucloud.call('ListUDTSTask').json()['RetCode'] == 153
    assert ucloud.call('ListUDTSTask').json()['RetCode'] == 0
    first = huawei.get(DDS_JOBS, dds_window())
    assert first.status_code == 429 and first.headers['Retry-After'] == '1'
    assert huawei.get(RDS_TASKS).status_code == 503
    page1 = huawei.get(RDS_TASKS).json()['tasks']
    page2 = huawei.get(RDS_TASKS, {'offset': 10}).json()['tasks']
    assert page2[0]['id'] == page1[-1]['id']


def test_scenario_with_a_bad_fault_fails_to_start(start_emulator):
    with pytest.raises(ValueError, match='kind'):
        start_emulator({'faults': [{'route': 'dds.ListJobs', 'kind': 'meteor'}]})
