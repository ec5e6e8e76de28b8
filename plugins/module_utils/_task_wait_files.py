# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The outcome of ``task_wait`` as files a pipeline shows: a JUnit XML report, a JSON file and a GitHub step summary.

Each is built from the action's result alone (already redacted and made safe),
on success, failure, timeout and error alike, so a gate that failed still
leaves its report. Files are written whole or not at all: a temporary file in
the same directory, then renamed over the target.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from typing import Any, Callable
from xml.etree import ElementTree

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._wait import not_visible_text

# The keys of the JSON file: the role's wait_for_tasks_result, which the role builds from the same keys.
REPORT_KEYS = ("success", "outcome", "msg", "tasks", "elapsed", "polls", "unreadable", "summary")
SUCCESS_OUTCOMES = ("succeeded", "synced")
# The options that name the files, in the order they are written.
REPORT_FILES = ("junit_file", "json_file")
SUITE_NAME = "dbtasks.cloud.task_wait"
# Where GitHub Actions collects the Markdown of a job's summary page.
STEP_SUMMARY_ENV = "GITHUB_STEP_SUMMARY"
# XML 1.0 allows no other control characters, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FAILED_STATES = ("failed", "stopped")


def report(result: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON file's content, which is also the role's ``wait_for_tasks_result``."""
    found = {key: result.get(key) for key in REPORT_KEYS}
    found["success"] = result.get("outcome") in SUCCESS_OUTCOMES
    found["tasks"] = found["tasks"] or []
    found["unreadable"] = found["unreadable"] or []
    found["elapsed"] = found["elapsed"] or 0
    found["polls"] = found["polls"] or 0
    return found


def json_report(result: Mapping[str, Any]) -> str:
    return json.dumps(report(result), indent=2, sort_keys=True) + "\n"


def _xml_text(value: Any) -> str:
    return _NOT_XML.sub("?", "" if value is None else str(value))


def _label(row: Mapping[str, Any]) -> str:
    return "%s %s%s" % (row["provider"], row["id"], " [%s]" % row["name"] if row.get("name") else "")


def _last_seen(row: Mapping[str, Any]) -> str:
    if row.get("not_found_for") is not None:
        return not_visible_text(row["not_found_for"])
    if not row.get("status"):
        return "never read"
    # A percentage says how far an unfinished task got; on a finished one it is noise (often a stale value).
    percent = row.get("progress_percent") if row.get("finished_after") is None else None
    return "%s (%s)%s" % (row["status"], row["state"], ", %g%%" % percent if isinstance(percent, (int, float)) else "")


def _verdict(row: Mapping[str, Any], outcome: str) -> tuple[str, str] | None:
    """``(type, message)`` of a task's ``failure``, or None when it passed."""
    state = row.get("state")
    if row.get("finished_after") is not None:
        # Finished means succeeded, failed, stopped, or (with target synced) synced.
        if state in _FAILED_STATES:
            return str(state), "%s: %s" % (row["status"], row.get("failure_reason") or "no reason given")
        return None
    # Not finished: a timeout, a wait that ended at another task's failure, or a fail_on state it reached.
    why = "not finished at the timeout" if outcome == "timeout" else "not finished when the wait stopped"
    return ("timeout" if outcome == "timeout" else "unfinished"), "%s; last status %s" % (why, _last_seen(row))


def junit_xml(result: Mapping[str, Any]) -> str:
    """One ``testsuite``, one ``testcase`` per task (``provider id [name]``, ``classname`` the provider, ``time`` until it finished).

    A failed or stopped task has a ``failure`` with its reason, an unfinished one a ``failure`` with its last status;
    nothing is ever ``skipped``. A wait that could not start (outcome ``error``) is one ``testcase`` with an ``error``,
    so the report never looks green by being empty.
    """
    rows: Sequence[Mapping[str, Any]] = result.get("tasks") or []
    outcome = str(result.get("outcome") or "error")
    elapsed = float(result.get("elapsed") or 0)
    suites = ElementTree.Element("testsuites", name=SUITE_NAME)
    suite = ElementTree.SubElement(suites, "testsuite", name=SUITE_NAME)
    failures = errors = 0
    for row in rows:
        finished = row.get("finished_after")
        case = ElementTree.SubElement(suite, "testcase", name=_xml_text(_label(row)), classname=_xml_text(row["provider"]),
                                      time="%.1f" % (elapsed if finished is None else float(finished)))
        verdict = _verdict(row, outcome)
        if verdict is not None:
            failures += 1
            failure = ElementTree.SubElement(case, "failure", type=verdict[0], message=_xml_text(verdict[1]))
            failure.text = _xml_text(verdict[1])
    if outcome == "error" or (outcome not in SUCCESS_OUTCOMES and not rows):
        errors += 1
        case = ElementTree.SubElement(suite, "testcase", name="task_wait", classname=SUITE_NAME, time="%.1f" % elapsed)
        error = ElementTree.SubElement(case, "error", type=outcome, message=_xml_text(result.get("msg")))
        error.text = _xml_text(result.get("msg"))
    output = ElementTree.SubElement(suite, "system-out")
    output.text = _xml_text("\n".join(result.get("summary") or []))
    counts = {"tests": str(len(rows) + errors), "failures": str(failures), "errors": str(errors), "skipped": "0", "time": "%.1f" % elapsed}
    for element in (suites, suite):
        element.attrib.update(counts)
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode") + "\n"


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def step_summary(result: Mapping[str, Any]) -> str:
    """A Markdown heading with the outcome and a table of the tasks, for ``$GITHUB_STEP_SUMMARY``."""
    outcome = result.get("outcome") or "error"
    mark = "passed" if outcome in SUCCESS_OUTCOMES else "FAILED"
    lines = ["### Database tasks gate: %s (%s)" % (mark, outcome), "", _cell(result.get("msg") or ""), ""]
    rows: Sequence[Mapping[str, Any]] = result.get("tasks") or []
    if rows:
        lines += ["| provider | task | state | status | finished after | reason |", "|---|---|---|---|---|---|"]
        for row in rows:
            finished = row.get("finished_after")
            lines.append("| %s | %s | %s | %s | %s | %s |" % tuple(_cell(value) for value in (
                row["provider"], _label(row)[len(row["provider"]) + 1:], row.get("state") or "unread", _last_seen(row),
                "not finished" if finished is None else "%gs" % finished, row.get("failure_reason") or "")))
        lines.append("")
    return "\n".join(lines) + "\n"


def check_path(option: str, path: str | None) -> None:
    """Refuse, before the wait, a report path that could not be written at its end; raises ``ParameterError``."""
    if path is None:
        return
    if not path.strip():
        raise ParameterError(option, "must be a file path, got an empty string")
    if os.path.isdir(path):
        raise ParameterError(option, "%s is a directory; give a file path" % path)
    parent = os.path.dirname(os.path.abspath(path))
    existing = parent
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing) or not os.access(existing, os.W_OK | os.X_OK):
        raise ParameterError(option, "cannot write %s: %s is not a writable directory" % (path, existing))


def write_atomically(path: str, text: str) -> None:
    """``text`` to ``path``, creating its directory: readers see the old file or the whole new one, never a part."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def write_reports(result: Mapping[str, Any], junit_file: str | None, json_file: str | None,
                  environ: Mapping[str, str] | None = None) -> list[str]:
    """Write the files that were asked for (and the step summary when GitHub Actions runs the job); returns warnings."""
    environ = os.environ if environ is None else environ
    warnings = []
    renderers: dict[str, Callable[[Mapping[str, Any]], str]] = {"junit_file": junit_xml, "json_file": json_report}
    for option, path in zip(REPORT_FILES, (junit_file, json_file)):
        if path:
            try:
                write_atomically(path, renderers[option](result))
            except OSError as error:
                warnings.append("%s: could not write %s: %s" % (option, path, error.strerror or error))
    summary_path = environ.get(STEP_SUMMARY_ENV)
    if summary_path:
        try:
            with open(summary_path, "a", encoding="utf-8") as stream:
                stream.write(step_summary(result))
        except OSError as error:
            warnings.append("%s: could not append to %s: %s" % (STEP_SUMMARY_ENV, summary_path, error.strerror or error))
    return warnings
