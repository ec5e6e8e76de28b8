# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError, ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._wait import Waiter, WaitResult, WaitTimeout, wait_outcome
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.examples import examples

STATUS_OF = {"pending": "Created", "running": "Running", "retrying": "Failed", "synced": "Synced",
             "succeeded": "Completed", "failed": "Failed", "stopped": "Stopped", "unknown": "Paused"}


def task(ident, state, percent=None, name=None, progress=None, status=None):
    item = {"id": ident, "status": status or STATUS_OF[state], "state": state, "terminal": state in ("succeeded", "failed", "stopped"),
            "progress_percent": percent, "failure_reason": None}
    if name is not None:
        item["name"] = name
    if progress is not None:
        item["progress"] = progress
    return item


class FakeTime:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self, start=5000.0):
        self.start = start
        self.now = start
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        assert seconds > 0
        self.sleeps.append(seconds)
        self.now += seconds

    @property
    def elapsed(self):
        return self.now - self.start


class Script:
    """A poll returning one scripted answer per call (an exception instance is raised); the last answer repeats."""

    def __init__(self, fake_time, *answers):
        self.fake_time = fake_time
        self.answers = list(answers)
        self.polled_at = []

    def __call__(self):
        self.polled_at.append(self.fake_time.elapsed)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def make_waiter(fake_time, poll, **kwargs):
    kwargs.setdefault("timeout", 600)
    return Waiter(poll, sleep=fake_time.sleep, clock=fake_time.clock, **kwargs)


def transient_error():
    return ApiError("huaweicloud", "ListInstantTasks", "service unavailable", http_status=503, request_id="req-1", attempts=4, retryable=True,
                    label="Huawei Cloud")


def test_waits_until_every_task_succeeded():
    fake_time = FakeTime()
    poll = Script(fake_time, [task("a", "running"), task("b", "pending")], [task("a", "succeeded"), task("b", "running")],
                  [task("a", "succeeded"), task("b", "succeeded")])
    result = make_waiter(fake_time, poll, first_interval=5).run()
    assert result == WaitResult(poll.answers[0], "succeeded", 12.5, 3)
    assert fake_time.sleeps == [5, 7.5]


def test_fail_fast_returns_as_soon_as_one_task_failed():
    fake_time = FakeTime()
    poll = Script(fake_time, [task("a", "running"), task("b", "running")], [task("a", "failed"), task("b", "running")],
                  [task("a", "failed"), task("b", "succeeded")])
    result = make_waiter(fake_time, poll).run()
    assert (result.outcome, result.polls) == ("failed", 2)


def test_without_fail_fast_the_others_are_awaited_and_the_outcome_is_still_failed():
    fake_time = FakeTime()
    poll = Script(fake_time, [task("a", "running"), task("b", "running")], [task("a", "stopped"), task("b", "running")],
                  [task("a", "stopped"), task("b", "succeeded")])
    result = make_waiter(fake_time, poll, fail_fast=False).run()
    assert (result.outcome, result.polls) == ("failed", 3)
    assert result.items[1]["state"] == "succeeded"


def test_synced_counts_as_done_only_with_target_synced():
    items = [task("full", "succeeded"), task("incremental", "synced")]
    fake_time = FakeTime()
    result = make_waiter(fake_time, Script(fake_time, items), target="synced").run()
    assert (result.outcome, result.polls) == ("synced", 1)
    fake_time = FakeTime()
    with pytest.raises(WaitTimeout, match="1 of 2 tasks: incremental"):
        make_waiter(fake_time, Script(fake_time, items), timeout=60).run()


@pytest.mark.parametrize("states,target,fail_fast,expected", [
    (["succeeded", "succeeded"], "terminal", True, "succeeded"),
    (["succeeded", "synced"], "terminal", True, None),
    (["synced", "synced"], "synced", True, "synced"),
    (["succeeded", "succeeded"], "synced", True, "succeeded"),
    (["failed", "synced"], "synced", False, "failed"),
    (["stopped", "running"], "terminal", True, "failed"),
    (["stopped", "running"], "terminal", False, None),
    (["retrying", "succeeded"], "terminal", True, None),
    (["unknown"], "terminal", True, None),
    (["pending"], "synced", True, None),
])
def test_outcome_table(states, target, fail_fast, expected):
    assert wait_outcome([task(str(number), state) for number, state in enumerate(states)], target, fail_fast) == expected


def test_an_empty_list_ends_at_once_as_succeeded_and_leaves_the_judgement_to_the_caller():
    fake_time = FakeTime()
    result = make_waiter(fake_time, Script(fake_time, [])).run()
    assert result == WaitResult([], "succeeded", 0.0, 1)
    assert fake_time.sleeps == []


def test_timeout_lists_each_unfinished_task_with_its_status_progress_and_the_time_waited():
    fake_time = FakeTime()
    items = [task("676e0b2a", "running", percent=60, name="orders copy"), task("0c1d", "retrying", status="Failed"),
             task("done-1", "succeeded"), task("done-2", "succeeded"), task("done-3", "succeeded")]
    with pytest.raises(WaitTimeout) as caught:
        make_waiter(fake_time, Script(fake_time, items), timeout=300).run()
    assert str(caught.value) == ('Timed out after 300s waiting for 2 of 5 tasks: 676e0b2a "orders copy" (status Running, state running, 60%); '
                                 '0c1d (status Failed, state retrying, progress unknown)')
    assert caught.value.items == items
    assert caught.value.unfinished == items[:2]
    assert caught.value.elapsed == 300
    assert caught.value.to_fail_kwargs() == {"msg": str(caught.value), "elapsed": 300}


def test_a_long_list_of_unfinished_tasks_is_cut_short_in_the_message():
    fake_time = FakeTime()
    items = [task("t%02d" % number, "running", name="x" * 100) for number in range(25)]
    with pytest.raises(WaitTimeout) as caught:
        make_waiter(fake_time, Script(fake_time, items), timeout=3).run()
    message = str(caught.value)
    assert message.startswith("Timed out after 3.0s waiting for 25 of 25 tasks: t00 ")
    assert message.endswith(" and 15 more")
    assert "t09" in message and "t10" not in message
    assert '"%s...[40 more characters]"' % ("x" * 60) in message


def test_timeout_zero_polls_once_and_never_sleeps():
    fake_time = FakeTime()
    poll = Script(fake_time, [task("a", "running")])
    with pytest.raises(WaitTimeout, match="after 0.0s"):
        make_waiter(fake_time, poll, timeout=0).run()
    assert fake_time.sleeps == []
    assert poll.polled_at == [0]


def test_the_last_poll_happens_exactly_at_the_deadline():
    fake_time = FakeTime()
    poll = Script(fake_time, [task("a", "running")])
    with pytest.raises(WaitTimeout):
        make_waiter(fake_time, poll, timeout=20, first_interval=7).run()
    assert fake_time.sleeps == [7, 10.5, 2.5]
    assert poll.polled_at == [0, 7, 17.5, 20]


@settings(max_examples=examples(200), deadline=None)
@given(timeout=st.floats(min_value=0, max_value=1000), first_interval=st.floats(min_value=1, max_value=100),
       min_interval=st.floats(min_value=0.5, max_value=10), extra=st.floats(min_value=0, max_value=100),
       percents=st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=100)), min_size=1, max_size=30))
def test_no_sleep_reaches_past_the_deadline_and_every_pause_stays_within_bounds(timeout, first_interval, min_interval, extra, percents):
    fake_time = FakeTime()
    max_interval = min_interval + extra
    poll = Script(fake_time, *[[task("a", "running", percent=percent)] for percent in percents])
    with pytest.raises(WaitTimeout):
        make_waiter(fake_time, poll, timeout=timeout, first_interval=first_interval, min_interval=min_interval, max_interval=max_interval).run()
    assert fake_time.elapsed == pytest.approx(timeout)
    assert all(pause <= max_interval + 1e-9 for pause in fake_time.sleeps)
    assert all(pause >= min_interval - 1e-9 for pause in fake_time.sleeps[:-1])


def test_without_estimates_the_pause_backs_off_by_half_up_to_the_maximum():
    fake_time = FakeTime()
    with pytest.raises(WaitTimeout):
        make_waiter(fake_time, Script(fake_time, [task("a", "running")]), timeout=200, first_interval=10, max_interval=40).run()
    assert fake_time.sleeps[:6] == [10, 15, 22.5, 33.75, 40, 40]


def test_a_udts_duration_estimate_sets_the_pause_to_the_time_left():
    fake_time = FakeTime()

    def poll():
        # A task expected to take 100 s that started 20 s before the wait.
        now = fake_time.elapsed + 20
        state = "succeeded" if now >= 100 else "running"
        return [task("udts-1", state, progress={"total_duration": 100, "cur_duration": min(now, 100), "percentage": 0})]

    result = make_waiter(fake_time, poll, first_interval=5, min_interval=1, max_interval=60).run()
    # 80 s are left at the first poll: clamped to 60, then the remaining 20.
    assert fake_time.sleeps == [60, 20]
    assert result.polls == 3
    # The final transition (at 80 s) is noticed at the poll that lands on it.
    assert result.elapsed == 80
    assert result.outcome == "succeeded"


def test_estimates_are_clamped_to_the_interval_bounds():
    fake_time = FakeTime()
    long_task = task("slow", "running", progress={"total_duration": 100000, "cur_duration": 0})
    short_task = task("quick", "running", progress={"total_duration": 10, "cur_duration": 9.5})
    with pytest.raises(WaitTimeout):
        make_waiter(fake_time, Script(fake_time, [long_task]), timeout=100, min_interval=2, max_interval=30).run()
    assert fake_time.sleeps[:3] == [30, 30, 30]
    fake_time = FakeTime()
    with pytest.raises(WaitTimeout):
        make_waiter(fake_time, Script(fake_time, [long_task, short_task]), timeout=5, min_interval=2, max_interval=30).run()
    assert fake_time.sleeps == [2, 2, 1]


def test_the_rate_of_progress_estimates_the_time_left():
    fake_time = FakeTime()
    poll = Script(fake_time, [task("rds-1", "running", percent=10)], [task("rds-1", "running", percent=20)],
                  [task("rds-1", "running", percent=60)], [task("rds-1", "running", percent=60)], [task("rds-1", "succeeded")])
    make_waiter(fake_time, poll, first_interval=5, max_interval=300).run()
    # 10% -> 20% in 5 s leaves 40 s; 20% -> 60% in 40 s leaves 40 s; no change since and the time is up:
    # a late task gives no estimate, so the backoff (5 s, grown by half once) takes over.
    assert fake_time.sleeps == [5, 40, 40, 7.5]


def test_a_restarted_percentage_drops_the_rate_and_falls_back_to_backoff():
    fake_time = FakeTime()
    poll = Script(fake_time, [task("a", "running", percent=50)], [task("a", "running", percent=90)],
                  [task("a", "running", percent=5)], [task("a", "succeeded")])
    make_waiter(fake_time, poll, first_interval=4, max_interval=300).run()
    assert fake_time.sleeps == [4, 1, 6]


def test_overdue_estimates_and_finished_tasks_do_not_shorten_the_pause():
    fake_time = FakeTime()
    overdue = task("late", "running", progress={"total_duration": 50, "cur_duration": 80})
    finished = task("done", "succeeded", progress={"total_duration": 50, "cur_duration": 49})
    with pytest.raises(WaitTimeout):
        make_waiter(fake_time, Script(fake_time, [overdue, finished]), timeout=20, first_interval=8).run()
    assert fake_time.sleeps == [8, 12]


def test_a_transient_error_is_reported_and_the_wait_goes_on():
    fake_time = FakeTime()
    error = transient_error()
    seen_errors = []
    poll = Script(fake_time, [task("a", "running")], error, [task("a", "succeeded")])
    result = make_waiter(fake_time, poll, first_interval=5, on_transient_error=lambda *seen: seen_errors.append(seen)).run()
    assert seen_errors == [(error, 5)]
    assert (result.outcome, result.polls) == ("succeeded", 3)
    assert fake_time.sleeps == [5, 7.5]


def test_a_non_retryable_error_propagates_at_once():
    fake_time = FakeTime()
    error = ApiError("ucloud", "ListUDTSTask", "Signature VerifyAC Error", code=171)
    seen_errors = []
    poll = Script(fake_time, [task("a", "running")], error)
    with pytest.raises(ApiError) as caught:
        make_waiter(fake_time, poll, on_transient_error=seen_errors.append).run()
    assert caught.value is error
    assert seen_errors == []
    assert len(poll.polled_at) == 2


def test_errors_until_the_deadline_end_in_a_timeout_naming_the_last_error():
    fake_time = FakeTime()
    poll = Script(fake_time, [task("a", "running", percent=30)], transient_error())
    with pytest.raises(WaitTimeout) as caught:
        make_waiter(fake_time, poll, timeout=30).run()
    message = str(caught.value)
    assert message.startswith("Timed out after 30s waiting for 1 of 1 tasks: a (status Running, state running, 30%)")
    assert message.endswith("; the last poll failed: Huawei Cloud ListInstantTasks failed: service unavailable "
                            "(HTTP 503, request id req-1, after 4 attempts)")
    fake_time = FakeTime()
    with pytest.raises(WaitTimeout, match="no poll succeeded; the last poll failed: .*service unavailable"):
        make_waiter(fake_time, Script(fake_time, transient_error()), timeout=30).run()


def test_on_poll_sees_every_successful_poll_with_the_elapsed_time():
    fake_time = FakeTime()
    seen = []
    poll = Script(fake_time, [task("a", "running")], transient_error(), [task("a", "succeeded")])
    make_waiter(fake_time, poll, first_interval=2, on_poll=lambda items, elapsed: seen.append((items[0]["state"], elapsed))).run()
    assert seen == [("running", 0), ("succeeded", 5)]


@pytest.mark.parametrize("kwargs,option", [({"timeout": -1}, "wait_timeout"), ({"first_interval": 0}, "wait_sleep"),
                                           ({"target": "done"}, "wait_for")])
def test_bad_options_name_the_option(kwargs, option):
    fake_time = FakeTime()
    with pytest.raises(ParameterError) as caught:
        make_waiter(fake_time, Script(fake_time, []), **kwargs)
    assert caught.value.option == option


def test_inconsistent_interval_bounds_are_a_programming_error():
    fake_time = FakeTime()
    with pytest.raises(ValueError):
        make_waiter(fake_time, Script(fake_time, []), min_interval=10, max_interval=5)
