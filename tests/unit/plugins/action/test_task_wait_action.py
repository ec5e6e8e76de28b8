# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The task_wait action plugin: options from the task, group module_defaults and the environment; result and display."""

from __future__ import annotations

import importlib
import json
import time
import types
from unittest import mock
from xml.etree import ElementTree

import pytest

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import TransportError
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.task_wait_fakes import CONNECTION_ENV, HUAWEI, UCLOUD, Clouds, huawei, udts

ACTION_GROUPS = {
    "dbtasks.cloud.udts_task_info": ["dbtasks.cloud.ucloud"],
    "dbtasks.cloud.dds_job_info": ["dbtasks.cloud.huaweicloud"],
    "dbtasks.cloud.rds_task_info": ["dbtasks.cloud.huaweicloud"],
}


@pytest.fixture(scope="module")
def controller():
    """The action plugin and the controller classes it needs, imported only while these tests run.

    Importing controller code marks the whole process as the controller (ansible-core 2.19+), after which
    module warnings go to the display instead of the module result; the module tests in the same run
    must not see that, so the mark is put back afterwards.
    """
    try:
        internal = importlib.import_module("ansible.module_utils._internal")
    except ImportError:  # ansible-core before 2.19 has no such mark
        internal = None
    before = getattr(internal, "is_controller", None)
    loaded = types.SimpleNamespace(
        action=importlib.import_module("ansible_collections.dbtasks.cloud.plugins.action.task_wait"),
        DataLoader=importlib.import_module("ansible.parsing.dataloader").DataLoader,
        Templar=importlib.import_module("ansible.template").Templar,
    )
    yield loaded
    if internal is not None:
        internal.is_controller = before


@pytest.fixture(autouse=True)
def _no_connection_env(monkeypatch):
    for name in CONNECTION_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def display(monkeypatch, controller):
    fake = mock.Mock()
    monkeypatch.setattr(controller.action, "display", fake)
    return fake


def run_action(monkeypatch, clouds, args, module_defaults=(), check_mode=False, task_vars=None):
    task_wait_action = importlib.import_module("ansible_collections.dbtasks.cloud.plugins.action.task_wait")
    monkeypatch.setattr(task_wait_action.ActionModule, "hooks", clouds.hooks)
    task = mock.MagicMock()
    task.args = args
    task.async_val = 0
    task.check_mode = check_mode
    task.module_defaults = list(module_defaults)
    task._parent._play._action_groups = ACTION_GROUPS  # pylint: disable=protected-access
    loader = importlib.import_module("ansible.parsing.dataloader").DataLoader()
    templar = importlib.import_module("ansible.template").Templar(loader=loader)
    action = task_wait_action.ActionModule(task, mock.MagicMock(), mock.MagicMock(), loader, templar, None)
    return action.run(task_vars=task_vars or {})


def rds_cloud():
    return Clouds(rds_items=[huawei("r1")], timeline={"r1": [(12, {"status": "Completed"})]})


def test_credentials_come_from_the_group_module_defaults_and_the_task_wins(monkeypatch, display):
    clouds = rds_cloud()
    group = dict(HUAWEI, region="cn-north-4", wait_timeout=5, status="Running", project_id="wrong")
    result = run_action(monkeypatch, clouds, {"tasks": [{"provider": "rds", "id": "r1"}], "poll_interval": 5,
                                              "huaweicloud": {"project_id": "p1"}},
                        module_defaults=[{"group/dbtasks.cloud.huaweicloud": group}, {"group/dbtasks.cloud.ucloud": {"public_key": "x"}}])
    assert (result["outcome"], result["changed"], result.get("failed")) == ("succeeded", False, None)
    assert clouds.transport.requests[0].url.startswith("https://rds.test/v3/p1/jobs?")
    lines = [call.args[0] for call in display.display.call_args_list]
    assert lines[0] == "task_wait     0s | 0 of 1 tasks done, waiting for 1:"
    assert lines[-1].endswith('done rds r1 [Job-r1]: Completed (succeeded)')


def test_connection_options_fall_back_to_the_controller_environment(monkeypatch, display):
    for name, value in (("HUAWEICLOUD_SDK_AK", "AK"), ("HUAWEICLOUD_SDK_SK", "SK"), ("HUAWEICLOUD_SDK_PROJECT_ID", "p1"),
                        ("HUAWEICLOUD_SDK_ENDPOINT", "https://{service}.test")):
        monkeypatch.setenv(name, value)
    result = run_action(monkeypatch, rds_cloud(), {"tasks": [{"provider": "rds", "id": "r1"}], "poll_interval": 5})
    assert result["outcome"] == "succeeded"


def test_check_mode_waits_as_usual(monkeypatch, display):
    result = run_action(monkeypatch, rds_cloud(), {"tasks": [{"provider": "rds", "id": "r1"}], "huaweicloud": HUAWEI}, check_mode=True)
    assert result["outcome"] == "succeeded"


@pytest.mark.parametrize("args, fragment", [
    ({"tasks": [{"provider": "rds", "id": "r1"}], "huaweicloud": "not a dict"}, "huaweicloud"),
    ({"tasks": [{"provider": "rds", "id": "r1"}], "huaweicloud": dict(HUAWEI, typo=1)}, "huaweicloud.typo"),
    ({"tasks": [{"provider": "rds", "id": "r1"}], "huaweicloud": {"project_id": "p1", "endpoint": "https://x.test"}}, "huaweicloud.access_key"),
    ({"tasks": [], "selectors": []}, "tasks: nothing to wait for: list tasks by id in tasks, or choose them by filters with selectors"),
    ({"tasks": [{"provider": "rds", "id": "r1"}], "timeout": -3, "huaweicloud": HUAWEI}, "timeout: must be from 0 to 2592000 seconds, got -3"),
    ({"tasks": [{"provider": "rds", "id": "r1"}], "poll_interval": 1e-9, "huaweicloud": HUAWEI}, "poll_interval: must be from 1 to 3600 seconds"),
    ({"tasks": [{"provider": "rds", "id": "r1"}], "timeout": 1e10, "huaweicloud": HUAWEI}, "timeout: must be from 0 to 2592000 seconds"),
    ({"tasks": [{"provider": "rds", "id": "r1"}], "not_found_grace": 3601, "huaweicloud": HUAWEI}, "not_found_grace: must be from 0 to 3600 seconds"),
    ({"variable_prefix": "wait_for_tasks_", "tasks": [{"provider": "rds", "id": "r1"}], "not_found_grace": -1, "huaweicloud": HUAWEI},
     "wait_for_tasks_not_found_grace: must be from 0 to 3600 seconds, got -1"),
])
def test_bad_options_fail_before_any_request_with_the_option_named(monkeypatch, display, args, fragment):
    clouds = rds_cloud()
    result = run_action(monkeypatch, clouds, args)
    assert (result["failed"], result["outcome"]) == (True, "error")
    assert fragment in result["msg"]
    assert result["summary"] == ["error: " + result["msg"]]
    assert clouds.transport.requests == [] and not display.display.called


@pytest.mark.parametrize("connection, value", [("ucloud", "not a dict"), ("huaweicloud", "not a dict"), ("huaweicloud", ["p1"])])
def test_a_connection_that_is_not_a_dict_fails_cleanly_when_the_environment_sets_options(monkeypatch, display, connection, value):
    # Ansible's validator crashes filling an environment fallback into a string, so the action must refuse it first.
    monkeypatch.setenv("HUAWEICLOUD_SDK_PROJECT_ID", "p1")
    monkeypatch.setenv("UCLOUD_PUBLIC_KEY", "pub")
    clouds = rds_cloud()
    result = run_action(monkeypatch, clouds, {"tasks": [{"provider": "rds", "id": "r1"}], connection: value})
    assert (result["failed"], result["outcome"], result["option"]) == (True, "error", connection)
    assert result["msg"].startswith("%s: must be a dictionary of connection options" % connection)
    assert result["summary"] == ["error: " + result["msg"]]
    assert clouds.transport.requests == [] and not display.display.called


def test_a_connection_given_as_key_value_text_is_merged_with_the_group_module_defaults(monkeypatch, display):
    clouds = rds_cloud()
    group = dict(HUAWEI, region="cn-north-4")
    text = "project_id=%s" % HUAWEI["project_id"]
    result = run_action(monkeypatch, clouds, {"tasks": [{"provider": "rds", "id": "r1"}], "huaweicloud": text},
                        module_defaults=[{"group/dbtasks.cloud.huaweicloud": group}])
    assert result["outcome"] == "succeeded"


def test_secrets_are_masked_in_error_messages(monkeypatch, display):
    secret = "Running-and-secret"
    args = {"selectors": [{"provider": "rds", "status": [secret]}], "huaweicloud": dict(HUAWEI, secret_key=secret)}
    result = run_action(monkeypatch, rds_cloud(), args)
    assert result["msg"] == "selectors[0].status: '********' is not a rds status; use one of Running, Completed, Failed"
    assert secret not in repr(result)


def test_an_api_error_fails_with_its_code_and_request_id(monkeypatch, display):
    result = run_action(monkeypatch, rds_cloud(), {"tasks": [{"provider": "rds", "id": "gone"}], "huaweicloud": HUAWEI, "not_found_grace": 0})
    assert (result["failed"], result["outcome"], result["error_code"], result["http_status"]) == (True, "error", "DBS.280404", 404)
    assert "the rds task 'gone' was not found in 0.0s of looking (not_found_grace is 0.0s)" in result["msg"] and result["request_id"] == "req-404"


def test_a_failed_wait_is_a_failed_task_with_the_rows(monkeypatch, display):
    clouds = Clouds(rds_items=[huawei("r1")], timeline={"r1": [(8, {"status": "Failed", "fail_reason": "disk full"})]})
    result = run_action(monkeypatch, clouds, {"tasks": [{"provider": "rds", "id": "r1"}], "huaweicloud": HUAWEI})
    assert (result["failed"], result["outcome"]) == (True, "failed")
    assert result["tasks"][0]["failure_reason"] == "disk full"
    assert 'rds r1 [Job-r1]: Failed - disk full' in result["msg"]


def test_transport_warnings_are_returned_once_also_when_the_wait_fails(monkeypatch, display):
    clouds = Clouds(rds_items=[huawei("r1", "Completed")], udts_items=[udts("u1", "Done")])
    args = {"tasks": [{"provider": "rds", "id": "r1"}, {"provider": "udts", "id": "u1"}],
            "huaweicloud": dict(HUAWEI, validate_certs=False), "ucloud": dict(UCLOUD, validate_certs=False)}
    result = run_action(monkeypatch, clouds, args)
    # Both clouds skip verification: one warning says so.
    assert result["outcome"] == "succeeded"
    assert [warning.split(":")[0] for warning in result["warnings"]] == ["validate_certs is false"]
    assert any("validate_certs is false" in line for line in result["summary"])

    def refuse(request):
        return TransportError("tls", "TLS handshake or certificate verification failed for %s" % request.url)

    result = run_action(monkeypatch, Clouds(rds_items=[huawei("r1")], fail=refuse), args)
    assert result["failed"] and result["outcome"] == "error" and "TLS handshake" in result["msg"]
    assert [warning.split(":")[0] for warning in result["warnings"]] == ["validate_certs is false"]
    assert any("validate_certs is false" in line for line in result["summary"])


def test_warnings_are_returned(monkeypatch, display):
    clouds = Clouds(rds_items=[huawei("r1", "Paused"), huawei("r2", "Completed")])
    args = {"tasks": [{"provider": "rds", "id": "r1"}, {"provider": "rds", "id": "r2"}], "timeout": 0, "huaweicloud": HUAWEI}
    result = run_action(monkeypatch, clouds, args)
    assert result["outcome"] == "timeout"
    assert result["warnings"] == ["RDS status 'Paused' is not recognised; the state is reported as unknown"]


def test_a_wait_with_timeout_0_still_reads_each_task_once(monkeypatch, display):
    # The read takes real time (a slow network, a loaded machine): the look at the deadline waits for it.
    def slow(request):
        time.sleep(0.3)

    clouds = Clouds(rds_items=[huawei("r1", "Completed")], fail=slow)
    result = run_action(monkeypatch, clouds, {"tasks": [{"provider": "rds", "id": "r1"}], "timeout": 0, "huaweicloud": HUAWEI})
    assert (result["outcome"], result["tasks"][0]["state"]) == ("succeeded", "succeeded"), result


# --- as the wait_for_tasks role calls it: messages in the role's words, misspelled variables, report files ---------

ROLE = {"variable_prefix": "wait_for_tasks_"}


@pytest.mark.parametrize("args, message", [
    ({"tasks": [], "selectors": []},
     "wait_for_tasks_tasks: nothing to wait for: list tasks by id in wait_for_tasks_tasks, or choose them by filters with wait_for_tasks_selectors"),
    ({"tasks": [{"provider": "RDS", "id": "r1"}]},
     "Invalid variables: value of provider must be one of: udts, dds, rds, got: RDS found in wait_for_tasks_tasks"),
    ({"tasks": [{"provider": "rds", "id": "r1"}], "huaweicloud": {"project_id": "p1", "endpoint": "http://x.test", "secret_key": "a-long-secret"}},
     "wait_for_tasks_huaweicloud.access_key: is required together with secret_key"),
    ({"tasks": [{"provider": "rds", "id": " "}]}, "wait_for_tasks_tasks[0].id: must not be empty"),
    ({"selectors": [{"provider": "dds", "order_id": "o1"}]}, "wait_for_tasks_selectors[0].order_id: applies to rds selectors only, not dds"),
    ({"tasks": [{"provider": "rds", "id": "r1"}], "huaweicloud": "nonsense"}, "wait_for_tasks_huaweicloud: must be a dictionary"),
])
def test_with_a_variable_prefix_messages_name_the_variables(monkeypatch, display, args, message):
    clouds = rds_cloud()
    result = run_action(monkeypatch, clouds, dict(ROLE, **args))
    assert (result["failed"], result["outcome"], result["success"]) == (True, "error", False)
    assert result["msg"].startswith(message), result["msg"]
    assert clouds.transport.requests == []


def test_nothing_matched_names_the_allow_empty_variable_and_the_selector(monkeypatch, display):
    result = run_action(monkeypatch, Clouds(), dict(ROLE, selectors=[{"provider": "rds", "status": ["Running"]}], huaweicloud=HUAWEI))
    assert result["msg"] == "No task matched the selectors; set wait_for_tasks_allow_empty to accept that"
    result = run_action(monkeypatch, rds_cloud(), dict(ROLE, selectors=[{"provider": "rds", "instance_id": "i9", "status": ["Running"]}],
                                                       tasks=[{"provider": "rds", "id": "r1"}], allow_empty=True, huaweicloud=HUAWEI))
    assert result["outcome"] == "succeeded"
    assert result["unmatched_selectors"] == ["wait_for_tasks_selectors[0] (rds: instance_id=i9, status=Running)"]
    assert result["summary"][-1] == "note: wait_for_tasks_selectors[0] (rds: instance_id=i9, status=Running) matched no task"


def test_misspelled_role_variables_are_warned_about_naming_the_closest(monkeypatch, display):
    variables = {"wait_for_tasks_tasks": [], "wait_for_tasks_result": {}, "wait_for_tasks_tiemout": 5, "wait_for_task_selectors": [],
                 "wait_for_connection_timeout": 3, "inventory_hostname": "localhost"}
    result = run_action(monkeypatch, rds_cloud(), dict(ROLE, tasks=[{"provider": "rds", "id": "r1"}], huaweicloud=HUAWEI), task_vars=variables)
    expected = ["wait_for_task_selectors is not a variable of this role and is ignored; did you mean wait_for_tasks_selectors?",
                "wait_for_tasks_tiemout is not a variable of this role and is ignored; did you mean wait_for_tasks_timeout?"]
    assert result["outcome"] == "succeeded" and result["warnings"] == expected
    assert result["summary"][-2:] == ["warning: " + warning for warning in expected]
    # Without a prefix (task_wait in a play), play variables are none of its business.
    result = run_action(monkeypatch, rds_cloud(), {"tasks": [{"provider": "rds", "id": "r1"}], "huaweicloud": HUAWEI}, task_vars=variables)
    assert "warnings" not in result


def _junit(path):
    root = ElementTree.parse(str(path)).getroot()
    suites = root.findall("testsuite")
    assert root.tag == "testsuites" and len(suites) == 1
    return suites[0]


@pytest.mark.parametrize("timeline, timeout, outcome, failure", [
    ({"r1": [(8, {"status": "Completed"})]}, 60, "succeeded", None),
    ({"r1": [(8, {"status": "Failed", "fail_reason": "disk full"})]}, 60, "failed", ("failed", "Failed: disk full")),
    ({"r1": [(800, {"status": "Completed"})]}, 20, "timeout", ("timeout", "not finished at the timeout; last status Running (running), 10%")),
])
def test_the_report_files_are_written_for_every_outcome(monkeypatch, display, tmp_path, timeline, timeout, outcome, failure):
    clouds = Clouds(rds_items=[huawei("r1")], timeline=timeline)
    junit, report = tmp_path / "reports" / "gate.xml", tmp_path / "gate.json"
    args = {"tasks": [{"provider": "rds", "id": "r1", "name": "restart"}], "timeout": timeout, "poll_interval": 5, "huaweicloud": HUAWEI,
            "junit_file": str(junit), "json_file": str(report)}
    result = run_action(monkeypatch, clouds, args)
    assert result["outcome"] == outcome and result["success"] is (failure is None)
    suite = _junit(junit)
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("1", "0" if failure is None else "1", "0", "0")
    case = suite.find("testcase")
    assert (case.get("name"), case.get("classname")) == ("rds r1 [restart]", "rds")
    assert float(case.get("time")) == (result["tasks"][0]["finished_after"] if failure is None or outcome == "failed" else result["elapsed"])
    found = case.find("failure")
    assert (None if found is None else (found.get("type"), found.get("message"))) == failure
    assert suite.find("system-out").text == "\n".join(result["summary"])
    with open(str(report), encoding="utf-8") as handle:
        assert json.load(handle) == {key: result[key] for key in ("success", "outcome", "msg", "tasks", "elapsed", "polls", "unreadable", "summary")}
    assert sorted(path.name for path in tmp_path.rglob("*")) == ["gate.json", "gate.xml", "reports"]  # no temporary file left


def test_a_wait_that_cannot_start_still_writes_both_files_with_the_error(monkeypatch, display, tmp_path):
    args = dict(ROLE, tasks=[], junit_file=str(tmp_path / "gate.xml"), json_file=str(tmp_path / "gate.json"))
    result = run_action(monkeypatch, rds_cloud(), args)
    suite = _junit(tmp_path / "gate.xml")
    assert (suite.get("tests"), suite.get("errors")) == ("1", "1")
    assert suite.find("testcase/error").get("message") == result["msg"]
    with open(str(tmp_path / "gate.json"), encoding="utf-8") as handle:
        assert json.load(handle)["outcome"] == "error"


def test_the_github_step_summary_gets_a_table(monkeypatch, display, tmp_path):
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    run_action(monkeypatch, rds_cloud(), {"tasks": [{"provider": "rds", "id": "r1"}], "poll_interval": 5, "huaweicloud": HUAWEI})
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n### Database tasks gate: passed (succeeded)\n")
    assert "| rds | r1 [Job-r1] | succeeded | Completed (succeeded) | " in text


def test_a_report_path_that_cannot_be_written_fails_before_any_request(monkeypatch, display, tmp_path):
    clouds = rds_cloud()
    result = run_action(monkeypatch, clouds, dict(ROLE, tasks=[{"provider": "rds", "id": "r1"}], huaweicloud=HUAWEI, junit_file=str(tmp_path)))
    assert result["msg"] == "wait_for_tasks_junit_file: %s is a directory; give a file path" % tmp_path
    assert clouds.transport.requests == []
