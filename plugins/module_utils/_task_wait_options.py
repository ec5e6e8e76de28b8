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
import copy
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from ansible_collections.dbtasks.cloud.plugins.module_utils._clouds import CLOUDS
from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._provider import Provider
from ansible_collections.dbtasks.cloud.plugins.module_utils._providers import PROVIDERS
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_names import OptionNames
from ansible_collections.dbtasks.cloud.plugins.module_utils._wait import (
    DEFAULT_GRACE,
    MAX_GRACE,
    MAX_INTERVAL,
    MAX_PROGRESS_INTERVAL,
    MAX_TIMEOUT,
    MIN_INTERVAL,
    TARGETS,
    check_seconds,
)

# The connection options of each cloud, under the cloud's name (task_wait's ``ucloud`` and ``huaweicloud`` options).
CONNECTION_SPECS: dict[str, dict[str, Any]] = {name: cloud.options for name, cloud in CLOUDS.items()}
FAIL_ON_CHOICES = ("failed", "stopped", "retrying", "unknown")
DEFAULT_FAIL_ON = ["failed", "stopped"]
# The seconds each duration option takes, both bounds included (the docs state them: tests/functional/meta/test_option_docs.py).
DURATION_BOUNDS: dict[str, tuple[int, int]] = {
    "timeout": (0, MAX_TIMEOUT),
    "poll_interval": (MIN_INTERVAL, MAX_INTERVAL),
    "progress_interval": (MIN_INTERVAL, MAX_PROGRESS_INTERVAL),
    "not_found_grace": (0, MAX_GRACE),
}


def group_member(cloud: str, providers: Mapping[str, Provider] = PROVIDERS) -> str:
    """An info module of ``cloud``'s action group: task_wait takes the group's module_defaults as that module would."""
    return next(provider.module for provider in providers.values() if provider.cloud == cloud)


def all_filters(providers: Mapping[str, Provider]) -> tuple[str, ...]:
    """Every selector filter of any provider, in the order the records name them."""
    return tuple(dict.fromkeys(name for provider in providers.values() for name in provider.selector_filters))


def task_wait_spec(providers: Mapping[str, Provider] = PROVIDERS) -> dict[str, dict[str, Any]]:
    """A fresh argument spec of task_wait over ``providers`` (``TASK_WAIT_SPEC`` is the one over the registry, for reading).

    Validate with a fresh one: ``ArgumentSpecValidator`` fills the defaults of a dict option
    with suboptions into the spec's own ``default`` object, which a shared spec would keep.
    """
    names = list(providers)
    return copy.deepcopy({
        "tasks": {"type": "list", "elements": "dict", "default": [], "options": {
            "provider": {"type": "str", "required": True, "choices": names},
            "id": {"type": "str", "required": True},
            "name": {"type": "str"},
        }},
        "selectors": {"type": "list", "elements": "dict", "default": [], "options": dict(
            {"provider": {"type": "str", "required": True, "choices": names}, "status": {"type": "list", "elements": "str"}},
            **{name: {"type": "raw" if name.endswith("_time") else "str"} for name in all_filters(providers) if name != "status"}
        )},
        **_WAIT_SPEC,
    })


_WAIT_SPEC: dict[str, dict[str, Any]] = {
    "timeout": {"type": "float", "default": 1800.0},
    "poll_interval": {"type": "float", "default": 30.0},
    "progress_interval": {"type": "float", "default": 60.0},
    "not_found_grace": {"type": "float", "default": float(DEFAULT_GRACE)},
    "target": {"type": "str", "default": "terminal", "choices": list(TARGETS)},
    "fail_on": {"type": "list", "elements": "str", "default": DEFAULT_FAIL_ON, "choices": list(FAIL_ON_CHOICES)},
    "allow_empty": {"type": "bool", "default": False},
    "junit_file": {"type": "path"},
    "json_file": {"type": "path"},
    "variable_prefix": {"type": "str"},
}
_WAIT_SPEC.update((name, {"type": "dict", "default": {}, "apply_defaults": True, "options": options})
                  for name, options in CONNECTION_SPECS.items())
TASK_WAIT_SPEC = task_wait_spec(PROVIDERS)


class TaskRef(NamedTuple):
    """One task to wait for; ``name`` (for display) is None when the task list gave none."""

    provider: str
    id: str
    name: str | None = None


class WaitPlan(NamedTuple):
    providers: Mapping[str, Provider]  # the registry the plan was checked against
    tasks: tuple[TaskRef, ...]  # named in ``tasks``, in order, without repeats
    selectors: tuple[dict[str, Any], ...]  # each with only the filters that are set
    timeout: float
    poll_interval: float
    progress_interval: float
    target: str
    fail_on: frozenset[str]
    allow_empty: bool
    not_found_grace: float = float(DEFAULT_GRACE)  # seconds an id the API does not know yet counts as pending
    names: OptionNames = OptionNames()  # how messages name the options: the role passes its variable prefix

    def used(self) -> list[Provider]:
        """The providers this wait reads, in the registry's order."""
        used = {ref.provider for ref in self.tasks} | {selector["provider"] for selector in self.selectors}
        return [provider for name, provider in self.providers.items() if name in used]

    def clouds(self) -> list[str]:
        return list(dict.fromkeys(provider.cloud for provider in self.used()))


@contextlib.contextmanager
def option_prefix(prefix: str) -> Iterator[None]:
    """Re-raise a ``ParameterError`` about ``option`` as one about ``prefix.option`` (the option as the user wrote it)."""
    try:
        yield
    except ParameterError as error:
        raise ParameterError("%s.%s" % (prefix, error.option), error.rule) from None


def _seconds(params: Mapping[str, Any], option: str) -> float:
    return check_seconds(option, params[option], *DURATION_BOUNDS[option])


def _task_refs(tasks: list[Mapping[str, Any]]) -> tuple[TaskRef, ...]:
    refs: dict[tuple[str, str], TaskRef] = {}
    for index, task in enumerate(tasks):
        task_id = task["id"]
        if not task_id.strip():
            raise ParameterError("tasks[%d].id" % index, "must not be empty")
        name = task.get("name")
        if name is not None and not name.strip():
            raise ParameterError("tasks[%d].name" % index, "must not be empty when set")
        refs.setdefault((task["provider"], task_id), TaskRef(task["provider"], task_id, name))
    return tuple(refs.values())


def _selector(index: int, selector: Mapping[str, Any], providers: Mapping[str, Provider]) -> dict[str, Any]:
    name_of_provider = selector["provider"]
    provider = providers[name_of_provider]
    where = "selectors[%d]" % index
    filters = {name: value for name, value in selector.items() if name != "provider" and value is not None}
    for name in filters:
        if name not in provider.selector_filters:
            users = [other for other, record in providers.items() if name in record.selector_filters]
            raise ParameterError("%s.%s" % (where, name), "applies to %s selectors only, not %s" % (" and ".join(users), name_of_provider))
    if not filters:
        raise ParameterError(where, "needs at least one filter (%s); a %s selector without one would select every task"
                             % (", ".join(provider.selector_filters), name_of_provider))
    if "status" in filters:
        known = provider.statuses
        folded = {status.casefold(): status for status in known}
        if not filters["status"]:
            raise ParameterError(where + ".status", "must list at least one status")
        for status in filters["status"]:
            # A status the API filters must be spelled as documented; one filtered here may take any case.
            if (status not in known) if provider.status_filter_exact else (str(status).casefold() not in folded):
                raise ParameterError(where + ".status", "%r is not a %s status; use one of %s" % (status, name_of_provider, ", ".join(known)))
        filters["status"] = list(dict.fromkeys(filters["status"]))
    return dict(filters, provider=name_of_provider)


def parse_plan(params: Mapping[str, Any], providers: Mapping[str, Provider] = PROVIDERS) -> WaitPlan:
    """Check the validated parameters against the rules a spec cannot express; raises ``ParameterError``."""
    tasks = _task_refs(params.get("tasks") or [])
    selectors = tuple(_selector(index, selector, providers) for index, selector in enumerate(params.get("selectors") or []))
    names = OptionNames(params.get("variable_prefix"))
    if not tasks and not selectors:
        raise ParameterError("tasks", "nothing to wait for: list tasks by id in %s, or choose them by filters with %s"
                             % (names("tasks"), names("selectors")))
    fail_on = params["fail_on"]
    if not fail_on:
        raise ParameterError("fail_on", "must list at least one state (%s)" % ", ".join(FAIL_ON_CHOICES))
    return WaitPlan(
        providers=providers,
        tasks=tasks,
        selectors=selectors,
        timeout=_seconds(params, "timeout"),
        poll_interval=_seconds(params, "poll_interval"),
        progress_interval=_seconds(params, "progress_interval"),
        target=params["target"],
        fail_on=frozenset(fail_on),
        allow_empty=bool(params["allow_empty"]),
        not_found_grace=_seconds(params, "not_found_grace"),
        names=names,
    )


def merge_connection(group_defaults: Mapping[str, Any], explicit: Mapping[str, Any] | None, cloud: str) -> dict[str, Any]:
    """The connection dict to validate: the action group's module_defaults (connection options only), then the task's own values.

    The info modules' other defaults (``wait_timeout``, filters) do not apply to task_wait and are left out.
    """
    options = CONNECTION_SPECS[cloud]
    merged = {name: value for name, value in group_defaults.items() if name in options and value is not None}
    merged.update((name, value) for name, value in (explicit or {}).items() if value is not None)
    return merged
