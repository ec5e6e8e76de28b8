# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Event-Driven Ansible source ``dbtasks.cloud.task_events``: events when UDTS, DDS and RDS tasks change.

ansible-rulebook calls ``main(queue, args)``. The work is in
``plugins/module_utils/_task_events.py`` (the wait engine of the modules and
task_wait); this file schedules it: one asyncio task per provider, each poll
of the engine in a daemon thread of its own (the engine reads in a thread of
its own too) so the event loop never blocks and a slow or failing API does
not delay the others.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
from collections.abc import Awaitable, Mapping
from typing import Any, Callable, TypeVar

DOCUMENTATION = r"""
---
short_description: Events when UCloud UDTS, Huawei Cloud DDS and RDS tasks are first seen and when they change
description:
  - Polls the task APIs every O(poll_interval) seconds and puts an event on the queue when a selected task is first seen
    and whenever its normalized state changes (optionally also when its progress moves by O(progress_step) percent).
  - Each task event has a C(dbtasks) key with C(provider), C(id), C(name), C(state), C(previous_state), C(terminal),
    C(progress_percent), C(failure_reason), C(instance_id), C(created_at), C(ended_at), C(change) (V(seen), V(state) or
    V(progress)) and C(raw), the task's fields as the API sent them. Secrets never appear in events or logs.
  - A task that leaves the listing (a status filter, a time window) is read by ID until it ends.
  - A provider that cannot be read gives one C(dbtasks_api_error) event when its reads start failing and one
    C(dbtasks_api_recovered) event when one succeeds again; meanwhile it is read ever less often (up to every 300
    seconds) and the other providers go on as usual.
  - Bad arguments, bad credentials and IDs the API does not know end the source at start with a message naming the cause.
  - It polls; it is not a push API. See C(docs/events.md) for the events, the limits and the requests per minute.
options:
  selectors:
    description:
      - Which tasks to follow. A selector with filters is listed at every poll, so tasks created later are seen too; a
        selector without filters follows every task of its provider.
      - The filters are those of the O(dbtasks.cloud.task_wait#module:selectors) option of
        M(dbtasks.cloud.task_wait), with the same rules.
    type: list
    elements: dict
    required: true
    suboptions:
      provider:
        description: Which API to read.
        type: str
        required: true
        choices: [udts, dds, rds]
      ids:
        description: Tasks named by ID (UDTS C(TaskId), DDS or RDS job ID), followed until they end. No other filter may be set.
        type: list
        elements: str
      # The filters of task_wait's selectors, with the same rules (plugins/modules/task_wait.py documents each).
      status: {type: list, elements: str, description: Only tasks with one of these statuses, as the provider spells them.}
      name: {type: str, description: Only tasks with exactly this name.}
      type: {type: str, description: UDTS only, sent as C(Type) to C(ListUDTSTask).}
      instance_id: {type: str, description: DDS and RDS only, the tasks of this DB instance.}
      order_id: {type: str, description: RDS only, the tasks of this order.}
      start_time: {type: raw, description: "DDS and RDS only, tasks created at or after this time; a relative time (V(-1d)) moves with every read."}
      end_time: {type: raw, description: DDS and RDS only, tasks created before this time.}
  poll_interval:
    description: Seconds between two reads of a provider, from 1 to 3600.
    type: float
    default: 30
  progress:
    description: Also emit an event when a task's C(progress_percent) moves by at least O(progress_step).
    type: bool
    default: false
  progress_step:
    description: Percentage points between two progress events of a task, from 0.1 to 100.
    type: float
    default: 10
  ucloud:
    description:
      - UCloud connection options, the keys of the O(dbtasks.cloud.task_wait#module:ucloud) option of
        M(dbtasks.cloud.task_wait), with the same environment variables (C(UCLOUD_PUBLIC_KEY), ...) and UCloud CLI
        profiles (C(profile), C(shared_config_file), C(shared_credentials_file); C(~/.ucloud) by default).
    type: dict
  huaweicloud:
    description:
      - Huawei Cloud connection options, the keys of the O(dbtasks.cloud.task_wait#module:huaweicloud) option of
        M(dbtasks.cloud.task_wait), with the same environment variables (C(HUAWEICLOUD_SDK_AK), ...) and KooCLI
        profiles (C(profile), C(shared_config_file); C(~/.hcloud/config.json) by default).
      - Without C(project_id), keys and a C(region) find the project through IAM (C(iam_endpoint)) once.
    type: dict
"""

EXAMPLES = r"""
- dbtasks.cloud.task_events:
    poll_interval: 30
    selectors:
      - provider: udts
      - provider: dds
        status: [Running]
      - provider: rds
        start_time: -1d
"""

if __name__ != "ansible_collections.dbtasks.cloud.extensions.eda.plugins.event_source.task_events":
    # ansible-rulebook runs this file with runpy, not as part of a package: the collection's module_utils are
    # importable from the directory that holds ansible_collections/ (abspath, not realpath: the checkout's
    # .build/ansible_collections/dbtasks/cloud is a symlink).
    _COLLECTIONS = os.path.abspath(__file__)
    for _level in range(7):  # event_source, plugins, eda, extensions, cloud, dbtasks, ansible_collections
        _COLLECTIONS = os.path.dirname(_COLLECTIONS)
    if os.path.basename(_COLLECTIONS) == "ansible_collections" and os.path.dirname(_COLLECTIONS) not in sys.path:
        sys.path.insert(0, os.path.dirname(_COLLECTIONS))

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import DbTasksError  # noqa: E402
from ansible_collections.dbtasks.cloud.plugins.module_utils._redact import Redactor  # noqa: E402
from ansible_collections.dbtasks.cloud.plugins.module_utils._runtime import Connections, RuntimeHooks  # noqa: E402
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_events import (  # noqa: E402
    Event,
    ProviderFeed,
    connect,
    fails_at_start,
    parse_source_args,
)
from ansible_collections.dbtasks.cloud.plugins.module_utils._text import ERROR_LIMIT, Show  # noqa: E402

T = TypeVar("T")
NAME = "dbtasks.cloud.task_events"
logger = logging.getLogger(__name__)


class TaskEventsError(Exception):
    """The source cannot run: a bad argument, bad credentials, an unknown ID. The message names the cause."""


class _Stopped(Exception):
    """Raised in a read's thread by a retry pause when the source has stopped."""


async def in_daemon_thread(function: Callable[[], T]) -> T:
    """``function()`` in a daemon thread of its own.

    Not the loop's default executor: its threads are joined at interpreter exit, so one request
    still waiting for its deadline would hold up the shutdown of ansible-rulebook.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: Any, error: BaseException | None) -> None:
        if not future.done():
            if error is None:
                future.set_result(result)
            else:
                future.set_exception(error)

    def work() -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = function()
        except BaseException as raised:  # pylint: disable=broad-exception-caught  # handed to the awaiting task
            error = raised
        try:
            loop.call_soon_threadsafe(settle, result, error)
        except RuntimeError:  # the loop is closed: nobody waits for this read any more
            pass

    threading.Thread(target=work, name="dbtasks-task-events-read", daemon=True).start()
    return await future


class TaskEvents:
    """The source: arguments checked and clients built at construction (no request), events put on a queue by ``run``.

    ``hooks`` (transport, clocks), ``sleep`` (the pause between reads) and ``in_thread`` (how a blocking
    read is run) are what tests replace.
    """

    def __init__(self, args: Mapping[str, Any], hooks: RuntimeHooks | None = None,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
                 in_thread: Callable[[Callable[[], Any]], Awaitable[Any]] = in_daemon_thread) -> None:
        self._stopped = threading.Event()
        self.sleep = sleep
        self.in_thread = in_thread
        self.hooks = hooks or RuntimeHooks(sleep=self._retry_pause)
        self.redactor = Redactor()
        try:
            self.plan = parse_source_args(args)
            self.redactor.add(*self.plan.secrets)
            self.connections = Connections(self.plan.settings, [], self.hooks, self.redactor)
            connect(self.plan, self.connections)
            # A read that has not ended within one interval leaves the provider's tasks as last read until it does.
            self.feeds = [ProviderFeed(provider, self.connections, selectors, self.hooks.utcnow, self.redactor, self.hooks.clock,
                                       read_budget=self.plan.poll_interval)
                          for provider, selectors in self.plan.by_provider()]
        except DbTasksError as error:
            raise TaskEventsError(self._message(error)) from None

    def _message(self, error: BaseException) -> str:
        return "%s: %s" % (NAME, Show(self.redactor.text)(error, ERROR_LIMIT))

    def _retry_pause(self, seconds: float) -> None:
        # The client's pauses between retries end when the source stops, so its thread ends soon too.
        if self._stopped.wait(seconds):
            raise _Stopped()

    async def run(self, queue: Any) -> None:
        """Put events on ``queue`` until cancelled; raises ``TaskEventsError`` when a provider fails at start."""
        followers = [asyncio.ensure_future(self._follow(feed, queue)) for feed in self.feeds]
        try:
            done, _pending = await asyncio.wait(followers, return_when=asyncio.FIRST_EXCEPTION)
            for follower in done:
                follower.result()
        finally:
            self._stopped.set()
            for follower in followers:
                follower.cancel()
            await asyncio.gather(*followers, return_exceptions=True)
            self.connections.close()

    async def _follow(self, feed: ProviderFeed, queue: Any) -> None:
        interval = self.plan.poll_interval
        logged = 0
        while True:
            started = self.hooks.clock()
            for event in await self._read(feed):
                await queue.put(event)
            warnings = list(feed.group.warnings)
            for warning in warnings[logged:]:  # each once: the engine keeps them all
                logger.warning("%s: %s", NAME, Show(self.redactor.text)(warning, ERROR_LIMIT))
            logged = len(warnings)
            pause = feed.outage.delay(interval) - (self.hooks.clock() - started)
            await self.sleep(max(0.0, pause))

    async def _read(self, feed: ProviderFeed) -> list[Event]:
        """The events of one poll of ``feed``: task events, or the start or end of an outage."""
        try:
            fresh = await self.in_thread(feed.poll)
        except DbTasksError as error:
            if fails_at_start(feed, error):
                raise TaskEventsError(self._message(error)) from None
            failed = feed.outage.failed(error, self.hooks.utcnow())
            if failed is None:
                return []
            logger.warning("%s: %s cannot be read, the source goes on: %s", NAME, feed.provider.name, failed["dbtasks_api_error"]["message"])
            return [failed]
        if not fresh:  # the read under way has not ended within the read budget
            return []
        events = feed.events(self.plan.progress_step)
        recovered = feed.outage.recovered(self.hooks.utcnow())
        if recovered is not None:
            logger.warning("%s: %s can be read again", NAME, feed.provider.name)
            events.insert(0, recovered)
        return events


async def main(queue: asyncio.Queue[Any], args: dict[str, Any]) -> None:
    """Entry point of ansible-rulebook: check ``args``, then put task events on ``queue`` until cancelled."""
    await TaskEvents(args).run(queue)
