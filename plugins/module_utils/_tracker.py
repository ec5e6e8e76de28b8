# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading the selected tasks: the ``TaskSource`` interface each API implements, and ``TaskTracker``.

One ``TaskTracker.poll`` is one look at every selected task: the pages of one
listing, plus a ``get_one`` for each task the listing no longer shows.
``_tasks.collect_tasks`` calls it once, or as the waiter's poll.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Callable, NamedTuple

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError, DbTasksError
from ansible_collections.dbtasks.cloud.plugins.module_utils._pagination import Collected, FetchPage, ListingMemory, Page, fetch_all, fetch_one_page
from ansible_collections.dbtasks.cloud.plugins.module_utils._provider import Provider
from ansible_collections.dbtasks.cloud.plugins.module_utils._states import NORMALIZED_FIELDS, is_object, normalize_item, normalized
from ansible_collections.dbtasks.cloud.plugins.module_utils._text import format_seconds

Raw = dict[str, Any]
Item = dict[str, Any]


class Selection(NamedTuple):
    """Which tasks a run reports: ``ids`` in the order given, or (``None``) every task the filters match."""

    ids: tuple[str, ...] | None
    id_option: str | None  # the option that named the ids, quoted in error messages
    offset: int | None
    limit: int | None


class Grace(NamedTuple):
    """How long a wait counts an id the API does not know yet as pending (``seconds``), and the option that says so."""

    seconds: float
    option: str  # as the caller wrote it, quoted in the message once the grace has passed
    clock: Callable[[], float]  # the wait's monotonic clock
    # The ids it is for, those the caller named; None: every followed id. An id a listing found was seen: not this case.
    ids: frozenset[str] | None = None


class Unseen(dict):  # type: ignore[type-arg]
    """The item of a followed id the API does not know yet, while the grace lasts: made here, never from API data.

    Its state is ``pending``; ``not_found_for`` says how many seconds the id has been looked for.
    """


def unseen_item(task_id: str, looked_for: float) -> Unseen:
    item = Unseen((name, None) for name in NORMALIZED_FIELDS)
    item.update(id=task_id, state="pending", terminal=False, status=None, not_found_for=round(looked_for, 1))
    return item


def not_found_for(item: Any) -> float | None:
    """Seconds an id has been looked for without being found, for an item that stands in for it; else None."""
    return item["not_found_for"] if isinstance(item, Unseen) else None


class TaskSource:
    """One API's way of reading tasks; each provider's file subclasses it and names it in its record.

    The constructor takes the provider record, the client, the options (module
    parameters or a task_wait selector) and ``now``; it validates every option
    it owns and sends nothing. Listings are computed anew at each poll
    (``page_fetchers(now)``), so time windows that default to "until now" move with the wait.
    """

    def __init__(self, provider: Provider, client: Any, params: Mapping[str, Any], now: datetime) -> None:
        self.provider = provider
        self.client = client
        self.warnings: list[str] = []  # what ``page_fetchers`` had to change in the selection (a clipped time range)

    def page_fetchers(self, now: datetime) -> list[FetchPage]:
        """One ``fetch_page(offset, limit)`` per listing to read at ``now`` (one per time window, per status)."""
        raise NotImplementedError

    def get_one(self, task_id: str) -> Raw:
        """The raw fields of one task; raises ``ApiError`` when the API does not know it."""
        raise NotImplementedError

    def matches(self, raw: Raw) -> bool:
        """Whether a listed task passes the filters applied locally."""
        return True

    @staticmethod
    def field(raw: Any, key: str) -> Any:
        """``raw[key]``, or None when absent or when the API sent something other than an object."""
        return raw.get(key) if is_object(raw) else None

    def raw_id(self, raw: Any) -> Any:
        """The task's id, or None when the API sent none or something that is no id (a list, an object, a bool)."""
        value = self.field(raw, self.provider.id_key)
        # Ids key dicts and sets for dedupe and tracking, so they must be hashable scalars.
        return value if isinstance(value, (str, int)) and not isinstance(value, bool) else None


class TaskTracker:
    """Reads the selected tasks; ``poll`` is one look at all of them (the waiter's poll).

    Without ids the first poll lists and filters; later polls follow those same
    tasks by id, even once they no longer match a status filter. A task missing
    from the listing is read with ``get_one``; once such a task is terminal it
    is not read again. When exactly one task is followed and the source has
    ``single_lookup``, a poll is that one ``get_one`` instead of a listing; with
    several, a poll reads the unfinished ones by id whenever that takes fewer
    requests than the last listing did.

    With a ``grace``, an id never seen whose read by id fails as the record's
    ``not_yet_visible`` says (a task created seconds ago) is an ``Unseen`` item,
    pending, until ``grace.seconds`` have passed since it was first missed; then
    its error ends the poll, saying how long it was looked for. Without one (a
    plain read), such an error ends the poll at once.
    """

    def __init__(self, source: TaskSource, selection: Selection, utcnow: Callable[[], datetime], grace: Grace | None = None) -> None:
        self.source = source
        self.provider: Provider = source.provider
        self.selection = selection
        self.utcnow = utcnow
        self.grace = grace
        self.ids: list[str] | None = list(selection.ids) if selection.ids is not None else None
        self.total_count: int | None = None
        self.warnings: dict[str, None] = {}  # insertion-ordered set
        self._last_raw: dict[str, Raw] = {}
        self._finished: dict[str, Raw] = {}
        self._looked_up: set[str] = set()  # ids whose latest fields came from get_one
        self._pages_per_listing: int | None = None  # requests the last full listing took
        self._memories: dict[int, ListingMemory] = {}  # per listing of a poll: where it ended, to read ahead the next time
        self._missed: dict[str, float] = {}  # ids never seen that the API did not know: when first missed (grace.clock)

    def poll(self) -> list[Item]:
        self._looked_up = set()
        if self.ids is not None and len(self.ids) == 1 and self.provider.single_lookup:
            return [self._read(self.ids[0])]
        if self.ids is not None and self._lookups_cost_less():
            return [self._current(task_id, None) for task_id in self.ids]
        listed, total_count = self._list()
        if self.ids is None:
            # The count of the listing that selected the tasks: later polls follow them and leave it as it was.
            self.total_count = total_count
            selected = [raw for raw in listed if self.source.matches(raw)]
            followed = {self.source.raw_id(raw): raw for raw in selected if self.source.raw_id(raw) is not None}
            self.ids = list(followed)
            self._last_raw.update(followed)
            return [self._normalize(raw) for raw in selected]
        by_id = {self.source.raw_id(raw): raw for raw in listed}
        return [self._current(task_id, by_id.get(task_id)) for task_id in self.ids]

    def _lookups_cost_less(self) -> bool:
        """Whether reading each unfinished followed task by id takes fewer requests than the last listing did.

        A few tasks followed in a project with thousands would otherwise cost every page on every poll.
        """
        if self._pages_per_listing is None or not self.provider.single_lookup:
            return False
        unfinished = sum(1 for task_id in self.ids or () if task_id not in self._finished)
        return unfinished < self._pages_per_listing

    def detailed(self, item: Item) -> Item:
        """``item`` with the fields of the detail read (``get_one``), unless this poll already read it so."""
        task_id = normalized(item, "id")
        if task_id in self._looked_up:
            return item
        try:
            return self._normalize(self._look_up(task_id))
        except ApiError as error:
            raise self._named(task_id, error, "cannot be read")

    def follow(self, ids: Sequence[str] | None) -> None:
        """Which tasks the next polls read: ``ids``, or (None) every task the filters match, listed anew.

        For the event source, whose followed tasks change between reads; what the
        listings learned about their pages stays, so they keep reading ahead well.
        """
        self.ids = None if ids is None else list(ids)

    def raw(self, task_id: Any) -> Raw | None:
        """The raw fields last read for a followed task (the listing's, updated by any read by id), else None."""
        return self._last_raw.get(task_id)

    def _current(self, task_id: str, listed: Raw | None) -> Item:
        if listed is not None:
            self._last_raw[task_id] = listed
            return self._normalize(listed)
        if task_id in self._finished:
            self._looked_up.add(task_id)
            return self._normalize(self._finished[task_id])
        item = self._read(task_id)
        if normalized(item, "terminal"):
            self._finished[task_id] = self._last_raw[task_id]
        return item

    def _read(self, task_id: str) -> Item:
        """A followed task read by id; while the grace lasts, an ``Unseen`` item for an id the API does not know yet."""
        try:
            raw = self._look_up(task_id)
        except ApiError as error:
            grace = self.grace
            looked_for = None if grace is None else self._looked_for(task_id, error, grace.clock)
            if grace is None or looked_for is None:
                raise self._named(task_id, error, "cannot be read")
            if looked_for < grace.seconds:
                return unseen_item(task_id, looked_for)
            raise self._named(task_id, error, "was not found in %s of looking (%s is %s)" % (
                format_seconds(looked_for), grace.option, format_seconds(grace.seconds)))
        self._missed.pop(task_id, None)
        return self._normalize(raw)

    def _looked_for(self, task_id: str, error: ApiError, clock: Callable[[], float]) -> float | None:
        """Seconds since an id never seen was first missed, if ``error`` may mean it is not visible yet; else None."""
        check = self.provider.not_yet_visible
        if error.retryable or check is None or task_id in self._last_raw or not check(error):
            return None
        if self.grace is not None and self.grace.ids is not None and task_id not in self.grace.ids:
            return None
        now = clock()
        return now - self._missed.setdefault(task_id, now)

    def _named(self, task_id: str, error: ApiError, what: str) -> ApiError:
        """``error`` with a message naming the task as the caller did (a transient error is left as it is)."""
        if not error.retryable:
            named_by = self.selection.id_option or "the task seen in the first listing"
            error.message = "%s %r %s: %s" % (named_by, task_id, what, error.message)
            error.args = (error.message,)
        return error

    def _look_up(self, task_id: str) -> Raw:
        detail = self.source.get_one(task_id)
        raw = merge_detail(self.provider, self._last_raw.get(task_id, {}), detail)
        raw.setdefault(self.provider.id_key, task_id)
        self._last_raw[task_id] = raw
        self._looked_up.add(task_id)
        return raw

    def _collect(self, fetch_page: FetchPage, memory: ListingMemory, wanted: set[Any] | None) -> Collected:
        selection = self.selection
        if selection.offset is None and selection.limit is None:
            return fetch_all(fetch_page, self.provider.page_size, self.source.raw_id, trust_total=self.provider.trusted_total,
                             memory=memory, wanted=wanted)
        return fetch_one_page(fetch_page, selection.offset or 0, selection.limit or self.provider.page_size)

    def _list(self) -> tuple[list[Raw], int | None]:
        raws: list[Raw] = []
        seen: set[Any] = set()
        totals: list[int | None] = []
        repeated = 0
        pages = 0
        fetchers = self.source.page_fetchers(self.utcnow())
        self._warn(self.source.warnings)
        # Following known tasks, a listing may stop once it has shown them all (one missing is read by id).
        wanted = None if self.ids is None else {task_id for task_id in self.ids if task_id not in self._finished}
        for index, fetch_page in enumerate(fetchers):
            collected = self._collect(fetch_page, self._memories.setdefault(index, ListingMemory()), wanted)
            if wanted is not None:
                wanted.difference_update(self.source.raw_id(raw) for raw in collected.items)
            pages += collected.pages_fetched
            self._warn(collected.warnings)
            totals.append(collected.total_count)
            for raw in collected.items:
                key = self.source.raw_id(raw)
                # Neighbouring time windows share their boundary instant, so a task can come twice.
                if key is not None and key in seen:
                    repeated += 1
                    continue
                seen.add(key)
                raws.append(raw)
        self._pages_per_listing = pages
        return raws, None if None in totals else sum(total for total in totals if total is not None) - repeated

    def _normalize(self, raw: Raw) -> Item:
        item, warnings = normalize_item(self.provider, raw)
        self._warn(warnings)
        return item

    def _warn(self, warnings: Sequence[str]) -> None:
        for warning in warnings:
            self.warnings[warning] = None


def merge_detail(provider: Provider, listed: Raw, detail: Raw) -> Raw:
    """The fields of a detail read over those of an earlier listing, so that the item does not contradict itself.

    The listing's fields stay where the detail has nothing newer (UDTS: the name, the creation time); the detail's
    values win; a listing field the detail gives under another name (RDS ``end_time``, ``ended``) and the record's
    ``stale_after_detail`` are dropped: they describe the task as it was when listed.
    """
    stale = set(provider.stale_after_detail)
    for paths in provider.derived_paths.values():
        given = {path[0] for path in paths if path[0] in detail}
        if given:
            stale.update(path[0] for path in paths if path[0] not in given)
    merged = {key: value for key, value in listed.items() if key not in stale}
    merged.update(detail)
    return merged


def read_page(body: Mapping[str, Any], items_key: str, total_key: str, operation: str) -> Page:
    """The ``Page`` in a decoded list answer; a missing or null list is empty, a missing total is ``None``."""
    items = body.get(items_key)
    if items is None:
        items = []
    if not isinstance(items, list):
        raise DbTasksError("%s answered with %s that is not a list but %s" % (operation, items_key, type(items).__name__))
    total = body.get(total_key)
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        total = None
    return Page(items, total)
