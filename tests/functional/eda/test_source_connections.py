# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The event source's connection options against the emulator: CLI profiles and project discovery, as the modules have them.

The source runs in-process (``main`` with an asyncio queue, real threads, real HTTP), with the profile files in a
temporary HOME and every key variable cleared: the emulator accepts only the profiles' keys, so an event proves the
profile was read. The KooCLI profile has no project: the source finds it through the emulator's IAM, once. A task
of each cloud echoes a secret of its profile, which must reach no event.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from typing import Any

import pytest
import yaml

from ansible_collections.dbtasks.cloud.extensions.eda.plugins.event_source import task_events

PUBLIC_KEY, PRIVATE_KEY = 'profile-public-key', 'Profile/Private+Key=1'
ACCESS_KEY, SECRET_KEY = 'PROFILEAK00000000001', 'Profile/Secret+Key=2'
PROJECT_ID = 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0'
RDS_JOB = 'cafe0000000000000000000000000001'
SCENARIO = {
    'credentials': {'ucloud': {'public_key': PUBLIC_KEY, 'private_key': PRIVATE_KEY},
                    'huawei': {'access_key': ACCESS_KEY, 'secret_key': SECRET_KEY, 'project_id': PROJECT_ID}},
    'udts': [{'id': 'udts-profile', 'name': 'profile-copy', 'type': 'full', 'created': -600, 'lifecycle': [
        {'status': 'Dumping', 'duration': 3}, {'status': 'FailedUnrecoverable', 'fail_reason': 'the source refused the key %s' % PRIVATE_KEY}]}],
    'rds': [{'id': RDS_JOB, 'name': 'Restart %s' % SECRET_KEY, 'instance_id': 'i1', 'created': -600, 'status': 'Completed'}],
}
_KEY_PREFIXES = ('UCLOUD_', 'HUAWEICLOUD_', 'HW_')


@pytest.fixture
def profiled(emulator_factory: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The emulator, a HOME with the UCloud CLI's files (the active profile is right), and a KooCLI file outside it."""
    scenario = tmp_path / 'scenario.yml'
    scenario.write_text(yaml.safe_dump(SCENARIO), encoding='utf-8')
    emulator = emulator_factory(['--scenario', str(scenario)])
    home = tmp_path / 'home'
    files = {
        home / '.ucloud' / 'config.json': [{'profile': 'default', 'project_id': 'org-default', 'active': False},
                                           {'profile': 'ci', 'region': 'cn-sh2', 'base_url': emulator.base_url, 'active': True}],
        home / '.ucloud' / 'credential.json': [{'profile': 'default', 'public_key': 'other', 'private_key': 'other-private'},
                                               {'profile': 'ci', 'public_key': PUBLIC_KEY, 'private_key': PRIVATE_KEY}],
        tmp_path / 'koocli.json': {'current': 'default', 'profiles': [
            {'name': 'default', 'mode': 'AKSK', 'accessKeyId': 'OTHERAK0000000000000', 'secretAccessKey': 'other-secret', 'region': 'cn-north-4'},
            {'name': 'ci', 'mode': 'AKSK', 'accessKeyId': ACCESS_KEY, 'secretAccessKey': SECRET_KEY, 'region': 'cn-north-4'}]},
    }
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data), encoding='utf-8')
    for name in os.environ:
        if name.startswith(_KEY_PREFIXES):
            monkeypatch.delenv(name)
    monkeypatch.setenv('HOME', str(home))
    return emulator, str(tmp_path / 'koocli.json')


def run_until(args: dict, done: Any, timeout: float = 60) -> list:
    """The source's events until ``done(events)`` holds (or ``timeout`` seconds pass)."""

    async def scenario() -> list:
        queue: asyncio.Queue = asyncio.Queue()
        runner = asyncio.ensure_future(task_events.main(queue, args))
        events: list = []
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout
            while not done(events) and loop.time() < deadline:
                getter = asyncio.ensure_future(queue.get())
                # A short wait: done() may also turn on what the emulator counts, with no event to wake it.
                finished, _pending = await asyncio.wait([getter, runner], timeout=min(0.5, deadline - loop.time()),
                                                        return_when=asyncio.FIRST_COMPLETED)
                if getter in finished:
                    events.append(getter.result())
                else:
                    getter.cancel()
                if runner in finished:
                    runner.result()  # raises what ended the source
        finally:
            runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await runner
        return events

    return asyncio.run(scenario())


def task(events: list, task_id: str, state: str) -> dict | None:
    return next((event['dbtasks'] for event in events if event.get('dbtasks', {}).get('id') == task_id
                 and event['dbtasks']['state'] == state), None)


def test_the_source_reads_profiles_and_finds_the_project_through_iam(profiled):
    emulator, koocli = profiled
    args = {'poll_interval': 1, 'selectors': [{'provider': 'udts'}, {'provider': 'rds'}],
            # UCloud: nothing given, the active profile of ~/.ucloud; Huawei Cloud: a named profile of a named file, no project.
            'huaweicloud': {'profile': 'ci', 'shared_config_file': koocli, 'endpoint': emulator.base_url, 'iam_endpoint': emulator.base_url}}
    events = run_until(args, lambda events: task(events, 'udts-profile', 'failed') and emulator.stats()['requests'].get('rds.ListTasks', 0) >= 3)
    assert task(events, 'udts-profile', 'failed'), events
    assert task(events, 'udts-profile', 'failed')['failure_reason'] == 'the source refused the key ********'
    assert task(events, RDS_JOB, 'succeeded')['name'] == 'Restart ********'
    assert not any('dbtasks_api_error' in event for event in events)
    text = json.dumps(events)
    assert PRIVATE_KEY not in text and SECRET_KEY not in text and json.dumps(SECRET_KEY)[1:-1] not in text
    requests = emulator.stats()['requests']
    assert requests['iam.KeystoneListProjects'] == 1 and requests['rds.ListTasks'] >= 3  # the project is looked up once


def test_a_profile_that_is_not_there_ends_the_source_at_start_naming_the_argument(profiled):
    emulator, koocli = profiled
    args = {'selectors': [{'provider': 'rds'}], 'huaweicloud': {'profile': 'prod', 'shared_config_file': koocli, 'endpoint': emulator.base_url}}
    with pytest.raises(task_events.TaskEventsError) as raised:
        run_until(args, lambda events: False, timeout=10)
    assert str(raised.value) == ("dbtasks.cloud.task_events: huaweicloud.profile: profile 'prod' is not in %s (profiles there: ci, default)"
                                 % koocli)
    assert emulator.stats()['requests'] == {}
