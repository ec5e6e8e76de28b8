# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The providers' official SDKs (test-only oracles) call every emulator route successfully, over HTTP and HTTPS."""

from __future__ import annotations

import datetime
import logging
import os

# The SDKs are test-only oracles listed in requirements/*.in: a missing one fails here instead of skipping.
import pytest
import ucloud.client as ucloud_client
import ucloud.core.exc as ucloud_exc
from huaweicloudsdkcore.auth import credentials as sdk_credentials
from huaweicloudsdkcore.exceptions import exceptions as sdk_exceptions
from huaweicloudsdkcore.http import http_config as sdk_http_config
from huaweicloudsdkcore.region.region import Region
from huaweicloudsdkdds import v3 as dds_v3
from huaweicloudsdkrds import v3 as rds_v3

from tests.emulator.launcher import EMULATOR_DIR
from tests.emulator.scenario import HuaweiCredentials, UCloudCredentials

# the Huawei SDK signer still calls datetime.utcnow()
pytestmark = pytest.mark.filterwarnings('ignore:datetime.datetime.utcnow:DeprecationWarning')
DEMO = os.path.join(EMULATOR_DIR, 'scenarios', 'demo.yml')
DDS_JOB = '2f406db7-bdc4-402f-9dc4-2c1b094a5f93'
RDS_JOB = '676e9f17f9b74289883a44a47b8101f5'


def _ucloud(base_url, ca_path=None, private_key=None):
    creds = UCloudCredentials()
    config = {'region': 'cn-bj2', 'public_key': creds.public_key, 'private_key': private_key or creds.private_key,
              'base_url': base_url, 'max_retries': 0, 'log_level': logging.WARNING}
    if ca_path:
        config['ssl_cacert'] = ca_path
    return ucloud_client.Client(config).udts()


def _huawei(builder, base_url, ca_path=None, security_token=None, secret_key=None):
    creds = HuaweiCredentials()
    basic = sdk_credentials.BasicCredentials(creds.access_key, secret_key or creds.secret_key, creds.project_id)
    if security_token:
        basic = basic.with_security_token(security_token)
    config = sdk_http_config.HttpConfig.get_default_config()
    config.retry_times = 0
    if ca_path:
        config.ssl_ca_cert = ca_path
    return builder.with_credentials(basic).with_endpoints([base_url]).with_http_config(config).build()


def _dds_window():
    now = datetime.datetime.now(datetime.timezone.utc)
    return tuple((now + datetime.timedelta(minutes=minutes)).strftime('%Y-%m-%dT%H:%M:%S+0000') for minutes in (-2 * 1440, 5))


def _call_every_route(base_url, ca_path=None, security_token=None):
    udts = _ucloud(base_url, ca_path)
    listed = udts.list_udts_task({'Offset': '0', 'Limit': '10'})
    assert {item['TaskId'] for item in listed['Data']} >= {'udts-demofi01', 'udts-demofu01'}
    status = udts.get_udts_task_status({'TaskId': 'udts-demofu01', 'Type': 'transfer'})
    assert status['Data']['Status'] in ('Created', 'Dumping', 'Loading', 'Done')

    dds = _huawei(dds_v3.DdsClient.new_builder(), base_url, ca_path, security_token)
    start, end = _dds_window()
    jobs = dds.list_tasks(dds_v3.ListTasksRequest(start_time=start, end_time=end, offset=0, limit=100))
    assert jobs.total_count is None and len(jobs.jobs) == 3 and DDS_JOB in [job.id for job in jobs.jobs]
    job = dds.show_job_detail(dds_v3.ShowJobDetailRequest(id=DDS_JOB)).job
    assert job.id == DDS_JOB and job.instance.id == '1f311e6a299345d7bbc878874844e233in02'

    rds = _huawei(rds_v3.RdsClient.new_builder(), base_url, ca_path, security_token)
    tasks = rds.list_tasks(rds_v3.ListTasksRequest(offset=0, limit=50))
    assert RDS_JOB in [task.id for task in tasks.tasks] and 'RestartInstance' in tasks.actions
    info = rds.list_job_info(rds_v3.ListJobInfoRequest(id=RDS_JOB, x_language='en-us'))
    assert info.job.id == RDS_JOB and info.job.instance.name == 'rds-demo-mysql'


def test_official_sdks_call_every_route(start_emulator):
    emu = start_emulator(DEMO, speed=5)
    _call_every_route(emu.base_url)
    assert emu.state.stats.snapshot()['requests'] == {
        'dds.ListJobs': 1, 'dds.ShowJob': 1, 'rds.ListTasks': 1, 'rds.ShowJob': 1,
        'udts.GetUDTSTaskStatus': 1, 'udts.ListUDTSTask': 1}


def test_official_sdks_over_tls_with_temporary_credentials(start_emulator):
    emu = start_emulator(DEMO, speed=5, tls=True)
    _call_every_route(emu.base_url, emu.ca_path, security_token='emulator-security-token')
    assert emu.state.stats.snapshot()['auth_failures'] == 0


def test_official_sdks_see_provider_shaped_errors(start_emulator):
    emu = start_emulator(DEMO)
    with pytest.raises(ucloud_exc.RetCodeException) as ucloud_error:
        _ucloud(emu.base_url, private_key='wrong').list_udts_task({})
    assert ucloud_error.value.code == 171 and ucloud_error.value.request_uuid
    with pytest.raises(ucloud_exc.RetCodeException) as missing:
        _ucloud(emu.base_url).get_udts_task_status({'TaskId': 'udts-none'})
    assert missing.value.code == 1404 and not missing.value.retryable
    rds = _huawei(rds_v3.RdsClient.new_builder(), emu.base_url, secret_key='wrong')
    with pytest.raises(sdk_exceptions.ClientRequestException) as huawei_error:
        rds.list_tasks(rds_v3.ListTasksRequest())
    assert (huawei_error.value.status_code, huawei_error.value.error_code) == (401, 'APIGW.0301')
    assert huawei_error.value.request_id
    dds = _huawei(dds_v3.DdsClient.new_builder(), emu.base_url)
    with pytest.raises(sdk_exceptions.ClientRequestException) as invalid:
        dds.list_tasks(dds_v3.ListTasksRequest(start_time='yesterday', end_time='today'))
    assert (invalid.value.status_code, invalid.value.error_code) == (400, 'DBS.200001')


def test_the_official_sdk_finds_the_project_id_through_the_iam_route(start_emulator):
    """Without a project id the SDK asks IAM for the region's project, as the collection does; the emulator's route
    answers it in the shape the SDK reads, and checks the signature of a request that carries no X-Project-Id."""
    emu = start_emulator(DEMO, speed=5)
    creds = HuaweiCredentials()
    basic = sdk_credentials.BasicCredentials(creds.access_key, creds.secret_key).with_iam_endpoint(emu.base_url)
    config = sdk_http_config.HttpConfig.get_default_config()
    config.retry_times = 0
    rds = rds_v3.RdsClient.new_builder().with_credentials(basic).with_region(Region('cn-north-4', emu.base_url)) \
        .with_http_config(config).build()
    assert basic.project_id == creds.project_id
    assert RDS_JOB in [task.id for task in rds.list_tasks(rds_v3.ListTasksRequest(offset=0, limit=50)).tasks]
    assert emu.state.stats.snapshot()['requests'] == {'iam.KeystoneListProjects': 1, 'rds.ListTasks': 1}
    assert emu.state.stats.snapshot()['auth_failures'] == 0
