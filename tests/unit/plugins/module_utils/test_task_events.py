# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The event source's arguments, event fields and outage bookkeeping (``_task_events.py``); its loop is tested with the plugin."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ansible_collections.dbtasks.cloud.plugins.module_utils._dds import DDS
from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError, DbTasksError, ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._rds import RDS
from ansible_collections.dbtasks.cloud.plugins.module_utils._redact import Redactor
from ansible_collections.dbtasks.cloud.plugins.module_utils._states import normalize_item
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_events import (
    MAX_BACKOFF,
    Outage,
    parse_source_args,
    redacted,
    task_event,
)
from ansible_collections.dbtasks.cloud.plugins.module_utils._udts import UDTS
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.task_wait_fakes import CONNECTION_ENV, HUAWEI, UCLOUD

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _no_connection_env(monkeypatch):
    for name in CONNECTION_ENV:
        monkeypatch.delenv(name, raising=False)


def parse(**args):
    args.setdefault("ucloud", dict(UCLOUD))
    args.setdefault("huaweicloud", dict(HUAWEI))
    return parse_source_args(args)


def test_defaults_and_selectors_are_checked_by_task_wait_rules():
    plan = parse(selectors=[{"provider": "udts"}, {"provider": "dds", "status": ["Running", "Running"]}, {"provider": "rds", "ids": ["r1", "r1", "r2"]}],
                 eda_feedback_queue=object())
    assert plan.poll_interval == 30.0 and plan.progress_step is None
    assert plan.selectors == (("selectors[0]", {"provider": "udts"}), ("selectors[1]", {"provider": "dds", "status": ["Running"]}),
                              ("selectors[2]", {"provider": "rds", "ids": ["r1", "r2"]}))
    assert [provider.name for provider, _selectors in plan.by_provider()] == ["udts", "dds", "rds"]
    assert plan.clouds() == ["ucloud", "huaweicloud"]
    assert set(plan.secrets) == {UCLOUD["private_key"], HUAWEI["secret_key"]}
    assert parse(selectors=[{"provider": "rds"}], progress=True, progress_step=5).progress_step == 5.0


@pytest.mark.parametrize("args, named", [
    ({"selectors": [{"provider": "dds"}], "poll_intervall": 5}, "unknown argument(s) poll_intervall"),
    ({"selectors": [{"provider": "dds", "statuses": ["Running"]}]}, "unknown argument(s) selectors.statuses"),
    ({}, "missing required arguments: selectors"),
    ({"selectors": []}, "selectors: list at least one selector"),
    ({"selectors": [{"provider": "ecs"}]}, "value of provider must be one of: udts, dds, rds, got: ecs found in selectors"),
    ({"selectors": [{"provider": "dds", "status": ["Done"]}]}, "selectors[0].status: 'Done' is not a dds status"),
    ({"selectors": [{"provider": "udts", "instance_id": "i"}]}, "selectors[0].instance_id: applies to dds and rds selectors only"),
    ({"selectors": [{"provider": "rds", "ids": ["r1"], "status": ["Running"]}]}, "selectors[0].ids: cannot be combined with status"),
    ({"selectors": [{"provider": "rds", "ids": []}]}, "selectors[0].ids: must list at least one id"),
    ({"selectors": [{"provider": "rds", "ids": ["r1", " "]}]}, "selectors[0].ids[1]: must not be empty"),
    ({"selectors": [{"provider": "rds"}], "poll_interval": 0.5}, "poll_interval: must be from 1 to 3600 seconds, got 0.5"),
    ({"selectors": [{"provider": "rds"}], "poll_interval": "nan"}, "poll_interval: must be from 1 to 3600 seconds"),
    ({"selectors": [{"provider": "rds"}], "progress": True, "progress_step": 0}, "progress_step: must be from 0.1 to 100 percent"),
])
def test_a_bad_argument_is_named(args, named):
    with pytest.raises(DbTasksError) as raised:
        parse(**args)
    assert named in str(raised.value)


def test_a_secret_given_in_a_bad_argument_is_not_echoed():
    with pytest.raises(DbTasksError) as raised:
        parse(selectors=[{"provider": "rds"}], huaweicloud=dict(HUAWEI, secret_key=["not-a-string-secret-value"], retries="many"))
    assert "retries" in str(raised.value)
    secret = "huawei-secret-that-leaks"
    with pytest.raises(DbTasksError) as raised:
        parse(selectors=[{"provider": "rds"}], huaweicloud=dict(HUAWEI, secret_key=secret, timeout=secret))
    assert "timeout" in str(raised.value) and secret not in str(raised.value)


def item_of(provider, raw):
    return normalize_item(provider, raw)[0]


@pytest.mark.parametrize("provider, raw, expected", [
    (UDTS, {"TaskId": "u1", "Name": "orders", "Status": "Synced", "CreateTime": 1772366400},
     {"instance_id": None, "created_at": "2026-03-01T12:00:00Z", "ended_at": None, "name": "orders", "state": "synced"}),
    # the DDS listing's names
    (DDS, {"id": "d1", "name": "Resize", "status": "Failed", "instance_id": "in02", "created_at": "2026-03-01T20:00:00+0800",
           "ended_at": "2026-03-01T12:30:05+0000", "fail_reason": "port in use"},
     {"instance_id": "in02", "created_at": "2026-03-01T12:00:00Z", "ended_at": "2026-03-01T12:30:05Z", "failure_reason": "port in use"}),
    # the single-job read's names, and an end time still blank in the listing's field
    (DDS, {"id": "d1", "name": "Resize", "status": "Running", "instance": {"id": "in03", "name": "dds-3"},
           "created": "2026-03-01T12:00:00+0000", "ended_at": "", "ended": ""},
     {"instance_id": "in03", "instance_name": "dds-3", "created_at": "2026-03-01T12:00:00Z", "ended_at": None}),
    (RDS, {"id": "r1", "name": "Restart", "status": "Completed", "instance_id": "in01", "create_time": "1772366400000",
           "end_time": "", "ended": "2026-03-01T12:01:00+0000"},
     {"instance_id": "in01", "created_at": "2026-03-01T12:00:00Z", "ended_at": "2026-03-01T12:01:00Z", "terminal": True}),
    # nonsense where a time or an instance should be gives null, not an error
    (RDS, {"id": "r2", "status": "Running", "instance_id": {"x": 1}, "create_time": "yesterday", "end_time": True},
     {"instance_id": None, "created_at": None, "ended_at": None, "state": "running"}),
])
def test_task_event_fields_come_from_the_record(provider, raw, expected):
    event = task_event(provider, item_of(provider, raw), raw, "running", "state")["dbtasks"]
    assert {name: event[name] for name in expected} == expected
    assert event["provider"] == provider.name and event["previous_state"] == "running" and event["change"] == "state"
    assert event["raw"] == raw
    assert set(event) == {"provider", "id", "name", "state", "previous_state", "terminal", "progress_percent", "failure_reason",
                          "instance_id", "instance_name", "created_at", "ended_at", "change", "raw"}
    # the same values as the item's normalized fields, whatever read gave them
    assert {name: event[name] for name in ("instance_id", "instance_name", "created_at", "ended_at")} == {
        name: item_of(provider, raw)[name] for name in ("instance_id", "instance_name", "created_at", "ended_at")}


def test_redacted_masks_secrets_in_every_string_and_keeps_other_values():
    redactor = Redactor(["s3cret"])
    value = {"name": "job s3cret", "list": ["a", "Signature=abc&x=1", 3, None], "s3cret": True, "nested": {"n": 1.5}}
    assert redacted(value, redactor) == {"name": "job ********", "list": ["a", "Signature=********&x=1", 3, None], "********": True,
                                         "nested": {"n": 1.5}}


def api_error(retryable=True, message="Backend unavailable"):
    return ApiError("huaweicloud", "ListTasks", message, http_status=503, code="APIGW.0202", request_id="req-1", retryable=retryable,
                    label="RDS")


def test_an_outage_gives_one_error_event_then_one_recovery_and_backs_off():
    outage = Outage(RDS, Redactor(["s3cret"]))
    assert outage.recovered(NOW) is None and outage.delay(10) == 10
    first = outage.failed(api_error(message="down, key s3cret"), NOW)
    assert first == {"dbtasks_api_error": {
        "provider": "rds", "cloud": "huaweicloud", "code": "APIGW.0202", "http_status": 503, "request_id": "req-1",
        "operation": "ListTasks", "message": "RDS ListTasks failed: down, key ******** (code APIGW.0202, HTTP 503, request id req-1)",
        "since": "2026-03-01T12:00:00Z"}}
    later = datetime(2026, 3, 1, 12, 5, tzinfo=timezone.utc)
    delays = [outage.delay(10)]
    for _failure in range(8):
        assert outage.failed(api_error(), later) is None
        delays.append(outage.delay(10))
    assert delays[:5] == [20, 40, 80, 160, MAX_BACKOFF] and set(delays[5:]) == {MAX_BACKOFF}
    assert outage.recovered(later) == {"dbtasks_api_recovered": {
        "provider": "rds", "cloud": "huaweicloud", "since": "2026-03-01T12:00:00Z", "recovered_at": "2026-03-01T12:05:00Z", "failed_reads": 9}}
    assert outage.recovered(later) is None and outage.delay(10) == 10
    # a malformed answer is an outage too, without a code
    assert outage.failed(DbTasksError("RDS ListTasks answered with tasks that is not a list but str"), later)["dbtasks_api_error"]["code"] is None
    # a poll interval above the cap is never shortened by the backoff
    assert outage.delay(600) == 600


def test_api_text_in_an_error_event_is_escaped_and_cut():
    event = Outage(RDS, Redactor()).failed(api_error(message="\x1b[2Jfake line\nok: done" + "x" * 2000), NOW)
    message = event["dbtasks_api_error"]["message"]
    assert "\x1b" not in message and "\n" not in message and "\\x1b[2Jfake line\\nok: done" in message
    assert message.endswith("more characters]")


def test_parameter_errors_name_the_option_as_written():
    with pytest.raises(ParameterError) as raised:
        parse(selectors=[{"provider": "rds", "ids": ["r1"], "name": "x", "order_id": "o"}])
    assert raised.value.option == "selectors[0].ids" and "name, order_id" in raised.value.rule
