# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Huawei Cloud API client: signed (AK/SK) or token-authenticated GET requests per service."""

from __future__ import annotations

import re
import typing as t
from collections.abc import Mapping
from datetime import datetime, timezone
from urllib.parse import quote

from ansible_collections.dbtasks.cloud.plugins.module_utils._connection_options import HuaweiConfig
from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError
from ansible_collections.dbtasks.cloud.plugins.module_utils._huawei_signer import canonical_query, format_sdk_date, sign_request
from ansible_collections.dbtasks.cloud.plugins.module_utils._redact import Redactor
from ansible_collections.dbtasks.cloud.plugins.module_utils._response import Notices, RequestContext
from ansible_collections.dbtasks.cloud.plugins.module_utils._retry import RetryPolicy
from ansible_collections.dbtasks.cloud.plugins.module_utils._transport import USER_AGENT, HttpResponse

CLOUD = "huaweicloud"
REQUEST_ID_HEADER = "X-Request-Id"
PROJECT_ID_PLACEHOLDER = "{project_id}"
# Regions served under the .eu domain instead of .com.
CLOCK_SKEW_HINT = "check the clock of the host running the module (requests more than 15 minutes off are rejected)"
SIGNATURE_HINT = (
    "check that access_key and secret_key belong to the same key pair"
    " (and that security_token is set only for temporary credentials and has not expired)"
)
TOKEN_HINT = (
    "the token is invalid or has expired: request a new IAM token for auth_token (valid 24 hours)"
    " or new temporary credentials for security_token"
)
# Gateway codes are spelled APIGW.* by the public gateway and APIG.* by dedicated ones.
_SIGNATURE_CODES = frozenset({"APIGW.0301", "APIG.0301"})
_CLOCK_CODES = frozenset({"APIGW.0303", "APIG.0303"})
_TOKEN_CODES = frozenset({"APIGW.0307", "APIG.0307"})
_TOKEN_WORDS = re.compile(r"token", re.IGNORECASE)
_CLOCK_WORDS = re.compile(r"time|expire|skew|x-sdk-date", re.IGNORECASE)


def error_hint(http_status: int | None, code: t.Any, message: str) -> str | None:
    """Advice for errors whose usual cause is local configuration, else None."""
    code_text = str(code) if code is not None else ""
    if code_text in _CLOCK_CODES:
        return CLOCK_SKEW_HINT
    if code_text in _TOKEN_CODES or (http_status == 401 and _TOKEN_WORDS.search(message or "")):
        return TOKEN_HINT
    # A stale X-Sdk-Date is reported as an authentication failure that mentions the time.
    if (http_status == 401 or code_text in _SIGNATURE_CODES) and _CLOCK_WORDS.search(message or ""):
        return CLOCK_SKEW_HINT
    if code_text in _SIGNATURE_CODES:
        return SIGNATURE_HINT
    return None


def error_fields(data: Mapping[str, t.Any]) -> tuple[str | None, str | None]:
    """(code, message) of a Huawei error body in any of the shapes the services and gateways use."""
    nested = data.get("error")
    if isinstance(nested, Mapping):
        data = nested
    for code_key, message_key in (("error_code", "error_msg"), ("code", "message"), ("errorCode", "errorMsg")):
        if code_key in data or message_key in data:
            code, message = data.get(code_key), data.get(message_key)
            return (str(code) if code not in (None, "") else None, str(message) if message not in (None, "") else None)
    return None, None


class HuaweiClient:
    """Sends GET requests to one service (``dds``, ``rds``) of one project, with retries.

    Paths are templates: ``{project_id}`` is replaced by the configured project
    id (URL-quoted), so service code never handles connection settings.
    Each attempt is signed anew, so a retry carries a fresh ``X-Sdk-Date``.
    """

    @classmethod
    def connect(cls, config: HuaweiConfig, service: str | None, transport: t.Any, retry_policy: RetryPolicy, redactor: Redactor,
                utcnow: t.Callable[[], datetime] | None = None, notices: Notices | None = None) -> HuaweiClient:
        """The client of one service of the cloud."""
        if not service:
            raise ValueError("a Huawei Cloud client serves one service (dds, rds)")
        return cls(config, service, transport, retry_policy, redactor=redactor, utcnow=utcnow, notices=notices)

    def __init__(
        self,
        config: HuaweiConfig,
        service: str,
        transport: t.Any,
        retry_policy: RetryPolicy,
        redactor: Redactor | None = None,
        utcnow: t.Callable[[], datetime] | None = None,
        notices: Notices | None = None,
    ) -> None:
        self.config = config
        self.service = service
        self.transport = transport
        self.retry_policy = retry_policy
        self.redactor = redactor or Redactor()
        self.redactor.add(*config.secrets())
        self.notices = notices or Notices()
        self.utcnow = utcnow or (lambda: datetime.now(timezone.utc))
        self.base_url = config.base_url(service)

    def url_for(self, path: str) -> str:
        if not path.startswith("/"):
            raise ValueError("path must start with '/': %r" % path)
        return self.base_url + path.replace(PROJECT_ID_PLACEHOLDER, quote(self.config.project_id, safe=""))

    def _request(self, url: str, query: Mapping[str, t.Any]) -> tuple[str, dict[str, str]]:
        """The URL to send (with the canonical query string) and every header, authentication included."""
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
        config = self.config
        if config.auth_token:
            headers.update({"X-Auth-Token": config.auth_token, "X-Project-Id": config.project_id})
            query_text = canonical_query(query)
            return (url + "?" + query_text if query_text else url), headers
        signed = sign_request(
            "GET", url, query, headers, b"", config.access_key or "", config.secret_key or "",
            sdk_date=format_sdk_date(self.utcnow()),
            security_token=config.security_token,
            project_id=config.project_id,
        )
        # Masked before it is sent, so an error text quoting the signature does not show it.
        self.redactor.add_signatures(signed.headers["Authorization"])
        return signed.url, signed.headers

    def get(self, operation: str, path: str, query: Mapping[str, t.Any] | None = None) -> dict[str, t.Any]:
        """GET ``path`` (a template, see the class) and return the decoded JSON object."""
        context = RequestContext(CLOUD, operation, self.redactor, REQUEST_ID_HEADER, self.service.upper(), error_hint, notices=self.notices)
        url = self.url_for(path)
        query = dict(query or {})

        def attempt() -> dict[str, t.Any]:
            request_url, headers = self._request(url, query)
            response = context.send(self.transport, "GET", request_url, headers, time_limit=self.retry_policy.request_time())
            if 200 <= response.status < 300:
                return context.json_object(response)
            raise self._http_error(context, response)

        return self.retry_policy.run(attempt)

    @staticmethod
    def _http_error(context: RequestContext, response: HttpResponse) -> ApiError:
        failure = "HTTP %d with %%s" % response.status
        data = context.json_object(response, failure=failure)
        code, message = error_fields(data)
        if message is None:
            message = failure % ("error code %s" % code if code else "no error message")
        body_request_id = data.get("request_id")
        return context.error(message, response, code=code, request_id=str(body_request_id) if body_request_id else None)
