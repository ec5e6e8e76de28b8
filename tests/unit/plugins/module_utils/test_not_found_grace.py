# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The grace period for ids not visible yet: task_wait's not_found_grace and the info modules' wait_not_found_grace.

A task started seconds before the wait may not be known to the API yet (docs/api-reference.md): its id counts as
pending for the grace period, then the wait fails saying how long it was looked for.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ansible_collections.dbtasks.cloud.plugins.module_utils._connection_options import UCloudConfig
from ansible_collections.dbtasks.cloud.plugins.module_utils._dds import DDS
from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError, ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._huawei_tasks import job_not_yet_visible
from ansible_collections.dbtasks.cloud.plugins.module_utils._info_module import TasksTimedOut, collect_tasks
from ansible_collections.dbtasks.cloud.plugins.module_utils._rds import RDS
from ansible_collections.dbtasks.cloud.plugins.module_utils._retry import RetryPolicy
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_options import parse_plan
from ansible_collections.dbtasks.cloud.plugins.module_utils._ucloud_client import UCloudClient
from ansible_collections.dbtasks.cloud.plugins.module_utils._udts import UDTS
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import FakeClock, FakeTransport, json_response
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.task_apis import WAIT_DEFAULTS, TaskStore, collect_huawei, ucloud_api
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.task_wait_fakes import (
    CONNECTION_ENV,
    Clouds,
    huawei,
    run_wait,
    udts,
    validated,
)

NOW = datetime(2026, 3, 1, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _no_connection_env(monkeypatch):
    for name in CONNECTION_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("provider, item", [("rds", huawei("new")), ("dds", huawei("new", progress_key="progress")), ("udts", udts("new"))])
def test_a_task_that_appears_after_the_wait_started_is_pending_until_then_and_then_followed(provider, item):
    clouds = Clouds(**{provider + "_items": [item]}, appear={"new": 5}, timeline={"new": [(20, {"Status": "Done", "status": "Completed"})]})
    result, warnings, lines = run_wait(clouds, tasks=[{"provider": provider, "id": "new"}], poll_interval=5)
    assert (result["outcome"], result["tasks"][0]["state"], result["tasks"][0]["not_found_for"], warnings) == ("succeeded", "succeeded", None, [])
    assert lines[:2] == ["task_wait     0s | 0 of 1 tasks done, waiting for 1:", "task_wait     0s |   %s new: not visible yet, looked for 0.0s" % provider]
    assert lines[-1].startswith("task_wait    20s | done %s new" % provider)
    assert clouds.elapsed == 20


def test_an_id_that_never_appears_fails_once_the_grace_has_passed_saying_how_long_it_was_looked_for():
    clouds = Clouds(rds_items=[huawei("r1")])
    with pytest.raises(ApiError) as raised:
        run_wait(clouds, tasks=[{"provider": "rds", "id": "r1"}, {"provider": "rds", "id": "ghost"}], poll_interval=10, not_found_grace=30)
    assert str(raised.value) == ("RDS ShowJob failed: the rds task 'ghost' was not found in 30s of looking (not_found_grace is 30s): "
                                 "The job ghost does not exist. (code DBS.280404, HTTP 404, request id req-404)")
    assert (raised.value.code, raised.value.http_status, raised.value.request_id) == ("DBS.280404", 404, "req-404")
    assert clouds.elapsed == 30


def test_the_default_grace_is_60_seconds_and_the_role_names_its_variable():
    clouds = Clouds(dds_items=[])
    with pytest.raises(ApiError, match=r"the dds task 'ghost' was not found in 60s of looking \(wait_for_tasks_not_found_grace is 60s\)"):
        run_wait(clouds, tasks=[{"provider": "dds", "id": "ghost"}], poll_interval=15, variable_prefix="wait_for_tasks_")
    assert clouds.elapsed == 60


def test_a_timeout_within_the_grace_lists_the_task_as_not_visible_yet():
    clouds = Clouds(rds_items=[])
    result, dummy, dummy = run_wait(clouds, tasks=[{"provider": "rds", "id": "late"}], poll_interval=5, timeout=10)
    assert (result["outcome"], result["tasks"][0]["state"], result["tasks"][0]["status"], result["tasks"][0]["not_found_for"]) == (
        "timeout", "pending", None, 10.0)
    assert "rds late: not visible yet, looked for 10s" in result["msg"]
    assert "  pending    rds late: not visible yet, looked for 10s" in result["summary"]


def test_a_task_found_by_a_selector_that_then_vanishes_fails_at_once():
    # The selector's listing finds r1; the read by id that follows it does not know it: a listing saw it, so no grace.
    gone = json_response({"error_code": "DBS.280404", "error_msg": "The job r1 does not exist."}, 404)
    clouds = Clouds(rds_items=[huawei("r1")], fail=lambda request: gone if "jobs?id=" in request.url else None)
    with pytest.raises(ApiError, match="the rds task 'r1' cannot be read: The job r1 does not exist"):
        run_wait(clouds, selectors=[{"provider": "rds", "status": ["Running"]}], poll_interval=5)
    assert clouds.elapsed == 0


@pytest.mark.parametrize("answer", [
    json_response({"error_code": "APIGW.0302", "error_msg": "not authorized"}, 403),
    json_response({"error_code": "APIGW.0101", "error_msg": "The API does not exist"}, 404),
])
def test_errors_that_do_not_mean_an_unknown_id_fail_at_once(answer):
    clouds = Clouds(rds_items=[huawei("r1")], fail=lambda request: answer if "jobs?id=" in request.url else None)
    with pytest.raises(ApiError, match="the rds task 'r1' cannot be read"):
        run_wait(clouds, tasks=[{"provider": "rds", "id": "r1"}], poll_interval=5)
    assert clouds.elapsed == 0


def test_a_huawei_400_with_a_service_code_counts_as_not_visible_yet_under_the_pessimistic_reading():
    strict = json_response({"errCode": "DBS.280404", "externalMessage": "Invalid job ID."}, 400)
    clouds = Clouds(rds_items=[huawei("r1")], appear={"r1": 10}, fail=lambda request: strict if (
        "jobs?id=" in request.url and clouds.elapsed < 10) else None)
    result, dummy, dummy = run_wait(clouds, tasks=[{"provider": "rds", "id": "r1"}], poll_interval=5, timeout=15)
    assert result["tasks"][0]["state"] == "running" and result["outcome"] == "timeout"


@pytest.mark.parametrize("code, counts", [(1404, True), (300, True), (172, False), (292, False), (230, False)])
def test_udts_retcodes_beyond_the_platform_ones_count_as_not_visible_yet(code, counts):
    assert UDTS.not_yet_visible is not None
    assert UDTS.not_yet_visible(ApiError("ucloud", "GetUDTSTaskStatus", "x", code=code)) is counts


@pytest.mark.parametrize("status, code, counts", [(404, "DBS.280404", True), (404, None, True), (400, "DBS.200404", True),
                                                  (400, "DBS.280001", True), (404, "APIGW.0101", False), (403, "APIGW.0302", False),
                                                  (400, "APIG.1000", False), (401, "DBS.1", False)])
def test_huawei_jobs_not_visible_yet_are_404s_of_the_service_or_400s_with_a_service_code(status, code, counts):
    assert DDS.not_yet_visible is job_not_yet_visible and RDS.not_yet_visible is job_not_yet_visible
    assert job_not_yet_visible(ApiError("huaweicloud", "ShowJob", "x", http_status=status, code=code)) is counts


@pytest.mark.parametrize("value", [-1, 3601, float("nan"), "soon"])
def test_the_grace_is_bounded_and_named_in_the_callers_words(value):
    with pytest.raises(ParameterError, match=r"^not_found_grace: must be from 0 to 3600 seconds"):
        parse_plan(dict(validated(tasks=[{"provider": "rds", "id": "r1"}]), not_found_grace=value))


# The info modules' wait (collect_tasks over the real HuaweiClient and an in-memory API).


def test_an_info_module_wait_counts_a_new_job_as_pending_until_it_appears():
    store = TaskStore([huawei("new")], clock=FakeClock(), appear={"new": 5}, timeline={"new": [(12, {"status": "Completed"})]})
    result, warnings = collect_huawei(RDS, store, NOW, job_id="new", wait=True, wait_sleep=2)
    assert (result["wait_outcome"], result["tasks"][0]["state"], warnings) == ("succeeded", "succeeded", [])


def test_an_info_module_wait_fails_after_its_grace_naming_the_option():
    store = TaskStore([], clock=FakeClock())
    with pytest.raises(ApiError, match=r"job_id 'ghost' was not found in 24s of looking \(wait_not_found_grace is 20s\): The job ghost does not exist"):
        collect_huawei(DDS, store, NOW, job_id="ghost", wait=True, wait_sleep=5, wait_not_found_grace=20)
    assert store.clock.now - store.start == 23.75  # the first poll after the grace: 0, 5, 12.5, 23.75 (wait_sleep grows 1.5 times)


def test_an_info_module_timeout_within_the_grace_lists_the_job_as_not_visible_yet():
    store = TaskStore([], clock=FakeClock())
    with pytest.raises(TasksTimedOut) as raised:
        collect_huawei(RDS, store, NOW, job_ids=["late"], wait=True, wait_sleep=5, wait_timeout=10)
    assert "late (not visible yet, looked for " in str(raised.value)
    assert raised.value.to_fail_kwargs()["tasks"][0]["state"] == "pending"


def test_a_udts_wait_that_fails_fast_reports_a_task_not_visible_yet_without_reading_its_detail():
    store = TaskStore([udts("bad", "FailedUnrecoverable", FailReason="disk full")], id_key="TaskId", clock=FakeClock())
    clock = store.clock
    client = UCloudClient(UCloudConfig(public_key="pub", private_key="priv", base_url="https://ucloud.test"), FakeTransport(handler=ucloud_api(store)),
                          RetryPolicy(retries=0, sleep=clock.sleep, clock=clock.monotonic))
    params = dict(WAIT_DEFAULTS, task_ids=["bad", "late"], wait=True)
    result = collect_tasks(UDTS.source(UDTS, client, params, NOW), params, lambda warning: None, lambda: NOW, sleep=clock.sleep, clock=clock.monotonic)
    assert result["wait_outcome"] == "failed"
    assert [(task["id"], task["state"], task.get("not_found_for")) for task in result["tasks"]] == [("bad", "failed", None), ("late", "pending", 0.0)]
    assert result["tasks"][0]["failure_reason"] == "disk full"


def test_a_plain_read_of_an_unknown_id_fails_at_once_as_before():
    store = TaskStore([], clock=FakeClock())
    with pytest.raises(ApiError, match="job_id 'ghost' cannot be read: The job ghost does not exist"):
        collect_huawei(RDS, store, NOW, job_id="ghost")


@pytest.mark.parametrize("value", [-1, 3601])
def test_the_info_modules_grace_is_bounded(value):
    store = TaskStore([], clock=FakeClock())
    with pytest.raises(ParameterError, match="^wait_not_found_grace: must be from 0 to 3600 seconds"):
        collect_huawei(RDS, store, NOW, job_id="x", wait=True, wait_not_found_grace=value)
    assert not store.calls
