# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The wait engine of the info modules' ``wait`` and of ``task_wait``, knowing nothing about HTTP.

``Waiter.run`` calls ``poll()`` until every item is done, then returns a
``WaitResult``; it raises ``WaitTimeout`` when the deadline passes first.
``Watch`` is the poll: one ``Followed`` per provider (its tracker and its last
reading), each read in a thread of its own, so a provider that fails, or
stalls, keeps its last-seen tasks (marked with the age of that reading)
while the others are still read and judged. The pause between polls is an
``IntervalPolicy``: ``AdaptiveInterval`` (the info modules) or
``FixedInterval`` (task_wait, whose progress lines and many staggered tasks
want a steady cadence); it counts from the start of the poll before it.
``FollowedSelections`` is the keep-following mode of the event source, which
polls a ``Watch`` with no ``Waiter`` and no end: each read lists its
selections anew and follows by id the tasks that left them until they end.

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
  the wait, and the wait goes on; any other error propagates. ``Watch``
  reports each provider's transient errors itself and raises only the others.
* A poll may return None: nothing to judge yet (a provider whose tasks were
  selected by filters has not been read once).
* Items may be ``None`` for a task whose provider has not been read yet: such
  a task is not done.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Callable, NamedTuple, Optional

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError, DbTasksError, ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._retry import FINAL_LOOK_SECONDS
from ansible_collections.dbtasks.cloud.plugins.module_utils._states import ENDED_BADLY, is_done, normalized
from ansible_collections.dbtasks.cloud.plugins.module_utils._text import ERROR_LIMIT, SHOW, Show
from ansible_collections.dbtasks.cloud.plugins.module_utils._tracker import Selection, TaskSource, TaskTracker, not_found_for

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
Raw = dict[str, Any]
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


def format_seconds(seconds: float) -> str:
    """``4.5s`` below ten seconds, else whole seconds (``46s``)."""
    return "%.1fs" % seconds if seconds < 10 else "%ds" % round(seconds)


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


class Followed:
    """The tasks of one provider in a wait: its tracker, the last items read, and how its reads fail.

    Each read runs in a thread of its own (``start``), so a provider that is
    slow to answer, or whose client spends its retry budget on a failing API,
    does not hold up the reading of the others; until the read ends the tasks
    keep their last items. The reading thread touches only the tracker; the
    waiting thread takes the outcome (``absorb``) once the read has ended.
    A retryable error keeps the last items (or ``None`` placeholders before the
    first reading) and is remembered with the time it started; any other
    error propagates.
    """

    def __init__(self, tracker: TaskTracker, detail_all: bool = False) -> None:
        self.tracker = tracker
        self.detail_all = detail_all  # the user selected the tasks by id: report every one with its detail
        self.provider = tracker.provider
        self.items: list[Item] | None = None
        self.read_at: float | None = None  # seconds into the wait of the last good read
        self.error: ApiError | None = None  # why the last read failed; None once one succeeds
        self.failing_since: float | None = None  # when the first of the failed reads in a row started
        self.reading_since: float | None = None  # when the read under way started
        self.warnings: dict[str, None] = {}  # insertion-ordered set, taken from the tracker between reads
        self.reads = 0  # good reads absorbed so far
        self._ids = tracker.ids
        self._ended = threading.Event()
        self._outcome: tuple[list[Item] | None, Exception | None] = (None, None)

    def current(self) -> Items | None:
        """The last items read; ``None`` placeholders for tasks named by id but not read yet; None when not even their number is known."""
        if self.items is not None:
            return list(self.items)
        if self._ids is not None:
            return [None] * len(self._ids)
        return None

    def done(self, target: str) -> bool:
        return self.items is not None and all(is_done(item, target) for item in self.items)

    @property
    def reading(self) -> bool:
        return self.reading_since is not None

    @property
    def read_ended(self) -> bool:
        return self._ended.is_set()

    def start(self, elapsed: float) -> None:
        """Start reading the tasks in a thread of its own."""
        self.reading_since = elapsed
        self._ended.clear()
        # A daemon: a read still under way when the wait ends is abandoned, never waited for.
        threading.Thread(target=self._read, name="dbtasks-%s-read" % self.provider.name, daemon=True).start()

    def read(self) -> list[Item]:
        """One read of the tasks, in the reading thread."""
        return self.tracker.poll()

    def read_warnings(self) -> Iterable[str]:
        """What the reads had to change or repair so far, taken by ``absorb``."""
        return self.tracker.warnings

    def _read(self) -> None:
        try:
            self._outcome = (self.read(), None)
        except Exception as error:  # pylint: disable=broad-exception-caught  # raised again by absorb, in the waiting thread
            self._outcome = (None, error)
        finally:
            self._ended.set()

    def wait(self, seconds: float | None) -> None:
        """Wait for the read under way to end, at most ``seconds`` (None: as long as it takes)."""
        self._ended.wait(None if seconds is None else max(0.0, seconds))

    def absorb(self, elapsed: float) -> ApiError | None:
        """Take the outcome of the ended read: the retryable error that stopped it, if one did; raises any other."""
        items, error = self._outcome
        started, self.reading_since, self._outcome = self.reading_since, None, (None, None)
        self.warnings.update(dict.fromkeys(self.read_warnings()))
        if error is None:
            self.items, self.read_at = items, elapsed
            self.error, self.failing_since = None, None
            self.reads += 1
            return None
        if isinstance(error, ApiError):
            if error.provider is None:
                error.provider = self.provider.name
            if error.retryable:
                self.error = error
                if self.failing_since is None:
                    self.failing_since = started
                return error
        raise error

    def unreadable(self) -> Unreadable | None:
        """Why the tasks show their last-read state, if they do: the last read failed, or a read has not ended."""
        if self.error is not None and self.failing_since is not None:
            return Unreadable(self.provider.name, self.failing_since, self.error, self.read_at)
        if self.reading_since is not None:
            return Unreadable(self.provider.name, self.reading_since, None, self.read_at)
        return None

    def report_items(self, items: Items, bad_states: Iterable[str], warn: Callable[[str], None], show: Show = SHOW) -> Items:
        """The final items, with the detail read for the tasks the provider wants it for.

        Only for a provider whose listing lacks fields (``detail_on_report``):
        with ``detail_all`` every task gets the detail's fields; a task that ended
        in ``bad_states`` without a failure reason gets it, so a wait costs one
        extra request per failed task, not one per task. A failure message that
        cannot be read leaves the item as it was, with a warning: the wait's
        outcome stands. Nothing is read while a read of the provider is still under way.
        """
        if not self.provider.detail_on_report:
            return items
        bad = frozenset(bad_states)
        reported: Items = []
        for item in items:
            # A task not visible yet (the wait ended at another one's failure) has no detail to read.
            if item is not None and not_found_for(item) is None and (
                    self.detail_all or (normalized(item, "state") in bad and not normalized(item, "failure_reason"))):
                task = show(normalized(item, "id"))
                if self.reading:
                    warn("the failure message of %s task %s was not read: %s has not answered" % (self.provider.name, task, self.provider.name))
                    reported.append(item)
                    continue
                try:
                    item = self.tracker.detailed(item)
                except ApiError as error:
                    if self.detail_all:  # the detail is part of what the user asked for
                        raise
                    warn("the failure message of %s task %s could not be read: %s" % (self.provider.name, task, show(error, ERROR_LIMIT)))
            reported.append(item)
        self.warnings.update(self.tracker.warnings)
        return reported


class FollowedSelections(Followed):
    """The tasks of one provider followed for as long as the caller keeps polling: the engine's keep-following mode.

    A ``Followed`` reads a fixed set of tasks and is done when they are; an
    event source follows selections with no end. Each read here lists every
    ``listings`` tracker anew (so tasks created later are seen), reads the
    ``named`` trackers (tasks selected by id) once, and reads by id every task
    seen earlier that is unfinished and no longer listed (it left a status
    filter or a time window) until it ends: never done, it is read at every
    poll of its ``Watch``. After its first read, a task the API no longer knows
    by id is given up (``take_lost``) rather than making the provider
    unreadable. A task first seen ending badly without a failure reason gets
    the detail read of a provider with ``detail_on_report`` (one request per
    failed task, as a wait's report). ``raws`` holds the raw fields of each item
    of the last good read, by id.
    """

    def __init__(self, tracking: TaskSource, listings: Sequence[TaskTracker], named: Sequence[TaskTracker],
                 utcnow: Callable[[], datetime]) -> None:
        self.tracking = tracking
        self.utcnow = utcnow
        self.listings = list(listings)
        self.named = list(named)
        # One tracker for the tasks that left the listings, where one listing finds them all (UDTS).
        super().__init__(self._by_id(()))
        self._ids = None  # their number is not known before the first read
        self.raws: dict[Any, Raw] = {}
        self._last: dict[Any, tuple[str, bool]] = {}  # id -> (state, terminal) of each task still followed, as last read
        self._read_raws: dict[Any, Raw] = {}
        self._lost: dict[Any, ApiError] = {}  # given up by the reading thread, taken by the caller after ``absorb``
        self._lost_read: dict[Any, ApiError] = {}
        self._warned: dict[str, None] = {}  # insertion-ordered set: the warnings of every tracker, one-read ones included

    def done(self, target: str) -> bool:
        return False

    def read_warnings(self) -> Iterable[str]:
        return self._warned

    def _by_id(self, ids: tuple[Any, ...]) -> TaskTracker:
        return TaskTracker(self.tracking, Selection(ids, "the %s task seen earlier" % self.tracking.provider.name, None, None), self.utcnow)

    def read(self) -> list[Item]:
        items: dict[Any, Item] = {}
        raws: dict[Any, Raw] = {}
        lost: dict[Any, ApiError] = {}
        for tracker in self.listings:
            tracker.follow(None)
            self._take(tracker, items, raws)
        for tracker in self.named:
            self._take(tracker, items, raws)
        left = tuple(task_id for task_id, (_state, terminal) in self._last.items() if not terminal and task_id not in items)
        if left:
            self._read_left(left, items, raws, lost)
        # The reading thread alone touches what follows; the caller sees it once the read is absorbed.
        self.named = []  # read once: from now on they are tasks seen earlier
        self._last.update((task_id, (normalized(item, "state"), bool(normalized(item, "terminal")))) for task_id, item in items.items())
        for task_id in lost:
            self._last.pop(task_id, None)
        self._read_raws, self._lost_read = raws, lost
        return list(items.values())

    def absorb(self, elapsed: float) -> ApiError | None:
        raws, lost, self._read_raws, self._lost_read = self._read_raws, self._lost_read, {}, {}
        reads = self.reads
        error = super().absorb(elapsed)
        if self.reads > reads:
            self.raws = raws
            self._lost.update(lost)
        return error

    def take_lost(self) -> dict[Any, ApiError]:
        """The tasks given up since the last call (id -> the error that answered their read by id)."""
        lost, self._lost = self._lost, {}
        return lost

    def _read_left(self, left: tuple[Any, ...], items: dict[Any, Item], raws: dict[Any, Raw], lost: dict[Any, ApiError]) -> None:
        if self.provider.single_lookup:
            # DDS and RDS read a task by ID in one request: each alone costs no more than listing every task would.
            for task_id in left:
                self._read_or_lose((task_id,), items, raws, lost)
        else:
            self.tracker.follow(left)
            self._read_or_lose(left, items, raws, lost, self.tracker)

    def _read_or_lose(self, ids: tuple[Any, ...], items: dict[Any, Item], raws: dict[Any, Raw], lost: dict[Any, ApiError],
                      tracker: TaskTracker | None = None) -> None:
        try:
            self._take(tracker or self._by_id(ids), items, raws)
        except ApiError as error:
            if error.retryable:
                raise
            if len(ids) == 1:
                lost[ids[0]] = error
                return
            # One task the API no longer knows must not hide the others: read each alone to find it.
            for task_id in ids:
                self._read_or_lose((task_id,), items, raws, lost)

    def _take(self, tracker: TaskTracker, items: dict[Any, Item], raws: dict[Any, Raw]) -> None:
        for item in tracker.poll():
            task_id = normalized(item, "id")
            if task_id is not None and task_id not in items:
                if self._lacks_failure(task_id, item):
                    item = self._detailed(tracker, item)
                items[task_id] = item
                raws[task_id] = tracker.raw(task_id) or {}
        self._warned.update(tracker.warnings)

    def _lacks_failure(self, task_id: Any, item: Item) -> bool:
        """Whether a task just seen ending badly lacks the failure reason its provider's detail read has (UDTS)."""
        state = normalized(item, "state")
        before = self._last.get(task_id)
        return (self.provider.detail_on_report and state in ENDED_BADLY and not normalized(item, "failure_reason")
                and (before is None or before[0] != state))

    def _detailed(self, tracker: TaskTracker, item: Item) -> Item:
        # The item goes out without the reason if its detail cannot be read: the state stands.
        try:
            return tracker.detailed(item)
        except ApiError as error:
            self._warned["the failure message of %s task %s could not be read: %s" % (self.provider.name, normalized(item, "id"), error)] = None
            return item


class Watch:
    """The ``poll`` of a ``Waiter`` over several providers: each read on its own, none waiting for another.

    A poll starts a read of every provider that has unfinished tasks and no
    read under way, then waits for those reads, at most ``read_budget`` seconds
    and never past the ``timeout`` (but a read started at the deadline still gets
    ``FINAL_LOOK_SECONDS``): a provider whose read has not ended by then
    keeps its last items, and the others are judged without it. A read that
    fails transiently is reported to ``on_transient_error`` and the provider
    keeps its last items. ``order`` puts the concatenated items of the providers
    into the order the caller wants. The poll returns None while the number of
    tasks of some provider is not known yet (never read, selected by filters).
    """

    def __init__(self, groups: Sequence[Followed], target: str, clock: Callable[[], float],
                 on_transient_error: OnTransientError, order: Sequence[int] | None = None,
                 timeout: float = math.inf, read_budget: float = math.inf) -> None:
        self.groups = list(groups)
        self.target = target
        self.clock = clock
        self.on_transient_error = on_transient_error
        self.order = list(order) if order is not None else None
        self.timeout = timeout
        self.read_budget = read_budget
        self.start: float | None = None  # the clock at the first poll: the start of the wait
        self.polls = 0
        self._owners: list[Followed] = []  # the group of each item of the last poll, in the caller's order

    def elapsed(self) -> float:
        return 0.0 if self.start is None else self.clock() - self.start

    def poll(self) -> Items | None:
        if self.start is None:
            self.start = self.clock()
        self.polls += 1
        self._absorb()
        started = [group for group in self.groups if not group.reading and not group.done(self.target)]
        for group in started:
            group.start(self.elapsed())
        now = self.clock()
        # A read started at the deadline gets the final look its requests get, so a wait with timeout 0
        # (or one whose last poll falls on the deadline) judges fresh items, not "has not answered".
        until = min(now + self.read_budget, max(self.start + self.timeout, now + FINAL_LOOK_SECONDS))
        for group in started:
            group.wait(None if until == math.inf else until - self.clock())
        self._absorb()
        current = [group.current() for group in self.groups]
        if any(items is None for items in current):
            return None
        self._owners = self.arrange([group for group, items in zip(self.groups, current) for dummy in items or ()])
        return self.arrange([item for items in current for item in items or ()])

    def _absorb(self) -> None:
        for group in self.groups:
            if group.reading and group.read_ended:
                error = group.absorb(self.elapsed())
                if error is not None:
                    self.on_transient_error(error, self.elapsed())

    def arrange(self, grouped: list[Any]) -> list[Any]:
        return grouped if self.order is None else [grouped[index] for index in self.order]

    def unreadable(self) -> list[Unreadable]:
        """Every provider whose tasks show their last-read state, and why."""
        return [entry for entry in (group.unreadable() for group in self.groups) if entry is not None]

    def read_at(self, index: int) -> float | None:
        """Seconds into the wait of the last good read of an item of the last poll; None if never read."""
        return self._owners[index].read_at if index < len(self._owners) else None

    def read_times(self) -> list[float | None]:
        """``read_at`` of every item of the last poll."""
        return [group.read_at for group in self._owners]

    def last_read(self, index: int) -> str:
        """``, last read 30s ago`` for an item of the last poll whose provider cannot be read now; else empty."""
        read_at = self.read_at(index)
        if read_at is None or self._owners[index].unreadable() is None:
            return ""
        return ", last read %s ago" % format_seconds(self.elapsed() - read_at)

    def warnings(self) -> list[str]:
        return list(dict.fromkeys(warning for group in self.groups for warning in group.warnings))

    def report_items(self, items: Items, bad_states: Iterable[str], warn: Callable[[str], None], show: Show = SHOW) -> Items:
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
            size = len(group.current() or ())
            reported.extend(group.report_items(grouped[offset:offset + size], bad_states, warn, show))
            offset += size
        return self.arrange(reported)
