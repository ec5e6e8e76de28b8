# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The wait engine of the info modules' ``wait`` and of ``task_wait``, knowing nothing about HTTP.

``Waiter.run`` calls ``poll()`` until every item is done, then returns a
``WaitResult``; it raises ``WaitTimeout`` when the deadline passes first.
``Watch`` is the poll: one ``Followed`` per provider (its tracker and its last
reading), each read on its own, so a provider that cannot be read keeps its
last-seen tasks while the others are still judged. The pause between polls is
an ``IntervalPolicy``: ``AdaptiveInterval`` (the info modules) or
``FixedInterval`` (task_wait, whose progress lines and many staggered tasks
want a steady cadence).

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
  retry budget) is reported to ``on_transient_error`` and the wait goes on;
  any other error propagates. ``Watch`` raises only when no provider could
  be read at all; otherwise it reports each provider's error itself.
* Items may be ``None`` for a task whose provider has not been read yet: such
  a task is not done.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any, Callable, NamedTuple, Optional

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError, DbTasksError, ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._states import ENDED_BADLY, is_done, normalized
from ansible_collections.dbtasks.cloud.plugins.module_utils._tracker import TaskTracker

TARGETS = ("terminal", "synced")
_BACKOFF_FACTOR = 1.5
_LISTED_IN_MESSAGE = 10
_MAX_NAME_IN_MESSAGE = 60

Item = dict[str, Any]
Items = list[Optional[Item]]  # normalized items; None for a task not read yet
Describe = Callable[[int, Any], str]


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


def _format_seconds(seconds: float) -> str:
    return "%.1fs" % seconds if seconds < 10 else "%ds" % round(seconds)


def describe_item(item: Item) -> str:
    """``a "name" (status Running, state running, 30%)``: an item as the info modules' messages show it."""
    label = str(normalized(item, "id"))
    name = item.get("name")
    if name and name != label:
        name = str(name)
        label += ' "%s"' % (name if len(name) <= _MAX_NAME_IN_MESSAGE else name[:_MAX_NAME_IN_MESSAGE - 3] + "...")
    details = ["status %s" % item.get("status"), "state %s" % normalized(item, "state")]
    percent = normalized(item, "progress_percent")
    details.append("progress unknown" if percent is None else "%g%%" % percent)
    return "%s (%s)" % (label, ", ".join(details))


def _describe_listed(index: int, item: Any) -> str:
    return describe_item(item) if item is not None else "task %d (not read yet)" % (index + 1)


class Unreadable(NamedTuple):
    """A provider whose last reads failed: since when (seconds into the wait) and the last error."""

    provider: str
    since: float
    error: ApiError

    def __str__(self) -> str:
        return "%s could not be read since %s: %s" % (self.provider, _format_seconds(self.since), self.error)


class WaitTimeout(DbTasksError):
    """The deadline passed before every task was done; carries the last items seen.

    The message lists each unfinished task with ``describe`` (its position and
    item) and names every provider that could not be read, since when and why.
    """

    def __init__(self, items: Items, elapsed: float, target: str, last_error: ApiError | None = None,
                 describe: Describe = _describe_listed, unreadable: Sequence[Unreadable] = ()) -> None:
        self.items = items
        self.elapsed = elapsed
        self.unreadable = list(unreadable)
        unfinished = [index for index, item in enumerate(items) if item is None or not is_done(item, target)]
        self.unfinished = [items[index] for index in unfinished]
        waited = _format_seconds(elapsed)
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
            message += "; the last poll failed: %s" % last_error
        super().__init__(message)

    def to_fail_kwargs(self) -> dict[str, Any]:
        return {"msg": str(self), "elapsed": self.elapsed}


class TransientErrors:
    """Counts the reads that failed transiently during a wait, for one warning at its end."""

    def __init__(self) -> None:
        self.count = 0
        self.last: ApiError | None = None

    def __call__(self, error: ApiError) -> None:
        self.count += 1
        self.last = error

    def warning(self) -> str | None:
        if not self.count:
            return None
        return "%d poll(s) failed with a transient error and the wait went on; the last: %s" % (self.count, self.last)


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
    ``first_interval``, ``min_interval`` and ``max_interval``.
    """

    def __init__(self, poll: Callable[[], Items], timeout: float, first_interval: float = 5.0, target: str = "terminal",
                 fail_fast: bool = True, min_interval: float = 1.0, max_interval: float = 60.0,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 on_poll: Callable[[Items, float], None] | None = None,
                 on_transient_error: Callable[[ApiError], None] | None = None,
                 fail_fast_states: Iterable[str] = ENDED_BADLY, interval: Any = None,
                 describe: Describe = _describe_listed, unreadable: Callable[[], Sequence[Unreadable]] = lambda: ()) -> None:
        if timeout < 0:
            raise ParameterError("wait_timeout", "must be 0 or more seconds, got %s" % timeout)
        if first_interval <= 0:
            raise ParameterError("wait_sleep", "must be more than 0 seconds, got %s" % first_interval)
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

    def _poll_once(self) -> tuple[Items | None, ApiError | None]:
        try:
            return list(self._poll()), None
        except ApiError as error:
            if not error.retryable:
                raise
            if self._on_transient_error is not None:
                self._on_transient_error(error)
            return None, error

    def run(self) -> WaitResult:
        start = self._clock()
        deadline = start + self._timeout
        items: Items = []
        polls = 0
        while True:
            fresh, error = self._poll_once()
            polls += 1
            now = self._clock()
            if fresh is not None:
                items = fresh
                if self._on_poll is not None:
                    self._on_poll(items, now - start)
                outcome = wait_outcome(items, self._target, self._fail_fast, self._fail_fast_states)
                if outcome is not None:
                    return WaitResult(items, outcome, now - start, polls)
            if now >= deadline:
                raise WaitTimeout(items, now - start, self._target, error, self._describe, self._unreadable())
            delay = self._interval.next_delay(fresh, self._target, now)
            self._sleep(min(delay, deadline - now))


class Followed:
    """The tasks of one provider in a wait: its tracker, the last items read, and how its reads fail.

    A provider whose tasks are all done is not read again. A retryable error
    keeps the last items (or ``None`` placeholders before the first reading)
    and is remembered with the time it started; any other error propagates.
    """

    def __init__(self, tracker: TaskTracker, detail_all: bool = False) -> None:
        self.tracker = tracker
        self.detail_all = detail_all  # the user selected the tasks by id: report every one with its detail
        self.provider = tracker.provider
        self.items: list[Item] | None = None
        self.error: ApiError | None = None
        self.failing_since: float | None = None

    def current(self) -> Items:
        if self.items is not None:
            return list(self.items)
        return [None] * len(self.tracker.ids or ())

    def refresh(self, target: str, elapsed: float) -> ApiError | None:
        """Read the tasks unless all are done; the retryable error that stopped the read, if one did."""
        if self.items is not None and all(is_done(item, target) for item in self.items):
            return None
        try:
            self.items = self.tracker.poll()
        except ApiError as error:
            if error.provider is None:
                error.provider = self.provider.name
            if not error.retryable:
                raise
            self.error = error
            if self.failing_since is None:
                self.failing_since = elapsed
            return error
        self.error, self.failing_since = None, None
        return None

    def report_items(self, items: Items, bad_states: Iterable[str], warn: Callable[[str], None]) -> Items:
        """The final items, with the detail read for the tasks the provider wants it for.

        Only for a provider whose listing lacks fields (``detail_on_report``):
        with ``detail_all`` every task gets the detail's fields; a task that ended
        in ``bad_states`` without a failure reason gets it, so a wait costs one
        extra request per failed task, not one per task. A failure message that
        cannot be read leaves the item as it was, with a warning: the wait's outcome stands.
        """
        if not self.provider.detail_on_report:
            return items
        bad = frozenset(bad_states)
        reported = []
        for item in items:
            if item is not None and (self.detail_all or (normalized(item, "state") in bad and not normalized(item, "failure_reason"))):
                try:
                    item = self.tracker.detailed(item)
                except ApiError as error:
                    if self.detail_all:  # the detail is part of what the user asked for
                        raise
                    warn("the failure message of %s task %s could not be read: %s" % (self.provider.name, normalized(item, "id"), error))
            reported.append(item)
        return reported


class Watch:
    """The ``poll`` of a ``Waiter`` over several providers: each read on its own.

    ``order`` puts the concatenated items of the providers into the order the
    caller wants. A provider whose read fails transiently is reported to
    ``on_transient_error`` and keeps its last items; only when no provider has
    ever been read does the poll raise, so the waiter knows nothing succeeded.
    """

    def __init__(self, groups: Sequence[Followed], target: str, clock: Callable[[], float],
                 on_transient_error: Callable[[ApiError], None], order: Sequence[int] | None = None) -> None:
        self.groups = list(groups)
        self.target = target
        self.clock = clock
        self.start = clock()
        self.on_transient_error = on_transient_error
        self.order = list(order) if order is not None else None
        self.polls = 0

    def poll(self) -> Items:
        self.polls += 1
        errors = []
        for group in self.groups:
            error = group.refresh(self.target, self.clock() - self.start)
            if error is not None:
                errors.append(error)
        if errors and all(group.items is None for group in self.groups):
            raise errors[-1]
        for error in errors:
            self.on_transient_error(error)
        return self.arrange([item for group in self.groups for item in group.current()])

    def arrange(self, grouped: list[Any]) -> list[Any]:
        return grouped if self.order is None else [grouped[index] for index in self.order]

    def unreadable(self) -> list[Unreadable]:
        return [Unreadable(group.provider.name, group.failing_since, group.error) for group in self.groups
                if group.error is not None and group.failing_since is not None]

    def report_items(self, items: Items, bad_states: Iterable[str], warn: Callable[[str], None]) -> Items:
        """The final items of every provider (``Followed.report_items``), in the caller's order."""
        if self.order is None:
            grouped = list(items)
        else:
            grouped = [None] * len(items)
            for position, index in enumerate(self.order):
                grouped[index] = items[position]
        reported: list[Any] = []
        offset = 0
        for group in self.groups:
            size = len(group.current())
            reported.extend(group.report_items(grouped[offset:offset + size], bad_states, warn))
            offset += size
        return self.arrange(reported)
