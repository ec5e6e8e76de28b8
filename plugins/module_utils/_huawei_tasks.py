# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What DDS jobs and RDS instant tasks have in common: statuses, list reading and the single-job API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Mapping, Optional

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import DbTasksError
from ansible_collections.dbtasks.cloud.plugins.module_utils._pagination import Page
from ansible_collections.dbtasks.cloud.plugins.module_utils._states import known_statuses
from ansible_collections.dbtasks.cloud.plugins.module_utils._tasks import text_option
from ansible_collections.dbtasks.cloud.plugins.module_utils._tracker import TaskSource, read_page

# Running, Completed, Failed: the same values for both services and for the status filter.
HUAWEI_STATUSES = known_statuses("dds")
JOB_PATH = "/v3/{project_id}/jobs"
# Options both modules have, documented in the dbtasks.cloud.task_info.huawei doc fragment.
HUAWEI_TASK_SPEC: Dict[str, Dict[str, Any]] = {
    "job_id": {"type": "str"},
    "job_ids": {"type": "list", "elements": "str"},
    "status": {"type": "str", "choices": list(HUAWEI_STATUSES)},
    "name": {"type": "str"},
    "start_time": {"type": "raw"},
    "end_time": {"type": "raw"},
}


class HuaweiTaskSource(TaskSource):
    """Both services read one job with ``GET /v3/{project_id}/jobs?id=`` -> ``{"job": {...}}``."""

    connection = "huaweicloud"
    id_option = "job_id"
    ids_option = "job_ids"
    single_lookup = True
    list_operation = ""
    list_path = ""

    def __init__(self, client: Any, params: Mapping[str, Any], now: datetime) -> None:
        super().__init__(client, params, now)
        # Server-side filters sent with every list request; None values are left out by the client.
        self.filters: Dict[str, Optional[str]] = {"status": params.get("status"), "name": text_option(params, "name")}

    def read_list(self, query: Mapping[str, Any], offset: int, limit: int) -> Page:
        request = dict(self.filters, **query)
        request.update(offset=str(offset), limit=str(limit))
        body = self.client.get(self.list_operation, self.list_path, request)
        return read_page(body, self.result_key, "total_count", "%s %s" % (self.provider.upper(), self.list_operation))

    def get_one(self, task_id: str) -> Dict[str, Any]:
        body = self.client.get("ShowJob", JOB_PATH, {"id": task_id})
        job = body.get("job")
        if not isinstance(job, dict):
            raise DbTasksError("%s ShowJob answered without a job object for job %r" % (self.provider.upper(), task_id))
        return job
