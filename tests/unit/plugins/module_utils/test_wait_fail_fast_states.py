# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``fail_fast_states``: which states end a wait at once (the task_wait ``fail_on`` option)."""

from __future__ import annotations

import pytest

from ansible_collections.dbtasks.cloud.plugins.module_utils._wait import Waiter, wait_outcome
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import FakeClock


def item(ident, state):
    return {"id": ident, "status": state.title(), "state": state, "progress_percent": None}


@pytest.mark.parametrize("states,fail_fast_states,expected", [
    # a listed non-terminal state ends the wait at once
    (["retrying", "running"], ("failed", "retrying"), "failed"),
    # an unlisted bad final state waits for the others, and still fails the wait
    (["stopped", "running"], ("failed",), None),
    (["stopped", "succeeded"], ("failed",), "failed"),
    (["failed", "running"], ("stopped",), None),
    (["failed", "succeeded"], ("stopped",), "failed"),
    (["succeeded", "running"], ("failed", "stopped"), None),
    (["unknown", "running"], ("unknown",), "failed"),
])
def test_fail_fast_states_decide_what_ends_a_wait_early(states, fail_fast_states, expected):
    items = [item(str(number), state) for number, state in enumerate(states)]
    assert wait_outcome(items, "terminal", True, fail_fast_states) == expected


def test_the_default_is_failed_and_stopped():
    for state in ("failed", "stopped"):
        assert wait_outcome([item("a", state), item("b", "running")], "terminal", True) == "failed"
    assert wait_outcome([item("a", "retrying"), item("b", "running")], "terminal", True) is None


def test_the_waiter_passes_its_fail_fast_states_on():
    clock = FakeClock()
    answers = [[item("a", "running"), item("b", "running")], [item("a", "retrying"), item("b", "running")]]

    def poll():
        return answers.pop(0) if len(answers) > 1 else answers[0]

    waiter = Waiter(poll, timeout=600, first_interval=5, sleep=clock.sleep, clock=clock.monotonic, fail_fast_states=("retrying",))
    result = waiter.run()
    assert (result.outcome, result.polls, clock.sleeps) == ("failed", 2, [5])


def test_a_progress_rise_too_small_for_a_rate_gives_no_estimate_instead_of_dividing_by_zero():
    clock = FakeClock()
    answers = [[dict(item("a", "running"), progress_percent=percent)] for percent in (0.0, 5e-324, 5e-324)]

    def poll():
        return answers.pop(0) if len(answers) > 1 else answers[0]

    waiter = Waiter(poll, timeout=30, first_interval=10, max_interval=10, sleep=clock.sleep, clock=clock.monotonic)
    with pytest.raises(Exception, match="Timed out after 30s"):
        waiter.run()
    assert clock.sleeps == [10, 10, 10]
