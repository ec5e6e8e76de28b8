# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""udts_task_info end to end through main(): status list filter, task_ids with detail, waiting for synced."""

from __future__ import annotations

import pytest

from ansible_collections.dbtasks.cloud.plugins.modules import udts_task_info
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import run_module
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.task_apis import TaskStore, install_api, ucloud_api

KEYS = {"public_key": "pub", "private_key": "private-key-secret", "base_url": "https://udts.test"}


def udts_task(task_id, status, task_type="full", **fields):
    return dict({"TaskId": task_id, "Name": "copy-" + task_id, "Type": task_type, "Status": status, "MaxRetryCount": 1,
                 "CurRetryCount": 0, "Progress": {"Percentage": 50}}, **fields)


@pytest.fixture
def store(monkeypatch):
    for name in ("UCLOUD_PUBLIC_KEY", "UCLOUD_PRIVATE_KEY", "UCLOUD_PROJECT_ID", "UCLOUD_API_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    tasks = TaskStore([udts_task("a", "Dumping"), udts_task("b", "Failed", CurRetryCount=1, FailReason="denied"),
                       udts_task("c", "Syncing", "incremental")], id_key="TaskId")
    install_api(monkeypatch, tasks, ucloud_api)
    return tasks


def test_status_list_filters_locally(store):
    result = run_module(udts_task_info.main, dict(KEYS, status="Failed,Dumping"))
    assert [(task["id"], task["state"]) for task in result["tasks"]] == [("a", "running"), ("b", "failed")]
    assert result["total_count"] == 3


def test_task_ids_come_with_the_failure_message(store):
    result = run_module(udts_task_info.main, dict(KEYS, task_ids=["b"]))
    assert result["tasks"][0]["failure_reason"] == "denied"
    assert store.calls["GetUDTSTaskStatus"] == 1


def test_wait_for_synced(store):
    store.timeline = {"c": [(25, {"Status": "Synced"})]}
    result = run_module(udts_task_info.main, dict(KEYS, task_id="c", wait=True, wait_for="synced"))
    assert result["wait_outcome"] == "synced" and result["elapsed"] >= 25


def test_unknown_status_value_is_refused_before_any_request(store):
    result = run_module(udts_task_info.main, dict(KEYS, status=["Finished"]))
    assert result["failed"] is True and "status" in result["msg"] and "Finished" in result["msg"]
    assert not store.calls


def test_a_wait_for_terminal_on_a_synced_task_times_out_saying_which_option_accepts_it(store):
    store.timeline = {"c": [(25, {"Status": "Synced", "Progress": {"Percentage": 0}})]}
    result = run_module(udts_task_info.main, dict(KEYS, task_id="c", wait=True, wait_timeout=120))
    assert (result["failed"], result["wait_outcome"]) == (True, "timeout")
    assert result["msg"].endswith("Hint: every unfinished task is synced: an incremental migration that caught up stays synced and never "
                                  "finishes; set wait_for: synced to accept synced tasks"), result["msg"]
    # Still running at the deadline: no hint.
    store.timeline = {"c": [(500, {"Status": "Synced"})]}
    assert "Hint" not in run_module(udts_task_info.main, dict(KEYS, task_id="c", wait=True, wait_timeout=60))["msg"]
