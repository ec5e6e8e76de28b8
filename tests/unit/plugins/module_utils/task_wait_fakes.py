# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Three in-memory clouds (UDTS, DDS, RDS) on one FakeClock, for the task_wait unit tests.

Import as ``ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.task_wait_fakes``.
"""

from __future__ import annotations

import typing as t
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.dbtasks.cloud.plugins.module_utils._runtime import RuntimeHooks
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_options import task_wait_spec
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import FakeClock, FakeTransport
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.task_apis import TaskStore, huawei_api, ucloud_api

EPOCH = datetime(2026, 3, 1, tzinfo=timezone.utc)  # utcnow() is EPOCH + the FakeClock's seconds
UCLOUD = {"public_key": "pub-key", "private_key": "ucloud-private-secret", "base_url": "https://ucloud.test"}
HUAWEI = {"access_key": "AK", "secret_key": "huawei-secret-key", "project_id": "p1", "endpoint": "https://{service}.test"}
# Every environment variable the connection options fall back to: tests must not see the developer's.
CONNECTION_ENV = ("UCLOUD_PUBLIC_KEY", "UCLOUD_PRIVATE_KEY", "UCLOUD_PROJECT_ID", "UCLOUD_REGION", "UCLOUD_API_BASE_URL",
                  "HUAWEICLOUD_SDK_AK", "HW_ACCESS_KEY", "HUAWEICLOUD_SDK_SK", "HW_SECRET_KEY", "HUAWEICLOUD_SDK_SECURITY_TOKEN",
                  "HW_SECURITY_TOKEN", "HUAWEICLOUD_SDK_AUTH_TOKEN", "HUAWEICLOUD_SDK_PROJECT_ID", "HW_PROJECT_ID", "HW_REGION_NAME",
                  "HUAWEICLOUD_SDK_REGION", "HUAWEICLOUD_SDK_ENDPOINT", "HUAWEICLOUD_SDK_IAM_ENDPOINT")


def udts(task_id: str, status: str = "Dumping", percent: float = 10, **fields: t.Any) -> dict:
    return dict({"TaskId": task_id, "Name": "migrate-" + task_id, "Status": status, "Type": "full", "MaxRetryCount": 0,
                 "CurRetryCount": 0, "Progress": {"Percentage": percent}}, **fields)


def huawei(task_id: str, status: str = "Running", percent: str = "10", progress_key: str = "process", **fields: t.Any) -> dict:
    return dict({"id": task_id, "name": "Job-" + task_id, "status": status, progress_key: percent if status == "Running" else "",
                 "fail_reason": "", "instance_id": "inst-1"}, **fields)


class Clouds:
    """The three APIs behind one FakeTransport; ``calls()`` counts requests per provider and operation."""

    def __init__(self, udts_items: Sequence[dict] = (), dds_items: Sequence[dict] = (), rds_items: Sequence[dict] = (),
                 timeline: dict | None = None, fail: t.Callable[[t.Any], t.Any] | None = None,
                 dds_created: Mapping[str, datetime] | None = None, start: float = 1000.0,
                 appear: Mapping[str, float] | None = None) -> None:
        self.clock = FakeClock(start)
        timeline = timeline or {}
        self.stores = {
            "udts": TaskStore(udts_items, id_key="TaskId", clock=self.clock, timeline=timeline, appear=appear),
            "dds": TaskStore(dds_items, clock=self.clock, timeline=timeline, appear=appear),
            "rds": TaskStore(rds_items, clock=self.clock, timeline=timeline, appear=appear),
        }
        handlers = {"ucloud.test": ucloud_api(self.stores["udts"]), "dds.test": huawei_api(self.stores["dds"], dds_created),
                    "rds.test": huawei_api(self.stores["rds"])}

        def handle(request: t.Any) -> t.Any:
            answer = fail(request) if fail is not None else None
            return answer if answer is not None else handlers[urlsplit(request.url).hostname](request)

        self.transport = FakeTransport(handler=handle)
        self.hooks = RuntimeHooks(transport=self.transport, sleep=self.clock.sleep, clock=self.clock.monotonic,
                                  utcnow=lambda: EPOCH + timedelta(seconds=self.clock.now))

    def calls(self) -> dict:
        return {provider: dict(store.calls) for provider, store in self.stores.items() if store.calls}

    @property
    def elapsed(self) -> float:
        return self.clock.now - self.stores["udts"].start


def validated(**args: t.Any) -> dict:
    """The parameters as the action validates them (the connections filled with the fake clouds' settings)."""
    args.setdefault("ucloud", dict(UCLOUD))
    args.setdefault("huaweicloud", dict(HUAWEI))
    result = ArgumentSpecValidator(task_wait_spec()).validate(args)
    if result.error_messages:
        raise AssertionError(result.error_messages)
    return result.validated_parameters


def run_wait(clouds: Clouds, **args: t.Any) -> tuple[dict, list, list]:
    """``run_task_wait`` over ``clouds`` with ``args`` as the action validates them: ``(result, warnings, progress lines)``."""
    from ansible_collections.dbtasks.cloud.plugins.module_utils._redact import Redactor
    from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait import run_task_wait
    from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_options import parse_plan

    params = validated(**args)
    lines: list = []
    result, warnings = run_task_wait(parse_plan(params), params, lines.append, hooks=clouds.hooks,
                                     redactor=Redactor([UCLOUD["private_key"], HUAWEI["secret_key"]]))
    return result, warnings, lines
