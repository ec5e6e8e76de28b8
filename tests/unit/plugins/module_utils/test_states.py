# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import DbTasksError
from ansible_collections.dbtasks.cloud.plugins.module_utils._providers import PROVIDERS, provider_named
from ansible_collections.dbtasks.cloud.plugins.module_utils._states import (
    NORMALIZED_FIELDS,
    STATES,
    TERMINAL,
    failure_reason,
    is_done,
    map_state,
    normalize_item,
    parse_percent,
    progress_percent,
    snake_case,
    snake_keys,
)
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.examples import examples

UDTS_TABLE = [
    ("Created", "pending"),
    ("Checking", "running"),
    ("Starting", "running"),
    ("Started", "running"),
    ("Dumping", "running"),
    ("Loading", "running"),
    ("Syncing", "running"),
    ("RetryPending", "running"),
    ("Stopping", "running"),
    ("Synced", "synced"),
    ("Done", "succeeded"),
    ("Success", "succeeded"),
    ("Failed", "failed"),
    ("FailedUnrecoverable", "failed"),
    ("Stopped", "stopped"),
    ("StoppedUnrecoverable", "stopped"),
]
HUAWEI_TABLE = [("Running", "running"), ("Completed", "succeeded"), ("Failed", "failed")]


def test_state_constants():
    assert STATES == ("pending", "running", "retrying", "synced", "succeeded", "failed", "stopped", "unknown")
    assert TERMINAL == frozenset({"succeeded", "failed", "stopped"})


@pytest.mark.parametrize("status, state", UDTS_TABLE)
def test_udts_states(status, state):
    assert map_state(PROVIDERS["udts"], {"Status": status, "CurRetryCount": 0, "MaxRetryCount": 0}) == (state, None)


@pytest.mark.parametrize("provider", ["dds", "rds"])
@pytest.mark.parametrize("status, state", HUAWEI_TABLE)
def test_huawei_states(provider, status, state):
    assert map_state(PROVIDERS[provider], {"status": status}) == (state, None)


def test_known_statuses_match_the_tables():
    assert PROVIDERS["udts"].statuses == tuple(status for status, _state in UDTS_TABLE)
    assert PROVIDERS["dds"].statuses == PROVIDERS["rds"].statuses == ("Running", "Completed", "Failed")
    with pytest.raises(KeyError, match="unknown provider 'ecs'; known: udts, dds, rds"):
        provider_named("ecs")


@pytest.mark.parametrize(
    "current, maximum, state",
    [
        (0, 3, "retrying"),
        (2, 3, "retrying"),
        ("1", "3", "retrying"),
        (1.0, 3.0, "retrying"),
        (3, 3, "failed"),
        (4, 3, "failed"),
        (0, 0, "failed"),
        (None, 3, "failed"),
        (1, None, "failed"),
        ("one", 3, "failed"),
        (1, "3 times", "failed"),
        (1, 2.5, "failed"),
        (True, 3, "failed"),
        (1, float("inf"), "failed"),
        ([1], {"n": 3}, "failed"),
    ],
)
def test_udts_failed_is_retrying_only_below_max(current, maximum, state):
    raw = {"Status": "Failed", "CurRetryCount": current, "MaxRetryCount": maximum}
    assert map_state(PROVIDERS["udts"], raw) == (state, None)


def test_udts_failed_without_counters_is_failed():
    assert map_state(PROVIDERS["udts"], {"Status": "Failed"}) == ("failed", None)


def test_unrecoverable_failure_ignores_counters():
    assert map_state(PROVIDERS["udts"], {"Status": "FailedUnrecoverable", "CurRetryCount": 0, "MaxRetryCount": 5}) == ("failed", None)


@pytest.mark.parametrize("provider, raw", [("udts", {"Status": "  synced "}), ("dds", {"status": "COMPLETED"}), ("rds", {"status": "running"})])
def test_status_case_and_blanks_are_ignored(provider, raw):
    state, warning = map_state(PROVIDERS[provider], raw)
    assert state != "unknown" and warning is None


@pytest.mark.parametrize(
    "provider, raw, shown",
    [
        ("udts", {"Status": "Paused"}, "'Paused'"),
        ("udts", {"status": "Done"}, "None"),
        ("dds", {"status": "Done"}, "'Done'"),
        ("rds", {}, "None"),
        ("rds", {"status": 3}, "3"),
        ("dds", ["status", "Running"], "None"),
    ],
)
def test_unknown_status_warns_with_the_status(provider, raw, shown):
    state, warning = map_state(PROVIDERS[provider], raw)
    assert state == "unknown"
    assert warning == "{0} status {1} is not recognised; the state is reported as unknown".format(provider.upper(), shown)


def test_unknown_status_warning_is_shortened():
    _state, warning = map_state(PROVIDERS["dds"], {"status": "x" * 5000})
    assert len(warning) < 200


@pytest.mark.parametrize(
    "value, percent",
    [
        (0, 0.0), (60, 60.0), (12.5, 12.5), ("60", 60.0), ("60%", 60.0), (" 60 % ", 60.0), ("12.5%", 12.5),
        ("100%", 100.0), (150, 100.0), ("250%", 100.0), (-3, 0.0),
        ("", None), ("  ", None), ("%", None), ("sixty", None), ("-5%", None), ("60%%", None), ("1e3", None),
        (None, None), (True, None), (float("nan"), None), (float("inf"), None), ([60], None), ({"p": 1}, None),
    ],
)
def test_parse_percent(value, percent):
    assert parse_percent(value) == percent


@pytest.mark.parametrize(
    "provider, raw, percent",
    [
        ("udts", {"Progress": {"Percentage": 42.5}}, 42.5),
        ("udts", {"Progress": {"Percentage": 0}}, 0.0),
        ("udts", {"Progress": {}}, None),
        ("udts", {"Progress": None}, None),
        ("udts", {"Progress": "50%"}, None),
        ("udts", {"Percentage": 50}, None),
        ("dds", {"progress": "60%"}, 60.0),
        ("dds", {"progress": ""}, None),
        ("dds", {"process": "60%"}, None),
        ("rds", {"process": "60"}, 60.0),
        ("rds", {"process": "60%"}, 60.0),
        ("rds", {"process": ""}, None),
        ("rds", {"progress": "60"}, None),
        ("rds", "60%", None),
    ],
)
def test_progress_percent(provider, raw, percent):
    assert progress_percent(PROVIDERS[provider], raw) == percent


@pytest.mark.parametrize(
    "provider, raw, reason",
    [
        ("udts", {"FailedMessage": "disk full"}, "disk full"),
        ("udts", {"FailedMessage": "  disk full\n"}, "disk full"),
        ("udts", {"FailedMessage": ""}, None),
        ("udts", {"fail_reason": "x"}, None),
        ("dds", {"fail_reason": "replica down"}, "replica down"),
        ("dds", {"fail_reason": "   "}, None),
        ("rds", {"fail_reason": None}, None),
        ("rds", {"fail_reason": {"code": 1}}, None),
        ("rds", {}, None),
        ("rds", None, None),
    ],
)
def test_failure_reason(provider, raw, reason):
    assert failure_reason(PROVIDERS[provider], raw) == reason


@pytest.mark.parametrize(
    "name, snake",
    [
        ("TaskId", "task_id"),
        ("CurRetryCount", "cur_retry_count"),
        ("MaxRetryCount", "max_retry_count"),
        ("BinlogGTID", "binlog_gtid"),
        ("RedisOffsetSize", "redis_offset_size"),
        ("FailedMessage", "failed_message"),
        ("Status", "status"),
        ("HTTPStatus", "http_status"),
        ("Ipv6Address", "ipv6_address"),
        ("instance_id", "instance_id"),
        ("total_count", "total_count"),
        ("", ""),
    ],
)
def test_snake_case(name, snake):
    assert snake_case(name) == snake
    assert snake_case(snake) == snake


def test_snake_keys_recurses_and_leaves_values():
    raw = {"TaskId": "udts-1", "Progress": {"CurCount": 3}, "Items": [{"BinlogGTID": "CamelValue"}, "TextValue", 1], "Tuple": ({"AB": 1},)}
    assert snake_keys(raw) == {
        "task_id": "udts-1",
        "progress": {"cur_count": 3},
        "items": [{"binlog_gtid": "CamelValue"}, "TextValue", 1],
        "tuple": [{"ab": 1}],
    }


def test_snake_keys_drops_nothing_on_collisions():
    assert snake_keys({"TaskId": 1, "task_id": 2}) == {"task_id": 2, "TaskId": 1}
    assert snake_keys({"task_id": 2, "TaskId": 1}) == {"task_id": 2, "TaskId": 1}
    assert snake_keys({"TaskID": 1, "TaskId": 2}) == {"task_id": 1, "TaskId": 2}


UDTS_ITEM = {
    "TaskId": "udts-zzcsnrkx",
    "Name": "test-1",
    "Type": "full",
    "Status": "Failed",
    "CreateTime": 1559630077,
    "CurRetryCount": 1,
    "MaxRetryCount": 3,
    "Progress": {"CurCount": 10, "Percentage": 37.5, "RedisOffsetSize": 0},
    "FailedMessage": "connection reset",
    "Sync": {"BinlogName": "mysql-bin.000006", "BinlogPos": 154, "BinlogGTID": "uuid:1-5"},
    "BrandNewField": {"NestedNew": True},
}
DDS_ITEM = {
    "id": "2f406db7-bdc4-402f-9dc4-2c1b094a5f93",
    "name": "RestartReplicaSetInstance",
    "status": "Running",
    "created_at": "2022-09-05T06:24:14+0000",
    "ended_at": "",
    "progress": "60%",
    "instance_id": "1f311e6a299345d7bbc878874844e233in02",
    "instance_name": "dds-6be2-fwyrestore",
    "fail_reason": "",
}
RDS_ITEM = {
    "id": "676e9f17f9b74289883a44a47b8101f5",
    "name": "RestoreSqlserverInInstance",
    "instance_status": "FAILED",
    "order_id": "CS2506041000FOJXC",
    "process": "",
    "create_time": "2020-07-15T07:46:10+0000",
    "end_time": "2020-07-15T09:46:10+0000",
    "status": "Failed",
    "fail_reason": "restore failed",
}


def test_normalize_udts_item():
    raw = copy.deepcopy(UDTS_ITEM)
    item, warnings = normalize_item(PROVIDERS["udts"], raw)
    assert raw == UDTS_ITEM
    assert warnings == []
    assert item == {
        "task_id": "udts-zzcsnrkx", "name": "test-1", "type": "full", "status": "Failed", "create_time": 1559630077,
        "cur_retry_count": 1, "max_retry_count": 3,
        "progress": {"cur_count": 10, "percentage": 37.5, "redis_offset_size": 0},
        "failed_message": "connection reset",
        "sync": {"binlog_name": "mysql-bin.000006", "binlog_pos": 154, "binlog_gtid": "uuid:1-5"},
        "brand_new_field": {"nested_new": True},
        "id": "udts-zzcsnrkx", "state": "retrying", "terminal": False, "progress_percent": 37.5, "failure_reason": "connection reset",
        # UDTS documents no instance field and no end time; CreateTime is epoch seconds
        "instance_id": None, "instance_name": None, "created_at": "2019-06-04T06:34:37Z", "ended_at": None,
    }


def test_normalize_dds_item_keeps_its_id():
    item, warnings = normalize_item(PROVIDERS["dds"], DDS_ITEM)
    assert warnings == []
    # The listing's own created_at and ended_at (in the API's format) are the sources of the normalized ones: kept
    # as api_<name>, silently; a running job has no end time.
    assert item == dict(DDS_ITEM, state="running", terminal=False, progress_percent=60.0, failure_reason=None,
                        created_at="2022-09-05T06:24:14Z", api_created_at="2022-09-05T06:24:14+0000", ended_at=None, api_ended_at="")


def test_normalize_rds_item():
    item, warnings = normalize_item(PROVIDERS["rds"], RDS_ITEM)
    assert warnings == []
    assert item == dict(RDS_ITEM, state="failed", terminal=True, progress_percent=None, failure_reason="restore failed",
                        instance_id=None, instance_name=None, created_at="2020-07-15T07:46:10Z", ended_at="2020-07-15T09:46:10Z")


def test_the_normalized_fields_always_hold_the_computed_values_and_raw_ones_move_aside():
    raw = dict(DDS_ITEM, state="ACTIVE", terminal="yes", progress_percent=60.0, failure_reason=None)
    item, warnings = normalize_item(PROVIDERS["dds"], raw)
    assert {name: item[name] for name in ("id", "state", "terminal", "progress_percent", "failure_reason")} == {
        "id": DDS_ITEM["id"], "state": "running", "terminal": False, "progress_percent": 60.0, "failure_reason": None,
    }
    # Nothing the API sent is lost: a different value moves to api_<name>; an equal one (same type) is the same field.
    assert item["api_state"] == "ACTIVE" and item["api_terminal"] == "yes"
    assert not {"api_id", "api_progress_percent", "api_failure_reason"} & set(item)
    assert warnings == [
        "DDS returned its own field 'state'; it is returned as 'api_state', and 'state' holds the normalized value",
        "DDS returned its own field 'terminal'; it is returned as 'api_terminal', and 'terminal' holds the normalized value",
    ]


def test_fields_named_like_the_collections_own_are_data_and_never_decide():
    # The RDS answer that once made a gate pass: the API's own "dbtasks_state" and "state" change nothing.
    raw = dict(RDS_ITEM, status="Failed", fail_reason="disk full", dbtasks_state="succeeded", state="succeeded", api_state="x",
               Terminal=False)
    item, dummy = normalize_item(PROVIDERS["rds"], raw)
    assert (item["state"], item["terminal"], item["failure_reason"]) == ("failed", True, "disk full")
    assert is_done(item, "terminal")
    assert (item["dbtasks_state"], item["api_state"], item["api_api_state"], item["api_terminal"]) == ("succeeded", "x", "succeeded", False)


@pytest.mark.parametrize("field", ["state", "dbtasks_state", "id", "TaskId", "Status", "terminal", "progress_percent"])
@pytest.mark.parametrize("value", [["x"], {"a": ["b"]}, [], 1.5, None, True])
def test_a_list_or_object_where_a_scalar_belongs_never_crashes(field, value):
    item, dummy = normalize_item(PROVIDERS["udts"], {"TaskId": "t1", "Status": "Dumping", field: value})
    assert item["state"] in STATES and isinstance(item["terminal"], bool)
    assert item["id"] is None or isinstance(item["id"], (str, int))
    hash((item["id"], item["state"], item["terminal"], item["progress_percent"], item["failure_reason"]))


def test_normalize_unknown_status_warns():
    item, warnings = normalize_item(PROVIDERS["rds"], dict(RDS_ITEM, status="Queued"))
    assert (item["state"], item["terminal"]) == ("unknown", False)
    assert warnings == ["RDS status 'Queued' is not recognised; the state is reported as unknown"]


@pytest.mark.parametrize("raw", [None, "task", 3, ["id", "x"], True])
def test_normalize_rejects_non_objects(raw):
    with pytest.raises(DbTasksError, match="not a JSON object"):
        normalize_item(PROVIDERS["dds"], raw)


JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20))
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)),
    max_leaves=20,
)
KEYS = st.sampled_from(["Status", "status", "TaskId", "id", "Progress", "Percentage", "progress", "process", "CurRetryCount",
                        "MaxRetryCount", "FailedMessage", "fail_reason", "state", "terminal", "State"])
ITEMS = st.one_of(JSON_VALUES, st.dictionaries(st.one_of(KEYS, st.text(max_size=12)), JSON_VALUES, max_size=8))


def _count_keys(value):
    if isinstance(value, dict):
        return len(value) + sum(_count_keys(child) for child in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_count_keys(child) for child in value)
    return 0


@settings(deadline=None, max_examples=examples(300))
@given(st.sampled_from(list(PROVIDERS)), ITEMS)
def test_arbitrary_json_only_raises_our_errors(provider, raw):
    state, warning = map_state(PROVIDERS[provider], raw)
    assert state in STATES and (warning is None) == (state != "unknown")
    percent = progress_percent(PROVIDERS[provider], raw)
    assert percent is None or 0.0 <= percent <= 100.0
    reason = failure_reason(PROVIDERS[provider], raw)
    assert reason is None or (isinstance(reason, str) and reason == reason.strip() and reason)
    try:
        item, warnings = normalize_item(PROVIDERS[provider], raw)
    except DbTasksError:
        assert not isinstance(raw, dict)
        return
    assert isinstance(raw, dict)
    assert all(isinstance(text, str) for text in warnings)
    snaked = snake_keys(raw)
    # The raw progress text takes the provider's one form: the same number, with or without "%".
    progress_key = snake_case(PROVIDERS[provider].progress_path[0])
    for key, value in snaked.items():
        if key == progress_key and PROVIDERS[provider].progress_unit is not None:
            assert parse_percent(item[key]) == parse_percent(value) and type(item[key]) is type(value)
        elif key not in NORMALIZED_FIELDS and not isinstance(value, (dict, list)):
            assert item[key] is value
    assert set(snaked) | set(NORMALIZED_FIELDS) <= set(item)
    # A raw field under a normalized name is either the same value or moved, whole, to a free api_ name.
    moved = [key for key in item if key not in snaked and key not in NORMALIZED_FIELDS]
    differing = [name for name in NORMALIZED_FIELDS
                 if name in snaked and not (type(snaked[name]) is type(item[name]) and snaked[name] == item[name])]
    assert sorted(key.rsplit("api_", 1)[1] for key in moved) == sorted(differing)
    for key in moved:
        assert repr(item[key]) == repr(snaked[key.rsplit("api_", 1)[1]])


@settings(deadline=None)
@given(JSON_VALUES)
def test_snake_keys_keeps_every_key(value):
    assert _count_keys(snake_keys(value)) == _count_keys(value)
