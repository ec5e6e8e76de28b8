# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""HTTP transport on ``requests``: send bytes, return status, headers and bytes (``_response.py`` reads them).

Every request has a wall-clock deadline (``timeout``, or less when the caller has less time left) that covers
connecting, the headers and the whole body, and every answer a size cap (``MAX_BODY_BYTES``, after decoding).
``docs/troubleshooting.md`` describes both for users.
"""

from __future__ import annotations

import functools
import re
import socket
import threading
import traceback
import typing as t
import warnings
from collections.abc import Iterable, Iterator, Mapping
from urllib.parse import urlsplit

from ansible_collections.dbtasks.cloud.plugins.module_utils._body import (
    ACCEPT_ENCODING,
    MAX_BODY_BYTES,
    TooLarge,
    Undecodable,
    content_encodings,
    decode_body,
    size_text,
)
from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import TransportError
from ansible_collections.dbtasks.cloud.plugins.module_utils._redact import Redactor

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import InsecureRequestWarning, ProtocolError, ReadTimeoutError
    from urllib3.exceptions import SSLError as Urllib3SSLError
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
_CHUNK = 64 * 1024


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
    """What the clients need from a response: status, headers, body (decoded, at most ``MAX_BODY_BYTES``)."""

    def __init__(self, status: int, headers: Mapping[str, str] | None = None, body: bytes = b"") -> None:
        self.status = int(status)
        self.headers = CaseInsensitiveHeaders(headers or {})
        self.body = body or b""

    def __repr__(self) -> str:
        return "HttpResponse(%d, %d bytes)" % (self.status, len(self.body))


class Transport(t.Protocol):
    """What the clients send requests through: ``RequestsTransport``, or a fake in the tests."""

    def send(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None = None,
             time_limit: float | None = None) -> HttpResponse:
        """Send one request; ``time_limit`` (seconds) shortens the transport's own timeout for this request."""
        raise NotImplementedError


class BodyRejected(Exception):
    """An answer arrived but its body is not read: larger than ``MAX_BODY_BYTES``, or an encoding that cannot be decoded.

    ``response`` holds the status and headers (no body); ``truncated`` marks a compressed body cut short,
    a glitch on the way like truncated JSON.
    """

    def __init__(self, response: HttpResponse, description: str, truncated: bool = False) -> None:
        super().__init__(description)
        self.response = response
        self.description = description
        self.truncated = truncated


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


def _seconds(value: float) -> str:
    return "%g" % round(value, 2)


class _Watch:
    """Shuts down the socket of one request at its deadline, so no server can hold a request longer.

    Socket timeouts bound each read, not the request: a server sending a byte now and then would keep
    a request alive for ever. The connection is attached by ``_WatchedPool`` when urllib3 uses it.
    """

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._connection: t.Any = None
        self._lock = threading.Lock()
        self._done = False
        self._timer = threading.Timer(max(0.0, seconds), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def attach(self, connection: t.Any) -> None:
        with self._lock:
            self._connection = connection
            fire_now = self.fired
        if fire_now:
            self._shut_down(connection)

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.fired = True
            connection = self._connection
        if connection is not None:
            self._shut_down(connection)

    @staticmethod
    def _shut_down(connection: t.Any) -> None:
        sock = getattr(connection, "sock", None)
        if sock is None:
            return
        try:
            # The plain socket's shutdown: ssl.SSLSocket.shutdown would also unhook its TLS state
            # under the reading thread. A shutdown ends a blocked recv at once; a close would not.
            if isinstance(sock, socket.socket):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            else:
                sock.shutdown(socket.SHUT_RDWR)
        except (OSError, ValueError):
            pass

    def cancel(self) -> None:
        with self._lock:
            self._done = True
        self._timer.cancel()


_WATCH = threading.local()


class _WatchedPool:
    """Mixed into urllib3's pool classes: hands each request's connection to the sending thread's ``_Watch``."""

    def _make_request(self, conn: t.Any, *args: t.Any, **kwargs: t.Any) -> t.Any:
        watch = getattr(_WATCH, "current", None)
        if watch is not None:
            watch.attach(conn)
        return super()._make_request(conn, *args, **kwargs)  # type: ignore[misc]


_WATCHED_CLASSES: dict[type, type] = {}


def _watch_pools(manager: t.Any) -> t.Any:
    """Make ``manager`` (a urllib3 PoolManager or ProxyManager) build watched pools."""
    classes = {}
    for scheme, pool_class in manager.pool_classes_by_scheme.items():
        if not issubclass(pool_class, _WatchedPool):
            if pool_class not in _WATCHED_CLASSES:
                _WATCHED_CLASSES[pool_class] = type("Watched" + pool_class.__name__, (_WatchedPool, pool_class), {})
            pool_class = _WATCHED_CLASSES[pool_class]
        classes[scheme] = pool_class
    # A new dict: the default one is shared by every PoolManager in the process.
    manager.pool_classes_by_scheme = classes
    return manager


@functools.lru_cache(maxsize=None)
def _adapter_class() -> t.Any:
    class WatchedAdapter(HTTPAdapter):
        """An ``HTTPAdapter`` whose connection pools let ``_Watch`` reach the socket of each request."""

        def init_poolmanager(self, *args: t.Any, **kwargs: t.Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            _watch_pools(self.poolmanager)

        def proxy_manager_for(self, proxy: str, **proxy_kwargs: t.Any) -> t.Any:
            return _watch_pools(super().proxy_manager_for(proxy, **proxy_kwargs))

    return WatchedAdapter


def _no_netrc_auth(request: t.Any) -> t.Any:
    """Set as the session's auth, so requests never looks up ~/.netrc (or $NETRC) for a host.

    A netrc entry for the API host would otherwise replace a signed ``Authorization`` header with Basic
    auth. Unlike ``trust_env = False`` this keeps the proxy and CA bundle environment variables working.
    """
    return request


_QUIET_HOSTS: set[str] = set()
_QUIET_LOCK = threading.Lock()


def _quiet_insecure_warning(url: str) -> None:
    """Silence urllib3's InsecureRequestWarning for ``url``'s host: validate_certs=false gets one Ansible warning instead."""
    host = urlsplit(url).hostname or ""
    with _QUIET_LOCK:
        if host in _QUIET_HOSTS:
            return
        _QUIET_HOSTS.add(host)
        warnings.filterwarnings("ignore", message="Unverified HTTPS request is being made to host '%s'" % re.escape(host),
                                category=InsecureRequestWarning)


def _read_chunk(raw: t.Any) -> bytes:
    """The next bytes of a streamed body, as they came (no decoding); urllib3's errors as the requests errors ``_error_kind`` knows."""
    try:
        chunk: bytes = raw.read(_CHUNK, decode_content=False)
    except ReadTimeoutError as exc:
        raise requests.exceptions.ReadTimeout(exc) from None
    except Urllib3SSLError as exc:
        raise requests.exceptions.SSLError(exc) from None
    except (ProtocolError, OSError) as exc:
        raise requests.exceptions.ChunkedEncodingError(exc) from None
    return chunk


class RequestsTransport:
    """One ``requests.Session`` per module run: polling and page fetches reuse connections.

    Safe to share between a few threads. Proxies and CA bundles come from the standard environment
    variables (``HTTPS_PROXY``, ``NO_PROXY``, ``REQUESTS_CA_BUNDLE``...); ``~/.netrc`` is never read.
    ``timeout`` bounds each request from connecting to the last byte of the body.
    """

    def __init__(
        self,
        validate_certs: bool,
        ca_bundle: str | None,
        connect_timeout: float,
        timeout: float,
        redactor: Redactor | None = None,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        if not HAS_REQUESTS:
            raise RuntimeError("the requests library is required")
        self.connect_timeout = connect_timeout
        self.timeout = timeout
        self.max_body_bytes = max_body_bytes
        self._redactor = redactor or Redactor()
        # Passed on every request: requests lets REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE override session.verify,
        # which would silently ignore an explicit ca_bundle or validate_certs=false.
        self.verify: bool | str = ca_bundle or validate_certs
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept-Encoding"] = ACCEPT_ENCODING
        self.session.auth = _no_netrc_auth
        adapter = _adapter_class()(pool_connections=4, pool_maxsize=POOL_SIZE, max_retries=0)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)

    def send(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None = None,
             time_limit: float | None = None) -> HttpResponse:
        allowed = self.timeout if time_limit is None else min(self.timeout, time_limit)
        shown_url = url.split("?", 1)[0]
        if allowed <= 0:
            raise TransportError("timeout", self._redactor.text("%s %s: no time left before the deadline" % (_KIND_TEXT["timeout"], shown_url)))
        if self.verify is False:
            _quiet_insecure_warning(url)
        watch = _Watch(allowed)
        _WATCH.current = watch
        try:
            answer = self._exchange(method, url, headers, body, allowed, watch)
        except requests.exceptions.RequestException as exc:
            kind = "timeout" if watch.fired else _error_kind(exc)
            raise self._error(kind, shown_url, _root_cause(exc), watch, allowed) from None
        finally:
            watch.cancel()
            _WATCH.current = None
        if answer is None:
            raise self._error("timeout", shown_url, "", watch, allowed)
        if isinstance(answer, BodyRejected):
            raise answer
        return answer

    def _error(self, kind: str, url: str, cause: str, watch: _Watch, allowed: float) -> TransportError:
        if watch.fired:
            cause = "no complete answer within %s s" % _seconds(allowed)
            if allowed < self.timeout:
                cause += " (the time left before the deadline)"
        return TransportError(kind, self._redactor.text("%s %s: %s" % (_KIND_TEXT[kind], url, cause)))

    def _exchange(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None, allowed: float,
                  watch: _Watch) -> HttpResponse | BodyRejected | None:
        response = self.session.request(method, url, headers=dict(headers), data=body, allow_redirects=False, verify=self.verify,
                                        timeout=(min(self.connect_timeout, allowed), allowed), stream=True)
        try:
            answer = self._read(response, watch)
            if isinstance(answer, HttpResponse):
                # Complete: the connection goes back to the pool, out of the watch's reach first.
                watch.cancel()
                response.raw.release_conn()
            return answer
        finally:
            response.close()  # a connection left mid-body is closed, never reused

    def _read(self, response: t.Any, watch: _Watch) -> HttpResponse | BodyRejected | None:
        """The answer with its body decoded; a ``BodyRejected`` for a body that cannot be used; None when the deadline cut it."""
        head = HttpResponse(response.status_code, response.headers)
        limit = self.max_body_bytes
        declared = (response.headers.get("Content-Length") or "").strip()
        if declared.isdigit() and int(declared) > limit:
            return BodyRejected(head, "an answer of %s bytes, more than %s (the most one answer may have)" % (declared, size_text(limit)))
        parts: list[bytes] = []
        size = 0
        while not watch.fired:
            chunk = _read_chunk(response.raw)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                return BodyRejected(head, "an answer larger than %s (the most one answer may have)" % size_text(limit))
            parts.append(chunk)
        if watch.fired:  # an answer without Content-Length ends at the shutdown as if complete
            return None
        try:
            content = decode_body(b"".join(parts), content_encodings(response.headers.get("Content-Encoding")), limit)
        except TooLarge as err:
            return BodyRejected(head, "an answer that %s (the most one answer may have)" % err.description)
        except Undecodable as err:
            return BodyRejected(head, "a %s" % err.description, truncated=err.truncated)
        return HttpResponse(response.status_code, response.headers, content)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> RequestsTransport:
        return self

    def __exit__(self, *exc_info: t.Any) -> None:
        self.close()
