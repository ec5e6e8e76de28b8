# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""UCloud API client: one signed, form-encoded POST per action, RetCode errors mapped to ApiError."""

from __future__ import annotations

import typing as t
from collections.abc import Mapping
from urllib.parse import urlencode

from ansible_collections.dbtasks.cloud.plugins.module_utils._connection_options import UCloudConfig
from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError
from ansible_collections.dbtasks.cloud.plugins.module_utils._redact import Redactor
from ansible_collections.dbtasks.cloud.plugins.module_utils._response import Notices, RequestContext
from ansible_collections.dbtasks.cloud.plugins.module_utils._retry import RetryPolicy
from ansible_collections.dbtasks.cloud.plugins.module_utils._transport import USER_AGENT, HttpResponse
from ansible_collections.dbtasks.cloud.plugins.module_utils._ucloud_signer import SIGNATURE_PARAM, sign_ucloud_params

CLOUD = "ucloud"
LABEL = "UCloud"
REQUEST_ID_HEADER = "X-UCLOUD-REQUEST-UUID"
_HEADERS = {
    "Content-Type": "application/x-www-form-urlencoded",
    "Accept": "application/json",
    "User-Agent": USER_AGENT,
}


# 150 service unavailable, 153 throttled; the SDKs retry RetCode >= 2000 (internal errors).
RETRYABLE_RETCODES = frozenset({150, 153})
INTERNAL_RETCODE_MIN = 2000
# Missing/unknown Action, missing/bad signature, unknown user: retrying cannot help.
NEVER_RETRY_RETCODES = frozenset({160, 161, 170, 171, 172})
SIGNATURE_HINT = "check that private_key belongs to public_key"
UNKNOWN_USER_HINT = "check public_key: UCloud knows no user with this key"
_HINTS = {171: SIGNATURE_HINT, 172: UNKNOWN_USER_HINT}


def error_hint(http_status: int | None, code: t.Any, message: str) -> str | None:
    """Advice for RetCodes whose usual cause is local configuration."""
    return _HINTS.get(code) if isinstance(code, int) else None


def retcode_retryable(code: t.Any) -> bool | None:
    """The verdict on a RetCode: None when it says nothing (the HTTP status decides)."""
    retcode = _retcode(code)
    if retcode is None:
        return None
    if retcode in NEVER_RETRY_RETCODES:
        return False
    if retcode in RETRYABLE_RETCODES or retcode >= INTERNAL_RETCODE_MIN:
        return True
    return None


def _retcode(value: t.Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class UCloudClient:
    """Calls UCloud API actions (``.call``) through a transport, with retries."""

    @classmethod
    def connect(cls, config: UCloudConfig, service: str | None, transport: t.Any, retry_policy: RetryPolicy, redactor: Redactor,
                utcnow: t.Any = None, notices: Notices | None = None) -> UCloudClient:
        """The client of the whole cloud (UCloud actions need no service name)."""
        return cls(config, transport, retry_policy, redactor=redactor, notices=notices)

    def __init__(self, config: UCloudConfig, transport: t.Any, retry_policy: RetryPolicy, redactor: Redactor | None = None,
                 notices: Notices | None = None) -> None:
        self.config = config
        self.transport = transport
        self.retry_policy = retry_policy
        self.redactor = redactor or Redactor()
        self.redactor.add(config.private_key)
        self.notices = notices or Notices()
        self.url = config.base_url.rstrip("/") + "/"

    def _payload(self, action: str, params: Mapping[str, t.Any]) -> dict[str, t.Any]:
        payload = dict(params)
        payload["Action"] = action
        # Explicit request parameters win over the connection defaults.
        if self.config.project_id and "ProjectId" not in payload:
            payload["ProjectId"] = self.config.project_id
        if self.config.region and "Region" not in payload:
            payload["Region"] = self.config.region
        return payload

    def call(self, action: str, params: Mapping[str, t.Any] | None = None) -> dict[str, t.Any]:
        """Run ``action`` and return the decoded response (RetCode 0), else raise ``ApiError``."""
        context = RequestContext(CLOUD, action, self.redactor, REQUEST_ID_HEADER, LABEL, error_hint, retcode_retryable, notices=self.notices)
        payload = self._payload(action, params or {})

        def attempt() -> dict[str, t.Any]:
            signed = sign_ucloud_params(payload, self.config.public_key, self.config.private_key)
            # Masked before it is sent: an error text quoting it must not show it (it never expires).
            self.redactor.add_signatures(signed[SIGNATURE_PARAM])
            response = context.send(self.transport, "POST", self.url, _HEADERS, urlencode(signed).encode("utf-8"),
                                    time_limit=self.retry_policy.request_time())
            return self._result(context, response)

        return self.retry_policy.run(attempt)

    def _result(self, context: RequestContext, response: HttpResponse) -> dict[str, t.Any]:
        if not 200 <= response.status < 300:
            raise self._http_error(context, response)
        data = context.json_object(response)
        retcode = _retcode(data.get("RetCode"))
        if retcode is None:
            raise context.error("unexpected response: no numeric RetCode in the JSON object", response)
        if retcode != 0:
            raise context.error(_message(data, "RetCode %d" % retcode), response, code=retcode)
        return data

    @staticmethod
    def _http_error(context: RequestContext, response: HttpResponse) -> ApiError:
        data = context.json_object(response, failure="HTTP %d with %%s" % response.status)
        return context.error(_message(data, "HTTP %d" % response.status), response, code=_retcode(data.get("RetCode")))


def _message(data: Mapping[str, t.Any], default: str) -> str:
    message = data.get("Message")
    return str(message) if message not in (None, "") else default
