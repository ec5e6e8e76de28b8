# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
import warnings
import zlib
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
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import drip


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
        if self.path.startswith("/drip"):
            self._drip(self.path.startswith("/drip-headers"))
            return
        encoded = ENCODED.get(self.path.split("?")[0])
        if encoded is not None:
            encoding, body = encoded
            self.send_response(200)
            if encoding:
                self.send_header("Content-Encoding", encoding)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if self.path.startswith("/chunked-big"):
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for dummy in range(64):
                self.wfile.write(b"400\r\n" + b" " * 1024 + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
            return
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b'{"ok": true}'
        if self.path.startswith("/declared-big"):
            body = b" " * 4096
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Request-Id", "req-1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _drip(self, headers):
        """A byte every 0.05 s, for at most 5 s: in the body, or in the status line and headers themselves."""
        if headers:
            data = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"y" * 200 + b"\r\n"
        else:
            data = b" " * 200
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
        drip(self.wfile, data, 0.05, 5)
        self.close_connection = True


SMALL_CAP = 16 * 1024  # the transports below read at most this much of one answer
BOMB = gzip.compress(b" " * (SMALL_CAP * 64))
ENCODED = {
    "/gzip": ("gzip", gzip.compress(b'{"ok": "gzip"}')),
    "/x-gzip": ("x-gzip", gzip.compress(b'{"ok": "x-gzip"}')),
    "/deflate": ("deflate", zlib.compress(b'{"ok": "deflate"}')),
    "/raw-deflate": ("deflate", zlib.compress(b'{"ok": "raw deflate"}')[2:-4]),
    "/gzip-gzip": ("gzip, gzip", gzip.compress(gzip.compress(b'{"ok": "twice"}'))),
    "/identity": ("identity", b'{"ok": "identity"}'),
    "/gzip-members": ("gzip", gzip.compress(b'{"ok":') + gzip.compress(b' "two members"}')),
    "/bomb": ("gzip", BOMB),
    "/bomb-twice": ("gzip, gzip", gzip.compress(BOMB)),
    "/br": ("br", b"\x0b\x02\x80{}\x03"),
    "/three-layers": ("gzip, gzip, gzip, gzip", gzip.compress(gzip.compress(gzip.compress(gzip.compress(b"{}"))))),
    "/not-gzip": ("gzip", b"this is not gzip at all"),
    "/short-gzip": ("gzip", gzip.compress(b'{"ok": true}' * 100)[:-30]),
    "/big": ("", b" " * (SMALL_CAP + 1)),
    "/exact": ("", b" " * SMALL_CAP),
}


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


@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_a_dripping_answer_is_cut_off_at_the_timeout(server, path):
    httpd, base = server
    started = time.monotonic()
    with pytest.raises(TransportError) as caught:
        transport(timeout=0.5).send("GET", base + path, {})
    # Each byte comes well within the socket timeout: only the whole-request deadline ends it.
    assert time.monotonic() - started < 3
    assert caught.value.kind == "timeout"
    assert "no complete answer within 0.5 s" in str(caught.value)


def test_time_limit_shortens_the_timeout(server):
    httpd, base = server
    started = time.monotonic()
    with pytest.raises(TransportError) as caught:
        transport(timeout=30).send("GET", base + "/drip", {}, time_limit=0.4)
    assert time.monotonic() - started < 3
    assert "no complete answer within 0.4 s (the time left before the deadline)" in str(caught.value)


@pytest.mark.parametrize("time_limit", [0.0, -5.0])
def test_no_time_left_sends_nothing(server, time_limit):
    httpd, base = server
    with pytest.raises(TransportError) as caught:
        transport().send("GET", base + "/", {}, time_limit=time_limit)
    assert caught.value.kind == "timeout" and "no time left before the deadline" in str(caught.value)
    assert httpd.seen == []


def test_a_deadline_never_cuts_a_connection_back_in_the_pool(server):
    httpd, base = server
    # 1 s: long enough for a local answer on a loaded machine (0.3 s was not, once, beside a full test run)
    with transport(timeout=1.0) as client:
        for dummy in range(3):
            assert client.send("GET", base + "/", {}).status == 200
        time.sleep(1.2)  # every watch would have fired by now
        assert client.send("GET", base + "/", {}).body == b'{"ok": true}'
    assert len(httpd.connections) == 1


@pytest.mark.parametrize("path, body", [
    ("/gzip", b'{"ok": "gzip"}'),
    ("/x-gzip", b'{"ok": "x-gzip"}'),
    ("/deflate", b'{"ok": "deflate"}'),
    ("/raw-deflate", b'{"ok": "raw deflate"}'),
    ("/gzip-gzip", b'{"ok": "twice"}'),
    ("/identity", b'{"ok": "identity"}'),
    ("/gzip-members", b'{"ok": "two members"}'),
    ("/exact", b" " * SMALL_CAP),
])
def test_encoded_bodies_are_decoded(server, path, body):
    httpd, base = server
    assert transport(max_body_bytes=SMALL_CAP).send("GET", base + path, {}).body == body
    assert httpd.seen[-1][2]["Accept-Encoding"] == "gzip, deflate"


@pytest.mark.parametrize("path, words, truncated", [
    ("/bomb", "an answer that decodes (gzip) to more than 16384 bytes (the most one answer may have)", False),
    ("/bomb-twice", "an answer that decodes (gzip) to more than 16384 bytes", False),
    ("/big", "an answer of 16385 bytes, more than 16384 bytes", False),
    ("/declared-big", "an answer of 4096 bytes, more than 1024 bytes", False),
    ("/chunked-big", "an answer larger than 16384 bytes", False),
    ("/br", "Content-Encoding br, which was not asked for and cannot be decoded", False),
    ("/three-layers", "4 stacked Content-Encodings (gzip, gzip, gzip, gzip)", False),
    ("/not-gzip", "gzip body that does not decode", False),
    ("/short-gzip", "gzip body cut short", True),
])
def test_bodies_over_the_cap_or_undecodable_are_rejected(server, path, words, truncated):
    httpd, base = server
    cap = 1024 if path == "/declared-big" else SMALL_CAP
    with pytest.raises(_transport.BodyRejected) as caught:
        transport(max_body_bytes=cap).send("GET", base + path, {})
    assert words in caught.value.description
    assert caught.value.truncated is truncated
    assert caught.value.response.status == 200 and caught.value.response.body == b""


def test_the_default_cap_is_32_mib():
    assert _transport.MAX_BODY_BYTES == 32 * 1024 * 1024
    assert transport().max_body_bytes == _transport.MAX_BODY_BYTES


def test_netrc_is_never_used(server, tmp_path, monkeypatch):
    httpd, base = server
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password hunter2\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".netrc").write_text(netrc.read_text())
    with transport() as client:
        client.send("GET", base + "/", {})
        client.send("POST", base + "/", {"Authorization": "SDK-HMAC-SHA256 Access=AK, Signature=abc"}, b"x=1")
    assert "Authorization" not in httpd.seen[0][2]
    assert httpd.seen[1][2]["Authorization"] == "SDK-HMAC-SHA256 Access=AK, Signature=abc"


def test_proxy_variables_are_honoured(server, monkeypatch):
    httpd, base = server
    monkeypatch.setenv("HTTP_PROXY", base)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with transport() as client:
        assert client.send("GET", "http://api.example.invalid/path?q=1", {}).status == 200
    # The proxy receives the absolute URL.
    assert httpd.seen[-1][1] == "http://api.example.invalid/path?q=1"
    monkeypatch.setenv("NO_PROXY", "api.example.invalid")
    with pytest.raises(TransportError) as caught:
        transport().send("GET", "http://api.example.invalid/path", {})
    assert caught.value.kind == "connect"  # straight to the host, which does not resolve


def test_insecure_request_warning_is_silenced_per_host():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        _transport._quiet_insecure_warning("https://quiet.example:8443/x")
        warnings.warn("Unverified HTTPS request is being made to host 'quiet.example'. Adding ...", _transport.InsecureRequestWarning)
        warnings.warn("Unverified HTTPS request is being made to host 'other.example'. Adding ...", _transport.InsecureRequestWarning)
    assert [str(warning.message).split("'")[1] for warning in caught] == ["other.example"]


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
