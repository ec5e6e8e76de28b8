# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""rds_task_info end to end through main(): options, result shape, check mode, failures."""

from __future__ import annotations

import pytest
from ansible.module_utils.common import warnings as ansible_warnings

from ansible_collections.dbtasks.cloud.plugins.modules import rds_task_info
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import json_response, run_module
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.task_apis import TaskStore, huawei_api, install_api

CREDENTIALS = {"access_key": "AK", "secret_key": "secret-sk-value", "project_id": "p1", "endpoint": "https://api.test"}
RUNNING = {"id": "t1", "name": "RestartInstance", "instance_id": "ins-1", "status": "Running", "process": "40", "fail_reason": "",
           "create_time": "2026-03-01T00:00:00+0000", "end_time": "", "datastore_type": "MySQL"}


@pytest.fixture(autouse=True)
def no_environment_credentials(monkeypatch):
    for name in ("HUAWEICLOUD_SDK_AK", "HW_ACCESS_KEY", "HUAWEICLOUD_SDK_SK", "HW_SECRET_KEY", "HUAWEICLOUD_SDK_SECURITY_TOKEN",
                 "HW_SECURITY_TOKEN", "HUAWEICLOUD_SDK_PROJECT_ID", "HW_PROJECT_ID", "HUAWEICLOUD_SDK_ENDPOINT", "HUAWEICLOUD_SDK_AUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def test_lists_tasks_with_normalized_fields_and_unknown_fields_kept(monkeypatch):
    store = TaskStore([RUNNING, dict(RUNNING, id="t2", status="Completed", process="")])
    install_api(monkeypatch, store, huawei_api)
    result = run_module(rds_task_info.main, dict(CREDENTIALS, instance_id="ins-1"))
    assert result["changed"] is False and result["total_count"] == 2
    first = result["tasks"][0]
    assert first["datastore_type"] == "MySQL"
    assert (first["id"], first["state"], first["terminal"], first["progress_percent"], first["failure_reason"]) == ("t1", "running", False, 40.0, None)
    assert result["tasks"][1]["state"] == "succeeded"


def test_check_mode_gives_the_same_read_only_result(monkeypatch):
    store = TaskStore([RUNNING])
    install_api(monkeypatch, store, huawei_api)
    normal = run_module(rds_task_info.main, dict(CREDENTIALS))
    checked = run_module(rds_task_info.main, dict(CREDENTIALS, _ansible_check_mode=True))
    assert checked == normal
    assert store.calls["List"] == 2


@pytest.mark.parametrize("args, message", [
    ({"limit": 51}, "limit: must be from 1 to 50"),
    ({"offset": -3}, "offset: must be 0 or more"),
    ({"start_time": "-1d", "end_time": "-3d"}, "end_time: must be later than start_time"),
    ({"start_time": "last tuesday"}, "start_time: must be ISO 8601"),
    ({"job_id": ""}, "job_id: must not be empty"),
    ({"job_id": "t1", "status": "Running"}, "status: cannot be combined with job_id"),
    ({"wait": True, "limit": 5}, "limit: cannot be combined with wait"),
    ({"status": "Done"}, "value of status must be one of: Running, Completed, Failed"),
])
def test_bad_input_fails_before_any_request(monkeypatch, args, message):
    store = TaskStore([RUNNING])
    transport = install_api(monkeypatch, store, huawei_api)
    result = run_module(rds_task_info.main, dict(CREDENTIALS, **args))
    assert result["failed"] is True and message in result["msg"]
    assert transport.requests == []


def test_api_errors_fail_with_code_status_and_request_id(monkeypatch):
    install_api(monkeypatch, TaskStore([]), huawei_api)
    result = run_module(rds_task_info.main, dict(CREDENTIALS, job_id="missing"))
    assert result["failed"] is True
    assert (result["error_code"], result["http_status"], result["request_id"], result["operation"]) == ("DBS.280404", 404, "req-404", "ShowJob")
    assert "job_id 'missing' cannot be read" in result["msg"]
    assert "secret-sk-value" not in repr(result)


def test_wait_until_finished(monkeypatch):
    store = TaskStore([RUNNING], timeline={"t1": [(40, {"status": "Failed", "process": "", "fail_reason": "disk full"})]})
    install_api(monkeypatch, store, huawei_api)
    result = run_module(rds_task_info.main, dict(CREDENTIALS, job_id="t1", wait=True))
    assert result["wait_outcome"] == "failed" and result["elapsed"] >= 40
    assert result["tasks"][0]["failure_reason"] == "disk full"


def test_wait_timeout_fails_listing_the_unfinished_task(monkeypatch):
    install_api(monkeypatch, TaskStore([RUNNING]), huawei_api)
    result = run_module(rds_task_info.main, dict(CREDENTIALS, status="Running", wait=True, wait_timeout=30))
    assert result["failed"] is True and result["wait_outcome"] == "timeout" and result["elapsed"] == 30
    assert result["msg"] == 'Timed out after 30s waiting for 1 of 1 tasks: t1 "RestartInstance" (status Running, state running, 40%)'
    assert result["tasks"][0]["id"] == "t1"


def test_unknown_status_is_a_module_warning(monkeypatch):
    ansible_warnings._global_warnings.clear()  # pylint: disable=protected-access
    install_api(monkeypatch, TaskStore([dict(RUNNING, status="Paused"), dict(RUNNING, id="t2", status="Paused")]), huawei_api)
    result = run_module(rds_task_info.main, dict(CREDENTIALS))
    assert result["tasks"][0]["state"] == "unknown"
    messages = ansible_warnings.get_warning_messages()
    assert messages.count("RDS status 'Paused' is not recognised; the state is reported as unknown") == 1, messages


@pytest.mark.parametrize("own_fields", [{"dbtasks_state": "succeeded"}, {"state": "succeeded", "terminal": True},
                                        {"dbtasks_state": ["x"]}, {"state": {"v": ["x"]}, "progress_percent": ["x"]}])
def test_an_answer_naming_the_collections_own_fields_never_overrules_the_wait(monkeypatch, own_fields):
    failed = dict({"status": "Failed", "process": "", "fail_reason": "disk full"}, **own_fields)
    store = TaskStore([RUNNING], timeline={"t1": [(10, failed)]})
    install_api(monkeypatch, store, huawei_api)
    result = run_module(rds_task_info.main, dict(CREDENTIALS, job_id="t1", wait=True))
    assert result.get("failed") is None and result["wait_outcome"] == "failed"
    task = result["tasks"][0]
    assert (task["state"], task["terminal"], task["failure_reason"]) == ("failed", True, "disk full")
    # what the API sent is still returned, as data
    assert all(task.get("api_" + name, task.get(name)) == value for name, value in own_fields.items())


HOSTILE = "\x1b[2J\x1b[32mPASSED\x1b[0m\rok: [localhost]\n"


def _escaped(text):
    return "\x1b" not in text and "\r" not in text and "\n" not in text


def test_api_text_in_the_wait_message_and_warnings_is_escaped_and_returned_as_sent(monkeypatch):
    ansible_warnings._global_warnings.clear()  # pylint: disable=protected-access
    install_api(monkeypatch, TaskStore([dict(RUNNING, name=HOSTILE + "n" * 5000, status="Paused" + HOSTILE)]), huawei_api)
    result = run_module(rds_task_info.main, dict(CREDENTIALS, job_id="t1", wait=True, wait_timeout=10))
    assert result["failed"] is True and result["wait_outcome"] == "timeout"
    assert result["msg"].startswith('Timed out after 10s waiting for 1 of 1 tasks: t1 "\\x1b[2J\\x1b[32mPASSED\\x1b[0m\\rok: [localhost]\\nnnnn')
    assert "more characters]" in result["msg"] and len(result["msg"]) < 500 and _escaped(result["msg"])
    messages = ansible_warnings.get_warning_messages()
    assert messages and all(_escaped(message) for message in messages)
    assert "RDS status 'Paused\\x1b[2J\\x1b[32mPASSED\\x1b[0m\\rok: [localhost]\\n' is not recognised" in messages[0]
    assert result["tasks"][0]["name"] == HOSTILE + "n" * 5000


def test_a_wait_whose_api_goes_down_times_out_naming_it_since_when_and_why(monkeypatch):
    store = TaskStore([RUNNING])

    def down_after_20s(store):
        serve = huawei_api(store)

        def handle(request):
            if store.clock.now - store.start >= 20:
                return json_response({"error_code": "APIGW.0202", "error_msg": "Backend unavailable"}, 503, headers={"X-Request-Id": "r-503"})
            return serve(request)
        return handle

    install_api(monkeypatch, store, down_after_20s)
    result = run_module(rds_task_info.main, dict(CREDENTIALS, job_id="t1", wait=True, wait_timeout=60, retries=0))
    assert result["wait_outcome"] == "timeout" and result["elapsed"] == 60
    assert result["msg"] == ('Timed out after 60s waiting for 1 of 1 tasks: t1 "RestartInstance" (status Running, state running, 40%), '
                             'last read 48s ago; rds could not be read since 24s (tasks as last read at 12s): RDS ShowJob failed: '
                             'Backend unavailable (code APIGW.0202, HTTP 503, request id r-503)')


@pytest.mark.parametrize("args, message", [
    ({"wait_timeout": 10 ** 10}, "wait_timeout: must be from 0 to 2592000 seconds, got 10000000000"),
    ({"wait_timeout": -1}, "wait_timeout: must be from 0 to 2592000 seconds, got -1"),
    ({"wait_sleep": 0}, "wait_sleep: must be from 1 to 3600 seconds, got 0"),
    ({"wait_sleep": 10 ** 10}, "wait_sleep: must be from 1 to 3600 seconds"),
])
def test_wait_durations_out_of_bounds_fail_before_any_request(monkeypatch, args, message):
    transport = install_api(monkeypatch, TaskStore([RUNNING]), huawei_api)
    result = run_module(rds_task_info.main, dict(CREDENTIALS, job_id="t1", wait=True, **args))
    assert result["failed"] is True and message in result["msg"]
    assert transport.requests == []
