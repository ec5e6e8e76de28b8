# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The event source plugin ``dbtasks.cloud.task_events`` over three in-memory clouds, with an asyncio queue.

Reads run inline and the pause between reads is virtual (``VirtualTime``), so
a minute of polling takes milliseconds; one test uses real threads and real
time to show that cancelling the source does not wait for a stalled request.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import os
import subprocess
import sys
import threading
import time

import pytest
import yaml

from ansible_collections.dbtasks.cloud.extensions.eda.plugins.event_source import task_events
from ansible_collections.dbtasks.cloud.extensions.eda.plugins.event_source.task_events import TaskEvents, TaskEventsError
from ansible_collections.dbtasks.cloud.plugins.module_utils._runtime import RuntimeHooks
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_events import SOURCE_SPEC
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import FakeTransport, json_response
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.task_wait_fakes import (
    CONNECTION_ENV,
    HUAWEI,
    UCLOUD,
    Clouds,
    huawei,
    udts,
)

PLUGIN = task_events.__file__


@pytest.fixture(autouse=True)
def _no_connection_env(monkeypatch):
    for name in CONNECTION_ENV:
        monkeypatch.delenv(name, raising=False)


class VirtualTime:
    """The source's pause between reads, on the fake clock: sleepers wake in time order, the clock jumping to each."""

    def __init__(self, clouds: Clouds) -> None:
        self.clock = clouds.clock
        self.sleepers: list = []
        self._order = itertools.count()

    async def sleep(self, seconds: float) -> None:
        wake = asyncio.get_running_loop().create_future()
        heapq.heappush(self.sleepers, (self.clock.now + seconds, next(self._order), wake))
        await wake

    async def run(self, runner: asyncio.Future, followers: int, seconds: float) -> None:
        """Let the source run until ``seconds`` of fake time have passed (or it ends)."""
        end = self.clock.now + seconds
        while not runner.done():
            # Every provider's loop is either sleeping or about to: let the runnable ones reach their pause.
            while len(self.sleepers) < followers and not runner.done():
                await asyncio.sleep(0)
            if runner.done() or self.sleepers[0][0] > end:
                return
            wake_at, _order, wake = heapq.heappop(self.sleepers)
            self.clock.now = max(self.clock.now, wake_at)
            wake.set_result(None)


class TimedQueue(asyncio.Queue):
    """An asyncio queue that also notes when (seconds into the run) each event was put."""

    def __init__(self, clouds: Clouds) -> None:
        super().__init__()
        self.clouds = clouds
        self.log: list = []

    async def put(self, item):
        self.log.append((self.clouds.elapsed, item))
        await super().put(item)


async def inline(function):
    return function()


def source_args(**args):
    args.setdefault("ucloud", dict(UCLOUD))
    args.setdefault("huaweicloud", dict(HUAWEI))
    return args


def run_source(clouds: Clouds, seconds: float, **args) -> list:
    """Run the source for ``seconds`` of fake time; the events as ``(seconds into the run, event)``, also those in the queue."""

    async def scenario():
        time_ = VirtualTime(clouds)
        queue = TimedQueue(clouds)
        source = TaskEvents(source_args(**args), hooks=clouds.hooks, sleep=time_.sleep, in_thread=inline)
        runner = asyncio.ensure_future(source.run(queue))
        try:
            await time_.run(runner, len(source.feeds), seconds)
        finally:
            runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await runner
        assert [queue.get_nowait() for _event in range(queue.qsize())] == [event for _at, event in queue.log]
        return queue.log

    return asyncio.run(scenario())


def task_events_of(log, provider=None, task_id=None):
    return [(at, event["dbtasks"]) for at, event in log if "dbtasks" in event
            and provider in (None, event["dbtasks"]["provider"]) and task_id in (None, event["dbtasks"]["id"])]


def changes(log, provider, task_id):
    return [(change["change"], change["previous_state"], change["state"]) for _at, change in task_events_of(log, provider, task_id)]


def three_clouds(**extra):
    return Clouds(
        udts_items=[udts("u1", "Dumping", 40), udts("u2", "Done", 100)],
        dds_items=[huawei("d1", progress_key="progress"), huawei("d2", "Completed", progress_key="progress")],
        rds_items=[huawei("r1"), huawei("r2", "Completed")],
        timeline={"u1": [(25, {"Status": "Syncing", "Progress": {"Percentage": 100}}), (35, {"Status": "Synced"})],
                  "d1": [(20, {"status": "Failed", "progress": "", "fail_reason": "The port 8635 is already in use."})],
                  "r1": [(42, {"status": "Completed", "process": ""})]},
        **extra,
    )


SELECTORS = [{"provider": "udts"}, {"provider": "dds", "status": ["Running"]}, {"provider": "rds", "name": "Job-r1"}]


def test_each_task_gives_an_event_when_first_seen_and_one_per_state_change():
    clouds = three_clouds()
    log = run_source(clouds, 60, selectors=SELECTORS, poll_interval=10)
    assert changes(log, "udts", "u1") == [("seen", None, "running"), ("state", "running", "synced")]
    assert changes(log, "udts", "u2") == [("seen", None, "succeeded")]
    # the DDS selector lists Running jobs only: d2 never was one, d1 left the listing when it failed and was read by id
    assert changes(log, "dds", "d1") == [("seen", None, "running"), ("state", "running", "failed")]
    assert changes(log, "dds", "d2") == []
    assert changes(log, "rds", "r1") == [("seen", None, "running"), ("state", "running", "succeeded")]
    # each change is seen within one poll interval of happening
    for provider, task_id, happened in (("udts", "u1", 35), ("dds", "d1", 20), ("rds", "r1", 42)):
        seen_at = task_events_of(log, provider, task_id)[-1][0]
        assert happened <= seen_at <= happened + 10
    at, failed = task_events_of(log, "dds", "d1")[-1]
    assert failed == {
        "provider": "dds", "id": "d1", "name": "Job-d1", "state": "failed", "previous_state": "running", "terminal": True,
        "progress_percent": None, "failure_reason": "The port 8635 is already in use.", "instance_id": "inst-1",
        "created_at": None, "ended_at": None, "change": "state", "raw": failed["raw"]}
    assert failed["raw"] == dict(huawei("d1", progress_key="progress"), status="Failed", progress="",
                                 fail_reason="The port 8635 is already in use.")
    # a finished task is not read by id again: d1's one ShowJob is the read that saw it fail
    assert clouds.calls()["dds"]["ShowJob"] == 1
    assert task_events_of(log, "udts", "u1")[0][1]["raw"]["TaskId"] == "u1"


def test_a_udts_task_that_fails_gets_its_failure_message_with_one_detail_read():
    # ListUDTSTask lacks FailedMessage: the task that is seen failing is read once by GetUDTSTaskStatus, as task_wait reports it.
    clouds = Clouds(udts_items=[udts("u1", FailReason="Access denied"), udts("u3", "Done", 100)],
                    timeline={"u1": [(12, {"Status": "FailedUnrecoverable"})]})
    log = run_source(clouds, 40, selectors=[{"provider": "udts"}], poll_interval=10)
    (_at, failed), = [(at, event) for at, event in task_events_of(log, "udts", "u1") if event["change"] == "state"]
    assert (failed["previous_state"], failed["state"], failed["failure_reason"]) == ("running", "failed", "Access denied")
    assert failed["raw"]["FailedMessage"] == "Access denied"
    assert clouds.calls()["udts"]["GetUDTSTaskStatus"] == 1


def test_progress_events_need_the_option_and_a_step():
    timeline = {"d1": [(seconds, {"progress": "%d%%" % percent}) for seconds, percent in
                       ((10, 13), (20, 18), (30, 25), (40, 27), (50, 60), (60, 55))]}
    clouds = Clouds(dds_items=[huawei("d1", percent="10", progress_key="progress")], timeline=timeline)
    log = run_source(clouds, 70, selectors=[{"provider": "dds"}], poll_interval=10, progress=True, progress_step=10)
    assert [(change["change"], change["progress_percent"]) for _at, change in task_events_of(log)] == [
        ("seen", 10.0), ("progress", 25.0), ("progress", 60.0)]
    clouds = Clouds(dds_items=[huawei("d1", percent="10", progress_key="progress")], timeline=timeline)
    assert [change["change"] for _at, change in task_events_of(run_source(clouds, 70, selectors=[{"provider": "dds"}], poll_interval=10))] == ["seen"]


class Outage503:
    """A ``fail`` hook: HTTP 503 for every request to ``host`` from ``start`` to ``end`` seconds into the run of ``clouds``."""

    def __init__(self, host, start, end):
        self.host, self.start, self.end = host, start, end
        self.clouds = None

    def __call__(self, request):
        if self.host in request.url and self.start <= self.clouds.elapsed < self.end:
            return json_response({"error_code": "APIGW.0202", "error_msg": "Backend unavailable"}, 503, headers={"X-Request-Id": "req-503"})
        return None

    def of(self, clouds):
        self.clouds = clouds
        return clouds


def test_an_outage_gives_one_error_and_one_recovery_event_and_the_other_providers_go_on():
    failing = Outage503("rds.test", 15, 75)
    clouds = failing.of(three_clouds(fail=failing))
    log = run_source(clouds, 120, selectors=SELECTORS, poll_interval=10, huaweicloud=dict(HUAWEI, retries=1))
    errors = [(at, event["dbtasks_api_error"]) for at, event in log if "dbtasks_api_error" in event]
    recoveries = [(at, event["dbtasks_api_recovered"]) for at, event in log if "dbtasks_api_recovered" in event]
    assert len(errors) == 1 and len(recoveries) == 1
    at, error = errors[0]
    assert 15 <= at <= 25
    assert {name: error[name] for name in ("provider", "cloud", "code", "http_status", "request_id", "operation")} == {
        "provider": "rds", "cloud": "huaweicloud", "code": "APIGW.0202", "http_status": 503, "request_id": "req-503", "operation": "ListTasks"}
    assert "Backend unavailable" in error["message"] and error["since"].endswith("Z")
    recovered_at, recovered = recoveries[0]
    assert 75 <= recovered_at and recovered["since"] == error["since"] and recovered["failed_reads"] >= 2
    # RDS reads backed off during the outage (20 s, 40 s, ... after failures): few requests, no flood of events
    rds_lists = clouds.calls()["rds"]["List"]
    assert rds_lists <= 12
    # r1 finished during the outage (42 s): its change arrives with the recovery, after it
    assert changes(log, "rds", "r1") == [("seen", None, "running"), ("state", "running", "succeeded")]
    assert task_events_of(log, "rds", "r1")[-1][0] == recovered_at
    # DDS was read on time all along: d1's failure at 20 s is seen by 30 s
    assert 20 <= task_events_of(log, "dds", "d1")[-1][0] <= 30


def test_an_outage_at_start_is_an_outage_not_a_failure():
    failing = Outage503("dds.test", 0, 25)
    clouds = failing.of(three_clouds(fail=failing))
    log = run_source(clouds, 70, selectors=[{"provider": "dds"}], poll_interval=10, huaweicloud=dict(HUAWEI, retries=0))
    # reads at 0 and 20 s fail (the pause doubles after each), the one at 60 s succeeds
    kinds = [next(iter(event)) for _at, event in log]
    assert kinds == ["dbtasks_api_error", "dbtasks_api_recovered", "dbtasks", "dbtasks"]
    assert changes(log, "dds", "d1") == [("seen", None, "failed")]


def test_a_task_the_api_no_longer_knows_is_given_up_with_one_event():
    # r1 leaves the Running listing at 15 s and its read by id answers 404: the provider stays readable
    clouds = Clouds(rds_items=[huawei("r1"), huawei("r3")], timeline={"r1": [(15, {"status": "Completed"})], "r3": [(30, {"status": "Failed"})]})
    store = clouds.stores["rds"]
    store.find = lambda task_id: None
    log = run_source(clouds, 60, selectors=[{"provider": "rds", "status": ["Running"]}], poll_interval=10)
    lost = [event["dbtasks_task_lost"] for _at, event in log if "dbtasks_task_lost" in event]
    assert [(entry["id"], entry["last_state"], entry["code"]) for entry in lost] == [("r1", "running", "DBS.280404"), ("r3", "running", "DBS.280404")]
    assert "The job r1 does not exist" in lost[0]["message"]
    assert not any("dbtasks_api_error" in event for _at, event in log)
    # each lost task was read by id once, then never again
    assert store.calls["ShowJob"] == 2


def test_udts_tasks_that_left_the_listing_are_read_with_one_listing_and_an_unknown_one_is_given_up():
    # UDTS has no cheap read by id: the tasks that left the Dumping listing are found in one listing of every task;
    # u2 is gone from the API at 15 s, so that read fails, and each task is then read alone to find which one.
    clouds = Clouds(udts_items=[udts("u1"), udts("u2"), udts("u3")], timeline={"u1": [(15, {"Status": "Syncing"})], "u2": [(15, {"Status": "Loading"})]})
    store = clouds.stores["udts"]
    listed = store.current
    store.current = lambda: [item for item in listed() if not (item["TaskId"] == "u2" and clouds.elapsed >= 15)]
    log = run_source(clouds, 40, selectors=[{"provider": "udts", "status": ["Dumping"]}], poll_interval=10)
    lost = [(at, event["dbtasks_task_lost"]) for at, event in log if "dbtasks_task_lost" in event]
    assert [(at, entry["id"], entry["last_state"], entry["code"]) for at, entry in lost] == [(20, "u2", "running", 1404)]
    assert not any("dbtasks_api_error" in event for _at, event in log)
    assert changes(log, "udts", "u1") == [("seen", None, "running")]
    # u2 is asked for by id twice at 20 s: in the read of both, then alone; u1, found in the listings, never is
    assert [params["TaskId"] for operation, params in store.queries if operation == "GetUDTSTaskStatus"] == ["u2", "u2"]


def test_tasks_named_by_id_are_followed_until_they_end():
    clouds = three_clouds()
    log = run_source(clouds, 60, selectors=[{"provider": "dds", "ids": ["d1"]}, {"provider": "udts", "ids": ["u2", "u1"]}], poll_interval=10)
    assert changes(log, "dds", "d1") == [("seen", None, "running"), ("state", "running", "failed")]
    assert changes(log, "udts", "u2") == [("seen", None, "succeeded")]
    assert changes(log, "udts", "u1") == [("seen", None, "running"), ("state", "running", "synced")]
    calls = clouds.calls()
    assert calls["dds"] == {"ShowJob": 3}  # at 0, 10 and 20 s: failed, then never read again
    assert "rds" not in calls


@pytest.mark.parametrize("selectors, fail, named", [
    ([{"provider": "dds", "ids": ["nope"]}], None, "selectors[0].ids 'nope' cannot be read"),
    ([{"provider": "rds"}], lambda request: json_response({"error_code": "APIGW.0301", "error_msg": "verify aksk signature fail"}, 401),
     "APIGW.0301"),
])
def test_an_unknown_id_or_bad_credentials_end_the_source_at_start(selectors, fail, named):
    clouds = three_clouds(fail=fail)
    with pytest.raises(TaskEventsError) as raised:
        run_source(clouds, 60, selectors=selectors)
    assert str(raised.value).startswith("dbtasks.cloud.task_events: ") and named in str(raised.value)
    assert HUAWEI["secret_key"] not in str(raised.value)


@pytest.mark.parametrize("args, named", [
    ({"selectors": [{"provider": "rds"}], "pol_interval": 5}, "unknown argument(s) pol_interval"),
    ({"selectors": [{"provider": "dds", "start_time": "yesterday"}]}, "selectors[0].start_time: must be ISO 8601"),
    # without project_id the project of the region is looked up (docs/authentication.md); without region it cannot be
    ({"selectors": [{"provider": "rds"}], "huaweicloud": {"access_key": "AK", "secret_key": "huawei-secret-key"}},
     "huaweicloud.region: is required unless endpoint is set"),
    ({"selectors": [{"provider": "udts"}], "ucloud": {"public_key": "pub"}}, "ucloud.private_key: is required"),
])
def test_a_bad_argument_ends_the_source_before_any_request(args, named):
    transport = FakeTransport()
    with pytest.raises(TaskEventsError) as raised:
        TaskEvents(source_args(**args), hooks=RuntimeHooks(transport=transport))
    assert named in str(raised.value)
    assert transport.requests == []


def test_connection_options_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", "AK")
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", "env-secret-key")
    monkeypatch.setenv("HUAWEICLOUD_SDK_PROJECT_ID", "p1")
    monkeypatch.setenv("HUAWEICLOUD_SDK_ENDPOINT", "http://{service}.test")
    clouds = three_clouds()
    log = run_source(clouds, 5, selectors=[{"provider": "rds", "name": "Job-r1"}], huaweicloud={})
    assert changes(log, "rds", "r1") == [("seen", None, "running")]
    assert clouds.transport.requests[0].url.startswith("http://rds.test/v3/p1/tasklist")


def test_the_project_is_found_through_iam_when_not_given():
    # The connection layer's project discovery: the source asks IAM once for the project of the region.
    def iam(request):
        if request.url.startswith("http://iam.test/"):
            return json_response({"projects": [{"id": "p1", "name": "cn-north-4", "enabled": True}]})
        return None

    clouds = Clouds(rds_items=[huawei("r1")], fail=iam)
    huaweicloud = {"access_key": "AK", "secret_key": HUAWEI["secret_key"], "region": "cn-north-4", "endpoint": "http://{service}.test",
                   "iam_endpoint": "http://iam.test"}
    log = run_source(clouds, 25, selectors=[{"provider": "rds"}], poll_interval=10, huaweicloud=huaweicloud)
    assert changes(log, "rds", "r1") == [("seen", None, "running")]
    urls = [request.url for request in clouds.transport.requests]
    assert urls[0] == "http://iam.test/v3/projects?name=cn-north-4" and sum("iam.test" in url for url in urls) == 1
    assert all(url.startswith("http://rds.test/v3/p1/tasklist") for url in urls[1:]) and len(urls) == 4


def test_a_warning_is_logged_once_however_many_reads_repeat_it(caplog):
    clouds = Clouds(rds_items=[huawei("r1", status="Hibernating")])
    with caplog.at_level("WARNING", logger=task_events.logger.name):
        log = run_source(clouds, 45, selectors=[{"provider": "rds"}], poll_interval=10)
    assert changes(log, "rds", "r1") == [("seen", None, "unknown")] and clouds.calls()["rds"]["List"] == 5
    assert [record.getMessage() for record in caplog.records if "Hibernating" in record.getMessage()] == [
        "dbtasks.cloud.task_events: RDS status 'Hibernating' is not recognised; the state is reported as unknown"]


def test_a_secret_the_api_echoes_never_reaches_an_event():
    secret = HUAWEI["secret_key"]
    clouds = Clouds(rds_items=[huawei("r1", name="restart " + secret, fail_reason="key %s rejected" % secret)])
    log = run_source(clouds, 5, selectors=[{"provider": "rds"}])
    (_at, event), = task_events_of(log)
    assert secret not in repr(event)
    assert event["name"] == "restart ********" and event["raw"]["fail_reason"] == "key ******** rejected"


def test_cancelling_the_source_does_not_wait_for_a_stalled_read():
    # Real threads and real time: the second read of RDS never answers until the test releases it.
    release = threading.Event()
    answered = []

    def handler(request):
        answered.append(request.url)
        if len(answered) > 1:
            release.wait(30)
        return json_response({"tasks": [huawei("r1")], "total_count": 1})

    async def scenario():
        queue: asyncio.Queue = asyncio.Queue()
        source = TaskEvents(source_args(selectors=[{"provider": "rds"}], poll_interval=1), hooks=RuntimeHooks(transport=FakeTransport(handler=handler)))
        runner = asyncio.ensure_future(source.run(queue))
        first = await asyncio.wait_for(queue.get(), 10)
        while len(answered) < 2:  # until the second read has started: it stalls
            await asyncio.sleep(0.05)
        started = time.monotonic()
        runner.cancel()
        done, _pending = await asyncio.wait([runner], timeout=1.0)
        return first, done, time.monotonic() - started

    try:
        first, done, took = asyncio.run(scenario())
    finally:
        release.set()
    assert first["dbtasks"]["id"] == "r1"
    assert done and took < 1.0  # within one poll interval, while the read still hangs


def test_a_read_that_hangs_delays_no_event_of_another_provider():
    # Real threads and real time: RDS's second read (at 1 s) hangs; DDS's job fails at its third read (at 2 s), and its event comes.
    release = threading.Event()
    reads = {"rds": 0, "dds": 0}

    def handler(request):
        service = "rds" if "rds.test" in request.url else "dds"
        reads[service] += 1
        if service == "rds":
            if reads["rds"] > 1:
                release.wait(30)
            return json_response({"tasks": [huawei("r1")], "total_count": 1})
        job = huawei("d1", progress_key="progress") if reads["dds"] < 3 else huawei("d1", "Failed", progress_key="progress")
        return json_response({"jobs": [job], "total_count": 1})

    async def scenario():
        queue: asyncio.Queue = asyncio.Queue()
        source = TaskEvents(source_args(selectors=[{"provider": "rds"}, {"provider": "dds"}], poll_interval=1),
                            hooks=RuntimeHooks(transport=FakeTransport(handler=handler)))
        runner = asyncio.ensure_future(source.run(queue))
        events = []
        try:
            while not any(event.get("dbtasks", {}).get("state") == "failed" for event in events):
                events.append(await asyncio.wait_for(queue.get(), 20))
            return events, reads["rds"]
        finally:
            runner.cancel()
            await asyncio.gather(runner, return_exceptions=True)

    try:
        events, rds_reads = asyncio.run(scenario())
    finally:
        release.set()
    assert [(event["dbtasks"]["provider"], event["dbtasks"]["state"]) for event in events if event["dbtasks"]["provider"] == "dds"] == [
        ("dds", "running"), ("dds", "failed")]
    assert rds_reads == 2  # the hung read was not repeated alongside itself


def test_main_is_the_entry_point_ansible_rulebook_loads_with_runpy(tmp_path):
    # ansible-rulebook runs the file by path in a process where the collection is not importable: the plugin finds it.
    script = ("import asyncio, runpy, sys\n"
              "module = runpy.run_path(sys.argv[1])\n"
              "assert asyncio.iscoroutinefunction(module['main'])\n"
              "try:\n"
              "    asyncio.run(module['main'](asyncio.Queue(), {'selectors': [{'provider': 'rds', 'status': ['Done']}]}))\n"
              "except Exception as error:\n"
              "    print(type(error).__name__, error)\n")
    env = {name: value for name, value in os.environ.items() if name not in CONNECTION_ENV}
    result = subprocess.run([sys.executable, "-c", script, PLUGIN], cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "TaskEventsError dbtasks.cloud.task_events: selectors[0].status: 'Done' is not a rds status" in result.stdout


def test_the_documentation_lists_every_argument_of_the_spec():
    documented = yaml.safe_load(task_events.DOCUMENTATION)["options"]
    assert set(documented) == set(SOURCE_SPEC)
    for name, spec in SOURCE_SPEC.items():
        assert documented[name]["type"] == spec["type"], name
        assert documented[name].get("default") == spec.get("default") or (spec.get("default") == {} and "default" not in documented[name]), name
    selector_docs, selector_spec = documented["selectors"]["suboptions"], SOURCE_SPEC["selectors"]["options"]
    assert set(selector_docs) == set(selector_spec)
    for name, spec in selector_spec.items():
        assert selector_docs[name]["type"] == spec["type"], name
        assert selector_docs[name].get("choices") == spec.get("choices"), name
    # docs/events.md names every argument and selector key
    with open(os.path.join(os.path.dirname(PLUGIN), "..", "..", "..", "..", "docs", "events.md"), encoding="utf-8") as handle:
        guide = handle.read()
    assert [name for name in list(SOURCE_SPEC) + list(selector_spec) if "`%s`" % name not in guide] == []
    example = yaml.safe_load(task_events.EXAMPLES)[0]["dbtasks.cloud.task_events"]
    TaskEvents(source_args(**example), hooks=RuntimeHooks(transport=FakeTransport()))
