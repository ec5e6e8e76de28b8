# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every command of docs/recipes.md, those in the text included, runs as printed and prints what the page shows.

``doc_pages.py`` says how the page is read and the little a test changes (the emulator's port, the working
directory). Each section that starts the emulator is a session of its own, on an emulator of its own, so the
sections run in parallel and each sees the scenario from where the page says it starts.
"""

from __future__ import annotations

import pytest

from tests.functional.modules.doc_pages import EMULATOR, SKIPPED, PageRunner, read_page

PAGE = read_page('docs/recipes.md')


def test_the_page_has_its_recipes_and_every_command_is_run_or_skipped_for_a_reason():
    commands = [command for session in PAGE.sessions for command in session.commands]
    assert len(commands) >= 20 and not PAGE.orphans
    assert {'report.yml', 'wait-rds.yml', 'wait-all.yml', 'tasks.yml'} <= set(PAGE.files)
    assert [session.name for session in PAGE.sessions] == [
        'Ad hoc status checks', 'Waiting in a playbook', 'Gating a pipeline']
    # Commands in the text are found too (the json-callback note, the CI one-liner).
    texts = [command.text for command in commands + PAGE.setup]
    assert "ansible-playbook dbtasks.cloud.gate -e @tasks.yml || exit 1" in texts
    assert any(text.endswith("| sed '1s/^[^{]*//' > running.json") for text in texts)
    # What is not run is on the page, each for the reason SKIPPED gives.
    assert {command.text for command in PAGE.skipped} == set(SKIPPED)
    # One way to start the emulator, on the one port the page uses.
    assert all(EMULATOR.match(session.emulator.text) and '--port 8080 ' in session.emulator.text for session in PAGE.sessions)


@pytest.mark.parametrize('session', PAGE.sessions, ids=[session.name for session in PAGE.sessions])
def test_recipe_session_runs_as_printed(tmp_path, session):
    failures = PageRunner(PAGE, str(tmp_path)).run_session(session)
    assert not failures, '\n\n'.join(failures)
