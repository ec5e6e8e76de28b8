# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Reading answers safely: JSON bodies decoded without quoting secrets, and errors labelled with what the client knows."""

from __future__ import annotations

import json
import re
import threading
import time
import typing as t
from collections.abc import Mapping

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError, TransportError
from ansible_collections.dbtasks.cloud.plugins.module_utils._redact import Redactor
from ansible_collections.dbtasks.cloud.plugins.module_utils._retry import parse_retry_after
from ansible_collections.dbtasks.cloud.plugins.module_utils._transport import BodyRejected, HttpResponse, Transport

# Real answers nest a few levels; a deeper one would only crash whoever walks it later (the result's
# serialization, Ansible's callbacks) with a RecursionError.
MAX_JSON_DEPTH = 64


class Notices:
    """Warnings about a run's connections and answers (insecure settings, nonstandard JSON), each shown once.

    Filled by the connection validation and the clients, possibly from page-fetching threads;
    ``drain`` gives what was not shown yet (the module boundary and task_wait show them as warnings).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, None] = {}
        self._shown: set[str] = set()

    def add(self, text: str) -> None:
        with self._lock:
            if text not in self._shown:
                self._pending[text] = None

    def drain(self) -> list[str]:
        with self._lock:
            pending = list(self._pending)
            self._shown.update(pending)
            self._pending.clear()
        return pending


class BodyError(ValueError):
    """The body is not a JSON object; ``description`` says what came back instead.

    ``truncated`` marks JSON cut short: a glitch on the way (a proxy, a dropped
    upstream connection), not an answer, so the request is worth another try.
    """

    def __init__(self, description: str, truncated: bool = False) -> None:
        super().__init__(description)
        self.description = description
        self.truncated = truncated


_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body)", re.IGNORECASE)
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def _describe_html(text: str, redactor: Redactor) -> str:
    match = _HTML_TITLE.search(text)
    if match and match.group(1).strip():
        return "HTML error page (title: %s)" % redactor.snippet(match.group(1), limit=80)
    return "HTML error page"


def _deeper_than(data: t.Any, limit: int) -> bool:
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def decode_json_object(body: bytes, redactor: Redactor, constants: list[str] | None = None) -> dict[str, t.Any]:
    """Decode a JSON object or raise ``BodyError`` describing the body without quoting secrets.

    ``NaN``, ``Infinity`` and ``-Infinity`` (which Python reads but JSON forbids, and strict readers of
    the result reject) become None; their spellings are appended to ``constants``.
    """
    found: list[str] = []

    def read_constant(name: str) -> None:
        found.append(name)

    if not body or not body.strip():
        raise BodyError("empty response body")
    if _HTML_START.match(body[:512]):
        raise BodyError(_describe_html(body[:4096].decode("utf-8", errors="replace"), redactor))
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyError("undecodable response body (%d bytes, not UTF-8)" % len(body)) from None
    try:
        data = json.loads(text, parse_constant=read_constant)
    except RecursionError:
        raise BodyError("JSON nested more than %d levels deep" % MAX_JSON_DEPTH) from None
    except ValueError as err:
        stripped = text.rstrip()
        position = getattr(err, "pos", 0)
        if position >= len(stripped) or str(err).startswith("Unterminated string"):
            raise BodyError("truncated JSON (%d bytes)" % len(body), truncated=True) from None
        raise BodyError("invalid JSON: %s" % redactor.snippet(text)) from None
    if not isinstance(data, dict):
        raise BodyError("JSON %s instead of an object" % type(data).__name__)
    if _deeper_than(data, MAX_JSON_DEPTH):
        raise BodyError("JSON nested more than %d levels deep" % MAX_JSON_DEPTH)
    if constants is not None:
        constants.extend(found)
    return data


class RequestContext:
    """What a client knows about one API call, used to label every error it raises.

    ``label`` names the API in messages (``RDS``, ``UCloud``); ``hint`` gives the
    cloud's advice for an error (``hint(http_status, code, message)``), and
    ``retryable`` its verdict on its own error codes (``retryable(code)``: None
    leaves it to the HTTP status). ``notices`` receives warnings about answers
    that were read with a repair (NaN read as null).
    """

    def __init__(
        self,
        cloud: str,
        operation: str,
        redactor: Redactor,
        request_id_header: str,
        label: str,
        hint: t.Callable[[int | None, t.Any, str], str | None] = lambda status, code, message: None,
        retryable: t.Callable[[t.Any], bool | None] = lambda code: None,
        wall_clock: t.Callable[[], float] = time.time,
        notices: Notices | None = None,
    ) -> None:
        self.cloud = cloud
        self.operation = operation
        self.redactor = redactor
        self.request_id_header = request_id_header
        self.label = label
        self.hint = hint
        self.retryable = retryable
        self.wall_clock = wall_clock
        self.notices = notices or Notices()

    def send(self, transport: Transport, method: str, url: str, headers: Mapping[str, str], body: bytes | None = None,
             time_limit: float | None = None) -> HttpResponse:
        """``transport.send``; ``time_limit`` (seconds left before the caller's deadline, None: no deadline) shortens its timeout."""
        try:
            if time_limit is None:
                return transport.send(method, url, headers, body)
            return transport.send(method, url, headers, body, time_limit=time_limit)
        except TransportError as err:
            err.cloud, err.operation, err.label = self.cloud, self.operation, self.label
            err.message = self.redactor.text(err.message)
            raise
        except BodyRejected as err:
            failure = "unexpected response: %s"
            raise self._body_error(failure, err.response, err.description, err.truncated) from None

    def error(self, message: str, response: HttpResponse | None = None, code: t.Any = None, request_id: str | None = None) -> ApiError:
        """An ``ApiError`` with status, request id and Retry-After taken from ``response``."""
        headers: Mapping[str, str] = response.headers if response is not None else {}
        status = response.status if response is not None else None
        text = self.redactor.text(message)
        return ApiError(
            self.cloud,
            self.operation,
            text,
            http_status=status,
            code=code,
            request_id=headers.get(self.request_id_header) or request_id,
            retry_after=parse_retry_after(headers.get("Retry-After"), self.wall_clock()),
            label=self.label,
            hint=self.hint(status, code, text),
            retryable=None if code is None else self.retryable(code),
        )

    def json_object(self, response: HttpResponse, failure: str = "unexpected response: %s") -> dict[str, t.Any]:
        """The body as a dict, or an ``ApiError`` whose message is ``failure`` % what came instead."""
        constants: list[str] = []
        try:
            data = decode_json_object(response.body, self.redactor, constants)
        except BodyError as err:
            raise self._body_error(failure, response, err.description, err.truncated) from None
        if constants:
            self.notices.add("%s %s answered numbers JSON does not allow (%s); they are reported as null"
                             % (self.label, self.operation, ", ".join(sorted(set(constants)))))
        return data

    def _body_error(self, failure: str, response: HttpResponse, description: str, truncated: bool) -> ApiError:
        error = self.error(failure % description, response)
        # A cut-short answer is worth another try; a cut-short error body is judged by its
        # status alone, so an authentication or validation error is never repeated.
        error.retryable = True if truncated and 200 <= response.status < 300 else None
        return error
