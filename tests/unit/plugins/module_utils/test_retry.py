# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import time
from datetime import datetime, timezone
from email.utils import format_datetime

import pytest

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError, TransportError
from ansible_collections.dbtasks.cloud.plugins.module_utils._retry import FINAL_LOOK_SECONDS, Deadline, RetryPolicy, is_retryable, parse_retry_after
from ansible_collections.dbtasks.cloud.plugins.module_utils._ucloud_client import retcode_retryable
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import FakeClock


@pytest.fixture(autouse=True)
def no_real_sleep(monkeypatch):
    def refuse(seconds):
        raise AssertionError("time.sleep(%r) called in a unit test" % seconds)
    monkeypatch.setattr(time, "sleep", refuse)


def huawei(status, code=None):
    return ApiError("huaweicloud", "ListJobs", "m", http_status=status, code=code)


def ucloud(retcode, status=200):
    """An error as the UCloud client raises it: its verdict on the RetCode goes with it."""
    return ApiError("ucloud", "ListUDTSTask", "m", http_status=status, code=retcode,
                    retryable=None if retcode is None else retcode_retryable(retcode))


@pytest.mark.parametrize("error, expected", [
    (TransportError("connect", "refused"), True),
    (TransportError("timeout", "slow"), True),
    (TransportError("reset", "reset"), True),
    (TransportError("tls", "bad cert"), False),
    (TransportError("other", "bad url"), False),
    (huawei(429, "APIGW.0308"), True),
    (huawei(500), True),
    (huawei(502), True),
    (huawei(503), True),
    (huawei(504), True),
    (huawei(400, "DBS.280001"), False),
    (huawei(401, "APIGW.0301"), False),
    (huawei(403, "DBS.200001"), False),
    (huawei(404), False),
    (huawei(501), False),
    (huawei(200), False),
    (ucloud(150), True),
    (ucloud(153), True),
    (ucloud(2000), True),
    (ucloud(5000), True),
    (ucloud(1999), False),
    (ucloud(110), False),
    (ucloud(160), False),
    (ucloud(161), False),
    (ucloud(170), False),
    (ucloud(171), False),
    (ucloud(172), False),
    (ucloud(171, status=503), False),
    (ucloud(292), False),
    (ucloud("150"), True),
    (ucloud(None, status=503), True),
    (ucloud(None, status=401), False),
    (ucloud(None, status=400), False),
])
def test_is_retryable(error, expected):
    assert is_retryable(error) is expected


class Script:
    """An attempt callable that raises the scripted errors, then returns 'ok'."""

    def __init__(self, *errors):
        self.errors = list(errors)
        self.calls = 0

    def __call__(self):
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def policy(clock, **kwargs):
    kwargs.setdefault("rand", lambda: 1.0)
    return RetryPolicy(sleep=clock.sleep, clock=clock.monotonic, **kwargs)


def test_success_after_retryable_errors_sleeps_with_exponential_cap():
    clock = FakeClock()
    attempt = Script(huawei(503), huawei(503), huawei(503))
    assert policy(clock, base_delay=0.5).run(attempt) == "ok"
    assert attempt.calls == 4
    assert clock.sleeps == [0.5, 1.0, 2.0]


@pytest.mark.parametrize("rand_value", [0.0, 0.25, 0.999999])
def test_full_jitter_stays_within_bounds(rand_value):
    clock = FakeClock()
    retry = policy(clock, retries=8, budget=1e9, base_delay=0.5, max_delay=20.0, rand=lambda: rand_value)
    attempt = Script(*[huawei(502) for dummy in range(8)])
    retry.run(attempt)
    for index, slept in enumerate(clock.sleeps):
        cap = min(20.0, 0.5 * 2 ** index)
        assert 0.0 <= slept <= cap
        assert slept == pytest.approx(rand_value * cap)
    assert max(clock.sleeps) <= 20.0


def test_retries_exhausted_reraises_with_attempts():
    clock = FakeClock()
    attempt = Script(*[huawei(503) for dummy in range(10)])
    with pytest.raises(ApiError) as caught:
        policy(clock, retries=2).run(attempt)
    assert attempt.calls == 3
    assert caught.value.attempts == 3
    assert caught.value.retryable is True
    assert len(clock.sleeps) == 2
    assert "after 3 attempts" in str(caught.value)


def test_zero_retries_means_one_attempt():
    clock = FakeClock()
    attempt = Script(huawei(503))
    with pytest.raises(ApiError) as caught:
        policy(clock, retries=0).run(attempt)
    assert attempt.calls == 1 and caught.value.attempts == 1 and clock.sleeps == []


def test_non_retryable_error_raises_at_once():
    clock = FakeClock()
    attempt = Script(huawei(401, "APIGW.0301"), huawei(503))
    with pytest.raises(ApiError) as caught:
        policy(clock).run(attempt)
    assert attempt.calls == 1
    assert caught.value.attempts == 1
    assert caught.value.retryable is False
    assert clock.sleeps == []


def test_non_retryable_after_a_retry_counts_both_attempts():
    clock = FakeClock()
    attempt = Script(huawei(502), huawei(400))
    with pytest.raises(ApiError) as caught:
        policy(clock).run(attempt)
    assert caught.value.attempts == 2 and caught.value.http_status == 400


def test_other_exceptions_pass_through_untouched():
    clock = FakeClock()
    attempt = Script(KeyError("x"))
    with pytest.raises(KeyError):
        policy(clock).run(attempt)
    assert attempt.calls == 1


def test_error_flagged_retryable_by_raiser_is_retried():
    clock = FakeClock()
    attempt = Script(ApiError("huaweicloud", "GetJob", "not visible yet", http_status=404, retryable=True))
    assert policy(clock).run(attempt) == "ok"
    assert attempt.calls == 2


def test_budget_cuts_the_last_wait_and_stops_retrying():
    clock = FakeClock()

    # Each attempt takes 4 s of the 10 s budget.
    def slow_failure():
        clock.now += 4.0
        raise huawei(503)
    with pytest.raises(ApiError) as caught:
        policy(clock, retries=10, budget=10.0, base_delay=2.0).run(slow_failure)
    # t=4 fail, wait 2 -> t=6; t=10 fail, budget gone
    assert clock.sleeps == [2.0]
    assert caught.value.attempts == 2


def test_wait_is_clamped_to_remaining_budget():
    clock = FakeClock()

    def slow_failure():
        clock.now += 7.0
        raise huawei(503)
    with pytest.raises(ApiError):
        policy(clock, retries=10, budget=10.0, base_delay=8.0).run(slow_failure)
    assert clock.sleeps == [pytest.approx(3.0)]


@pytest.mark.parametrize("status, retry_after, limits, slept", [
    (429, 7.0, {}, 7.0),  # honoured instead of the (zero) backoff
    (503, 3600.0, {"max_retry_after": 30.0, "budget": 1000.0}, 30.0),  # clamped to max_retry_after
    (429, 0.0, {}, 0.0),  # retry at once
])
def test_retry_after(status, retry_after, limits, slept):
    clock = FakeClock()
    throttled = huawei(status)
    throttled.retry_after = retry_after
    assert policy(clock, rand=lambda: 0.0, **limits).run(Script(throttled)) == "ok"
    assert clock.sleeps == [slept]


def test_a_retry_after_beyond_the_remaining_budget_gives_up_at_once():
    # Retrying before the server said to would only be throttled again, so the error is raised as it is.
    clock = FakeClock()
    throttled = huawei(429)
    throttled.retry_after = 25.0
    with pytest.raises(ApiError) as caught:
        policy(clock, max_retry_after=30.0, budget=12.0).run(Script(throttled))
    assert clock.sleeps == []
    assert caught.value.attempts == 1 and caught.value.http_status == 429


def test_negative_retries_rejected():
    with pytest.raises(ValueError):
        RetryPolicy(retries=-1)


NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc).timestamp()


@pytest.mark.parametrize("value, expected", [
    ("120", 120.0),
    (" 5 ", 5.0),
    ("0", 0.0),
    ("1.5", 1.5),
    (format_datetime(datetime(2026, 3, 1, 12, 0, 30, tzinfo=timezone.utc), usegmt=True), 30.0),
    ("Sun, 01 Mar 2026 12:01:00 GMT", 60.0),
    ("Sun, 01 Mar 2026 11:00:00 GMT", 0.0),
    ("-5", None),
    ("nan", None),
    ("inf", None),
    ("soon", None),
    ("", None),
    (None, None),
    ("Sun, 01 Mar 2026 12:01:00", None),
])
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value, NOW) == expected


def test_a_deadline_bounds_time_left_and_stops_retries_that_could_not_start_before_it():
    clock = FakeClock()
    deadline = Deadline(clock.monotonic)
    policy = RetryPolicy(retries=5, sleep=clock.sleep, clock=clock.monotonic, rand=lambda: 1.0, deadline=deadline)
    assert policy.time_left() is None
    seen = []

    def attempt():
        seen.append(policy.time_left())
        raise TransportError("timeout", "slow")

    with deadline.within(1.2):
        with pytest.raises(TransportError) as caught:
            policy.run(attempt)
    # Backoff 0.5 s then 1.0 s: the second retry would start at the deadline, so it is not made.
    assert seen == [pytest.approx(1.2), pytest.approx(0.7)]
    assert caught.value.attempts == 2 and clock.sleeps == [0.5]
    assert policy.time_left() is None  # the deadline ends with the wait


def test_nested_deadlines_keep_the_earlier_end():
    clock = FakeClock()
    deadline = Deadline(clock.monotonic)
    with deadline.within(10):
        with deadline.within(60):
            assert deadline.remaining() == pytest.approx(10)
        with deadline.within(3):
            assert deadline.remaining() == pytest.approx(3)
        assert deadline.remaining() == pytest.approx(10)
    assert deadline.remaining() is None


def test_a_request_at_the_end_of_a_wait_still_gets_the_final_look():
    clock = FakeClock()
    policy = RetryPolicy(clock=clock.monotonic, sleep=clock.sleep)
    assert policy.request_time() is None
    with policy.deadline.within(30):
        assert policy.request_time() == pytest.approx(30)
        clock.sleep(29.5)
        assert policy.request_time() == FINAL_LOOK_SECONDS
        clock.sleep(10)
        assert policy.time_left() == pytest.approx(-9.5) and policy.request_time() == FINAL_LOOK_SECONDS
