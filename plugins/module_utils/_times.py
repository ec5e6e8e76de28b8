# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Time option parsing, the DDS and RDS wire formats, and range splitting.

No I/O and no clock: the caller passes ``now`` (an aware datetime) in, so
every result is deterministic. The accepted forms are documented for users
in ``docs/states.md``.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta, timezone
from typing import Union, overload

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ParameterError

TimeValue = Union[str, int, float, date]

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

# 1e11 seconds is the year 5138 while 1e11 milliseconds is 1973-03-03, so no
# plausible task time is ambiguous between the two units.
EPOCH_MS_THRESHOLD = 10 ** 11

# DDS: "the time span cannot be longer than 30 days", read strictly (a span of exactly 30 days may be refused).
# Both bounds are inclusive whole seconds, so a window of 30 days minus one second still covers 30 days of
# seconds; it is also the default range and how far back DDS keeps jobs ("within one month"), see
# docs/api-reference.md.
DDS_MAX_SPAN = timedelta(days=30) - timedelta(seconds=1)

TIME_RULE = "must be ISO 8601 with Z or an offset, epoch seconds or milliseconds, or a relative time like -7d, -12h, -30m or now"
NAIVE_TIME_RULE = (
    "must state its time zone: add Z (UTC) or an offset such as +08:00, e.g. 2026-11-01T00:00:00Z; "
    "times and dates without a zone are rejected because they are ambiguous"
)

_ISO_PATTERN = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[Tt ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?)?"
    r"(?P<zone>[Zz]|[+-]\d{2}(?::?\d{2})?)?",
    re.ASCII,
)
_RELATIVE_PATTERN = re.compile(r"-(?P<amount>\d{1,9})(?P<unit>[smhdw])", re.ASCII)
_EPOCH_PATTERN = re.compile(r"\d{1,20}(?:\.\d{1,9})?", re.ASCII)

_RELATIVE_UNITS = {
    "s": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
}


class _NaiveTime(ValueError):
    """An otherwise valid ISO 8601 time or date that carries no zone."""


def _require_aware(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    return now.astimezone(timezone.utc)


def _parse_zone(zone: str) -> timezone:
    if zone in ("Z", "z"):
        return timezone.utc
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or "0")
    if hours > 23 or minutes > 59:
        raise ValueError("offset out of range")
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if zone[0] == "-" else offset)


def _parse_iso(text: str) -> datetime:
    """Aware UTC datetime from ISO 8601 text; ``_NaiveTime`` without a zone, ``ValueError`` otherwise."""
    match = _ISO_PATTERN.fullmatch(text)
    if match is None:
        raise ValueError("not ISO 8601")
    fields = match.groupdict()
    fraction = (fields["fraction"] or "").ljust(6, "0")[:6]
    local = datetime(
        int(fields["year"]), int(fields["month"]), int(fields["day"]),
        int(fields["hour"] or 0), int(fields["minute"] or 0), int(fields["second"] or 0), int(fraction or 0),
    )
    if fields["zone"] is None:
        raise _NaiveTime(text)
    return local.replace(tzinfo=_parse_zone(fields["zone"])).astimezone(timezone.utc)


def _from_epoch(number: int | float) -> datetime:
    """Epoch seconds or milliseconds (by magnitude) to an aware UTC datetime; ``ValueError`` if unusable."""
    if isinstance(number, float) and not math.isfinite(number):
        raise ValueError("not a finite number")
    if number < 0:
        raise ValueError("negative epoch")
    if number >= EPOCH_MS_THRESHOLD:
        return EPOCH + timedelta(milliseconds=number)
    return EPOCH + timedelta(seconds=number)


def _parse_text(text: str, now: datetime) -> datetime:
    if text.lower() == "now":
        return now
    relative = _RELATIVE_PATTERN.fullmatch(text)
    if relative is not None:
        return now - int(relative.group("amount")) * _RELATIVE_UNITS[relative.group("unit")]
    if _EPOCH_PATTERN.fullmatch(text):
        number = float(text) if "." in text else int(text)
        return _from_epoch(number)
    return _parse_iso(text)


def parse_time(value: TimeValue, option: str, now: datetime) -> datetime:
    """Parse a user time option into an aware UTC datetime.

    Accepted: ISO 8601 with ``Z`` or an offset (``+08:00``, ``+0800``, ``+08``),
    epoch seconds or milliseconds (numbers or digit strings; values >= 1e11
    are milliseconds), ``now`` and ``-<n><unit>`` with unit s, m, h, d or w
    relative to ``now``, and aware ``datetime`` objects (YAML timestamps).
    Anything else, including times and dates without a zone, raises
    ``ParameterError(option, rule)``.
    """
    now_utc = _require_aware(now)
    try:
        if isinstance(value, date):
            # An unquoted ISO time in YAML arrives already parsed (the task_wait action gets it as is).
            if not isinstance(value, datetime) or value.utcoffset() is None:
                raise _NaiveTime(str(value))
            return value.astimezone(timezone.utc)
        if isinstance(value, bool):
            raise ValueError("booleans are not times")
        if isinstance(value, (int, float)):
            return _from_epoch(value)
        if isinstance(value, str):
            return _parse_text(value.strip(), now_utc)
    except _NaiveTime:
        raise ParameterError(option, NAIVE_TIME_RULE) from None
    except (ValueError, OverflowError):
        pass
    raise ParameterError(option, TIME_RULE)


def parse_api_time(value: object) -> datetime | None:
    """Best-effort reading of a time found in an API response; ``None`` when unreadable, never raises.

    DDS and RDS send ``2022-09-05T06:24:14+0000``; UDTS sends epoch seconds.
    Unlike user input, a time without a zone is read as UTC, the zone the
    providers document for their responses.
    """
    try:
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return _from_epoch(value)
        if isinstance(value, str):
            text = value.strip()
            if _EPOCH_PATTERN.fullmatch(text):
                return _from_epoch(float(text) if "." in text else int(text))
            try:
                return _parse_iso(text)
            except _NaiveTime:
                return _parse_iso(text + "Z")
    except (ValueError, OverflowError):
        return None
    return None


def api_time_iso(value: object) -> str | None:
    """A time found in an API response as ISO 8601 UTC to the second (``2026-03-01T12:00:00Z``), the one form of the
    normalized ``created_at`` and ``ended_at``; ``None`` when unreadable, and for 0 (the epoch: a blank time)."""
    moment = parse_api_time(value)
    return None if moment is None or moment == EPOCH else format_iso(moment)


def format_dds(moment: datetime) -> str:
    """DDS ``yyyy-mm-ddThh:mm:ss+0000`` in UTC; sub-second precision is truncated."""
    utc = _require_aware(moment)
    return "{0:04d}-{1:02d}-{2:02d}T{3:02d}:{4:02d}:{5:02d}+0000".format(
        utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second
    )


def format_iso(moment: datetime) -> str:
    """ISO 8601 in UTC with ``Z``, to the second, for messages."""
    return _require_aware(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_rds(moment: datetime) -> str:
    """RDS epoch milliseconds as text; sub-millisecond precision is truncated."""
    return str((_require_aware(moment) - EPOCH) // timedelta(milliseconds=1))


@overload
def resolve_range(
    start: TimeValue | None,
    end: TimeValue | None,
    now: datetime,
    default_span: timedelta,
    start_option: str = ...,
    end_option: str = ...,
) -> tuple[datetime, datetime]:
    ...


@overload
def resolve_range(
    start: TimeValue | None,
    end: TimeValue | None,
    now: datetime,
    default_span: timedelta | None,
    start_option: str = ...,
    end_option: str = ...,
) -> tuple[datetime | None, datetime | None]:
    ...


def resolve_range(
    start: TimeValue | None,
    end: TimeValue | None,
    now: datetime,
    default_span: timedelta | None,
    start_option: str = "start_time",
    end_option: str = "end_time",
) -> tuple[datetime | None, datetime | None]:
    """Turn the two time options into a validated ``(start, end)`` range.

    - start without end: end is ``now``.
    - end without start: start is ``end - default_span``, or stays ``None``
      when there is no default span (RDS accepts ``end_time`` alone).
    - neither: ``(now - default_span, now)``, or ``(None, None)`` without a span.
    - end not later than start: ``ParameterError`` naming ``end_option``, or
      ``start_option`` when the end was not given (the start is in the future).

    With a ``default_span`` both ends are always set, as the first overload says.
    """
    now_utc = _require_aware(now)
    start_at = None if start is None else parse_time(start, start_option, now_utc)
    end_at = None if end is None else parse_time(end, end_option, now_utc)
    if start_at is not None and end_at is None:
        if start_at >= now_utc:
            raise ParameterError(start_option, "must be earlier than now when {0} is not set".format(end_option))
        return start_at, now_utc
    if start_at is None:
        if default_span is None:
            return None, end_at
        end_at = now_utc if end_at is None else end_at
        try:
            return end_at - default_span, end_at
        except OverflowError:
            raise ParameterError(end_option, "is too early to look back {0} from".format(default_span)) from None
    if end_at is not None and end_at <= start_at:
        raise ParameterError(end_option, "must be later than {0}".format(start_option))
    return start_at, end_at


def split_windows(start: datetime, end: datetime, max_span: timedelta = DDS_MAX_SPAN) -> list[tuple[datetime, datetime]]:
    """Split ``[start, end]`` into consecutive windows of at most ``max_span``, newest first.

    Windows are aligned on ``end``: the first window is the newest and full,
    only the last (oldest) may be shorter. Neighbours share their boundary
    instant and the APIs treat both bounds as inclusive, so the caller must
    drop duplicate items. ``start == end`` gives one empty-width window.
    """
    if max_span <= timedelta(0):
        raise ValueError("max_span must be positive")
    if end < start:
        raise ValueError("end must not be earlier than start")
    windows = []
    window_end = end
    while True:
        window_start = max(start, window_end - max_span)
        windows.append((window_start, window_end))
        if window_start <= start:
            return windows
        window_end = window_start
