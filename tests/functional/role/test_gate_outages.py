# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``ansible-playbook dbtasks.cloud.gate`` while one cloud is down: the outage never hides the others.

The demo scenario (tests/emulator/scenarios/demo.yml, at speed 1) has a UDTS migration that runs for about 37
seconds and a DDS job that fails 15 seconds after the emulator starts. Once the gate has read both, persistent
HTTP 503 faults are injected into the running emulator (``POST /_emulator/faults``, docs/emulator.md) or the
emulator is killed.
"""

from __future__ import annotations

import os
import re
import threading
import time

from tests.functional.role.conftest import REPO_ROOT

DEMO = os.path.join(REPO_ROOT, 'tests', 'emulator', 'scenarios', 'demo.yml')
UDTS_TASK = {'provider': 'udts', 'id': 'udts-demofi01'}
FAILING_DDS_JOB = {'provider': 'dds', 'id': '5d1e0f2a-demo-4fa1-9c1e-failed000001'}
DDS_FAILS_AT = 15  # scenario seconds
POLL = 1  # wall seconds


def _in_background(action):
    thread = threading.Thread(target=action, daemon=True)
    thread.start()
    return thread


def _once_read(gate, *routes):
    """Wait until the gate has read each route once: ansible-playbook takes seconds to start on a busy machine."""
    deadline = time.monotonic() + 60
    while not all(gate.emulator.stats()['requests'].get(route) for route in routes):
        if time.monotonic() > deadline:
            raise AssertionError('the gate never sent %s' % ', '.join(routes))
        time.sleep(0.05)


def test_a_ucloud_outage_does_not_hide_a_dds_failure(gate_for):
    speed = 1.0
    gate = gate_for(speed, DEMO)

    def outage():
        _once_read(gate, 'udts.ListUDTSTask', 'dds.ShowJob')
        gate.emulator.add_faults([{'route': 'udts.ListUDTSTask', 'kind': 'http_503'},
                                  {'route': 'udts.GetUDTSTaskStatus', 'kind': 'http_503'}])

    injector = _in_background(outage)
    started_at = gate.scenario_time()
    run = gate.run({'wait_for_tasks_tasks': [UDTS_TASK, FAILING_DDS_JOB], 'wait_for_tasks_poll_interval': POLL,
                    'wait_for_tasks_progress_interval': POLL, 'wait_for_tasks_timeout': 60})
    injector.join(5)
    assert run.returncode == 2, run.output
    # Ended by the DDS failure, not by the timeout, and the message says UCloud could not be read.
    assert '1 of 2 tasks failed or stopped after ' in run.output and 'Timed out' not in run.output, run.output
    assert ('dds 5d1e0f2a-demo-4fa1-9c1e-failed000001 [ModifyInstancePort]: Failed - The port 8635 is already in use'
            in run.output)
    assert re.search(r'; udts could not be read since \S+ \(tasks as last read at \S+\): UCloud \w+ failed: Service Unavailable '
                     r'\(code 150, HTTP 503, request id [0-9a-f-]+, after 5 attempts\)', run.output), run.output
    progress = run.progress()
    outage_seen = next(arrived for arrived, line in progress if 'udts could not be read, the wait goes on' in line)
    failure_seen = next(arrived for arrived, line in progress if 'FAILED dds 5d1e0f2a' in line)
    # Seen within three polls of the failure: the UDTS reads, each spending its retries on 503s, did not hold DDS up.
    assert outage_seen < failure_seen
    assert started_at + speed * failure_seen <= DDS_FAILS_AT + speed * 3 * POLL, run.output
    # Every line of the wait carries the time into the wait, the failed-read line too; the stale UDTS state says its age.
    assert all(re.match(r'task_wait +(\d+[smh])+ \| ', line) for dummy, line in progress), run.output
    assert any(re.search(r'udts udts-demofi01 \[orders-mysql-to-mysql\]: \w+ \(\w+\), [0-9.]+%, last read \S+ ago', line)
               for dummy, line in progress), run.output
    assert re.search(r'unreadable udts could not be read since', run.output)


def test_a_gate_whose_emulator_dies_times_out_naming_the_providers_it_could_not_read(gate_for):
    gate = gate_for(1.0, DEMO)

    def kill():
        _once_read(gate, 'udts.ListUDTSTask', 'dds.ShowJob')
        gate.emulator.stop()

    killer = _in_background(kill)
    run = gate.run({'wait_for_tasks_tasks': [UDTS_TASK, FAILING_DDS_JOB], 'wait_for_tasks_poll_interval': POLL,
                    'wait_for_tasks_progress_interval': 5, 'wait_for_tasks_timeout': 15})
    killer.join(5)
    assert run.returncode == 2, run.output
    # At the timeout (not later: reads still under way do not hold it up), every task with its last state and age, then
    # each provider that could not be read, since when and why.
    message = re.search(r'fatal: \[localhost\]: FAILED! => (.*)', run.output)
    assert message is not None, run.output
    text = message.group(1)
    assert re.search(r'Timed out after 1[56]s waiting for 2 of 2 tasks: udts udts-demofi01 \[orders-mysql-to-mysql\]: '
                     r'\w+ \(\w+\), [0-9.]+%, last read \d+s ago; dds 5d1e0f2a-demo-4fa1-9c1e-failed000001 \[ModifyInstancePort\]: '
                     r'Running, [0-9.]+%, last read \d+s ago; ', text), text
    for provider, error in (('udts', r'UCloud ListUDTSTask failed: cannot connect to '), ('dds', r'DDS ShowJob failed: cannot connect to ')):
        assert re.search(r'%s could not be read since \S+ \(tasks as last read at \S+\): %s' % (provider, error), text), text
    assert 'timeout after 1' in run.output
