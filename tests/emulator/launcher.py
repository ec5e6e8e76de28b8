# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start the emulator as a subprocess (``python tests/emulator --port 0 ...``) and learn its URL."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import urllib.request
from collections.abc import Sequence
from typing import Any

EMULATOR_DIR = os.path.dirname(os.path.abspath(__file__))
START_TIMEOUT = 20.0
# default: what the API documentation and the official SDKs show; strict: every pessimistic reading of what they leave open
MODES = ('default', 'strict')


def mode_args(mode: str) -> list[str]:
    """The command line arguments of an emulator ``mode``."""
    if mode not in MODES:
        raise ValueError('unknown emulator mode %r' % mode)
    return ['--strict'] if mode == 'strict' else []


def _read_line(stream: object, timeout: float) -> str | None:
    box: list[str] = []
    reader = threading.Thread(target=lambda: box.append(stream.readline()), daemon=True)  # type: ignore[attr-defined]
    reader.start()
    reader.join(timeout)
    return box[0].strip() if box and box[0] else None


def start_subprocess(args: Sequence[str], python: str = sys.executable) -> tuple[subprocess.Popen, str, str | None]:
    """Start the emulator with ``args`` (``--port 0`` added unless given); return (process, base_url, ca_path or None).

    Stop it with ``stop_subprocess(process)``; its stderr goes to a temporary file, quoted if it fails to start.
    """
    command = [python, EMULATOR_DIR] + list(args)
    if '--port' not in args:
        command += ['--port', '0']
    stderr = tempfile.TemporaryFile()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True)  # pylint: disable=consider-using-with
    base_url = _read_line(process.stdout, START_TIMEOUT)
    ca_path = None
    if base_url and '--tls' in args:
        line = _read_line(process.stdout, START_TIMEOUT) or ''
        ca_path = line.partition('ca_bundle: ')[2] or None
    if not base_url or not base_url.startswith('http') or ('--tls' in args and not ca_path):
        stop_subprocess(process)
        stderr.seek(0)
        raise RuntimeError('emulator did not start (%s): %s' % (' '.join(command), stderr.read().decode('utf-8', 'replace')[-2000:]))
    process.stderr_file = stderr  # type: ignore[attr-defined]
    return process, base_url, ca_path


def stop_subprocess(process: subprocess.Popen, timeout: float = 10.0) -> int:
    """SIGTERM, wait, SIGKILL as a last resort; return the exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)
    for stream in (process.stdout, getattr(process, 'stderr_file', None)):
        if stream is not None:
            stream.close()
    return process.returncode


@dataclasses.dataclass
class EmulatorProcess:
    """A running emulator subprocess and its control API (``/_emulator/*``)."""
    process: subprocess.Popen
    base_url: str
    ca_path: str | None = None

    @classmethod
    def start(cls, args: Sequence[str]) -> EmulatorProcess:
        return cls(*start_subprocess(args))

    def control(self, method: str, path: str, payload: Any = None) -> Any:
        """Call ``/_emulator/<path>`` and return the decoded JSON answer."""
        data = None if payload is None else json.dumps(payload).encode('utf-8')
        request = urllib.request.Request(self.base_url + '/_emulator/' + path, data=data, method=method,
                                         headers={'Content-Type': 'application/json'})
        context = ssl.create_default_context(cafile=self.ca_path) if self.ca_path else None
        with urllib.request.urlopen(request, timeout=30, context=context) as answer:
            return json.loads(answer.read().decode('utf-8'))

    def stats(self) -> Any:
        return self.control('GET', 'stats')

    def reset(self) -> Any:
        return self.control('POST', 'reset')

    def add_faults(self, faults: Any) -> Any:
        return self.control('POST', 'faults', faults)

    def clear_faults(self) -> Any:
        return self.control('DELETE', 'faults')

    def health(self) -> Any:
        return self.control('GET', 'health')

    def stop(self) -> int:
        return stop_subprocess(self.process)
