# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The task_wait action plugin: options from the task, group module_defaults and the environment; result and display."""

from __future__ import annotations

import importlib
import types
from unittest import mock

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


def run_action(monkeypatch, clouds, args, module_defaults=(), check_mode=False):
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
    return action.run(task_vars={})


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
    ({"tasks": [], "selectors": []}, "tasks: list at least one task"),
    ({"tasks": [{"provider": "rds", "id": "r1"}], "timeout": -3, "huaweicloud": HUAWEI}, "timeout: must be from 0 to 2592000 seconds, got -3"),
    ({"tasks": [{"provider": "rds", "id": "r1"}], "poll_interval": 1e-9, "huaweicloud": HUAWEI}, "poll_interval: must be from 1 to 3600 seconds"),
    ({"tasks": [{"provider": "rds", "id": "r1"}], "timeout": 1e10, "huaweicloud": HUAWEI}, "timeout: must be from 0 to 2592000 seconds"),
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
    result = run_action(monkeypatch, rds_cloud(), {"tasks": [{"provider": "rds", "id": "gone"}], "huaweicloud": HUAWEI})
    assert (result["failed"], result["outcome"], result["error_code"], result["http_status"]) == (True, "error", "DBS.280404", 404)
    assert "the rds task 'gone' cannot be read" in result["msg"] and result["request_id"] == "req-404"


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
