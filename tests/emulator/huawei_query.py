# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Query validation for the DDS and RDS list APIs, exactly as their pages document it."""

from __future__ import annotations

import dataclasses
import datetime
import re

from .reply import Request

DDS_INVALID = 'DBS.200001'
RDS_INVALID = 'DBS.280001'
STATUSES = ('Running', 'Completed', 'Failed')
MAX_SPAN = 30 * 86400
_DIGITS = re.compile(r'[0-9]+')
_DDS_TIME = re.compile(r'[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{4}')


class Invalid(Exception):
    """A query breaks a documented rule: HTTP 400 with ``code`` and ``message``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclasses.dataclass
class ListQuery:
    offset: int
    limit: int
    start: float | None = None
    end: float | None = None
    status: str | None = None
    id: str | None = None
    name: str | None = None
    instance_id: str | None = None
    order_id: str | None = None


def _bounded(req: Request, name: str, default: int, low: int, high: int | None, code: str) -> int:
    text = req.arg(name)
    if text is None:
        return default
    value = int(text) if _DIGITS.fullmatch(text) else None
    if value is None or value < low or (high is not None and value > high):
        rule = 'an integer from %d to %d' % (low, high) if high is not None else 'an integer >= %d' % low
        raise Invalid(code, 'Invalid parameter %s: %r, it must be %s.' % (name, text, rule))
    return value


def _status(req: Request, code: str) -> str | None:
    status = req.arg('status')
    if status is not None and status not in STATUSES:
        raise Invalid(code, 'Invalid parameter status: %r, it must be one of Running, Completed, Failed.' % status)
    return status


def _dds_time(req: Request, name: str) -> float:
    text = req.arg(name)
    if not text:
        raise Invalid(DDS_INVALID, 'Parameter %s is mandatory.' % name)
    if not _DDS_TIME.fullmatch(text):
        raise Invalid(DDS_INVALID, 'Invalid parameter %s: %r, the format must be yyyy-mm-ddThh:mm:ssZ '
                                   'with a numeric zone offset, e.g. 2024-05-01T08:00:00+0800.' % (name, text))
    try:
        return datetime.datetime.strptime(text, '%Y-%m-%dT%H:%M:%S%z').timestamp()
    except ValueError:
        raise Invalid(DDS_INVALID, 'Invalid parameter %s: %r is not a valid date and time.' % (name, text))


def dds_list_query(req: Request, strict_span: bool = False) -> ListQuery:
    """``strict_span``: "cannot be longer than 30 days" read as strictly shorter, so exactly 30 days is refused too."""
    start, end = _dds_time(req, 'start_time'), _dds_time(req, 'end_time')
    if end <= start:
        raise Invalid(DDS_INVALID, 'Invalid parameter end_time: it must be later than start_time.')
    if end - start > MAX_SPAN or (strict_span and end - start >= MAX_SPAN):
        raise Invalid(DDS_INVALID, 'Invalid time range: the span between start_time and end_time cannot be longer than 30 days.')
    return ListQuery(offset=_bounded(req, 'offset', 0, 0, None, DDS_INVALID),
                     limit=_bounded(req, 'limit', 100, 1, 100, DDS_INVALID),
                     start=start, end=end, status=_status(req, DDS_INVALID), id=req.arg('id'), name=req.arg('name'))


def _epoch_ms(req: Request, name: str) -> float | None:
    text = req.arg(name)
    if text is None:
        return None
    if not _DIGITS.fullmatch(text):
        raise Invalid(RDS_INVALID, 'Invalid parameter %s: %r, it must be a UTC timestamp in milliseconds.' % (name, text))
    return int(text) / 1000.0


def rds_list_query(req: Request, needs_start: bool = False) -> ListQuery:
    """``needs_start``: end_time alone refused too (the Terraform provider's docs make start_time mandatory with it)."""
    start, end = _epoch_ms(req, 'start_time'), _epoch_ms(req, 'end_time')
    if start is not None and end is None:
        raise Invalid(RDS_INVALID, 'Parameter end_time is mandatory when start_time is specified.')
    if needs_start and end is not None and start is None:
        raise Invalid(RDS_INVALID, 'Parameter start_time is mandatory when end_time is specified.')
    return ListQuery(offset=_bounded(req, 'offset', 0, 0, None, RDS_INVALID),
                     limit=_bounded(req, 'limit', 10, 1, 50, RDS_INVALID),
                     start=start, end=end, status=_status(req, RDS_INVALID), id=req.arg('id'), name=req.arg('name'),
                     instance_id=req.arg('instance_id'), order_id=req.arg('order_id'))
