# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""HTTP plumbing: the threaded keep-alive server, routing, fault application, and the Emulator API."""

from __future__ import annotations

import json
import shutil
import socket
import struct
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qsl, urlsplit

from . import huawei, ucloud
from .faults import REQUEST_KINDS, FaultError, error_reply
from .model import Clock, TaskList
from .reply import Reply, Request, json_reply
from .scenario import PROVIDERS, Scenario, ScenarioError, generate_tasks, load_scenario
from .state import EmulatorState
from .tls import make_certificates, server_context

QUIET_ERRORS = (ConnectionError, TimeoutError, OSError)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    allow_reuse_address = True

    def __init__(self, address: Any, state: EmulatorState, ssl_context: Any, verbose: bool) -> None:
        self.state = state
        self.ssl_context = ssl_context
        self.verbose = verbose
        self.open: dict[int, socket.socket] = {}
        self.open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.state.stats.connection(opened=True)
        with self.open_lock:
            self.open[id(request)] = request
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.open_lock:
            known = self.open.pop(id(request), None) is not None
        if known:
            self.state.stats.connection(opened=False)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self.open_lock:
            sockets = list(self.open.values())
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], QUIET_ERRORS) or self.verbose:
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'dbtasks-emulator'
    sys_version = ''
    timeout = 120  # an idle keep-alive connection is dropped after two minutes
    disable_nagle_algorithm = True  # headers and body go out in two writes: without this, delayed ACKs cost 40 ms
    server: _Server

    def setup(self) -> None:
        if self.server.ssl_context is not None:
            raw = self.request
            raw.settimeout(self.timeout)
            self.request = self.server.ssl_context.wrap_socket(raw, server_side=True)
            with self.server.open_lock:
                if id(raw) in self.server.open:
                    self.server.open[id(raw)] = self.request
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:  # pylint: disable=redefined-builtin
        if self.server.verbose:
            super().log_message(format, *args)

    def _body(self) -> bytes:
        if 'chunked' in self.headers.get('Transfer-Encoding', '').lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b';')[0].strip() or b'0', 16)
                if size == 0:
                    while self.rfile.readline() not in (b'\r\n', b'\n', b''):
                        pass
                    return b''.join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(length) if length > 0 else b''

    def _send(self, reply: Reply, provider: str | None = None) -> None:
        self.send_response(reply.status)
        content_type = reply.content_type + ('; charset=utf-8' if reply.content_type == 'application/json' else '')
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(reply.body)))
        for name, value in reply.headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header('Connection', 'close')
        if provider == 'ucloud':
            self.send_header('X-UCLOUD-REQUEST-UUID', str(uuid.uuid4()))
        elif provider == 'huawei':
            self.send_header('X-Request-Id', uuid.uuid4().hex)
        elif provider == 'iam':
            self.send_header('X-IAM-Trace-Id', '%s_%s' % (uuid.uuid4().hex, uuid.uuid4().hex[:8]))
        self.end_headers()
        self.wfile.write(reply.body)

    def _reset(self) -> None:
        # SO_LINGER 0 makes close() send RST instead of FIN: the client sees "connection reset"
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        self.close_connection = True
        self.connection.close()

    def _dispatch(self) -> None:
        split = urlsplit(self.path)
        req = Request(method=self.command, path=split.path,
                      query=parse_qsl(split.query, keep_blank_values=True),
                      headers={name.lower(): value for name, value in self.headers.items()}, body=self._body())
        state = self.server.state
        if req.path.startswith('/_emulator/'):
            self._send(control(req, state))
            return
        provider, params = ('ucloud', ucloud.params_of(req)) if req.path == '/' else ('huawei', {})
        route = ucloud.route_of(params) if provider == 'ucloud' else huawei.route_of(req, state)
        if route == huawei.IAM_ROUTE:
            provider = 'iam'  # IAM names its request id X-IAM-Trace-Id
        state.stats.request(route or 'unrouted')
        fault = state.faults.take(route, REQUEST_KINDS) if route else None
        if fault is not None:
            state.stats.count('fault')
            if fault.kind == 'reset':
                self._reset()
                return
            if fault.kind == 'slow':
                time.sleep(fault.delay)
            elif fault.kind != 'truncated_json':
                self._send(error_reply(fault, route, params.get('Action', ''), state.scenario.options.rds_err_code_body), provider)
                return
        if provider == 'ucloud':
            reply = ucloud.handle(params, state) if req.method in ('GET', 'POST') else Reply(405, b'', headers=[('Allow', 'GET, POST')])
        else:
            reply = huawei.handle(route, req, state) if route else huawei.not_found()
        if reply.outcome != 'ok':
            state.stats.count(reply.outcome)
        if fault is not None and fault.kind == 'truncated_json':
            reply.body = reply.body[:max(1, len(reply.body) // 2)]
        self._send(reply, provider)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _dispatch


def control(req: Request, state: EmulatorState) -> Reply:
    """/_emulator/*: health, stats, reset and faults; no authentication, not counted."""
    route = (req.method, req.path.rstrip('/'))
    if route == ('GET', '/_emulator/health'):
        return json_reply(200, {'status': 'ok', 'speed': state.clock.speed, 'strict': state.scenario.options.strict,
                                'scenario_time': round(state.clock.now(), 3),
                                'started_at': state.clock.start_wall, 'tasks': {name: len(state.tasks[name]) for name in PROVIDERS}})
    if route == ('GET', '/_emulator/stats'):
        return json_reply(200, state.stats.snapshot())
    if route == ('POST', '/_emulator/reset'):
        state.stats.reset()
        return json_reply(200, state.stats.snapshot())
    if route == ('GET', '/_emulator/faults'):
        return json_reply(200, {'faults': state.faults.describe()})
    if route == ('DELETE', '/_emulator/faults'):
        state.faults.clear()
        return json_reply(200, {'faults': []})
    if route == ('POST', '/_emulator/faults'):
        try:
            state.faults.add(json.loads(req.body.decode('utf-8') or 'null'))
        except (ValueError, FaultError) as exc:
            return json_reply(400, {'error': str(exc)})
        return json_reply(200, {'faults': state.faults.describe()})
    return json_reply(404, {'error': 'no control route %s %s' % route})


class Emulator:
    """The emulator in a background thread of this process; ``with Emulator(...) as emu: emu.base_url``."""

    def __init__(self, scenario: Any = None, host: str = '127.0.0.1', port: int = 0, speed: float | None = None,
                 generate: dict[str, int] | None = None, seed: int = 0, tls: bool = False,
                 monotonic: Callable[[], float] | None = None, verbose: bool = False, strict: bool = False,
                 start: float = 0.0) -> None:
        self.scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        if strict:
            self.scenario.options.strict = True
        self.host, self.port, self.speed, self.start_at = host, port, speed, start
        self.generate, self.seed, self.tls = generate or {}, seed, tls
        self.monotonic, self.verbose = monotonic, verbose
        self.base_url = ''
        self.ca_path: str | None = None
        self.state: EmulatorState | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._tls_dir: str | None = None

    def _tasks(self) -> dict[str, TaskList]:
        extra = generate_tasks(self.generate, self.seed)
        lists = {}
        for provider in PROVIDERS:
            tasks = self.scenario.tasks[provider] + extra[provider]
            if len({task.id for task in tasks}) != len(tasks):
                raise ScenarioError('generated %s task ids collide with the scenario; use other ids' % provider)
            lists[provider] = TaskList(tasks)
        return lists

    def start(self) -> Emulator:
        speed = self.speed if self.speed is not None else self.scenario.options.speed
        clock = Clock(speed, monotonic=self.monotonic, start=self.start_at) if self.monotonic else Clock(speed, start=self.start_at)
        state = EmulatorState(scenario=self.scenario, clock=clock, tasks=self._tasks())
        state.faults.add(list(self.scenario.faults))
        context = None
        if self.tls:
            self._tls_dir, self.ca_path, cert, key = make_certificates(self.host)
            context = server_context(cert, key)
        self._server = _Server((self.host, self.port), state, context, self.verbose)
        self.state = state
        port = self._server.server_address[1]
        self.base_url = '%s://%s:%d' % ('https' if self.tls else 'http', self.host, port)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={'poll_interval': 0.1},
                                        name='emulator-%d' % port, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            stopper = threading.Thread(target=self._server.shutdown, daemon=True)
            stopper.start()
            # a throwaway connection wakes the accept loop so it notices the shutdown at once
            try:
                socket.create_connection(self._server.server_address[:2], timeout=1).close()
            except OSError:
                pass
            stopper.join()
            self._server.close_connections()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._tls_dir:
            shutil.rmtree(self._tls_dir, ignore_errors=True)
            self._tls_dir = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()
