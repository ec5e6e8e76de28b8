# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Huawei Cloud RDS instant tasks: ``GET /v3/{project_id}/tasklist`` and ``GET /v3/{project_id}/jobs?id=``; the ``rds`` record."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ansible_collections.dbtasks.cloud.plugins.module_utils._huawei_tasks import HUAWEI_RECORD, HuaweiTaskSource
from ansible_collections.dbtasks.cloud.plugins.module_utils._options import text_option
from ansible_collections.dbtasks.cloud.plugins.module_utils._provider import Provider
from ansible_collections.dbtasks.cloud.plugins.module_utils._times import EPOCH, format_rds, resolve_range

RDS_PAGE_SIZE = 50  # the API's largest limit


class RdsTasks(HuaweiTaskSource):
    """RDS instant tasks; every filter is applied by the API."""

    list_path = "/v3/{project_id}/tasklist"

    def __init__(self, provider: Provider, client: Any, params: Mapping[str, Any], now: datetime) -> None:
        super().__init__(provider, client, params, now)
        self.filters.update(instance_id=text_option(params, "instance_id"), order_id=text_option(params, "order_id"))
        self.start_time, self.end_time = params.get("start_time"), params.get("end_time")
        self.time_queries(now)  # validates the range before any request

    def time_queries(self, now: datetime) -> list[dict[str, str]]:
        # No default range: without times the API lists every task it keeps. The API rejects start_time
        # without end_time, and may reject end_time without start_time (docs/api-reference.md), so either
        # one alone gets the other: start_time alone ends now, end_time alone starts at the epoch.
        start, end = resolve_range(self.start_time, self.end_time, now, None)
        if start is None and end is None:
            return [{}]
        return [{"start_time": format_rds(start or EPOCH), "end_time": format_rds(end or now)}]


RDS = Provider(
    name="rds",
    label="RDS",
    source=RdsTasks,
    module="dbtasks.cloud.rds_task_info",
    result_key="tasks",
    progress_path=("process",),
    filter_options=("status", "name", "instance_id", "order_id", "start_time", "end_time"),
    selector_filters=("status", "name", "instance_id", "order_id", "start_time", "end_time"),
    page_size=RDS_PAGE_SIZE,
    list_operation="ListTasks",
    service="rds",
    created_paths=(("create_time",), ("created",)),  # the listing's names, then the single-job read's
    ended_paths=(("end_time",), ("ended",)),
    # The listing's "49" (documented as 0-100) also where the single-job read sends "49%".
    progress_unit="",
    # The listing's instance status; the single-job read has none.
    stale_after_detail=("instance_status",),
    **HUAWEI_RECORD,
)
