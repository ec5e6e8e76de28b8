# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""HTTP transport on ``requests``: send bytes, return status, headers and bytes (``_response.py`` reads them)."""

from __future__ import annotations

import re
import traceback
import typing as t
from collections.abc import Iterable, Iterator, Mapping

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import TransportError
from ansible_collections.dbtasks.cloud.plugins.module_utils._redact import Redactor

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import ProtocolError
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR: str | None = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

# Modules run on managed hosts, where galaxy.yml is not there to read: this moves with galaxy.yml's
# version by hand, and tests/functional/meta/test_collection_metadata.py fails while the two differ.
COLLECTION_VERSION = "0.1.0"
USER_AGENT = "dbtasks.cloud/%s" % COLLECTION_VERSION
# Enough pooled connections for a handful of concurrent page fetches per host.
POOL_SIZE = 10


class CaseInsensitiveHeaders(Mapping[str, str]):
    """Read-only header mapping; lookups ignore case, iteration keeps the original names."""

    def __init__(self, headers: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        items = headers.items() if isinstance(headers, Mapping) else headers
        self._items = {str(name).lower(): (str(name), str(value)) for name, value in items}

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __iter__(self) -> Iterator[str]:
        return (original for original, dummy in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return "CaseInsensitiveHeaders(%r)" % dict(self.items())


class HttpResponse:
    """What the clients need from a response: status, headers, raw body."""

    def __init__(self, status: int, headers: Mapping[str, str] | None = None, body: bytes = b"") -> None:
        self.status = int(status)
        self.headers = CaseInsensitiveHeaders(headers or {})
        self.body = body or b""

    def __repr__(self) -> str:
        return "HttpResponse(%d, %d bytes)" % (self.status, len(self.body))


class Transport(t.Protocol):
    """What the clients send requests through: ``RequestsTransport``, or a fake in the tests."""

    def send(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None = None) -> HttpResponse:
        raise NotImplementedError


def _root_cause(exc: BaseException) -> str:
    """The innermost readable reason of a requests/urllib3 exception chain."""
    reason: t.Any = exc
    seen = 0
    while seen < 5:
        seen += 1
        inner = getattr(reason, "reason", None)
        if inner is None and getattr(reason, "args", None) and isinstance(reason.args[0], BaseException):
            inner = reason.args[0]
        if not isinstance(inner, BaseException):
            break
        reason = inner
    text = str(reason) or type(reason).__name__
    # urllib3 prefixes reasons with the repr of the connection object
    return re.sub(r"^<[^>]*>:\s*", "", text)


def _error_kind(exc: BaseException) -> str:
    if isinstance(exc, requests.exceptions.SSLError):
        return "tls"
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "connect"
    if isinstance(exc, requests.exceptions.Timeout):
        return "timeout"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "reset"
    if isinstance(exc, requests.exceptions.ConnectionError):
        # A connection dropped after the request was sent, not a refused one.
        if exc.args and isinstance(exc.args[0], ProtocolError):
            return "reset"
        return "connect"
    return "other"


_KIND_TEXT = {
    "connect": "cannot connect to",
    "timeout": "timed out waiting for",
    "tls": "TLS handshake or certificate verification failed for",
    "reset": "connection was reset by",
    "other": "request failed for",
}


class RequestsTransport:
    """One ``requests.Session`` per module run: polling and page fetches reuse connections.

    Safe to share between a few threads; proxies come from the standard
    environment variables (requests' ``trust_env``).
    """

    def __init__(
        self,
        validate_certs: bool,
        ca_bundle: str | None,
        connect_timeout: float,
        read_timeout: float,
        redactor: Redactor | None = None,
    ) -> None:
        if not HAS_REQUESTS:
            raise RuntimeError("the requests library is required")
        self.timeout = (connect_timeout, read_timeout)
        self._redactor = redactor or Redactor()
        # Passed on every request: requests lets REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE override session.verify,
        # which would silently ignore an explicit ca_bundle or validate_certs=false.
        self.verify: bool | str = ca_bundle or validate_certs
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=POOL_SIZE, max_retries=0)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)

    def send(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None = None) -> HttpResponse:
        try:
            response = self.session.request(
                method, url, headers=dict(headers), data=body, timeout=self.timeout, allow_redirects=False, verify=self.verify
            )
            content = response.content
        except requests.exceptions.RequestException as exc:
            kind = _error_kind(exc)
            message = "%s %s: %s" % (_KIND_TEXT[kind], url.split("?", 1)[0], _root_cause(exc))
            raise TransportError(kind, self._redactor.text(message)) from None
        return HttpResponse(response.status_code, response.headers, content)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> RequestsTransport:
        return self

    def __exit__(self, *exc_info: t.Any) -> None:
        self.close()
