# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The flow the three info modules share: select tasks, list them, wait, report.

A ``TaskSource`` subclass (``_udts.py``, ``_dds.py``, ``_rds.py``) knows one
API: how to read one page of its list, how to read one task by id and which
filters it applies locally. Selection, pagination, normalization, waiting and
the result shape live here, once. User-facing rules are in ``docs/modules.md``.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Type

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError, DbTasksError, ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._module import DbTasksModule
from ansible_collections.dbtasks.cloud.plugins.module_utils._tracker import Selection, TaskSource, TaskTracker
from ansible_collections.dbtasks.cloud.plugins.module_utils._wait import Waiter, WaitTimeout

WAIT_ARGUMENT_SPEC: Dict[str, Dict[str, Any]] = {
    "wait": {"type": "bool", "default": False},
    "wait_timeout": {"type": "int", "default": 1800},
    "wait_sleep": {"type": "int", "default": 5},
    "wait_for": {"type": "str", "default": "terminal", "choices": ["terminal", "synced"]},
    "wait_fail_fast": {"type": "bool", "default": True},
}
PAGING_ARGUMENT_SPEC: Dict[str, Dict[str, Any]] = {"offset": {"type": "int"}, "limit": {"type": "int"}}


def text_option(params: Mapping[str, Any], option: str) -> Optional[str]:
    """A string option's value; ``ParameterError`` when it is set but blank (it would match nothing)."""
    value = params.get(option)
    if value is not None and not str(value).strip():
        raise ParameterError(option, "must not be empty")
    return value


def _ids(params: Mapping[str, Any], source: TaskSource) -> Tuple[Optional[Tuple[str, ...]], Optional[str]]:
    single, several = params.get(source.id_option), params.get(source.ids_option)
    if single is not None and several is not None:
        raise ParameterError(source.id_option, "cannot be combined with %s" % source.ids_option)
    if single is not None:
        return (text_option(params, source.id_option),), source.id_option
    if several is None:
        return None, None
    if not several:
        raise ParameterError(source.ids_option, "must list at least one id")
    if any(not str(task_id).strip() for task_id in several):
        raise ParameterError(source.ids_option, "must not contain an empty id")
    return tuple(dict.fromkeys(several)), source.ids_option


def parse_selection(params: Mapping[str, Any], source: TaskSource) -> Selection:
    """Check the selection and paging options against each other; raises ``ParameterError``."""
    ids, id_option = _ids(params, source)
    offset, limit = params.get("offset"), params.get("limit")
    if ids is not None:
        for option in source.filter_options + ("offset", "limit"):
            if params.get(option) not in (None, []):
                raise ParameterError(option, "cannot be combined with %s: tasks selected by id are not filtered" % id_option)
    if offset is not None and offset < 0:
        raise ParameterError("offset", "must be 0 or more, got %d" % offset)
    if limit is not None and not 1 <= limit <= source.page_size:
        raise ParameterError("limit", "must be from 1 to %d (the largest page the API serves), got %d" % (source.page_size, limit))
    if params.get("wait") and (offset is not None or limit is not None):
        raise ParameterError("offset" if offset is not None else "limit",
                             "cannot be combined with wait: a wait follows every selected task, not one page")
    return Selection(ids, id_option, offset, limit)


class TasksTimedOut(DbTasksError):
    """A wait timed out; the failure also carries the last view of every selected task."""

    def __init__(self, timeout: WaitTimeout, result_key: str) -> None:
        super().__init__(str(timeout))
        self.timeout = timeout
        self.result_key = result_key

    def to_fail_kwargs(self) -> Dict[str, Any]:
        return {"msg": str(self), "elapsed": round(self.timeout.elapsed, 1), "wait_outcome": "timeout", self.result_key: self.timeout.items}


class _TransientErrors:
    """Counts the polls that failed transiently during a wait, for one warning at the end."""

    def __init__(self) -> None:
        self.count = 0
        self.last: Optional[ApiError] = None

    def __call__(self, error: ApiError) -> None:
        self.count += 1
        self.last = error

    def warning(self) -> Optional[str]:
        if not self.count:
            return None
        return "%d poll(s) failed with a transient error and the wait went on; the last: %s" % (self.count, self.last)


def collect_tasks(source: TaskSource, params: Mapping[str, Any], warn: Callable[[str], None], **waiter_options: Any) -> Dict[str, Any]:
    """Select, read and (with ``wait``) wait for tasks; the module result without ``changed``.

    Every option is checked before the first request. ``waiter_options``
    (``sleep``, ``clock``) reach the ``Waiter``, so tests never sleep.
    """
    selection = parse_selection(params, source)
    tracker = TaskTracker(source, selection)
    transient = _TransientErrors()
    waiter = None
    if params.get("wait"):
        waiter = Waiter(tracker.poll, timeout=params["wait_timeout"], first_interval=params["wait_sleep"], target=params["wait_for"],
                        fail_fast=params["wait_fail_fast"], max_interval=max(60.0, params["wait_sleep"]),
                        on_transient_error=transient, **waiter_options)
    try:
        extra: Dict[str, Any] = {}
        if waiter is None:
            items = tracker.poll()
        else:
            try:
                waited = waiter.run()
            except WaitTimeout as timeout:
                raise TasksTimedOut(timeout, source.result_key) from None
            items = waited.items
            extra = {"wait_outcome": waited.outcome, "elapsed": round(waited.elapsed, 1)}
        result: Dict[str, Any] = {source.result_key: tracker.report_items(items)}
        if tracker.total_count is not None and selection.ids is None:
            result["total_count"] = tracker.total_count
        result.update(extra)
        return result
    finally:
        transient_warning = transient.warning()
        for warning in list(tracker.warnings) + ([transient_warning] if transient_warning else []):
            warn(warning)


def run_info_module(source_class: Type[TaskSource], argument_spec: Dict[str, Any]) -> None:
    """The body of every info module's ``main()``: options, source, collect, exit.

    ``argument_spec`` holds the module's own options; paging and waiting are added here.
    """
    spec = dict(argument_spec, **PAGING_ARGUMENT_SPEC)
    spec.update(WAIT_ARGUMENT_SPEC)
    tasks_module = DbTasksModule(spec, source_class.connection, service=source_class.service, supports_check_mode=True,
                                 mutually_exclusive=[(source_class.id_option, source_class.ids_option)])

    def report() -> Dict[str, Any]:
        params, hooks = tasks_module.params, tasks_module.hooks
        source = source_class(tasks_module.client, params, hooks.utcnow())
        return collect_tasks(source, params, tasks_module.warn, sleep=hooks.sleep, clock=hooks.clock)

    tasks_module.run(report)
