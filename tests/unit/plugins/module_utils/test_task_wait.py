# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The task_wait engine over three in-memory clouds: one wait, every provider, one list request per provider per poll."""

from __future__ import annotations

import pytest

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError, ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_report import format_duration
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import json_response
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.task_wait_fakes import (
    CONNECTION_ENV,
    HUAWEI,
    Clouds,
    huawei,
    run_wait,
    udts,
)


@pytest.fixture(autouse=True)
def _no_connection_env(monkeypatch):
    for name in CONNECTION_ENV:
        monkeypatch.delenv(name, raising=False)


def three_clouds(**timeline):
    return Clouds(
        udts_items=[udts("u1"), udts("u2", "Done", 100)],
        dds_items=[huawei("d1", progress_key="progress")],
        rds_items=[huawei("r1"), huawei("r2", "Completed")],
        timeline=timeline,
    )


TASKS = [{"provider": "udts", "id": "u1"}, {"provider": "udts", "id": "u2"}, {"provider": "dds", "id": "d1", "name": "resize"},
         {"provider": "rds", "id": "r1"}]


def test_every_provider_is_read_in_each_poll_and_the_wait_succeeds_when_all_did():
    clouds = three_clouds(u1=[(40, {"Status": "Done"})], d1=[(20, {"status": "Completed"})], r1=[(70, {"status": "Completed"})])
    result, warnings, lines = run_wait(clouds, tasks=TASKS, poll_interval=10)
    assert (result["outcome"], result.get("failed"), warnings) == ("succeeded", None, [])
    assert result["msg"] == "All 4 tasks succeeded within %s" % format_duration(clouds.elapsed)
    assert [(row["provider"], row["id"], row["state"]) for row in result["tasks"]] == [
        ("udts", "u1", "succeeded"), ("udts", "u2", "succeeded"), ("dds", "d1", "succeeded"), ("rds", "r1", "succeeded")]
    # each final state is seen within one poll interval (10 s) of happening; u2 had finished before the wait
    finished = [row["finished_after"] for row in result["tasks"]]
    assert finished[1] == 0.0
    for seen, happened in zip([finished[0], finished[2], finished[3]], [40, 20, 70]):
        assert happened <= seen <= happened + 10
    assert result["elapsed"] == finished[3] == clouds.elapsed
    assert result["summary"][0] == "succeeded after %s (%d polls), 4 tasks:" % (format_duration(clouds.elapsed), result["polls"])
    assert result["summary"][2] == "  succeeded  udts u2 [migrate-u2], finished before the wait"
    assert result["tasks"][2]["name"] == "resize" and result["tasks"][3]["name"] == "Job-r1"
    polls = result["polls"]
    # At most one request per provider per poll: UDTS lists its two tasks (a listing that has shown every followed
    # task ends there, with no total to trust), DDS and RDS read their single job by id. A provider whose tasks are
    # all done is not read again (DDS after 20 s, UDTS after 40 s), and succeeded UDTS tasks need no
    # GetUDTSTaskStatus for a failure message.
    calls = clouds.calls()
    assert set(calls) == {"udts", "dds", "rds"} and calls["rds"] == {"ShowJob": polls}
    assert calls["dds"]["ShowJob"] < calls["udts"]["ListUDTSTask"] < polls
    assert "GetUDTSTaskStatus" not in calls["udts"]
    assert any("1 of 4 tasks done, waiting for 3:" in line for line in lines)
    assert any('done dds d1 [resize]: Completed (succeeded)' in line for line in lines)


def test_results_follow_the_order_the_tasks_were_given_whatever_the_provider():
    clouds = Clouds(udts_items=[udts("u1"), udts("u2")], rds_items=[huawei("r1"), huawei("r2")], dds_items=[huawei("d1")],
                    timeline={"u2": [(5, {"Status": "FailedUnrecoverable", "FailReason": "u2 broke"})]})
    tasks = [{"provider": "rds", "id": "r2"}, {"provider": "udts", "id": "u2"}, {"provider": "dds", "id": "d1"},
             {"provider": "udts", "id": "u1"}, {"provider": "rds", "id": "r1"}]
    result, dummy, lines = run_wait(clouds, tasks=tasks, poll_interval=5)
    assert [row["id"] for row in result["tasks"]] == ["r2", "u2", "d1", "u1", "r1"]
    # the UDTS detail read for the report lands on its own task
    assert [row["failure_reason"] for row in result["tasks"]] == [None, "u2 broke", None, None, None]
    assert [line.split("|")[1].split()[0:2] for line in lines[1:6]] == [["rds", "r2"], ["udts", "u2"], ["dds", "d1"], ["udts", "u1"],
                                                                        ["rds", "r1"]]


def test_several_tasks_of_one_huawei_service_cost_one_list_request_per_poll():
    clouds = Clouds(rds_items=[huawei("r%d" % number) for number in range(5)],
                    timeline={"r%d" % number: [(10 * number, {"status": "Completed"})] for number in range(5)})
    result, dummy, dummy = run_wait(clouds, tasks=[{"provider": "rds", "id": "r%d" % number} for number in range(5)], poll_interval=5)
    assert result["outcome"] == "succeeded"
    # against one request per unfinished task per poll for a naive loop
    assert clouds.calls() == {"rds": {"List": result["polls"]}}
    assert result["polls"] >= 5


def test_polls_keep_the_poll_interval_even_when_finishes_are_expected_sooner():
    # Ten staggered tasks whose rising progress always predicts one finish a second or two away.
    clouds = Clouds(rds_items=[huawei("r%d" % number, percent="0") for number in range(10)],
                    timeline={"r%d" % number: [(step, {"process": str(min(99, step * 20 // (number + 1)))}) for step in range(1, 60)]
                              + [(6 * (number + 1), {"status": "Completed"})] for number in range(10)})
    result, dummy, dummy = run_wait(clouds, tasks=[{"provider": "rds", "id": "r%d" % number} for number in range(10)], poll_interval=10)
    assert result["outcome"] == "succeeded"
    assert clouds.clock.sleeps and set(clouds.clock.sleeps) == {10}
    assert clouds.calls() == {"rds": {"List": result["polls"]}}


def test_a_failure_on_one_provider_ends_the_wait_within_one_poll_while_another_still_runs():
    clouds = three_clouds(d1=[(33, {"status": "Failed", "fail_reason": "port in use"})], r1=[(900, {"status": "Completed"})])
    result, dummy, lines = run_wait(clouds, tasks=TASKS, poll_interval=10)
    assert result["outcome"] == "failed" and result["failed"] is True
    assert 33 <= clouds.elapsed <= 33 + 10
    assert result["msg"].startswith('1 of 4 tasks failed or stopped after ')
    assert 'dds d1 [resize]: Failed - port in use' in result["msg"]
    assert "(2 other task(s) had not finished when the wait stopped)" in result["msg"]
    failed = result["tasks"][2]
    assert (failed["state"], failed["failure_reason"], failed["finished_after"]) == ("failed", "port in use", clouds.elapsed - 0)
    assert result["tasks"][3]["state"] == "running" and result["tasks"][3]["finished_after"] is None
    assert any('FAILED dds d1 [resize]: Failed - port in use' in line for line in lines)


def test_the_udts_failure_message_comes_from_the_task_detail():
    clouds = Clouds(udts_items=[udts("u1"), udts("u9")],
                    timeline={"u1": [(10, {"Status": "FailedUnrecoverable", "FailReason": "Access denied"})]})
    result, dummy, dummy = run_wait(clouds, tasks=[{"provider": "udts", "id": "u1"}, {"provider": "udts", "id": "u9"}], poll_interval=5)
    assert result["tasks"][0]["failure_reason"] == "Access denied"
    assert "u1" in result["msg"] and "Access denied" in result["msg"]
    # only the failed task is read again, for its message
    operation, query = clouds.stores["udts"].queries[-1]
    assert (operation, query["TaskId"]) == ("GetUDTSTaskStatus", "u1")
    assert clouds.calls()["udts"]["GetUDTSTaskStatus"] == 1


@pytest.mark.parametrize("fail_on, ends_at, outcome", [
    # retrying is not final: it ends the wait only when fail_on lists it
    (["failed", "stopped", "retrying"], 10, "failed"),
    (["failed", "stopped"], 50, "succeeded"),
])
def test_fail_on_decides_which_states_end_the_wait_at_once(fail_on, ends_at, outcome):
    clouds = Clouds(udts_items=[udts("u1", MaxRetryCount=2)],
                    timeline={"u1": [(10, {"Status": "Failed", "CurRetryCount": 1}), (30, {"Status": "Dumping"}), (50, {"Status": "Done"})]})
    result, dummy, dummy = run_wait(clouds, tasks=[{"provider": "udts", "id": "u1"}], poll_interval=5, fail_on=fail_on)
    assert (result["outcome"], clouds.elapsed) == (outcome, ends_at)


def test_a_stopped_task_left_out_of_fail_on_is_awaited_with_the_others_and_still_fails_the_wait():
    clouds = three_clouds(u1=[(10, {"Status": "Stopped"})], d1=[(20, {"status": "Completed"})], r1=[(30, {"status": "Completed"})])
    result, dummy, dummy = run_wait(clouds, tasks=TASKS, poll_interval=5, fail_on=["failed"])
    assert (result["outcome"], clouds.elapsed) == ("failed", 30)
    assert 'udts u1 [migrate-u1]: Stopped - no reason given' in result["msg"]


def test_timeout_lists_every_unfinished_task_with_its_last_status_and_progress():
    clouds = three_clouds(d1=[(5, {"status": "Completed"})])
    result, dummy, dummy = run_wait(clouds, tasks=TASKS, timeout=60, poll_interval=10)
    assert (result["outcome"], result["failed"], result["elapsed"], clouds.elapsed) == ("timeout", True, 60.0, 60)
    assert result["msg"] == ('Timed out after 60s waiting for 2 of 4 tasks: udts u1 [migrate-u1]: Dumping (running), 10%; '
                             'rds r1 [Job-r1]: Running, 10%')
    assert [row["finished_after"] for row in result["tasks"]] == [None, 0.0, 10.0, None]


def test_target_synced_accepts_synced_tasks_and_says_how_each_ended():
    clouds = Clouds(udts_items=[udts("inc", "Syncing"), udts("full")],
                    timeline={"inc": [(15, {"Status": "Synced"})], "full": [(25, {"Status": "Done"})]})
    tasks = [{"provider": "udts", "id": "inc"}, {"provider": "udts", "id": "full"}]
    result, dummy, dummy = run_wait(clouds, tasks=tasks, poll_interval=5, target="synced")
    assert result["outcome"] == "synced"
    assert result["msg"] == "All 2 tasks are done within 25s: 1 synced, 1 succeeded"
    clouds = Clouds(udts_items=[udts("inc", "Synced")])
    result, dummy, dummy = run_wait(clouds, tasks=tasks[:1], poll_interval=5, timeout=20)
    assert result["outcome"] == "timeout"


def test_selectors_are_resolved_once_and_their_tasks_followed_after_they_stop_matching():
    clouds = Clouds(rds_items=[huawei("r1", instance_id="db-1"), huawei("r2", instance_id="db-2"),
                               huawei("r3", "Completed", instance_id="db-1")],
                    dds_items=[huawei("d1", progress_key="progress"), huawei("d2", "Failed", progress_key="progress")],
                    timeline={"r1": [(20, {"status": "Completed"})], "d1": [(10, {"status": "Completed"})]})
    selectors = [{"provider": "rds", "instance_id": "db-1", "status": ["Running"]},
                 {"provider": "dds", "status": ["Running"], "name": "Job-d1"}]
    result, dummy, dummy = run_wait(clouds, selectors=selectors, tasks=[{"provider": "rds", "id": "r1", "name": "given name"}],
                                    poll_interval=5)
    assert result["outcome"] == "succeeded"
    # the task named in tasks keeps its display name; r1 is selected twice but awaited once
    assert [(row["id"], row["name"]) for row in result["tasks"]] == [("r1", "given name"), ("d1", "Job-d1")]
    listing = [query for operation, query in clouds.stores["rds"].queries if operation == "List"]
    assert listing[0]["instance_id"] == "db-1" and listing[0]["status"] == "Running"
    assert all("status" not in query for query in listing[1:])


def test_a_huawei_selector_with_two_statuses_lists_once_per_status():
    clouds = Clouds(rds_items=[huawei("r1"), huawei("r2", "Failed"), huawei("r3", "Completed")])
    result, dummy, dummy = run_wait(clouds, selectors=[{"provider": "rds", "status": ["Running", "Failed"]}], poll_interval=5)
    assert [row["id"] for row in result["tasks"]] == ["r1", "r2"]
    assert result["outcome"] == "failed"
    statuses = [query.get("status") for operation, query in clouds.stores["rds"].queries[:2]]
    assert statuses == ["Running", "Failed"]


@pytest.mark.parametrize("allow_empty, outcome, failed", [(False, "failed", True), (True, "succeeded", None)])
def test_selectors_that_match_nothing_fail_unless_allow_empty(allow_empty, outcome, failed):
    clouds = Clouds(rds_items=[huawei("r1", "Completed")])
    result, dummy, dummy = run_wait(clouds, selectors=[{"provider": "rds", "status": ["Running"]}], allow_empty=allow_empty)
    assert (result["outcome"], result.get("failed"), result["tasks"], result["polls"]) == (outcome, failed, [], 0)
    assert "No task matched the selectors" in result["msg"]


def test_transient_errors_are_shown_and_the_wait_goes_on():
    failures = {"count": 0}

    def flaky(request):
        if "rds.test" in request.url and failures["count"] < 2:
            failures["count"] += 1
            return json_response({"error_code": "SYS.503", "error_msg": "busy"}, 503)
        return None

    clouds = Clouds(rds_items=[huawei("r1")], timeline={"r1": [(30, {"status": "Completed"})]}, fail=flaky)
    params = dict(HUAWEI, retries=0)
    result, warnings, lines = run_wait(clouds, tasks=[{"provider": "rds", "id": "r1"}], poll_interval=5, huaweicloud=params)
    assert result["outcome"] == "succeeded"
    # a failed read is a line with the time into the wait, like every other line; the same failure again is not repeated
    failed = [line for line in lines if "could not be read" in line]
    assert failed == ["task_wait     0s | rds could not be read, the wait goes on with its tasks as last read: RDS ShowJob failed: "
                      "busy (code SYS.503, HTTP 503)"]
    assert "rds can be read again, after 10s" in lines[-2]
    assert warnings == ["2 read(s) failed with a transient error from 0.0s to 5.0s into the wait and the wait went on; the last: "
                        "RDS ShowJob failed: busy (code SYS.503, HTTP 503)"]


def test_without_a_grace_an_unknown_task_id_fails_at_the_first_poll_with_the_provider_error():
    clouds = Clouds(rds_items=[huawei("r1")])
    with pytest.raises(ApiError, match=r"the rds task 'nope' was not found in 0.0s of looking \(not_found_grace is 0.0s\): The job nope does not exist"):
        run_wait(clouds, tasks=[{"provider": "rds", "id": "nope"}], not_found_grace=0)
    assert clouds.elapsed == 0


@pytest.mark.parametrize("args, option", [
    ({"tasks": [{"provider": "udts", "id": "u1"}], "ucloud": {"public_key": "pub"}}, "ucloud.private_key"),
    ({"tasks": [{"provider": "dds", "id": "d1"}], "huaweicloud": {"access_key": "AK", "secret_key": "SK", "project_id": "p1"}},
     "huaweicloud.region"),
    ({"tasks": [{"provider": "rds", "id": "r1"}], "huaweicloud": dict(HUAWEI, endpoint="ftp://x")}, "huaweicloud.endpoint"),
    ({"tasks": [{"provider": "rds", "id": "r1"}], "huaweicloud": dict(HUAWEI, retries=11)}, "huaweicloud.retries"),
    ({"selectors": [{"provider": "dds", "start_time": "yesterday"}]}, "selectors[0].start_time"),
    ({"selectors": [{"provider": "rds", "name": "x"}, {"provider": "rds", "start_time": "-1d", "end_time": "-2d"}]},
     "selectors[1].end_time"),
    ({"selectors": [{"provider": "udts", "name": " "}]}, "selectors[0].name"),
])
def test_bad_connections_and_filters_fail_before_any_request(args, option):
    clouds = three_clouds()
    with pytest.raises(ParameterError) as raised:
        run_wait(clouds, **args)
    assert raised.value.option == option
    assert clouds.transport.requests == []


def test_only_the_connections_in_use_are_required():
    clouds = three_clouds(r1=[(5, {"status": "Completed"})])
    result, dummy, dummy = run_wait(clouds, tasks=[{"provider": "rds", "id": "r1"}], ucloud={})
    assert result["outcome"] == "succeeded"
    assert clouds.transport.closed is False  # the test's transport is not the engine's to close


def test_secrets_never_reach_the_result_or_the_progress_lines():
    secret = HUAWEI["secret_key"]
    clouds = Clouds(rds_items=[huawei("r1", fail_reason="")],
                    timeline={"r1": [(5, {"status": "Failed", "fail_reason": "denied for " + secret})]})
    result, dummy, lines = run_wait(clouds, tasks=[{"provider": "rds", "id": "r1", "name": "key " + secret}])
    assert result["outcome"] == "failed"
    assert result["tasks"][0]["failure_reason"] == "denied for ********"
    assert 'rds r1 [key ********]: Failed - denied for ********' in result["msg"]
    assert secret not in repr(result) + "\n".join(lines)
    assert any("denied for ********" in line for line in lines)


def test_every_row_carries_the_normalized_instance_and_times_of_its_task():
    clouds = Clouds(udts_items=[udts("u1", "Done", 100, CreateTime=1772366400)],
                    dds_items=[huawei("d1", "Completed", progress_key="progress", instance_name="dds-1",
                                      created_at="2026-03-01T20:00:00+0800", ended_at="2026-03-01T12:05:00+0000")],
                    rds_items=[huawei("r1", create_time="1772366400000", end_time="")])
    tasks = [{"provider": "udts", "id": "u1"}, {"provider": "dds", "id": "d1"}, {"provider": "rds", "id": "r1"}]
    result, dummy, dummy = run_wait(clouds, tasks=tasks, poll_interval=10, timeout=5)
    rows = {row["id"]: {name: row[name] for name in ("instance_id", "instance_name", "created_at", "ended_at")} for row in result["tasks"]}
    assert rows["u1"] == {"instance_id": None, "instance_name": None, "created_at": "2026-03-01T12:00:00Z", "ended_at": None}
    assert rows["d1"] == {"instance_id": "inst-1", "instance_name": "dds-1", "created_at": "2026-03-01T12:00:00Z",
                          "ended_at": "2026-03-01T12:05:00Z"}
    assert rows["r1"] == {"instance_id": "inst-1", "instance_name": None, "created_at": "2026-03-01T12:00:00Z", "ended_at": None}
