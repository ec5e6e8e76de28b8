# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for the emulator's own tests: in-process emulators (real HTTP on 127.0.0.1, port 0) and test clients."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any, Callable

import pytest
import requests

from tests.emulator.client import HuaweiTestClient, UCloudTestClient
from tests.emulator.server import Emulator


class ManualClock:
    """A monotonic clock the test moves by hand, so lifecycle checks are exact."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def dds_time(epoch: float, offset: str = '+0000') -> str:
    """DDS time text; offset +HHMM shifts the local time shown, not the instant."""
    sign = 1 if offset[0] == '+' else -1
    shift = sign * (int(offset[1:3]) * 3600 + int(offset[3:5]) * 60)
    return time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(epoch + shift)) + offset


@pytest.fixture
def manual_clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def start_emulator() -> Iterator[Callable[..., Emulator]]:
    """``start_emulator(scenario_dict_or_path, **Emulator kwargs)``; stopped after the test."""
    started: list[Emulator] = []

    def start(scenario: Any = None, **kwargs: Any) -> Emulator:
        started.append(Emulator(scenario, **kwargs).start())
        return started[-1]

    yield start
    for emu in started:
        emu.stop()


@pytest.fixture
def clients() -> Callable[[Emulator], Any]:
    """``clients(emu) -> (UCloudTestClient, HuaweiTestClient, control)`` sharing one session."""

    def make(emu: Emulator, verify: Any | None = True) -> Any:
        session = requests.Session()

        def control(method: str, path: str, payload: Any = None) -> requests.Response:
            return session.request(method, emu.base_url + '/_emulator/' + path, json=payload, verify=verify, timeout=30)

        return (UCloudTestClient(emu.base_url, session=session, verify=verify),
                HuaweiTestClient(emu.base_url, session=session, verify=verify), control)

    return make
