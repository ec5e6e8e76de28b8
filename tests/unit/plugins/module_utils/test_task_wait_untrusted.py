# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""task_wait when an API fails, stalls or answers nonsense: the verdict stays the collection's, the others are still judged,
and API text never reaches a line unescaped. (The same through real HTTP: tests/functional/role/test_gate_outages.py.)"""

from __future__ import annotations

import math
import threading

import pytest

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import DbTasksError
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import json_response
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.task_wait_fakes import (
    CONNECTION_ENV,
    HUAWEI,
    UCLOUD,
    Clouds,
    huawei,
    run_wait,
    udts,
)

TASKS = [{"provider": "udts", "id": "u1"}, {"provider": "dds", "id": "d1"}]
NO_RETRIES = {"ucloud": dict(UCLOUD, retries=0), "huaweicloud": dict(HUAWEI, retries=0)}
# What forged pipeline logs: a screen clear and a green PASSED, a carriage return, whole fake lines.
HOSTILE = "\x1b[2J\x1b[32mPASSED\x1b[0m\rok: [localhost]\ntask_wait    1s | done udts u9: Done\u202e"


@pytest.fixture(autouse=True)
def _no_connection_env(monkeypatch):
    for name in CONNECTION_ENV:
        monkeypatch.delenv(name, raising=False)


def with_outages(*outages, **items):
    """``Clouds`` whose requests to ``host`` answer HTTP 503 from ``start`` to ``end`` seconds into the test, for each (host, start, end)."""
    clouds = None

    def fail(request):
        for host, start, end in outages:
            if host in request.url and start <= clouds.elapsed < end:
                return json_response({"RetCode": 150, "Message": "Service Unavailable"} if host == "ucloud.test"
                                     else {"error_code": "APIGW.0202", "error_msg": "Backend unavailable"}, 503)
        return None
    clouds = Clouds(fail=fail, **items)
    return clouds


class Stall:
    """A fail hook that holds every request to ``host`` until ``release()`` (or the test's end)."""

    def __init__(self, host):
        self.host = host
        self.released = threading.Event()
        self.held = 0

    def __call__(self, request):
        if self.host in request.url:
            self.held += 1
            self.released.wait(30)
        return None

    def release(self):
        self.released.set()


def test_a_provider_in_outage_does_not_hide_a_failure_elsewhere():
    clouds = with_outages(("ucloud.test", 5, math.inf), udts_items=[udts("u1")], dds_items=[huawei("d1", progress_key="progress")],
                          timeline={"d1": [(15, {"status": "Failed", "fail_reason": "port in use"})]})
    result, warnings, lines = run_wait(clouds, tasks=TASKS, poll_interval=1, progress_interval=5, timeout=60, **NO_RETRIES)
    # ended by the DDS failure within one poll of it, not by the timeout
    assert (result["outcome"], clouds.elapsed) == ("failed", 15)
    assert result["msg"].startswith("1 of 2 tasks failed or stopped after 15s: dds d1 [Job-d1]: Failed - port in use "
                                    "(1 other task(s) had not finished when the wait stopped); udts could not be read since 5.0s "
                                    "(tasks as last read at 4.0s): UCloud ListUDTSTask failed: Service Unavailable (code 150, HTTP 503")
    udts_row = result["tasks"][0]
    assert (udts_row["state"], udts_row["read_after"], udts_row["finished_after"]) == ("running", 4.0, None)
    assert result["unreadable"] == [{"provider": "udts", "since": 5.0, "read_at": 4.0,
                                     "error": "UCloud ListUDTSTask failed: Service Unavailable (code 150, HTTP 503)"}]
    # every line carries the time into the wait; the failed read is one line, the blocks say how old the UDTS state is
    assert all(line.startswith("task_wait ") and "s | " in line for line in lines)
    assert [line for line in lines if "could not be read" in line] == [
        "task_wait     5s | udts could not be read, the wait goes on with its tasks as last read: UCloud ListUDTSTask failed: "
        "Service Unavailable (code 150, HTTP 503)"]
    assert "task_wait    10s |   udts u1 [migrate-u1]: Dumping (running), 10%, last read 6.0s ago" in lines
    assert "task_wait    10s |   dds d1 [Job-d1]: Running, 10%" in lines
    assert result["summary"][1] == "  running    udts u1 [migrate-u1]: Dumping, 10%, not finished, last read at 4s"
    assert result["summary"][3].startswith("  unreadable udts could not be read since 5.0s (tasks as last read at 4.0s): UCloud")
    assert warnings[0].startswith("11 read(s) failed with a transient error from 5.0s to 15s into the wait")


def test_a_provider_that_stalls_does_not_hold_up_the_others():
    stall = Stall("ucloud.test")
    clouds = Clouds(udts_items=[udts("u1")], dds_items=[huawei("d1", progress_key="progress")],
                    timeline={"d1": [(2, {"status": "Failed", "fail_reason": "port in use"})]}, fail=stall)
    try:
        result, dummy, lines = run_wait(clouds, tasks=TASKS, poll_interval=1, timeout=60)
    finally:
        stall.release()
    # UDTS never answered: each poll waited one interval for it, DDS was read at every poll all the same
    assert (result["outcome"], clouds.elapsed) == ("failed", 2)
    assert clouds.calls()["dds"]["ShowJob"] == 3 and stall.held == 1
    assert result["tasks"][0]["state"] is None and result["summary"][1] == "  unread     udts u1: never read"
    assert result["msg"].endswith("; udts has not answered since 0.0s (never read)")
    assert "task_wait     0s |   udts u1: not read yet" in lines
    assert "task_wait     0s | udts has not answered since 0s; its tasks keep their state as last read" in lines


def test_a_timeout_names_each_provider_that_could_not_be_read_since_when_and_why():
    clouds = with_outages(("ucloud.test", 3, math.inf), ("dds.test", 6, math.inf), udts_items=[udts("u1")],
                          dds_items=[huawei("d1", progress_key="progress")])
    result, dummy, lines = run_wait(clouds, tasks=TASKS, poll_interval=1, timeout=20, **NO_RETRIES)
    assert (result["outcome"], clouds.elapsed) == ("timeout", 20)
    assert result["msg"] == (
        "Timed out after 20s waiting for 2 of 2 tasks: udts u1 [migrate-u1]: Dumping (running), 10%, last read 18s ago; "
        "dds d1 [Job-d1]: Running, 10%, last read 15s ago; "
        "udts could not be read since 3.0s (tasks as last read at 2.0s): UCloud ListUDTSTask failed: Service Unavailable (code 150, HTTP 503); "
        "dds could not be read since 6.0s (tasks as last read at 5.0s): DDS ShowJob failed: Backend unavailable (code APIGW.0202, HTTP 503)")
    assert [entry["provider"] for entry in result["unreadable"]] == ["udts", "dds"]
    assert sum("could not be read, the wait goes on" in line for line in lines) == 2


def test_a_provider_that_recovers_is_said_to_and_its_tasks_are_judged_again():
    clouds = with_outages(("ucloud.test", 3, 8), udts_items=[udts("u1")], timeline={"u1": [(12, {"Status": "Done"})]})
    result, warnings, lines = run_wait(clouds, tasks=TASKS[:1], poll_interval=1, timeout=60, **NO_RETRIES)
    assert (result["outcome"], clouds.elapsed, result["unreadable"]) == ("succeeded", 12, [])
    assert "task_wait     8s | udts can be read again, after 5s" in lines
    assert len(warnings) == 1 and warnings[0].startswith("5 read(s) failed with a transient error from 3.0s to 7.0s into the wait")


def test_a_non_transient_error_of_one_provider_still_ends_the_wait_with_it():
    clouds = Clouds(udts_items=[udts("u1")], dds_items=[huawei("d1", progress_key="progress")],
                    fail=lambda request: json_response({"RetCode": 171, "Message": "Signature VerifyAC Error"}) if "ucloud" in request.url else None)
    with pytest.raises(DbTasksError, match="Signature VerifyAC Error"):
        run_wait(clouds, tasks=TASKS)


@pytest.mark.parametrize("own_fields", [{"dbtasks_state": "succeeded"}, {"state": "succeeded", "terminal": True},
                                        {"dbtasks_state": ["x"], "state": {"a": [1]}}, {"Status": "Failed", "state": ["succeeded"]}])
def test_fields_named_like_the_collections_own_never_overrule_the_verdict(own_fields):
    clouds = Clouds(rds_items=[huawei("r1")], timeline={"r1": [(5, dict({"status": "Failed", "fail_reason": "disk full"}, **own_fields))]})
    result, dummy, dummy = run_wait(clouds, tasks=[{"provider": "rds", "id": "r1"}], poll_interval=5)
    assert (result["outcome"], result["failed"], result["tasks"][0]["state"]) == ("failed", True, "failed")
    assert "rds r1 [Job-r1]: Failed - disk full" in result["msg"]


@pytest.mark.parametrize("odd", [{"name": {"n": 1}}, {"status": ["Running"]}, {"status": {"s": "Failed"}}, {"process": [50]},
                                 {"fail_reason": ["x"]}, {"instance_id": [[]]}])
def test_a_list_or_object_where_a_scalar_belongs_never_crashes_the_wait(odd):
    clouds = Clouds(rds_items=[huawei("r1"), huawei("r2")], timeline={"r1": [(5, odd), (10, {"status": "Completed"})]})
    result, dummy, lines = run_wait(clouds, tasks=[{"provider": "rds", "id": "r1"}, {"provider": "rds", "id": "r2"}], poll_interval=5,
                                    progress_interval=5, timeout=30)
    assert result["outcome"] == "timeout" and result["tasks"][0]["state"] == "succeeded"
    assert any("rds r1" in line and "unknown" in line for line in lines) == ("status" in odd)


def test_an_id_that_is_a_list_is_no_id_and_the_task_is_read_by_its_own_id():
    clouds = Clouds(rds_items=[huawei("r1"), huawei("r2")], timeline={"r2": [(5, {"id": ["r2"]})]})
    with pytest.raises(DbTasksError, match="the rds task 'r2' cannot be read: The job r2 does not exist"):
        run_wait(clouds, tasks=[{"provider": "rds", "id": "r1"}, {"provider": "rds", "id": "r2"}], poll_interval=5, timeout=30)


def _assert_safe(text):
    assert "\x1b" not in text and "\r" not in text and "\n" not in text and "\u202e" not in text, text


def test_api_text_never_reaches_a_line_unescaped_and_the_result_keeps_it_as_sent():
    long_name = "n" * 200_000
    clouds = Clouds(udts_items=[udts("u1", Name=long_name)], dds_items=[huawei("d1", progress_key="progress", name=HOSTILE)],
                    rds_items=[huawei("r1", status="Queued\x1b[2K")],
                    timeline={"d1": [(10, {"status": "Failed", "fail_reason": HOSTILE})]})
    tasks = TASKS + [{"provider": "rds", "id": "r1"}]
    result, warnings, lines = run_wait(clouds, tasks=tasks, poll_interval=5, progress_interval=5)
    assert result["outcome"] == "failed"
    for text in lines + [result["msg"]] + result["summary"] + warnings:
        _assert_safe(text)
        assert len(text) < 2000  # a 200,000-character name is cut in every line
    assert "dds d1 [\\x1b[2J\\x1b[32mPASSED\\x1b[0m\\rok: [localhost]\\ntask_wait    1s | done udts u9: Done\\u202e]: Failed - " in result["msg"]
    assert any("udts u1 [%s...[199800 more characters]]: Dumping (running), 10%%" % ("n" * 200) in line for line in lines)
    assert any("RDS status 'Queued\\x1b[2K' is not recognised" in warning for warning in warnings)
    # the data keeps what the API sent
    assert (result["tasks"][1]["name"], result["tasks"][1]["failure_reason"]) == (HOSTILE, HOSTILE)
    assert result["tasks"][0]["name"] == long_name


def test_error_texts_and_request_ids_are_escaped_in_lines_and_messages():
    hostile_error = json_response({"error_code": "APIGW.0202\x1b[31m", "error_msg": "down\nok: [localhost]"}, 503,
                                  headers={"X-Request-Id": "req\r\x1b[2Kforged"})
    clouds = Clouds(dds_items=[huawei("d1", progress_key="progress")], fail=lambda request: hostile_error)
    result, warnings, lines = run_wait(clouds, tasks=[{"provider": "dds", "id": "d1"}], poll_interval=1, timeout=3, **NO_RETRIES)
    assert result["outcome"] == "timeout"
    for text in lines + [result["msg"]] + result["summary"] + warnings:
        _assert_safe(text)
    assert "dds could not be read since 0.0s (never read): DDS ShowJob failed: " in result["msg"]
    assert "\\x1b[2Kforged" in result["msg"]
