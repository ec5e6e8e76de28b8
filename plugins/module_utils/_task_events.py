# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Task change events for ``dbtasks.cloud.task_events``, the Event-Driven Ansible source (docs/events.md).

The source reads what task_wait reads, through the same pieces: its arguments
are checked by task_wait's selector rules and connection specs, one client per
service comes from ``Connections`` (options, environment variables, profiles),
and every read is the wait engine's (``_watch.py``): a ``Watch`` over the
provider's ``FollowedSelections``, the engine's mode for selections followed
with no end. It never ends, so it has no ``Waiter``: ``ProviderFeed.poll`` is
one poll of one provider, ``ProviderFeed.events`` turns what changed since the
last reading into events, and ``Outage`` words a run of failing reads as one
event when it starts and one when it ends. The plugin
(``extensions/eda/plugins/event_source/task_events.py``) schedules the polls.
Nothing here sleeps or knows about asyncio.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any, Callable, NamedTuple

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.dbtasks.cloud.plugins.module_utils._connection_options import secret_values
from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError, DbTasksError, ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._provider import Provider
from ansible_collections.dbtasks.cloud.plugins.module_utils._providers import PROVIDERS
from ansible_collections.dbtasks.cloud.plugins.module_utils._redact import Redactor
from ansible_collections.dbtasks.cloud.plugins.module_utils._runtime import Connections
from ansible_collections.dbtasks.cloud.plugins.module_utils._states import normalized
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_options import (
    CONNECTION_SPECS,
    _selector,
    option_prefix,
    task_wait_spec,
)
from ansible_collections.dbtasks.cloud.plugins.module_utils._text import ERROR_LIMIT, Show
from ansible_collections.dbtasks.cloud.plugins.module_utils._tracker import Selection, TaskTracker
from ansible_collections.dbtasks.cloud.plugins.module_utils._wait import MAX_INTERVAL, MIN_INTERVAL, check_seconds
from ansible_collections.dbtasks.cloud.plugins.module_utils._watch import FollowedSelections, Watch

Item = dict[str, Any]
Raw = dict[str, Any]
Event = dict[str, Any]

# What ansible-rulebook adds to a source's arguments.
RULEBOOK_ARGUMENTS = ("eda_feedback_queue",)
# A provider that keeps failing is read ever less often: the interval doubles per failed read up to this
# (or up to poll_interval, when that is longer), so an outage costs few requests and recovery is seen soon.
MAX_BACKOFF = 300.0
CHANGES = ("seen", "state", "progress")


def source_spec(providers: Mapping[str, Provider]) -> dict[str, dict[str, Any]]:
    """The source's arguments: task_wait's selectors (plus ``ids``) and connection options, and its own."""
    wait_spec = task_wait_spec(providers)
    selectors = copy.deepcopy(wait_spec["selectors"])
    del selectors["default"]
    selectors["required"] = True
    selectors["options"]["ids"] = {"type": "list", "elements": "str"}
    spec: dict[str, dict[str, Any]] = {
        "selectors": selectors,
        "poll_interval": {"type": "float", "default": 30.0},
        "progress": {"type": "bool", "default": False},
        "progress_step": {"type": "float", "default": 10.0},
    }
    spec.update((cloud, wait_spec[cloud]) for cloud in CONNECTION_SPECS)
    return spec


# For reading (docs, tests): validate with a fresh ``source_spec``, as ArgumentSpecValidator fills dict defaults into its spec.
SOURCE_SPEC = source_spec(PROVIDERS)


class SourcePlan(NamedTuple):
    providers: Mapping[str, Provider]
    selectors: tuple[tuple[str, dict[str, Any]], ...]  # (where, checked selector): ("selectors[0]", {...})
    poll_interval: float
    progress_step: float | None  # None: state changes only
    settings: dict[str, dict[str, Any]]  # the connection options per cloud
    secrets: tuple[str, ...]

    def by_provider(self) -> list[tuple[Provider, list[tuple[str, dict[str, Any]]]]]:
        """Each provider the selectors name, in the registry's order, with its selectors."""
        return [(provider, [entry for entry in self.selectors if entry[1]["provider"] == name])
                for name, provider in self.providers.items() if any(entry[1]["provider"] == name for entry in self.selectors)]

    def clouds(self) -> list[str]:
        return list(dict.fromkeys(provider.cloud for provider, _selectors in self.by_provider()))


def _secrets(args: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    for cloud, spec in CONNECTION_SPECS.items():
        if isinstance(args.get(cloud), Mapping):
            found.extend(secret_values(spec, args[cloud]))
    return found


def _check_selector(index: int, selector: Mapping[str, Any], providers: Mapping[str, Provider]) -> dict[str, Any]:
    where = "selectors[%d]" % index
    ids = selector.get("ids")
    filters = sorted(name for name, value in selector.items() if name not in ("provider", "ids") and value is not None)
    if ids is None:
        # Unlike a gate, a source may well watch every task of a provider: a selector without filters is allowed.
        return _selector(index, selector, providers) if filters else {"provider": selector["provider"]}
    if filters:
        raise ParameterError(where + ".ids", "cannot be combined with %s: tasks named by id are followed whatever they hold"
                             % ", ".join(filters))
    if not ids:
        raise ParameterError(where + ".ids", "must list at least one id")
    for position, task_id in enumerate(ids):
        if not task_id.strip():
            raise ParameterError("%s.ids[%d]" % (where, position), "must not be empty")
    return {"provider": selector["provider"], "ids": list(dict.fromkeys(ids))}


def _percent_step(value: float) -> float:
    if not (math.isfinite(value) and 0.1 <= value <= 100):
        raise ParameterError("progress_step", "must be from 0.1 to 100 percent, got %s" % value)
    return value


def parse_source_args(args: Mapping[str, Any], providers: Mapping[str, Provider] = PROVIDERS) -> SourcePlan:
    """Check the source's arguments before any request; raises ``DbTasksError`` naming the bad one (secrets masked)."""
    given = {name: value for name, value in args.items() if name not in RULEBOOK_ARGUMENTS}
    validation = ArgumentSpecValidator(source_spec(providers)).validate(given)
    params = validation.validated_parameters
    secrets = tuple(_secrets(given) + _secrets(params))
    if validation.error_messages:
        messages = ["unknown argument(s) %s" % error if type(error).__name__ == "UnsupportedError" else str(error)
                    for error in validation.errors.errors]
        raise DbTasksError(Redactor(secrets).text("invalid arguments: " + "; ".join(messages)))
    selectors = params["selectors"]
    if not selectors:
        raise ParameterError("selectors", "list at least one selector, such as {provider: dds, status: [Running]}")
    progress_step = _percent_step(params["progress_step"]) if params["progress"] else None
    return SourcePlan(
        providers=providers,
        selectors=tuple(("selectors[%d]" % index, _check_selector(index, selector, providers)) for index, selector in enumerate(selectors)),
        poll_interval=check_seconds("poll_interval", params["poll_interval"], MIN_INTERVAL, MAX_INTERVAL),
        progress_step=progress_step,
        settings={cloud: params[cloud] for cloud in CONNECTION_SPECS},
        secrets=secrets,
    )


def connect(plan: SourcePlan, connections: Connections) -> None:
    """Validate the connection options of every cloud the plan reads (before any request); raises ``ParameterError``."""
    for cloud in plan.clouds():
        with option_prefix(cloud):
            connections.validate(cloud)


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def redacted(value: Any, redactor: Redactor) -> Any:
    """``value`` (decoded JSON) with every secret masked in every string, keys included."""
    if isinstance(value, str):
        return redactor.text(value)
    if isinstance(value, Mapping):
        return {redacted(key, redactor): redacted(inner, redactor) for key, inner in value.items()}
    if isinstance(value, (list, tuple)):
        return [redacted(inner, redactor) for inner in value]
    return value


def task_event(provider: Provider, item: Item, raw: Raw, previous_state: str | None, change: str) -> Event:
    """The event of one task: its normalized fields (those derived through the record too) and the raw item."""
    return {"dbtasks": {
        "provider": provider.name,
        "id": normalized(item, "id"),
        "name": item.get("name"),
        "state": normalized(item, "state"),
        "previous_state": previous_state,
        "terminal": normalized(item, "terminal"),
        "progress_percent": normalized(item, "progress_percent"),
        "failure_reason": normalized(item, "failure_reason"),
        "instance_id": normalized(item, "instance_id"),
        "instance_name": normalized(item, "instance_name"),
        "created_at": normalized(item, "created_at"),
        "ended_at": normalized(item, "ended_at"),
        "change": change,
        "raw": raw,
    }}


class _Seen(NamedTuple):
    state: str
    terminal: bool
    percent: float | None  # the percentage the last event of the task carried


class ProviderFeed:
    """One provider's tasks for the source: read by the wait engine, and what changed since the last ``events``.

    The reads are the engine's: a ``FollowedSelections`` (lists each filter
    selector's tasks at every read, reads the tasks named by id once and then
    every unfinished task that left the listings by id until it ends, gives up
    a task the API no longer knows) polled through a ``Watch``, which reads it
    in a thread of its own, waits for the read at most ``read_budget`` seconds
    and sorts transient errors from the others. ``events`` turns a new reading
    into events.
    """

    def __init__(self, provider: Provider, connections: Connections, selectors: Sequence[tuple[str, Mapping[str, Any]]],
                 utcnow: Callable[[], datetime], redactor: Redactor, clock: Callable[[], float] = time.monotonic,
                 read_budget: float = math.inf) -> None:
        self.provider = provider
        self.redactor = redactor
        client = connections.client(provider)
        now = utcnow()
        listings: list[TaskTracker] = []
        named: list[TaskTracker] = []
        for where, selector in selectors:
            with option_prefix(where):
                if "ids" in selector:
                    selection = Selection(tuple(selector["ids"]), where + ".ids", None, None)
                    named.append(TaskTracker(provider.source(provider, client, {}, now), selection, utcnow))
                else:
                    listings.append(TaskTracker(provider.source(provider, client, selector, now), Selection(None, None, None, None), utcnow))
        self.group = FollowedSelections(provider.source(provider, client, {}, now), listings, named, utcnow)
        self._failed: list[ApiError] = []
        self.watch = Watch([self.group], "terminal", clock, lambda error, _elapsed: self._failed.append(error), read_budget=read_budget)
        self.seen: dict[Any, _Seen] = {}
        self.outage = Outage(provider, redactor)

    @property
    def reads(self) -> int:
        """Good reads so far."""
        return self.group.reads

    def poll(self) -> bool:
        """One poll of the engine; blocking (the plugin runs it in a thread). Whether it brought a new reading.

        Raises the transient ``ApiError`` that failed the read, or any other ``DbTasksError``.
        """
        reads = self.group.reads
        self._failed.clear()
        self.watch.poll()
        if self._failed:
            raise self._failed[-1]
        return self.group.reads > reads

    def events(self, progress_step: float | None) -> list[Event]:
        """The events of the last reading: first sight, state change and (with ``progress_step``) progress; secrets masked."""
        events = []
        for item in self.group.items or ():
            task_id = normalized(item, "id")
            state, percent = normalized(item, "state"), normalized(item, "progress_percent")
            before = self.seen.get(task_id)
            if before is None:
                change, previous = "seen", None
            elif state != before.state:
                change, previous = "state", before.state
            elif progress_step is not None and percent is not None and (before.percent is None or abs(percent - before.percent) >= progress_step):
                change, previous = "progress", before.state
            else:
                continue
            self.seen[task_id] = _Seen(state, bool(normalized(item, "terminal")), percent)
            events.append(redacted(task_event(self.provider, item, self.group.raws.get(task_id, {}), previous, change), self.redactor))
        for task_id, error in self.group.take_lost().items():
            events.append(self._lost_event(task_id, error))
        return events

    def _lost_event(self, task_id: Any, error: ApiError) -> Event:
        seen = self.seen.pop(task_id, None)
        return {"dbtasks_task_lost": {
            "provider": self.provider.name,
            "id": redacted(task_id, self.redactor),
            "last_state": None if seen is None else seen.state,
            "code": redacted(error.code, self.redactor),
            "message": Show(self.redactor.text)(error, ERROR_LIMIT),
        }}


class Outage:
    """A run of failing reads of one provider: one event when it starts, one when a read succeeds again."""

    def __init__(self, provider: Provider, redactor: Redactor) -> None:
        self.provider = provider
        self.redactor = redactor
        self.since: datetime | None = None
        self.failures = 0

    def failed(self, error: DbTasksError, now: datetime) -> Event | None:
        """The ``dbtasks_api_error`` event if this failure starts an outage, else None."""
        self.failures += 1
        if self.since is not None:
            return None
        self.since = now
        api = error if isinstance(error, ApiError) else None
        return {"dbtasks_api_error": {
            "provider": self.provider.name,
            "cloud": self.provider.cloud,
            "code": None if api is None else redacted(api.code, self.redactor),
            "http_status": None if api is None else api.http_status,
            "request_id": None if api is None else redacted(api.request_id, self.redactor),
            "operation": None if api is None else api.operation,
            "message": Show(self.redactor.text)(error, ERROR_LIMIT),
            "since": iso_utc(now),
        }}

    def recovered(self, now: datetime) -> Event | None:
        """The ``dbtasks_api_recovered`` event if an outage ends with this good read, else None."""
        if self.since is None:
            return None
        event = {"dbtasks_api_recovered": {"provider": self.provider.name, "cloud": self.provider.cloud, "since": iso_utc(self.since),
                                           "recovered_at": iso_utc(now), "failed_reads": self.failures}}
        self.since, self.failures = None, 0
        return event

    def delay(self, interval: float) -> float:
        """Seconds until the next read: ``interval``, doubled per failed read in a row up to ``MAX_BACKOFF``."""
        if not self.failures:
            return interval
        return min(interval * 2.0 ** min(self.failures, 20), max(interval, MAX_BACKOFF))


def fails_at_start(feed: ProviderFeed, error: DbTasksError) -> bool:
    """Whether ``error`` ends the source: an error that is no outage (credentials, an unknown id) before any good read."""
    return feed.reads == 0 and not (isinstance(error, ApiError) and error.retryable)
