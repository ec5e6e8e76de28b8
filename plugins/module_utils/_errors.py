# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Error types raised by the collection's helpers.

Helpers raise these; only the module boundary (``DbTasksModule.run``) turns
them into ``fail_json``. Private to the collection.
"""

from __future__ import annotations

import re
import typing as t

PROVIDER_LABELS = {"ucloud": "UCloud", "huaweicloud": "Huawei Cloud"}

CLOCK_SKEW_HINT = "check the clock of the host running the module (requests more than 15 minutes off are rejected)"
HUAWEI_SIGNATURE_HINT = (
    "check that access_key and secret_key belong to the same key pair"
    " (and that security_token is set only for temporary credentials and has not expired)"
)
HUAWEI_TOKEN_HINT = (
    "the token is invalid or has expired: request a new IAM token for auth_token (valid 24 hours)"
    " or new temporary credentials for security_token"
)
UCLOUD_SIGNATURE_HINT = "check that private_key belongs to public_key"
UCLOUD_UNKNOWN_USER_HINT = "check public_key: UCloud knows no user with this key"

# Gateway codes are spelled APIGW.* by the public gateway and APIG.* by dedicated ones.
_HUAWEI_SIGNATURE_CODES = frozenset({"APIGW.0301", "APIG.0301"})
_HUAWEI_CLOCK_CODES = frozenset({"APIGW.0303", "APIG.0303"})
_HUAWEI_TOKEN_CODES = frozenset({"APIGW.0307", "APIG.0307"})
_TOKEN_WORDS = re.compile(r"token", re.IGNORECASE)
_CLOCK_WORDS = re.compile(r"time|expire|skew|x-sdk-date", re.IGNORECASE)


def error_hint(provider: str, http_status: int | None, code: t.Any, message: str) -> str | None:
    """Return advice for errors whose usual cause is local configuration, else None."""
    if provider == "ucloud":
        if code == 171:
            return UCLOUD_SIGNATURE_HINT
        if code == 172:
            return UCLOUD_UNKNOWN_USER_HINT
        return None
    if provider != "huaweicloud":
        return None
    code_text = str(code) if code is not None else ""
    if code_text in _HUAWEI_CLOCK_CODES:
        return CLOCK_SKEW_HINT
    if code_text in _HUAWEI_TOKEN_CODES or (http_status == 401 and _TOKEN_WORDS.search(message or "")):
        return HUAWEI_TOKEN_HINT
    # A stale X-Sdk-Date is reported as an authentication failure that mentions the time.
    if (http_status == 401 or code_text in _HUAWEI_SIGNATURE_CODES) and _CLOCK_WORDS.search(message or ""):
        return CLOCK_SKEW_HINT
    if code_text in _HUAWEI_SIGNATURE_CODES:
        return HUAWEI_SIGNATURE_HINT
    return None


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
    """A request to a provider API failed.

    Fields stay mutable: the client adds context (provider, operation) to
    transport errors and the retry policy records the number of attempts.
    ``service`` (for example ``RDS``) only labels the message.
    """

    def __init__(
        self,
        provider: str,
        operation: str,
        message: str,
        http_status: int | None = None,
        code: t.Any = None,
        request_id: str | None = None,
        attempts: int = 1,
        retryable: bool = False,
        retry_after: float | None = None,
        service: str | None = None,
    ) -> None:
        super().__init__(message)
        self.provider = provider
        self.operation = operation
        self.message = message
        self.http_status = http_status
        self.code = code
        self.request_id = request_id
        self.attempts = attempts
        self.retryable = retryable
        self.retry_after = retry_after
        self.service = service

    @property
    def hint(self) -> str | None:
        return error_hint(self.provider, self.http_status, self.code, self.message)

    def _subject(self) -> str:
        label = self.service.upper() if self.service else PROVIDER_LABELS.get(self.provider, self.provider)
        return " ".join(part for part in (label, self.operation) if part) or "request"

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
        hint = self.hint
        if hint:
            text += "; %s" % hint
        return text

    def to_fail_kwargs(self) -> dict[str, t.Any]:
        return {
            "msg": str(self),
            "error_code": self.code,
            "http_status": self.http_status,
            "request_id": self.request_id,
            "operation": self.operation,
            "provider": self.provider,
            "attempts": self.attempts,
        }


class TransportError(ApiError):
    """No HTTP response arrived: ``kind`` is connect, timeout, tls, reset or other.

    It is an ``ApiError`` so that retries, attempts and ``fail_json`` treat it
    like any other failed request; the transport does not know the provider
    or operation, the client fills them in.
    """

    KINDS = ("connect", "timeout", "tls", "reset", "other")

    def __init__(self, kind: str, message: str, provider: str = "", operation: str = "") -> None:
        if kind not in self.KINDS:
            raise ValueError("unknown transport error kind %r" % kind)
        super().__init__(provider, operation, message)
        self.kind = kind
