# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every command of docs/recipes.md runs as printed against the demo scenario and succeeds.

The page's YAML blocks whose first line is ``# <file>.yml`` are written to that file in a work directory;
then each ``$ ansible ...`` / ``$ ansible-playbook ...`` line of its console blocks runs there, in order, with
the emulator's credentials and endpoints in the environment (as the page's "Trying the recipes" sets them).
The demo runs at 10 times speed so that the waiting recipes end within seconds.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
RECIPES = os.path.join(REPO_ROOT, 'docs', 'recipes.md')
EMULATOR_ARGS = ['--scenario', os.path.join(REPO_ROOT, 'tests', 'emulator', 'scenarios', 'demo.yml'), '--speed', '10']
BIN_DIR = os.path.dirname(sys.executable)
TIMEOUT = 120
_BLOCK = re.compile(r'^```(\w*)\n(.*?)^```', re.MULTILINE | re.DOTALL)
_FILE_HEADER = re.compile(r'^# ([\w.-]+\.ya?ml)$')


def _blocks() -> list[tuple[str, str]]:
    with open(RECIPES, encoding='utf-8') as handle:
        return _BLOCK.findall(handle.read())


def _files() -> list[tuple[str, str]]:
    found = []
    for language, body in _blocks():
        header = _FILE_HEADER.match(body.splitlines()[0]) if body.strip() else None
        if language == 'yaml' and header:
            found.append((header.group(1), body))
    return found


def _commands() -> list[str]:
    return [line[2:] for language, body in _blocks() if language == 'console'
            for line in body.splitlines() if re.match(r'^\$ ansible(-playbook)? ', line)]


def test_the_page_has_recipes():
    assert len(_commands()) >= 12
    assert {'report.yml', 'wait-rds.yml', 'wait-all.yml', 'tasks.yml'} <= {name for name, dummy in _files()}


@pytest.fixture(scope='module')
def recipe_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    workdir = tmp_path_factory.mktemp('recipes')
    for name, body in _files():
        (workdir / name).write_text(body, encoding='utf-8')
    return str(workdir)


@pytest.mark.parametrize('command', _commands())
def test_recipe_runs(ansible_runner, recipe_dir, command):
    argv = shlex.split(command)
    argv[0] = os.path.join(BIN_DIR, argv[0])
    env = dict(ansible_runner.env, ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    done = subprocess.run(argv, cwd=recipe_dir, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert 'Traceback' not in output and '[WARNING]' not in output, output
