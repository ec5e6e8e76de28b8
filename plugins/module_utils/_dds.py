# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Huawei Cloud DDS task-center jobs: ``GET /v3.1/{project_id}/jobs`` and ``GET /v3/{project_id}/jobs?id=``."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import Any, List, Mapping, Tuple

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._huawei_tasks import HuaweiTaskSource
from ansible_collections.dbtasks.cloud.plugins.module_utils._pagination import FetchPage
from ansible_collections.dbtasks.cloud.plugins.module_utils._tasks import text_option
from ansible_collections.dbtasks.cloud.plugins.module_utils._times import DDS_MAX_SPAN, format_dds, resolve_range, split_windows

DDS_PAGE_SIZE = 100  # the API's largest limit


class DdsJobs(HuaweiTaskSource):
    """DDS jobs; the API insists on a time range of at most 30 days, longer ranges are read window by window."""

    provider = "dds"
    service = "dds"
    result_key = "jobs"
    page_size = DDS_PAGE_SIZE
    filter_options = ("status", "name", "instance_id", "start_time", "end_time")
    list_operation = "ListJobs"
    list_path = "/v3.1/{project_id}/jobs"

    def __init__(self, client: Any, params: Mapping[str, Any], now: datetime) -> None:
        super().__init__(client, params, now)
        self.instance_id = text_option(params, "instance_id")
        self.time_options = (params.get("start_time"), params.get("end_time"))
        windows = self.windows_at(now)  # validates the times before any request
        if len(windows) > 1:
            for option in ("offset", "limit"):
                if params.get(option) is not None:
                    raise ParameterError(option, "needs start_time and end_time at most 30 days apart; this range is read as %d windows"
                                         % len(windows))

    def windows_at(self, now: datetime) -> List[Tuple[datetime, datetime]]:
        """The windows to list at ``now``, rounded up to whole seconds: the API's bounds are inclusive seconds, so this
        covers every job created up to ``now``; the default range stays exactly 30 days."""
        now += timedelta(microseconds=-now.microsecond % 1000000)
        start, end = resolve_range(self.time_options[0], self.time_options[1], now, DDS_MAX_SPAN)
        return split_windows(start, end, DDS_MAX_SPAN)

    def page_fetchers(self) -> List[FetchPage]:
        # Per listing, from the clock now: a wait's later polls must cover the jobs created since it began.
        return [functools.partial(self.read_list, {"start_time": format_dds(start), "end_time": format_dds(end)})
                for start, end in self.windows_at(self.client.utcnow())]

    def matches(self, raw: Any) -> bool:
        # The list API has no instance filter, so it is applied here.
        return self.instance_id is None or self.field(raw, "instance_id") == self.instance_id
