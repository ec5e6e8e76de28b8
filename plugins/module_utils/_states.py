# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Provider status -> common state mapping and item normalization.

Pure functions over decoded JSON. Whatever shape a provider sends, these
functions return a value; the user-facing table is in ``docs/states.md``.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import DbTasksError
from ansible_collections.dbtasks.cloud.plugins.module_utils._provider import Provider
from ansible_collections.dbtasks.cloud.plugins.module_utils._times import api_time_iso

STATES = ("pending", "running", "retrying", "synced", "succeeded", "failed", "stopped", "unknown")
TERMINAL = frozenset({"succeeded", "failed", "stopped"})
ENDED_BADLY = frozenset({"failed", "stopped"})

NORMALIZED_FIELDS = ("id", "state", "terminal", "progress_percent", "failure_reason", "instance_id", "instance_name", "created_at",
                     "ended_at")
# Where a raw field goes when its name is one of NORMALIZED_FIELDS and its value differs.
RAW_PREFIX = "api_"

_PERCENT_TEXT = re.compile(r"(\d{1,15}(?:\.\d{1,15})?)\s*%?", re.ASCII)
_COUNT_TEXT = re.compile(r"[+-]?\d{1,18}", re.ASCII)
_WORD_BOUNDARY_AFTER_ACRONYM = re.compile(r"([A-Z]+)([A-Z][a-z])")
_WORD_BOUNDARY_AFTER_LOWER = re.compile(r"([a-z0-9])([A-Z])")
_MAX_STATUS_TEXT = 80
# Most values of decoded JSON: returned by snake_keys at once, before the slower Mapping check.
_JSON_SCALARS = (str, int, float, type(None))
# Decoded JSON is made of exactly these types: looking them up first spares the Mapping (abc) check on every value.
_JSON_EXACT = {str: "scalar", int: "scalar", float: "scalar", bool: "scalar", type(None): "scalar", dict: "object", list: "array"}


def is_object(value: Any) -> bool:
    """Whether ``value`` is a JSON object (a mapping)."""
    # Decoded JSON objects are plain dicts: the exact type, looked up first, spares the slower abc check on every field read.
    return _JSON_EXACT.get(type(value)) == "object" or isinstance(value, Mapping)


def _field(raw: Any, key: str) -> Any:
    return raw.get(key) if is_object(raw) else None


def as_count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _COUNT_TEXT.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _describe_status(status: Any) -> str:
    text = repr(status)
    return text if len(text) <= _MAX_STATUS_TEXT else text[:_MAX_STATUS_TEXT] + "...'"


@functools.lru_cache(maxsize=None)
def _folded_statuses(provider: Provider) -> dict[str, tuple[str, str]]:
    # Providers document their statuses in one spelling; matching ignores case
    # so that "RUNNING" is not reported as unknown.
    return {status.casefold(): (status, state) for status, state in provider.states.items()}


def map_state(provider: Provider, raw: Any) -> tuple[str, str | None]:
    """``(state, warning)`` for one raw API item; ``warning`` is set only for ``unknown``.

    The warning names the provider and status but not the item, so that the
    same unexpected status on many items gives one identical warning.
    """
    status = _field(raw, provider.status_key)
    match = _folded_statuses(provider).get(status.strip().casefold()) if isinstance(status, str) else None
    if match is None:
        warning = "{0} status {1} is not recognised; the state is reported as unknown".format(provider.label, _describe_status(status))
        return "unknown", warning
    canonical, state = match
    if provider.refine_state is not None:
        return provider.refine_state(canonical, raw), None
    return state, None


def parse_percent(value: Any) -> float | None:
    """A percentage in 0..100 from a number, ``"60"`` or ``"60%"``; ``None`` for blanks and anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        match = _PERCENT_TEXT.fullmatch(value.strip())
        if match is None:
            return None
        number = float(match.group(1))
    else:
        return None
    if not math.isfinite(number):
        return None
    return min(100.0, max(0.0, number))


def progress_percent(provider: Provider, raw: Any) -> float | None:
    """Progress in percent (0..100), found under the provider's ``progress_path``."""
    value = raw
    for key in provider.progress_path:
        value = _field(value, key)
    return parse_percent(value)


def failure_reason(provider: Provider, raw: Any) -> str | None:
    """The provider's failure text, ``None`` if blank or not text."""
    reason = _field(raw, provider.failure_key)
    if isinstance(reason, str) and reason.strip():
        return reason.strip()
    return None


# APIs repeat the same few dozen keys on every item of every page: converting each name once
# keeps normalizing thousands of items cheap.
@functools.lru_cache(maxsize=4096)
def snake_case(name: str) -> str:
    """``TaskId`` -> ``task_id``, ``BinlogGTID`` -> ``binlog_gtid``; snake_case names are unchanged."""
    spaced = _WORD_BOUNDARY_AFTER_ACRONYM.sub(r"\1_\2", name)
    return _WORD_BOUNDARY_AFTER_LOWER.sub(r"\1_\2", spaced).lower()


def _snake_dict(obj: Mapping[Any, Any]) -> dict[Any, Any]:
    # Keys already in snake form claim their names first; a converted key
    # whose name is taken keeps its original spelling, so nothing is lost.
    result = {}
    converted = []
    for key, value in obj.items():
        name = snake_case(key) if isinstance(key, str) else key
        if name != key:
            converted.append((key, name, value))
        else:
            result[key] = snake_keys(value)
    for key, name, value in converted:
        result[key if name in result else name] = snake_keys(value)
    return result


def snake_keys(obj: Any) -> Any:
    """A copy of ``obj`` with every dict key snake_cased, recursively through dicts and lists; values untouched."""
    kind = _JSON_EXACT.get(type(obj))
    if kind == "scalar":
        return obj
    if kind == "object":
        return _snake_dict(obj)
    if kind == "array":
        return [snake_keys(item) for item in obj]
    if isinstance(obj, _JSON_SCALARS):
        return obj
    if isinstance(obj, Mapping):
        return _snake_dict(obj)
    if isinstance(obj, (list, tuple)):
        return [snake_keys(item) for item in obj]
    return obj


def at_path(raw: Any, path: Sequence[str]) -> Any:
    """The value under ``path`` (keys, outermost first), None where a key is missing or a level is no object."""
    value = raw
    for key in path:
        value = _field(value, key)
    return value


def record_text(raw: Any, paths: Sequence[Sequence[str]]) -> str | None:
    """The first non-blank text (or integer, as text) under ``paths`` (a record's ``instance_paths``), else None."""
    for path in paths:
        value = at_path(raw, path)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, str) and value.strip():
            return value
    return None


def record_time(raw: Any, paths: Sequence[Sequence[str]]) -> str | None:
    """The first readable time under ``paths`` as ISO 8601 UTC (``2026-03-01T10:00:00Z``), else None."""
    for path in paths:
        moment = api_time_iso(at_path(raw, path))
        if moment is not None:
            return moment
    return None


def _unify_progress(provider: Provider, item: dict[str, Any]) -> None:
    # One form per provider (the record's progress_unit): "49%" and "49" of the same task in two reads would contradict.
    *outer, last = [snake_case(key) for key in provider.progress_path]
    holder = at_path(item, outer)
    value = _field(holder, last)
    match = _PERCENT_TEXT.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is not None:
        holder[last] = match.group(1) + (provider.progress_unit or "")


def _item_id(provider: Provider, raw: Any) -> Any | None:
    ident = _field(raw, provider.id_key)
    if isinstance(ident, str) or (isinstance(ident, int) and not isinstance(ident, bool)):
        return ident
    return None


def normalize_item(provider: Provider, raw: Any) -> tuple[dict[str, Any], list[str]]:
    """Snake_case every raw field and set the ``NORMALIZED_FIELDS``: ``id``, ``state``, ``terminal``, ``progress_percent``,
    ``failure_reason``, and through the record's paths ``instance_id``, ``instance_name``, ``created_at``, ``ended_at``.

    The normalized fields always hold the values computed here: every
    verdict reads them, so the API cannot overrule one by sending a field of
    the same name. Raw fields are never dropped: a raw field under a normalized
    name with a different value is returned under ``api_<name>`` (the first of
    ``api_<name>``, ``api_api_<name>``, ... the API did not send), with a warning
    unless it is the record's own source of that field. The raw progress text
    takes the record's one form (``progress_unit``).
    Returns ``(item, warnings)``; raises ``DbTasksError`` when ``raw`` is not a JSON object.
    """
    if not isinstance(raw, Mapping):
        raise DbTasksError("{0} returned a list item that is not a JSON object but {1}".format(provider.label, type(raw).__name__))
    state, state_warning = map_state(provider, raw)
    warnings = [state_warning] if state_warning else []
    paths = provider.derived_paths
    computed = {
        "id": _item_id(provider, raw),
        "state": state,
        "terminal": state in TERMINAL,
        "progress_percent": progress_percent(provider, raw),
        "failure_reason": failure_reason(provider, raw),
        "instance_id": record_text(raw, paths["instance_id"]),
        "instance_name": record_text(raw, paths["instance_name"]),
        "created_at": record_time(raw, paths["created_at"]),
        # A task that has not ended has no end time, whatever the API puts there (RDS: "planned end time").
        "ended_at": record_time(raw, paths["ended_at"]) if state in TERMINAL else None,
    }
    item = snake_keys(raw)
    if provider.progress_unit is not None:
        _unify_progress(provider, item)
    for name in NORMALIZED_FIELDS:
        value = computed[name]
        if name in item and not (type(item[name]) is type(value) and item[name] == value):
            moved = RAW_PREFIX + name
            while moved in item:
                moved = RAW_PREFIX + moved
            item[moved] = item[name]
            # The record's own source of a field (DDS created_at, in the API's time format) moves aside silently.
            if (name,) not in paths.get(name, ()):
                warnings.append("{0} returned its own field {1!r}; it is returned as {2!r}, and {1!r} holds the normalized value".format(
                    provider.label, name, moved))
        item[name] = value
    return item, warnings


def normalized(item: Mapping[str, Any], name: str) -> Any:
    """A normalized field of an item from ``normalize_item``: always the collection's own value, never the API's."""
    return item.get(name)


def is_done(item: Mapping[str, Any], target: str) -> bool:
    """Whether a wait for ``target`` (``terminal``, or ``synced`` which also takes synced tasks) is over for this item."""
    state = normalized(item, "state")
    return state in TERMINAL or (target == "synced" and state == "synced")
