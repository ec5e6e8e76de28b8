# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The flow every info module shares: select tasks, list them, wait, report.

The module passes its provider record (``_providers.py``); the record's
``TaskSource`` knows how to read one page and one task. Selection and the
result shape live here; reading is ``_tracker.py``, waiting the engine in
``_wait.py`` and ``_watch.py`` (the same one task_wait uses). User-facing rules are in ``docs/modules.md``.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Callable

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import DbTasksError, ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._hints import synced_hint, with_hint
from ansible_collections.dbtasks.cloud.plugins.module_utils._module import DbTasksModule
from ansible_collections.dbtasks.cloud.plugins.module_utils._options import text_option
from ansible_collections.dbtasks.cloud.plugins.module_utils._provider import Provider
from ansible_collections.dbtasks.cloud.plugins.module_utils._retry import Deadline
from ansible_collections.dbtasks.cloud.plugins.module_utils._text import SHOW, Show
from ansible_collections.dbtasks.cloud.plugins.module_utils._tracker import Grace, Selection, TaskSource, TaskTracker
from ansible_collections.dbtasks.cloud.plugins.module_utils._wait import (
    DEFAULT_GRACE,
    WAIT_BOUNDS,
    TransientErrors,
    Waiter,
    WaitTimeout,
    check_seconds,
    describe_listed,
)
from ansible_collections.dbtasks.cloud.plugins.module_utils._watch import Followed, Watch

WAIT_ARGUMENT_SPEC: dict[str, dict[str, Any]] = {
    "wait": {"type": "bool", "default": False},
    "wait_timeout": {"type": "int", "default": 1800},
    "wait_sleep": {"type": "int", "default": 5},
    "wait_for": {"type": "str", "default": "terminal", "choices": ["terminal", "synced"]},
    "wait_fail_fast": {"type": "bool", "default": True},
    "wait_not_found_grace": {"type": "int", "default": DEFAULT_GRACE},
}
PAGING_ARGUMENT_SPEC: dict[str, dict[str, Any]] = {"offset": {"type": "int"}, "limit": {"type": "int"}}


def _ids(params: Mapping[str, Any], provider: Provider) -> tuple[tuple[str, ...] | None, str | None]:
    single, several = params.get(provider.id_option), params.get(provider.ids_option)
    if single is not None and several is not None:
        raise ParameterError(provider.id_option, "cannot be combined with %s" % provider.ids_option)
    if single is not None:
        text_option(params, provider.id_option)  # a blank id is a ParameterError
        return (str(single),), provider.id_option
    if several is None:
        return None, None
    if not several:
        raise ParameterError(provider.ids_option, "must list at least one id")
    if any(not str(task_id).strip() for task_id in several):
        raise ParameterError(provider.ids_option, "must not contain an empty id")
    return tuple(dict.fromkeys(several)), provider.ids_option


def parse_selection(params: Mapping[str, Any], provider: Provider) -> Selection:
    """Check the selection and paging options against each other; raises ``ParameterError``."""
    ids, id_option = _ids(params, provider)
    offset, limit = params.get("offset"), params.get("limit")
    if ids is not None:
        for option in provider.filter_options + ("offset", "limit"):
            if params.get(option) not in (None, []):
                raise ParameterError(option, "cannot be combined with %s: tasks selected by id are not filtered" % id_option)
    if offset is not None and offset < 0:
        raise ParameterError("offset", "must be 0 or more, got %d" % offset)
    if limit is not None and not 1 <= limit <= provider.page_size:
        raise ParameterError("limit", "must be from 1 to %d (the largest page the API serves), got %d" % (provider.page_size, limit))
    if params.get("wait") and (offset is not None or limit is not None):
        raise ParameterError("offset" if offset is not None else "limit",
                             "cannot be combined with wait: a wait follows every selected task, not one page")
    return Selection(ids, id_option, offset, limit)


class TasksTimedOut(DbTasksError):
    """A wait timed out; the failure also carries the last view of every selected task."""

    def __init__(self, timeout: WaitTimeout, result_key: str, hint: str | None = None) -> None:
        super().__init__(with_hint(str(timeout), hint))
        self.timeout = timeout
        self.result_key = result_key

    def to_fail_kwargs(self) -> dict[str, Any]:
        return {"msg": str(self), "elapsed": round(self.timeout.elapsed, 1), "wait_outcome": "timeout", self.result_key: self.timeout.items}


def collect_tasks(source: TaskSource, params: Mapping[str, Any], warn: Callable[[str], None],
                  utcnow: Callable[[], datetime], show: Show = SHOW, deadline: Deadline | None = None,
                  **waiter_options: Any) -> dict[str, Any]:
    """Select, read and (with ``wait``) wait for tasks; the module result without ``changed``.

    Every option is checked before the first request. ``show`` makes API text
    safe for messages (the module's redaction first). ``waiter_options``
    (``sleep``, ``clock``) reach the ``Waiter``, so tests never sleep.
    ``deadline`` (the clients' shared one) is set to the end of the wait, so no request outlives it.
    """
    provider = source.provider
    selection = parse_selection(params, provider)
    transient = TransientErrors()
    waiter = None
    timeout = first_interval = 0.0
    grace = None
    clock = waiter_options.get("clock") or _monotonic
    if params.get("wait"):
        timeout, first_interval, grace_seconds = (check_seconds(option, params[option], *WAIT_BOUNDS[option])
                                                  for option in ("wait_timeout", "wait_sleep", "wait_not_found_grace"))
        # A task started just before the wait may not be visible yet: its id counts as pending for a while.
        grace = Grace(grace_seconds, "wait_not_found_grace", clock)
    tracker = TaskTracker(source, selection, utcnow, grace)
    group = Followed(tracker, detail_all=selection.ids is not None)
    if params.get("wait"):
        # One provider: a read is waited for until it ends or the wait times out.
        watch = Watch([group], params["wait_for"], clock, transient, timeout=timeout)

        def describe(index: int, item: Any) -> str:
            return describe_listed(index, item, show) + watch.last_read(index)

        waiter = Waiter(watch.poll, timeout=timeout, first_interval=first_interval, target=params["wait_for"],
                        fail_fast=params["wait_fail_fast"], max_interval=max(60.0, first_interval),
                        on_transient_error=transient, unreadable=watch.unreadable, describe=describe, **waiter_options)
    try:
        extra: dict[str, Any] = {}
        items: list[dict[str, Any] | None]
        if waiter is None:
            items = list(tracker.poll())
        else:
            try:
                with deadline.within(timeout) if deadline is not None else contextlib.nullcontext():
                    waited = waiter.run()
            except WaitTimeout as timeout_error:
                hint = synced_hint(timeout_error.unfinished, params["wait_for"], "wait_for: synced")
                raise TasksTimedOut(timeout_error, provider.result_key, hint) from None
            items = waited.items
            extra = {"wait_outcome": waited.outcome, "elapsed": round(waited.elapsed, 1)}
        result: dict[str, Any] = {provider.result_key: group.report_items(items, (), warn, show)}
        if tracker.total_count is not None and selection.ids is None:
            result["total_count"] = tracker.total_count
        result.update(extra)
        return result
    finally:
        if not group.reading:  # a read under way (at the timeout) may still be adding to them
            group.warnings.update(tracker.warnings)
        transient_warning = transient.warning()
        for warning in list(group.warnings) + ([transient_warning] if transient_warning else []):
            warn(warning)


def _monotonic() -> float:
    return time.monotonic()


def run_info_module(provider: Provider, argument_spec: dict[str, Any]) -> None:
    """The body of every info module's ``main()``: options, source, collect, exit.

    ``argument_spec`` holds the module's own options; paging and waiting are added here.
    """
    spec = dict(argument_spec, **PAGING_ARGUMENT_SPEC)
    spec.update(WAIT_ARGUMENT_SPEC)
    tasks_module = DbTasksModule(spec, provider, supports_check_mode=True, mutually_exclusive=[(provider.id_option, provider.ids_option)])

    def report() -> dict[str, Any]:
        params, hooks = tasks_module.params, tasks_module.hooks
        source = provider.source(provider, tasks_module.client, params, hooks.utcnow())
        deadline = tasks_module.connections.deadline if tasks_module.connections is not None else None
        return collect_tasks(source, params, tasks_module.warn, hooks.utcnow, Show(tasks_module.redactor.text), deadline=deadline,
                             sleep=hooks.sleep, clock=hooks.clock)

    tasks_module.run(report)
