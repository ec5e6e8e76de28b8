# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A hostile API server for the reliability suite (``tests.functional.reliability.hostile``).

A stdlib ``ThreadingHTTPServer`` on 127.0.0.1 (port 0) that answers the three providers' routes the way a
broken or malicious API might: ``HostileServer(case, **options)``. It speaks just enough of each API to be
believed: UCloud is any POST (form body with ``Action``), RDS is ``GET .../tasklist``, DDS ``GET .../jobs``
(``?id=`` reads one job). It never checks credentials. Every loop in it is bounded, and it stops by itself
after ``lifetime`` seconds if a test forgets to.

Cases (``CASES``):

- ``ok``: a well-formed listing of ``tasks`` finished tasks (the reference, and for netrc and proxy tests);
- ``drip``: the headers promise a body, then one byte every ``drip_interval`` seconds for ``drip_for`` seconds;
  ``drip_headers``: the status line and headers themselves, byte by byte;
- ``gzip_bomb``: ``Content-Encoding: gzip`` over a body that inflates to ``bomb_mib`` MiB;
  ``gzip_gzip``: the same compressed twice, ``Content-Encoding: gzip, gzip``;
- ``oversized``: pages that ignore ``limit`` (``items_per_page`` items, ``item_bytes`` each, starting at the
  requested offset, up to ``claimed_total`` items in all) and claim ``total_count`` (``claimed_total``);
- ``echo_signature``: an authentication error whose message quotes the request's signature
  (``signatures`` keeps every one received);
- ``deep_json``: an answer nested ``depth`` levels deep;
- ``nan``: a listing whose tasks carry ``NaN``, ``Infinity`` and ``-Infinity``.

``requests`` keeps (method, target, headers, body) of the last ``KEEP`` requests; ``proxied`` counts requests
that arrived in proxy form (an absolute URL as the target).
"""

from __future__ import annotations

import gzip
import json
import re
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import drip

CASES = ('ok', 'drip', 'drip_headers', 'gzip_bomb', 'gzip_gzip', 'oversized', 'echo_signature', 'deep_json', 'nan')
KEEP = 200
DEFAULTS: dict[str, Any] = {
    'tasks': 3,
    'drip_interval': 0.2,
    'drip_for': 60.0,
    'bomb_mib': 256,
    'items_per_page': 10000,
    'item_bytes': 200,
    'claimed_total': 1000000,
    'depth': 5000,
    'lifetime': 600.0,
}
_HUAWEI_SIGNATURE = re.compile(r'Signature=([0-9a-fA-F]+)')
_BOMBS: dict[tuple[int, int], bytes] = {}
_BOMB_LOCK = threading.Lock()


def compressed_bomb(mib: int, layers: int) -> bytes:
    """A JSON object start, then ``mib`` MiB of spaces, gzip-compressed ``layers`` times (cached per process)."""
    with _BOMB_LOCK:
        if (mib, layers) not in _BOMBS:
            compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: a gzip header and trailer
            parts = [compressor.compress(b'{"RetCode": 0, "tasks": [], "jobs": [], "Data": [], "x": "')]
            spaces = b' ' * (1024 * 1024)
            parts.extend(compressor.compress(spaces) for dummy in range(mib))
            parts.append(compressor.flush())
            body = b''.join(parts)
            for dummy in range(layers - 1):
                body = gzip.compress(body, 9)
            _BOMBS[(mib, layers)] = body
        return _BOMBS[(mib, layers)]


class _Request:
    """What the handler understood of a request: which API, which operation, offset and limit."""

    def __init__(self, method: str, target: str, headers: Any, body: bytes) -> None:
        parts = urlsplit(target)
        self.path = parts.path
        self.proxied = bool(parts.scheme)
        if method == 'POST':
            form = {key: values[0] for key, values in parse_qs(body.decode('utf-8', 'replace')).items()}
            self.api = 'ucloud'
            self.operation = form.get('Action', '')
            self.signature = form.get('Signature', '')
            self.offset, self.limit = int(form.get('Offset') or 0), int(form.get('Limit') or 10)
            self.one = self.operation == 'GetUDTSTaskStatus'
        else:
            query = {key: values[0] for key, values in parse_qs(parts.query).items()}
            self.api = 'rds' if self.path.endswith('/tasklist') else 'dds'
            self.operation = 'ShowJob' if 'id' in query else ('ListTasks' if self.api == 'rds' else 'ListJobs')
            match = _HUAWEI_SIGNATURE.search(headers.get('Authorization') or '')
            self.signature = match.group(1) if match else ''
            self.offset, self.limit = int(query.get('offset') or 0), int(query.get('limit') or 10)
            self.one = 'id' in query


def _task(api: str, index: int, padding: int = 0, **fields: Any) -> dict[str, Any]:
    if api == 'ucloud':
        task = {'TaskId': 'udts-hostile-%06d' % index, 'Name': 'hostile %d' % index, 'Status': 'Done',
                'CreateTime': 1767225600 + index, 'Progress': {'Percentage': 100}}
    else:
        task = {'id': 'ba%030d' % index, 'name': 'hostile %d' % index, 'status': 'Completed',
                'created': '2026-01-01T00:00:00+0000', 'ended': '2026-01-01T00:10:00+0000', 'process': '100%'}
    if padding:
        task['padding'] = 'x' * padding
    task.update(fields)
    return task


def _listing(request: _Request, tasks: list[dict[str, Any]], total: int) -> dict[str, Any]:
    if request.api == 'ucloud':
        if request.one:
            return {'RetCode': 0, 'Action': request.operation + 'Response', 'Data': tasks[0] if tasks else {}}
        return {'RetCode': 0, 'Action': request.operation + 'Response', 'Data': tasks, 'TotalCount': total}
    if request.one:
        return {'job': tasks[0] if tasks else {}}
    return {'tasks' if request.api == 'rds' else 'jobs': tasks, 'total_count': total}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server: HostileServer

    def log_message(self, *args: Any) -> None:  # quiet test output
        pass

    def do_GET(self) -> None:  # noqa: N802  (http.server's naming)
        self._answer()

    def do_POST(self) -> None:  # noqa: N802
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        request = _Request(self.command, self.path, self.headers, body)
        self.server.record(self.command, self.path, dict(self.headers), body, request)
        getattr(self, '_case_' + self.server.case)(request)

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.send_header('X-Request-Id', 'hostile-%d' % self.server.count)
        self.send_header('X-UCLOUD-REQUEST-UUID', 'hostile-%d' % self.server.count)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, payload: Any, status: int = 200) -> None:
        # allow_nan: the nan case sends what strict JSON forbids on purpose.
        self._send(status, json.dumps(payload, allow_nan=True).encode('utf-8'))

    def _case_ok(self, request: _Request) -> None:
        count = self.server.options['tasks']
        tasks = [_task(request.api, index) for index in range(request.offset, min(count, request.offset + request.limit))]
        self._json(_listing(request, tasks[:1] if request.one else tasks, count))

    def _drip(self, data: bytes) -> None:
        options = self.server.options
        drip(self.wfile, data, options['drip_interval'], options['drip_for'], self.server.stopping)
        self.close_connection = True

    def _case_drip(self, request: _Request) -> None:
        body = json.dumps(_listing(request, [_task(request.api, 0)], 1)).encode('utf-8') + b' ' * 100000
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self._drip(body)

    def _case_drip_headers(self, request: _Request) -> None:
        head = b'HTTP/1.1 200 OK\r\n' + b''.join(b'X-Drip-%d: %s\r\n' % (index, b'y' * 60) for index in range(90))
        self._drip(head)

    def _bomb(self, layers: int, encoding: str) -> None:
        self._send(200, compressed_bomb(self.server.options['bomb_mib'], layers), {'Content-Encoding': encoding})

    def _case_gzip_bomb(self, request: _Request) -> None:
        self._bomb(1, 'gzip')

    def _case_gzip_gzip(self, request: _Request) -> None:
        self._bomb(2, 'gzip, gzip')

    def _case_oversized(self, request: _Request) -> None:
        options = self.server.options
        # The data set ends at the claimed total: a pager that trusts no total reads on to an empty page.
        count = max(0, min(options['items_per_page'], options['claimed_total'] - request.offset))
        tasks = [_task(request.api, request.offset + index, padding=options['item_bytes']) for index in range(count)]
        self._json(_listing(request, tasks, options['claimed_total']))

    def _case_echo_signature(self, request: _Request) -> None:
        # An error text quoting what the client sent, as a careless gateway might.
        echo = 'signature %s does not match; request was signed %s' % (request.signature, request.signature.upper())
        if request.api == 'ucloud':
            self._json({'RetCode': 171, 'Message': echo})
        else:
            self._json({'error_code': 'APIGW.0301', 'error_msg': echo + '; Authorization: %s' % self.headers.get('Authorization')}, 401)

    def _case_deep_json(self, request: _Request) -> None:
        depth = self.server.options['depth']
        self._send(200, b'{"RetCode": 0, "total_count": 1, "TotalCount": 1, "tasks": ' + b'[' * depth + b']' * depth + b'}')

    def _case_nan(self, request: _Request) -> None:
        count = self.server.options['tasks']
        tasks = [_task(request.api, index, progress_estimate=float('nan'), speed=float('inf'), lag=float('-inf'))
                 for index in range(request.offset, min(count, request.offset + request.limit))]
        self._json(_listing(request, tasks[:1] if request.one else tasks, count))


class HostileServer(ThreadingHTTPServer):
    """Start with ``HostileServer(case, **options)`` (it serves at once); stop with ``stop()`` or a ``with`` block."""

    daemon_threads = True

    def __init__(self, case: str, **options: Any) -> None:
        if case not in CASES:
            raise ValueError('unknown case %r' % case)
        unknown = set(options) - set(DEFAULTS)
        if unknown:
            raise ValueError('unknown options %s' % sorted(unknown))
        super().__init__(('127.0.0.1', 0), _Handler)
        self.case = case
        self.options = dict(DEFAULTS, **options)
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        self.signatures: list[str] = []
        self.proxied = 0
        self.count = 0
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True)
        self._thread.start()
        self._timer = threading.Timer(self.options['lifetime'], self.stop)
        self._timer.daemon = True
        self._timer.start()

    @property
    def base_url(self) -> str:
        return 'http://127.0.0.1:%d' % self.server_address[1]

    def record(self, method: str, target: str, headers: dict[str, str], body: bytes, request: _Request) -> None:
        with self._lock:
            self.count += 1
            self.proxied += request.proxied
            self.requests = (self.requests + [(method, target, headers, body)])[-KEEP:]
            if request.signature:
                self.signatures.append(request.signature)

    def stop(self) -> None:
        if not self.stopping.is_set():
            self.stopping.set()
            self._timer.cancel()
            self.shutdown()
            self.server_close()

    def __enter__(self) -> HostileServer:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()
