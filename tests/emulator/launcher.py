# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one way to start the emulator as a process: for the tests, the benchmarks, the demo, galaxy and molecule.

From Python: ``EmulatorProcess.start(args)`` (``python tests/emulator --port 0 <args>``; its URL read from its first
line). From a shell, run from the repository root::

    python -m tests.emulator.launcher run [EMULATOR ARGS] -- COMMAND ...   # COMMAND with the emulator's URL and
                                                                           # credentials in its environment
    python -m tests.emulator.launcher start --state FILE [EMULATOR ARGS]   # leave it running; FILE (YAML) gets
    python -m tests.emulator.launcher stop --state FILE                    # emulator_url, emulator_pid, emulator_env
    python -m tests.emulator.launcher env URL                              # `export` lines for a shell
                                                                           # (DDS and RDS at URL/{service})
"""

from __future__ import annotations

import dataclasses
import json
import os
import shlex
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from typing import Any

if __package__ in (None, ''):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tests.emulator import credentials
else:
    from . import credentials

EMULATOR_DIR = os.path.dirname(os.path.abspath(__file__))
START_TIMEOUT = 20.0
_TEMPORARY: dict[int, str] = {}  # process id -> the temporary directory holding its output
# default: what the API documentation and the official SDKs show; strict: every pessimistic reading of what they leave open
MODES = ('default', 'strict')


def mode_args(mode: str) -> list[str]:
    """The command line arguments of an emulator ``mode``."""
    if mode not in MODES:
        raise ValueError('unknown emulator mode %r' % mode)
    return ['--strict'] if mode == 'strict' else []


def _first_lines(path: str, count: int, process: subprocess.Popen, timeout: float) -> list[str]:
    """The first ``count`` complete lines the emulator printed to ``path``, or fewer if it exits or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while True:
        with open(path, encoding='utf-8') as handle:
            lines = [line.strip() for line in handle.read().split('\n')[:-1]]
        if len(lines) >= count or process.poll() is not None or time.monotonic() > deadline:
            return lines[:count]
        time.sleep(0.02)


def start_subprocess(args: Sequence[str], python: str = sys.executable,
                     output_dir: str | None = None) -> tuple[subprocess.Popen, str, str | None]:
    """Start the emulator with ``args`` (``--port 0`` added unless given); return (process, base_url, ca_path or None).

    Its stdout and stderr go to files in ``output_dir`` (by default a temporary directory, removed by
    ``stop_subprocess(process)``). Its stderr is quoted if it fails to start.
    """
    args = list(args)
    command = [python, EMULATOR_DIR] + args + ([] if '--port' in args else ['--port', '0'])
    temporary = output_dir is None
    output_dir = output_dir or tempfile.mkdtemp(prefix='dbtasks-emulator-')
    stdout_path, stderr_path = os.path.join(output_dir, 'emulator.out'), os.path.join(output_dir, 'emulator.err')
    with open(stdout_path, 'wb') as stdout, open(stderr_path, 'wb') as stderr:
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL)  # pylint: disable=consider-using-with
    if temporary:
        _TEMPORARY[process.pid] = output_dir
    tls = '--tls' in args
    lines = _first_lines(stdout_path, 2 if tls else 1, process, START_TIMEOUT)
    base_url = lines[0] if lines else ''
    ca_path = lines[1].partition('ca_bundle: ')[2] or None if tls and len(lines) > 1 else None
    if not base_url.startswith('http') or (tls and not ca_path):
        with open(stderr_path, encoding='utf-8', errors='replace') as handle:
            stop_subprocess(process)
            raise RuntimeError('emulator did not start (%s): %s' % (' '.join(command), handle.read()[-2000:]))
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
    shutil.rmtree(_TEMPORARY.pop(process.pid, ''), ignore_errors=True)
    return process.returncode


@dataclasses.dataclass
class EmulatorProcess:
    """A running emulator subprocess and its control API (``/_emulator/*``)."""
    process: subprocess.Popen
    base_url: str
    ca_path: str | None = None

    @classmethod
    def start(cls, args: Sequence[str], output_dir: str | None = None) -> EmulatorProcess:
        return cls(*start_subprocess(args, output_dir=output_dir))

    def environment(self) -> dict[str, str]:
        """The environment variables that point every module at this emulator, with its credentials."""
        return credentials.environment(self.base_url)

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

    def wait_for_scenario_time(self, seconds: float, timeout: float = 120.0) -> None:
        """Until the emulator's clock reaches ``seconds`` (tasks created later in the scenario exist then)."""
        deadline = time.monotonic() + timeout
        while float(self.health()['scenario_time']) < seconds:
            if time.monotonic() > deadline:
                raise RuntimeError('the emulator clock did not reach %s' % seconds)
            time.sleep(0.05)

    def stop(self) -> int:
        return stop_subprocess(self.process)


def _run(emulator_args: list[str], command: list[str]) -> int:
    emulator = EmulatorProcess.start(emulator_args)
    try:
        print('==> emulator at %s (%s)' % (emulator.base_url, ' '.join(emulator_args)), file=sys.stderr, flush=True)
        return subprocess.call(command, env=dict(os.environ, **emulator.environment()))
    finally:
        emulator.stop()


def _start(state: str, emulator_args: list[str]) -> int:
    """Leave an emulator running (in its own session) and describe it in ``state``, a YAML file Ansible can include."""
    emulator = EmulatorProcess.start(emulator_args, output_dir=os.path.dirname(os.path.abspath(state)))
    described = {'emulator_url': emulator.base_url, 'emulator_pid': emulator.process.pid,
                 'emulator_env': emulator.environment(),
                 'emulator_options': {provider: credentials.module_options(provider, emulator.base_url) for provider in ('udts', 'dds')}}
    with open(state, 'w', encoding='utf-8') as handle:
        json.dump(described, handle, indent=2)  # JSON is YAML
    return 0


def _stop(state: str) -> int:
    """Stop the emulator ``state`` describes, only while that process id is still the emulator (ids are reused)."""
    if not os.path.exists(state):
        return 0
    with open(state, encoding='utf-8') as handle:
        pid = int(json.load(handle)['emulator_pid'])
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as handle:
            running = EMULATOR_DIR.encode() in handle.read()
    except OSError:
        running = False
    if running:
        os.kill(pid, signal.SIGTERM)
    os.unlink(state)
    return 0


def main(argv: list[str] | None = None) -> int:
    """The shell commands of the module docstring."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv.pop(0) if argv else ''
    state = None
    if command in ('start', 'stop') and len(argv) >= 2 and argv[0] == '--state':
        state = argv[1]
        argv = argv[2:]
    if command == 'run' and '--' in argv and argv[-1] != '--':
        split = argv.index('--')
        return _run(argv[:split], argv[split + 1:])
    if command == 'start' and state:
        return _start(state, argv)
    if command == 'stop' and state and not argv:
        return _stop(state)
    if command == 'env' and len(argv) == 1:
        print('export ' + ' '.join('%s=%s' % (name, shlex.quote(value)) for name, value in credentials.environment(argv[0], service_endpoints=True).items()))
        return 0
    sys.stderr.write(__doc__.split('From a shell, run from the repository root::')[1].strip('\n') + '\n')
    return 2


if __name__ == '__main__':
    sys.exit(main())
