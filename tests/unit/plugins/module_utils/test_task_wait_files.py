# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""task_wait's report files (JUnit XML, JSON, GitHub step summary), its names for options, and its hints."""

from __future__ import annotations

import json
import os
from xml.etree import ElementTree

import pytest

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._hints import synced_hint, with_hint
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_files import (
    check_path,
    junit_xml,
    report,
    step_summary,
    write_atomically,
    write_reports,
)
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_names import OptionNames


def row(provider="rds", task_id="r1", name=None, status="Running", state="running", percent=None, reason=None, finished=None):
    return {"provider": provider, "id": task_id, "name": name, "status": status, "state": state, "progress_percent": percent,
            "failure_reason": reason, "finished_after": finished}


def cases(result):
    suite = ElementTree.fromstring(junit_xml(result)).find("testsuite")
    return suite, [(case.get("name"), case.get("classname"), case.get("time"),
                    [(child.tag, child.get("type"), child.get("message")) for child in case]) for case in suite.findall("testcase")]


def test_a_failure_marks_the_failed_and_stopped_tasks_with_their_reason_and_the_unfinished_ones_with_their_last_status():
    rows = [row("dds", "d1", "resize", "Failed", "failed", reason="disk full", finished=40.0),
            row("udts", "u1", None, "Stopped", "stopped", finished=12.5),
            row("rds", "r1", "restart", "Completed", "succeeded", finished=0.0),
            row("udts", "u2", "copy", "Dumping", "running", percent=45.5)]
    suite, found = cases({"outcome": "failed", "msg": "2 of 4 tasks failed", "tasks": rows, "elapsed": 41.0, "summary": ["a", "b"]})
    assert found == [
        ("dds d1 [resize]", "dds", "40.0", [("failure", "failed", "Failed: disk full")]),
        ("udts u1", "udts", "12.5", [("failure", "stopped", "Stopped: no reason given")]),
        ("rds r1 [restart]", "rds", "0.0", []),
        ("udts u2 [copy]", "udts", "41.0", [("failure", "unfinished", "not finished when the wait stopped; last status Dumping (running), 45.5%")]),
    ]
    assert {name: suite.get(name) for name in ("tests", "failures", "errors", "skipped", "time")} == {
        "tests": "4", "failures": "3", "errors": "0", "skipped": "0", "time": "41.0"}
    assert suite.find("system-out").text == "a\nb"


def test_synced_tasks_pass_with_target_synced_and_a_task_never_read_fails_at_the_timeout():
    synced = row("udts", "u1", status="Synced", state="synced", finished=30.0)
    assert cases({"outcome": "synced", "tasks": [synced], "elapsed": 31})[1][0][3] == []
    never = row("rds", "r9", status=None, state=None)
    assert cases({"outcome": "timeout", "tasks": [never], "elapsed": 60})[1][0][3] == [
        ("failure", "timeout", "not finished at the timeout; last status never read")]


def test_a_task_not_visible_yet_at_the_timeout_says_so_in_every_report():
    late = dict(row("rds", "r9", status=None, state="pending"), not_found_for=30.0)
    assert cases({"outcome": "timeout", "tasks": [late], "elapsed": 30})[1][0][3] == [
        ("failure", "timeout", "not finished at the timeout; last status not visible yet, looked for 30s")]
    assert "| rds | r9 | pending | not visible yet, looked for 30s | not finished |  |" in step_summary({"outcome": "timeout", "tasks": [late]})


def test_an_error_or_a_failure_without_tasks_is_one_errored_testcase_so_the_report_is_never_empty():
    for outcome, msg in (("error", "tasks: nothing to wait for"), ("failed", "No task matched the selectors; set allow_empty")):
        suite, found = cases({"outcome": outcome, "msg": msg, "tasks": []})
        assert found == [("task_wait", "dbtasks.cloud.task_wait", "0.0", [("error", outcome, msg)])]
        assert (suite.get("tests"), suite.get("errors")) == ("1", "1")
    suite, found = cases({"outcome": "succeeded", "msg": "No task matched the selectors", "tasks": []})
    assert (found, suite.get("tests")) == ([], "0")


def test_text_from_an_api_cannot_break_the_xml():
    name = 'a <b> & "c"\x1b[31m\x00end'
    suite, found = cases({"outcome": "failed", "tasks": [row(name=name, status="Failed", state="failed", reason="</failure>\x07", finished=1.0)]})
    assert found[0][0] == 'rds r1 [a <b> & "c"?[31m?end]'
    assert found[0][3] == [("failure", "failed", "Failed: </failure>?")]


def test_the_json_report_is_the_role_result():
    result = {"outcome": "synced", "msg": "m", "tasks": [row()], "elapsed": 3.5, "polls": 2, "summary": ["s"], "changed": False, "failed": None}
    assert report(result) == {"success": True, "outcome": "synced", "msg": "m", "tasks": [row()], "elapsed": 3.5, "polls": 2,
                              "unreadable": [], "summary": ["s"]}
    expected = {"success": False, "outcome": "error", "msg": "bad", "tasks": [], "elapsed": 0, "polls": 0, "unreadable": [], "summary": None}
    assert report({"outcome": "error", "msg": "bad"}) == expected


def test_the_step_summary_is_a_markdown_table_with_pipes_escaped():
    text = step_summary({"outcome": "timeout", "msg": "Timed out | after 5s", "tasks": [row(name="a|b", percent=12.0)]})
    assert text.splitlines() == [
        "### Database tasks gate: FAILED (timeout)", "", "Timed out \\| after 5s", "",
        "| provider | task | state | status | finished after | reason |", "|---|---|---|---|---|---|",
        "| rds | r1 [a\\|b] | running | Running (running), 12% | not finished |  |", ""]


def test_files_are_replaced_whole_and_their_directory_created(tmp_path):
    target = tmp_path / "deep" / "er" / "report.xml"
    write_atomically(str(target), "first")
    write_atomically(str(target), "second")
    assert target.read_text(encoding="utf-8") == "second"
    assert os.listdir(str(target.parent)) == ["report.xml"]
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask():
    umask = os.umask(0)
    os.umask(umask)
    return umask


def test_a_file_that_cannot_be_written_is_a_warning_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    def refuse(src, dst):
        raise OSError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    warnings = write_reports({"outcome": "succeeded", "tasks": []}, str(tmp_path / "r.xml"), str(tmp_path / "r.json"), environ={})
    assert warnings == ["junit_file: could not write %s: Permission denied" % (tmp_path / "r.xml"),
                        "json_file: could not write %s: Permission denied" % (tmp_path / "r.json")]
    assert os.listdir(str(tmp_path)) == []


def test_write_reports_writes_what_was_asked_and_appends_the_step_summary(tmp_path):
    summary = tmp_path / "summary.md"
    assert write_reports({"outcome": "succeeded", "msg": "ok", "tasks": []}, None, str(tmp_path / "r.json"),
                         environ={"GITHUB_STEP_SUMMARY": str(summary)}) == []
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["success"] is True
    assert summary.read_text(encoding="utf-8").startswith("### Database tasks gate: passed (succeeded)")
    assert sorted(os.listdir(str(tmp_path))) == ["r.json", "summary.md"]


@pytest.mark.parametrize("path, rule", [
    ("", "must be a file path, got an empty string"),
    ("{tmp}", "{tmp} is a directory; give a file path"),
    ("{tmp}/file/report.xml", "cannot write {tmp}/file/report.xml: {tmp}/file is not a writable directory"),
])
def test_report_paths_that_cannot_work_are_refused_before_the_wait(tmp_path, path, rule):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(ParameterError) as raised:
        check_path("junit_file", path.format(tmp=tmp_path))
    assert (raised.value.option, raised.value.rule) == ("junit_file", rule.format(tmp=tmp_path))
    check_path("junit_file", str(tmp_path / "new" / "dir" / "report.xml"))
    check_path("junit_file", None)


def test_option_names_with_and_without_a_prefix():
    plain, role = OptionNames(), OptionNames("wait_for_tasks_")
    assert (plain("tasks"), role("tasks")) == ("tasks", "wait_for_tasks_tasks")
    assert str(role.error(ParameterError("huaweicloud.region", "bad"))) == "wait_for_tasks_huaweicloud.region: bad"
    assert role.unwrap(role.wrap({"tasks": [], "timeout": 5})) == {"tasks": [], "timeout": 5}
    assert plain.misspelled(["wait_for_tasks_tiemout"], ["timeout"]) == []
    assert role.misspelled(["wait_for_tasks_x", "wait_for_tasks_timeout", "wait_for_tasks_result", "timeout", "wait_for_taks_timeout"],
                           ["timeout", "tasks"]) == [
        "wait_for_taks_timeout is not a variable of this role and is ignored; did you mean wait_for_tasks_timeout?",
        "wait_for_tasks_x is not a variable of this role and is ignored; did you mean wait_for_tasks_tasks?"]


def synced(state="synced"):
    return {"state": state, "status": "Synced"}


def test_the_synced_hint_comes_only_when_every_unfinished_task_is_synced_and_the_target_is_terminal():
    setting = "wait_for: synced"
    hint = synced_hint([synced(), synced()], "terminal", setting)
    assert hint is not None and hint.endswith("set wait_for: synced to accept synced tasks")
    assert synced_hint([synced(), synced("running")], "terminal", setting) is None
    assert synced_hint([synced(), None], "terminal", setting) is None
    assert synced_hint([synced()], "synced", setting) is None
    assert synced_hint([], "terminal", setting) is None
    assert with_hint("Timed out after 5s.", "do this") == "Timed out after 5s. Hint: do this"
    assert with_hint("Timed out", None) == "Timed out"
