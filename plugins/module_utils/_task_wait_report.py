# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What ``dbtasks.cloud.task_wait`` tells people: progress lines during the wait, and the result at its end.

Pure formatting over normalized items (``_states.normalize_item``) and the
``TaskRef`` each one belongs to; nothing here sends a request. Every value
from an API (ids found by selectors, names, statuses, failure reasons, error
texts) goes through ``show`` (``_text.Show``: redacted, control characters
escaped, cut) where it is put into a line; the rows of the result keep the
values as sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Callable

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError
from ansible_collections.dbtasks.cloud.plugins.module_utils._hints import synced_hint, with_hint
from ansible_collections.dbtasks.cloud.plugins.module_utils._states import ENDED_BADLY, is_done, normalized
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_options import TaskRef, WaitPlan
from ansible_collections.dbtasks.cloud.plugins.module_utils._text import ERROR_LIMIT, SHOW, Show, safe_text
from ansible_collections.dbtasks.cloud.plugins.module_utils._tracker import not_found_for
from ansible_collections.dbtasks.cloud.plugins.module_utils._wait import Unreadable, WaitTimeout, describe_unreadable, not_visible_text
from ansible_collections.dbtasks.cloud.plugins.module_utils._watch import Watch

Item = dict[str, Any]
Key = tuple[str, str]
LINE_PREFIX = "task_wait"


def format_duration(seconds: float) -> str:
    """``42s``, ``3m05s``, ``1h02m``: short enough for a log line."""
    whole = int(round(seconds))
    if whole < 60:
        return "%ds" % whole
    if whole < 3600:
        return "%dm%02ds" % divmod(whole, 60)
    return "%dh%02dm" % (whole // 3600, whole % 3600 // 60)


def format_percent(percent: Any) -> str | None:
    if isinstance(percent, bool) or not isinstance(percent, (int, float)):
        return None
    return "%d%%" % percent if float(percent).is_integer() else "%.1f%%" % percent


def display_name(ref: TaskRef, item: Item | None) -> str | None:
    """The name given in ``tasks``, else the task's name at the provider."""
    if ref.name:
        return ref.name
    name = item.get("name") if item else None
    return str(name) if name not in (None, "") else None


def describe(ref: TaskRef, item: Item | None, with_reason: bool = False, show: Show = SHOW) -> str:
    """``rds 676e9f17 "RestartInstance": Running, 48%`` (or ``: Failed - <reason>`` with ``with_reason``)."""
    name = display_name(ref, item)
    # Brackets rather than quotes: messages are shown JSON-encoded, where quotes come out escaped.
    label = "%s %s%s" % (ref.provider, show(ref.id), " [%s]" % show(name) if name else "")
    if item is None:
        return "%s: not read yet" % label
    looked_for = not_found_for(item)
    if looked_for is not None:
        return "%s: %s" % (label, not_visible_text(looked_for))
    status, state = item.get("status"), normalized(item, "state")
    # "Failed (failed)" says nothing twice; "Dumping (running)" tells the state behind a provider's word.
    details = show(status) if str(status).casefold() == str(state).casefold() else "%s (%s)" % (show(status), state)
    percent = format_percent(normalized(item, "progress_percent"))
    if percent is not None and not normalized(item, "terminal"):
        details += ", %s" % percent
    if with_reason:
        details += " - %s" % show(normalized(item, "failure_reason") or "no reason given")
    return "%s: %s" % (label, details)


def describe_selector(plan: WaitPlan, index: int) -> str:
    """``selectors[1] (dds: instance_id=1f31..., status=Running)``, named as the caller wrote the option."""
    selector = plan.selectors[index]
    filters = ", ".join("%s=%s" % (name, ",".join(map(str, value)) if isinstance(value, list) else value)
                        for name, value in selector.items() if name != "provider")
    return "%s[%d] (%s: %s)" % (plan.names("selectors"), index, selector["provider"], filters)


class ProgressLog:
    """The Waiter's ``on_poll``/``on_transient_error``: prints progress lines and records when each task finished.

    A line is printed at once for each task that finishes; every
    ``progress_interval`` seconds (and at the first poll) a block lists each
    unfinished task with its status and percentage, and how long ago it was
    read when its provider cannot be read now. A failed read is a line (unless
    it failed as the one before); so is a provider that stops answering, and
    one that can be read again.
    """

    def __init__(self, refs: Sequence[TaskRef], plan: WaitPlan, emit: Callable[[str], None], watch: Watch | None = None,
                 show: Show = SHOW) -> None:
        self.refs = list(refs)
        self.plan = plan
        self.emit = emit
        self.watch = watch
        self.show = show
        self.finished_after: dict[Key, float] = {}
        self.transient_errors = 0
        self.last_transient_error: ApiError | None = None
        self._last_block: float | None = None
        self._polls = 0
        self._unreadable: dict[str, float] = {}  # provider -> since when, as last reported
        self._failing: dict[str, tuple[Any, ...]] = {}  # provider -> the failure last shown

    def _line(self, elapsed: float, text: str) -> None:
        self.emit("%s %s | %s" % (LINE_PREFIX, format_duration(elapsed).rjust(6), text))

    def _describe(self, index: int, item: Item | None, with_reason: bool = False) -> str:
        text = describe(self.refs[index], item, with_reason, self.show)
        return text + (self.watch.last_read(index) if self.watch is not None else "")

    def _report_readability(self, elapsed: float) -> None:
        current = {entry.provider: entry for entry in (self.watch.unreadable() if self.watch is not None else ())}
        for provider, since in list(self._unreadable.items()):
            if provider not in current:
                del self._unreadable[provider]
                self._failing.pop(provider, None)
                self._line(elapsed, "%s can be read again, after %s" % (provider, format_duration(elapsed - since)))
        for provider, entry in current.items():
            if provider not in self._unreadable:
                self._unreadable[provider] = entry.since
                if entry.error is None:  # a failed read has its own line already
                    self._line(elapsed, "%s has not answered since %s; its tasks keep their state as last read"
                               % (provider, format_duration(entry.since)))

    def on_poll(self, items: list[Item | None], elapsed: float) -> None:
        self._polls += 1
        self._report_readability(elapsed)
        unfinished = []
        for index, (ref, item) in enumerate(zip(self.refs, items)):
            key = (ref.provider, ref.id)
            if item is None or not is_done(item, self.plan.target):
                unfinished.append((index, item))
            elif key not in self.finished_after:
                # Done at the first look means done before the wait: 0, not the time the first request took.
                self.finished_after[key] = elapsed if self._polls > 1 else 0.0
                ended_badly = normalized(item, "state") in ENDED_BADLY
                # A reason the listing lacks (UDTS) is read once the wait is over and shown in the result.
                with_reason = ended_badly and bool(normalized(item, "failure_reason"))
                word = "FAILED" if ended_badly else "done" if self._polls > 1 else "already done"
                self._line(elapsed, "%s %s" % (word, self._describe(index, item, with_reason)))
        # A fail_on state ends the wait at this poll: name the unfinished tasks in one (retrying, unknown), no block.
        stopping = [(index, item) for index, item in unfinished if item is not None and normalized(item, "state") in self.plan.fail_on]
        for index, item in stopping:
            self._line(elapsed, "FAILED %s" % self._describe(index, item, bool(normalized(item, "failure_reason"))))
        if not unfinished or stopping or any(item is not None and normalized(item, "state") in self.plan.fail_on for item in items):
            return
        if self._last_block is not None and elapsed - self._last_block < self.plan.progress_interval:
            return
        self._last_block = elapsed
        self._line(elapsed, "%d of %d tasks done, waiting for %d:" % (len(self.refs) - len(unfinished), len(self.refs), len(unfinished)))
        for index, item in unfinished:
            self._line(elapsed, "  " + self._describe(index, item))

    def on_transient_error(self, error: ApiError, elapsed: float) -> None:
        self.transient_errors += 1
        self.last_transient_error = error
        provider = error.provider or "a provider"
        # The same failure again (another request id) adds nothing: the blocks show how old the tasks' state is.
        signature = (error.operation, error.code, error.http_status, error.message)
        if self._failing.get(provider) == signature:
            return
        self._failing[provider] = signature
        self._line(elapsed, "%s could not be read, the wait goes on with its tasks as last read: %s" % (provider, self.show(error, ERROR_LIMIT)))


# The normalized fields of an item a row carries (as the info modules return them).
ROW_FIELDS = ("state", "progress_percent", "failure_reason", "instance_id", "instance_name", "created_at", "ended_at")


def task_rows(refs: Sequence[TaskRef], items: Sequence[Item | None], finished_after: dict[Key, float],
              read_after: Sequence[float | None] = ()) -> list[dict[str, Any]]:
    """The ``tasks`` of the result: one row per task with its last state, when it finished and when it was last read."""
    rows: list[dict[str, Any]] = []
    for index, (ref, item) in enumerate(zip(refs, items)):
        finished = finished_after.get((ref.provider, ref.id))
        read = read_after[index] if index < len(read_after) else None
        if item is None:
            rows.append(dict(provider=ref.provider, id=ref.id, name=ref.name, status=None, finished_after=None, read_after=None,
                             not_found_for=None, **dict.fromkeys(ROW_FIELDS)))
            continue
        rows.append(dict({
            "provider": ref.provider,
            "id": ref.id,
            "name": display_name(ref, item),
            "status": item.get("status"),
            "finished_after": None if finished is None else round(finished, 1),
            "read_after": None if read is None else round(read, 1),
            "not_found_for": not_found_for(item),
        }, **{name: normalized(item, name) for name in ROW_FIELDS}))
    return rows


def _counts(items: Sequence[Item | None]) -> str:
    counted: dict[str, int] = {}
    for item in items:
        state = "unread" if item is None else normalized(item, "state")
        counted[state] = counted.get(state, 0) + 1
    return ", ".join("%d %s" % (number, state) for state, number in counted.items())


def _message(plan: WaitPlan, refs: Sequence[TaskRef], items: Sequence[Item | None], outcome: str, elapsed: float, show: Show,
             unreadable: Sequence[Unreadable]) -> str:
    waited = format_duration(elapsed)
    every = "All %d tasks" % len(items) if len(items) != 1 else "The task"
    if outcome == "succeeded":
        return "%s succeeded within %s" % (every, waited)
    if outcome == "synced":
        return "%s are done within %s: %s" % (every, waited, _counts(items)) if len(items) != 1 else "The task is synced within %s" % waited
    bad_states = plan.fail_on | ENDED_BADLY
    bad = [(ref, item) for ref, item in zip(refs, items) if item is not None and normalized(item, "state") in bad_states]
    unfinished = sum(1 for ref, item in zip(refs, items) if (item is None or not is_done(item, plan.target)) and (ref, item) not in bad)
    how = "failed or stopped"
    if any(normalized(item, "state") not in ENDED_BADLY for dummy, item in bad):
        how = "failed, stopped or reached a fail_on state"
    message = "%d of %d tasks %s after %s: %s" % (len(bad), len(items), how, waited,
                                                  "; ".join(describe(ref, item, True, show) for ref, item in bad))
    if unfinished:
        message += " (%d other task(s) had not finished when the wait stopped)" % unfinished
    if unreadable:
        message += "; " + "; ".join(str(entry) for entry in unreadable)
    return message


def build_result(plan: WaitPlan, refs: Sequence[TaskRef], items: Sequence[Item | None], outcome: str | None, elapsed: float, polls: int,
                 finished_after: dict[Key, float], show: Show = SHOW, read_after: Sequence[float | None] = (),
                 unreadable: Sequence[Unreadable] = ()) -> dict[str, Any]:
    """The result of a wait that ended (``outcome`` None: nothing was selected)."""
    if outcome is None:
        msg = "No task matched the selectors"
        if not plan.allow_empty:
            return {"failed": True, "outcome": "failed", "msg": "%s; set %s to accept that" % (msg, plan.names("allow_empty")), "tasks": [],
                    "elapsed": 0.0, "polls": polls, "unreadable": []}
        outcome = "succeeded"
    else:
        msg = _message(plan, refs, items, outcome, elapsed, show, unreadable)
    result = {"outcome": outcome, "msg": msg, "tasks": task_rows(refs, items, finished_after, read_after), "elapsed": round(elapsed, 1),
              "polls": polls, "unreadable": [entry.as_dict() for entry in unreadable]}
    if outcome == "failed":
        result["failed"] = True
    return result


def timeout_result(refs: Sequence[TaskRef], timeout: WaitTimeout, polls: int, finished_after: dict[Key, float],
                   read_after: Sequence[float | None] = (), plan: WaitPlan | None = None) -> dict[str, Any]:
    """The failed result of a wait whose ``timeout`` passed: the engine's message (and a hint), and every task's last state."""
    items: Sequence[Item | None] = timeout.items or [None] * len(refs)
    hint = synced_hint(timeout.unfinished, plan.target, "%s: synced" % plan.names("target")) if plan is not None else None
    return {"failed": True, "outcome": "timeout", "msg": with_hint(str(timeout), hint), "tasks": task_rows(refs, items, finished_after, read_after),
            "elapsed": round(timeout.elapsed, 1), "polls": polls, "unreadable": [entry.as_dict() for entry in timeout.unreadable]}


def _count(number: int, noun: str) -> str:
    return "%d %s%s" % (number, noun, "" if number == 1 else "s")


def summary_lines(result: dict[str, Any], warnings: Sequence[str] = ()) -> list[str]:
    """The readable summary of a result: a headline, one line per task (its final state and time to finish), the
    providers that could not be read, the warnings. Every text is made safe here: the result keeps the values as sent."""
    rows = result.get("tasks") or []
    if result.get("outcome") in (None, "error") or not rows:
        lines = ["%s: %s" % (result.get("outcome") or "error", safe_text(result.get("msg"), 0))]
    else:
        headline = (result["outcome"], format_duration(result["elapsed"]), _count(result["polls"], "poll"), _count(len(rows), "task"))
        lines = ["%s after %s (%s), %s:" % headline]
    unreadable = result.get("unreadable") or []
    stale = {entry["provider"] for entry in unreadable}
    for row in rows:
        label = "%s %s%s" % (row["provider"], safe_text(row["id"]), " [%s]" % safe_text(row["name"]) if row["name"] else "")
        state = row["state"] or "unread"
        status = safe_text(row["status"])
        if row.get("not_found_for") is not None:
            detail = ": %s" % not_visible_text(row["not_found_for"])
        elif row["finished_after"] is None:
            percent = format_percent(row["progress_percent"])
            detail = ": %s%s, not finished" % (status, ", " + percent if percent else "") if row["status"] else ": never read"
            if row["provider"] in stale and row.get("read_after") is not None:
                detail += ", last read at %s" % format_duration(row["read_after"])
        elif state in ENDED_BADLY:
            detail = " after %s: %s - %s" % (format_duration(row["finished_after"]), status, safe_text(row["failure_reason"] or "no reason given"))
        elif row["finished_after"] == 0:
            detail = ", finished before the wait"
        else:
            detail = " after %s" % format_duration(row["finished_after"])
        lines.append("  %-10s %s%s" % (state, label, detail))
    for entry in unreadable:
        error = None if entry["error"] is None else safe_text(entry["error"], ERROR_LIMIT)
        lines.append("  unreadable %s" % describe_unreadable(entry["provider"], entry["since"], entry["read_at"], error))
    lines.extend("note: %s matched no task" % safe_text(selector, 0) for selector in result.get("unmatched_selectors") or [])
    lines.extend("warning: %s" % safe_text(warning, 0) for warning in warnings)
    return lines
