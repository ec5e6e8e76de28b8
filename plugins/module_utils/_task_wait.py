# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Waiting for tasks of several providers at once: ``dbtasks.cloud.task_wait`` on the shared wait engine.

The action runs on the controller, so one wait follows UDTS, DDS and RDS
tasks together: the engine (``_wait.py``) reads each provider on its own at
every poll, each in a thread of its own, so a task that fails on one provider
ends the wait within one poll interval however long the others still run, and
a provider that fails or stalls does not hide the others. This file selects the tasks, builds one
``Followed`` per provider and shapes the result; ``_task_wait_report.py`` words it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError
from ansible_collections.dbtasks.cloud.plugins.module_utils._provider import Provider
from ansible_collections.dbtasks.cloud.plugins.module_utils._redact import Redactor
from ansible_collections.dbtasks.cloud.plugins.module_utils._response import Notices
from ansible_collections.dbtasks.cloud.plugins.module_utils._runtime import Connections, RuntimeHooks
from ansible_collections.dbtasks.cloud.plugins.module_utils._states import ENDED_BADLY, normalized
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_options import TaskRef, WaitPlan, option_prefix
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_report import (
    ProgressLog,
    build_result,
    describe,
    describe_selector,
    summary_lines,
    timeout_result,
)
from ansible_collections.dbtasks.cloud.plugins.module_utils._text import MESSAGE_LIMIT, SHOW, Show, safe_text
from ansible_collections.dbtasks.cloud.plugins.module_utils._tracker import Grace, Selection, TaskSource, TaskTracker
from ansible_collections.dbtasks.cloud.plugins.module_utils._wait import FixedInterval, TransientErrors, Waiter, WaitTimeout
from ansible_collections.dbtasks.cloud.plugins.module_utils._watch import Followed, Watch


class TaskWait:
    """Selects the tasks, waits for them all at once, and builds the action's result.

    ``emit`` receives each progress line (the action prints it at default verbosity); ``show`` makes API text safe for
    lines and messages (redacted first).
    """

    def __init__(self, plan: WaitPlan, connections: Connections, emit: Callable[[str], None], show: Show = SHOW) -> None:
        self.plan = plan
        self.connections = connections
        self.emit = emit
        self.show = show
        self.warnings: dict[str, None] = {}
        self.unmatched_selectors: list[str] = []  # each selector that found no task, as the caller wrote it
        self.hooks = connections.hooks
        now = self.hooks.utcnow()
        # Every source is built (and its filters validated) before the first request.
        self._selector_sources: list[tuple[Provider, TaskSource]] = []
        for index, selector in enumerate(plan.selectors):
            with option_prefix("selectors[%d]" % index):
                provider = plan.providers[selector["provider"]]
                self._selector_sources.append((provider, provider.source(provider, connections.client(provider), selector, now)))
        self._tracking_sources = {provider.name: provider.source(provider, connections.client(provider), {}, now) for provider in plan.used()}

    def _select(self) -> list[TaskRef]:
        refs: dict[tuple[str, str], TaskRef] = {(ref.provider, ref.id): ref for ref in self.plan.tasks}
        for index, (provider, source) in enumerate(self._selector_sources):
            tracker = TaskTracker(source, Selection(None, None, None, None), self.hooks.utcnow)
            found = [str(normalized(item, "id")) for item in tracker.poll() if normalized(item, "id") is not None]
            for task_id in found:
                refs.setdefault((provider.name, task_id), TaskRef(provider.name, task_id))
            if not found:
                self.unmatched_selectors.append(describe_selector(self.plan, index))
            self._warn(tracker.warnings)
        return list(refs.values())

    def _warn(self, warnings: Any) -> None:
        for warning in warnings:
            self.warnings[warning] = None

    def _groups(self, refs: list[TaskRef]) -> tuple[list[Followed], list[TaskRef]]:
        """One ``Followed`` per provider with tasks, and the refs in the order of the groups' items."""
        groups, grouped = [], []
        for provider in self.plan.used():
            own = [ref for ref in refs if ref.provider == provider.name]
            if own:
                selection = Selection(tuple(ref.id for ref in own), "the %s task" % provider.name, None, None)
                # A task started just before the wait may not be visible yet: an id named in tasks counts as pending for a while.
                grace = Grace(self.plan.not_found_grace, self.plan.names("not_found_grace"), self.hooks.clock,
                              frozenset(ref.id for ref in self.plan.tasks if ref.provider == provider.name))
                groups.append(Followed(TaskTracker(self._tracking_sources[provider.name], selection, self.hooks.utcnow, grace)))
                grouped.extend(own)
        return groups, grouped

    def run(self) -> dict[str, Any]:
        """The action result (without ``changed``); raises ``DbTasksError`` for errors that end the wait early."""
        plan, show = self.plan, self.show
        refs = self._select()
        if not refs:
            return build_result(plan, [], [], None, 0.0, 0, {})
        groups, grouped = self._groups(refs)
        transient = TransientErrors()
        # Progress lines are due every progress_interval, so a poll is too.
        interval = min(plan.poll_interval, plan.progress_interval)

        def on_transient_error(error: ApiError, elapsed: float) -> None:
            transient(error, elapsed)
            progress.on_transient_error(error, elapsed)

        # Results follow the order of tasks, then selectors; groups answer provider by provider. A provider that has
        # not answered within one interval is judged on its last reading, so the others are still seen every interval.
        watch = Watch(groups, plan.target, self.hooks.clock, on_transient_error, order=[grouped.index(ref) for ref in refs],
                      timeout=plan.timeout, read_budget=interval)
        progress = ProgressLog(refs, plan, self.emit, watch, show)
        waiter = Waiter(watch.poll, timeout=plan.timeout, target=plan.target, fail_fast=True, fail_fast_states=plan.fail_on,
                        interval=FixedInterval(interval), sleep=self.hooks.sleep, clock=self.hooks.clock,
                        on_poll=progress.on_poll, on_transient_error=on_transient_error,
                        describe=lambda index, item: describe(refs[index], item, show=show) + watch.last_read(index),
                        unreadable=watch.unreadable)
        try:
            try:
                with self.connections.deadline.within(plan.timeout):
                    waited = waiter.run()
            except WaitTimeout as timeout:
                return timeout_result(refs, timeout, watch.polls, progress.finished_after, watch.read_times(), plan)
            items = watch.report_items(waited.items, plan.fail_on | ENDED_BADLY, lambda warning: self._warn([warning]), show)
            return build_result(plan, refs, items, waited.outcome, waited.elapsed, watch.polls, progress.finished_after, show,
                                watch.read_times(), watch.unreadable())
        finally:
            self._warn(watch.warnings())
            transient_warning = transient.warning()
            if transient_warning:
                self._warn([transient_warning])


def run_task_wait(plan: WaitPlan, settings: Mapping[str, Mapping[str, Any]], emit: Callable[[str], None],
                  hooks: RuntimeHooks | None = None, redactor: Redactor | None = None,
                  notices: Notices | None = None) -> tuple[dict[str, Any], list[str]]:
    """Validate the connections, wait, close; returns ``(result, warnings)``. Raises ``DbTasksError``.

    Every line, message and text field passes through ``redactor``, so a secret
    that a provider echoes in a task name or failure reason is masked too.
    The connections' warnings come first in ``warnings``; when this raises, they
    are left in ``notices`` for the caller.
    """
    redactor = redactor or Redactor()
    hooks = hooks or RuntimeHooks()
    # Only the clouds the plan uses are checked, so an RDS-only wait needs no UCloud key.
    connections = Connections(settings, [], hooks, redactor, notices)
    for cloud in plan.clouds():
        with option_prefix(cloud):
            connections.validate(cloud)
    try:
        wait = TaskWait(plan, connections, lambda line: emit(safe_text(redactor.text(line), MESSAGE_LIMIT)), Show(redactor.text))
        result = wait.run()
    finally:
        connections.close()
    result["msg"] = safe_text(redactor.text(result["msg"]), MESSAGE_LIMIT)
    for row in result["tasks"] + result["unreadable"]:
        row.update((name, redactor.text(value)) for name, value in row.items() if isinstance(value, str))
    warnings = [safe_text(redactor.text(warning), MESSAGE_LIMIT) for warning in connections.notices.drain() + list(wait.warnings)]
    if wait.unmatched_selectors:
        result["unmatched_selectors"] = [safe_text(redactor.text(selector), MESSAGE_LIMIT) for selector in wait.unmatched_selectors]
    # Also in the summary: a caller that hides the result (no_log) still shows the summary.
    result["summary"] = summary_lines(result, warnings)
    return result, warnings
