# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The wait engine's reading of the providers: one ``Followed`` per provider, each read in a thread of its own, polled by a ``Watch``.

``Watch`` is the poll of a ``Waiter`` (``_wait.py``): one ``Followed`` per
provider (its tracker and its last reading), each read in a thread of its own,
so a provider that fails, or stalls, keeps its last-seen tasks (marked with the
age of that reading) while the others are still read and judged. ``Watch``
reports each provider's transient errors itself and raises only the others;
``unreadable()`` names, as ``Unreadable`` entries, the providers whose tasks
show their last-read state. ``FollowedSelections`` is the keep-following mode
of the event source, which polls a ``Watch`` with no ``Waiter`` and no end:
each read lists its selections anew and follows by id the tasks that left
them until they end.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Callable

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError
from ansible_collections.dbtasks.cloud.plugins.module_utils._retry import FINAL_LOOK_SECONDS
from ansible_collections.dbtasks.cloud.plugins.module_utils._states import ENDED_BADLY, is_done, normalized
from ansible_collections.dbtasks.cloud.plugins.module_utils._text import ERROR_LIMIT, SHOW, Show, format_seconds
from ansible_collections.dbtasks.cloud.plugins.module_utils._tracker import Selection, TaskSource, TaskTracker, not_found_for
from ansible_collections.dbtasks.cloud.plugins.module_utils._wait import Item, Items, OnTransientError, Unreadable

Raw = dict[str, Any]


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
