# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Connection options of both clouds: specs shared by every module and task_wait, and their validation into config objects.

Environment variables named here are documented in the doc fragments
(``dbtasks.cloud.ucloud``, ``dbtasks.cloud.huaweicloud``, ``dbtasks.cloud.common``).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import math
import os
import re
import threading
import typing as t
from collections.abc import Mapping
from urllib.parse import urlsplit

from ansible.module_utils.basic import env_fallback

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ParameterError

DEFAULT_BASE_URL = "https://api.ucloud.cn"
EU_REGIONS = frozenset({"eu-west-101"})


@dataclasses.dataclass(frozen=True)
class UCloudConfig:
    public_key: str
    private_key: str = dataclasses.field(repr=False)
    project_id: str | None = None
    region: str | None = None
    base_url: str = DEFAULT_BASE_URL


def endpoint_for(service: str, region: str) -> str:
    """The public endpoint of ``service`` (for example ``dds``, ``iam``) in ``region``."""
    domain = "myhuaweicloud.eu" if region in EU_REGIONS else "myhuaweicloud.com"
    return "https://%s.%s.%s" % (service, region, domain)


class DiscoveredProject:
    """The project id found through IAM, shared by every client made from one config: one lookup per run or wait."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.project_id: str | None = None


@dataclasses.dataclass(frozen=True)
class HuaweiConfig:
    """Connection settings. ``endpoint`` replaces the per-service host for every service.

    ``endpoint`` and ``iam_endpoint`` may contain ``{service}`` and ``{region}`` placeholders. Without
    ``project_id`` the clients find the project of ``region`` through IAM (``discovered``).
    """

    project_id: str | None = None
    access_key: str | None = None
    secret_key: str | None = dataclasses.field(default=None, repr=False)
    security_token: str | None = dataclasses.field(default=None, repr=False)
    auth_token: str | None = dataclasses.field(default=None, repr=False)
    region: str | None = None
    endpoint: str | None = None
    iam_endpoint: str | None = None
    discovered: DiscoveredProject = dataclasses.field(default_factory=DiscoveredProject, repr=False, compare=False)

    def base_url(self, service: str) -> str:
        if self.endpoint:
            return self._fill(self.endpoint, service)
        if not self.region:
            raise ValueError("either region or endpoint is required")
        return endpoint_for(service, self.region)

    def iam_url(self) -> str:
        """Where the project id is looked up: ``iam_endpoint``, else the IAM endpoint of the region (``.eu`` included)."""
        if self.iam_endpoint:
            return self._fill(self.iam_endpoint, "iam")
        if not self.region:
            raise ValueError("a region is required to find its project")
        return endpoint_for("iam", self.region)

    def _fill(self, template: str, service: str) -> str:
        return template.replace("{service}", service).replace("{region}", self.region or "").rstrip("/")

    def secrets(self) -> tuple[str | None, ...]:
        return (self.secret_key, self.security_token, self.auth_token)


def _env(*names: str) -> tuple[t.Any, list[str]]:
    return (env_fallback, list(names))


UCLOUD_SPEC: dict[str, dict[str, t.Any]] = {
    "public_key": {"type": "str", "no_log": False, "fallback": _env("UCLOUD_PUBLIC_KEY")},
    "private_key": {"type": "str", "no_log": True, "fallback": _env("UCLOUD_PRIVATE_KEY")},
    "project_id": {"type": "str", "fallback": _env("UCLOUD_PROJECT_ID")},
    "region": {"type": "str", "fallback": _env("UCLOUD_REGION")},
    # No spec default: a profile's base_url comes before DEFAULT_BASE_URL (ucloud_config applies it last).
    "base_url": {"type": "str", "fallback": _env("UCLOUD_API_BASE_URL")},
    # UCloud CLI profiles (_profiles.py); the names are those of ucloud-sdk-go and the Terraform provider.
    "profile": {"type": "str", "fallback": _env("UCLOUD_PROFILE")},
    "shared_config_file": {"type": "path", "fallback": _env("UCLOUD_SHARED_CONFIG_FILE")},
    "shared_credentials_file": {"type": "path", "fallback": _env("UCLOUD_SHARED_CREDENTIAL_FILE")},
}

# HUAWEICLOUD_SDK_AUTH_TOKEN and HUAWEICLOUD_SDK_ENDPOINT follow the SDK's naming
# but are read by this collection only.
HUAWEI_SPEC: dict[str, dict[str, t.Any]] = {
    "access_key": {"type": "str", "no_log": False, "fallback": _env("HUAWEICLOUD_SDK_AK", "HW_ACCESS_KEY")},
    "secret_key": {"type": "str", "no_log": True, "fallback": _env("HUAWEICLOUD_SDK_SK", "HW_SECRET_KEY")},
    "security_token": {"type": "str", "no_log": True, "fallback": _env("HUAWEICLOUD_SDK_SECURITY_TOKEN", "HW_SECURITY_TOKEN")},
    "auth_token": {"type": "str", "no_log": True, "fallback": _env("HUAWEICLOUD_SDK_AUTH_TOKEN")},
    "project_id": {"type": "str", "fallback": _env("HUAWEICLOUD_SDK_PROJECT_ID", "HW_PROJECT_ID")},
    "region": {"type": "str", "fallback": _env("HW_REGION_NAME", "HUAWEICLOUD_SDK_REGION")},
    "endpoint": {"type": "str", "fallback": _env("HUAWEICLOUD_SDK_ENDPOINT")},
    "iam_endpoint": {"type": "str", "fallback": _env("HUAWEICLOUD_SDK_IAM_ENDPOINT")},
    # KooCLI profiles (_profiles.py); the names are those of the Terraform provider.
    "profile": {"type": "str", "fallback": _env("HW_PROFILE")},
    "shared_config_file": {"type": "path", "fallback": _env("HW_SHARED_CONFIG_FILE")},
}

COMMON_SPEC: dict[str, dict[str, t.Any]] = {
    "timeout": {"type": "float", "default": 30.0},
    "retries": {"type": "int", "default": 4},
    "validate_certs": {"type": "bool", "default": True},
    "ca_bundle": {"type": "path"},
}

MAX_RETRIES = 10
MAX_CONNECT_TIMEOUT = 10.0
# One request never needs minutes; a bigger value is a mistake (milliseconds for seconds) or would overflow.
MAX_TIMEOUT = 300.0
_REGION = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_USER_INFO = re.compile(r"(?<=//)[^/?#]*@")
_BLANK_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")
_NOT_PRINTABLE_ASCII = re.compile(r"[^\x21-\x7e]")
# Huawei Cloud issues 32 hex digits; any id of letters, digits, - and _ is accepted (docs/authentication.md),
# never one that would change the request path (".", "..", "/", "%", "?", "#").
_HUAWEI_PROJECT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
INSECURE_WARNING = (
    "validate_certs is false: the API's TLS certificate is not verified, so anyone on the network path can read"
    " and alter the requests and answers; give ca_bundle for a private CA instead"
)


def _required(spec: Mapping[str, t.Any], option: str, unless: str = "") -> ParameterError:
    names = spec[option].get("fallback", (None, []))[1]
    source = " or the environment variable %s" % " / ".join(names) if names else ""
    return ParameterError(option, "is required%s; set it%s" % (unless, source))


def _check_token_text(option: str, value: str | None) -> None:
    # Keys, tokens and project ids are printable ASCII as the clouds issue them. A stray newline from a file
    # or an env var would give signature errors far from the cause, and a character outside ASCII cannot
    # travel in a header at all.
    if value is None:
        return
    if _BLANK_OR_CONTROL.search(value):
        raise ParameterError(option, "must not contain whitespace or control characters")
    if _NOT_PRINTABLE_ASCII.search(value):
        raise ParameterError(option, "must be printable ASCII (letters, digits and punctuation) as the cloud issues it")


def check_url(option: str, value: str) -> None:
    """``value`` must be an absolute http(s) URL without user info, query or fragment."""
    # A password in the URL must not be echoed; requests would also send it as Basic
    # auth, replacing the Authorization header of a signed Huawei request.
    shown = _USER_INFO.sub("********@", value)
    # Even a bare "?" or "#" (which urlsplit reads as an empty query or fragment) would cut the path the
    # collection appends, or break signing.
    if "?" in value or "#" in value:
        raise ParameterError(option, "must not contain ? or #: the collection adds the API path and query itself, got %r" % shown)
    try:
        parts = urlsplit(value)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # unbalanced [ ] around an IPv6 host, a port that is not a number or out of range
        raise ParameterError(option, "must be an http:// or https:// URL with a valid host and port, got %r" % shown) from None
    if parts.username is not None or parts.password is not None:
        raise ParameterError(option, "must not contain a user name or password (user:password@); the APIs authenticate with the keys")
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok or parts.query or parts.fragment:
        raise ParameterError(option, "must be an http:// or https:// URL with a valid host and port, without query string, got %r" % shown)


def transport_settings(params: Mapping[str, t.Any]) -> dict[str, t.Any]:
    """Validate the common options; return the keyword arguments of ``RequestsTransport``."""
    timeout = params["timeout"]
    if timeout is None or not math.isfinite(timeout) or not 0 < timeout <= MAX_TIMEOUT:
        raise ParameterError("timeout", "must be a number of seconds greater than 0 and at most %g" % MAX_TIMEOUT)
    retries = params["retries"]
    if retries is None or not 0 <= retries <= MAX_RETRIES:
        raise ParameterError("retries", "must be between 0 and %d" % MAX_RETRIES)
    ca_bundle = params.get("ca_bundle")
    if ca_bundle and not params["validate_certs"]:
        raise ParameterError("ca_bundle", "cannot be combined with validate_certs=false: certificates are either verified"
                                          " (against ca_bundle) or not verified at all; remove one of the two")
    if ca_bundle and not os.path.exists(ca_bundle):
        raise ParameterError("ca_bundle", "file or directory %s does not exist" % ca_bundle)
    return {
        "validate_certs": params["validate_certs"],
        "ca_bundle": ca_bundle or None,
        "connect_timeout": min(MAX_CONNECT_TIMEOUT, timeout),
        "timeout": timeout,
    }


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def transport_warnings(params: Mapping[str, t.Any], url_option: str) -> list[str]:
    """Warnings about validated settings that weaken the transport: no certificate check, credentials in clear."""
    found = [] if params["validate_certs"] else [INSECURE_WARNING]
    url = params.get(url_option)
    if url:
        parts = urlsplit(url)
        if parts.scheme == "http" and not _is_loopback(parts.hostname or ""):
            found.append("%s %s uses plain http:// to another machine: requests, signatures and tokens travel unencrypted,"
                         " where anyone on the network path can read and replay them; use https://" % (url_option, url))
    return found


def ucloud_config(params: Mapping[str, t.Any]) -> UCloudConfig:
    for option in ("public_key", "private_key"):
        if not params.get(option):
            raise _required(UCLOUD_SPEC, option)
        _check_token_text(option, params[option])
    _check_token_text("project_id", params.get("project_id"))
    base_url = params.get("base_url") or DEFAULT_BASE_URL
    check_url("base_url", base_url)
    return UCloudConfig(
        public_key=params["public_key"],
        private_key=params["private_key"],
        project_id=params.get("project_id") or None,
        region=params.get("region") or None,
        base_url=base_url,
    )


def _check_huawei_project(params: Mapping[str, t.Any]) -> None:
    """A project id given must look like one; whether one is needed is decided with the region (it may be looked up)."""
    project_id = params.get("project_id")
    if not project_id:
        return
    _check_token_text("project_id", project_id)
    if not _HUAWEI_PROJECT_ID.match(project_id):
        raise ParameterError("project_id", "must be the project ID (32 hex digits as Huawei Cloud issues it; letters, digits, - and _,"
                                           " at most 64), got %r" % project_id)
    if project_id == params.get("region"):
        raise ParameterError("project_id", "is the project name %r; give the project ID (32 hex digits) of that region" % project_id)


def _check_huawei_auth(params: Mapping[str, t.Any]) -> None:
    for option in ("access_key", "secret_key", "security_token", "auth_token"):
        _check_token_text(option, params.get(option))
    if params.get("auth_token"):
        for option in ("access_key", "secret_key", "security_token"):
            if params.get(option):
                raise ParameterError(option, "cannot be combined with auth_token; use either auth_token or access_key and secret_key")
        return
    if not params.get("access_key") and not params.get("secret_key"):
        raise ParameterError("access_key", "access_key and secret_key, or auth_token, are required")
    for option in ("access_key", "secret_key"):
        if not params.get(option):
            raise _required(HUAWEI_SPEC, option, unless=" together with %s" % ("secret_key" if option == "access_key" else "access_key"))


def huawei_config(params: Mapping[str, t.Any]) -> HuaweiConfig:
    _check_huawei_auth(params)
    _check_huawei_project(params)
    region, endpoint = params.get("region") or None, params.get("endpoint") or None
    if region is None and endpoint is None:
        raise _required(HUAWEI_SPEC, "region", unless=" unless endpoint is set")
    if region is not None and not _REGION.match(region):
        raise ParameterError("region", "must be a region name such as cn-north-4, got %r" % region)
    if not params.get("project_id"):
        # As the official SDK does, AK/SK credentials find the project of their region through IAM.
        if params.get("auth_token"):
            raise _required(HUAWEI_SPEC, "project_id", unless=" with auth_token (only access_key and secret_key look it up)")
        if region is None:
            raise _required(HUAWEI_SPEC, "project_id", unless=" unless region is set (the project of the region is then looked up)")
    for option in ("endpoint", "iam_endpoint"):
        if params.get(option):
            check_url(option, params[option])
    return HuaweiConfig(
        project_id=params.get("project_id") or None,
        access_key=params.get("access_key") or None,
        secret_key=params.get("secret_key") or None,
        security_token=params.get("security_token") or None,
        auth_token=params.get("auth_token") or None,
        region=region,
        endpoint=endpoint,
        iam_endpoint=params.get("iam_endpoint") or None,
    )


def secret_values(spec: Mapping[str, Mapping[str, t.Any]], params: Mapping[str, t.Any]) -> list[str]:
    """The values of every ``no_log`` option, for redaction."""
    return [str(params[name]) for name, option in spec.items() if option.get("no_log") and params.get(name)]
