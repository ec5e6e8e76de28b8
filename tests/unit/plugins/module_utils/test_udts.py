# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""UdtsTasks: ListUDTSTask/GetUDTSTaskStatus requests, local filters, detail merging, through the real UCloud client."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ansible_collections.dbtasks.cloud.plugins.module_utils._connection_options import UCloudConfig
from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError, DbTasksError, ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._info_module import collect_tasks
from ansible_collections.dbtasks.cloud.plugins.module_utils._retry import RetryPolicy
from ansible_collections.dbtasks.cloud.plugins.module_utils._ucloud_client import UCloudClient
from ansible_collections.dbtasks.cloud.plugins.module_utils._udts import UDTS, UDTS_PAGE_SIZE, UdtsTasks
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import FakeClock, FakeTransport, json_response
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.task_apis import WAIT_DEFAULTS, TaskStore, ucloud_api

NOW = datetime(2026, 3, 1, tzinfo=timezone.utc)


def udts_task(task_id, status="Dumping", name="copy", task_type="full", **fields):
    return dict({"TaskId": task_id, "Name": name, "Type": task_type, "Status": status, "CreateTime": 1772323200,
                 "MaxRetryCount": 2, "CurRetryCount": 0, "Progress": {"Percentage": 40.5, "TotalDuration": 100, "CurDuration": 40},
                 "DBType": "mysql"}, **fields)


def run(store, detail=None, **params):
    clock = store.clock
    transport = FakeTransport(handler=ucloud_api(store, detail))
    client = UCloudClient(UCloudConfig("pub", "priv", project_id="org-1", base_url="https://udts.test"), transport,
                          RetryPolicy(retries=0, sleep=clock.sleep, clock=clock.monotonic))
    params = dict(WAIT_DEFAULTS, **params)
    warnings = []
    result = collect_tasks(UdtsTasks(UDTS, client, params, NOW), params, warnings.append, lambda: NOW, sleep=clock.sleep, clock=clock.monotonic)
    return result, warnings


def list_pages(store):
    return sorted((int(params["Offset"]), params["Limit"]) for action, params in store.queries if action == "ListUDTSTask")


def test_lists_every_page_of_100_with_string_offsets_up_to_an_empty_page():
    store = TaskStore([udts_task("udts-%03d" % number) for number in range(230)], id_key="TaskId")
    result, warnings = run(store)
    assert len(result["tasks"]) == 230 and result["total_count"] == 230 and warnings == []
    # TotalCount is not documented, so it ends nothing: the page after the last task is read too.
    assert list_pages(store) == [(0, "100"), (100, "100"), (200, "100"), (230, "100"), (300, "100")]
    assert all(params["ProjectId"] == "org-1" and "Type" not in params for action, params in store.queries)
    assert UDTS_PAGE_SIZE == 100


def test_without_total_count_a_short_page_is_not_the_end():
    store = TaskStore([udts_task("udts-%03d" % number) for number in range(150)], id_key="TaskId", send_total=False)
    result, dummy = run(store)
    assert len(result["tasks"]) == 150 and "total_count" not in result
    assert (150, "100") in list_pages(store)


@pytest.mark.parametrize("cap", [20, 50])
@pytest.mark.parametrize("send_total", [False, True])
def test_120_tasks_are_listed_completely_when_the_server_serves_fewer_per_page(cap, send_total):
    store = TaskStore([udts_task("udts-%03d" % number) for number in range(120)], id_key="TaskId", send_total=send_total, page_cap=cap)
    result, warnings = run(store)
    assert [item["id"] for item in result["tasks"]] == ["udts-%03d" % number for number in range(120)] and warnings == []
    pages = list_pages(store)
    assert all(limit == "100" for dummy, limit in pages) and (120, "100") in pages


def test_items_keep_every_field_in_snake_case_plus_normalized_fields():
    result, dummy = run(TaskStore([udts_task("udts-1")], id_key="TaskId"))
    item = result["tasks"][0]
    assert item["task_id"] == item["id"] == "udts-1"
    assert item["db_type"] == "mysql" and item["progress"]["total_duration"] == 100
    assert (item["state"], item["terminal"], item["progress_percent"], item["failure_reason"]) == ("running", False, 40.5, None)


def test_type_is_sent_and_name_and_status_filter_locally():
    store = TaskStore([udts_task("a", "Synced", name="orders", task_type="incremental"),
                       udts_task("b", "Syncing", name="orders", task_type="incremental"),
                       udts_task("c", "Synced", name="users", task_type="incremental"),
                       udts_task("d", "Synced", name="orders", task_type="full"),
                       udts_task("e", "Synced", name="orders", task_type="full")], id_key="TaskId", kinds={"e": "integration"})
    result, dummy = run(store, type="transfer", name="orders", status=["Synced", "Done"])
    assert [item["id"] for item in result["tasks"]] == ["a", "d"]
    assert result["total_count"] == 4  # the API's count, before the local filters
    assert store.queries[0][1]["Type"] == "transfer"


def test_integration_tasks_are_listed_only_with_type_integration():
    store = TaskStore([udts_task("a"), udts_task("b")], id_key="TaskId", kinds={"b": "integration"})
    assert [item["id"] for item in run(store)[0]["tasks"]] == ["a"]
    assert [item["id"] for item in run(store, type="integration")[0]["tasks"]] == ["b"]


def test_task_ids_merge_the_status_detail_once_per_task():
    store = TaskStore([udts_task("a", "Failed", CurRetryCount=2, FailReason="Access denied"), udts_task("b", "Synced", task_type="incremental")],
                      id_key="TaskId")

    def detail(item):
        return {"FailedMessage": item.get("FailReason", ""), "Sync": {"BinlogName": "mysql-bin.000006", "BinlogPos": 154, "BinlogGTID": "uuid:1-5"}}
    result, dummy = run(store, detail=detail, task_ids=["b", "a"], type="transfer")
    first, second = result["tasks"]
    assert (first["id"], first["sync"]["binlog_gtid"], first["name"]) == ("b", "uuid:1-5", "copy")
    assert (second["state"], second["failure_reason"], second["failed_message"]) == ("failed", "Access denied", "Access denied")
    assert store.calls["GetUDTSTaskStatus"] == 2
    assert {params.get("Type") for action, params in store.queries} == {"transfer"}


def test_type_goes_to_both_apis_and_finds_an_integration_task_by_id():
    store = TaskStore([udts_task("a", task_type="full")], id_key="TaskId", kinds={"a": "integration"})
    result, dummy = run(store, task_id="a", type="integration")
    assert result["tasks"][0]["id"] == "a"
    sent = {(action, params.get("Type")) for action, params in store.queries}
    assert sent == {("ListUDTSTask", "integration"), ("GetUDTSTaskStatus", "integration")}


@pytest.mark.parametrize("value", ["full", "incremental", "Transfer"])
def test_type_is_transfer_or_integration(value):
    with pytest.raises(ParameterError, match="^type: must be transfer or integration"):
        UdtsTasks(UDTS, None, {"type": value}, NOW)


def test_a_task_missing_from_the_listing_is_read_by_id():
    store = TaskStore([udts_task("a")], id_key="TaskId")
    store.find = lambda task_id: udts_task(task_id, "Done")
    result, dummy = run(store, task_id="hidden")
    assert result["tasks"][0]["id"] == "hidden" and result["tasks"][0]["state"] == "succeeded"
    assert store.calls["GetUDTSTaskStatus"] == 1


def test_unknown_task_id_is_a_clear_error():
    store = TaskStore([udts_task("a")], id_key="TaskId")
    with pytest.raises(ApiError) as raised:
        run(store, task_id="udts-nope")
    assert str(raised.value) == ("UCloud GetUDTSTaskStatus failed: task_id 'udts-nope' cannot be read: Task [udts-nope] does not exist "
                                 "(code 1404, HTTP 200, request id req-1404)")


def test_wait_for_synced_polls_the_list_only_until_the_report():
    clock = FakeClock()
    store = TaskStore([udts_task("a", "Dumping", task_type="full+incremental")], id_key="TaskId", clock=clock,
                      timeline={"a": [(30, {"Status": "Syncing"}), (60, {"Status": "Synced"})]})
    result, dummy = run(store, task_id="a", wait=True, wait_for="synced")
    assert result["wait_outcome"] == "synced" and result["tasks"][0]["state"] == "synced"
    assert store.calls["GetUDTSTaskStatus"] == 1
    # One page per poll: the listing follows one task and ends once it has shown it.
    assert store.calls["ListUDTSTask"] == len(clock.sleeps) + 1 > 1


def test_blank_filters_are_rejected():
    with pytest.raises(ParameterError, match="^name: must not be empty$"):
        UdtsTasks(UDTS, None, {"name": " "}, NOW)
    with pytest.raises(ParameterError, match="^type: must not be empty$"):
        UdtsTasks(UDTS, None, {"type": ""}, NOW)


def test_a_status_answer_without_data_is_an_error():
    transport = FakeTransport(json_response({"RetCode": 0, "Action": "GetUDTSTaskStatusResponse"}))
    client = UCloudClient(UCloudConfig("pub", "priv"), transport, RetryPolicy(retries=0))
    with pytest.raises(DbTasksError, match="without a Data object for task 'a'"):
        UdtsTasks(UDTS, client, {}, NOW).get_one("a")
