# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The provider registry: a fourth API defined from a record alone runs through listing, waiting and task_wait.

This is the walk-through of docs/architecture.md ("Adding an API") as a test: nothing
but the record and its TaskSource is written for the new API.
"""

from __future__ import annotations

import pathlib
import re
from datetime import datetime, timedelta, timezone

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.dbtasks.cloud.plugins.module_utils._huawei_tasks import HUAWEI_RECORD, HuaweiTaskSource
from ansible_collections.dbtasks.cloud.plugins.module_utils._provider import Provider
from ansible_collections.dbtasks.cloud.plugins.module_utils._providers import PROVIDERS
from ansible_collections.dbtasks.cloud.plugins.module_utils._runtime import RuntimeHooks
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait import run_task_wait
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_options import parse_plan, task_wait_spec
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import FakeClock, FakeTransport
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.task_apis import HUAWEI_LIST_ROUTES, TaskStore, collect_huawei, huawei_api
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.task_wait_fakes import HUAWEI, huawei

NOW = datetime(2026, 3, 1, tzinfo=timezone.utc)
REPO = pathlib.Path(__file__).resolve().parents[4]


class GdsTasks(HuaweiTaskSource):
    """A made-up Huawei Cloud service whose task list lives at /v3/{project_id}/gds-tasks."""

    list_path = "/v3/{project_id}/gds-tasks"


GDS = Provider(
    name="gds",
    label="GDS",
    source=GdsTasks,
    module="dbtasks.cloud.gds_task_info",
    result_key="tasks",
    progress_path=("progress",),
    filter_options=("status", "name"),
    selector_filters=("status", "name"),
    page_size=20,
    list_operation="ListGdsTasks",
    service="gds",
    **HUAWEI_RECORD,
)
WITH_GDS = dict(PROVIDERS, gds=GDS)


@pytest.fixture
def store(monkeypatch):
    monkeypatch.setitem(HUAWEI_LIST_ROUTES, "/v3/p1/gds-tasks", ("gds", "tasks"))
    clock = FakeClock()
    items = [huawei("g%d" % number, progress_key="progress") for number in range(25)]
    timeline = {"g%d" % number: [(10 * (1 + number % 3), {"status": "Completed", "progress": ""})] for number in range(25)}
    return TaskStore(items, clock=clock, timeline=timeline)


def test_a_new_api_lists_every_page_from_its_record(store):
    result, warnings = collect_huawei(GDS, store, NOW)
    assert [item["id"] for item in result["tasks"]] == ["g%d" % number for number in range(25)]
    assert result["total_count"] == 25 and warnings == []
    assert {item["state"] for item in result["tasks"]} == {"running"} and result["tasks"][0]["progress_percent"] == 10.0
    assert store.calls == {"List": 2}  # pages of 20, the record's page_size


def test_a_new_api_is_waited_for_by_the_info_flow(store):
    result, dummy = collect_huawei(GDS, store, NOW, wait=True, wait_sleep=5)
    assert result["wait_outcome"] == "succeeded" and {item["state"] for item in result["tasks"]} == {"succeeded"}
    assert store.clock.now - store.start >= 30


def test_a_new_api_is_waited_for_by_task_wait_beside_the_others(store):
    transport = FakeTransport(handler=huawei_api(store))
    epoch = datetime(2026, 3, 1, tzinfo=timezone.utc)
    hooks = RuntimeHooks(transport=transport, sleep=store.clock.sleep, clock=store.clock.monotonic,
                         utcnow=lambda: epoch + timedelta(seconds=store.clock.now))
    validated = ArgumentSpecValidator(task_wait_spec(WITH_GDS)).validate(
        {"tasks": [{"provider": "gds", "id": "g1"}], "selectors": [{"provider": "gds", "status": ["Running"]}],
         "poll_interval": 5, "huaweicloud": dict(HUAWEI), "ucloud": {}})
    assert validated.error_messages == []
    plan = parse_plan(validated.validated_parameters, WITH_GDS)
    lines = []
    result, warnings = run_task_wait(plan, validated.validated_parameters, lines.append, hooks=hooks)
    assert (result["outcome"], len(result["tasks"])) == ("succeeded", 25)
    assert {row["provider"] for row in result["tasks"]} == {"gds"} and result["tasks"][0]["id"] == "g1"
    assert any(line.endswith("done gds g0 [Job-g0]: Completed (succeeded)") for line in lines), lines
    # One listing for the selector, then one list page pair per poll: never one request per task.
    assert "ShowJob" not in store.calls
    assert store.calls["List"] <= 2 + 2 * result["polls"]


def test_the_spec_offers_exactly_the_registered_providers():
    spec = task_wait_spec(WITH_GDS)
    assert spec["tasks"]["options"]["provider"]["choices"] == ["udts", "dds", "rds", "gds"]
    assert spec["selectors"]["options"]["provider"]["choices"] == ["udts", "dds", "rds", "gds"]


def test_no_generic_file_names_a_provider():
    """A provider's name is written only in its record's file, the registry and its module: the rest reads records."""
    own = {"_udts.py", "_dds.py", "_rds.py", "_huawei_tasks.py", "_providers.py"}
    named = re.compile(r"[\"'](%s)[\"']" % "|".join(PROVIDERS))
    offenders = []
    for path in sorted((REPO / "plugins").glob("*/*.py")):
        if path.parent.name in ("modules", "doc_fragments") or path.name in own:
            continue
        offenders.extend("%s:%d" % (path.relative_to(REPO), number) for number, line in enumerate(path.read_text().splitlines(), 1)
                         if named.search(line))
    assert offenders == []


def test_records_are_consistent():
    for name, provider in PROVIDERS.items():
        assert provider.name == name and provider.source is not None
        assert set(provider.selector_filters) <= set(provider.filter_options) | {"type", "status"}
        assert provider.module == "dbtasks.cloud.%s" % provider.module.split(".")[-1]
        assert (REPO / "plugins" / "modules" / (provider.module.split(".")[-1] + ".py")).is_file()
