# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What DDS jobs and RDS instant tasks have in common: statuses, list reading and the single-job API."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import DbTasksError
from ansible_collections.dbtasks.cloud.plugins.module_utils._options import text_option
from ansible_collections.dbtasks.cloud.plugins.module_utils._pagination import FetchPage, Page
from ansible_collections.dbtasks.cloud.plugins.module_utils._provider import Provider
from ansible_collections.dbtasks.cloud.plugins.module_utils._tracker import TaskSource, read_page

# The same values for both services and for the status filter.
HUAWEI_STATES = {"Running": "running", "Completed": "succeeded", "Failed": "failed"}
HUAWEI_STATUSES = tuple(HUAWEI_STATES)
JOB_PATH = "/v3/{project_id}/jobs"
# Options both modules have, documented in the dbtasks.cloud.task_info.huawei doc fragment.
HUAWEI_TASK_SPEC: dict[str, dict[str, Any]] = {
    "job_id": {"type": "str"},
    "job_ids": {"type": "list", "elements": "str"},
    "status": {"type": "str", "choices": list(HUAWEI_STATUSES)},
    "name": {"type": "str"},
    "start_time": {"type": "raw"},
    "end_time": {"type": "raw"},
}
# The API gateway's own codes: its 404 (APIGW.0101, no such API) means a wrong endpoint, never an unknown job.
GATEWAY_CODE_PREFIXES = ("APIGW.", "APIG.")


def job_not_yet_visible(error: Any) -> bool:
    """Whether a ShowJob error may mean a job too new to be seen. Neither service documents the answer for an unknown
    id: a 404 of the service, or a 400 with a service code (RDS documents DBS.280404 as a 400), so both count
    (docs/api-reference.md)."""
    code = str(error.code or "")
    if code.startswith(GATEWAY_CODE_PREFIXES):
        return False
    return error.http_status == 404 or (error.http_status == 400 and code.startswith("DBS."))


# The facts both services share, for their provider records.
HUAWEI_RECORD: dict[str, Any] = {
    "cloud": "huaweicloud",
    "id_key": "id",
    "status_key": "status",
    "failure_key": "fail_reason",
    "states": HUAWEI_STATES,
    "id_option": "job_id",
    "ids_option": "job_ids",
    "detail_operation": "ShowJob",
    "not_yet_visible": job_not_yet_visible,
    # The single-job read nests the instance; the listings have instance_id and instance_name (docs/api-reference.md).
    "instance_paths": (("instance_id",), ("instance", "id")),
    "instance_name_paths": (("instance_name",), ("instance", "name")),
}


class HuaweiTaskSource(TaskSource):
    """Both services read one job with ``GET /v3/{project_id}/jobs?id=`` -> ``{"job": {...}}``.

    The list APIs filter by one status: several statuses (a task_wait selector) are one listing each.
    """

    list_path = ""

    def __init__(self, provider: Provider, client: Any, params: Mapping[str, Any], now: datetime) -> None:
        super().__init__(provider, client, params, now)
        status = params.get("status")
        self.statuses: list[str | None] = list(status) if isinstance(status, (list, tuple)) else [status]
        # Server-side filters sent with every list request; None values are left out by the client.
        self.filters: dict[str, str | None] = {"name": text_option(params, "name")}

    def time_queries(self, now: datetime) -> list[dict[str, str]]:
        """The time filters of each listing at ``now``: one per window."""
        return [{}]

    def page_fetchers(self, now: datetime) -> list[FetchPage]:
        queries = self.time_queries(now)
        if queries:
            # A project id still to be found through IAM is looked up here, once, before pages are read in parallel.
            self.client.project_id()
        return [functools.partial(self.read_list, dict(query, status=status)) for status in self.statuses for query in queries]

    def read_list(self, query: Mapping[str, Any], offset: int, limit: int) -> Page:
        request = dict(self.filters, **query)
        request.update(offset=str(offset), limit=str(limit))
        operation = self.provider.list_operation
        body = self.client.get(operation, self.list_path, request)
        return read_page(body, self.provider.result_key, "total_count", "%s %s" % (self.provider.label, operation))

    def get_one(self, task_id: str) -> dict[str, Any]:
        body = self.client.get(self.provider.detail_operation, JOB_PATH, {"id": task_id})
        job = body.get("job")
        if not isinstance(job, dict):
            raise DbTasksError("%s %s answered without a job object for job %r" % (self.provider.label, self.provider.detail_operation, task_id))
        return job
