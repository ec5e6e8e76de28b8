# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tasks, their lifecycles and the scenario clock.

Scenario time ``S`` is seconds since the emulator started, running ``speed``
times faster than the wall clock. Tasks are immutable: a task's state at any
instant is computed from its lifecycle, so reads need no lock.
"""

from __future__ import annotations

import bisect
import dataclasses
import time
from collections.abc import Iterable, Sequence
from typing import Callable

UDTS_STATUSES = frozenset([
    'Created', 'Checking', 'Starting', 'Started', 'Dumping', 'Loading', 'Syncing', 'Synced', 'Done', 'Success',
    'Failed', 'RetryPending', 'Stopping', 'Stopped', 'FailedUnrecoverable', 'StoppedUnrecoverable'])
HUAWEI_STATUSES = frozenset(['Running', 'Completed', 'Failed'])
SUCCESS_STATUSES = frozenset(['Done', 'Success', 'Synced', 'Completed'])
FAILURE_STATUSES = frozenset(['Failed', 'FailedUnrecoverable', 'Stopped', 'StoppedUnrecoverable'])


class Clock:
    """Scenario clock; ``monotonic`` and ``wall`` are injectable so tests can drive time.

    ``start`` is the scenario time at start (``--start``): a scenario can be joined midway, with every task
    created by then already there.
    """

    def __init__(self, speed: float = 1.0, monotonic: Callable[[], float] = time.monotonic,
                 wall: Callable[[], float] = time.time, start: float = 0.0) -> None:
        if speed <= 0:
            raise ValueError('speed must be > 0')
        self.speed = float(speed)
        self.start = float(start)
        self._monotonic = monotonic
        self._wall = wall
        self.start_monotonic = monotonic()
        self.start_wall = wall()

    def now(self) -> float:
        """Scenario seconds since the scenario's time 0."""
        return self.start + (self._monotonic() - self.start_monotonic) * self.speed

    def wall(self) -> float:
        return self._wall()

    # History before the start keeps its real spacing, the future is compressed like the clock,
    # so shown timestamps always agree with the wall clock clients use for time-range filters.
    def to_epoch(self, scenario_time: float) -> float:
        offset = scenario_time - self.start
        if offset <= 0:
            return self.start_wall + offset
        return self.start_wall + offset / self.speed

    def from_epoch(self, epoch: float) -> float:
        offset = epoch - self.start_wall
        return self.start + (offset if offset <= 0 else offset * self.speed)


@dataclasses.dataclass(frozen=True)
class Step:
    status: str
    duration: float | None = None
    progress: tuple[float, float] | None = None
    fail_reason: str = ''
    instance_status: str | None = None


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """A task as seen at one scenario instant."""
    step: Step
    step_index: int
    percent: float
    retry_count: int
    final: bool
    ended: float | None
    busy_seconds: float


@dataclasses.dataclass(frozen=True)
class Task:
    provider: str
    id: str
    name: str
    type: str
    created: float
    steps: tuple[Step, ...]
    instance_id: str = ''
    instance_name: str = ''
    order_id: str = ''
    max_retry_count: int = 0
    total_rows: int = 0
    kind: str = ''  # UDTS: transfer (data migration) or integration (data integration)
    expect: str | None = None
    index: int = 0
    starts: tuple[float, ...] = dataclasses.field(init=False, repr=False)

    def __post_init__(self) -> None:
        starts, at = [], self.created
        for step in self.steps:
            starts.append(at)
            at += step.duration or 0.0
        object.__setattr__(self, 'starts', tuple(starts))

    @property
    def final_status(self) -> str:
        return self.steps[-1].status

    @property
    def ends_at(self) -> float:
        """Scenario instant the final step begins."""
        return self.starts[-1]

    @property
    def busy_total(self) -> float:
        """Scenario seconds of the steps that report progress (UDTS TotalDuration)."""
        return sum(step.duration or 0.0 for step in self.steps if step.progress and step.duration)

    def visible(self, now: float) -> bool:
        return now >= self.created

    def at(self, now: float) -> Snapshot:
        index = max(0, bisect.bisect_right(self.starts, now) - 1)
        step = self.steps[index]
        percent, busy, retries = 0.0, 0.0, 0
        for number, earlier in enumerate(self.steps[:index + 1]):
            if earlier.status == 'RetryPending':
                retries += 1
            if earlier.progress is None:
                continue
            start, end = earlier.progress
            if earlier.duration:
                spent = min(earlier.duration, max(0.0, now - self.starts[number]))
                busy += spent
                percent = start + (end - start) * spent / earlier.duration
            else:
                percent = end
        final = index == len(self.steps) - 1
        return Snapshot(step=step, step_index=index, percent=round(percent, 2), retry_count=retries,
                        final=final, ended=self.ends_at if final else None, busy_seconds=busy)


class TaskList:
    """One provider's tasks, newest first (stable), with id lookup and bisectable creation times."""

    def __init__(self, tasks: Iterable[Task]) -> None:
        self.ordered: list[Task] = sorted(tasks, key=lambda task: (-task.created, task.index))
        self._keys = [-task.created for task in self.ordered]
        self.by_id = {task.id: task for task in self.ordered}

    def __len__(self) -> int:
        return len(self.ordered)

    def get(self, task_id: str, now: float) -> Task | None:
        task = self.by_id.get(task_id)
        return task if task is not None and task.visible(now) else None

    def window(self, now: float, low: float | None = None, high: float | None = None) -> Sequence[Task]:
        """Visible tasks created in [low, high] (scenario seconds), newest first."""
        upper = now if high is None else min(high, now)
        first = bisect.bisect_left(self._keys, -upper)
        last = len(self._keys) if low is None else bisect.bisect_right(self._keys, -float(low))
        return self.ordered[first:last]
