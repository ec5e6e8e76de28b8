# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The wait engine's keep-following mode: a ``Watch`` over ``FollowedSelections`` (what the event source polls).

The in-memory RDS API of the task_wait fakes answers through the fake transport;
reads run in the engine's own threads.
"""

from __future__ import annotations

import threading

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError
from ansible_collections.dbtasks.cloud.plugins.module_utils._providers import PROVIDERS
from ansible_collections.dbtasks.cloud.plugins.module_utils._redact import Redactor
from ansible_collections.dbtasks.cloud.plugins.module_utils._runtime import Connections
from ansible_collections.dbtasks.cloud.plugins.module_utils._states import normalized
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_events import parse_source_args
from ansible_collections.dbtasks.cloud.plugins.module_utils._tracker import Selection, TaskTracker
from ansible_collections.dbtasks.cloud.plugins.module_utils._watch import FollowedSelections, Watch
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import json_response
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.task_wait_fakes import HUAWEI, Clouds, huawei

RDS = PROVIDERS["rds"]


def rds_group(clouds: Clouds, selector: dict, retries: int = 0) -> FollowedSelections:
    """RDS tasks as the event source follows them: one listing of ``selector`` at every read."""
    plan = parse_source_args({"selectors": [selector], "huaweicloud": dict(HUAWEI, retries=retries)})
    connections = Connections(plan.settings, ["huaweicloud"], clouds.hooks, Redactor())
    client, now = connections.client(RDS), clouds.hooks.utcnow()
    listing = TaskTracker(RDS.source(RDS, client, plan.selectors[0][1], now), Selection(None, None, None, None), clouds.hooks.utcnow)
    return FollowedSelections(RDS.source(RDS, client, {}, now), [listing], [], clouds.hooks.utcnow)


def states(items) -> dict:
    return {normalized(item, "id"): normalized(item, "state") for item in items}


def test_selections_are_never_done_and_a_task_that_left_the_listing_is_read_by_id_until_it_ends():
    clouds = Clouds(rds_items=[huawei("r1"), huawei("r2")], timeline={"r1": [(15, {"status": "Completed"})]})
    group = rds_group(clouds, {"provider": "rds", "status": ["Running"]})
    watch = Watch([group], "terminal", clouds.hooks.clock, lambda error, elapsed: None)
    assert states(watch.poll()) == {"r1": "running", "r2": "running"} and not group.done("terminal")
    clouds.clock.now += 20
    clouds.stores["rds"].items.append(huawei("r3"))  # created later: the listing finds it
    assert states(watch.poll()) == {"r1": "succeeded", "r2": "running", "r3": "running"}
    assert group.raws["r1"]["status"] == "Completed" and group.reads == 2
    clouds.clock.now += 10
    # r1 has ended: no longer read; the others are still listed, and the group is still not done
    assert states(watch.poll()) == {"r2": "running", "r3": "running"} and not group.done("terminal")
    assert clouds.calls()["rds"] == {"List": 3, "ShowJob": 1}


def test_a_transient_error_keeps_the_last_reading_and_is_reported_by_the_engine():
    def outage(request):
        if 15 <= clouds.elapsed < 35:
            return json_response({"error_code": "APIGW.0202", "error_msg": "Backend unavailable"}, 503)
        return None

    clouds = Clouds(rds_items=[huawei("r1")], timeline={"r1": [(20, {"status": "Failed"})]}, fail=outage)
    group = rds_group(clouds, {"provider": "rds"})
    reported: list = []
    watch = Watch([group], "terminal", clouds.hooks.clock, lambda error, elapsed: reported.append((error, elapsed)))
    watch.poll()
    clouds.clock.now += 20
    assert states(watch.poll()) == {"r1": "running"}  # as last read
    (error, elapsed), = reported
    assert isinstance(error, ApiError) and error.retryable and error.provider == "rds" and elapsed == 20
    assert group.unreadable().since == 20 and group.reads == 1
    clouds.clock.now += 20
    assert states(watch.poll()) == {"r1": "failed"} and group.unreadable() is None and len(reported) == 1


def test_a_read_that_outlasts_the_read_budget_is_left_running_and_taken_by_a_later_poll():
    release = threading.Event()

    def stall(request):
        if len(clouds.transport.requests) == 2:  # the second read hangs until released
            release.wait(30)
        return None

    clouds = Clouds(rds_items=[huawei("r1")], fail=stall)
    group = rds_group(clouds, {"provider": "rds"})
    watch = Watch([group], "terminal", clouds.hooks.clock, lambda error, elapsed: None, read_budget=0.05)
    try:
        watch.poll()
        clouds.stores["rds"].items[0]["status"] = "Completed"
        assert states(watch.poll()) == {"r1": "running"} and group.reading  # the poll returned while the read hangs
        assert states(watch.poll()) == {"r1": "running"} and len(clouds.transport.requests) == 2  # no second read alongside
    finally:
        release.set()
    group.wait(10)
    assert states(watch.poll()) == {"r1": "succeeded"} and group.reads >= 2
