# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""docs/benchmarks.md shows the last published run: its Measured table is what report.py renders from docs/bench.json.

After a full ``make bench`` both files change together; an edit to the table by hand, or a bench.json committed
without the page (or the reverse), fails here. ``python tests/benchmarks/report.py`` regenerates the table.
"""

from __future__ import annotations

import copy
import json

import pytest

from tests.benchmarks import report
from tests.benchmarks.run import BENCHMARKS


@pytest.fixture(scope='module', name='published')
def published_run():
    return report.load(report.DOCS_JSON)


def test_the_measured_table_is_rendered_from_the_committed_figures(published):
    with open(report.DOCS_PAGE, encoding='utf-8') as handle:
        page = handle.read()
    block = report.current_block(page)
    assert block is not None, 'docs/benchmarks.md has no block between %s and %s' % (report.BEGIN, report.END)
    assert block == report.render(published), (
        'docs/benchmarks.md differs from docs/bench.json: run `python tests/benchmarks/report.py` (or a full `make bench`)')


def test_the_committed_figures_are_a_complete_run_of_a_known_commit(published):
    assert report.is_complete(published, BENCHMARKS)
    machine = published['machine']
    assert machine['git_commit'] and isinstance(machine['git_dirty'], bool) and machine['date_utc'].endswith('Z')
    # every figure the table shows comes from the file: nothing else is rendered into its rows
    rows = report.table(published['figures'])[2:]
    assert len(rows) == len(published['figures'])


def test_a_partial_or_failed_run_is_not_published(published, tmp_path):
    partial = copy.deepcopy(published)
    del partial['benchmarks']['memory']
    failed = copy.deepcopy(published)
    failed['benchmarks']['adhoc']['ok'] = False
    for number, run in enumerate((partial, failed)):
        path = tmp_path / ('run%d.json' % number)
        path.write_text(json.dumps(run), encoding='utf-8')
        assert report.publish(str(path), BENCHMARKS) is False


def test_the_block_is_replaced_whole_and_only_once():
    page = 'intro\n%s\nold table\n%s\nprose\n' % (report.BEGIN, report.END)
    assert report.replace_block(page, report.BEGIN + '\nnew\n' + report.END) == 'intro\n%s\nnew\n%s\nprose\n' % (report.BEGIN, report.END)
    with pytest.raises(ValueError):
        report.replace_block(page + page, 'x')
