# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Waiting for tasks to finish, knowing nothing about HTTP.

``Waiter.run`` calls ``poll()`` (one listing of every selected task) until
every item is done, then returns a ``WaitResult``; it raises ``WaitTimeout``
when the deadline passes first.

* Done means ``state`` in succeeded/failed/stopped; with ``target="synced"``
  also ``synced`` (incremental UDTS tasks never reach Done). ``retrying`` and
  ``unknown`` are not done: the wait goes on until the timeout.
* An empty item list is done at once with outcome ``succeeded`` and
  ``items == []``. Only the caller knows whether nothing matching is fine,
  so it must check ``items`` (a pipeline gate should not pass on nothing).
* The pause between polls is the smallest remaining-time estimate of the
  unfinished tasks (UDTS ``progress.total_duration - cur_duration``, or the
  rate at which ``progress_percent`` rises), clamped to
  [min_interval, max_interval]: the next poll lands when the soonest task is
  expected to finish. (Half the estimate polled ever closer to a finish and
  cost several requests per finished task.) Without an estimate it starts at
  ``first_interval`` and grows 1.5 times per poll up to ``max_interval``.
  An estimate of zero or less (a task running late) counts as none, so late
  tasks are not polled every second. No pause reaches past the deadline:
  the last poll happens at it.
* ``fail_fast_states`` (default failed and stopped) are the states that end
  the wait at once with outcome ``failed`` when ``fail_fast`` is on; a
  non-terminal state such as ``retrying`` may be listed too. Whatever it
  holds, a wait whose tasks all finished is ``failed`` if any ended failed
  or stopped.
* A poll raising a retryable ``ApiError`` (the client has already spent its
  retry budget) is reported to ``on_transient_error`` and the wait goes on;
  any other error propagates.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Dict, Iterable, List, NamedTuple, Optional, Tuple

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError, DbTasksError, ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._states import ENDED_BADLY, is_done, normalized

TARGETS = ("terminal", "synced")
_BACKOFF_FACTOR = 1.5
_LISTED_IN_MESSAGE = 10
_MAX_NAME_IN_MESSAGE = 60

Items = List[Dict[str, Any]]


class WaitResult(NamedTuple):
    items: Items
    outcome: str  # succeeded, failed or synced
    elapsed: float
    polls: int  # poll() calls, failed ones included


def wait_outcome(items: Items, target: str, fail_fast: bool, fail_fast_states: Iterable[str] = ENDED_BADLY) -> Optional[str]:
    """The outcome if the wait is over for these items, else None."""
    states = [normalized(item, "state") for item in items]
    if fail_fast and any(state in fail_fast_states for state in states):
        return "failed"
    if not all(is_done(item, target) for item in items):
        return None
    if any(state in ENDED_BADLY for state in states):
        return "failed"
    if target == "synced" and "synced" in states:
        return "synced"
    return "succeeded"


def _format_seconds(seconds: float) -> str:
    return "%.1fs" % seconds if seconds < 10 else "%ds" % round(seconds)


def _describe(item: Dict[str, Any]) -> str:
    label = str(normalized(item, "id"))
    name = item.get("name")
    if name and name != label:
        name = str(name)
        label += ' "%s"' % (name if len(name) <= _MAX_NAME_IN_MESSAGE else name[:_MAX_NAME_IN_MESSAGE - 3] + "...")
    details = ["status %s" % item.get("status"), "state %s" % normalized(item, "state")]
    percent = normalized(item, "progress_percent")
    details.append("progress unknown" if percent is None else "%g%%" % percent)
    return "%s (%s)" % (label, ", ".join(details))


class WaitTimeout(DbTasksError):
    """The deadline passed before every task was done; carries the last items seen."""

    def __init__(self, items: Items, elapsed: float, target: str, last_error: Optional[ApiError] = None) -> None:
        self.items = items
        self.elapsed = elapsed
        self.unfinished = [item for item in items if not is_done(item, target)]
        waited = _format_seconds(elapsed)
        if not items:
            message = "Timed out after %s waiting for tasks: no poll succeeded" % waited
        else:
            listed = ", ".join(_describe(item) for item in self.unfinished[:_LISTED_IN_MESSAGE])
            more = len(self.unfinished) - _LISTED_IN_MESSAGE
            message = "Timed out after %s waiting for %d of %d tasks: %s%s" % (
                waited, len(self.unfinished), len(items), listed, " and %d more" % more if more > 0 else "")
        if last_error is not None:
            message += "; the last poll failed: %s" % last_error
        super().__init__(message)

    def to_fail_kwargs(self) -> Dict[str, Any]:
        return {"msg": str(self), "elapsed": self.elapsed}


def _number(value: Any) -> Optional[float]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _duration_estimate(item: Dict[str, Any]) -> Optional[float]:
    """Seconds left according to UDTS ``progress.total_duration`` and ``cur_duration``."""
    progress = item.get("progress")
    if not isinstance(progress, dict):
        return None
    total, current = _number(progress.get("total_duration")), _number(progress.get("cur_duration"))
    if total is None or current is None or current < 0:
        return None
    return total - current


class _ProgressRates:
    """Remembers each task's last percent change to turn ``progress_percent`` into seconds left."""

    def __init__(self) -> None:
        self._last: Dict[Any, Tuple[float, float, Optional[float]]] = {}  # id -> (percent, seen at, percent per second)

    def estimate(self, item: Dict[str, Any], now: float) -> Optional[float]:
        key, percent = normalized(item, "id"), _number(normalized(item, "progress_percent"))
        if key is None or percent is None:
            return None
        previous = self._last.get(key)
        if previous is None or percent < previous[0]:
            # First sight, or a new phase that restarted its percentage: no rate yet.
            self._last[key] = (percent, now, None)
            return None
        last_percent, seen_at, rate = previous
        if percent > last_percent and now > seen_at:
            rate = (percent - last_percent) / (now - seen_at)
            # A rise too small for a float (5e-324 % over seconds) gives a rate of 0: no estimate.
            rate = rate if rate > 0 else None
            self._last[key] = (percent, now, rate)
            return None if rate is None else (100.0 - percent) / rate
        if rate is None:
            return None
        return (100.0 - percent) / rate - (now - seen_at)


class Waiter:
    """Polls until every task is done; see the module docstring for the rules."""

    def __init__(self, poll: Callable[[], Items], timeout: float, first_interval: float = 5.0, target: str = "terminal",
                 fail_fast: bool = True, min_interval: float = 1.0, max_interval: float = 60.0,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 on_poll: Optional[Callable[[Items, float], None]] = None,
                 on_transient_error: Optional[Callable[[ApiError], None]] = None,
                 fail_fast_states: Iterable[str] = ENDED_BADLY) -> None:
        if timeout < 0:
            raise ParameterError("wait_timeout", "must be 0 or more seconds, got %s" % timeout)
        if first_interval <= 0:
            raise ParameterError("wait_sleep", "must be more than 0 seconds, got %s" % first_interval)
        if target not in TARGETS:
            raise ParameterError("wait_for", "must be one of %s, got %s" % (", ".join(TARGETS), target))
        if not 0 < min_interval <= max_interval:
            raise ValueError("need 0 < min_interval <= max_interval")
        self._poll = poll
        self._timeout = timeout
        self._first_interval = first_interval
        self._target = target
        self._fail_fast = fail_fast
        self._min_interval = min_interval
        self._max_interval = max_interval
        self._sleep = sleep
        self._clock = clock
        self._on_poll = on_poll
        self._on_transient_error = on_transient_error
        self._fail_fast_states = frozenset(fail_fast_states)

    def _clamp(self, seconds: float) -> float:
        return min(self._max_interval, max(self._min_interval, seconds))

    def _poll_once(self) -> Tuple[Optional[Items], Optional[ApiError]]:
        try:
            return list(self._poll()), None
        except ApiError as error:
            if not error.retryable:
                raise
            if self._on_transient_error is not None:
                self._on_transient_error(error)
            return None, error

    def _smallest_estimate(self, items: Items, rates: _ProgressRates, now: float) -> Optional[float]:
        estimates = []
        for item in items:
            if not is_done(item, self._target):
                # Both are computed for every task: the rate tracker must see each poll to measure rates.
                estimates.extend((_duration_estimate(item), rates.estimate(item, now)))
        usable = [estimate for estimate in estimates if estimate is not None and estimate > 0]
        return min(usable) if usable else None

    def run(self) -> WaitResult:
        start = self._clock()
        deadline = start + self._timeout
        backoff = self._clamp(self._first_interval)
        rates = _ProgressRates()
        items: Items = []
        polls = 0
        while True:
            fresh, error = self._poll_once()
            polls += 1
            now = self._clock()
            estimate = None
            if fresh is not None:
                items = fresh
                if self._on_poll is not None:
                    self._on_poll(items, now - start)
                outcome = wait_outcome(items, self._target, self._fail_fast, self._fail_fast_states)
                if outcome is not None:
                    return WaitResult(items, outcome, now - start, polls)
                estimate = self._smallest_estimate(items, rates, now)
            if now >= deadline:
                raise WaitTimeout(items, now - start, self._target, error)
            if estimate is None:
                delay = backoff
                backoff = self._clamp(backoff * _BACKOFF_FACTOR)
            else:
                delay = self._clamp(estimate)
            self._sleep(min(delay, deadline - now))
