# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``make help`` lists every target of the Makefile, and ``make demo`` leaves the reports of its two gate runs and says where."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from xml.etree import ElementTree

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def test_make_help_lists_every_target():
    with open(os.path.join(REPO_ROOT, 'Makefile'), encoding='utf-8') as handle:
        targets = re.findall(r'^([a-zA-Z0-9_][a-zA-Z0-9_.-]*):', handle.read(), re.MULTILINE)
    done = subprocess.run(['make', '--no-print-directory', 'help'], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=True)
    listed = re.findall(r'^  make (\S+) ', done.stdout, re.MULTILINE)
    assert targets and sorted(listed) == sorted(targets), done.stdout


def test_make_demo_writes_the_reports_of_both_gate_runs_and_prints_where(tmp_path):
    """What ``make demo`` runs (tests/tools/demo.py), on the virtualenv of this test run, at 10 times speed."""
    reports = str(tmp_path / 'reports')
    env = {name: value for name, value in os.environ.items() if not name.startswith('ANSIBLE_')}
    env['DEMO_REPORTS'] = reports
    done = subprocess.run([sys.executable, 'tests/tools/demo.py', '10'], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-5000:]
    outcomes = {}
    for run, failed in (('success', False), ('failure', True)):
        xml, report = os.path.join(reports, 'gate-%s.xml' % run), os.path.join(reports, 'gate-%s.json' % run)
        assert xml in output and report in output
        suite = ElementTree.parse(xml).getroot().find('testsuite')
        assert (int(suite.get('failures')) >= 1) is failed
        with open(report, encoding='utf-8') as handle:
            outcomes[run] = json.load(handle)['outcome']
    assert outcomes == {'success': 'synced', 'failure': 'failed'}
