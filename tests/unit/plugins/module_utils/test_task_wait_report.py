# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""task_wait's progress lines, task rows and messages."""

from __future__ import annotations

import pytest

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_options import TaskRef, parse_plan
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_report import (
    ProgressLog,
    build_result,
    describe,
    format_duration,
    format_percent,
    summary_lines,
    timeout_result,
)
from ansible_collections.dbtasks.cloud.plugins.module_utils._wait import WaitTimeout
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.task_wait_fakes import validated


def item(state, status, percent=None, reason=None, name="Restart"):
    return {"id": "x", "name": name, "status": status, "state": state, "terminal": state in ("succeeded", "failed", "stopped"),
            "progress_percent": percent, "failure_reason": reason}


def plan(**args):
    args.setdefault("tasks", [{"provider": "rds", "id": "r1"}, {"provider": "udts", "id": "u1"}])
    return parse_plan(validated(**args))


REFS = [TaskRef("rds", "r1"), TaskRef("udts", "u1", "copy")]


@pytest.mark.parametrize("seconds, text", [(0, "0s"), (59.4, "59s"), (59.6, "1m00s"), (185, "3m05s"), (3725, "1h02m")])
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


@pytest.mark.parametrize("percent, text", [(48.0, "48%"), (33.25, "33.2%"), (0, "0%"), (None, None), (True, None), ("5", None)])
def test_format_percent(percent, text):
    assert format_percent(percent) == text


@pytest.mark.parametrize("ref, current, with_reason, text", [
    (REFS[0], item("running", "Running", 48.0), False, 'rds r1 [Restart]: Running, 48%'),
    (REFS[1], item("running", "Dumping", 12.5), False, 'udts u1 [copy]: Dumping (running), 12.5%'),
    (REFS[1], item("failed", "FailedUnrecoverable", 30.0, "Access denied"), True,
     'udts u1 [copy]: FailedUnrecoverable (failed) - Access denied'),
    (REFS[0], item("failed", "Failed"), True, 'rds r1 [Restart]: Failed - no reason given'),
    (REFS[0], item("running", "Running", name=""), False, "rds r1: Running"),
    (REFS[0], None, False, "rds r1: not read yet"),
])
def test_describe(ref, current, with_reason, text):
    assert describe(ref, current, with_reason) == text


def test_progress_blocks_come_every_progress_interval_and_finished_tasks_at_once():
    lines = []
    log = ProgressLog(REFS, plan(progress_interval=60), lines.append)
    running = [item("running", "Running", 10.0), item("running", "Dumping", 5.0)]
    log.on_poll(running, 0.0)
    log.on_poll(running, 30.0)
    log.on_poll([item("succeeded", "Completed"), item("running", "Dumping", 50.0)], 45.0)
    log.on_poll([item("succeeded", "Completed"), item("running", "Dumping", 70.0)], 61.0)
    assert lines == [
        "task_wait     0s | 0 of 2 tasks done, waiting for 2:",
        'task_wait     0s |   rds r1 [Restart]: Running, 10%',
        'task_wait     0s |   udts u1 [copy]: Dumping (running), 5%',
        'task_wait    45s | done rds r1 [Restart]: Completed (succeeded)',
        "task_wait  1m01s | 1 of 2 tasks done, waiting for 1:",
        'task_wait  1m01s |   udts u1 [copy]: Dumping (running), 70%',
    ]
    assert log.finished_after == {("rds", "r1"): 45.0}


def test_synced_is_done_only_with_target_synced():
    for target, finished in (("synced", {("udts", "u1"): 3.0}), ("terminal", {})):
        log = ProgressLog(REFS[1:], plan(target=target), [].append)
        log.on_poll([item("running", "Syncing")], 0.1)
        log.on_poll([item("synced", "Synced")], 3.0)
        assert log.finished_after == finished


def test_a_task_done_at_the_first_poll_finished_before_the_wait():
    lines = []
    log = ProgressLog(REFS[:1], plan(), lines.append)
    log.on_poll([item("succeeded", "Completed")], 0.2)
    assert log.finished_after == {("rds", "r1"): 0.0}
    assert lines == ["task_wait     0s | already done rds r1 [Restart]: Completed (succeeded)"]


def test_transient_errors_are_counted_and_shown():
    lines = []
    log = ProgressLog(REFS, plan(), lines.append)
    log.on_transient_error(ApiError("huaweicloud", "ListTasks", "busy", http_status=503, retryable=True, label="RDS", provider="rds"), 65)
    assert (log.transient_errors, lines) == (1, ["task_wait  1m05s | rds could not be read, the wait goes on with its tasks as last read: "
                                                 "RDS ListTasks failed: busy (HTTP 503)"])


def test_a_wait_without_a_successful_poll_times_out_with_every_task_unread():
    result = timeout_result(REFS, WaitTimeout([], 30.0, "terminal"), 3, {})
    assert result["msg"] == "Timed out after 30s waiting for tasks: no poll succeeded"
    assert [(row["id"], row["state"], row["name"]) for row in result["tasks"]] == [("r1", None, None), ("u1", None, "copy")]


def test_a_failed_result_lists_tasks_in_a_fail_on_state_too():
    items = [item("retrying", "Failed", reason="lost connection"), item("running", "Dumping", 5.0)]
    result = build_result(plan(fail_on=["retrying", "failed"]), REFS, items, "failed", 12.0, 2, {})
    assert result["failed"] is True
    assert result["msg"] == ('1 of 2 tasks failed, stopped or reached a fail_on state after 12s: rds r1 [Restart]: Failed (retrying) - lost connection '
                             "(1 other task(s) had not finished when the wait stopped)")


def test_the_summary_gives_each_task_its_final_state_and_time_to_finish():
    items = [item("succeeded", "Completed"), item("failed", "FailedUnrecoverable", 30.0, "Access denied")]
    refs = REFS + [TaskRef("dds", "d1"), TaskRef("rds", "r0")]
    items += [item("running", "Running", 40.0, name=""), item("succeeded", "Completed", name="Old")]
    result = build_result(plan(), refs, items, "failed", 75.0, 9, {("rds", "r1"): 61.0, ("udts", "u1"): 75.0, ("rds", "r0"): 0.0})
    assert summary_lines(result, ["RDS status 'Paused' is not recognised"]) == [
        "failed after 1m15s (9 polls), 4 tasks:",
        "  succeeded  rds r1 [Restart] after 1m01s",
        "  failed     udts u1 [copy] after 1m15s: FailedUnrecoverable - Access denied",
        "  running    dds d1: Running, 40%, not finished",
        "  succeeded  rds r0 [Old], finished before the wait",
        "warning: RDS status 'Paused' is not recognised",
    ]


def test_the_summary_of_an_error_or_of_nothing_selected_is_its_message():
    assert summary_lines({"outcome": "error", "msg": "tasks[0].id: must not be empty"}) == ["error: tasks[0].id: must not be empty"]
    empty = build_result(plan(allow_empty=True), [], [], None, 0.0, 0, {})
    assert summary_lines(empty) == ["succeeded: No task matched the selectors"]
    unread = timeout_result(REFS, WaitTimeout([], 30.0, "terminal"), 3, {})
    assert summary_lines(unread)[1:] == ["  unread     rds r1: never read", "  unread     udts u1 [copy]: never read"]


def test_one_task_is_not_called_all_1_tasks():
    assert build_result(plan(), REFS[:1], [item("succeeded", "Completed")], "succeeded", 3.0, 1, {})["msg"] == "The task succeeded within 3s"


def test_a_failure_line_names_the_reason_only_when_the_listing_gave_one():
    lines = []
    log = ProgressLog(REFS, plan(), lines.append)
    log.on_poll([item("failed", "Failed", reason="disk full"), item("failed", "FailedUnrecoverable")], 4.0)
    assert lines == ["task_wait     4s | FAILED rds r1 [Restart]: Failed - disk full",
                     "task_wait     4s | FAILED udts u1 [copy]: FailedUnrecoverable (failed)"]


def test_when_a_fail_on_state_ends_the_wait_no_progress_block_follows():
    lines = []
    log = ProgressLog(REFS, plan(fail_on=["failed", "retrying"]), lines.append)
    log.on_poll([item("running", "Running", 50.0), item("retrying", "Failed", 5.0)], 0.0)
    assert lines == ["task_wait     0s | FAILED udts u1 [copy]: Failed (retrying), 5%"]
    lines.clear()
    log = ProgressLog(REFS, plan(), lines.append)
    log.on_poll([item("failed", "Failed", reason="disk full"), item("running", "Dumping", 5.0)], 0.0)
    assert lines == ["task_wait     0s | FAILED rds r1 [Restart]: Failed - disk full"]
