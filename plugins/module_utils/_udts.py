# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""UCloud UDTS migration tasks: ``ListUDTSTask`` and ``GetUDTSTaskStatus``; the ``udts`` provider record."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import DbTasksError, ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._options import text_option
from ansible_collections.dbtasks.cloud.plugins.module_utils._pagination import FetchPage, Page
from ansible_collections.dbtasks.cloud.plugins.module_utils._provider import Provider
from ansible_collections.dbtasks.cloud.plugins.module_utils._states import as_count
from ansible_collections.dbtasks.cloud.plugins.module_utils._tracker import TaskSource, read_page

# UDTS documents no largest page (only the default of 20). 100 is the page the module asks for and the
# largest limit it accepts; a server serving fewer per page loses nothing (_pagination reads on from the
# items received, up to an empty page: UDTS documents no TotalCount). docs/api-reference.md
UDTS_PAGE_SIZE = 100
# The Type values the UDTS APIs that document Type accept (GetUDTSTaskStatus and its siblings): data migration
# (the default) and data integration. ListUDTSTask documents only "task type" and is read the same way.
UDTS_TASK_TYPES = ("transfer", "integration")
# UCloud's platform-wide RetCodes (gateway, signature, key, project) are below 300. UDTS documents no code for an
# unknown task, so any other RetCode of GetUDTSTaskStatus that is not retried may mean "not visible yet"
# (docs/api-reference.md; the emulator answers 1404).
UCLOUD_PLATFORM_RETCODE_END = 300

# "Failed" is refined by _failed_state: a task that will be retried is not over.
UDTS_STATES = {
    "Created": "pending",
    "Checking": "running",
    "Starting": "running",
    "Started": "running",
    "Dumping": "running",
    "Loading": "running",
    "Syncing": "running",
    "RetryPending": "running",
    "Stopping": "running",
    "Synced": "synced",
    "Done": "succeeded",
    "Success": "succeeded",
    "Failed": "failed",
    "FailedUnrecoverable": "failed",
    "Stopped": "stopped",
    "StoppedUnrecoverable": "stopped",
}


def _failed_state(status: str, raw: Any) -> str:
    state = UDTS_STATES[status]
    if status != "Failed":
        return state
    # A retry is only announced when both counters are readable: otherwise
    # "failed" is the safe reading, a waiter then stops instead of hanging.
    fields = raw if isinstance(raw, Mapping) else {}
    current, maximum = as_count(fields.get("CurRetryCount")), as_count(fields.get("MaxRetryCount"))
    if current is not None and maximum is not None and current < maximum:
        return "retrying"
    return "failed"


def _not_yet_visible(error: Any) -> bool:
    code = error.code
    return isinstance(code, int) and not isinstance(code, bool) and code >= UCLOUD_PLATFORM_RETCODE_END


class UdtsTasks(TaskSource):
    """UDTS tasks; ``name`` and ``status`` are filtered locally because ListUDTSTask has no such filters."""

    def __init__(self, provider: Provider, client: Any, params: Mapping[str, Any], now: datetime) -> None:
        super().__init__(provider, client, params, now)
        self.task_type = text_option(params, "type")
        if self.task_type is not None and self.task_type not in UDTS_TASK_TYPES:
            raise ParameterError("type", "must be %s (the Type values of the UDTS APIs), got %r" % (" or ".join(UDTS_TASK_TYPES), self.task_type))
        self.name = text_option(params, "name")
        self.statuses = frozenset(status.casefold() for status in params.get("status") or ())

    def page_fetchers(self, now: datetime) -> list[FetchPage]:
        return [self._read_page]

    def _read_page(self, offset: int, limit: int) -> Page:
        request = {"Offset": str(offset), "Limit": str(limit)}
        if self.task_type:
            request["Type"] = self.task_type
        return read_page(self.client.call("ListUDTSTask", request), "Data", "TotalCount", "UDTS ListUDTSTask")

    def get_one(self, task_id: str) -> dict[str, Any]:
        request = {"TaskId": task_id}
        if self.task_type:
            request["Type"] = self.task_type
        data = self.client.call("GetUDTSTaskStatus", request).get("Data")
        if not isinstance(data, dict):
            raise DbTasksError("UDTS GetUDTSTaskStatus answered without a Data object for task %r" % task_id)
        return data

    def matches(self, raw: Any) -> bool:
        status = self.field(raw, "Status")
        if self.statuses and not (isinstance(status, str) and status.casefold() in self.statuses):
            return False
        return self.name is None or self.field(raw, "Name") == self.name


UDTS = Provider(
    name="udts",
    label="UDTS",
    cloud="ucloud",
    source=UdtsTasks,
    module="dbtasks.cloud.udts_task_info",
    result_key="tasks",
    id_key="TaskId",
    status_key="Status",
    failure_key="FailedMessage",
    progress_path=("Progress", "Percentage"),
    states=UDTS_STATES,
    refine_state=_failed_state,
    id_option="task_id",
    ids_option="task_ids",
    filter_options=("name", "status"),
    selector_filters=("status", "name", "type"),
    # Statuses are filtered here, not by the API, so any spelling matches.
    status_filter_exact=False,
    page_size=UDTS_PAGE_SIZE,
    trusted_total=False,
    list_operation="ListUDTSTask",
    detail_operation="GetUDTSTaskStatus",
    # The list lacks the failure message and binlog position, so tasks selected by id get
    # GetUDTSTaskStatus once in the report, not on every poll.
    single_lookup=False,
    detail_on_report=True,
    not_yet_visible=_not_yet_visible,
    # Epoch seconds; UDTS documents no end time and no instance field.
    created_paths=(("CreateTime",),),
)
