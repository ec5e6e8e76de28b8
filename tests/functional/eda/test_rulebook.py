# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The example rulebook run by the real ansible-rulebook against the emulator's demo scenario (docs/events.md).

ansible-rulebook (requirements/dev.txt) runs ``extensions/eda/rulebooks/task_events.yml`` with the
collection on ANSIBLE_COLLECTIONS_PATH; its playbooks record each reaction as a JSON line
(DBTASKS_EVENT_LOG). The rule engine (drools) needs a Java 17 runtime: ``.ci/run`` installs one when
``java`` is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime

import pytest

from tests.functional.conftest import DEMO_SCENARIO, REPO_ROOT

ANSIBLE_RULEBOOK = os.path.join(os.path.dirname(sys.executable), 'ansible-rulebook')
RULEBOOK = os.path.join('extensions', 'eda', 'rulebooks', 'task_events.yml')
INVENTORY = os.path.join('extensions', 'eda', 'inventory.yml')
POLL_INTERVAL = 8
FAILING_DDS_JOB = '5d1e0f2a-demo-4fa1-9c1e-failed000001'
_FOREIGN_PREFIXES = ('UCLOUD_', 'HUAWEICLOUD_', 'HW_', 'ANSIBLE_', 'DBTASKS_')

pytestmark = [
    pytest.mark.skipif(not os.path.exists(ANSIBLE_RULEBOOK), reason='ansible-rulebook is not in this venv (requirements/dev.txt has it)'),
    pytest.mark.skipif(shutil.which('java') is None, reason='ansible-rulebook needs a Java 17 runtime: apt-get install openjdk-17-jre-headless'),
]


def java_home() -> str:
    """JAVA_HOME as set, else the JDK that ``java`` on PATH belongs to (jpy needs it to load the JVM)."""
    return os.environ.get('JAVA_HOME') or os.path.dirname(os.path.dirname(os.path.realpath(shutil.which('java') or 'java')))


def reactions(log_path: str, playbook: str | None = None) -> list[dict]:
    """The JSON lines the example playbooks wrote, oldest first."""
    if not os.path.exists(log_path):
        return []
    with open(log_path, encoding='utf-8') as handle:
        lines = [json.loads(line) for line in handle if line.strip()]
    return [line for line in lines if playbook in (None, line['playbook'])]


def task_reaction(log_path: str, playbook: str, task_id: str) -> dict | None:
    return next((line for line in reactions(log_path, playbook) if line['event'].get('dbtasks', {}).get('id') == task_id), None)


def outage_reactions(log_path: str, kind: str) -> list[dict]:
    return [line['event'][kind] for line in reactions(log_path, 'eda_api_outage') if kind in line['event']]


def wait_until(condition, timeout: float, what: str, process: subprocess.Popen, output: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            pytest.fail('ansible-rulebook exited (%s) while waiting for %s:\n%s' % (process.returncode, what, read_tail(output)))
        if time.monotonic() > deadline:
            pytest.fail('no %s within %ss:\n%s' % (what, timeout, read_tail(output)))
        time.sleep(0.2)


def read_tail(path: str, lines: int = 60) -> str:
    with open(path, encoding='utf-8', errors='replace') as handle:
        return ''.join(handle.readlines()[-lines:])


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace('Z', '+00:00'))


def test_the_example_rulebook_reacts_to_the_demo_scenario(emulator_factory, emulator_credentials, tmp_path):
    emulator = emulator_factory(['--scenario', DEMO_SCENARIO])
    log_path, output = str(tmp_path / 'reactions.jsonl'), str(tmp_path / 'ansible-rulebook.out')
    variables = tmp_path / 'vars.yml'
    variables.write_text('dbtasks_poll_interval: %d\n' % POLL_INTERVAL)
    env = {name: value for name, value in os.environ.items() if not name.startswith(_FOREIGN_PREFIXES) and name != 'PYTHONPATH'}
    ucloud, huawei = emulator_credentials['ucloud'], emulator_credentials['huawei']
    env.update(
        PATH=os.path.dirname(sys.executable) + os.pathsep + env.get('PATH', ''), JAVA_HOME=java_home(),
        ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO_ROOT, '.build'), ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-tmp'),
        ANSIBLE_NOCOLOR='1', DBTASKS_EVENT_LOG=log_path,
        UCLOUD_API_BASE_URL=emulator.base_url, UCLOUD_PUBLIC_KEY=ucloud.public_key, UCLOUD_PRIVATE_KEY=ucloud.private_key,
        HUAWEICLOUD_SDK_ENDPOINT=emulator.base_url, HUAWEICLOUD_SDK_AK=huawei.access_key, HUAWEICLOUD_SDK_SK=huawei.secret_key,
        HUAWEICLOUD_SDK_PROJECT_ID=huawei.project_id,
    )
    with open(output, 'w', encoding='utf-8') as stdout:
        process = subprocess.Popen([ANSIBLE_RULEBOOK, '-r', RULEBOOK, '-i', INVENTORY, '--vars', str(variables)], cwd=REPO_ROOT,
                                   env=env, stdout=stdout, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        # An outage of RDS from the source's first RDS read until the outage playbook has run once.
        wait_until(lambda: emulator.stats()['requests'].get('rds.ListTasks', 0) >= 1, 90, 'RDS read', process, output)
        emulator.add_faults({'route': 'rds.ListTasks', 'kind': 'http_503'})
        wait_until(lambda: outage_reactions(log_path, 'dbtasks_api_error'), 120, 'reaction to the RDS outage', process, output)
        emulator.clear_faults()
        wait_until(lambda: outage_reactions(log_path, 'dbtasks_api_recovered'), 120, 'reaction to the recovery', process, output)
        # The demo's failures (DDS at 15 s, UDTS at 27 s) and its full+incremental migration reaching Synced (37 s).
        wait_until(lambda: all((task_reaction(log_path, 'eda_task_failed', FAILING_DDS_JOB), task_reaction(log_path, 'eda_task_failed', 'udts-demofail1'),
                                task_reaction(log_path, 'eda_post_migration', 'udts-demofi01'))), 120, 'reactions to the demo tasks', process, output)
        time.sleep(2 * POLL_INTERVAL)  # anything more would come by now
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    dds = task_reaction(log_path, 'eda_task_failed', FAILING_DDS_JOB)['event']['dbtasks']
    assert (dds['provider'], dds['state'], dds['previous_state'], dds['change']) == ('dds', 'failed', 'running', 'state')
    assert dds['failure_reason'] == 'The port 8635 is already in use by another instance in the VPC.'
    assert dds['instance_id'] == '9a8b7c6d5e4f40a1b2c3d4e5f6a7b8c9in02' and dds['instance_name'] == dds['raw']['instance_name'] == 'dds-demo-sharding'
    assert dds['created_at'] < dds['ended_at'] and dds['ended_at'].endswith('Z')
    # The playbook ran within two poll intervals of the failure (the API's ended_at, whole seconds, so measured generously).
    ran_at = utc(task_reaction(log_path, 'eda_task_failed', FAILING_DDS_JOB)['at'])
    assert 0 <= (ran_at - utc(dds['ended_at'])).total_seconds() <= 2 * POLL_INTERVAL
    udts_failed = task_reaction(log_path, 'eda_task_failed', 'udts-demofail1')['event']['dbtasks']
    assert udts_failed['previous_state'] == 'running' and 'retries exhausted' in udts_failed['failure_reason']
    # Exactly one error event and one recovery event for the outage; no other provider was unreadable.
    errors, recoveries = outage_reactions(log_path, 'dbtasks_api_error'), outage_reactions(log_path, 'dbtasks_api_recovered')
    assert [(error['provider'], error['code'], error['http_status']) for error in errors] == [('rds', 'APIGW.0202', 503)]
    assert [recovered['provider'] for recovered in recoveries] == ['rds'] and recoveries[0]['since'] == errors[0]['since']
    # Reactions only to changes seen while the rulebook ran, each once: none for tasks that finished before it started.
    failed = sorted(line['event']['dbtasks']['id'] for line in reactions(log_path, 'eda_task_failed'))
    assert failed == sorted([FAILING_DDS_JOB, 'udts-demofail1'])
    synced = sorted(line['event']['dbtasks']['id'] for line in reactions(log_path, 'eda_post_migration'))
    assert synced == ['udts-demofi01', 'udts-demoin01']
    assert emulator_credentials['huawei'].secret_key not in read_tail(output, 100000)
