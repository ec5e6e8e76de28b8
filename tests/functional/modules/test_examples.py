# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every module's EXAMPLES block, copied as is into a playbook, runs against the demo scenario.

The examples assert their own outcomes (a succeeded restart, a synced migration), so a wrong promise in the
docs fails here. The demo runs at 10 times speed so that the waiting examples end within seconds.
"""

from __future__ import annotations

import ast
import os

import pytest
import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
EMULATOR_ARGS = ['--scenario', os.path.join(REPO_ROOT, 'tests', 'emulator', 'scenarios', 'demo.yml'), '--speed', '10']


def examples_of(module):
    with open(os.path.join(REPO_ROOT, 'plugins', 'modules', module + '.py'), encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    text = next(node.value.value for node in tree.body
                if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) == 'EXAMPLES')
    return yaml.safe_load(text)


@pytest.mark.parametrize('module', ['udts_task_info', 'dds_job_info', 'rds_task_info'])
def test_examples_run_as_documented(ansible_runner, module):
    tasks = examples_of(module)
    assert len(tasks) >= 5
    rc, results, output = ansible_runner.playbook(tasks, extra_env={
        'HW_ACCESS_KEY': 'EMULATORAK0000000000', 'HW_SECRET_KEY': 'emulator-secret-key'})
    assert rc == 0, output
    assert 'failed=0' in output and 'Traceback' not in output
    assert results, output
