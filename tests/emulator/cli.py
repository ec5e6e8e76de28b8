# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Command line: parse options, start the server, print the base URL first, stop cleanly on a signal."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from .faults import FaultError
from .scenario import ScenarioError, parse_generate
from .server import Emulator


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog='python tests/emulator', description='Local emulator of the UDTS, DDS and RDS task APIs.')
    parser.add_argument('--port', type=int, required=True, help='port to listen on; 0 picks a free one')
    parser.add_argument('--host', default='127.0.0.1', help='address to listen on (default 127.0.0.1)')
    parser.add_argument('--scenario', help='scenario YAML file (tasks, credentials, faults, options)')
    parser.add_argument('--speed', type=float, help='scenario seconds per wall second (default: the scenario options.speed, else 1)')
    parser.add_argument('--start', type=float, default=0.0,
                        help='scenario time at start, in seconds (default 0): tasks created by then exist at once')
    parser.add_argument('--generate', help='synthetic tasks, e.g. udts=100,dds=2000,rds=10000')
    parser.add_argument('--seed', type=int, default=0, help='seed for --generate (default 0)')
    parser.add_argument('--tls', action='store_true', help='serve HTTPS with a throwaway CA; its certificate path is printed')
    parser.add_argument('--strict', action='store_true',
                        help='play every pessimistic reading of what the API docs leave open (the scenario option strict: true)')
    parser.add_argument('--verbose', action='store_true', help='log every request to stderr')
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.speed is not None and args.speed <= 0:
        parser.error('--speed must be > 0')
    if args.start < 0:
        parser.error('--start must be 0 or more')
    try:
        emulator = Emulator(args.scenario, host=args.host, port=args.port, speed=args.speed, generate=parse_generate(args.generate),
                            seed=args.seed, tls=args.tls, verbose=args.verbose, strict=args.strict,
                            start=args.start)
        emulator.start()
    except (ScenarioError, FaultError, OSError) as exc:
        parser.exit(2, 'emulator: %s\n' % exc)
    stop = threading.Event()

    def request_stop(_signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    print(emulator.base_url, flush=True)
    if emulator.ca_path:
        print('ca_bundle: %s' % emulator.ca_path, flush=True)
    while not stop.wait(0.5):
        pass
    emulator.stop()
    sys.stdout.flush()
    return 0
