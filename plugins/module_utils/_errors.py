# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Error types raised by the collection's helpers.

Helpers raise these; only the module boundary (``DbTasksModule.run``) turns
them into ``fail_json``. Private to the collection.
"""

from __future__ import annotations

import typing as t


class DbTasksError(Exception):
    """Base class of every error the collection raises on purpose."""

    def to_fail_kwargs(self) -> dict[str, t.Any]:
        return {"msg": str(self)}


class ParameterError(DbTasksError):
    """An option value breaks a rule; raised before any request is sent."""

    def __init__(self, option: str, rule: str) -> None:
        super().__init__(option, rule)
        self.option = option
        self.rule = rule

    def __str__(self) -> str:
        return "%s: %s" % (self.option, self.rule)

    def to_fail_kwargs(self) -> dict[str, t.Any]:
        return {"msg": str(self), "option": self.option}


class ApiError(DbTasksError):
    """A request to a cloud API failed.

    Fields stay mutable: the client adds context (cloud, operation) to
    transport errors, the retry policy records the number of attempts and the
    tracker names the provider. ``label`` (for example ``RDS``) names the API in
    the message; ``hint`` is the cloud client's advice for errors whose usual
    cause is local configuration. ``retryable`` None leaves the verdict to
    ``_retry.is_retryable``; the cloud's client sets it for its own error codes.
    """

    def __init__(
        self,
        cloud: str,
        operation: str,
        message: str,
        http_status: int | None = None,
        code: t.Any = None,
        request_id: str | None = None,
        attempts: int = 1,
        retryable: bool | None = None,
        retry_after: float | None = None,
        label: str | None = None,
        hint: str | None = None,
        provider: str | None = None,
    ) -> None:
        super().__init__(message)
        self.cloud = cloud
        self.operation = operation
        self.message = message
        self.http_status = http_status
        self.code = code
        self.request_id = request_id
        self.attempts = attempts
        self.retryable = retryable
        self.retry_after = retry_after
        self.label = label
        self.hint = hint
        self.provider = provider

    def _subject(self) -> str:
        return " ".join(part for part in (self.label or self.cloud, self.operation) if part) or "request"

    def __str__(self) -> str:
        details = []
        if self.code is not None:
            details.append("code %s" % self.code)
        if self.http_status is not None:
            details.append("HTTP %s" % self.http_status)
        if self.request_id:
            details.append("request id %s" % self.request_id)
        if self.attempts > 1:
            details.append("after %d attempts" % self.attempts)
        text = "%s failed: %s" % (self._subject(), self.message)
        if details:
            text += " (%s)" % ", ".join(details)
        if self.hint:
            text += "; %s" % self.hint
        return text

    def to_fail_kwargs(self) -> dict[str, t.Any]:
        return {
            "msg": str(self),
            "error_code": self.code,
            "http_status": self.http_status,
            "request_id": self.request_id,
            "operation": self.operation,
            "cloud": self.cloud,
            "provider": self.provider,
            "attempts": self.attempts,
        }


class TransportError(ApiError):
    """No HTTP response arrived: ``kind`` is connect, timeout, tls, reset or other.

    It is an ``ApiError`` so that retries, attempts and ``fail_json`` treat it
    like any other failed request; the transport does not know the cloud
    or operation, the client fills them in.
    """

    KINDS = ("connect", "timeout", "tls", "reset", "other")

    def __init__(self, kind: str, message: str, cloud: str = "", operation: str = "") -> None:
        if kind not in self.KINDS:
            raise ValueError("unknown transport error kind %r" % kind)
        super().__init__(cloud, operation, message)
        self.kind = kind
