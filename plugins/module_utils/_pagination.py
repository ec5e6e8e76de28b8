# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Offset/limit pagination that knows nothing about HTTP.

``fetch_all`` reads page 0; once it reports ``total_count`` the remaining pages
are read concurrently by a small thread pool, so N items cost ceil(N / page_size)
requests. Without a total it reads page after page until a short one. Pages are
merged in offset order as they arrive, duplicates removed by key (the first one kept).

Anomalies never loop and end up in ``Collected.warnings``:

* a page inside the total with fewer items than it implies (an empty page
  included) is read once more; if still short, reading goes on (bounded by the
  total) and the warning says results may be incomplete;
* a page repeating items already seen is read once more, which recovers a
  glitch; if the same repeats come back, once more that many items further on,
  which recovers the items a lasting shift displaced;
* a changing total, repeated items or a page holding more items than the total
  allows mean the listing moved while it was read: reading goes on one page at
  a time past the highest offset until a short page, which recovers items
  pushed beyond the old end. Items moved to earlier offsets (deletions) need a
  new listing; the warning says so;
* a sequential page adding no new item ends the listing (an API ignoring
  ``offset`` would repeat forever); ``max_pages`` caps the pages read (a page
  read again may add up to three requests of its own);
* a page holding more items than the limit asked for (an API ignoring
  ``limit``) is cut to the limit, so memory stays bounded by the pages read.

Blind spots, by choice: without a total an empty page is the end (nothing tells
a glitch from it), and a total matching what was read is trusted (checking it
would cost a request on every listing).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, Callable, NamedTuple


class Page(NamedTuple):
    items: list[dict[str, Any]]
    total_count: int | None


class Collected(NamedTuple):
    items: list[dict[str, Any]]
    total_count: int | None
    warnings: list[str]
    pages_fetched: int  # fetch_page calls, second reads included


FetchPage = Callable[[int, int], Page]
ItemKey = Callable[[dict[str, Any]], Any]


class _Fetched(NamedTuple):
    offset: int
    pages: tuple[Page, ...]  # the first read, then the second read of a short page
    expected: int  # items the known total implies at this offset
    cut: bool = False  # a read held more items than the limit asked for

    @property
    def size(self) -> int:
        return max(len(page.items) for page in self.pages)


def _read(fetch_page: FetchPage, offset: int, limit: int) -> tuple[Page, bool]:
    """The page at ``offset`` cut to ``limit`` items, and whether it held more."""
    page = fetch_page(offset, limit)
    if len(page.items) <= limit:
        return page, False
    return Page(page.items[:limit], page.total_count), True


def _fetch(fetch_page: FetchPage, offset: int, page_size: int, known_total: int | None) -> _Fetched:
    page, cut = _read(fetch_page, offset, page_size)
    total = known_total if page.total_count is None else page.total_count
    expected = 0 if total is None or offset >= total else min(page_size, total - offset)
    if len(page.items) >= expected:
        return _Fetched(offset, (page,), expected, cut)
    # A short page inside the total is either a glitch or a stale total; one more read tells them apart.
    again, cut_again = _read(fetch_page, offset, page_size)
    return _Fetched(offset, (page, again), expected, cut or cut_again)


def _fetch_concurrently(fetch_page: FetchPage, offsets: Sequence[int], page_size: int, known_total: int | None,
                        max_workers: int, merge: Callable[[_Fetched], Any]) -> _Fetched:
    """Read ``offsets`` with at most ``max_workers`` in flight, handing each page to ``merge`` in offset order; returns the last.

    A page is merged as soon as every page before it is, and no page starts more than
    ``2 * max_workers`` ahead of the merged ones, so few pages wait in memory. Pages are
    submitted one by one as others finish, so after the first error nothing new starts;
    the pages in flight finish before the error propagates.
    """
    arrived: dict[int, _Fetched] = {}  # index in offsets -> page not merged yet
    merged = submitted = 0
    last: _Fetched | None = None
    workers = min(max_workers, len(offsets))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="dbtasks-page") as pool:
        in_flight: dict[Future[_Fetched], int] = {}

        def submit_more() -> None:
            nonlocal submitted
            while len(in_flight) < workers and submitted < min(len(offsets), merged + 2 * workers):
                in_flight[pool.submit(_fetch, fetch_page, offsets[submitted], page_size, known_total)] = submitted
                submitted += 1

        submit_more()
        while in_flight:
            done = wait(list(in_flight), return_when=FIRST_COMPLETED).done
            errors: dict[int, BaseException] = {}
            for future in done:
                error = future.exception()
                if error is not None:
                    errors[in_flight[future]] = error
            if errors:
                raise errors[min(errors)]  # leaving the with-block waits for the pages still in flight
            for future in done:
                arrived[in_flight.pop(future)] = future.result()
            while merged in arrived:
                last = arrived.pop(merged)
                merge(last)
                merged += 1
            submit_more()
    if last is None:
        raise ValueError("no offsets to read")
    return last


def _listing_offsets(pages: Sequence[int]) -> str:
    shown = ", ".join(str(offset) for offset in pages[:5])
    return shown + (", ..." if len(pages) > 5 else "")


class _Listing:
    """Merges pages in offset order and keeps the evidence the warnings are made of."""

    def __init__(self, fetch_page: FetchPage, page_size: int, item_key: ItemKey, max_pages: int) -> None:
        self.fetch_page = fetch_page
        self.page_size = page_size
        self.item_key = item_key
        self.max_pages = max_pages
        self.items: list[dict[str, Any]] = []
        self.position: dict[Any, int] = {}  # key -> where it was first read: only an earlier one makes a repeat, a later one was read ahead
        self.requests = 0
        self.totals: list[int] = []  # each value the total took, in reading order
        self.pages_with_total = self.pages_without_total = self.repeated = 0
        self.short_offsets: list[int] = []
        self.reread_offsets: list[int] = []
        self.overfull_offsets: list[int] = []  # pages holding more items than total_count allows
        self.cut_offsets: list[int] = []  # pages holding more items than the limit asked for
        self.reserved = 0  # pages of a concurrent batch not merged yet: they count against max_pages already
        self.notes: list[str] = []

    @property
    def total(self) -> int | None:
        return self.totals[-1] if self.totals else None

    @property
    def shifted(self) -> bool:
        return self.repeated > 0 or len(self.totals) > 1 or bool(self.overfull_offsets)

    def _add(self, items: Sequence[dict[str, Any]], offset: int, keep_keyless: bool = True) -> tuple[int, int, list[Any]]:
        """Append the unseen items of a read at ``offset``; returns (added, without a key, keys repeated from before ``offset``)."""
        added = keyless = 0
        repeats: list[Any] = []
        in_read: set[Any] = set()
        for index, item in enumerate(items):
            key = self.item_key(item)
            if key is None:
                # Items without a key cannot be compared: kept once per offset rather than merged into one.
                keyless += 1
                if not keep_keyless:
                    continue
            elif key in self.position:
                if self.position[key] < offset or key in in_read:  # twice in one read counts too
                    repeats.append(key)
                in_read.add(key)
                continue
            else:
                self.position[key] = offset + index
                in_read.add(key)
            self.items.append(item)
            added += 1
        return added, keyless, repeats

    def _read_past_repeats(self, offset: int, keep_keyless: bool) -> int:
        """Read a page that repeated earlier items again, to recover what the repeats displaced; returns items added."""
        if self.requests + self.reserved >= self.max_pages:
            return 0
        self.requests += 1
        again = self._read(offset)  # a glitch is gone on the second read
        added, dummy, repeats = self._add(again, offset, keep_keyless)
        shift = len(repeats)
        if 0 < shift < len(again) and self.requests + self.reserved < self.max_pages:
            # The API lastingly sees the listing shifted by that many items: reading that far ahead undoes it.
            self.requests += 1
            added += self._add(self._read(offset + shift), offset + shift, keep_keyless)[0]
        return added

    def _read(self, offset: int) -> list[dict[str, Any]]:
        page, cut = _read(self.fetch_page, offset, self.page_size)
        if cut:
            self.cut_offsets.append(offset)
        return page.items

    def merge(self, fetched: _Fetched) -> int:
        """Add a page's new items; returns how many were new."""
        self.requests += len(fetched.pages)
        self.reserved = max(0, self.reserved - 1)
        if fetched.cut:
            self.cut_offsets.append(fetched.offset)
        for page in fetched.pages:
            if page.total_count is None:
                self.pages_without_total += 1
            else:
                self.pages_with_total += 1
                if page.total_count != self.total:
                    self.totals.append(page.total_count)
        first = fetched.pages[0].items
        if self.total is not None and len(first) > self.total - fetched.offset:
            self.overfull_offsets.append(fetched.offset)
        added, keyless, repeats = self._add(first, fetched.offset)
        self.repeated += len(repeats)
        for page in fetched.pages[1:]:
            added += self._add(page.items, fetched.offset, keep_keyless=not keyless)[0]
        if repeats:
            added += self._read_past_repeats(fetched.offset, keep_keyless=not keyless)
        if fetched.size < fetched.expected:
            self.short_offsets.append(fetched.offset)
        elif len(fetched.pages) > 1:
            self.reread_offsets.append(fetched.offset)
        return added

    def more_after(self, last: _Fetched) -> bool:
        total = self.total
        if last.size < self.page_size:
            # A short page ends the listing unless the total says more pages remain; the total then bounds the reading.
            return total is not None and last.offset + self.page_size < total
        return total is None or self.shifted or last.offset + self.page_size < total

    def warnings(self) -> list[str]:
        found = []
        if len(self.totals) > 1:
            found.append("total_count changed while the pages were read (%s): tasks created or deleted meanwhile may be missing; "
                         "run again for a consistent view" % " -> ".join(str(total) for total in self.totals))
        if self.pages_with_total and self.pages_without_total:
            found.append("total_count was missing on %d of %d pages" % (self.pages_without_total, self.pages_with_total + self.pages_without_total))
        if self.repeated:
            found.append("removed %d item(s) repeated across pages: the listing shifted while it was read, or the API repeated them" % self.repeated)
        if self.overfull_offsets:
            found.append("%d page(s) held more items than total_count allows (offsets %s): kept reading until a short page"
                         % (len(self.overfull_offsets), _listing_offsets(self.overfull_offsets)))
        if self.short_offsets:
            found.append("%d page(s) held fewer items than total_count implies even when read twice (offsets %s): results may be incomplete"
                         % (len(self.short_offsets), _listing_offsets(self.short_offsets)))
        if self.reread_offsets:
            found.append("%d page(s) came back short or empty and were complete when read again (offsets %s)"
                         % (len(self.reread_offsets), _listing_offsets(self.reread_offsets)))
        if self.cut_offsets:
            found.append(cut_warning(len(self.cut_offsets), self.page_size, self.cut_offsets))
        return found + self.notes


def cut_warning(pages: int, limit: int, offsets: Sequence[int]) -> str:
    return ("%d page(s) held more items than the %d asked for (offsets %s): only the first %d of each were kept; "
            "the API ignores the page size, so results may be incomplete" % (pages, limit, _listing_offsets(offsets), limit))


def fetch_all(fetch_page: FetchPage, page_size: int, item_key: ItemKey, max_workers: int = 4, max_pages: int = 1000) -> Collected:
    """Read every page of a listing; see the module docstring for how anomalies end.

    ``fetch_page(offset, limit)`` is called from worker threads and its
    exceptions propagate unchanged (retrying is the client's job).
    """
    if page_size < 1 or max_workers < 1 or max_pages < 1:
        raise ValueError("page_size, max_workers and max_pages must be at least 1")
    listing = _Listing(fetch_page, page_size, item_key, max_pages)
    last = _fetch(fetch_page, 0, page_size, None)
    listing.merge(last)
    while listing.more_after(last):
        offset = last.offset + page_size
        budget = max_pages - listing.requests
        if budget <= 0:
            listing.notes.append("stopped after %d requests (max_pages): results are incomplete" % listing.requests)
            break
        total = listing.total
        if total is not None and not listing.shifted and total - offset > page_size:
            offsets = range(offset, total, page_size)
            if len(offsets) > budget:
                listing.notes.append("total_count %s needs %d more pages; read only %d (max_pages): results are incomplete"
                                     % (total, len(offsets), budget))
            batch = offsets[:budget]
            listing.reserved = len(batch)
            last = _fetch_concurrently(fetch_page, batch, page_size, total, max_workers, listing.merge)
            listing.reserved = 0
            if len(offsets) > budget:
                break
            continue
        last = _fetch(fetch_page, offset, page_size, total)
        if listing.merge(last) == 0:
            if last.size >= page_size:
                listing.notes.append("the page at offset %d repeated only items already seen; stopped reading there" % offset)
            break
    return Collected(listing.items, listing.total, listing.warnings(), listing.requests)


def fetch_one_page(fetch_page: FetchPage, offset: int, limit: int) -> Collected:
    """Exactly the page the user asked for with explicit offset/limit, as the API returned it (cut to ``limit``)."""
    page, cut = _read(fetch_page, offset, limit)
    return Collected(list(page.items), page.total_count, [cut_warning(1, limit, [offset])] if cut else [], 1)
