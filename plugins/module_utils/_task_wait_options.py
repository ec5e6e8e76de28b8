# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The options of the ``dbtasks.cloud.task_wait`` action: argument spec and the checks types cannot express.

``TASK_WAIT_SPEC`` is validated with Ansible's ``ArgumentSpecValidator``
(types, choices, required keys, environment fallbacks of the connection
options); ``parse_plan`` then checks what the spec cannot and returns a
``WaitPlan``. Nothing here sends a request.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any, Dict, FrozenSet, Iterator, List, Mapping, NamedTuple, Optional, Tuple

from ansible_collections.dbtasks.cloud.plugins.module_utils._common import COMMON_SPEC, HUAWEI_SPEC, UCLOUD_SPEC
from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._states import PROVIDERS, known_statuses
from ansible_collections.dbtasks.cloud.plugins.module_utils._wait import TARGETS

CONNECTION_OF = {"udts": "ucloud", "dds": "huaweicloud", "rds": "huaweicloud"}
CONNECTION_SPECS: Dict[str, Dict[str, Dict[str, Any]]] = {
    "ucloud": dict(UCLOUD_SPEC, **COMMON_SPEC),
    "huaweicloud": dict(HUAWEI_SPEC, **COMMON_SPEC),
}
# The info module of each connection: its action group's module_defaults are the connection's defaults.
GROUP_MEMBER = {"ucloud": "dbtasks.cloud.udts_task_info", "huaweicloud": "dbtasks.cloud.rds_task_info"}

# Which filters a selector may use, per provider (the options of the provider's info module).
SELECTOR_FILTERS = {
    "udts": ("status", "name", "type"),
    "dds": ("status", "name", "instance_id", "start_time", "end_time"),
    "rds": ("status", "name", "instance_id", "order_id", "start_time", "end_time"),
}
ALL_FILTERS = ("status", "name", "type", "instance_id", "order_id", "start_time", "end_time")
FAIL_ON_CHOICES = ("failed", "stopped", "retrying", "unknown")
DEFAULT_FAIL_ON = ["failed", "stopped"]
MAX_POLL_INTERVAL = 3600.0

TASK_WAIT_SPEC: Dict[str, Dict[str, Any]] = {
    "tasks": {"type": "list", "elements": "dict", "default": [], "options": {
        "provider": {"type": "str", "required": True, "choices": list(PROVIDERS)},
        "id": {"type": "str", "required": True},
        "name": {"type": "str"},
    }},
    "selectors": {"type": "list", "elements": "dict", "default": [], "options": dict(
        {"provider": {"type": "str", "required": True, "choices": list(PROVIDERS)}, "status": {"type": "list", "elements": "str"}},
        **{name: {"type": "raw" if name.endswith("_time") else "str"} for name in ALL_FILTERS if name != "status"}
    )},
    "timeout": {"type": "float", "default": 1800.0},
    "poll_interval": {"type": "float", "default": 30.0},
    "progress_interval": {"type": "float", "default": 60.0},
    "target": {"type": "str", "default": "terminal", "choices": list(TARGETS)},
    "fail_on": {"type": "list", "elements": "str", "default": DEFAULT_FAIL_ON, "choices": list(FAIL_ON_CHOICES)},
    "allow_empty": {"type": "bool", "default": False},
    "ucloud": {"type": "dict", "default": {}, "apply_defaults": True, "options": CONNECTION_SPECS["ucloud"]},
    "huaweicloud": {"type": "dict", "default": {}, "apply_defaults": True, "options": CONNECTION_SPECS["huaweicloud"]},
}


class TaskRef(NamedTuple):
    """One task to wait for; ``name`` (for display) is None when the task list gave none."""

    provider: str
    id: str
    name: Optional[str] = None


class WaitPlan(NamedTuple):
    tasks: Tuple[TaskRef, ...]  # named in ``tasks``, in order, without repeats
    selectors: Tuple[Dict[str, Any], ...]  # each with only the filters that are set
    timeout: float
    poll_interval: float
    progress_interval: float
    target: str
    fail_on: FrozenSet[str]
    allow_empty: bool

    def providers(self) -> List[str]:
        """The providers this wait reads, in the fixed order udts, dds, rds."""
        used = {ref.provider for ref in self.tasks} | {selector["provider"] for selector in self.selectors}
        return [provider for provider in PROVIDERS if provider in used]

    def connections(self) -> List[str]:
        return list(dict.fromkeys(CONNECTION_OF[provider] for provider in self.providers()))


@contextlib.contextmanager
def option_prefix(prefix: str) -> Iterator[None]:
    """Re-raise a ``ParameterError`` about ``option`` as one about ``prefix.option`` (the option as the user wrote it)."""
    try:
        yield
    except ParameterError as error:
        raise ParameterError("%s.%s" % (prefix, error.option), error.rule) from None


def _seconds(params: Mapping[str, Any], option: str, minimum: float, allow_minimum: bool, maximum: float = math.inf) -> float:
    value = float(params[option])
    too_small = value < minimum if allow_minimum else value <= minimum
    if not math.isfinite(value) or too_small or value > maximum:
        bound = "%g or more" % minimum if allow_minimum else "more than %g" % minimum
        if maximum != math.inf:
            bound += " and at most %g" % maximum
        raise ParameterError(option, "must be %s seconds, got %s" % (bound, params[option]))
    return value


def _task_refs(tasks: List[Mapping[str, Any]]) -> Tuple[TaskRef, ...]:
    refs: Dict[Tuple[str, str], TaskRef] = {}
    for index, task in enumerate(tasks):
        task_id = task["id"]
        if not task_id.strip():
            raise ParameterError("tasks[%d].id" % index, "must not be empty")
        name = task.get("name")
        if name is not None and not name.strip():
            raise ParameterError("tasks[%d].name" % index, "must not be empty when set")
        refs.setdefault((task["provider"], task_id), TaskRef(task["provider"], task_id, name))
    return tuple(refs.values())


def _selector(index: int, selector: Mapping[str, Any]) -> Dict[str, Any]:
    provider = selector["provider"]
    where = "selectors[%d]" % index
    filters = {name: value for name, value in selector.items() if name != "provider" and value is not None}
    for name in filters:
        if name not in SELECTOR_FILTERS[provider]:
            users = [other for other in PROVIDERS if name in SELECTOR_FILTERS[other]]
            raise ParameterError("%s.%s" % (where, name), "applies to %s selectors only, not %s" % (" and ".join(users), provider))
    if not filters:
        raise ParameterError(where, "needs at least one filter (%s); a %s selector without one would select every task"
                             % (", ".join(SELECTOR_FILTERS[provider]), provider))
    if "status" in filters:
        known = known_statuses(provider)
        folded = {status.casefold(): status for status in known}
        if not filters["status"]:
            raise ParameterError(where + ".status", "must list at least one status")
        for status in filters["status"]:
            # UDTS statuses are matched here, ignoring case; the Huawei APIs want their own spelling.
            if (provider == "udts" and str(status).casefold() not in folded) or (provider != "udts" and status not in known):
                raise ParameterError(where + ".status", "%r is not a %s status; use one of %s" % (status, provider, ", ".join(known)))
        filters["status"] = list(dict.fromkeys(filters["status"]))
    return dict(filters, provider=provider)


def parse_plan(params: Mapping[str, Any]) -> WaitPlan:
    """Check the validated parameters against the rules a spec cannot express; raises ``ParameterError``."""
    tasks = _task_refs(params.get("tasks") or [])
    selectors = tuple(_selector(index, selector) for index, selector in enumerate(params.get("selectors") or []))
    if not tasks and not selectors:
        raise ParameterError("tasks", "list at least one task, or select tasks with selectors")
    fail_on = params["fail_on"]
    if not fail_on:
        raise ParameterError("fail_on", "must list at least one state (%s)" % ", ".join(FAIL_ON_CHOICES))
    return WaitPlan(
        tasks=tasks,
        selectors=selectors,
        timeout=_seconds(params, "timeout", 0, allow_minimum=True),
        poll_interval=_seconds(params, "poll_interval", 0, allow_minimum=False, maximum=MAX_POLL_INTERVAL),
        progress_interval=_seconds(params, "progress_interval", 0, allow_minimum=False),
        target=params["target"],
        fail_on=frozenset(fail_on),
        allow_empty=bool(params["allow_empty"]),
    )


def merge_connection(group_defaults: Mapping[str, Any], explicit: Optional[Mapping[str, Any]], connection: str) -> Dict[str, Any]:
    """The connection dict to validate: the action group's module_defaults (connection options only), then the task's own values.

    The info modules' other defaults (``wait_timeout``, filters) do not apply to task_wait and are left out.
    """
    options = CONNECTION_SPECS[connection]
    merged = {name: value for name, value in group_defaults.items() if name in options and value is not None}
    merged.update((name, value) for name, value in (explicit or {}).items() if value is not None)
    return merged
