# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The wait engine of the info modules' ``wait`` and of ``task_wait``: the ``Waiter`` that polls, paces and judges, knowing nothing about HTTP.

``Waiter.run`` calls ``poll()`` until every item is done, then returns a
``WaitResult``; it raises ``WaitTimeout`` when the deadline passes first.
The poll that reads the providers is a ``Watch`` (``_watch.py``); a provider
it cannot read is an ``Unreadable``, which the timeout message names. The
pause between polls is an ``IntervalPolicy``: ``AdaptiveInterval`` (the info
modules) or ``FixedInterval`` (task_wait, whose progress lines and many
staggered tasks want a steady cadence); it counts from the start of the poll
before it.

* Done means ``state`` in succeeded/failed/stopped; with ``target="synced"``
  also ``synced`` (incremental UDTS tasks never reach Done). ``retrying`` and
  ``unknown`` are not done: the wait goes on until the timeout.
* An empty item list is done at once with outcome ``succeeded`` and
  ``items == []``. Only the caller knows whether nothing matching is fine,
  so it must check ``items`` (a pipeline gate should not pass on nothing).
* ``AdaptiveInterval``: the pause is the smallest remaining-time estimate of the
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
  retry budget) is reported to ``on_transient_error`` with the seconds into
  the wait, and the wait goes on; any other error propagates.
* A poll may return None: nothing to judge yet (a provider whose tasks were
  selected by filters has not been read once).
* Items may be ``None`` for a task whose provider has not been read yet: such
  a task is not done.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from typing import Any, Callable, NamedTuple, Optional

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError, DbTasksError, ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._states import ENDED_BADLY, is_done, normalized
from ansible_collections.dbtasks.cloud.plugins.module_utils._text import ERROR_LIMIT, SHOW, Show, format_seconds
from ansible_collections.dbtasks.cloud.plugins.module_utils._tracker import not_found_for

TARGETS = ("terminal", "synced")
# Bounds of the duration options (seconds) of task_wait, the role and the info modules' wait: polling
# faster than once a second only spends the APIs' rate limits, and larger values are mistakes
# (1e10 seconds overflowed the clock).
MIN_INTERVAL = 1
MAX_INTERVAL = 3600
MAX_PROGRESS_INTERVAL = 86400
MAX_TIMEOUT = 30 * 86400
# How long an id the API does not know yet may count as pending: new tasks show up within seconds, so an hour is plenty.
DEFAULT_GRACE = 60
MAX_GRACE = 3600
# The info modules' wait options and their bounds, both included (stated in doc_fragments/task_info.py, checked by
# tests/functional/meta/test_option_docs.py).
WAIT_BOUNDS: dict[str, tuple[int, int]] = {"wait_timeout": (0, MAX_TIMEOUT), "wait_sleep": (MIN_INTERVAL, MAX_INTERVAL),
                                           "wait_not_found_grace": (0, MAX_GRACE)}
_BACKOFF_FACTOR = 1.5
_LISTED_IN_MESSAGE = 10
_MAX_NAME_IN_MESSAGE = 60

Item = dict[str, Any]
Items = list[Optional[Item]]  # normalized items; None for a task not read yet
Describe = Callable[[int, Any], str]
OnTransientError = Callable[[ApiError, float], None]  # the error, and the seconds into the wait it was seen


def check_seconds(option: str, value: Any, minimum: float, maximum: float) -> float:
    """``value`` as seconds within ``minimum``..``maximum``; raises ``ParameterError`` naming ``option``."""
    try:
        seconds = float(value)
    except (OverflowError, TypeError, ValueError):
        seconds = math.nan
    if not (math.isfinite(seconds) and minimum <= seconds <= maximum):
        raise ParameterError(option, "must be from %s to %s seconds, got %s" % (_number_text(minimum), _number_text(maximum), value))
    return seconds


def _number_text(number: float) -> str:
    return "%d" % number if float(number).is_integer() else "%g" % number


class WaitResult(NamedTuple):
    items: Items
    outcome: str  # succeeded, failed or synced
    elapsed: float
    polls: int  # poll() calls, failed ones included


def wait_outcome(items: Items, target: str, fail_fast: bool, fail_fast_states: Iterable[str] = ENDED_BADLY) -> str | None:
    """The outcome if the wait is over for these items, else None."""
    states = [normalized(item, "state") for item in items if item is not None]
    if fail_fast and any(state in fail_fast_states for state in states):
        return "failed"
    if not all(item is not None and is_done(item, target) for item in items):
        return None
    if any(state in ENDED_BADLY for state in states):
        return "failed"
    if target == "synced" and "synced" in states:
        return "synced"
    return "succeeded"


def describe_item(item: Item, show: Show = SHOW) -> str:
    """``a "name" (status Running, state running, 30%)``: an item as the info modules' messages show it."""
    label = show(normalized(item, "id"))
    looked_for = not_found_for(item)
    if looked_for is not None:
        return "%s (%s)" % (label, not_visible_text(looked_for))
    name = item.get("name")
    if name and name != normalized(item, "id"):
        label += ' "%s"' % show(name, _MAX_NAME_IN_MESSAGE)
    details = ["status %s" % show(item.get("status")), "state %s" % normalized(item, "state")]
    percent = normalized(item, "progress_percent")
    details.append("progress unknown" if percent is None else "%g%%" % percent)
    return "%s (%s)" % (label, ", ".join(details))


def not_visible_text(looked_for: float) -> str:
    """How a task whose id the API does not know yet is shown: ``not visible yet, looked for 12s``."""
    return "not visible yet, looked for %s" % format_seconds(looked_for)


def describe_listed(index: int, item: Any, show: Show = SHOW) -> str:
    """An item of a wait's list as the info modules' messages show it; ``index`` names a task not read yet."""
    return describe_item(item, show) if item is not None else "task %d (not read yet)" % (index + 1)


class Unreadable(NamedTuple):
    """A provider that cannot be read at the moment: its last read failed with ``error``, or (``error`` None) it has not answered.

    Times are seconds into the wait: ``since`` the first failed or unanswered read, ``read_at`` the last good one.
    """

    provider: str
    since: float
    error: ApiError | None
    read_at: float | None

    def __str__(self) -> str:
        return describe_unreadable(self.provider, self.since, self.read_at, None if self.error is None else SHOW(self.error, ERROR_LIMIT))

    def as_dict(self) -> dict[str, Any]:
        """The entry as result data; ``error`` already made safe to show."""
        return {"provider": self.provider, "since": round(self.since, 1), "read_at": None if self.read_at is None else round(self.read_at, 1),
                "error": None if self.error is None else SHOW(self.error, ERROR_LIMIT)}


def describe_unreadable(provider: str, since: float, read_at: float | None, error: str | None) -> str:
    """``udts could not be read since 6.0s (tasks as last read at 3.0s): <error>``, or ``... has not answered since ...``."""
    last = "never read" if read_at is None else "tasks as last read at %s" % format_seconds(read_at)
    if error is None:
        return "%s has not answered since %s (%s)" % (provider, format_seconds(since), last)
    return "%s could not be read since %s (%s): %s" % (provider, format_seconds(since), last, error)


class WaitTimeout(DbTasksError):
    """The deadline passed before every task was done; carries the last items seen.

    The message lists each unfinished task with ``describe`` (its position and
    item) and names every provider that could not be read, since when and why.
    """

    def __init__(self, items: Items, elapsed: float, target: str, last_error: ApiError | None = None,
                 describe: Describe = describe_listed, unreadable: Sequence[Unreadable] = ()) -> None:
        self.items = items
        self.elapsed = elapsed
        self.unreadable = list(unreadable)
        unfinished = [index for index, item in enumerate(items) if item is None or not is_done(item, target)]
        self.unfinished = [items[index] for index in unfinished]
        waited = format_seconds(elapsed)
        if not items:
            message = "Timed out after %s waiting for tasks: no poll succeeded" % waited
        else:
            listed = "; ".join(describe(index, items[index]) for index in unfinished[:_LISTED_IN_MESSAGE])
            more = len(unfinished) - _LISTED_IN_MESSAGE
            message = "Timed out after %s waiting for %d of %d tasks: %s%s" % (
                waited, len(unfinished), len(items), listed, " and %d more" % more if more > 0 else "")
        if self.unreadable:
            message += "; " + "; ".join(str(entry) for entry in self.unreadable)
        elif last_error is not None:
            message += "; the last poll failed: %s" % SHOW(last_error, ERROR_LIMIT)
        super().__init__(message)

    def to_fail_kwargs(self) -> dict[str, Any]:
        return {"msg": str(self), "elapsed": self.elapsed}


class TransientErrors:
    """Counts the reads that failed transiently during a wait, for one warning at its end."""

    def __init__(self) -> None:
        self.count = 0
        self.first_at: float | None = None
        self.last_at: float | None = None
        self.last: ApiError | None = None

    def __call__(self, error: ApiError, elapsed: float) -> None:
        self.count += 1
        self.first_at = elapsed if self.first_at is None else self.first_at
        self.last, self.last_at = error, elapsed

    def warning(self) -> str | None:
        if not self.count or self.first_at is None or self.last_at is None:
            return None
        when = "at %s" % format_seconds(self.first_at) if self.count == 1 else "from %s to %s" % (
            format_seconds(self.first_at), format_seconds(self.last_at))
        return "%d read(s) failed with a transient error %s into the wait and the wait went on; the last: %s" % (
            self.count, when, SHOW(self.last, ERROR_LIMIT))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _duration_estimate(item: dict[str, Any]) -> float | None:
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
        self._last: dict[Any, tuple[float, float, float | None]] = {}  # id -> (percent, seen at, percent per second)

    def estimate(self, item: dict[str, Any], now: float) -> float | None:
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


class FixedInterval:
    """The same pause after every poll: a gate over many staggered tasks always has one about to finish,
    so polls brought forward by estimates would cost more requests than a per-task loop."""

    def __init__(self, seconds: float) -> None:
        if seconds <= 0:
            raise ValueError("need seconds > 0")
        self.seconds = seconds

    def next_delay(self, items: Items | None, target: str, now: float) -> float:
        return self.seconds


class AdaptiveInterval:
    """The pause is the smallest remaining-time estimate of the unfinished tasks, else a growing backoff."""

    def __init__(self, first_interval: float, min_interval: float = 1.0, max_interval: float = 60.0) -> None:
        if not 0 < min_interval <= max_interval:
            raise ValueError("need 0 < min_interval <= max_interval")
        self._min_interval = min_interval
        self._max_interval = max_interval
        self._backoff = self._clamp(first_interval)
        self._rates = _ProgressRates()

    def _clamp(self, seconds: float) -> float:
        return min(self._max_interval, max(self._min_interval, seconds))

    def _smallest_estimate(self, items: Items, target: str, now: float) -> float | None:
        estimates: list[float | None] = []
        for item in items:
            if item is not None and not is_done(item, target):
                # Both are computed for every task: the rate tracker must see each poll to measure rates.
                estimates.extend((_duration_estimate(item), self._rates.estimate(item, now)))
        usable = [estimate for estimate in estimates if estimate is not None and estimate > 0]
        return min(usable) if usable else None

    def next_delay(self, items: Items | None, target: str, now: float) -> float:
        estimate = None if items is None else self._smallest_estimate(items, target, now)
        if estimate is not None:
            return self._clamp(estimate)
        delay = self._backoff
        self._backoff = self._clamp(self._backoff * _BACKOFF_FACTOR)
        return delay


class Waiter:
    """Polls until every task is done; see the module docstring for the rules.

    ``interval`` is the pause policy; without one, an ``AdaptiveInterval`` from
    ``first_interval``, ``min_interval`` and ``max_interval``. A pause counts
    from the start of the poll before it, so a slow poll does not slow the cadence.
    """

    def __init__(self, poll: Callable[[], Items | None], timeout: float, first_interval: float = 5.0, target: str = "terminal",
                 fail_fast: bool = True, min_interval: float = 1.0, max_interval: float = 60.0,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 on_poll: Callable[[Items, float], None] | None = None,
                 on_transient_error: OnTransientError | None = None,
                 fail_fast_states: Iterable[str] = ENDED_BADLY, interval: Any = None,
                 describe: Describe = describe_listed, unreadable: Callable[[], Sequence[Unreadable]] = lambda: ()) -> None:
        check_seconds("wait_timeout", timeout, *WAIT_BOUNDS["wait_timeout"])
        if interval is None:
            check_seconds("wait_sleep", first_interval, *WAIT_BOUNDS["wait_sleep"])
        if target not in TARGETS:
            raise ParameterError("wait_for", "must be one of %s, got %s" % (", ".join(TARGETS), target))
        self._interval = interval or AdaptiveInterval(first_interval, min_interval, max_interval)
        self._poll = poll
        self._timeout = timeout
        self._target = target
        self._fail_fast = fail_fast
        self._sleep = sleep
        self._clock = clock
        self._on_poll = on_poll
        self._on_transient_error = on_transient_error
        self._fail_fast_states = frozenset(fail_fast_states)
        self._describe = describe
        self._unreadable = unreadable

    def _poll_once(self, elapsed: Callable[[], float]) -> tuple[Items | None, ApiError | None]:
        try:
            return self._poll(), None
        except ApiError as error:
            if not error.retryable:
                raise
            if self._on_transient_error is not None:
                self._on_transient_error(error, elapsed())
            return None, error

    def run(self) -> WaitResult:
        start = self._clock()
        deadline = start + self._timeout
        items: Items = []
        polls = 0
        while True:
            started = self._clock()
            fresh, error = self._poll_once(lambda: self._clock() - start)
            polls += 1
            now = self._clock()
            if fresh is not None:
                items = list(fresh)
                if self._on_poll is not None:
                    self._on_poll(items, now - start)
                outcome = wait_outcome(items, self._target, self._fail_fast, self._fail_fast_states)
                if outcome is not None:
                    return WaitResult(items, outcome, now - start, polls)
            if now >= deadline:
                raise WaitTimeout(items, now - start, self._target, error, self._describe, self._unreadable())
            delay = self._interval.next_delay(fresh, self._target, now) - (now - started)
            if delay > 0:
                self._sleep(min(delay, deadline - now))
