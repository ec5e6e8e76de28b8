# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Everything a route handler reads: credentials, options, clock, tasks, faults and counters."""

from __future__ import annotations

import collections
import dataclasses
import threading
from typing import Any

from .faults import FaultSet
from .model import Clock, TaskList
from .scenario import Scenario


class Stats:
    """Request counters for GET /_emulator/stats; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: dict[str, int] = collections.Counter()
        self._counters: dict[str, int] = collections.Counter()
        self.open_connections = 0

    def count(self, name: str, amount: int = 1) -> None:
        with self._lock:
            self._counters[name] += amount

    def request(self, route: str) -> None:
        with self._lock:
            self._requests[route] += 1

    def connection(self, opened: bool) -> None:
        with self._lock:
            self.open_connections += 1 if opened else -1
            if opened:
                self._counters['connections'] += 1

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()
            self._counters.clear()

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                'requests': dict(sorted(self._requests.items())),
                'total_requests': sum(self._requests.values()),
                'connections': self._counters['connections'],
                'open_connections': self.open_connections,
                'auth_failures': self._counters['auth_failure'],
                'rejected': self._counters['rejected'],
                'faults_injected': self._counters['fault'],
            }


@dataclasses.dataclass
class EmulatorState:
    scenario: Scenario
    clock: Clock
    tasks: dict[str, TaskList]
    faults: FaultSet = dataclasses.field(default_factory=FaultSet)
    stats: Stats = dataclasses.field(default_factory=Stats)
