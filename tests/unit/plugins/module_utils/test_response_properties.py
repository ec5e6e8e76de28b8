# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Property tests of response handling: whatever a server answers, only our clear errors come out.

State mapping, progress and time parsing have their own property tests (test_states.py, test_times.py);
these cover what sits in front of them: body decoding, list pages, the two clients, and the three modules
end to end over a ``FakeTransport`` answering arbitrary statuses, headers and bodies.
"""

from __future__ import annotations

import itertools
import json
import threading
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.dbtasks.cloud.plugins.module_utils import _huawei_client, _ucloud_client
from ansible_collections.dbtasks.cloud.plugins.module_utils._connection_options import HuaweiConfig, UCloudConfig
from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError, DbTasksError
from ansible_collections.dbtasks.cloud.plugins.module_utils._huawei_client import HuaweiClient
from ansible_collections.dbtasks.cloud.plugins.module_utils._module import DbTasksModule
from ansible_collections.dbtasks.cloud.plugins.module_utils._pagination import Page
from ansible_collections.dbtasks.cloud.plugins.module_utils._redact import Redactor
from ansible_collections.dbtasks.cloud.plugins.module_utils._response import BodyError, decode_json_object
from ansible_collections.dbtasks.cloud.plugins.module_utils._retry import RetryPolicy
from ansible_collections.dbtasks.cloud.plugins.module_utils._runtime import RuntimeHooks
from ansible_collections.dbtasks.cloud.plugins.module_utils._states import STATES, parse_percent
from ansible_collections.dbtasks.cloud.plugins.module_utils._tracker import read_page
from ansible_collections.dbtasks.cloud.plugins.module_utils._transport import HttpResponse
from ansible_collections.dbtasks.cloud.plugins.module_utils._ucloud_client import UCloudClient
from ansible_collections.dbtasks.cloud.plugins.modules import dds_job_info, rds_task_info, udts_task_info
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.examples import examples
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import FakeClock, FakeTransport, run_module

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=16))
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)),
    max_leaves=20,
)
FIELD_NAMES = st.sampled_from(["TaskId", "Status", "Progress", "Percentage", "CurRetryCount", "MaxRetryCount", "FailedMessage", "Name",
                               "id", "status", "progress", "process", "fail_reason", "name", "state", "terminal", "total_duration"])
ITEMS = st.one_of(JSON_VALUES, st.dictionaries(st.one_of(FIELD_NAMES, st.text(max_size=8)), JSON_VALUES, max_size=6))
# Totals that stay affordable to page through (a huge one is capped by max_pages, tested in test_pagination.py).
TOTALS = st.one_of(st.none(), st.integers(min_value=-3, max_value=700), st.text(max_size=5), st.floats(), st.booleans())


def _cut(text):
    return st.integers(min_value=0, max_value=len(text)).map(lambda end: text[:end].encode("utf-8"))


JSON_TEXT = JSON_VALUES.map(json.dumps)
BODIES = st.one_of(
    JSON_TEXT.map(lambda text: text.encode("utf-8")),
    JSON_TEXT.flatmap(_cut),  # any JSON document cut anywhere
    st.binary(max_size=120),
    st.text(max_size=120).map(lambda text: text.encode("utf-8")),
    st.text(max_size=40).map(lambda title: ("<html><head><title>%s</title></head></html>" % title).encode("utf-8")),
)
STATUSES = st.one_of(st.sampled_from([200, 201, 204, 301, 400, 401, 403, 404, 429, 500, 502, 503, 504]), st.integers(100, 599))
HEADERS = st.dictionaries(st.sampled_from(["Retry-After", "X-Request-Id", "X-UCLOUD-REQUEST-UUID", "Content-Type"]),
                          st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30), max_size=4)
RESPONSES = st.builds(HttpResponse, STATUSES, HEADERS, BODIES)
UCLOUD_LIST_BODIES = st.fixed_dictionaries({"RetCode": st.one_of(st.just(0), JSON_VALUES)},
                                           optional={"Data": st.one_of(st.lists(ITEMS, max_size=6), JSON_VALUES), "TotalCount": TOTALS,
                                                     "Message": JSON_VALUES})
HUAWEI_LIST_BODIES = st.fixed_dictionaries({}, optional={"jobs": st.one_of(st.lists(ITEMS, max_size=6), JSON_VALUES),
                                                         "tasks": st.one_of(st.lists(ITEMS, max_size=6), JSON_VALUES),
                                                         "job": ITEMS, "total_count": TOTALS, "error_code": JSON_VALUES,
                                                         "error_msg": JSON_VALUES})
SETTINGS = settings(deadline=None, max_examples=examples(150), suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(BODIES)
def test_decode_json_object_gives_a_dict_or_a_body_error(body):
    try:
        decoded = decode_json_object(body, Redactor())
    except BodyError as err:
        assert err.description and isinstance(err.truncated, bool)
    else:
        assert isinstance(decoded, dict)


@SETTINGS
@given(st.dictionaries(st.sampled_from(["Data", "TotalCount", "jobs", "total_count", "other"]), JSON_VALUES))
def test_read_page_gives_a_page_or_our_error(body):
    try:
        page = read_page(body, "Data", "TotalCount", "UDTS ListUDTSTask")
    except DbTasksError as err:
        assert "UDTS ListUDTSTask" in str(err)
    else:
        assert isinstance(page, Page) and isinstance(page.items, list)
        assert page.total_count is None or (isinstance(page.total_count, int) and not isinstance(page.total_count, bool) and page.total_count >= 0)


def _check_api_error(err):
    text = str(err)
    assert text and "Traceback" not in text
    fields = err.to_fail_kwargs()
    assert fields["msg"] == text and isinstance(fields["attempts"], int)


@SETTINGS
@given(st.lists(RESPONSES, min_size=3, max_size=3))
def test_ucloud_client_returns_a_dict_or_raises_api_error(responses):
    clock = FakeClock()
    client = UCloudClient(UCloudConfig("pub", "private-key-value"), FakeTransport(*responses),
                          RetryPolicy(retries=2, sleep=clock.sleep, clock=clock.monotonic, rand=lambda: 0.5))
    try:
        data = client.call("ListUDTSTask", {"Offset": 0})
    except ApiError as err:
        _check_api_error(err)
        assert "private-key-value" not in str(err)
    else:
        assert isinstance(data, dict) and data["RetCode"] in (0, "0", 0.0)


@SETTINGS
@given(st.lists(RESPONSES, min_size=3, max_size=3))
def test_huawei_client_returns_a_dict_or_raises_api_error(responses):
    clock = FakeClock()
    config = HuaweiConfig(project_id="p1", access_key="AK", secret_key="secret-key-value", endpoint="https://api.test")
    client = HuaweiClient(config, "rds", FakeTransport(*responses), RetryPolicy(retries=2, sleep=clock.sleep, clock=clock.monotonic, rand=lambda: 0.5))
    try:
        data = client.get("ListTasks", "/v3/{project_id}/tasklist", {"offset": "0"})
    except ApiError as err:
        _check_api_error(err)
        assert "secret-key-value" not in str(err)
    else:
        assert isinstance(data, dict)


@SETTINGS
@given(st.sampled_from([_ucloud_client, _huawei_client]), st.one_of(st.none(), st.integers(100, 599)), JSON_VALUES, st.text(max_size=60))
def test_error_hint_is_text_or_none(client, status, code, message):
    hint = client.error_hint(status, code, message)
    assert hint is None or (isinstance(hint, str) and hint)
    assert str(ApiError(client.CLOUD, "ListJobs", message, http_status=status, code=code, hint=hint))


@SETTINGS
@given(st.from_regex(r"\s*[-+]?[0-9]{0,25}(\.[0-9]{0,25})?\s*%?\s*", fullmatch=True))
def test_parse_percent_of_near_numbers(text):
    percent = parse_percent(text)
    assert percent is None or 0.0 <= percent <= 100.0


def _serve(bodies):
    """A FakeTransport handler answering the given JSON bodies in turn (thread-safe: pages are read concurrently)."""
    answers = itertools.cycle(bodies)
    lock = threading.Lock()

    def handle(request):
        with lock:
            body = next(answers)
        return HttpResponse(200, {"X-Request-Id": "req-1", "X-UCLOUD-REQUEST-UUID": "req-1"}, json.dumps(body).encode("utf-8"))

    return handle


def _run(main, args, bodies):
    clock = FakeClock()
    hooks = RuntimeHooks(transport=FakeTransport(handler=_serve(bodies)), sleep=clock.sleep, clock=clock.monotonic)
    with mock.patch.object(DbTasksModule, "hooks", hooks), mock.patch("ansible.module_utils.basic.AnsibleModule.warn"):
        return run_module(main, args)


def _assert_clean_outcome(result, key):
    if result.get("failed"):
        assert isinstance(result["msg"], str) and result["msg"] and "Traceback" not in result["msg"]
    else:
        assert isinstance(result[key], list)
        # "state" is always the normalized one; a raw field of that name moves to "api_state".
        assert all(item["state"] in STATES for item in result[key])


UCLOUD_ARGS = {"public_key": "pub", "private_key": "private-key-value", "base_url": "https://api.test"}
HUAWEI_ARGS = {"access_key": "AK", "secret_key": "secret-key-value", "project_id": "p1", "endpoint": "https://api.test"}


@settings(deadline=None, max_examples=examples(60), suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(UCLOUD_LIST_BODIES, min_size=1, max_size=4), st.sampled_from([{}, {"task_id": "udts-1"}, {"task_ids": ["a", "b"]}]))
def test_udts_module_over_arbitrary_answers(bodies, selection):
    _assert_clean_outcome(_run(udts_task_info.main, dict(UCLOUD_ARGS, **selection), bodies), "tasks")


@settings(deadline=None, max_examples=examples(60), suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(HUAWEI_LIST_BODIES, min_size=1, max_size=4), st.sampled_from([{}, {"job_id": "j1"}, {"job_ids": ["a", "b"]}]))
def test_dds_module_over_arbitrary_answers(bodies, selection):
    _assert_clean_outcome(_run(dds_job_info.main, dict(HUAWEI_ARGS, **selection), bodies), "jobs")


@settings(deadline=None, max_examples=examples(60), suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(HUAWEI_LIST_BODIES, min_size=1, max_size=4), st.sampled_from([{}, {"job_id": "j1"}, {"job_ids": ["a", "b"]}]))
def test_rds_module_over_arbitrary_answers(bodies, selection):
    _assert_clean_outcome(_run(rds_task_info.main, dict(HUAWEI_ARGS, **selection), bodies), "tasks")


@pytest.mark.parametrize("main, args, body", [
    (udts_task_info.main, UCLOUD_ARGS, {"RetCode": 0, "Data": [{"TaskId": []}], "TotalCount": 1}),
    (dds_job_info.main, HUAWEI_ARGS, {"jobs": [{"id": {"a": 1}}], "total_count": 1}),
    (rds_task_info.main, HUAWEI_ARGS, {"tasks": [{"id": [1]}], "total_count": 1}),
], ids=["udts", "dds", "rds"])
def test_list_or_object_ids_are_not_a_crash(main, args, body):
    _assert_clean_outcome(_run(main, dict(args), [body]), "jobs" if "jobs" in body else "tasks")
