# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one place that decides whether a failed request is retried and how long to wait."""

from __future__ import annotations

import contextlib
import random
import time
import typing as t
from collections.abc import Iterator
from email.utils import parsedate_to_datetime

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError, TransportError

T = t.TypeVar("T")

RETRYABLE_HTTP_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRYABLE_TRANSPORT_KINDS = frozenset({"connect", "timeout", "reset"})


def is_retryable(error: ApiError) -> bool:
    """Whether repeating the same request may succeed (pure: looks at the error only).

    A verdict the cloud's client already gave for its own error codes (``retryable`` not None) stands.
    """
    if error.retryable is not None:
        return error.retryable
    if isinstance(error, TransportError):
        return error.kind in RETRYABLE_TRANSPORT_KINDS
    return error.http_status in RETRYABLE_HTTP_STATUSES


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta seconds or HTTP date), None if unusable.

    ``now`` is the wall-clock time (epoch seconds) used for HTTP dates; a date in
    the past means "retry now" (0.0).
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        # float() also accepts "nan" and "inf"; only finite, non-negative delays are meaningful.
        return seconds if 0 <= seconds < float("inf") else None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)


# A wait looks at its tasks one last time when it ends: a request then keeps this much time past the
# deadline, so that look gets an answer or its real error, not "no time left" in place of the cause.
FINAL_LOOK_SECONDS = 2.0


class Deadline:
    """When the requests of a run must end at the latest (``clock`` time): the end of a wait, shared by every client.

    ``remaining()`` is None while no deadline is set; the engine sets one for the length of a wait with
    ``with deadline.within(seconds): ...`` (nested calls keep the earlier end). Each request then gets at
    most the time left, or ``FINAL_LOOK_SECONDS`` (``RetryPolicy.request_time``), and no retry starts past it.
    """

    def __init__(self, clock: t.Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.at: float | None = None

    def remaining(self) -> float | None:
        return None if self.at is None else self.at - self.clock()

    @contextlib.contextmanager
    def within(self, seconds: float) -> Iterator[None]:
        previous = self.at
        end = self.clock() + seconds
        self.at = end if previous is None else min(previous, end)
        try:
            yield
        finally:
            self.at = previous


class RetryPolicy:
    """Runs one request attempt after another with full-jitter backoff within a time budget.

    ``retries`` is the number of retries after the first attempt; ``budget``
    bounds the total time from the first attempt (waits are cut to what is
    left of it), and so does ``deadline`` when one is set. ``sleep``, ``clock``
    and ``rand`` are injectable so tests never wait.
    """

    def __init__(
        self,
        retries: int = 4,
        budget: float = 60.0,
        base_delay: float = 0.5,
        max_delay: float = 20.0,
        max_retry_after: float = 30.0,
        sleep: t.Callable[[float], t.Any] = time.sleep,
        clock: t.Callable[[], float] = time.monotonic,
        rand: t.Callable[[], float] = random.random,
        deadline: Deadline | None = None,
    ) -> None:
        if retries < 0:
            raise ValueError("retries must be >= 0")
        self.retries = retries
        self.budget = budget
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.max_retry_after = max_retry_after
        self.sleep = sleep
        self.clock = clock
        self.rand = rand
        self.deadline = deadline or Deadline(clock)

    def time_left(self) -> float | None:
        """Seconds left before the deadline, None without one."""
        return self.deadline.remaining()

    def request_time(self) -> float | None:
        """What the next request may take at most: the time left, ``FINAL_LOOK_SECONDS`` at least; None without a deadline."""
        left = self.time_left()
        return None if left is None else max(left, FINAL_LOOK_SECONDS)

    def backoff(self, retry_index: int) -> float:
        """Full jitter: uniform in [0, min(max_delay, base_delay * 2**retry_index))."""
        return self.rand() * min(self.max_delay, self.base_delay * 2.0 ** retry_index)

    def delay_for(self, error: ApiError, retry_index: int) -> float:
        if error.retry_after is not None:
            return min(max(0.0, error.retry_after), self.max_retry_after)
        return self.backoff(retry_index)

    def run(self, attempt: t.Callable[[], T]) -> T:
        """Call ``attempt`` until it returns, fails for good, or retries/budget run out.

        Only ``ApiError`` is retried, when ``is_retryable`` says so. The raised
        error carries the attempts made and its ``retryable`` verdict.
        """
        started = self.clock()
        attempts = 0
        while True:
            attempts += 1
            try:
                return attempt()
            except ApiError as error:
                error.attempts = attempts
                error.retryable = is_retryable(error)
                retry_index = attempts - 1
                if not error.retryable or retry_index >= self.retries:
                    raise
                remaining = self.budget - (self.clock() - started)
                delay = self.delay_for(error, retry_index)
                time_left = self.time_left()
                # A retry that could only start at the deadline would fail for want of time, hiding this error.
                if time_left is not None and delay >= time_left:
                    raise
                # Retrying before the server's Retry-After would only be throttled again.
                if remaining <= 0 or (error.retry_after is not None and delay > remaining):
                    raise
                self.sleep(min(delay, remaining))
