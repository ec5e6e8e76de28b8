# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""dds_job_info end to end through main(): windows, local instance filter, job_ids, environment credentials."""

from __future__ import annotations

from ansible.module_utils.common import warnings as ansible_warnings

from ansible_collections.dbtasks.cloud.plugins.modules import dds_job_info
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import run_module
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.task_apis import TaskStore, huawei_api, install_api

JOB = {"id": "j1", "name": "RestartReplicaSetInstance", "instance_id": "ins-1", "instance_name": "dds-1", "status": "Running",
       "progress": "60%", "fail_reason": "", "created_at": "2026-03-01T00:00:00+0000", "ended_at": ""}
ENVIRONMENT = {"HUAWEICLOUD_SDK_AK": "AK", "HUAWEICLOUD_SDK_SK": "SK", "HUAWEICLOUD_SDK_PROJECT_ID": "p1",
               "HUAWEICLOUD_SDK_ENDPOINT": "https://api.test"}


def use_environment(monkeypatch):
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)


def test_credentials_from_the_environment_and_a_45_day_range_in_two_windows(monkeypatch):
    use_environment(monkeypatch)
    store = TaskStore([JOB, dict(JOB, id="j2", instance_id="ins-2")])
    transport = install_api(monkeypatch, store, huawei_api)
    # The fake runtime's clock reads 2026-03-01 (plus its fake seconds): 15 days back and 30 ahead.
    result = run_module(dds_job_info.main, {"start_time": "-15d", "end_time": "2026-03-31T00:00:00Z", "instance_id": "ins-1"})
    assert [job["id"] for job in result["jobs"]] == ["j1"]
    assert result["total_count"] == 2
    assert store.calls["List"] == 2
    assert all("Access=AK," in request.headers["Authorization"] for request in transport.requests)


def test_a_start_beyond_the_month_dds_keeps_is_clipped_with_a_warning(monkeypatch):
    use_environment(monkeypatch)
    ansible_warnings._global_warnings.clear()  # pylint: disable=protected-access
    store = TaskStore([JOB])
    install_api(monkeypatch, store, huawei_api)
    result = run_module(dds_job_info.main, {"start_time": "-60d"})
    assert [job["id"] for job in result["jobs"]] == ["j1"] and store.calls["List"] == 1
    assert ansible_warnings.get_warning_messages() == (
        "start_time 2025-12-31T00:16:40Z is before the month DDS keeps jobs for: listed from 2026-01-30T00:16:41Z",)


def test_job_ids_share_one_listing_and_keep_their_order(monkeypatch):
    use_environment(monkeypatch)
    store = TaskStore([JOB, dict(JOB, id="j2", status="Completed", progress="")])
    install_api(monkeypatch, store, huawei_api)
    result = run_module(dds_job_info.main, {"job_ids": ["j2", "j1"]})
    assert [(job["id"], job["state"]) for job in result["jobs"]] == [("j2", "succeeded"), ("j1", "running")]
    assert "total_count" not in result
    assert dict(store.calls) == {"List": 1}


def test_offset_over_a_long_range_is_refused_before_any_request(monkeypatch):
    use_environment(monkeypatch)
    transport = install_api(monkeypatch, TaskStore([JOB]), huawei_api)
    result = run_module(dds_job_info.main, {"start_time": "-15d", "end_time": "2026-03-31T00:00:00Z", "offset": 100})
    assert result["failed"] is True and result["option"] == "offset"
    assert transport.requests == []
