# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The gate on tasks started just before it ("start the resize, then gate"): ids the API does not know yet are
pending for wait_for_tasks_not_found_grace, then fail saying how long they were looked for. Both emulator modes
(strict: DDS/RDS answer an unknown job with HTTP 400, docs/api-reference.md)."""

from __future__ import annotations

import os

import pytest

from tests.emulator.launcher import MODES

LATE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'emulator', 'scenarios', 'late.yml')
SPEED = 4.0  # as in the scenario: the tasks appear 10 wall seconds after the emulator starts
FAST = {'wait_for_tasks_poll_interval': 1, 'wait_for_tasks_progress_interval': 1}


@pytest.mark.emulator_modes(*MODES)
def test_tasks_that_appear_after_the_gate_started_are_pending_until_then_and_then_followed(gate_for):
    gate = gate_for(SPEED, LATE)
    tasks = [{'provider': 'udts', 'id': 'udts-late'}, {'provider': 'dds', 'id': 'dds-late'}, {'provider': 'rds', 'id': 'rds-late'}]
    run = gate.run(dict(FAST, wait_for_tasks_tasks=tasks))
    assert run.returncode == 0, run.output
    progress = run.progress()
    for provider in ('udts', 'dds', 'rds'):
        label = '%s %s-late' % (provider, provider)
        unseen = [arrived for arrived, line in progress if label + ': not visible yet, looked for ' in line]
        seen = [arrived for arrived, line in progress if '  %s [' % label in line]  # in a block, with its name and status
        done = [arrived for arrived, line in progress if 'done %s [' % label in line]
        assert unseen and seen and done, run.output
        # pending first, then followed: shown with its status once it appeared, done when its lifecycle ended
        assert unseen[0] < seen[0] <= done[0], run.output
    assert '  succeeded  rds rds-late [ResizeFlavor] after ' in run.output
    assert gate.scenario_time() >= 56  # the tasks appeared at 40 and ran 16 scenario seconds


@pytest.mark.emulator_modes(*MODES)
@pytest.mark.parametrize('provider', ['rds', 'udts'])
def test_a_task_that_never_appears_fails_once_the_grace_has_passed(gate_for, provider):
    gate = gate_for(SPEED, LATE)
    run = gate.run(dict(FAST, wait_for_tasks_tasks=[{'provider': provider, 'id': provider + '-never'}], wait_for_tasks_not_found_grace=3))
    assert run.returncode == 2, run.output
    assert "the %s task '%s-never' was not found in " % (provider, provider) in run.output, run.output
    assert 'of looking (wait_for_tasks_not_found_grace is 3.0s)' in run.output
    looked = [line for dummy, line in run.progress() if 'not visible yet, looked for ' in line]
    assert looked, run.output
    # the API's own error stays in the message, with its code
    assert ("does not exist. (code DBS.2" if provider == 'rds' else "does not exist (code 1404") in run.output, run.output
