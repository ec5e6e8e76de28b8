# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""DDS listings during a wait: each poll lists the window that ends at that poll, so followed jobs cost one list request.

The fake DDS list filters by creation time like the API (both bounds inclusive, whole seconds), so a window that
ended before a job was created does not show it, and the tracker would read that job by id on every poll.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.dbtasks.cloud.plugins.module_utils._connection_options import HuaweiConfig
from ansible_collections.dbtasks.cloud.plugins.module_utils._dds import DDS, DdsJobs
from ansible_collections.dbtasks.cloud.plugins.module_utils._huawei_client import HuaweiClient
from ansible_collections.dbtasks.cloud.plugins.module_utils._redact import Redactor
from ansible_collections.dbtasks.cloud.plugins.module_utils._retry import RetryPolicy
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait import run_task_wait
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_options import parse_plan
from ansible_collections.dbtasks.cloud.plugins.module_utils._tracker import Selection, TaskTracker
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import FakeClock, FakeTransport
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.task_apis import TaskStore, huawei_api
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.task_wait_fakes import (
    CONNECTION_ENV,
    EPOCH,
    HUAWEI,
    UCLOUD,
    Clouds,
    huawei,
    validated,
)

BUILT = datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc)  # when the source is built (a wait starts)
IDS = tuple("job-%d" % number for number in range(10))


@pytest.fixture(autouse=True)
def _no_connection_env(monkeypatch):
    for name in CONNECTION_ENV:
        monkeypatch.delenv(name, raising=False)


def dds_client(store, created, clock):
    """The real HuaweiClient over ``huawei_api(store, created)``; its clock is BUILT + the FakeClock's seconds."""
    config = HuaweiConfig(project_id="p1", access_key="AK", secret_key="SK", endpoint="https://api.test")
    return HuaweiClient(config, "dds", FakeTransport(handler=huawei_api(store, created)), RetryPolicy(retries=0),
                        utcnow=lambda: BUILT + timedelta(seconds=clock.now))


def follow(created, clock):
    """A tracker following IDS through DdsJobs built now (BUILT + the FakeClock's seconds), as a wait does."""
    store = TaskStore([huawei(job_id, progress_key="progress") for job_id in IDS], clock=clock)
    client = dds_client(store, created, clock)
    source = DdsJobs(DDS, client, {}, BUILT + timedelta(seconds=clock.now))
    return store, TaskTracker(source, Selection(IDS, "job_ids", None, None), client.utcnow)


def list_windows(store):
    return [(query["start_time"], query["end_time"]) for operation, query in store.queries if operation == "List"]


def test_a_listing_read_at_a_later_now_covers_jobs_created_since_the_source_was_built():
    clock = FakeClock(0.0)
    created = {job_id: BUILT + timedelta(seconds=1 + number) for number, job_id in enumerate(IDS)}  # 1 to 10 s after
    store, tracker = follow(created, clock)
    clock.sleep(15.0)
    assert [item["id"] for item in tracker.poll()] == list(IDS)
    clock.sleep(5.0)
    tracker.poll()
    # one list page per poll, every job on it: no ShowJob
    assert dict(store.calls) == {"List": 2}
    assert list_windows(store) == [("2026-01-30T12:00:16+0000", "2026-03-01T12:00:15+0000"),
                                   ("2026-01-30T12:00:21+0000", "2026-03-01T12:00:20+0000")]


def test_the_window_of_a_poll_includes_jobs_created_earlier_in_the_same_second():
    # The API has whole seconds: a window ending at 12:00:00 misses a job created at 12:00:00.1,
    # so the window's end is the poll's clock rounded up, and the start just under 30 days before that (the API's limit).
    clock = FakeClock(0.3)
    created = {job_id: BUILT + timedelta(seconds=0.1) for job_id in IDS}
    store, tracker = follow(created, clock)
    tracker.poll()
    clock.sleep(5.0)
    tracker.poll()
    assert dict(store.calls) == {"List": 2}
    assert list_windows(store) == [("2026-01-30T12:00:02+0000", "2026-03-01T12:00:01+0000"),
                                   ("2026-01-30T12:00:07+0000", "2026-03-01T12:00:06+0000")]


def test_explicit_times_give_the_same_window_at_every_poll():
    clock = FakeClock(0.0)
    store = TaskStore([], clock=clock)
    client = dds_client(store, None, clock)
    source = DdsJobs(DDS, client, {"start_time": "2026-02-27T00:00:00Z", "end_time": "2026-02-28T00:00:00Z"}, BUILT)
    for dummy in range(2):
        for fetch_page in source.page_fetchers(client.utcnow()):
            fetch_page(0, 100)
        clock.sleep(3600.0)
    assert list_windows(store) == [("2026-02-27T00:00:00+0000", "2026-02-28T00:00:00+0000")] * 2


def test_task_wait_reads_ten_dds_jobs_on_one_page_with_one_list_request_per_poll():
    # The benchmark's race: the jobs were created 0.2 s before the wait started, in the same second.
    ids = ["d%d" % number for number in range(10)]
    started = 1000.3
    clouds = Clouds(dds_items=[huawei(job_id, progress_key="progress") for job_id in ids],
                    timeline={job_id: [(8 + 4 * number, {"status": "Completed", "progress": ""})] for number, job_id in enumerate(ids)},
                    dds_created={job_id: EPOCH + timedelta(seconds=started - 0.2) for job_id in ids}, start=started)
    params = validated(tasks=[{"provider": "dds", "id": job_id} for job_id in ids], poll_interval=5)
    result, warnings = run_task_wait(parse_plan(params), params, lambda line: None, hooks=clouds.hooks,
                                     redactor=Redactor([UCLOUD["private_key"], HUAWEI["secret_key"]]))
    assert (result["outcome"], warnings) == ("succeeded", [])
    # the last job ends after 44 s: polls at 0, 5, ..., 45 s, each one list page and nothing else
    assert result["polls"] == 10
    assert clouds.calls() == {"dds": {"List": 10}}
