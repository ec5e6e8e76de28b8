# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Test doubles shared by the unit tests of module_utils and modules.

Import as ``ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes``.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import typing as t
from collections.abc import Iterator, Mapping
from unittest import mock

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19 has no helper; set the arguments the way AnsibleModule reads them there
    @contextlib.contextmanager
    def patch_module_args(args: dict) -> Iterator[None]:
        serialized = to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
        with mock.patch.object(basic, "_ANSIBLE_ARGS", serialized):
            yield

from ansible_collections.dbtasks.cloud.plugins.module_utils._transport import HttpResponse


class RecordedRequest(t.NamedTuple):
    method: str
    url: str
    headers: dict
    body: bytes | None
    time_limit: float | None = None  # what the client allowed this request (seconds left before its deadline)


def json_response(payload: t.Any, status: int = 200, headers: dict | None = None) -> HttpResponse:
    return HttpResponse(status, dict(headers or {}, **{"Content-Type": "application/json"}), json.dumps(payload).encode())


def raw_response(body: bytes | str, status: int = 200, headers: dict | None = None) -> HttpResponse:
    if isinstance(body, str):
        body = body.encode()
    return HttpResponse(status, dict(headers or {}), body)


class FakeTransport:
    """Stands in for ``RequestsTransport``: records requests, replays a script.

    ``script`` items are ``HttpResponse`` objects, exceptions to raise, or
    callables taking the ``RecordedRequest`` and returning either. With
    ``handler`` every request goes to that callable instead (for concurrent
    callers whose order is not fixed). Thread-safe.
    """

    def __init__(self, *script: t.Any, handler: t.Callable[[RecordedRequest], t.Any] | None = None) -> None:
        self.script = list(script)
        self.handler = handler
        self.requests: list[RecordedRequest] = []
        self.closed = False
        self._lock = threading.Lock()

    def send(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None = None,
             time_limit: float | None = None) -> HttpResponse:
        request = RecordedRequest(method, url, dict(headers), body, time_limit)
        with self._lock:
            self.requests.append(request)
            if self.handler is not None:
                item = self.handler
            elif self.script:
                item = self.script.pop(0)
            else:
                raise AssertionError("FakeTransport: unexpected request %s %s" % (method, url))
        if callable(item) and not isinstance(item, (HttpResponse, BaseException)):
            item = item(request)
        if isinstance(item, BaseException):
            raise item
        return item

    def close(self) -> None:
        self.closed = True


def drip(stream: t.Any, data: bytes, interval: float, seconds: float, stop: threading.Event | None = None) -> None:
    """Write ``data`` to ``stream`` one byte per ``interval``, for at most ``seconds`` or until the reader hangs up (test servers)."""
    ends = time.monotonic() + seconds
    for byte in data:
        if time.monotonic() >= ends or (stop is not None and stop.is_set()):
            return
        try:
            stream.write(bytes([byte]))
            stream.flush()
        except OSError:
            return
        time.sleep(interval)


class FakeClock:
    """Monotonic clock and sleep in one: sleeping advances the clock instantly."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        if seconds < 0:
            raise AssertionError("negative sleep %r" % seconds)
        self.sleeps.append(seconds)
        self.now += seconds


class ModuleExit(Exception):
    def __init__(self, result: dict) -> None:
        super().__init__(result)
        self.result = result


class ModuleFail(ModuleExit):
    pass


def _exit_json(self: t.Any, **kwargs: t.Any) -> t.NoReturn:
    raise ModuleExit(kwargs)


def _fail_json(self: t.Any, msg: str, **kwargs: t.Any) -> t.NoReturn:
    kwargs["msg"] = msg
    kwargs["failed"] = True
    raise ModuleFail(kwargs)


def run_module(main: t.Callable[[], t.Any], args: dict) -> dict:
    """Run a module's ``main()`` with ``args``; return what it passed to exit_json or fail_json."""
    with patch_module_args(args), \
            mock.patch.object(basic.AnsibleModule, "exit_json", _exit_json), \
            mock.patch.object(basic.AnsibleModule, "fail_json", _fail_json):
        try:
            main()
        except ModuleExit as done:
            return done.result
    raise AssertionError("the module returned without calling exit_json or fail_json")


def install_fake_runtime(monkeypatch: t.Any, *script: t.Any, handler: t.Any = None) -> tuple[FakeTransport, FakeClock]:
    """Route every ``DbTasksModule`` built during the test to a ``FakeTransport`` and a ``FakeClock``."""
    from datetime import datetime, timedelta, timezone

    from ansible_collections.dbtasks.cloud.plugins.module_utils._module import DbTasksModule
    from ansible_collections.dbtasks.cloud.plugins.module_utils._runtime import RuntimeHooks

    transport = FakeTransport(*script, handler=handler)
    clock = FakeClock()
    epoch = datetime(2026, 3, 1, tzinfo=timezone.utc)
    hooks = RuntimeHooks(
        transport=transport,
        sleep=clock.sleep,
        clock=clock.monotonic,
        utcnow=lambda: epoch + timedelta(seconds=clock.now),
    )
    monkeypatch.setattr(DbTasksModule, "hooks", hooks)
    return transport, clock
