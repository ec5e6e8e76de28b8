# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Waiting for tasks of several providers at once: the engine of the ``dbtasks.cloud.task_wait`` action.

The action runs on the controller, so one ``Waiter`` can follow UDTS, DDS
and RDS tasks together: one poll is one ``TaskTracker.poll`` per provider
(one list request per page, not one request per task), and a task that
fails on one provider ends the wait within one poll interval however long
the others still run. Listing, state mapping and waiting are the shared
``_tracker``/``_wait`` code; this file only wires them up.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from ansible_collections.dbtasks.cloud.plugins.module_utils._common import huawei_config, transport_settings, ucloud_config
from ansible_collections.dbtasks.cloud.plugins.module_utils._dds import DdsJobs
from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError
from ansible_collections.dbtasks.cloud.plugins.module_utils._huawei_client import HuaweiClient
from ansible_collections.dbtasks.cloud.plugins.module_utils._module import RuntimeHooks
from ansible_collections.dbtasks.cloud.plugins.module_utils._rds import RdsTasks
from ansible_collections.dbtasks.cloud.plugins.module_utils._states import failure_reason, is_done
from ansible_collections.dbtasks.cloud.plugins.module_utils._redact import Redactor
from ansible_collections.dbtasks.cloud.plugins.module_utils._retry import RetryPolicy
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_options import CONNECTION_OF, TaskRef, WaitPlan, option_prefix
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_report import ProgressLog, build_result, summary_lines, timeout_result
from ansible_collections.dbtasks.cloud.plugins.module_utils._tracker import Selection, TaskSource, TaskTracker
from ansible_collections.dbtasks.cloud.plugins.module_utils._transport import RequestsTransport
from ansible_collections.dbtasks.cloud.plugins.module_utils._ucloud_client import UCloudClient
from ansible_collections.dbtasks.cloud.plugins.module_utils._udts import UdtsTasks
from ansible_collections.dbtasks.cloud.plugins.module_utils._wait import Waiter, WaitTimeout

SOURCES = {"udts": UdtsTasks, "dds": DdsJobs, "rds": RdsTasks}


class Connections:
    """Validated settings, one transport per connection (ucloud, huaweicloud) and one client per provider.

    Built from the validated ``ucloud``/``huaweicloud`` option dicts; only the
    connections the plan uses are checked, so an RDS-only wait needs no UCloud key.
    """

    def __init__(self, settings: Mapping[str, Mapping[str, Any]], used: List[str], hooks: RuntimeHooks, redactor: Redactor) -> None:
        self.hooks = hooks
        self.redactor = redactor
        self._settings = settings
        self._configs: Dict[str, Any] = {}
        self._transports: Dict[str, Any] = {}
        self._clients: Dict[str, Any] = {}
        for connection in used:
            with option_prefix(connection):
                params = settings[connection]
                config = ucloud_config(params) if connection == "ucloud" else huawei_config(params)
                self._configs[connection] = (config, transport_settings(params))

    def _transport(self, connection: str) -> Any:
        if connection not in self._transports:
            self._transports[connection] = self.hooks.transport or RequestsTransport(redactor=self.redactor, **self._configs[connection][1])
        return self._transports[connection]

    def client(self, provider: str) -> Any:
        """The client of ``provider``; building it sends nothing."""
        if provider not in self._clients:
            connection = CONNECTION_OF[provider]
            config = self._configs[connection][0]
            policy = RetryPolicy(retries=self._settings[connection]["retries"], sleep=self.hooks.sleep, clock=self.hooks.clock)
            transport = self._transport(connection)
            if connection == "ucloud":
                self._clients[provider] = UCloudClient(config, transport, policy, redactor=self.redactor)
            else:
                self._clients[provider] = HuaweiClient(config, provider, transport, policy, redactor=self.redactor, utcnow=self.hooks.utcnow)
        return self._clients[provider]

    def close(self) -> None:
        if self.hooks.transport is None:
            for transport in self._transports.values():
                transport.close()
        self._transports.clear()


class ProviderGroup:
    """The tasks of one provider and the tracker that reads them all in one poll."""

    def __init__(self, provider: str, refs: List[TaskRef], source: TaskSource) -> None:
        self.provider = provider
        self.refs = refs
        self.source = source
        self.tracker = TaskTracker(source, Selection(tuple(ref.id for ref in refs), "the %s task" % provider, None, None))
        self.last: Optional[List[Dict[str, Any]]] = None

    def poll(self, target: str) -> List[Dict[str, Any]]:
        """The tasks as the tracker reads them now; once every one is done they are not read again."""
        if self.last is None or not all(is_done(item, target) for item in self.last):
            self.last = self.tracker.poll()
        return self.last


class TaskWait:
    """Selects the tasks, waits for them all at once, and builds the action's result.

    ``emit`` receives each progress line (the action prints it at default verbosity).
    """

    def __init__(self, plan: WaitPlan, connections: Connections, emit: Callable[[str], None]) -> None:
        self.plan = plan
        self.connections = connections
        self.emit = emit
        self.warnings: Dict[str, None] = {}
        self.polls = 0
        hooks = connections.hooks
        now = hooks.utcnow()
        # Every source is built (and its filters validated) before the first request.
        self._selector_sources: List[Tuple[Dict[str, Any], List[TaskSource]]] = []
        for index, selector in enumerate(plan.selectors):
            with option_prefix("selectors[%d]" % index):
                self._selector_sources.append((selector, self._sources_for(selector, now)))
        self._tracking_sources = {provider: SOURCES[provider](connections.client(provider), {}, now) for provider in plan.providers()}
        self.groups: List[ProviderGroup] = []
        self._order: List[int] = []  # position in the provider groups of each task, in the given order
        self._refs: List[TaskRef] = []

    def _sources_for(self, selector: Dict[str, Any], now: Any) -> List[TaskSource]:
        provider = selector["provider"]
        client = self.connections.client(provider)
        params = dict(selector)
        if provider == "udts":
            return [SOURCES[provider](client, params, now)]
        # The Huawei list APIs filter by one status: one listing per status asked for.
        return [SOURCES[provider](client, dict(params, status=status), now) for status in params.pop("status", None) or [None]]

    def _select(self) -> List[TaskRef]:
        refs: Dict[Tuple[str, str], TaskRef] = {(ref.provider, ref.id): ref for ref in self.plan.tasks}
        for selector, sources in self._selector_sources:
            for source in sources:
                tracker = TaskTracker(source, Selection(None, None, None, None))
                for item in tracker.poll():
                    if item.get("id") is not None:
                        refs.setdefault((selector["provider"], str(item["id"])), TaskRef(selector["provider"], str(item["id"])))
                self._warn(tracker.warnings)
        return list(refs.values())

    def _warn(self, warnings: Any) -> None:
        for warning in warnings:
            self.warnings[warning] = None

    def poll(self) -> List[Dict[str, Any]]:
        """One look at every task: one ``TaskTracker.poll`` per provider; items in the order the tasks were given."""
        self.polls += 1
        grouped: List[Dict[str, Any]] = []
        for group in self.groups:
            grouped.extend(group.poll(self.plan.target))
        return [grouped[index] for index in self._order]

    def run(self) -> Dict[str, Any]:
        """The action result (without ``changed``); raises ``DbTasksError`` for errors that end the wait early."""
        refs = self._select()
        if not refs:
            return build_result(self.plan, [], [], None, 0.0, self.polls, {})
        for provider in self.plan.providers():
            own = [ref for ref in refs if ref.provider == provider]
            if own:
                self.groups.append(ProviderGroup(provider, own, self._tracking_sources[provider]))
        grouped = [ref for group in self.groups for ref in group.refs]
        # Trackers answer provider by provider; results follow the order of tasks, then selectors.
        self._order = [grouped.index(ref) for ref in refs]
        self._refs = refs
        progress = ProgressLog(refs, self.plan, self.emit)
        plan = self.plan
        # Progress lines are due every progress_interval, so a poll is too.
        max_interval = min(plan.poll_interval, plan.progress_interval)
        # A fixed cadence: a gate over many staggered tasks always has one about to finish, so polls brought
        # forward by estimates cost more requests than a per-task loop, while a finish or a failure is noticed
        # within one poll_interval anyway. The info modules' own wait keeps the adaptive interval.
        waiter = Waiter(self.poll, timeout=plan.timeout, first_interval=max_interval, target=plan.target,
                        fail_fast=True, fail_fast_states=plan.fail_on, min_interval=max_interval, max_interval=max_interval,
                        sleep=self.connections.hooks.sleep, clock=self.connections.hooks.clock,
                        on_poll=progress.on_poll, on_transient_error=progress.on_transient_error)
        try:
            try:
                waited = waiter.run()
            except WaitTimeout as timeout:
                result = timeout_result(plan, refs, timeout.items, timeout.elapsed, self.polls, progress.finished_after)
                if not timeout.items and progress.last_transient_error is not None:
                    result["msg"] += "; the last poll failed: %s" % progress.last_transient_error
                return result
            items = self._with_failure_reasons(waited.items)
            return build_result(plan, refs, items, waited.outcome, waited.elapsed, self.polls, progress.finished_after)
        finally:
            for group in self.groups:
                self._warn(group.tracker.warnings)
            if progress.transient_errors:
                self._warn(["%d poll(s) failed with a transient error and the wait went on; the last: %s"
                            % (progress.transient_errors, progress.last_transient_error)])

    def _with_failure_reasons(self, items: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
        """The last items, with the failure message of each task that ended badly read if its listing lacks one (UDTS).

        Only those tasks are read again, so a wait costs one extra request per failed UDTS task, not one per task.
        """
        bad_states = self.plan.fail_on | {"failed", "stopped"}
        refs = {ref: group for group in self.groups for ref in group.refs}
        completed = []
        for ref, item in zip(self._refs, items):
            group = refs[ref]
            if group.source.detail_on_report and item.get("state") in bad_states and not item.get("failure_reason"):
                try:
                    reason = failure_reason(group.provider, group.source.get_one(ref.id))
                except ApiError as error:
                    # The wait is over; a detail that cannot be read does not change its outcome.
                    self._warn(["the failure message of %s task %s could not be read: %s" % (ref.provider, ref.id, error)])
                    reason = None
                item = dict(item, failure_reason=reason) if reason else item
            completed.append(item)
        return completed


def run_task_wait(plan: WaitPlan, settings: Mapping[str, Mapping[str, Any]], emit: Callable[[str], None],
                  hooks: Optional[RuntimeHooks] = None, redactor: Optional[Redactor] = None) -> Tuple[Dict[str, Any], List[str]]:
    """Validate the connections, wait, close; returns ``(result, warnings)``. Raises ``DbTasksError``.

    Every line, message and text field passes through ``redactor``, so a secret
    that a provider echoes in a task name or failure reason is masked too.
    """
    redactor = redactor or Redactor()
    connections = Connections(settings, plan.connections(), hooks or RuntimeHooks(), redactor)
    try:
        wait = TaskWait(plan, connections, lambda line: emit(redactor.text(line)))
        result = wait.run()
    finally:
        connections.close()
    result["msg"] = redactor.text(result["msg"])
    for row in result["tasks"]:
        row.update((name, redactor.text(value)) for name, value in row.items() if isinstance(value, str))
    warnings = [redactor.text(warning) for warning in wait.warnings]
    # Also in the summary: a caller that hides the result (no_log) still shows the summary.
    result["summary"] = summary_lines(result, warnings)
    return result, warnings
