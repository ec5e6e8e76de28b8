# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""RdsTasks: server-side filters, epoch-millisecond times, pages of 50 and the single-job API, through the real Huawei client."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._rds import RDS, RDS_PAGE_SIZE, RdsTasks
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import FakeClock
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.task_apis import TaskStore, collect_huawei

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc)
NOW_MS = "1772366400000"


def rds_task(task_id, status="Running", **fields):
    return dict({"id": task_id, "name": "RestartInstance", "instance_id": "ins-1", "instance_name": "rds-1", "instance_status": "ACTIVE",
                 "order_id": "", "process": "30" if status == "Running" else "", "fail_reason": "", "status": status,
                 "create_time": "2026-03-01T06:24:14+0000", "end_time": ""}, **fields)


def run(store, **params):
    return collect_huawei(RDS, store, NOW, **params)


def list_queries(store):
    return [query for operation, query in store.queries if operation == "List"]


def test_lists_pages_of_50_without_a_time_filter():
    store = TaskStore([rds_task("t%03d" % number) for number in range(120)])
    result, warnings = run(store)
    assert len(result["tasks"]) == 120 and result["total_count"] == 120 and warnings == []
    assert sorted((query["offset"], query["limit"]) for query in list_queries(store)) == [("0", "50"), ("100", "50"), ("50", "50")]
    assert all(set(query) == {"offset", "limit"} for query in list_queries(store))
    assert RDS_PAGE_SIZE == 50


def test_every_filter_goes_to_the_api():
    store = TaskStore([rds_task("a", order_id="CS1"), rds_task("b"), rds_task("c", "Completed", order_id="CS1")])
    result, dummy = run(store, status="Running", name="RestartInstance", instance_id="ins-1", order_id="CS1")
    assert [item["id"] for item in result["tasks"]] == ["a"] and result["total_count"] == 1
    query = list_queries(store)[0]
    assert (query["status"], query["name"], query["instance_id"], query["order_id"]) == ("Running", "RestartInstance", "ins-1", "CS1")


@pytest.mark.parametrize("params, start, end", [
    ({"start_time": "-1d"}, "1772280000000", NOW_MS),
    ({"start_time": 1772280000, "end_time": "2026-03-01T20:00:00+08:00"}, "1772280000000", "1772366400000"),
    ({"start_time": "1772280000123", "end_time": "now"}, "1772280000123", NOW_MS),
    # end_time alone: the API may refuse it without start_time, so the epoch is sent as start_time.
    ({"end_time": "-12h"}, "0", "1772323200000"),
])
def test_times_are_sent_as_epoch_milliseconds(params, start, end):
    store = TaskStore([])
    run(store, **params)
    query = list_queries(store)[0]
    assert (query.get("start_time"), query.get("end_time")) == (start, end)


def test_job_id_reads_the_single_job_api_on_every_poll():
    clock = FakeClock()
    store = TaskStore([rds_task("a")], clock=clock, timeline={"a": [(12, {"status": "Completed", "process": ""})]})
    result, dummy = run(store, job_id="a", wait=True, wait_sleep=5)
    assert result["wait_outcome"] == "succeeded" and result["tasks"][0]["terminal"] is True
    assert set(operation for operation, query in store.queries) == {"ShowJob"}
    assert store.calls["ShowJob"] == len(clock.sleeps) + 1


@pytest.mark.parametrize("params, option", [
    ({"start_time": "yesterday"}, "start_time"),
    ({"start_time": "-1d", "end_time": "-2d"}, "end_time"),
    ({"order_id": " "}, "order_id"),
    ({"name": ""}, "name"),
])
def test_bad_options_fail_before_any_request(params, option):
    with pytest.raises(ParameterError) as raised:
        RdsTasks(RDS, None, params, NOW)
    assert raised.value.option == option
