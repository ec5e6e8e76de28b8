# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fault injection: which request gets which misbehaviour, and the answers faults produce."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Mapping
from typing import Any

from .reply import Reply, json_reply

UCLOUD_ROUTES = ('udts.ListUDTSTask', 'udts.GetUDTSTaskStatus')
HUAWEI_ROUTES = ('dds.ListJobs', 'dds.ShowJob', 'rds.ListTasks', 'rds.ShowJob', 'iam.KeystoneListProjects')
ROUTES = UCLOUD_ROUTES + HUAWEI_ROUTES
LIST_ROUTES = ('udts.ListUDTSTask', 'dds.ListJobs', 'rds.ListTasks')

HTTP_KINDS = {'http_400': 400, 'http_429': 429, 'http_429_retry_after': 429, 'http_500': 500, 'http_502': 502, 'http_503': 503,
              'http_504': 504}
REQUEST_KINDS = frozenset(list(HTTP_KINDS) + ['reset', 'slow', 'truncated_json', 'html_error', 'retcode_150', 'retcode_153'])
PAGE_KINDS = frozenset(['page_repeat', 'total_changes', 'total_missing', 'empty_page'])
KINDS = REQUEST_KINDS | PAGE_KINDS
# page a pagination fault hits when the fault names none (0 = every page)
DEFAULT_PAGE = {'page_repeat': 2, 'total_changes': 2, 'empty_page': 2, 'total_missing': 0}

HUAWEI_ERRORS = {
    429: ('APIGW.0308', 'The throttling threshold has been reached: policy user over ratelimit,limit:200,time:1 second'),
    500: ('DBS.200500', 'Internal server error.'),
    502: ('APIGW.0202', 'Backend unavailable.'),
    503: ('APIGW.0202', 'Backend unavailable: the service is temporarily overloaded.'),
    504: ('APIGW.0201', 'Backend timeout.'),
}
# http_400: each service's parameter error (UCloud: the emulator's invented RetCode 230)
PARAMETER_ERRORS = {'dds': 'DBS.200001', 'rds': 'DBS.280001'}
KEYSTONE_ERRORS = {400: ('Expecting to find name in query. The server could not comply with the request since it is either '
                         'malformed or otherwise incorrect.', 'Bad Request'),
                   500: ('An unexpected error prevented the server from fulfilling your request.', 'Internal Server Error')}
UCLOUD_RETCODES = {'retcode_150': (150, 'Service Unavailable'), 'retcode_153': (153, 'API Request Rate Limit Exceeded')}
HTML_PAGE = (b'<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n'
             b'<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n')


class FaultError(ValueError):
    """A fault object breaks a rule."""


@dataclasses.dataclass
class Fault:
    route: str
    kind: str
    count: int | None = None
    retry_after: float = 1.0
    delay: float = 2.0
    page: int | None = None
    hits: int = 0

    def applies_to(self, route: str) -> bool:
        if self.route not in ('*', route):
            return False
        if self.kind in PAGE_KINDS:
            return route in LIST_ROUTES
        if self.kind.startswith('retcode_'):
            return route in UCLOUD_ROUTES
        return True

    def page_matches(self, page: int) -> bool:
        wanted = DEFAULT_PAGE[self.kind] if self.page is None else self.page
        return wanted in (0, page)

    def as_dict(self) -> dict[str, Any]:
        remaining = None if self.count is None else self.count - self.hits
        return dict(dataclasses.asdict(self), remaining=remaining)


def _number(data: Mapping[str, Any], key: str, default: Any, minimum: float, integer: bool = False) -> Any:
    value = data.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum or (integer and int(value) != value):
        raise FaultError('fault %s must be %s >= %s' % (key, 'an integer' if integer else 'a number', minimum))
    return int(value) if integer else float(value)


def parse_fault(data: Any) -> Fault:
    if not isinstance(data, Mapping):
        raise FaultError('a fault is an object with route and kind')
    unknown = set(data) - {'route', 'kind', 'count', 'retry_after', 'delay', 'page'}
    if unknown:
        raise FaultError('unknown fault keys %s' % sorted(unknown))
    route, kind = data.get('route', '*'), data.get('kind')
    if route != '*' and route not in ROUTES:
        raise FaultError('fault route must be * or one of %s' % list(ROUTES))
    if kind not in KINDS:
        raise FaultError('fault kind must be one of %s' % sorted(KINDS))
    fault = Fault(route=route, kind=kind, count=_number(data, 'count', None, 1, True),
                  retry_after=_number(data, 'retry_after', 1.0, 0), delay=_number(data, 'delay', 2.0, 0),
                  page=_number(data, 'page', None, 1, True))
    if route != '*' and not fault.applies_to(route):
        raise FaultError('fault kind %s does not apply to route %s' % (kind, route))
    return fault


class FaultSet:
    """Thread-safe list of active faults; the first matching one with hits left wins."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, data: Any) -> list[Fault]:
        faults = [parse_fault(item) for item in (data if isinstance(data, list) else [data])]
        with self._lock:
            self._faults.extend(faults)
        return faults

    def clear(self) -> None:
        with self._lock:
            self._faults = []

    def describe(self) -> list[dict[str, Any]]:
        with self._lock:
            return [fault.as_dict() for fault in self._faults]

    def take(self, route: str, kinds: frozenset[str], page: int | None = None) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.kind not in kinds or not fault.applies_to(route):
                    continue
                if fault.count is not None and fault.hits >= fault.count:
                    continue
                if page is not None and not fault.page_matches(page):
                    continue
                fault.hits += 1
                return dataclasses.replace(fault)
        return None


def error_reply(fault: Fault, route: str, action: str, err_code_body: bool = False) -> Reply:
    """The answer for an HTTP-status, RetCode or HTML fault, shaped like the provider's own.

    ``err_code_body``: RDS parameter errors come as ``{errCode, externalMessage}`` (options.rds_error_body).
    """
    if fault.kind == 'html_error':
        return Reply(status=502, body=HTML_PAGE, content_type='text/html', outcome='fault')
    if fault.kind in UCLOUD_RETCODES:
        code, message = UCLOUD_RETCODES[fault.kind]
        return json_reply(200, {'Action': action + 'Response', 'RetCode': code, 'Message': message}, outcome='fault')
    status = HTTP_KINDS[fault.kind]
    if route in UCLOUD_ROUTES:
        code, message = {429: (153, 'API Request Rate Limit Exceeded'), 400: (230, 'Params [Offset] not available')}.get(
            status, (150, 'Service Unavailable'))
        reply = json_reply(status, {'Action': action + 'Response', 'RetCode': code, 'Message': message}, outcome='fault')
    elif status in KEYSTONE_ERRORS and route.startswith('iam.'):
        # IAM (Keystone) answers its own errors nested: {"error": {"code", "message", "title"}}
        message, title = KEYSTONE_ERRORS[status]
        reply = json_reply(status, {'error': {'code': status, 'message': message, 'title': title}}, outcome='fault')
    elif status == 400:
        service = route.split('.')[0]
        code_text, message = PARAMETER_ERRORS[service], 'Invalid parameter: the request was refused by the injected fault.'
        body = {'errCode': code_text, 'externalMessage': message} if err_code_body and service == 'rds' else \
            {'error_code': code_text, 'error_msg': message}
        reply = json_reply(status, body, outcome='fault')
    else:
        code_text, message = HUAWEI_ERRORS[status]
        if status == 500 and route.startswith('rds.'):
            code_text = 'DBS.280500'
        reply = json_reply(status, {'error_code': code_text, 'error_msg': message}, outcome='fault')
    if fault.kind == 'http_429_retry_after':
        retry_after = fault.retry_after
        reply.headers.append(('Retry-After', str(int(retry_after)) if float(retry_after).is_integer() else str(retry_after)))
    return reply


def paginate(items: Any, offset: int, limit: int, fault: Fault | None) -> tuple[list[Any], int | None]:
    """One page of ``items`` and the total to report, bent by a pagination fault when one applies."""
    total: int | None = len(items)
    start = offset
    kind = fault.kind if fault else None
    if kind == 'page_repeat' and offset > 0:
        # as if an item had been inserted ahead: the previous page's last item shows again
        start = offset - 1
    page = [] if kind == 'empty_page' else list(items[start:start + limit])
    if kind == 'total_changes':
        total = len(items) + 1
    elif kind == 'total_missing':
        total = None
    return page, total


def page_number(offset: int, limit: int) -> int:
    return offset // limit + 1 if limit > 0 else 1
