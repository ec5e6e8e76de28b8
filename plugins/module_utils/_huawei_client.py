# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Huawei Cloud API client: signed (AK/SK) or token-authenticated GET requests per service."""

from __future__ import annotations

import dataclasses
import typing as t
from datetime import datetime, timezone
from urllib.parse import quote

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError
from ansible_collections.dbtasks.cloud.plugins.module_utils._huawei_signer import canonical_query, format_sdk_date, sign_request
from ansible_collections.dbtasks.cloud.plugins.module_utils._redact import Redactor
from ansible_collections.dbtasks.cloud.plugins.module_utils._retry import RetryPolicy
from ansible_collections.dbtasks.cloud.plugins.module_utils._transport import USER_AGENT, HttpResponse, RequestContext

PROVIDER = "huaweicloud"
REQUEST_ID_HEADER = "X-Request-Id"
PROJECT_ID_PLACEHOLDER = "{project_id}"
# Regions served under the .eu domain instead of .com.
EU_REGIONS = frozenset({"eu-west-101"})


def endpoint_for(service: str, region: str) -> str:
    """The public endpoint of ``service`` (for example ``dds``) in ``region``."""
    domain = "myhuaweicloud.eu" if region in EU_REGIONS else "myhuaweicloud.com"
    return "https://%s.%s.%s" % (service, region, domain)


@dataclasses.dataclass(frozen=True)
class HuaweiConfig:
    """Connection settings. ``endpoint`` replaces the per-service host for every service.

    ``endpoint`` may contain ``{service}`` and ``{region}`` placeholders.
    """

    project_id: str
    access_key: str | None = None
    secret_key: str | None = dataclasses.field(default=None, repr=False)
    security_token: str | None = dataclasses.field(default=None, repr=False)
    auth_token: str | None = dataclasses.field(default=None, repr=False)
    region: str | None = None
    endpoint: str | None = None

    def base_url(self, service: str) -> str:
        if self.endpoint:
            return self.endpoint.replace("{service}", service).replace("{region}", self.region or "").rstrip("/")
        if not self.region:
            raise ValueError("either region or endpoint is required")
        return endpoint_for(service, self.region)

    def secrets(self) -> tuple[str | None, ...]:
        return (self.secret_key, self.security_token, self.auth_token)


def error_fields(data: t.Mapping[str, t.Any]) -> tuple[str | None, str | None]:
    """(code, message) of a Huawei error body in any of the shapes the services and gateways use."""
    nested = data.get("error")
    if isinstance(nested, t.Mapping):
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

    def __init__(
        self,
        config: HuaweiConfig,
        service: str,
        transport: t.Any,
        retry_policy: RetryPolicy,
        redactor: Redactor | None = None,
        utcnow: t.Callable[[], datetime] | None = None,
    ) -> None:
        self.config = config
        self.service = service
        self.transport = transport
        self.retry_policy = retry_policy
        self.redactor = redactor or Redactor()
        self.redactor.add(*config.secrets())
        self.utcnow = utcnow or (lambda: datetime.now(timezone.utc))
        self.base_url = config.base_url(service)

    def url_for(self, path: str) -> str:
        if not path.startswith("/"):
            raise ValueError("path must start with '/': %r" % path)
        return self.base_url + path.replace(PROJECT_ID_PLACEHOLDER, quote(self.config.project_id, safe=""))

    def _request(self, url: str, query: t.Mapping[str, t.Any]) -> tuple[str, dict[str, str]]:
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
        return signed.url, signed.headers

    def get(self, operation: str, path: str, query: t.Mapping[str, t.Any] | None = None) -> dict[str, t.Any]:
        """GET ``path`` (a template, see the class) and return the decoded JSON object."""
        context = RequestContext(PROVIDER, operation, self.redactor, REQUEST_ID_HEADER, service=self.service)
        url = self.url_for(path)
        query = dict(query or {})

        def attempt() -> dict[str, t.Any]:
            request_url, headers = self._request(url, query)
            response = context.send(self.transport, "GET", request_url, headers)
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
