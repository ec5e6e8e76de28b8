# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the commands of a documentation page as a reader copies them, and check that they print what the page shows.

How a page is read:

- ``console`` blocks: a line ``$ command`` (continued by a trailing ``\\``) is a command; the lines after it, up to the
  next command, are output it must print: each such line must appear in the output, a line ``...`` stands for
  output left out, and ``...`` within a line for a part of that line left out;
- inline code in the text that starts like a command (``ansible ...``, ``python ...``) is a command too, run where it
  stands;
- a ``yaml`` block whose first line is ``# <name>.yml`` is a file the reader saves under that name;
- ``$ python tests/emulator ...`` starts the emulator in the reader's second terminal. It starts a *session*: the
  commands after it, up to the next such line, run against that emulator. ``source``, ``export`` and ``eval`` lines, wherever
  they stand, set up the reader's shell and are repeated at the start of every command. Any other command before
  the first emulator line is an orphan (a test fails on it, unless it is skipped).

What the runner changes, and why: the emulator's port (the page always says 8080; tests run in parallel, so each
session gets a free port, and every ``127.0.0.1:8080`` on the page is read as that port), and the working directory (a
fresh directory in which ``tests``, ``.build`` and ``.venv`` are links to the checkout and to the virtualenv running the
tests, so the 2.17 matrix runs the page too). Commands in ``SKIPPED`` are not run, each for the reason given there.
Every command runs in ``bash`` with the environment of the test process minus every ``ANSIBLE_*`` and credential
variable: what the page does not set is not set.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
import subprocess
import sys

from tests.emulator.ansible_env import CREDENTIAL_VARIABLES
from tests.emulator.launcher import EmulatorProcess

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PAGE_PORT = '127.0.0.1:8080'
EMULATOR = re.compile(r'^python tests/emulator\b')
TIMEOUT = 180
# Commands a reader runs that a test does not, each with the reason.
SKIPPED = {
    'make venv': 'the tests run inside the virtualenv it makes; .venv is linked to it',
    'ansible-galaxy collection install ansible.posix': 'downloads from Ansible Galaxy, which the tests do not reach',
    'ansible-galaxy collection install dbtasks.cloud': 'downloads from Ansible Galaxy; the checkout is the collection',
}
# Other make targets are the project's own steps: `make test` runs them, tests/functional/meta/test_makefile.py checks
# `make help` and runs `make demo`.
SKIPPED_PREFIX = 'make '


_FENCE = re.compile(r'^```(\w*)\s*$')
_INLINE = re.compile(r'`([^`]+)`')
# A command word and at least one argument: a bare `make` or `python` in the text names a tool.
_COMMAND_START = re.compile(r'^(?:[A-Z][A-Z0-9_]*=\S+ )*(?:ansible|ansible-playbook|ansible-galaxy|ansible-doc|python|make|source|export|eval)\s+\S')
_FILE_HEADER = re.compile(r'^# ([\w.-]+\.ya?ml)$')
_SETUP = re.compile(r'^(?:export|source|eval)\s')


def skipped(command: str) -> bool:
    return command in SKIPPED or command.startswith(SKIPPED_PREFIX)


@dataclasses.dataclass
class Command:
    text: str
    section: str
    expected: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Session:
    emulator: Command
    commands: list[Command]

    @property
    def name(self) -> str:
        return self.emulator.section


@dataclasses.dataclass
class Page:
    path: str
    files: dict[str, str]
    setup: list[Command]
    sessions: list[Session]
    orphans: list[Command]
    skipped: list[Command]


def _paragraph_commands(paragraph: list[str], section: str) -> list[Command]:
    text = ' '.join(line.strip() for line in paragraph)
    return [Command(code.strip(), section) for code in _INLINE.findall(text) if _COMMAND_START.match(code.strip())]


def read_page(relative: str) -> Page:
    """The commands, expected output and files of the page at ``relative`` (from the checkout's root), in page order."""
    path = os.path.join(REPO_ROOT, relative)
    with open(path, encoding='utf-8') as handle:
        lines = handle.read().splitlines()
    files: dict[str, str] = {}
    commands: list[Command] = []
    section, fence, block, paragraph = '', None, [], []  # type: ignore[var-annotated]

    def flush_paragraph() -> None:
        commands.extend(_paragraph_commands(paragraph, section))
        paragraph.clear()

    for line in lines:
        opened = _FENCE.match(line)
        if fence is None and opened:
            flush_paragraph()
            fence, block = opened.group(1), []
            continue
        if fence is not None:
            if line.startswith('```'):
                if fence == 'yaml' and block and _FILE_HEADER.match(block[0]):
                    files[_FILE_HEADER.match(block[0]).group(1)] = '\n'.join(block) + '\n'  # type: ignore[union-attr]
                elif fence == 'console':
                    commands.extend(_console_commands(block, section))
                fence = None
            else:
                block.append(line)
            continue
        if line.startswith('#'):
            flush_paragraph()
            section = line.lstrip('#').strip()
        elif not line.strip() or line.lstrip().startswith('|'):
            flush_paragraph()
        else:
            paragraph.append(line)
    flush_paragraph()
    setup, sessions, orphans = [], [], []  # type: ignore[var-annotated]
    for command in commands:
        if skipped(command.text):
            continue
        if _SETUP.match(command.text):
            setup.append(command)
        elif EMULATOR.match(command.text):
            sessions.append(Session(command, []))
        elif sessions:
            sessions[-1].commands.append(command)
        else:
            orphans.append(command)
    return Page(relative, files, setup, sessions, orphans, [command for command in commands if skipped(command.text)])


def _console_commands(block: list[str], section: str) -> list[Command]:
    commands: list[Command] = []
    continued = False
    for line in block:
        if continued:
            commands[-1].text += ' ' + line.strip().rstrip('\\').strip()
            continued = line.rstrip().endswith('\\')
        elif line.startswith('$ '):
            commands.append(Command(line[2:].rstrip().rstrip('\\').strip(), section))
            continued = line.rstrip().endswith('\\')
        elif commands and line.strip():
            commands[-1].expected.append(line.rstrip())
    return commands


class PageRunner:
    """Runs one session of a page in ``workdir`` and collects every difference from what the page says."""

    def __init__(self, page: Page, workdir: str) -> None:
        self.page = page
        self.workdir = workdir
        self.port = PAGE_PORT
        self.emulator: EmulatorProcess | None = None
        self.failures: list[str] = []
        for name, target in (('tests', os.path.join(REPO_ROOT, 'tests')), ('.build', os.path.join(REPO_ROOT, '.build')),
                             ('.venv', sys.prefix)):
            os.symlink(target, os.path.join(workdir, name))
        for name, text in page.files.items():
            with open(os.path.join(workdir, name), 'w', encoding='utf-8') as handle:
                handle.write(text)
        self.env = {name: value for name, value in os.environ.items()
                    if not name.startswith('ANSIBLE_') and name not in CREDENTIAL_VARIABLES and name != 'VIRTUAL_ENV'}
        self.env.update({'ANSIBLE_LOCAL_TEMP': os.path.join(workdir, '.ansible-tmp'), 'ANSIBLE_NOCOLOR': '1'})

    def _local(self, text: str) -> str:
        return text.replace(PAGE_PORT, self.port)

    def start_emulator(self, command: Command) -> None:
        self.stop()
        argv = shlex.split(command.text)
        if argv[argv.index('--port') + 1] != PAGE_PORT.rpartition(':')[2]:
            self.failures.append('%s: the emulator is not on the page port %s' % (command.text, PAGE_PORT))
        argv[argv.index('--port') + 1] = '0'
        self.emulator = EmulatorProcess.start(argv[2:])
        self.port = self.emulator.base_url.split('//', 1)[1]
        self._check(command, self.emulator.base_url)

    def stop(self) -> None:
        if self.emulator is not None:
            self.emulator.stop()
            self.emulator = None

    def run(self, command: Command) -> None:
        script = ''.join('%s || exit 97\n' % self._local(item.text) for item in self.page.setup) + self._local(command.text) + '\n'
        done = subprocess.run(['bash', '-c', script], cwd=self.workdir, env=self.env, capture_output=True, text=True,
                              timeout=TIMEOUT, check=False)
        output = done.stdout + done.stderr
        if done.returncode != 0:
            self.failures.append('%s: exit code %d\n%s' % (command.text, done.returncode, output[-3000:]))
            return
        for marker in ('Traceback', '[WARNING]', '[DEPRECATION WARNING]'):
            if marker in output:
                self.failures.append('%s: printed %s\n%s' % (command.text, marker, output[-3000:]))
        self._check(command, output)

    def _check(self, command: Command, output: str) -> None:
        for line in command.expected:
            wanted = self._local(line.strip())
            if wanted == '...':
                continue
            # "..." within a line: that part of the line is left out.
            if not re.search('.*?'.join(re.escape(part) for part in wanted.split('...')), output):
                self.failures.append('%s: the page shows %r, the output lacks it:\n%s' % (command.text, line, output[-3000:]))

    def run_session(self, session: Session) -> list[str]:
        try:
            self.start_emulator(session.emulator)
            for command in session.commands:
                self.run(command)
        finally:
            self.stop()
        return self.failures
