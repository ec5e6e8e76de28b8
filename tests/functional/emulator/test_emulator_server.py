# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The server itself: control API, keep-alive, concurrency, TLS, the command line and clean shutdown."""

from __future__ import annotations

import concurrent.futures
import http.client
import os
import re
import signal
import subprocess
import sys
import threading

import pytest
import requests

from tests.emulator import credentials
from tests.emulator.auth import ucloud_sign
from tests.emulator.client import HuaweiTestClient, UCloudTestClient
from tests.emulator.launcher import EMULATOR_DIR, start_subprocess, stop_subprocess
from tests.emulator.server import Emulator

DEMO = os.path.join(EMULATOR_DIR, 'scenarios', 'demo.yml')


def test_stats_count_routes_and_reset_zeroes_them(start_emulator, clients):
    emu = start_emulator(DEMO)
    ucloud, huawei, control = clients(emu)
    ucloud.call('ListUDTSTask')
    ucloud.call('ListUDTSTask', Limit='x')
    ucloud.call('GetUDTSTaskStatus', TaskId='udts-demofu01')
    huawei.get('/v3/{project_id}/tasklist')
    huawei.get('/v3/{project_id}/jobs', {'id': '676e9f17f9b74289883a44a47b8101f5'})
    huawei.get('/v3/{project_id}/tasklist', token='wrong')
    control('GET', 'health')
    stats = control('GET', 'stats').json()
    assert stats['requests'] == {'rds.ListTasks': 2, 'rds.ShowJob': 1, 'udts.GetUDTSTaskStatus': 1, 'udts.ListUDTSTask': 2}
    assert (stats['total_requests'], stats['auth_failures'], stats['rejected'], stats['connections']) == (6, 1, 1, 1)
    reset = control('POST', 'reset').json()
    assert reset['requests'] == {} and reset['total_requests'] == reset['connections'] == reset['auth_failures'] == 0
    # counters, not tasks: the demo tasks are still there
    assert len(ucloud.call('ListUDTSTask').json()['Data']) == 4


def test_health_and_unknown_control_route(start_emulator, clients):
    emu = start_emulator(DEMO, speed=50)
    ucloud, huawei, control = clients(emu)
    health = control('GET', 'health').json()
    assert health['status'] == 'ok' and health['speed'] == 50 and health['tasks'] == {'udts': 4, 'dds': 4, 'rds': 3}
    assert control('GET', 'nothing').status_code == 404
    assert control('GET', 'stats').json()['total_requests'] == 0


def test_keep_alive_uses_one_connection(start_emulator):
    emu = start_emulator(DEMO)
    session = requests.Session()
    ucloud, huawei = UCloudTestClient(emu.base_url, session=session), HuaweiTestClient(emu.base_url, session=session)
    for attempt in range(3):
        assert ucloud.call('ListUDTSTask').status_code == 200
        assert huawei.get('/v3/{project_id}/tasklist').status_code == 200
        assert session.get(emu.base_url + '/nope').status_code == 404
    stats = session.get(emu.base_url + '/_emulator/stats').json()
    assert stats['connections'] == 1 and stats['total_requests'] == 9


def test_http11_content_length_and_connection_close(start_emulator):
    emu = start_emulator(DEMO)
    connection = http.client.HTTPConnection('127.0.0.1', int(emu.base_url.rsplit(':', 1)[1]), timeout=10)
    signed = ucloud_sign({'Action': 'ListUDTSTask'}, credentials.UCLOUD_PUBLIC_KEY, credentials.UCLOUD_PRIVATE_KEY)
    body = '&'.join('%s=%s' % pair for pair in signed.items())
    for attempt in range(2):
        connection.request('POST', '/', body=body, headers={'Content-Type': 'application/x-www-form-urlencoded'})
        answer = connection.getresponse()
        payload = answer.read()
        assert answer.version == 11 and int(answer.getheader('Content-Length')) == len(payload)
        assert not answer.will_close
    connection.request('GET', '/_emulator/health', headers={'Connection': 'close'})
    answer = connection.getresponse()
    answer.read()
    assert answer.will_close
    connection.close()


def test_chunked_request_body(start_emulator):
    emu = start_emulator(DEMO)
    signed = ucloud_sign({'Action': 'ListUDTSTask', 'Limit': '2'}, credentials.UCLOUD_PUBLIC_KEY, credentials.UCLOUD_PRIVATE_KEY)
    form = '&'.join('%s=%s' % pair for pair in signed.items())
    answer = requests.post(emu.base_url + '/', data=iter([form[:10].encode(), form[10:].encode()]),
                           headers={'Content-Type': 'application/x-www-form-urlencoded'}, timeout=10)
    assert answer.json()['RetCode'] == 0 and len(answer.json()['Data']) == 2


def test_fifty_concurrent_clients(start_emulator):
    emu = start_emulator(DEMO, generate={'rds': 200})
    barrier = threading.Barrier(50, timeout=30)

    def client(number):
        session = requests.Session()
        ucloud, huawei = UCloudTestClient(emu.base_url, session=session), HuaweiTestClient(emu.base_url, session=session)
        barrier.wait()
        codes = [huawei.get('/v3/{project_id}/tasklist', {'offset': number, 'limit': 5}).status_code,
                 ucloud.call('GetUDTSTaskStatus', TaskId='udts-demofi01').json()['RetCode'],
                 huawei.get('/v3/{project_id}/jobs', {'id': '676e9f17f9b74289883a44a47b8101f5'}).status_code]
        session.close()
        return codes

    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(client, range(50)))
    assert results == [[200, 0, 200]] * 50
    stats = requests.get(emu.base_url + '/_emulator/stats', timeout=10).json()
    assert stats['total_requests'] == 150 and stats['connections'] == 51


def test_in_process_tls_and_cleanup():
    with Emulator(DEMO, tls=True) as emu:
        assert emu.base_url.startswith('https://127.0.0.1:') and os.path.isfile(emu.ca_path)
        assert requests.get(emu.base_url + '/_emulator/health', verify=emu.ca_path, timeout=10).status_code == 200
        ca_path = emu.ca_path
    assert not os.path.exists(ca_path)


def test_tls_subprocess_with_the_printed_ca(emulator_factory):
    running = emulator_factory(['--tls', '--scenario', DEMO])
    assert re.fullmatch(r'https://127\.0\.0\.1:\d+', running.base_url) and os.path.isfile(running.ca_path)
    ucloud = UCloudTestClient(running.base_url, verify=running.ca_path)
    huawei = HuaweiTestClient(running.base_url, verify=running.ca_path)
    assert ucloud.call('ListUDTSTask').json()['RetCode'] == 0
    assert huawei.get('/v3/{project_id}/tasklist').status_code == 200
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(running.base_url + '/_emulator/health', timeout=10)
    assert running.health()['status'] == 'ok'
    assert requests.get(running.base_url.replace('127.0.0.1', 'localhost') + '/_emulator/health', verify=running.ca_path,
                        timeout=10).status_code == 200


def test_first_line_is_the_base_url_and_signals_stop_cleanly():
    for sig in (signal.SIGTERM, signal.SIGINT):
        process = subprocess.Popen([sys.executable, EMULATOR_DIR, '--port', '0', '--scenario', DEMO],  # pylint: disable=consider-using-with
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            first = process.stdout.readline().rstrip('\n')
            assert re.fullmatch(r'http://127\.0\.0\.1:\d+', first), first
            assert requests.get(first + '/_emulator/health', timeout=10).json()['status'] == 'ok'
            process.send_signal(sig)
            out, err = process.communicate(timeout=15)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
        assert process.returncode == 0 and out == '' and 'Traceback' not in err


def test_launcher_reports_a_failed_start_and_stops_processes():
    process, base_url, ca_path = start_subprocess(['--scenario', DEMO])
    assert base_url.startswith('http://') and ca_path is None
    assert stop_subprocess(process) == 0
    with pytest.raises(RuntimeError, match='speed'):
        start_subprocess(['--speed', '-1'])


def test_shared_emulator_fixture(emulator):
    assert emulator.health()['tasks']['udts'] == 4
    emulator.add_faults({'route': 'rds.ListTasks', 'kind': 'http_503', 'count': 1})
    huawei = HuaweiTestClient(emulator.base_url)
    assert huawei.get('/v3/{project_id}/tasklist').status_code == 503
    assert emulator.stats()['faults_injected'] == 1
