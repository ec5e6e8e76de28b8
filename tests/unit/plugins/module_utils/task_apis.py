# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""In-memory UDTS, DDS and RDS task APIs behind a ``FakeTransport`` handler, for the task unit tests.

``TaskStore`` holds raw items (newest first) whose fields change over the
``FakeClock``'s time: ``timeline[id] = [(seconds, {field: value}), ...]``
applies each update once the clock has advanced that many seconds. The
handlers parse requests the way the real services do and count them per
operation, so tests can assert request counts.

Import as ``ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.task_apis``.
"""

from __future__ import annotations

import collections
import typing as t
from collections.abc import Mapping, Sequence
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import FakeClock, RecordedRequest, json_response

HUAWEI_LIST_ROUTES = {"/v3.1/p1/jobs": ("dds", "jobs"), "/v3/p1/tasklist": ("rds", "tasks")}
HUAWEI_SERVER_FILTERS = ("status", "name", "instance_id", "order_id")


class TaskStore:
    """Items of one API and their timeline; ``calls`` counts requests per operation, ``queries`` keeps their parameters."""

    def __init__(self, items: Sequence[dict], id_key: str = "id", clock: FakeClock | None = None,
                 timeline: dict | None = None, send_total: bool = True, page_cap: int | None = None,
                 kinds: Mapping[str, str] | None = None, appear: Mapping[str, float] | None = None) -> None:
        self.items = [dict(item) for item in items]
        self.id_key = id_key
        self.clock = clock or FakeClock()
        self.start = self.clock.now
        self.timeline = timeline or {}
        self.send_total = send_total
        self.page_cap = page_cap  # the most items a list page holds, whatever limit asks
        self.kinds = dict(kinds or {})  # UDTS: id -> integration for data integration tasks (the rest are transfer)
        self.appear = dict(appear or {})  # id -> seconds after the start before which the API does not know the task
        self.calls: collections.Counter = collections.Counter()
        self.queries: list[tuple[str, dict]] = []

    def current(self) -> list[dict]:
        elapsed = self.clock.now - self.start
        items = []
        for item in self.items:
            if elapsed < self.appear.get(item.get(self.id_key), 0.0):
                continue
            item = dict(item)
            for seconds, update in self.timeline.get(item.get(self.id_key), ()):
                if elapsed >= seconds:
                    item.update(update)
            items.append(item)
        return items

    def find(self, task_id: str) -> dict | None:
        return next((item for item in self.current() if item.get(self.id_key) == task_id), None)

    def record(self, operation: str, params: dict) -> None:
        self.calls[operation] += 1
        self.queries.append((operation, params))

    def page(self, items: Sequence[dict], offset: int, limit: int) -> list[dict]:
        return list(items[offset:offset + min(limit, self.page_cap or limit)])

    def kind(self, item: Mapping[str, t.Any]) -> str:
        return self.kinds.get(item.get(self.id_key), "transfer")


def ucloud_api(store: TaskStore, detail: t.Callable[[dict], dict] | None = None) -> t.Callable[[RecordedRequest], t.Any]:
    """``ListUDTSTask`` and ``GetUDTSTaskStatus`` (RetCode 1404 when unknown)."""

    def handle(request: RecordedRequest) -> t.Any:
        params = dict(parse_qsl((request.body or b"").decode()))
        action = params["Action"]
        store.record(action, params)
        # Type as the UDTS APIs that document it read it: transfer (the default) or integration.
        kind = params.get("Type", "transfer")
        if kind not in ("transfer", "integration"):
            return json_response({"RetCode": 230, "Message": "Params [Type] not available"})
        if action == "ListUDTSTask":
            offset, limit = int(params.get("Offset", 0)), int(params.get("Limit", 20))
            items = [item for item in store.current() if store.kind(item) == kind]
            body = {"RetCode": 0, "Action": "ListUDTSTaskResponse", "Data": store.page(items, offset, limit)}
            if store.send_total:
                body["TotalCount"] = len(items)
            return json_response(body)
        item = store.find(params["TaskId"])
        if item is None or store.kind(item) != kind:
            return json_response({"RetCode": 1404, "Message": "Task [%s] does not exist" % params["TaskId"]},
                                 headers={"X-UCLOUD-REQUEST-UUID": "req-1404"})
        data = {key: item[key] for key in ("Status", "MaxRetryCount", "CurRetryCount", "Progress") if key in item}
        data.update(detail(item) if detail else {"FailedMessage": item.get("FailReason", "")})
        return json_response({"RetCode": 0, "Action": "GetUDTSTaskStatusResponse", "Data": data})

    return handle


def huawei_api(store: TaskStore, created: Mapping[str, datetime] | None = None,
               detail: t.Callable[[dict], dict] | None = None) -> t.Callable[[RecordedRequest], t.Any]:
    """DDS ``/v3.1/p1/jobs``, RDS ``/v3/p1/tasklist`` (server filters, offset/limit) and ``/v3/p1/jobs?id=``
    (the stored item as it is, or ``detail(item)``: the single-job read's own field names).

    With ``created`` (id -> aware creation instant) a list request with ``start_time`` and ``end_time`` (DDS format)
    keeps only the items created within them, both bounds inclusive, compared with the exact instant, as the emulator does.
    """

    def handle(request: RecordedRequest) -> t.Any:
        parts = urlsplit(request.url)
        query = dict(parse_qsl(parts.query))
        if parts.path == "/v3/p1/jobs":
            store.record("ShowJob", query)
            job = store.find(query["id"])
            if job is None:
                return json_response({"error_code": "DBS.280404", "error_msg": "The job %s does not exist." % query["id"]}, 404,
                                     headers={"X-Request-Id": "req-404"})
            return json_response({"job": detail(job) if detail else job})
        service, list_key = HUAWEI_LIST_ROUTES[parts.path]
        store.record("List", query)
        items = [item for item in store.current()
                 if all(query.get(name) in (None, item.get(name)) for name in HUAWEI_SERVER_FILTERS)]
        if created is not None and "start_time" in query and "end_time" in query:
            start, end = (datetime.strptime(query[name], "%Y-%m-%dT%H:%M:%S%z") for name in ("start_time", "end_time"))
            items = [item for item in items if start <= created[item["id"]] <= end]
        offset, limit = int(query.get("offset", 0)), int(query.get("limit", 10))
        body = {list_key: store.page(items, offset, limit)}
        if store.send_total:
            body["total_count"] = len(items)
        return json_response(body)

    return handle


WAIT_DEFAULTS = {"wait": False, "wait_timeout": 600, "wait_sleep": 5, "wait_for": "terminal", "wait_fail_fast": True,
                 "wait_not_found_grace": 60}


def collect_huawei(provider: t.Any, store: TaskStore, now: t.Any, detail: t.Callable[[dict], dict] | None = None,
                   **params: t.Any) -> tuple[dict, list]:
    """Run ``collect_tasks`` for the DDS/RDS ``provider`` record over the real HuaweiClient and ``huawei_api(store, detail=detail)``.

    The wall clock starts at ``now`` and follows the store's fake clock.
    """
    from datetime import timedelta

    from ansible_collections.dbtasks.cloud.plugins.module_utils._connection_options import HuaweiConfig
    from ansible_collections.dbtasks.cloud.plugins.module_utils._huawei_client import HuaweiClient
    from ansible_collections.dbtasks.cloud.plugins.module_utils._info_module import collect_tasks
    from ansible_collections.dbtasks.cloud.plugins.module_utils._retry import RetryPolicy
    from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import FakeTransport

    clock = store.clock
    start = clock.now

    def utcnow() -> t.Any:
        return now + timedelta(seconds=clock.now - start)

    config = HuaweiConfig(project_id="p1", access_key="AK", secret_key="SK", endpoint="https://api.test")
    client = HuaweiClient(config, provider.service, FakeTransport(handler=huawei_api(store, detail=detail)),
                          RetryPolicy(retries=0, sleep=clock.sleep, clock=clock.monotonic), utcnow=utcnow)
    params = dict(WAIT_DEFAULTS, **params)
    warnings: list = []
    result = collect_tasks(provider.source(provider, client, params, now), params, warnings.append, utcnow,
                           sleep=clock.sleep, clock=clock.monotonic)
    return result, warnings


def install_api(monkeypatch: t.Any, store: TaskStore, api: t.Callable[[TaskStore], t.Any]) -> t.Any:
    """Route the modules run in this test to ``api(store)``; the store's timeline follows the modules' fake clock."""
    from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import install_fake_runtime

    transport, clock = install_fake_runtime(monkeypatch, handler=api(store))
    store.clock, store.start = clock, clock.now
    return transport
