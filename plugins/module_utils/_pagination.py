# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Offset/limit pagination that knows nothing about HTTP.

``fetch_all`` asks for pages of ``page_size`` items, ``max_workers`` at a time.
No API documents that it serves a whole page (UDTS documents no largest limit at
all, docs/api-reference.md), so reading always goes on from the items actually
received: under any page cap, the next read starts where the last one ended.

How a listing ends:

* with a trusted total (``trust_total``: the API documents it, and it did not
  change while the pages were read): when the items read reach it. Page 0 is
  read alone, then every remaining page concurrently: ceil(N / page_size)
  requests when pages are whole.
* otherwise: at an empty page right after the last item read. A short page that
  is not empty is not the end. Pages are read ahead speculatively from the start
  (``max_workers`` at once, ``memory`` of the last listing aims them), so the
  empty page costs no round trip of its own.
* with ``wanted`` (the keys of the tasks a wait follows): as soon as every one of
  them was read; page 0 is read alone first, as it usually holds them all. The
  caller reads a wanted task the listing did not reach by its id.

Reading ahead assumes whole pages until a short page is followed by more items
(a page cap, proven): then it steps by the cap. A short page with nothing known
beyond it is followed by one read at its end only (it is usually the end).

Anomalies never loop and end up in ``Collected.warnings``:

* an empty page while a trusted total or items read further on say more remain
  is read once more; if still empty, reading skips one page on (bounded) and the
  warning says results may be incomplete;
* a page repeating items already seen (the listing shifted: tasks created ahead)
  counts as that many items shorter, so the displaced items are read from where
  they went; the repeats are removed by key (the first one kept);
* a changing total, repeated items or a page holding more items than the total
  allows mean the listing moved while it was read: the total is no longer
  trusted and reading goes on until an empty page. Items moved to earlier
  offsets (deletions) need a new listing; the warning says so;
* a page adding no new item at all is read once more, then ends the listing (an
  API ignoring ``offset`` would repeat forever); ``max_pages`` caps the requests;
* a page holding more items than the limit asked for (an API ignoring ``limit``)
  is cut to the limit in the reading thread, and no read starts more than
  ``2 * max_workers`` pages ahead of the merged ones, so memory stays bounded by
  the pages read.

Blind spots, by choice: with nothing read beyond it an empty page is the end
(nothing tells a glitch from it), and a trusted total matching what was read
is not checked with one more request.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, Callable, NamedTuple


class Page(NamedTuple):
    items: list[dict[str, Any]]
    total_count: int | None


class Collected(NamedTuple):
    items: list[dict[str, Any]]
    total_count: int | None
    warnings: list[str]
    pages_fetched: int  # fetch_page calls, reads ahead and second reads included


FetchPage = Callable[[int, int], Page]
ItemKey = Callable[[dict[str, Any]], Any]

# A read is looked up among the last few read before a position; a read starting further back that still
# covers it only costs a redundant read (merged without a trace), never an item.
_COVER_LOOKBACK = 4


class ListingMemory:
    """What the last listing of one query learned, so the next one reads ahead to the right places at once.

    ``end``: the offset where it ended; ``step``: the items a page held; ``total_seen``: whether the API sent a
    total. Only speed depends on it.
    """

    __slots__ = ("end", "step", "total_seen")

    def __init__(self) -> None:
        self.end: int | None = None
        self.step: int | None = None
        self.total_seen = False


class _Read:
    """One answer; ``end`` is where what it covers ends: fewer items than it holds once merging found repeats in it."""

    __slots__ = ("offset", "items", "end")

    def __init__(self, offset: int, items: list[dict[str, Any]]) -> None:
        self.offset = offset
        self.items = items
        self.end = offset + len(items)


def _listing_offsets(offsets: Sequence[int]) -> str:
    shown = ", ".join(str(offset) for offset in offsets[:5])
    return shown + (", ..." if len(offsets) > 5 else "")


def _read(fetch_page: FetchPage, offset: int, limit: int) -> tuple[Page, bool]:
    """The page at ``offset`` cut to ``limit`` items, and whether it held more."""
    page = fetch_page(offset, limit)
    if len(page.items) <= limit:
        return page, False
    return Page(page.items[:limit], page.total_count), True


def cut_warning(pages: int, limit: int, offsets: Sequence[int]) -> str:
    return ("%d page(s) held more items than the %d asked for (offsets %s): only the first %d of each were kept; "
            "the API ignores the page size, so results may be incomplete" % (pages, limit, _listing_offsets(offsets), limit))


class _Listing:
    """The reads of one listing: merged in offset order as far as they are contiguous, and what to read next."""

    def __init__(self, page_size: int, item_key: ItemKey, trust_total: bool, memory: ListingMemory | None,
                 wanted: Collection[Any] | None, max_workers: int) -> None:
        self.wanted = set(wanted) if wanted is not None else None
        self.max_workers = max_workers
        self.page_size = page_size
        self.item_key = item_key
        self.trust_total = trust_total
        self.memory = memory
        self.reads: dict[int, list[_Read]] = {}
        self.read_offsets: list[int] = []  # sorted offsets of self.reads
        self.unmerged: list[tuple[int, int]] = []  # sorted (offset, index in reads[offset])
        self.frontier = 0  # every position before it is read; merging happens up to it
        self.done = False
        self.due: list[int] = []  # offsets to read once more
        self.ahead: set[int] = set()  # offsets read ahead of anything known, still on their way
        self.requests = 0
        self.items: list[dict[str, Any]] = []
        self.position: dict[Any, int] = {}  # key -> where it was first read: only an earlier one makes a repeat
        self.keyless_positions: set[int] = set()
        self.repeated_keys: set[Any] = set()
        self.totals: list[int] = []  # each value the total took, in reading order
        self.pages_with_total = self.pages_without_total = 0
        self.biggest = 0  # the most items one read held
        self.short_ends: dict[int, int] = {}  # items of a short page -> the first position after such a page
        self.last_with_items = -1  # the highest offset of a read that held items
        self.known = 0  # where the items read end
        self.overfull_offsets: list[int] = []
        self.hole_offsets: list[int] = []
        self.skip = 0  # how far the last empty page skipped
        self.last_hole_end = -1
        self.recovered_offsets: list[int] = []
        self.cut_offsets: list[int] = []  # pages holding more items than the limit asked for
        self.notes: list[str] = []
        self.partial = False  # ended once every wanted key was read

    @property
    def total(self) -> int | None:
        return self.totals[-1] if self.totals else None

    @property
    def shifted(self) -> bool:
        return bool(self.repeated_keys) or len(self.totals) > 1 or bool(self.overfull_offsets)

    def trusted_total(self) -> int | None:
        return self.total if self.trust_total and not self.shifted else None

    # ---------------------------------------------------------------- reading ahead

    def step(self) -> int | None:
        """The items a page is expected to hold; None while a short page may well be the end."""
        if self.biggest >= self.page_size:
            return self.page_size
        if not self.biggest:
            return min(self.memory.step, self.page_size) if self.memory and self.memory.step and not self.reads else self.page_size
        # Every page so far was short: a page cap once items turned up past one (or a total promises them).
        proven = [size for size, end in self.short_ends.items()
                  if self._items_beyond(end) or (self.total is not None and self.total > end)]
        return max(proven) if proven else None

    def _items_beyond(self, position: int) -> bool:
        """Whether a read at or after ``position`` held items."""
        return self.last_with_items >= position

    def _covered_until(self, position: int, in_flight: Iterable[int], step: int | None) -> int | None:
        """The end of what a read (done or in flight) covers at ``position``, or None when nothing does."""
        ends = [offset + (step or 1) for offset in in_flight if offset <= position < offset + (step or 1)]
        last = bisect.bisect_right(self.read_offsets, position)
        for offset in self.read_offsets[max(0, last - _COVER_LOOKBACK):last]:
            ends += [read.end for read in self.reads[offset] if position < read.end]
        return max(ends) if ends else None

    def _first_empty_page(self) -> int | None:
        """The first offset past the frontier read only empty, when no items turned up after it: nothing is there."""
        first = bisect.bisect_right(self.read_offsets, self.frontier)
        for offset in self.read_offsets[first:]:
            if all(not read.items for read in self.reads[offset]):
                return None if self._items_beyond(offset + 1) else offset
        return None

    def _expected_end(self) -> int | None:
        """Where the listing probably ends, when something says so: a total that ends nothing, or the last listing's end."""
        expected = self.total if self.trusted_total() is None else None
        if expected is None and self.memory is not None and not self.reads:
            expected = self.memory.end
        return expected if expected is not None and expected >= self.frontier else None

    def plan(self, in_flight: Sequence[int], slots: int) -> list[int]:
        """Up to ``slots`` offsets to read now: second reads that are due, then unread offsets from the frontier on.

        Offsets below what is known to exist (items read, a total, the last listing's end) are read as slots
        free up; offsets past it are read ahead in waves, the next wave once the last one is back, so no read
        ahead is still on its way when the end turns up.
        """
        # Few pages wait in memory: none starts more than 2 * max_workers pages ahead of the merged ones.
        # With nothing in flight one read is always allowed: the frontier's, which lets the merge go on.
        waiting = set(in_flight) | {offset for offset, dummy in self.unmerged}
        slots = min(slots, max(2 * self.max_workers - len(waiting), 0 if in_flight else 1))
        if self.done or slots <= 0:
            return []
        offsets = [offset for offset in self.due if offset not in in_flight][:slots]
        expect_total = self.memory is None or self.memory.end is None or self.memory.total_seen
        if not self.reads and (self.wanted is not None or (self.trust_total and expect_total)):
            # A total will probably come with page 0 and tell how many pages remain.
            return offsets or ([] if in_flight else [0])
        step, trusted, expected = self.step(), self.trusted_total(), self._expected_end()
        known = self.known
        waiting_for_wave = any(offset in self.ahead for offset in in_flight)
        empty = self._first_empty_page()
        position = self.frontier
        while len(offsets) < slots:
            if (trusted is not None and position >= trusted) or (empty is not None and position >= empty):
                break  # the end is at or before an empty page
            covered = self._covered_until(position, in_flight, step)
            if covered is not None:
                if step is None:
                    break  # the one read at the frontier is on its way
                position = covered
                continue
            if position in self.reads:
                break
            if position != self.frontier and position >= known and (expected is None or position > expected):
                if waiting_for_wave or expected is not None:
                    break  # past the expected end only once the frontier is there
                self.ahead.add(position)
            if position not in offsets:
                offsets.append(position)
            if step is None:
                break
            following = position + step
            position = expected if expected is not None and position < expected < following else following
        return offsets

    def submitted(self, offset: int) -> None:
        self.requests += 1
        if offset in self.due:
            self.due.remove(offset)

    # ---------------------------------------------------------------- reading back

    def record(self, offset: int, page: Page, cut: bool) -> None:
        self.ahead.discard(offset)
        if cut:
            self.cut_offsets.append(offset)
        if page.total_count is None:
            self.pages_without_total += 1
        else:
            self.pages_with_total += 1
            if page.total_count != self.total:
                self.totals.append(page.total_count)
        reads = self.reads.setdefault(offset, [])
        if not reads:
            bisect.insort(self.read_offsets, offset)
        reads.append(_Read(offset, list(page.items)))
        bisect.insort(self.unmerged, (offset, len(reads) - 1))
        count = len(page.items)
        self.biggest = max(self.biggest, count)
        if count:
            self.last_with_items = max(self.last_with_items, offset)
            self.known = max(self.known, offset + count)
            if count < self.page_size:
                self.short_ends[count] = min(self.short_ends.get(count, offset + count), offset + count)

    def _merge(self, read: _Read) -> None:
        if self.trust_total and self.total is not None and len(read.items) > self.total - read.offset:
            self.overfull_offsets.append(read.offset)
        shift = 0  # items of this read already seen before it: the listing moved down by that many
        in_read: set[Any] = set()
        for index, item in enumerate(read.items):
            key = self.item_key(item)
            position = read.offset + index - shift
            if key is None:
                # Items without a key cannot be compared: one is kept per position.
                if position not in self.keyless_positions:
                    self.keyless_positions.add(position)
                    self.items.append(item)
                continue
            first = self.position.get(key)
            if key in in_read or (first is not None and first < position):
                self.repeated_keys.add(key)
                shift += 1
            elif first is None:
                self.position[key] = position
                self.items.append(item)
                if self.wanted is not None:
                    self.wanted.discard(key)
            in_read.add(key)
        read.end -= shift
        self.frontier = max(self.frontier, read.end)

    def advance(self, in_flight: Sequence[int]) -> None:
        """Merge what is contiguous, then decide at the frontier: the end, a second read, a skip, or a read to wait for."""
        while not self.done:
            if self.unmerged and self.unmerged[0][0] <= self.frontier:
                offset, index = self.unmerged.pop(0)
                self._merge(self.reads[offset][index])
                continue
            if self.wanted is not None and not self.wanted:
                self.done = self.partial = True
                return
            trusted = self.trusted_total()
            if trusted is not None and self.frontier >= trusted:
                self.done = True
                return
            frontier = self.frontier
            reads = self.reads.get(frontier)
            if not reads or frontier in in_flight or frontier in self.due:
                return  # the read there is yet to come
            if reads[-1].items:
                # Read and merged, and the frontier did not move: it held only items seen before.
                self._again_or(frontier, lambda: self._stop("the page at offset %d repeated only items already seen; "
                                                            "stopped reading there" % frontier))
                continue
            contradicted = self._empty_contradicted(frontier, in_flight)
            if contradicted is None:
                return  # reads further on will tell
            if not contradicted:
                self.done = True
                return
            self._again_or(frontier, lambda: self._skip(frontier))

    def _again_or(self, offset: int, otherwise: Callable[[], None]) -> None:
        if len(self.reads[offset]) < 2:
            self.due.append(offset)
        else:
            otherwise()

    def _stop(self, note: str) -> None:
        self.notes.append(note)
        self.done = True

    def _skip(self, offset: int) -> None:
        """Give up the items of one page at ``offset``; empty pages in a row skip twice as far each time."""
        in_a_row = offset == self.last_hole_end
        self.skip = self.skip * 2 if in_a_row else (self.step() or self.page_size)
        self.hole_offsets.append(offset)
        following = bisect.bisect_right(self.read_offsets, offset)
        with_items = [other for other in self.read_offsets[following:] if any(read.items for read in self.reads[other])]
        self.frontier = min([offset + self.skip] + with_items[:1])
        self.last_hole_end = self.frontier

    def _empty_contradicted(self, offset: int, in_flight: Sequence[int]) -> bool | None:
        """Whether an empty page at ``offset`` cannot be the end; None while reads further on are in flight."""
        # Even a total that moved is worth one more read here; it never ends a listing on its own.
        if (self.trust_total and self.total is not None and offset < self.total) or self._items_beyond(offset + 1):
            return True
        return None if any(other > offset for other in in_flight) else False

    def finish(self, memory: ListingMemory | None) -> None:
        self.recovered_offsets = [offset for offset, reads in self.reads.items()
                                  if len(reads) > 1 and not reads[0].items and any(read.items for read in reads)]
        if memory is not None and self.done and not self.partial:
            memory.end = self.frontier
            memory.step = self.step() or self.biggest or None
            memory.total_seen = self.total is not None

    def warnings(self) -> list[str]:
        found = []
        if len(self.totals) > 1:
            found.append("total_count changed while the pages were read (%s): tasks created or deleted meanwhile may be missing; "
                         "run again for a consistent view" % " -> ".join(str(total) for total in self.totals))
        if self.pages_with_total and self.pages_without_total:
            found.append("total_count was missing on %d of %d pages" % (self.pages_without_total, self.pages_with_total + self.pages_without_total))
        if self.repeated_keys:
            found.append("removed %d item(s) repeated across pages: the listing shifted while it was read, or the API repeated them"
                         % len(self.repeated_keys))
        if self.overfull_offsets:
            found.append("%d page(s) held more items than total_count allows (offsets %s): kept reading until an empty page"
                         % (len(self.overfull_offsets), _listing_offsets(sorted(self.overfull_offsets))))
        if self.hole_offsets:
            found.append("%d page(s) came back empty twice although more items exist beyond them (offsets %s): results may be incomplete"
                         % (len(self.hole_offsets), _listing_offsets(self.hole_offsets)))
        if self.recovered_offsets:
            found.append("%d page(s) came back empty and held items when read again (offsets %s)"
                         % (len(self.recovered_offsets), _listing_offsets(sorted(self.recovered_offsets))))
        if self.cut_offsets:
            found.append(cut_warning(len(self.cut_offsets), self.page_size, sorted(self.cut_offsets)))
        return found + self.notes


def fetch_all(fetch_page: FetchPage, page_size: int, item_key: ItemKey, max_workers: int = 4, max_pages: int = 1000,
              trust_total: bool = True, memory: ListingMemory | None = None, wanted: Collection[Any] | None = None) -> Collected:
    """Read every page of a listing, or (``wanted``) as far as the wanted keys; see the module docstring for how it ends
    and how anomalies end.

    ``fetch_page(offset, limit)`` is called from worker threads (or, for a read
    alone, this one) and its exceptions propagate unchanged (retrying is the
    client's job): after the first error nothing new starts, the reads in
    flight finish, and the error of the lowest offset is raised. ``memory`` is
    read and updated.
    """
    if page_size < 1 or max_workers < 1 or max_pages < 1:
        raise ValueError("page_size, max_workers and max_pages must be at least 1")
    listing = _Listing(page_size, item_key, trust_total, memory, wanted, max_workers)
    errors: dict[int, BaseException] = {}
    pool: ThreadPoolExecutor | None = None  # made when two reads are to run at once: most listings are one page
    in_flight: dict[Future[tuple[Page, bool]], int] = {}
    try:
        while True:
            planned = [] if errors else listing.plan(list(in_flight.values()), min(max_workers - len(in_flight), max_pages - listing.requests))
            if len(planned) == 1 and not in_flight:
                listing.submitted(planned[0])
                try:
                    listing.record(planned[0], *_read(fetch_page, planned[0], page_size))
                except Exception as error:  # pylint: disable=broad-exception-caught  # raised below, as from a worker
                    errors[planned[0]] = error
                    break
                listing.advance([])
                continue
            for offset in planned:
                if pool is None:
                    pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="dbtasks-page")
                # Cut in the reading thread: an API ignoring limit never has its whole answer kept.
                in_flight[pool.submit(_read, fetch_page, offset, page_size)] = offset
                listing.submitted(offset)
            if not in_flight:
                break
            for future in wait(list(in_flight), return_when=FIRST_COMPLETED).done:
                offset = in_flight.pop(future)
                failure = future.exception()
                if failure is not None:
                    errors[offset] = failure
                else:
                    listing.record(offset, *future.result())
            if not errors:
                listing.advance(list(in_flight.values()))
    finally:
        if pool is not None:
            pool.shutdown(wait=True)  # the reads in flight end before anything is returned or raised
    if errors:
        raise errors[min(errors)]
    if not listing.done:
        listing.notes.append("stopped after %d requests (max_pages) with %d items read%s: results are incomplete"
                             % (listing.requests, listing.frontier, "" if listing.total is None else " of total_count %d" % listing.total))
    listing.finish(memory)
    return Collected(listing.items, listing.total, listing.warnings(), listing.requests)


def fetch_one_page(fetch_page: FetchPage, offset: int, limit: int) -> Collected:
    """Exactly the page the user asked for with explicit offset/limit, as the API returned it (cut to ``limit``)."""
    page, cut = _read(fetch_page, offset, limit)
    return Collected(list(page.items), page.total_count, [cut_warning(1, limit, [offset])] if cut else [], 1)
