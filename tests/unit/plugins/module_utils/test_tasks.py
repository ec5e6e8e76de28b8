# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The shared select/list/wait/report flow (_tasks, _tracker) with an in-memory TaskSource."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import pytest

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError, ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._info_module import TasksTimedOut, collect_tasks, parse_selection
from ansible_collections.dbtasks.cloud.plugins.module_utils._options import text_option
from ansible_collections.dbtasks.cloud.plugins.module_utils._pagination import Page
from ansible_collections.dbtasks.cloud.plugins.module_utils._rds import RDS
from ansible_collections.dbtasks.cloud.plugins.module_utils._tracker import Selection, TaskSource, TaskTracker, read_page
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import FakeClock
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.task_apis import TaskStore

WAIT_DEFAULTS = {"wait": False, "wait_timeout": 600, "wait_sleep": 5, "wait_for": "terminal", "wait_fail_fast": True,
                 "wait_not_found_grace": 60}


def task(task_id, status="Running", **fields):
    return dict({"id": task_id, "name": "Restart", "status": status, "process": "10" if status == "Running" else ""}, **fields)


NOW = datetime(2026, 3, 1, tzinfo=timezone.utc)


class MemorySource(TaskSource):
    """Pages of 2 from a TaskStore; one listing per window; get_one like the single-job API.

    Its provider record is RDS's with the facts these tests vary.
    """

    def __init__(self, store, windows=1, status=None, single_lookup=True, detail_on_report=False):
        provider = dataclasses.replace(RDS, source=MemorySource, page_size=2, filter_options=("status",), id_option="task_id",
                                       ids_option="task_ids", single_lookup=single_lookup, detail_on_report=detail_on_report)
        super().__init__(provider, None, {}, NOW)
        self.store = store
        self.windows = windows
        self.status = status

    def page_fetchers(self, now):
        return [self._page] * self.windows

    def _page(self, offset, limit):
        self.store.record("List", {"offset": offset, "limit": limit})
        items = [item for item in self.store.current() if self.status in (None, item["status"])]
        return Page(items[offset:offset + limit], len(items))

    def get_one(self, task_id):
        self.store.record("Get", {"id": task_id})
        item = self.store.find(task_id)
        if item is None:
            raise ApiError("huaweicloud", "ShowJob", "The job %s does not exist." % task_id, http_status=404, code="DBS.280404")
        return dict(item, detail=True)


def collect(source, clock=None, **params):
    warnings = []
    clock = clock or source.store.clock
    result = collect_tasks(source, dict(WAIT_DEFAULTS, **params), warnings.append, lambda: NOW, sleep=clock.sleep, clock=clock.monotonic)
    return result, warnings


def ids_of(items):
    return [item["id"] for item in items]


# --- option checks (all before any request) ---

@pytest.mark.parametrize("params, option, rule", [
    ({"task_id": "a", "task_ids": ["b"]}, "task_id", "cannot be combined with task_ids"),
    ({"task_id": " "}, "task_id", "must not be empty"),
    ({"task_ids": []}, "task_ids", "at least one id"),
    ({"task_ids": ["a", ""]}, "task_ids", "empty id"),
    ({"task_id": "a", "status": "Running"}, "status", "cannot be combined with task_id"),
    ({"task_ids": ["a"], "limit": 2}, "limit", "cannot be combined with task_ids"),
    ({"offset": -1}, "offset", "must be 0 or more"),
    ({"limit": 0}, "limit", "from 1 to 2"),
    ({"limit": 3}, "limit", "from 1 to 2"),
    ({"offset": 0, "wait": True}, "offset", "cannot be combined with wait"),
    ({"limit": 1, "wait": True}, "limit", "cannot be combined with wait"),
])
def test_bad_selection_names_the_option_and_rule(params, option, rule):
    with pytest.raises(ParameterError) as raised:
        parse_selection(params, MemorySource(TaskStore([])).provider)
    assert raised.value.option == option
    assert rule in raised.value.rule


def test_selection_keeps_id_order_and_drops_repeats():
    selection = parse_selection({"task_ids": ["b", "a", "b"], "status": []}, MemorySource(TaskStore([])).provider)
    assert selection == Selection(("b", "a"), "task_ids", None, None)


def test_text_option_rejects_blank_values_only():
    assert text_option({"name": "x"}, "name") == "x"
    assert text_option({}, "name") is None
    with pytest.raises(ParameterError, match="name: must not be empty"):
        text_option({"name": ""}, "name")


@pytest.mark.parametrize("params, option", [({"wait_sleep": 0}, "wait_sleep"), ({"wait_timeout": -1}, "wait_timeout")])
def test_bad_wait_options_fail_before_any_request(params, option):
    store = TaskStore([task("a")])
    with pytest.raises(ParameterError) as raised:
        collect(MemorySource(store), wait=True, **params)
    assert raised.value.option == option
    assert not store.calls


# --- listing ---

def test_lists_every_page_and_reports_the_total():
    store = TaskStore([task(str(number)) for number in range(5)])
    result, warnings = collect(MemorySource(store))
    assert ids_of(result["tasks"]) == ["0", "1", "2", "3", "4"]
    assert result["total_count"] == 5
    assert store.calls["List"] == 3
    assert warnings == []
    assert result["tasks"][0]["state"] == "running" and result["tasks"][0]["progress_percent"] == 10.0


def test_nothing_matching_is_an_empty_list():
    result, dummy = collect(MemorySource(TaskStore([task("a")]), status="Failed"))
    assert result == {"tasks": [], "total_count": 0}


def test_offset_and_limit_return_exactly_that_page():
    store = TaskStore([task(str(number)) for number in range(5)])
    result, dummy = collect(MemorySource(store), offset=1, limit=2)
    assert ids_of(result["tasks"]) == ["1", "2"]
    assert result["total_count"] == 5
    assert store.calls["List"] == 1


def test_overlapping_windows_merge_without_duplicates_and_count_once():
    store = TaskStore([task("a"), task("b"), task("c")])
    result, dummy = collect(MemorySource(store, windows=2))
    assert ids_of(result["tasks"]) == ["a", "b", "c"]
    assert result["total_count"] == 3


def test_a_total_missing_on_any_window_is_not_reported():
    tracker = TaskTracker(MemorySource(TaskStore([])), Selection(None, None, None, None), lambda: NOW)
    tracker.source.page_fetchers = lambda now: [lambda offset, limit: Page([task("a")], None)]
    assert ids_of(tracker.poll()) == ["a"]
    assert tracker.total_count is None


def test_unknown_statuses_warn_once():
    result, warnings = collect(MemorySource(TaskStore([task("a", "Queued"), task("b", "Queued")])))
    assert [item["state"] for item in result["tasks"]] == ["unknown", "unknown"]
    assert warnings == ["RDS status 'Queued' is not recognised; the state is reported as unknown"]


# --- selection by id ---

def test_single_id_is_one_lookup_without_listing():
    store = TaskStore([task("a"), task("b")])
    result, dummy = collect(MemorySource(store), task_id="b")
    assert ids_of(result["tasks"]) == ["b"] and result["tasks"][0]["detail"] is True
    assert "total_count" not in result
    assert dict(store.calls) == {"Get": 1}


def test_several_ids_share_one_listing_and_look_up_only_the_missing():
    store = TaskStore([task(str(number)) for number in range(3)])
    source = MemorySource(store)
    tracker = TaskTracker(source, Selection(("2", "0"), "task_ids", None, None), lambda: NOW)
    store.items.pop(2)  # "2" is no longer listed, but can still be read by id
    store.find = task
    assert ids_of(tracker.poll()) == ["2", "0"]
    assert dict(store.calls) == {"List": 1, "Get": 1}


def test_a_few_followed_tasks_among_many_pages_are_read_by_id_after_the_first_listing():
    store = TaskStore([task(str(number)) for number in range(10)])  # 5 pages of 2
    tracker = TaskTracker(MemorySource(store), Selection(("7", "3"), "task_ids", None, None), lambda: NOW)
    assert ids_of(tracker.poll()) == ["7", "3"]
    assert dict(store.calls) == {"List": 5}
    assert ids_of(tracker.poll()) == ["7", "3"]
    assert dict(store.calls) == {"List": 5, "Get": 2}


def test_many_followed_tasks_keep_sharing_one_listing():
    store = TaskStore([task(str(number)) for number in range(4)])  # 2 pages of 2
    tracker = TaskTracker(MemorySource(store), Selection(("0", "1", "2"), "task_ids", None, None), lambda: NOW)
    tracker.poll()
    tracker.poll()
    assert dict(store.calls) == {"List": 4}


def test_unknown_id_names_the_option_and_keeps_the_api_details():
    store = TaskStore([task("a")])
    with pytest.raises(ApiError) as raised:
        collect(MemorySource(store, single_lookup=False), task_ids=["a", "zz"])
    error = raised.value
    assert "task_ids 'zz' cannot be read: The job zz does not exist." in str(error)
    assert (error.code, error.http_status) == ("DBS.280404", 404)


def test_retryable_lookup_errors_are_not_relabelled():
    source = MemorySource(TaskStore([]))

    def busy(task_id):
        raise ApiError("huaweicloud", "ShowJob", "busy %s" % task_id, http_status=503, retryable=True)
    source.get_one = busy
    with pytest.raises(ApiError) as raised:
        TaskTracker(source, Selection(("a",), "task_id", None, None), lambda: NOW).poll()
    assert raised.value.message == "busy a"


def test_detail_on_report_reads_each_selected_task_once():
    store = TaskStore([task("a"), task("b", "Completed")])
    result, dummy = collect(MemorySource(store, single_lookup=False, detail_on_report=True), task_ids=["b", "a"])
    assert [(item["id"], item.get("detail")) for item in result["tasks"]] == [("b", True), ("a", True)]
    assert dict(store.calls) == {"List": 1, "Get": 2}


def test_read_page_accepts_missing_lists_and_rejects_other_shapes():
    assert read_page({"total_count": 3}, "tasks", "total_count", "X") == Page([], 3)
    assert read_page({"tasks": [1], "total_count": True}, "tasks", "total_count", "X") == Page([1], None)
    with pytest.raises(Exception, match="X answered with tasks that is not a list but dict"):
        read_page({"tasks": {}}, "tasks", "total_count", "X")


# --- waiting ---

def test_wait_ends_succeeded_with_one_listing_per_poll():
    clock = FakeClock()
    store = TaskStore([task("a"), task("b")], clock=clock,
                      timeline={"a": [(10, {"status": "Completed"})], "b": [(20, {"status": "Completed"})]})
    result, warnings = collect(MemorySource(store), wait=True, wait_sleep=5)
    assert result["wait_outcome"] == "succeeded"
    assert [item["state"] for item in result["tasks"]] == ["succeeded", "succeeded"]
    polls = len(clock.sleeps) + 1
    assert store.calls["List"] == polls and "Get" not in store.calls
    assert result["elapsed"] == round(clock.now - store.start, 1) >= 20


def test_wait_follows_tasks_that_leave_a_status_filter_and_reads_them_once_finished():
    clock = FakeClock()
    store = TaskStore([task("a"), task("b"), task("old", "Completed")], clock=clock,
                      timeline={"a": [(10, {"status": "Completed"})], "b": [(30, {"status": "Failed", "fail_reason": "disk full"})]})
    result, dummy = collect(MemorySource(store, status="Running"), wait=True, wait_fail_fast=False)
    assert ids_of(result["tasks"]) == ["a", "b"]
    assert result["wait_outcome"] == "failed"
    assert result["tasks"][1]["failure_reason"] == "disk full"
    # each finished task was read by id exactly once, although later polls no longer list it
    assert store.calls["Get"] == 2


def test_wait_fails_fast_on_the_first_failure():
    clock = FakeClock()
    store = TaskStore([task("a"), task("b")], clock=clock, timeline={"b": [(5, {"status": "Failed"})]})
    result, dummy = collect(MemorySource(store), wait=True)
    assert result["wait_outcome"] == "failed"
    assert [item["state"] for item in result["tasks"]] == ["running", "failed"]


def test_wait_timeout_lists_each_unfinished_task():
    clock = FakeClock()
    store = TaskStore([task("a"), task("b")], clock=clock, timeline={"b": [(5, {"status": "Completed"})]})
    with pytest.raises(TasksTimedOut) as raised:
        collect(MemorySource(store), wait=True, wait_timeout=60)
    fields = raised.value.to_fail_kwargs()
    assert fields["wait_outcome"] == "timeout" and fields["elapsed"] == 60
    assert fields["msg"].startswith("Timed out after 60s waiting for 1 of 2 tasks: a \"Restart\" (status Running, state running, 10%)")
    assert ids_of(fields["tasks"]) == ["a", "b"]


def test_transient_poll_errors_warn_and_the_wait_goes_on():
    clock = FakeClock()
    store = TaskStore([task("a")], clock=clock, timeline={"a": [(20, {"status": "Completed"})]})
    source = MemorySource(store)
    read = source._page
    failures = iter([True, True])

    def flaky(offset, limit):
        if next(failures, False):
            raise ApiError("huaweicloud", "ListTasks", "Backend unavailable.", http_status=503, retryable=True)
        return read(offset, limit)
    source.page_fetchers = lambda now: [flaky]
    result, warnings = collect(source, wait=True)
    assert result["wait_outcome"] == "succeeded"
    assert len(warnings) == 1
    assert warnings[0].startswith("2 read(s) failed with a transient error from 0.0s to 5.0s into the wait and the wait went on; the last:")
    assert "Backend unavailable." in warnings[0]


def test_wait_with_nothing_selected_returns_at_once():
    store = TaskStore([task("a", "Completed")])
    result, dummy = collect(MemorySource(store, status="Running"), wait=True)
    assert result == {"tasks": [], "total_count": 0, "wait_outcome": "succeeded", "elapsed": 0.0}
    assert store.calls["List"] == 1
