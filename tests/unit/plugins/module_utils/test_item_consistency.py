# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Self-consistent items: the same instance_id, instance_name, created_at and ended_at whether a task is listed, read
by id or followed through a wait; a detail read drops the listing fields it supersedes; one progress form per
provider; total_count of the listing that selected the tasks. Fake APIs through the real clients (task_apis.py)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ansible_collections.dbtasks.cloud.plugins.module_utils._dds import DDS
from ansible_collections.dbtasks.cloud.plugins.module_utils._rds import RDS
from ansible_collections.dbtasks.cloud.plugins.module_utils._states import normalize_item
from ansible_collections.dbtasks.cloud.plugins.module_utils._tracker import merge_detail
from ansible_collections.dbtasks.cloud.plugins.module_utils._udts import UDTS
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.task_apis import TaskStore, collect_huawei
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.test_udts import run as collect_udts
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.test_udts import udts_task

NOW = datetime(2026, 3, 1, tzinfo=timezone.utc)
FOUR = ("instance_id", "instance_name", "created_at", "ended_at")
ENDED = "2026-03-01T00:00:30+0000"


def four(item):
    return {name: item[name] for name in FOUR}


def rds_task(task_id):
    return {"id": task_id, "name": "RestartInstance", "instance_id": "in01", "instance_name": "rds-1", "instance_status": "REBOOTING",
            "order_id": "", "process": "49", "fail_reason": "", "create_time": "2026-02-28T23:00:00+0000", "end_time": "",
            "status": "Running"}


def dds_job(job_id):
    return {"id": job_id, "name": "ResizeInstance", "instance_id": "in02", "instance_name": "dds-2", "status": "Running",
            "progress": "49%", "fail_reason": "", "created_at": "2026-02-28T23:00:00+0000", "ended_at": ""}


def huawei_detail(progress_key, percent):
    """The single-job read's names for what the stored (listing-shaped) item holds: created, ended, instance{id, name}."""
    def detail(item):
        job = {"id": item["id"], "name": item["name"], "status": item["status"], "fail_reason": item["fail_reason"],
               "created": item.get("create_time") or item.get("created_at"), "ended": item.get("end_time") or item.get("ended_at"),
               "instance": {"id": item["instance_id"], "name": item["instance_name"]}}
        job[progress_key] = percent(item[progress_key])
        return job
    return detail


WITH_SIGN = huawei_detail("process", lambda value: value and value + "%")  # RDS: "49%" where the listing has "49"
SAME = huawei_detail("progress", lambda value: value)
FINISHED = {"status": "Completed", "process": "", "progress": "", "end_time": ENDED, "ended_at": ENDED, "instance_status": "ACTIVE"}


@pytest.mark.parametrize("provider, item, detail", [(RDS, rds_task, WITH_SIGN), (DDS, dds_job, SAME)], ids=["rds", "dds"])
def test_listed_by_id_and_after_a_wait_a_huawei_task_has_the_same_four_fields_and_no_stale_one(provider, item, detail):
    store = TaskStore([item("t1")], timeline={"t1": [(30, FINISHED)]})
    listed, dummy = collect_huawei(provider, store, NOW, detail=detail)
    by_id, dummy = collect_huawei(provider, store, NOW, detail=detail, job_id="t1")
    waited, warnings = collect_huawei(provider, store, NOW, detail=detail, status="Running", wait=True, wait_sleep=10)
    key = provider.result_key
    running = {"instance_id": "in0%d" % (1 if provider is RDS else 2), "instance_name": "%s-%d" % (provider.name, 1 if provider is RDS else 2),
               "created_at": "2026-02-28T23:00:00Z", "ended_at": None}
    assert four(listed[key][0]) == four(by_id[key][0]) == running
    # the raw progress text has one form per provider, whichever read gave it
    progress = provider.progress_path[0]
    assert listed[key][0][progress] == by_id[key][0][progress] == ("49" if provider is RDS else "49%")
    done = waited[key][0]
    assert waited["wait_outcome"] == "succeeded" and done["state"] == "succeeded" and warnings == []
    assert four(done) == dict(running, ended_at="2026-03-01T00:00:30Z")
    # the wait read the task by id: nothing of the listing that describes it while running is left
    assert done["instance"] == {"id": running["instance_id"], "name": running["instance_name"]}
    assert not {"end_time", "create_time", "instance_status", "api_ended_at", "api_created_at"} & set(done)
    assert "instance_id" in done and done[progress] == ""
    # listed again once it ended: the same values from the listing's names
    after, dummy = collect_huawei(provider, store, NOW, detail=detail)
    assert four(after[key][0]) == four(done)


def test_a_udts_task_has_the_same_four_fields_listed_by_id_and_after_a_wait():
    done = {"Status": "Done", "Progress": {"Percentage": 100}}
    store = TaskStore([udts_task("u1", Progress={"Percentage": 40.5})], id_key="TaskId", timeline={"u1": [(20, done)]})
    listed, dummy = collect_udts(store)
    by_id, dummy = collect_udts(store, task_id="u1")
    waited, dummy = collect_udts(store, task_ids=["u1"], wait=True, wait_sleep=10)
    expected = {"instance_id": None, "instance_name": None, "created_at": "2026-03-01T00:00:00Z", "ended_at": None}
    assert four(listed["tasks"][0]) == four(by_id["tasks"][0]) == four(waited["tasks"][0]) == expected
    assert waited["tasks"][0]["state"] == "succeeded" and waited["tasks"][0]["create_time"] == 1772323200


def test_total_count_stays_that_of_the_listing_that_selected_the_tasks():
    jobs = [dds_job("d%d" % number) for number in range(3)]
    # d0 ends first: later listings of Running jobs hold 2, then 1, then none
    timeline = {"d%d" % number: [(10 * (number + 1), dict(FINISHED))] for number in range(3)}
    store = TaskStore(jobs, timeline=timeline)
    result, dummy = collect_huawei(DDS, store, NOW, detail=SAME, status="Running", wait=True, wait_sleep=5)
    assert [job["state"] for job in result["jobs"]] == ["succeeded"] * 3
    assert result["total_count"] == 3 == len(result["jobs"])
    assert store.calls["List"] >= 2  # later polls listed again and saw fewer Running jobs


def test_merge_detail_keeps_what_the_detail_lacks_and_drops_what_it_names_otherwise():
    listed = rds_task("t1")
    detail = WITH_SIGN(dict(listed, **FINISHED))
    merged = merge_detail(RDS, listed, detail)
    assert merged == dict(detail, order_id="")
    # UDTS: the same names in both reads, so the listing's creation time and name stay and the detail's values win
    udts = merge_detail(UDTS, udts_task("u1"), {"Status": "Done", "Progress": {"Percentage": 100}})
    assert (udts["Name"], udts["CreateTime"], udts["Status"], udts["Progress"]) == ("copy", 1772323200, "Done", {"Percentage": 100})


@pytest.mark.parametrize("provider, raw, expected", [
    # RDS times in epoch milliseconds, as text or a number; UDTS epoch seconds; 0 is no time
    (RDS, {"id": "r", "status": "Completed", "create_time": "1772366400000", "end_time": 1772366460000},
     {"created_at": "2026-03-01T12:00:00Z", "ended_at": "2026-03-01T12:01:00Z"}),
    (UDTS, {"TaskId": "u", "Status": "Done", "CreateTime": 0}, {"created_at": None, "ended_at": None}),
    # an end time on a running task (RDS documents a "planned" end time) is no end yet
    (RDS, {"id": "r", "status": "Running", "create_time": "2026-03-01T20:00:00+0800", "end_time": "2026-03-01T13:00:00+0000"},
     {"created_at": "2026-03-01T12:00:00Z", "ended_at": None}),
    # an integer instance id comes as text; a blank or an object is none
    (DDS, {"id": "d", "status": "Failed", "instance_id": 42, "instance_name": " ", "instance": {"name": {"x": 1}}},
     {"instance_id": "42", "instance_name": None}),
])
def test_the_four_fields_are_read_through_the_record_in_one_form(provider, raw, expected):
    item, warnings = normalize_item(provider, raw)
    assert {name: item[name] for name in expected} == expected and warnings == []


def test_an_api_field_named_like_a_derived_one_never_overrules_it():
    # UDTS has no instance field: an "InstanceId" of its own is data, moved aside with a warning
    item, warnings = normalize_item(UDTS, {"TaskId": "u", "Status": "Done", "CreateTime": 1772366400, "InstanceId": "x",
                                           "CreatedAt": "2000-01-01T00:00:00Z"})
    assert (item["instance_id"], item["api_instance_id"], item["created_at"], item["api_created_at"]) == (
        None, "x", "2026-03-01T12:00:00Z", "2000-01-01T00:00:00Z")
    assert len(warnings) == 2 and "'instance_id'" in warnings[0]
