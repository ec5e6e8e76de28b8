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
from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError, ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._huawei_signer import canonical_query, format_sdk_date, sign_request
from ansible_collections.dbtasks.cloud.plugins.module_utils._redact import Redactor
from ansible_collections.dbtasks.cloud.plugins.module_utils._response import Notices, RequestContext
from ansible_collections.dbtasks.cloud.plugins.module_utils._retry import RetryPolicy
from ansible_collections.dbtasks.cloud.plugins.module_utils._transport import USER_AGENT, HttpResponse

CLOUD = "huaweicloud"
REQUEST_ID_HEADER = "X-Request-Id"
IAM_REQUEST_ID_HEADER = "X-IAM-Trace-Id"  # what IAM calls its request id (the official SDK quotes it)
PROJECT_ID_PLACEHOLDER = "{project_id}"
IAM_PROJECTS_PATH = "/v3/projects"
IAM_OPERATION = "KeystoneListProjects"
CLOCK_SKEW_HINT = "check the clock of the host running the module (requests more than 15 minutes off are rejected)"
SIGNATURE_HINT = (
    "check that access_key and secret_key belong to the same key pair"
    " (and that security_token is set only for temporary credentials and has not expired)"
)
# The gateway answers a stale X-Sdk-Date with the same APIGW.0301 and words as a wrong key ("verify aksk signature
# fail"), so both causes are named unless the message itself mentions the time (docs/api-reference.md).
SIGNATURE_OR_CLOCK_HINT = SIGNATURE_HINT + "; or " + CLOCK_SKEW_HINT.replace("are rejected", "get this same answer")
TOKEN_HINT = (
    "the token is invalid or has expired: request a new IAM token for auth_token (valid 24 hours)"
    " or new temporary credentials for security_token"
)
# Gateway codes are spelled APIGW.* by the public gateway and APIG.* by dedicated ones.
_SIGNATURE_CODES = frozenset({"APIGW.0301", "APIG.0301"})
_CLOCK_CODES = frozenset({"APIGW.0303", "APIG.0303"})
_TOKEN_CODES = frozenset({"APIGW.0307", "APIG.0307"})
_TOKEN_WORDS = re.compile(r"token", re.IGNORECASE)
_CLOCK_WORDS = re.compile(r"time|expire|skew|clock|x-sdk-date", re.IGNORECASE)
# Error bodies seen across Huawei services, gateways and IAM, each key in the order the shapes are tried:
# {error_code, error_msg} (documented), {errCode, externalMessage} (DB services; the Terraform provider reads
# errCode first), {errorCode, errorMsg}, {code, message}, and any of them nested under "error" (IAM).
_CODE_KEYS = ("error_code", "errCode", "errorCode", "code")
_MESSAGE_KEYS = ("error_msg", "externalMessage", "errorMsg", "message")
_REQUEST_ID_KEYS = ("request_id", "requestId")


def error_hint(http_status: int | None, code: t.Any, message: str) -> str | None:
    """Advice for errors whose usual cause is local configuration, else None."""
    code_text = str(code) if code is not None else ""
    if code_text in _CLOCK_CODES:
        return CLOCK_SKEW_HINT
    if code_text in _TOKEN_CODES or (http_status == 401 and _TOKEN_WORDS.search(message or "")):
        return TOKEN_HINT
    if (http_status == 401 or code_text in _SIGNATURE_CODES) and _CLOCK_WORDS.search(message or ""):
        return CLOCK_SKEW_HINT
    if code_text in _SIGNATURE_CODES:
        return SIGNATURE_OR_CLOCK_HINT
    return None


def _text(value: t.Any) -> str | None:
    return None if value is None or value == "" or isinstance(value, (dict, list)) else str(value)


def error_fields(data: Mapping[str, t.Any]) -> tuple[str | None, str | None, str | None]:
    """(code, message, request id) of a Huawei error body in any of the shapes services, gateways and IAM use."""
    nested = data.get("error")
    inner = nested if isinstance(nested, Mapping) else {}
    found: list[str | None] = []
    for keys in (_CODE_KEYS, _MESSAGE_KEYS, _REQUEST_ID_KEYS):
        values = [_text(body.get(key)) for body in (inner, data) for key in keys]
        found.append(next((value for value in values if value is not None), None))
    return found[0], found[1], found[2]


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

    def project_id(self) -> str:
        """The configured project id, or the one IAM names for the region (looked up once per config)."""
        config = self.config
        if config.project_id:
            return config.project_id
        discovered = config.discovered
        with discovered.lock:
            if discovered.project_id is None:
                discovered.project_id = self._discover_project()
            return discovered.project_id

    def url_for(self, path: str) -> str:
        if not path.startswith("/"):
            raise ValueError("path must start with '/': %r" % path)
        if PROJECT_ID_PLACEHOLDER in path:
            path = path.replace(PROJECT_ID_PLACEHOLDER, quote(self.project_id(), safe=""))
        return self.base_url + path

    def _request(self, url: str, query: Mapping[str, t.Any], project_id: str | None) -> tuple[str, dict[str, str]]:
        """The URL to send (with the canonical query string) and every header, authentication included."""
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
        config = self.config
        if config.auth_token:
            headers["X-Auth-Token"] = config.auth_token
            if project_id:
                headers["X-Project-Id"] = project_id
            query_text = canonical_query(query)
            return (url + "?" + query_text if query_text else url), headers
        signed = sign_request(
            "GET", url, query, headers, b"", config.access_key or "", config.secret_key or "",
            sdk_date=format_sdk_date(self.utcnow()),
            security_token=config.security_token,
            project_id=project_id,
        )
        # Masked before it is sent, so an error text quoting the signature does not show it.
        self.redactor.add_signatures(signed.headers["Authorization"])
        return signed.url, signed.headers

    def get(self, operation: str, path: str, query: Mapping[str, t.Any] | None = None) -> dict[str, t.Any]:
        """GET ``path`` (a template, see the class) and return the decoded JSON object."""
        url = self.url_for(path)
        context = RequestContext(CLOUD, operation, self.redactor, REQUEST_ID_HEADER, self.service.upper(), error_hint, notices=self.notices)
        return self._send(context, url, query or {}, self.project_id())

    def _send(self, context: RequestContext, url: str, query: Mapping[str, t.Any], project_id: str | None) -> dict[str, t.Any]:
        def attempt() -> dict[str, t.Any]:
            request_url, headers = self._request(url, query, project_id)
            response = context.send(self.transport, "GET", request_url, headers, time_limit=self.retry_policy.request_time())
            if 200 <= response.status < 300:
                return context.json_object(response)
            raise self._http_error(context, response)

        return self.retry_policy.run(attempt)

    def _discover_project(self) -> str:
        """IAM ``GET /v3/projects?name=<region>``, signed without a project: the id of the one project named so."""
        config = self.config
        region = config.region or ""
        context = RequestContext(CLOUD, IAM_OPERATION, self.redactor, IAM_REQUEST_ID_HEADER, "IAM", error_hint, notices=self.notices)
        body = self._send(context, config.iam_url() + IAM_PROJECTS_PATH, {"name": region}, None)
        projects = body.get("projects")
        if not isinstance(projects, list):
            raise context.error("IAM answered without a projects list")
        # The name filter is exact on the real service; checked again so that a looser one cannot pick a sub-project.
        ids = [str(project.get("id")) for project in projects
               if isinstance(project, Mapping) and project.get("name") == region and _text(project.get("id"))]
        if not ids:
            raise ParameterError("project_id", "is not set and IAM (%s) knows no project named %r: check region, or set project_id"
                                 % (config.iam_url(), region))
        if len(ids) > 1:
            raise ParameterError("project_id", "is not set and IAM (%s) has %d projects named %r (%s): set project_id to one of them"
                                 % (config.iam_url(), len(ids), region, ", ".join(ids)))
        return ids[0]

    @staticmethod
    def _http_error(context: RequestContext, response: HttpResponse) -> ApiError:
        failure = "HTTP %d with %%s" % response.status
        data = context.json_object(response, failure=failure)
        code, message, body_request_id = error_fields(data)
        if message is None:
            message = failure % ("error code %s" % code if code else "no error message")
        return context.error(message, response, code=code, request_id=body_request_id or response.headers.get(REQUEST_ID_HEADER))
