# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""DdsJobs: time windows, DDS time format, filters and the single-job API, through the real Huawei client."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.dbtasks.cloud.plugins.module_utils._dds import DDS, DDS_PAGE_SIZE, DdsJobs
from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError, ParameterError
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.task_apis import TaskStore, collect_huawei

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


def job(job_id, status="Running", instance_id="ins-1", **fields):
    return dict({"id": job_id, "name": "RestartReplicaSetInstance", "instance_id": instance_id, "instance_name": "dds-1",
                 "status": status, "progress": "60%" if status == "Running" else "", "fail_reason": "",
                 "created_at": "2026-03-01T06:24:14+0000", "ended_at": ""}, **fields)


def run(store, **params):
    return collect_huawei(DDS, store, NOW, **params)


def list_queries(store):
    return [query for operation, query in store.queries if operation == "List"]


def test_default_range_is_one_window_just_under_30_days_in_dds_format():
    store = TaskStore([job("a")])
    result, warnings = run(store)
    assert [item["id"] for item in result["jobs"]] == ["a"] and result["total_count"] == 1 and warnings == []
    # "cannot be longer than 30 days", read strictly: 30 days minus one second, both ends inclusive.
    assert list_queries(store) == [{"start_time": "2026-01-30T12:00:01+0000", "end_time": "2026-03-01T12:00:00+0000",
                                    "offset": "0", "limit": "100"}]
    assert DDS_PAGE_SIZE == 100


def span(window):
    start, end = (datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z") for text in window)
    return end - start


def test_a_45_day_range_is_read_in_windows_shorter_than_30_days_that_meet_and_cover_it():
    store = TaskStore([job("a"), job("b", "Completed")])
    result, warnings = run(store, start_time="-10d", end_time="2026-04-05T12:00:00Z")  # 45 days, 35 of them ahead
    assert [item["id"] for item in result["jobs"]] == ["a", "b"]  # every window answers with both, kept once
    windows = [(query["start_time"], query["end_time"]) for query in list_queries(store)]
    assert windows == [("2026-03-06T12:00:01+0000", "2026-04-05T12:00:00+0000"),
                       ("2026-02-19T12:00:00+0000", "2026-03-06T12:00:01+0000")]
    assert all(span(window) < timedelta(days=30) for window in windows)
    assert warnings == []


def test_a_start_before_the_month_dds_keeps_is_clipped_with_a_warning():
    store = TaskStore([job("a"), job("b", "Completed")])
    result, warnings = run(store, start_time="2025-12-01T20:00:00+08:00")  # 90 days before NOW
    assert [item["id"] for item in result["jobs"]] == ["a", "b"]
    windows = [(query["start_time"], query["end_time"]) for query in list_queries(store)]
    assert windows == [("2026-01-30T12:00:01+0000", "2026-03-01T12:00:00+0000")]
    assert warnings == ["start_time 2025-12-01T12:00:00Z is before the month DDS keeps jobs for: listed from 2026-01-30T12:00:01Z"]


def test_end_time_alone_is_clipped_without_a_warning():
    store = TaskStore([job("a")])
    dummy, warnings = run(store, end_time="-10d")
    assert [(query["start_time"], query["end_time"]) for query in list_queries(store)] == [
        ("2026-01-30T12:00:01+0000", "2026-02-19T12:00:00+0000")]
    assert warnings == []


def test_status_and_name_go_to_the_api_and_instance_id_is_filtered_locally():
    store = TaskStore([job("a", instance_id="ins-1"), job("b", instance_id="ins-2"), job("c", "Failed", instance_id="ins-1")])
    result, dummy = run(store, status="Running", name="RestartReplicaSetInstance", instance_id="ins-1", start_time="-1d")
    assert [item["id"] for item in result["jobs"]] == ["a"]
    assert result["total_count"] == 2
    query = list_queries(store)[0]
    assert (query["status"], query["name"], query["start_time"]) == ("Running", "RestartReplicaSetInstance", "2026-02-28T12:00:00+0000")
    assert "instance_id" not in query


def test_items_are_normalized_from_progress_and_fail_reason():
    store = TaskStore([job("a"), job("b", "Failed", fail_reason="port in use")])
    result, dummy = run(store)
    assert [(item["state"], item["progress_percent"], item["failure_reason"]) for item in result["jobs"]] == [
        ("running", 60.0, None), ("failed", None, "port in use")]


def test_job_id_is_one_get_of_the_single_job_api():
    store = TaskStore([job("a")])
    result, dummy = run(store, job_id="a")
    assert result == {"jobs": [dict(job("a"), state="running", terminal=False, progress_percent=60.0, failure_reason=None,
                                    created_at="2026-03-01T06:24:14Z", api_created_at="2026-03-01T06:24:14+0000", ended_at=None,
                                    api_ended_at="")]}
    assert store.queries == [("ShowJob", {"id": "a"})]


def test_unknown_job_id_names_the_option():
    with pytest.raises(ApiError, match="job_id 'gone' cannot be read: The job gone does not exist."):
        run(TaskStore([]), job_id="gone")


@pytest.mark.parametrize("params, option, rule", [
    ({"start_time": "-1d", "end_time": "2026-05-01T00:00:00Z", "limit": 10}, "limit",
     "less than 30 days apart; this range is read as 3 windows"),
    ({"start_time": "-1d", "end_time": "2026-03-30T12:00:00Z", "offset": 0}, "offset",
     "less than 30 days apart; this range is read as 2 windows"),
    ({"start_time": "-60d", "end_time": "-31d"}, "end_time", "must be within the last 30 days: DDS keeps jobs for one month"),
    ({"start_time": "-1d", "end_time": "-2d"}, "end_time", "must be later than start_time"),
    ({"end_time": "2026-02-01T00:00:00"}, "end_time", "must state its time zone"),
    ({"instance_id": ""}, "instance_id", "must not be empty"),
])
def test_bad_options_fail_before_any_request(params, option, rule):
    with pytest.raises(ParameterError) as raised:
        DdsJobs(DDS, None, params, NOW)
    assert raised.value.option == option and rule in raised.value.rule


def test_limit_up_to_100_in_one_window_is_one_page():
    store = TaskStore([job(str(number)) for number in range(5)])
    result, dummy = run(store, offset=3, limit=100)
    assert [item["id"] for item in result["jobs"]] == ["3", "4"] and result["total_count"] == 5
    assert [(query["offset"], query["limit"]) for query in list_queries(store)] == [("3", "100")]
