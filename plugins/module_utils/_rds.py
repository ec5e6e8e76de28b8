# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Huawei Cloud RDS instant tasks: ``GET /v3/{project_id}/tasklist`` and ``GET /v3/{project_id}/jobs?id=``."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any, List, Mapping

from ansible_collections.dbtasks.cloud.plugins.module_utils._huawei_tasks import HuaweiTaskSource
from ansible_collections.dbtasks.cloud.plugins.module_utils._pagination import FetchPage
from ansible_collections.dbtasks.cloud.plugins.module_utils._tasks import text_option
from ansible_collections.dbtasks.cloud.plugins.module_utils._times import format_rds, resolve_range

RDS_PAGE_SIZE = 50  # the API's largest limit


class RdsTasks(HuaweiTaskSource):
    """RDS instant tasks; every filter is applied by the API."""

    provider = "rds"
    service = "rds"
    result_key = "tasks"
    page_size = RDS_PAGE_SIZE
    filter_options = ("status", "name", "instance_id", "order_id", "start_time", "end_time")
    list_operation = "ListTasks"
    list_path = "/v3/{project_id}/tasklist"

    def __init__(self, client: Any, params: Mapping[str, Any], now: datetime) -> None:
        super().__init__(client, params, now)
        # No default range: without times the API lists every task it keeps. start_time alone ends now,
        # because the API rejects start_time without end_time.
        start, end = resolve_range(params.get("start_time"), params.get("end_time"), now, None)
        self.filters.update(
            instance_id=text_option(params, "instance_id"),
            order_id=text_option(params, "order_id"),
            start_time=None if start is None else format_rds(start),
            end_time=None if end is None else format_rds(end),
        )

    def page_fetchers(self) -> List[FetchPage]:
        return [functools.partial(self.read_list, {})]
