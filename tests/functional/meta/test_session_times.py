# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The README's table of test session times is rendered from docs/test-times.json, the record of a passing run.

``make test`` records each run (tests/tools/session_times.py ``record``); ``make test-times`` publishes a passing one.
An edit to the table by hand, a session docstring changed without re-rendering, or a failing run published, fails here.
"""

from __future__ import annotations

import json
import os
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(REPO_ROOT, 'tests', 'tools'))

import session_times  # noqa: E402  pylint: disable=wrong-import-position

LOG = """\
nox > Running session sanity
nox > session time: sanity         66 s
========== 1 failed, 20 passed in 3.10s ==========
nox > session time: pytest        373 s
nox > session time: core-2.17      66 s

session times (wall clock, two at a time):
session time: pytest        373 s
========== 1 failed, 20 passed in 3.10s ==========
"""


def test_the_readme_table_is_rendered_from_the_published_run():
    with open(session_times.DOCS_JSON, encoding='utf-8') as handle:
        run = json.load(handle)
    with open(session_times.README, encoding='utf-8') as handle:
        page = handle.read()
    assert session_times.render(page, run) == page, 'README.md differs from docs/test-times.json: python tests/tools/session_times.py render'
    # `make test-times` publishes only a passing run of a committed tree; the heading says so either way.
    assert ('NOT every session passed' not in page) is run['passed']
    assert set(run['sessions']) >= {'pytest', 'sanity', 'sanity-2.17', 'core-2.17', 'core-2.19', 'molecule', 'lint', 'types'}


def test_a_run_is_recorded_from_its_log_without_the_repeated_summary(tmp_path, monkeypatch):
    log = tmp_path / 'test.log'
    log.write_text(LOG, encoding='utf-8')
    monkeypatch.setattr(session_times, 'RECORD', str(tmp_path / 'test-times.json'))
    run = session_times.record(str(log), 452, '12m19.674s 1m47.135s', '0.81 2.51 2.41', 2)
    assert run['sessions'] == {'sanity': 66, 'pytest': 373, 'core-2.17': 66}
    assert (run['seconds'], run['cpu_seconds'], run['passed']) == (452, {'user': 740, 'system': 107}, False)
    assert run['pytest'] == ['1 failed, 20 passed'] and run['load_average_at_start'] == [0.81, 2.51, 2.41]
    block = session_times.block(run)
    assert '**7 min 32 s**' in block and 'NOT every session passed' in block
    assert '| `core-2.17` | Every unit test (property tests: a quarter of the examples), and the functional tests marked core_smoke' in block
