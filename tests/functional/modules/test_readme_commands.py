# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The README's commands run as printed (doc_pages.py), and its gate example is the one docs/role.md and the recipes give.

The gate example is meant to be copied into a pipeline, so the three pages show one ``tasks.yml`` and one shell
set-up, and the README's CI examples quiet ansible-core's localhost warnings as the text says.
"""

from __future__ import annotations

import re

import pytest
import yaml

from tests.functional.modules.doc_pages import REPO_ROOT, PageRunner, read_page

README = read_page('README.md')
RECIPES = read_page('docs/recipes.md')
ROLE = read_page('docs/role.md')


def test_the_readme_starts_with_its_title():
    with open(REPO_ROOT + '/README.md', encoding='utf-8') as handle:
        assert handle.readline() == '# dbtasks.cloud\n'


def test_one_gate_example_and_one_shell_set_up_on_every_page():
    assert README.files['tasks.yml'] == RECIPES.files['tasks.yml'] == ROLE.files['tasks.yml']
    assert [command.text for command in README.setup] == [command.text for command in RECIPES.setup]
    assert not README.orphans
    assert [session.name for session in README.sessions] == ['Pipeline gate', 'The emulator']
    # The exploring and watching modes are the recipes' own.
    assert {session.emulator.text for session in README.sessions} <= {session.emulator.text for session in RECIPES.sessions}


def test_the_ci_examples_quiet_the_localhost_warnings_and_keep_the_junit_report():
    with open(REPO_ROOT + '/README.md', encoding='utf-8') as handle:
        text = handle.read()
    blocks = [yaml.safe_load(body) for body in re.findall(r'^```yaml\n(.*?)^```', text, re.MULTILINE | re.DOTALL)]
    gitlab = next(block['wait-for-database-tasks'] for block in blocks if isinstance(block, dict) and 'wait-for-database-tasks' in block)
    github = next(block[0] for block in blocks if isinstance(block, list) and 'run' in block[0])
    junit = yaml.safe_load(README.files['tasks.yml'])['wait_for_tasks_junit_file']
    for variables in (gitlab['variables'], github['env']):
        assert variables['ANSIBLE_LOCALHOST_WARNING'] == variables['ANSIBLE_INVENTORY_UNPARSED_WARNING'] == 'false'
    assert gitlab['artifacts']['reports']['junit'] == junit and gitlab['artifacts']['when'] == 'always'
    report_step = next(block[1] for block in blocks if isinstance(block, list) and 'run' in block[0])
    assert report_step['with']['report_paths'] == junit and report_step['if'] == 'always()'


@pytest.mark.parametrize('session', README.sessions, ids=[session.name for session in README.sessions])
def test_readme_session_runs_as_printed(tmp_path, session):
    failures = PageRunner(README, str(tmp_path)).run_session(session)
    assert not failures, '\n\n'.join(failures)
