# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Huawei Cloud DDS task-center jobs: ``GET /v3.1/{project_id}/jobs`` and ``GET /v3/{project_id}/jobs?id=``; the ``dds`` record."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._huawei_tasks import HUAWEI_RECORD, HuaweiTaskSource
from ansible_collections.dbtasks.cloud.plugins.module_utils._options import text_option
from ansible_collections.dbtasks.cloud.plugins.module_utils._provider import Provider
from ansible_collections.dbtasks.cloud.plugins.module_utils._times import DDS_MAX_SPAN, format_dds, format_iso, resolve_range, split_windows

DDS_PAGE_SIZE = 100  # the API's largest limit


class DdsJobs(HuaweiTaskSource):
    """DDS jobs; the API insists on a time range shorter than 30 days, longer ranges are read window by window.

    The range is resolved at every poll: its default end is "now", so jobs created during a wait stay covered.
    DDS keeps a month of jobs: a start further back is clipped to ``now - DDS_MAX_SPAN``, with a warning.
    """

    list_path = "/v3.1/{project_id}/jobs"

    def __init__(self, provider: Provider, client: Any, params: Mapping[str, Any], now: datetime) -> None:
        super().__init__(provider, client, params, now)
        self.instance_id = text_option(params, "instance_id")
        self.start_time, self.end_time = params.get("start_time"), params.get("end_time")
        windows = self.windows(now)  # validates the range before any request
        if not windows:
            raise ParameterError("end_time", "must be within the last 30 days: DDS keeps jobs for one month, so nothing before "
                                             "%s can be listed" % format_iso(self._oldest(now)))
        if len(windows) > 1:
            for option in ("offset", "limit"):
                if params.get(option) is not None:
                    raise ParameterError(option, "needs start_time and end_time less than 30 days apart; this range is read as %d windows"
                                         % len(windows))

    @staticmethod
    def _oldest(now: datetime) -> datetime:
        return now + timedelta(microseconds=-now.microsecond % 1000000) - DDS_MAX_SPAN

    def windows(self, now: datetime) -> list[tuple[datetime, datetime]]:
        """The windows to list at ``now``, rounded up to whole seconds: the API's bounds are inclusive seconds, so this
        covers every job created up to ``now``; the default range is one window, as long as DDS keeps jobs."""
        now += timedelta(microseconds=-now.microsecond % 1000000)
        start, end = resolve_range(self.start_time, self.end_time, now, DDS_MAX_SPAN)
        oldest = now - DDS_MAX_SPAN
        self.warnings = []
        if start < oldest:
            if end <= oldest:
                return []
            if self.start_time is not None:  # a default start (end_time alone) is clipped without a word
                self.warnings = ["start_time %s is before the month DDS keeps jobs for: listed from %s"
                                 % (format_iso(start), format_iso(oldest))]
            start = oldest
        return split_windows(start, end, DDS_MAX_SPAN)

    def time_queries(self, now: datetime) -> list[dict[str, str]]:
        return [{"start_time": format_dds(start), "end_time": format_dds(end)} for start, end in self.windows(now)]

    def matches(self, raw: Any) -> bool:
        # The list API has no instance filter, so it is applied here.
        return self.instance_id is None or self.field(raw, "instance_id") == self.instance_id


DDS = Provider(
    name="dds",
    label="DDS",
    source=DdsJobs,
    module="dbtasks.cloud.dds_job_info",
    result_key="jobs",
    progress_path=("progress",),
    filter_options=("status", "name", "instance_id", "start_time", "end_time"),
    selector_filters=("status", "name", "instance_id", "start_time", "end_time"),
    page_size=DDS_PAGE_SIZE,
    # total_count is documented, so when it comes it ends the listing; the Terraform provider finds it missing in
    # practice, and without it the listing is read to an empty page (_pagination).
    list_operation="ListJobs",
    service="dds",
    created_paths=(("created_at",), ("created",)),  # the listing's names, then the single-job read's
    ended_paths=(("ended_at",), ("ended",)),
    progress_unit="%",  # "60%" in the listing and the single-job read alike
    **HUAWEI_RECORD,
)
