# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every route's happy path, its filters and every documented validation rule, over real HTTP."""

from __future__ import annotations

import calendar
import time

import pytest
from conftest import dds_time  # pylint: disable=import-error

from tests.emulator import credentials
from tests.emulator.auth import ucloud_sign

DAY = 86400
RUNNING = [{'status': 'Running', 'duration': 1000, 'progress': [0, 100]}, {'status': 'Completed'}]
SCENARIO = {
    'options': {'speed': 1000},
    'udts': [
        {'id': 'udts-r1', 'name': 'one', 'type': 'full', 'created': -100, 'max_retry_count': 2, 'total_rows': 1000,
         'lifecycle': [{'status': 'Dumping', 'duration': 1000, 'progress': [0, 100]}, {'status': 'Done'}]},
        {'id': 'udts-r2', 'type': 'full+incremental', 'created': -50, 'status': 'Synced'},
        {'id': 'udts-r3', 'type': 'incremental', 'created': -10, 'status': 'Synced'},
        {'id': 'udts-later', 'type': 'full', 'created': 1000, 'status': 'Done'},
        {'id': 'udts-int1', 'type': 'full', 'kind': 'integration', 'created': -20, 'status': 'Done'},
    ],
    'dds': [
        {'id': 'd1', 'name': 'RestartReplicaSetInstance', 'created': -3600, 'status': 'Completed', 'instance_id': 'i1', 'instance_name': 'n1'},
        {'id': 'd2', 'name': 'ResizeInstanceVolume', 'created': -60, 'lifecycle': RUNNING},
        {'id': 'd3', 'name': 'CreateMongoDB', 'created': -40 * DAY, 'status': 'Completed'},
        {'id': 'd4', 'name': 'RestartReplicaSetInstance', 'created': -7200,
         'lifecycle': [{'status': 'Running', 'duration': 10}, {'status': 'Failed', 'fail_reason': 'boom'}]},
    ],
    'rds': [
        {'id': 'r1', 'name': 'RestartInstance', 'created': -100, 'status': 'Completed', 'instance_id': 'i-1', 'order_id': 'ORD1'},
        {'id': 'r2', 'name': 'ResizeFlavor', 'created': -200, 'instance_id': 'i-2',
         'lifecycle': [{'status': 'Running', 'duration': 1000, 'progress': [0, 100], 'instance_status': 'MODIFYING'},
                       {'status': 'Completed'}]},
        {'id': 'r3', 'name': 'RestartInstance', 'created': -300, 'status': 'Failed', 'instance_id': 'i-1'},
    ],
}
UDTS_ITEM_KEYS = {'TaskId', 'Name', 'Type', 'Status', 'CreateTime', 'MaxRetryCount', 'CurRetryCount', 'Progress',
                  'ServiceType', 'ChargeType', 'AutoRenew', 'IsExpire', 'ExpireTime', 'DBType'}
PROGRESS_KEYS = {'TotalCount', 'CurCount', 'TotalDuration', 'CurDuration', 'Percentage', 'RedisOffsetSize', 'RedisDelayTime', 'MongoDelayTime'}
DDS_JOBS = '/v3.1/{project_id}/jobs'
RDS_TASKS = '/v3/{project_id}/tasklist'
SHOW_JOB = '/v3/{project_id}/jobs'


@pytest.fixture
def api(start_emulator, clients, manual_clock):
    """(emulator, ucloud, huawei, control) with the clock held 500 scenario seconds after the start."""
    emu = start_emulator(SCENARIO, monotonic=manual_clock)
    manual_clock.advance(0.5)  # speed 1000 below -> 500 scenario seconds
    return (emu,) + tuple(clients(emu))


def window(days_back=1.0, days_ahead=0.1, offset='+0000'):
    now = time.time()
    return {'start_time': dds_time(now - days_back * DAY, offset), 'end_time': dds_time(now + days_ahead * DAY, offset)}


# ---------------------------------------------------------------- UDTS

def test_list_udts_tasks(api):
    emu, ucloud, huawei, control = api
    answer = ucloud.call('ListUDTSTask')
    body = answer.json()
    assert answer.status_code == 200 and answer.headers['X-UCLOUD-REQUEST-UUID']
    assert body['Action'] == 'ListUDTSTaskResponse' and body['RetCode'] == 0 and body['Message'] == ''
    assert [item['TaskId'] for item in body['Data']] == ['udts-r3', 'udts-r2', 'udts-r1']
    assert 'TotalCount' not in body  # documented nowhere, so not sent unless options.udts_total_count
    first = body['Data'][2]
    assert set(first) == UDTS_ITEM_KEYS and set(first['Progress']) == PROGRESS_KEYS
    # "empty when the type is incremental migration"
    assert body['Data'][0]['Type'] == 'incremental' and body['Data'][0]['Progress'] == {}
    assert first['Status'] == 'Dumping' and first['Type'] == 'full' and first['MaxRetryCount'] == 2
    # created 100 s before the start, 600 s of its 1000 s dump done at scenario time 500
    assert first['Progress']['Percentage'] == 60.0 and first['Progress']['CurCount'] == 600
    assert first['Progress']['TotalDuration'] == 1000 and first['Progress']['CurDuration'] == 600
    assert abs(first['CreateTime'] - (emu.state.clock.start_wall - 100)) < 1


def test_list_udts_paging_type_and_methods(api):
    emu, ucloud, huawei, control = api
    page = ucloud.call('ListUDTSTask', Offset='1', Limit='1').json()
    assert [item['TaskId'] for item in page['Data']] == ['udts-r2']
    # Type as the sibling APIs document it: transfer (the default) or integration, not the migration mode
    assert [i['TaskId'] for i in ucloud.call('ListUDTSTask', method='GET', Type='integration').json()['Data']] == ['udts-int1']
    assert [i['TaskId'] for i in ucloud.call('ListUDTSTask', Type='transfer').json()['Data']] == ['udts-r3', 'udts-r2', 'udts-r1']
    refused = ucloud.call('ListUDTSTask', Type='incremental').json()
    assert (refused['RetCode'], refused['Message']) == (230, 'Params [Type] not available')
    signed = ucloud_sign({'Action': 'ListUDTSTask', 'Limit': 2}, ucloud.public_key, ucloud.private_key)
    as_json = ucloud.session.post(ucloud.base_url, json=signed)
    assert as_json.json()['RetCode'] == 0 and len(as_json.json()['Data']) == 2


@pytest.mark.parametrize('name, value', [('Offset', '-1'), ('Offset', 'x'), ('Limit', '1.5'), ('Limit', '-3')])
def test_list_udts_rejects_bad_numbers(api, name, value):
    emu, ucloud, huawei, control = api
    body = ucloud.call('ListUDTSTask', **{name: value}).json()
    assert body['RetCode'] == 230 and body['Message'] == 'Params [%s] not available' % name
    assert control('GET', 'stats').json()['rejected'] == 1


def test_list_udts_default_limit_and_total_count_option(start_emulator, clients):
    ucloud = clients(start_emulator(generate={'udts': 25}))[0]
    body = ucloud.call('ListUDTSTask').json()
    assert len(body['Data']) == 20 and 'TotalCount' not in body
    assert len(ucloud.call('ListUDTSTask', Offset='20').json()['Data']) == 5
    with_total = clients(start_emulator({'options': {'udts_total_count': True}}, generate={'udts': 25}))[0]
    assert with_total.call('ListUDTSTask').json()['TotalCount'] == 25


@pytest.mark.parametrize('options, cap', [({'udts_page_cap': 50}, 50), ({'strict': True}, 20), ({'strict': True, 'udts_page_cap': 7}, 7)])
def test_list_udts_page_cap_is_silent(start_emulator, clients, options, cap):
    ucloud = clients(start_emulator({'options': options}, generate={'udts': 120}))[0]
    body = ucloud.call('ListUDTSTask', Limit='100').json()
    assert len(body['Data']) == cap and set(body) == {'Action', 'RetCode', 'Message', 'Data'}
    rest = ucloud.call('ListUDTSTask', Offset='110', Limit='100').json()['Data']
    assert len(rest) == min(cap, 10)


def test_get_udts_task_status(api):
    emu, ucloud, huawei, control = api
    body = ucloud.call('GetUDTSTaskStatus', TaskId='udts-r1').json()
    assert body['Action'] == 'GetUDTSTaskStatusResponse' and body['RetCode'] == 0
    data = body['Data']
    assert set(data) == {'Status', 'FailedMessage', 'MaxRetryCount', 'CurRetryCount', 'Progress', 'Sync'}
    assert data['Status'] == 'Dumping' and data['FailedMessage'] == '' and data['Progress']['Percentage'] == 60.0
    assert data['Sync'] == {'BinlogName': '', 'BinlogPos': 0, 'BinlogGTID': ''}
    synced = ucloud.call('GetUDTSTaskStatus', TaskId='udts-r2').json()['Data']
    assert synced['Status'] == 'Synced' and synced['Sync']['BinlogName'] == 'mysql-bin.000006' and synced['Sync']['BinlogPos'] > 154
    assert ucloud.call('GetUDTSTaskStatus', TaskId='udts-r3').json()['Data']['Progress'] == {}
    # an integration task is found only with Type=integration; the default is transfer
    assert ucloud.call('GetUDTSTaskStatus', TaskId='udts-int1').json()['RetCode'] == 1404
    assert ucloud.call('GetUDTSTaskStatus', TaskId='udts-int1', Type='integration').json()['Data']['Status'] == 'Done'


def test_get_udts_task_status_errors(api):
    emu, ucloud, huawei, control = api
    missing = ucloud.call('GetUDTSTaskStatus').json()
    assert missing['RetCode'] == 230 and missing['Message'] == 'Missing params [TaskId]'
    unknown = ucloud.call('GetUDTSTaskStatus', TaskId='udts-nope').json()
    assert unknown['RetCode'] == 1404 and unknown['Message'] == 'Task [udts-nope] does not exist'
    # created at scenario time 1000: it does not exist yet at 500
    assert ucloud.call('GetUDTSTaskStatus', TaskId='udts-later').json()['RetCode'] == 1404


def test_tasks_created_later_appear_on_time(start_emulator, clients, manual_clock):
    emu = start_emulator(SCENARIO, monotonic=manual_clock)
    ucloud = clients(emu)[0]
    assert ucloud.call('GetUDTSTaskStatus', TaskId='udts-later').json()['RetCode'] == 1404
    manual_clock.advance(1.0)  # scenario time 1000 at speed 1000
    assert ucloud.call('GetUDTSTaskStatus', TaskId='udts-later').json()['Data']['Status'] == 'Done'
    assert ucloud.call('ListUDTSTask').json()['Data'][0]['TaskId'] == 'udts-later'


# ---------------------------------------------------------------- DDS

def test_list_dds_jobs(api):
    emu, ucloud, huawei, control = api
    answer = huawei.get(DDS_JOBS, window(days_back=29))
    body = answer.json()
    assert answer.status_code == 200 and answer.headers['X-Request-Id']
    assert [job['id'] for job in body['jobs']] == ['d2', 'd1', 'd4'] and 'total_count' not in body
    running, completed, failed = body['jobs']
    assert set(running) == {'id', 'name', 'instance_id', 'instance_name', 'status', 'progress', 'fail_reason',
                            'created_at', 'ended_at', 'instance_mode'}
    assert (running['status'], running['progress'], running['ended_at']) == ('Running', '56%', '')
    assert (completed['status'], completed['progress'], completed['instance_id']) == ('Completed', '', 'i1')
    assert failed['fail_reason'] == 'boom' and failed['ended_at'].endswith('+0000')
    assert failed['ended_at'] > failed['created_at']


def test_list_dds_filters(api):
    emu, ucloud, huawei, control = api

    def ids(query):
        return [job['id'] for job in huawei.get(DDS_JOBS, dict(window(days_back=29), **query)).json()['jobs']]

    assert ids({'status': 'Running'}) == ['d2']
    assert ids({'status': 'Failed'}) == ['d4']
    assert ids({'name': 'RestartReplicaSetInstance'}) == ['d1', 'd4']
    assert ids({'id': 'd1'}) == ['d1']
    assert ids({'offset': 1, 'limit': 1}) == ['d1']
    assert [job['id'] for job in huawei.get(DDS_JOBS, window(days_back=1.5)).json()['jobs']] == ['d2', 'd1', 'd4']
    assert [job['id'] for job in huawei.get(DDS_JOBS, window(days_back=0.03)).json()['jobs']] == ['d2']
    # the same instants written with a +0800 offset select the same jobs
    assert [job['id'] for job in huawei.get(DDS_JOBS, window(days_back=0.03, offset='+0800')).json()['jobs']] == ['d2']
    old = huawei.get(DDS_JOBS, {'start_time': dds_time(time.time() - 45 * DAY), 'end_time': dds_time(time.time() - 20 * DAY)})
    assert [job['id'] for job in old.json()['jobs']] == ['d3']


def test_list_dds_default_limit_and_total_count_option(start_emulator, clients):
    huawei = clients(start_emulator(generate={'dds': 150}))[1]
    body = huawei.get(DDS_JOBS, window(days_back=29.9)).json()
    assert len(body['jobs']) == 100 and set(body) == {'jobs'}
    counted = clients(start_emulator({'options': {'dds_total_count': True}}, generate={'dds': 150}))[1]
    assert counted.get(DDS_JOBS, window(days_back=29.9)).json()['total_count'] == 150


NOW = time.time()
DDS_BAD = [
    ({'end_time': dds_time(NOW)}, 'start_time is mandatory'),
    ({'start_time': dds_time(NOW - DAY)}, 'end_time is mandatory'),
    ({'start_time': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(NOW - DAY)), 'end_time': dds_time(NOW)}, 'format'),
    ({'start_time': time.strftime('%Y-%m-%dT%H:%M:%S+08:00', time.gmtime(NOW - DAY)), 'end_time': dds_time(NOW)}, 'format'),
    ({'start_time': '2024-02-30T00:00:00+0000', 'end_time': dds_time(NOW)}, 'not a valid date'),
    ({'start_time': dds_time(NOW), 'end_time': dds_time(NOW)}, 'later than start_time'),
    ({'start_time': dds_time(NOW), 'end_time': dds_time(NOW - 60)}, 'later than start_time'),
    ({'start_time': dds_time(NOW - 30 * DAY - 1), 'end_time': dds_time(NOW)}, '30 days'),
    (dict(start_time=dds_time(NOW - DAY), end_time=dds_time(NOW), status='Done'), 'status'),
    (dict(start_time=dds_time(NOW - DAY), end_time=dds_time(NOW), offset='-1'), 'offset'),
    (dict(start_time=dds_time(NOW - DAY), end_time=dds_time(NOW), offset='a'), 'offset'),
    (dict(start_time=dds_time(NOW - DAY), end_time=dds_time(NOW), limit='0'), 'limit'),
    (dict(start_time=dds_time(NOW - DAY), end_time=dds_time(NOW), limit='101'), 'limit'),
]


@pytest.mark.parametrize('query, words', DDS_BAD)
def test_list_dds_validation(api, query, words):
    emu, ucloud, huawei, control = api
    answer = huawei.get(DDS_JOBS, query)
    assert answer.status_code == 400 and answer.headers['X-Request-Id']
    assert answer.json()['error_code'] == 'DBS.200001' and words in answer.json()['error_msg']
    assert control('GET', 'stats').json()['rejected'] == 1


def test_list_dds_accepts_the_limits(api):
    emu, ucloud, huawei, control = api
    exactly_30_days = {'start_time': dds_time(NOW - 30 * DAY), 'end_time': dds_time(NOW)}
    assert huawei.get(DDS_JOBS, exactly_30_days).status_code == 200
    for limit in ('1', '100'):
        assert huawei.get(DDS_JOBS, dict(exactly_30_days, limit=limit, offset='0')).status_code == 200


@pytest.mark.parametrize('options', [{'strict': True}, {'dds_span_under_30_days': True}])
def test_list_dds_strict_span_refuses_exactly_30_days(start_emulator, clients, options):
    huawei = clients(start_emulator({'options': options}))[1]
    exactly = huawei.get(DDS_JOBS, {'start_time': dds_time(NOW - 30 * DAY), 'end_time': dds_time(NOW)})
    assert exactly.status_code == 400 and exactly.json()['error_code'] == 'DBS.200001' and '30 days' in exactly.json()['error_msg']
    assert huawei.get(DDS_JOBS, {'start_time': dds_time(NOW - 30 * DAY + 1), 'end_time': dds_time(NOW)}).status_code == 200


# ---------------------------------------------------------------- RDS

def test_list_rds_tasks(api):
    emu, ucloud, huawei, control = api
    body = huawei.get(RDS_TASKS).json()
    assert [task['id'] for task in body['tasks']] == ['r1', 'r2', 'r3'] and body['total_count'] == 3
    assert body['actions'] == ['ResizeFlavor', 'RestartInstance']
    done, running, failed = body['tasks']
    assert set(done) == {'id', 'name', 'instance_id', 'instance_name', 'instance_status', 'order_id', 'process',
                         'fail_reason', 'create_time', 'end_time', 'status', 'datastore_type'}
    assert (done['order_id'], done['process'], done['instance_status']) == ('ORD1', '', 'ACTIVE')
    assert (running['status'], running['process'], running['instance_status'], running['end_time']) == ('Running', '70', 'MODIFYING', '')
    assert failed['status'] == 'Failed' and failed['fail_reason']


def test_list_rds_filters_and_paging(api):
    emu, ucloud, huawei, control = api

    def ids(query):
        return [task['id'] for task in huawei.get(RDS_TASKS, query).json()['tasks']]

    assert ids({'instance_id': 'i-1'}) == ['r1', 'r3']
    assert ids({'order_id': 'ORD1'}) == ['r1']
    assert ids({'name': 'ResizeFlavor'}) == ['r2']
    assert ids({'status': 'Failed'}) == ['r3']
    assert ids({'id': 'r2'}) == ['r2']
    assert ids({'offset': 2, 'limit': 1}) == ['r3']
    now_ms = int(time.time() * 1000)
    assert ids({'start_time': now_ms - 250 * 1000, 'end_time': now_ms + 60000}) == ['r1', 'r2']
    assert ids({'end_time': now_ms - 150 * 1000}) == ['r2', 'r3']
    assert huawei.get(RDS_TASKS, {'status': 'Failed'}).json()['actions'] == ['RestartInstance']


def test_list_rds_default_and_max_limit(start_emulator, clients):
    huawei = clients(start_emulator(generate={'rds': 60}))[1]
    assert len(huawei.get(RDS_TASKS).json()['tasks']) == 10
    assert len(huawei.get(RDS_TASKS, {'limit': 50}).json()['tasks']) == 50


@pytest.mark.parametrize('query, words', [
    ({'start_time': '1700000000000'}, 'end_time is mandatory'),
    ({'start_time': '2024-01-01', 'end_time': '1700000000000'}, 'milliseconds'),
    ({'end_time': 'soon'}, 'milliseconds'),
    ({'start_time': '0', 'end_time': 'soon'}, 'milliseconds'),
    ({'limit': '0'}, 'limit'),
    ({'limit': '51'}, 'limit'),
    ({'offset': '-1'}, 'offset'),
    ({'status': 'running'}, 'status'),
])
def test_list_rds_validation(api, query, words):
    emu, ucloud, huawei, control = api
    answer = huawei.get(RDS_TASKS, query)
    assert answer.status_code == 400 and answer.json()['error_code'] == 'DBS.280001' and words in answer.json()['error_msg']


@pytest.mark.parametrize('options', [{'strict': True}, {'rds_end_time_needs_start_time': True, 'rds_error_body': 'errCode'}])
def test_list_rds_strict_end_time_needs_start_time_and_errcode_bodies(start_emulator, clients, options):
    huawei = clients(start_emulator({'options': options}))[1]
    now_ms = int(time.time() * 1000)
    alone = huawei.get(RDS_TASKS, {'end_time': now_ms})
    assert alone.status_code == 400 and alone.headers['X-Request-Id']
    assert alone.json() == {'errCode': 'DBS.280001', 'externalMessage': 'Parameter start_time is mandatory when end_time is specified.'}
    assert huawei.get(RDS_TASKS, {'start_time': 0, 'end_time': now_ms}).status_code == 200
    assert huawei.get(RDS_TASKS, {'limit': 51}).json()['errCode'] == 'DBS.280001'
    # DDS keeps the documented body
    assert huawei.get(DDS_JOBS, {'end_time': dds_time(NOW)}).json()['error_code'] == 'DBS.200001'


@pytest.mark.parametrize('options, status', [({}, 404), ({'unknown_job_status': 400}, 400), ({'strict': True}, 400)])
def test_show_job_of_a_job_not_created_yet_answers_as_for_an_unknown_id(start_emulator, clients, manual_clock, options, status):
    scenario = {'options': dict(options, speed=1), 'rds': [{'id': 'r-later', 'name': 'ResizeFlavor', 'created': 5, 'status': 'Completed'}],
                'dds': [{'id': 'd-later', 'name': 'CreateMongoDB', 'created': 5, 'status': 'Completed'}]}
    huawei = clients(start_emulator(scenario, monotonic=manual_clock))[1]
    early = {service: huawei.get('/%s%s' % (service, SHOW_JOB), {'id': job}) for service, job in (('rds', 'r-later'), ('dds', 'd-later'))}
    assert {answer.status_code for answer in early.values()} == {status}
    code_key = 'errCode' if options.get('strict') else 'error_code'
    assert early['rds'].json()[code_key] == 'DBS.280404' and early['dds'].json()['error_code'] == 'DBS.200404'
    manual_clock.advance(5)
    assert huawei.get('/rds' + SHOW_JOB, {'id': 'r-later'}).json()['job']['status'] == 'Completed'
    assert huawei.get('/dds' + SHOW_JOB, {'id': 'd-later'}).json()['job']['status'] == 'Completed'


def test_unknown_job_status_takes_404_or_400_only(start_emulator):
    with pytest.raises(Exception, match='unknown_job_status must be one of'):
        start_emulator({'options': {'unknown_job_status': 500}})


@pytest.mark.parametrize('options, planned', [({}, False), ({'strict': True}, True), ({'rds_planned_end_time': True}, True)])
def test_the_rds_list_end_time_of_a_running_task_is_blank_or_planned(start_emulator, clients, options, planned):
    running = {'id': 'r2', 'name': 'ResizeFlavor', 'created': -200, 'lifecycle': [{'status': 'Running', 'duration': 1000}, {'status': 'Completed'}]}
    huawei = clients(start_emulator({'options': options, 'rds': [running, dict(SCENARIO['rds'][0])]}))[1]
    listed = {task['id']: task for task in huawei.get(RDS_TASKS, {}).json()['tasks']}
    started = calendar.timegm(time.strptime(listed['r2']['create_time'], '%Y-%m-%dT%H:%M:%S+0000'))
    if planned:  # the scenario end, 1000 s after creation
        assert calendar.timegm(time.strptime(listed['r2']['end_time'], '%Y-%m-%dT%H:%M:%S+0000')) == started + 1000
    else:
        assert listed['r2']['end_time'] == ''
    assert listed['r1']['end_time'] and huawei.get(SHOW_JOB, {'id': 'r2'}).json()['job']['ended'] == ''


# ---------------------------------------------------------------- single jobs and unknown routes

def test_show_job_for_both_services(api):
    emu, ucloud, huawei, control = api
    dds = huawei.get(SHOW_JOB, {'id': 'd2'}).json()['job']
    assert set(dds) == {'id', 'name', 'status', 'created', 'ended', 'progress', 'instance', 'fail_reason', 'instance_mode'}
    assert (dds['status'], dds['progress'], dds['instance']) == ('Running', '56%', {'id': 'inst-d2', 'name': 'instance-d2'})
    rds = huawei.get(SHOW_JOB, {'id': 'r2'}).json()['job']
    assert set(rds) == {'id', 'name', 'status', 'created', 'ended', 'process', 'instance', 'entities', 'fail_reason', 'datastore_type'}
    assert (rds['status'], rds['process'], rds['entities']['resource_ids']) == ('Running', '70%', ['i-2'])
    failed = huawei.get(SHOW_JOB, {'id': 'd4'}).json()['job']
    assert failed['status'] == 'Failed' and failed['fail_reason'] == 'boom' and failed['ended']


def test_show_job_errors_and_service_prefixes(api):
    emu, ucloud, huawei, control = api
    unknown = huawei.get(SHOW_JOB, {'id': 'nope'})
    assert unknown.status_code == 404 and unknown.json()['error_code'] == 'DBS.200404' and unknown.headers['X-Request-Id']
    assert huawei.get('/rds' + SHOW_JOB, {'id': 'nope'}).json()['error_code'] == 'DBS.280404'
    assert huawei.get('/rds' + SHOW_JOB, {'id': 'd1'}).status_code == 404
    assert huawei.get('/dds' + SHOW_JOB, {'id': 'd1'}).json()['job']['id'] == 'd1'
    assert huawei.get('/rds' + RDS_TASKS).status_code == 200 and huawei.get('/dds' + DDS_JOBS, window()).status_code == 200
    missing = huawei.get(SHOW_JOB)
    assert missing.status_code == 400 and missing.json()['error_code'] == 'DBS.200001'
    stats = control('GET', 'stats').json()['requests']
    assert stats['dds.ShowJob'] == 3 and stats['rds.ShowJob'] == 2


def test_unknown_api_paths(api):
    emu, ucloud, huawei, control = api
    for path in ('/v3/{project_id}/instances', '/v2/{project_id}/jobs', '/dds' + RDS_TASKS):
        answer = huawei.get(path)
        assert answer.status_code == 404 and answer.json()['error_code'] == 'APIGW.0101' and answer.headers['X-Request-Id']
    posted = huawei.session.post(emu.base_url + '/v3/%s/tasklist' % credentials.HUAWEI_PROJECT_ID)
    assert posted.status_code == 404
    assert control('GET', 'stats').json()['requests'] == {'unrouted': 4}


def test_equal_creation_times_keep_scenario_order(start_emulator, clients):
    scenario = {'rds': [{'id': 'x%d' % n, 'name': 'RestartInstance', 'status': 'Completed', 'created': -5} for n in range(6)]}
    huawei = clients(start_emulator(scenario))[1]
    for attempt in range(3):
        assert [task['id'] for task in huawei.get(RDS_TASKS).json()['tasks']] == ['x%d' % n for n in range(6)]


# ---------------------------------------------------------------- IAM projects

def test_iam_lists_the_projects_of_a_region_by_exact_name(api):
    emu, ucloud, huawei, control = api
    answer = huawei.get('/v3/projects', {'name': 'cn-north-4'}, project_header=False)
    assert answer.status_code == 200 and answer.headers['X-IAM-Trace-Id'] and 'X-Request-Id' not in answer.headers
    assert [(project['id'], project['name']) for project in answer.json()['projects']] == [(huawei.creds.project_id, 'cn-north-4')]
    assert huawei.get('/v3/projects', {'name': 'cn-north'}).json()['projects'] == []
    assert {project['name'] for project in huawei.get('/iam/v3/projects').json()['projects']} == {'cn-north-4', 'cn-north-4_sub'}
    assert control('GET', 'stats').json()['requests'] == {'iam.KeystoneListProjects': 3}


def test_iam_projects_come_from_the_scenario_and_the_signature_is_checked(start_emulator, clients):
    emu = start_emulator({'projects': [{'id': 'p-a', 'name': 'eu-west-101'}, {'id': 'p-b', 'name': 'eu-west-101'}]})
    ucloud, huawei, control = clients(emu)
    assert [project['id'] for project in huawei.get('/v3/projects', {'name': 'eu-west-101'}).json()['projects']] == ['p-a', 'p-b']
    refused = huawei.get('/v3/projects', {'name': 'eu-west-101'}, secret_key='wrong')
    assert refused.status_code == 401 and refused.json()['error_code'] == 'APIGW.0301' and refused.headers['X-IAM-Trace-Id']
