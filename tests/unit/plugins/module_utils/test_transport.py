# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from urllib3.exceptions import ProtocolError

from ansible_collections.dbtasks.cloud.plugins.module_utils import _transport
from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import TransportError
from ansible_collections.dbtasks.cloud.plugins.module_utils._redact import MASK, Redactor
from ansible_collections.dbtasks.cloud.plugins.module_utils._response import BodyError, decode_json_object
from ansible_collections.dbtasks.cloud.plugins.module_utils._transport import (
    USER_AGENT,
    CaseInsensitiveHeaders,
    HttpResponse,
    RequestsTransport,
)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):
        self._answer()

    def do_POST(self):
        self._answer()

    def _answer(self):
        server = self.server
        server.connections.add(id(self.connection))
        length = int(self.headers.get("Content-Length") or 0)
        server.seen.append((self.command, self.path, dict(self.headers), self.rfile.read(length)))
        if self.path.startswith("/reset"):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if self.path.startswith("/hang"):
            server.release.wait(5)
            return
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Request-Id", "req-1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.seen = []
    httpd.connections = set()
    httpd.release = threading.Event()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd, "http://127.0.0.1:%d" % httpd.server_address[1]
    httpd.release.set()
    httpd.shutdown()
    httpd.server_close()


def transport(**kwargs):
    options = dict(validate_certs=True, ca_bundle=None, connect_timeout=2.0, timeout=2.0)
    options.update(kwargs)
    return RequestsTransport(**options)


def test_send_returns_status_headers_and_body(server):
    httpd, base = server
    with transport() as client:
        response = client.send("POST", base + "/path?q=1", {"Content-Type": "application/x-www-form-urlencoded"}, b"a=1")
    assert response.status == 200
    assert response.body == b'{"ok": true}'
    assert response.headers["x-request-id"] == "req-1"
    assert response.headers["X-REQUEST-ID"] == "req-1"
    method, path, headers, body = httpd.seen[0]
    assert (method, path, body) == ("POST", "/path?q=1", b"a=1")
    assert headers["User-Agent"] == USER_AGENT


def test_one_session_reuses_the_connection(server):
    httpd, base = server
    with transport() as client:
        for dummy in range(3):
            assert client.send("GET", base + "/", {}).status == 200
    assert len(httpd.seen) == 3
    assert len(httpd.connections) == 1


def test_concurrent_sends_share_the_transport(server):
    httpd, base = server
    results = []
    with transport() as client:
        threads = [threading.Thread(target=lambda: results.append(client.send("GET", base + "/", {}).status)) for dummy in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
    assert results == [200] * 8
    assert len(httpd.connections) <= _transport.POOL_SIZE


def test_redirects_are_not_followed(server):
    httpd, base = server
    with transport() as client:
        assert client.send("GET", base + "/redirect", {}).status == 302
    assert len(httpd.seen) == 1


def test_refused_connection_is_a_connect_error():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens on this port now
    with pytest.raises(TransportError) as caught:
        transport().send("GET", "http://127.0.0.1:%d/x?Signature=abcdef" % port, {})
    assert caught.value.kind == "connect"
    assert "cannot connect to http://127.0.0.1:%d/x" % port in str(caught.value)
    assert "abcdef" not in str(caught.value)


def test_slow_server_is_a_timeout(server):
    httpd, base = server
    with pytest.raises(TransportError) as caught:
        transport(timeout=0.2).send("GET", base + "/hang", {})
    assert caught.value.kind == "timeout"


def test_dropped_connection_is_a_reset(server):
    httpd, base = server
    with pytest.raises(TransportError) as caught:
        transport().send("GET", base + "/reset", {})
    assert caught.value.kind == "reset"


def test_tls_to_a_plain_http_port_is_a_tls_error(server):
    httpd, base = server
    with pytest.raises(TransportError) as caught:
        transport().send("GET", base.replace("http://", "https://") + "/", {})
    assert caught.value.kind == "tls"


def test_transport_messages_are_redacted():
    redactor = Redactor(["topsecret"])
    with pytest.raises(TransportError) as caught:
        RequestsTransport(True, None, 1.0, 1.0, redactor=redactor).send("GET", "notaurl://topsecret/", {})
    assert caught.value.kind == "other"
    assert "topsecret" not in str(caught.value)
    assert MASK in str(caught.value)


@pytest.mark.parametrize("validate_certs, ca_bundle, expected", [
    (True, None, True),
    (False, None, False),
    (True, "/etc/ssl/ca.pem", "/etc/ssl/ca.pem"),
    (False, "/etc/ssl/ca.pem", "/etc/ssl/ca.pem"),
])
def test_certificate_verification_setting(validate_certs, ca_bundle, expected):
    client = transport(validate_certs=validate_certs, ca_bundle=ca_bundle)
    assert client.verify == expected
    sent = {}

    def request(*args, **kwargs):
        sent.update(kwargs)
        raise requests.exceptions.ConnectionError("stop here")

    client.session.request = request
    with pytest.raises(TransportError):
        client.send("GET", "https://x/", {})
    # Per request, so REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE in the environment cannot override it.
    assert sent["verify"] == expected
    assert client.session.trust_env is True  # proxies and CA bundle from the environment
    assert sent["timeout"] == (2.0, 2.0) and sent["stream"] is True  # the whole-request deadline is the transport's own
    assert client.session.get_adapter("https://x/")._pool_maxsize >= 8


@pytest.mark.parametrize("exc, kind", [
    (requests.exceptions.SSLError("bad"), "tls"),
    (requests.exceptions.ConnectTimeout("slow connect"), "connect"),
    (requests.exceptions.ReadTimeout("slow read"), "timeout"),
    (requests.exceptions.ChunkedEncodingError("broken"), "reset"),
    (requests.exceptions.ConnectionError(ProtocolError("Connection aborted.", ConnectionResetError(104, "reset"))), "reset"),
    (requests.exceptions.ConnectionError("refused"), "connect"),
    (requests.exceptions.ProxyError("proxy down"), "connect"),
    (requests.exceptions.InvalidURL("bad"), "other"),
    (requests.exceptions.TooManyRedirects("loop"), "other"),
])
def test_error_kind_mapping(exc, kind):
    assert _transport._error_kind(exc) == kind


def test_case_insensitive_headers():
    headers = CaseInsensitiveHeaders({"X-Request-Id": "a", "content-type": "b"})
    assert headers["x-request-id"] == "a" and headers.get("Content-Type") == "b"
    assert headers.get("missing") is None
    assert sorted(headers) == ["X-Request-Id", "content-type"]
    assert len(headers) == 2
    assert HttpResponse(200, [("A", "1")]).headers["a"] == "1"


@pytest.mark.parametrize("body, description", [
    (b"", "empty response body"),
    (b"  \n", "empty response body"),
    (b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>", "HTML error page (title: 502 Bad Gateway)"),
    (b"<html><body>oops</body></html>", "HTML error page"),
    (b'{"RetCode": 0, "Data": [', "truncated JSON (24 bytes)"),
    (b'{"Message": "abc', "truncated JSON (16 bytes)"),
    (b"[1, 2]", "JSON list instead of an object"),
    (b'"text"', "JSON str instead of an object"),
    (b"null", "JSON NoneType instead of an object"),
    (b"\xff\xfe\x00", "undecodable response body (3 bytes, not UTF-8)"),
    (b"not json at all", "invalid JSON: not json at all"),
])
def test_decode_json_object_describes_bad_bodies(body, description):
    with pytest.raises(BodyError) as caught:
        decode_json_object(body, Redactor())
    assert caught.value.description == description


def test_decode_json_object_redacts_what_it_quotes():
    redactor = Redactor(["hunter2"])
    with pytest.raises(BodyError) as caught:
        decode_json_object(b"error: key hunter2 rejected Signature=abc", redactor)
    assert "hunter2" not in caught.value.description and "abc" not in caught.value.description
    with pytest.raises(BodyError) as caught:
        decode_json_object(b"<html><title>bad hunter2</title></html>", redactor)
    assert "hunter2" not in caught.value.description


def test_decode_json_object_returns_the_object():
    assert decode_json_object(b'{"a": [1]}', Redactor()) == {"a": [1]}


def test_missing_requests_is_recorded_not_raised(monkeypatch):
    import importlib.util
    import sys
    monkeypatch.setitem(sys.modules, "requests", None)
    monkeypatch.setitem(sys.modules, "requests.adapters", None)
    spec = importlib.util.spec_from_file_location("transport_without_requests", _transport.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.HAS_REQUESTS is False
    assert "Traceback" in module.REQUESTS_IMPORT_ERROR and "requests" in module.REQUESTS_IMPORT_ERROR
    with pytest.raises(RuntimeError):
        module.RequestsTransport(True, None, 1.0, 1.0)
