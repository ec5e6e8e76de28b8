# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""task_wait options: the argument spec, the rules parse_plan adds, and how connection defaults merge."""

from __future__ import annotations

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_options import (
    TaskRef,
    merge_connection,
    parse_plan,
    task_wait_spec,
)
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.task_wait_fakes import CONNECTION_ENV, validated

RDS_TASK = [{"provider": "rds", "id": "r1"}]


@pytest.fixture(autouse=True)
def _no_connection_env(monkeypatch):
    for name in CONNECTION_ENV:
        monkeypatch.delenv(name, raising=False)


def spec_errors(**args):
    return ArgumentSpecValidator(task_wait_spec()).validate(args).error_messages


@pytest.mark.parametrize("args, fragment", [
    ({"tasks": [{"provider": "ecs", "id": "x"}]}, "provider must be one of: udts, dds, rds"),
    ({"tasks": [{"provider": "rds"}]}, "missing required arguments: id found in tasks"),
    ({"tasks": [{"provider": "rds", "id": "r1", "typo": 1}]}, "tasks.typo"),
    ({"tasks": RDS_TASK, "fail_on": ["broken"]}, "fail_on must be one or more of: failed, stopped, retrying, unknown"),
    ({"tasks": RDS_TASK, "target": "done"}, "target must be one of: terminal, synced"),
    ({"tasks": RDS_TASK, "timeout": "soon"}, "timeout"),
    ({"tasks": RDS_TASK, "huaweicloud": {"region": "x", "secret": "y"}}, "huaweicloud.secret"),
    ({"tasks": RDS_TASK, "wait": True}, "wait"),
])
def test_the_spec_names_the_option_in_error(args, fragment):
    errors = spec_errors(**args)
    assert errors and fragment in " ".join(errors)


@pytest.mark.parametrize("args, option, rule", [
    ({"tasks": [{"provider": "rds", "id": " "}]}, "tasks[0].id", "must not be empty"),
    ({"tasks": RDS_TASK + [{"provider": "dds", "id": "d", "name": ""}]}, "tasks[1].name", "must not be empty"),
    ({}, "tasks", "nothing to wait for: list tasks by id in tasks, or choose them by filters with selectors"),
    ({"selectors": [{"provider": "dds", "order_id": "o"}]}, "selectors[0].order_id", "applies to rds selectors only, not dds"),
    ({"selectors": [{"provider": "udts", "instance_id": "i"}]}, "selectors[0].instance_id", "dds and rds selectors only"),
    ({"selectors": [{"provider": "rds", "type": "full"}]}, "selectors[0].type", "udts selectors only"),
    ({"selectors": [{"provider": "rds"}]}, "selectors[0]", "needs at least one filter"),
    ({"selectors": [{"provider": "rds", "status": []}]}, "selectors[0].status", "at least one status"),
    ({"selectors": [{"provider": "rds", "status": ["running"]}]}, "selectors[0].status", "'running' is not a rds status"),
    ({"selectors": [{"provider": "udts", "status": ["Sleeping"]}]}, "selectors[0].status", "use one of Created, Checking"),
    ({"tasks": RDS_TASK, "timeout": -1}, "timeout", "must be from 0 to 2592000 seconds, got -1"),
    ({"tasks": RDS_TASK, "timeout": 1e10}, "timeout", "must be from 0 to 2592000 seconds, got 10000000000.0"),
    ({"tasks": RDS_TASK, "timeout": float("inf")}, "timeout", "must be from 0 to 2592000 seconds, got inf"),
    ({"tasks": RDS_TASK, "poll_interval": 0}, "poll_interval", "must be from 1 to 3600 seconds, got 0"),
    # polling a billion times a second spent the APIs' rate limits: a second at least
    ({"tasks": RDS_TASK, "poll_interval": 1e-9}, "poll_interval", "must be from 1 to 3600 seconds, got 1e-09"),
    ({"tasks": RDS_TASK, "poll_interval": 3601}, "poll_interval", "from 1 to 3600"),
    ({"tasks": RDS_TASK, "progress_interval": 0.5}, "progress_interval", "must be from 1 to 86400 seconds, got 0.5"),
    ({"tasks": RDS_TASK, "progress_interval": 1e10}, "progress_interval", "must be from 1 to 86400 seconds"),
    ({"tasks": RDS_TASK, "timeout": float("nan")}, "timeout", "must be from 0 to 2592000 seconds, got nan"),
    ({"tasks": RDS_TASK, "fail_on": []}, "fail_on", "at least one state"),
])
def test_parse_plan_rejects_what_the_spec_cannot_express(args, option, rule):
    with pytest.raises(ParameterError) as raised:
        parse_plan(validated(**args))
    assert raised.value.option == option
    assert rule in raised.value.rule


def test_a_plan_keeps_the_tasks_in_order_once_each_and_knows_its_clouds():
    tasks = [{"provider": "rds", "id": "r1"}, {"provider": "udts", "id": "u1", "name": "copy"}, {"provider": "rds", "id": "r1", "name": "again"}]
    plan = parse_plan(validated(tasks=tasks, selectors=[{"provider": "dds", "name": "Resize"}]))
    assert plan.tasks == (TaskRef("rds", "r1"), TaskRef("udts", "u1", "copy"))
    assert [provider.name for provider in plan.used()] == ["udts", "dds", "rds"]
    assert plan.clouds() == ["ucloud", "huaweicloud"]
    assert plan.selectors == ({"provider": "dds", "name": "Resize"},)
    assert (plan.timeout, plan.poll_interval, plan.progress_interval, plan.target) == (1800.0, 30.0, 60.0, "terminal")
    assert plan.fail_on == frozenset({"failed", "stopped"}) and plan.allow_empty is False


def test_udts_statuses_are_matched_ignoring_case_and_repeats_dropped():
    plan = parse_plan(validated(selectors=[{"provider": "udts", "status": ["dumping", "SYNCED", "dumping"]}]))
    assert plan.selectors[0]["status"] == ["dumping", "SYNCED"]
    assert plan.clouds() == ["ucloud"]


def test_connection_options_fall_back_to_the_environment(monkeypatch):
    monkeypatch.setenv("HUAWEICLOUD_SDK_ENDPOINT", "https://emulator.test")
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", "from-env")
    params = validated(tasks=RDS_TASK, huaweicloud={"access_key": "AK"}, ucloud={})
    assert params["huaweicloud"]["endpoint"] == "https://emulator.test"
    assert params["huaweicloud"]["secret_key"] == "from-env"
    # base_url has no spec default: a profile may give one, else ucloud_config applies https://api.ucloud.cn
    assert params["huaweicloud"]["retries"] == 4 and params["ucloud"]["base_url"] is None


def test_merge_connection_takes_only_connection_options_from_the_group_and_lets_the_task_win():
    group = {"access_key": "group-ak", "region": "cn-north-4", "wait_timeout": 60, "status": "Running", "timeout": 5, "endpoint": None}
    merged = merge_connection(group, {"region": "ap-southeast-1", "typo": 1, "project_id": None}, "huaweicloud")
    assert merged == {"access_key": "group-ak", "region": "ap-southeast-1", "timeout": 5, "typo": 1}
    assert merge_connection({}, None, "ucloud") == {}
