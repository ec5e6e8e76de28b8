# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The test sessions of dbtasks.cloud (nox); ``make`` is the front door (``make help``).

Every session gets its own virtual environment under ``.nox/`` made by uv from one lock in ``requirements/``
(``uv pip sync``: exactly the pinned packages, nothing else). ``nox -l`` lists the sessions; ``make test``
runs the session ``test``, whose requirements are every check, two at a time (``nox --parallel 2``).
Interpreters are found by ``tests/tools/pythons.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
# uv, installed next to nox (requirements/bootstrap.txt)
UV = str(Path(sys.executable).parent / 'uv')
sys.path.insert(0, str(ROOT / 'tests' / 'tools'))

from collection_link import link_collection  # noqa: E402  pylint: disable=wrong-import-position
from pythons import find_python  # noqa: E402  pylint: disable=wrong-import-position

# uv installs no bytecode, so with PYTHONDONTWRITEBYTECODE set (as in some CI images) every ansible, ansible-playbook
# and module process would compile ansible-core and requests from source again: about 1 s of CPU per ansible run,
# thousands of times per `make test`. The sessions' venvs are the tool's own (.nox/), so Python may cache bytecode there.
os.environ.pop('PYTHONDONTWRITEBYTECODE', None)

nox.options.default_venv_backend = 'uv'
nox.options.reuse_venv = 'yes'
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ['test']

LOCKS = {
    'dev': ('3.12', 'requirements/dev.txt'),  # the newest ansible-core that installs here: every tool
    '2.17': ('3.11', 'requirements/matrix-2.17.txt'),  # meta/runtime.yml requires_ansible, the oldest supported
    '2.19': ('3.11', 'requirements/matrix-2.19.txt'),  # what `pip install ansible-core` gives on Python 3.11
}
# ansible-test's own caches (sanity venvs, the get-pip script) go to a HOME of their own, never the user's ~/.ansible.
ANSIBLE_TEST_HOME = Path(os.environ.get('XDG_CACHE_HOME') or Path.home() / '.cache') / 'dbtasks-cloud' / 'ansible-test-home'
# Python versions ansible-test checks the modules with (README "How the tests run" says why these).
SANITY_TARGETS = {'dev': ('3.9', '3.13'), '2.17': ('3.11',)}
# pytest workers: the functional tests mostly wait on subprocesses and the emulator's clock, so more than the cores.
PYTEST_WORKERS = os.environ.get('PYTEST_WORKERS', '4')


def install_lock(session: nox.Session, lock: str) -> None:
    """Exactly the packages of ``lock`` in the session's venv (fast when nothing changed)."""
    link_collection()
    session.run_install('uv', 'pip', 'sync', '--quiet', '--python', session.virtualenv.location, str(ROOT / LOCKS[lock][1]),
                        silent=True)
    session.env['ANSIBLE_COLLECTIONS_PATH'] = str(ROOT / '.build')
    # Ansible's and molecule's state (local temp, galaxy cache, molecule's scenario directory) stays in the session.
    session.env['ANSIBLE_HOME'] = str(Path(session.virtualenv.location) / 'tmp' / 'ansible-home')
    session.env['MOLECULE_EPHEMERAL_DIRECTORY'] = str(Path(session.virtualenv.location) / 'tmp' / 'molecule')
    session.env.pop('PYTHONPATH', None)


def env_session(lock: str, **kwargs):
    """A nox session in a venv of ``lock`` (its interpreter found by tests/tools/pythons.py)."""
    def decorate(function):
        def run(session: nox.Session) -> None:
            started = time.monotonic()
            try:
                install_lock(session, lock)
                function(session)
            finally:
                # nox rounds its own times to minutes; `make test` collects these lines into its summary
                session.log('session time: %-12s %4.0f s' % (session.name, time.monotonic() - started))
        run.__doc__ = function.__doc__
        run.__name__ = function.__name__
        kwargs.setdefault('name', function.__name__.replace('_', '-'))
        return nox.session(python=find_python(LOCKS[lock][0]), **kwargs)(run)
    return decorate


# --- pytest ----------------------------------------------------------------------------------------------------------

def pytest_command(session: nox.Session, workers: str, default: list[str]) -> list[str]:
    # worksteal: an idle worker takes queued tests from a busy one, so a few long functional tests do not hold up the end
    return ['python', '-m', 'pytest', '-n', workers, '--dist', 'worksteal'] + (session.posargs or default)


@env_session('dev')
def pytest(session: nox.Session) -> None:
    """Unit and functional tests on ansible-core 2.21, in parallel (pytest-xdist); posargs replace the paths."""
    session.run(*pytest_command(session, PYTEST_WORKERS, ['tests/unit', 'tests/functional']))


def core_matrix(session: nox.Session) -> None:
    """Every unit test (property tests: a quarter of the examples), and the functional tests marked core_smoke (the version-sensitive paths)."""
    # the properties are of code that is the same on every ansible-core (tests/unit/plugins/module_utils/examples.py)
    session.env['DBTASKS_EXAMPLES_SCALE'] = '0.25'
    # Only the functional test files that have core_smoke tests are collected: every worker imports what it collects.
    smoke_files = sorted(str(path.relative_to(ROOT)) for path in (ROOT / 'tests' / 'functional').rglob('test_*.py')
                         if 'mark.core_smoke' in path.read_text(encoding='utf-8'))
    # two workers: the unit tests only need the cores, and the few smoke tests then wait on a less loaded machine
    session.run(*pytest_command(session, '2', ['tests/unit', *smoke_files, '-m', 'unit or (core_smoke and not emulator_variant)']))


for _core in ('2.17', '2.19'):
    env_session(_core, name='core-' + _core)(core_matrix)


# --- ansible-test ----------------------------------------------------------------------------------------------------

def stage_collection(destination: Path) -> None:
    """Copy the working tree's files (tracked plus untracked-not-ignored, so work in progress counts) to ``destination``.

    ansible-test insists on running inside .../ansible_collections/dbtasks/cloud and finds it with os.getcwd(),
    which resolves symlinks; the copy gets its own `git init` because ansible-test lists files with git.
    """
    listed = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=ROOT, check=True,
                            capture_output=True).stdout.decode('utf-8').split('\0')
    if destination.exists():
        shutil.rmtree(destination)
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target, follow_symlinks=False)
    subprocess.run(['git', 'init', '-q'], cwd=destination, check=True)


# The pip version ansible-test bootstraps into its venvs: the stand-in must have the file name it looks for.
ANSIBLE_TEST_PIP_VERSION = '''
import os, re, ansible_test
source = os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py")
print(re.search(r"""\\bpip=['"]([0-9][0-9.]*)['"]""", open(source, encoding="utf-8").read()).group(1))
'''
GET_PIP_STAND_IN = '''"""Offline stand-in for get-pip.py, written by the dbtasks.cloud noxfile into ansible-test's own HOME."""
import subprocess
import sys
import time

# ansible-test passes get-pip options; pip install does not know the two --no-* ones.
args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
'''


def ansible_test(session: nox.Session, lock: str, command: str, *options: str) -> None:
    """``ansible-test COMMAND`` on a staged copy, with ansible-test's caches in ANSIBLE_TEST_HOME.

    Offline, ansible-test would download get-pip.py to bootstrap its sanity venvs: a stand-in that uses ensurepip is
    written where it looks first, in its own HOME. The controller is this session's venv; the target interpreters are
    given by their real paths, so pyenv shims never answer for them.
    """
    ignores = sorted(str(path.relative_to(ROOT)) for path in (ROOT / 'tests' / 'sanity').glob('ignore-*.txt')
                     if any(line.strip() and not line.lstrip().startswith('#') for line in path.read_text().splitlines()))
    if ignores:
        session.error('sanity ignore entries are not allowed in this collection, fix the code instead: %s' % ', '.join(ignores))
    pip_version = session.run('python', '-c', ANSIBLE_TEST_PIP_VERSION, silent=True).strip()
    cache = ANSIBLE_TEST_HOME / '.ansible' / 'test' / 'cache' / ('get_pip_%s.py' % pip_version.replace('.', '_'))
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(GET_PIP_STAND_IN, encoding='utf-8')

    staged = Path(session.virtualenv.location) / 'tmp' / 'ansible_collections' / 'dbtasks' / 'cloud'
    stage_collection(staged)
    controller = LOCKS[lock][0]
    targets = SANITY_TARGETS[lock] if command == 'sanity' else (controller,)
    hosts = ['--controller', 'origin:python=%s@%s' % (controller, Path(session.bin) / 'python')]
    for target in targets:
        hosts += ['--target-python', '%s@%s' % (target, find_python(target))]
    # ansible-test makes its venvs with the first pythonX.Y on PATH whatever path it was given, and a pyenv shim
    # there fails for a version outside PYENV_VERSION: the chosen interpreters' own directories go first, no shims.
    path = [session.bin] + [os.path.dirname(find_python(target)) for target in targets]
    path += [entry for entry in os.environ['PATH'].split(os.pathsep) if not entry.rstrip('/').endswith('shims')]
    with session.chdir(staged):
        session.run('ansible-test', command, *hosts, *options, *session.posargs, external=True,
                    env={'HOME': str(ANSIBLE_TEST_HOME), 'PIP_CACHE_DIR': str(ANSIBLE_TEST_HOME / 'pip-cache'),
                         'PATH': os.pathsep.join(path)})


@env_session('dev')
def sanity(session: nox.Session) -> None:
    """ansible-test sanity (ansible-core 2.21), every test, zero ignore entries; posargs go to ansible-test."""
    ansible_test(session, 'dev', 'sanity')


@env_session('2.17', name='sanity-2.17')
def sanity_2_17(session: nox.Session) -> None:
    """ansible-test sanity of the oldest supported ansible-core (2.17) but pylint: its validate-modules, import and doc rules."""
    # pylint is the 2.21 session's (a newer pylint with the same ansible-test plugins); here it would take half of the
    # session's CPU to repeat it with an older one.
    ansible_test(session, '2.17', 'sanity', '--skip-test', 'pylint')


# --- quality gates and packaging -------------------------------------------------------------------------------------

@env_session('dev')
def lint(session: nox.Session) -> None:
    """ansible-lint, production profile (.ansible-lint)."""
    session.run('ansible-lint')


@env_session('dev')
def types(session: nox.Session) -> None:
    """mypy (mypy.ini, strict): modules, module_utils and the event source for Python 3.9, action plugins for 3.12; ruff."""
    # Two runs with their own caches; the action plugins are checked against ansible-core's controller code (3.12 syntax).
    failed = []
    for label, args in (('modules, module_utils, doc_fragments, the EDA event source (Python 3.9)', ['--cache-dir', '.mypy_cache/target']),
                        ('action plugins (Python 3.12)', ['--cache-dir', '.mypy_cache/controller', '--python-version', '3.12',
                                                          '-p', 'ansible_collections.dbtasks.cloud.plugins.action'])):
        session.log('mypy: %s', label)
        try:
            session.run('mypy', '--config-file', 'mypy.ini', *args)
        except nox.command.CommandFailed:
            failed.append('mypy ' + label)
    try:
        session.run('ruff', 'check', '--no-cache', 'plugins', 'extensions', 'tests', 'noxfile.py')
    except nox.command.CommandFailed:
        failed.append('ruff')
    if failed:
        session.error('failed: ' + ', '.join(failed))


@env_session('dev')
def changelog(session: nox.Session) -> None:
    """antsibull-changelog lint: every fragment and changelogs/changelog.yaml valid."""
    session.run('antsibull-changelog', 'lint')
    session.run('antsibull-changelog', 'lint-changelog-yaml', 'changelogs/changelog.yaml')


@env_session('dev')
def docs(session: nox.Session) -> None:
    """docs/*.md and the generated module and role pages to HTML (docs/build/html), failing on any warning."""
    session.run('bash', 'tests/tools/docs.sh', session.virtualenv.location, external=True)


@env_session('dev')
def galaxy(session: nox.Session) -> None:
    """Build the tarball, check its files, install it and run a smoke play and the gate from the installed copy."""
    session.run('bash', 'tests/tools/galaxy.sh', session.virtualenv.location, external=True)


@env_session('dev')
def ee(session: nox.Session) -> None:
    """ansible-builder create with the built tarball: the execution environment context and its requirements."""
    session.run('bash', 'tests/tools/ee.sh', session.virtualenv.location, external=True)


@env_session('dev')
def molecule(session: nox.Session) -> None:
    """The role's molecule scenarios (extensions/molecule) against the emulator; posargs replace --all."""
    session.run('molecule', 'test', *(session.posargs or ['--all']))


# --- not part of `make test` -----------------------------------------------------------------------------------------

@env_session('dev')
def demo(session: nox.Session) -> None:
    """The emulator's tasks listed, then the gate passing and (as expected) failing; posargs: scenario seconds per second."""
    session.run('python', 'tests/tools/demo.py', *session.posargs)


@env_session('dev')
def bench(session: nox.Session) -> None:
    """Benchmarks against the emulator (posargs go to tests/benchmarks)."""
    session.run('python', 'tests/benchmarks', '--publish', *session.posargs)


@nox.session(venv_backend='none')
def venv(session: nox.Session) -> None:
    """.venv for your editor and `.venv/bin/python -m pytest`: Python 3.12 with exactly requirements/dev.txt."""
    link_collection()
    if not (ROOT / '.venv' / 'bin' / 'python').exists():
        session.run(UV, 'venv', '--quiet', '--python', find_python(LOCKS['dev'][0]), str(ROOT / '.venv'), external=True)
    session.run(UV, 'pip', 'sync', '--quiet', '--python', str(ROOT / '.venv'), str(ROOT / LOCKS['dev'][1]), external=True)


@nox.session(venv_backend='none')
def lock(session: nox.Session) -> None:
    """Re-resolve requirements/*.in into the pinned requirements/*.txt (uv pip compile keeps pins that still fit)."""
    for python_version, pinned in list(LOCKS.values()) + [('3.12', 'requirements/bootstrap.txt')]:
        session.run(UV, 'pip', 'compile', '--quiet', '--python-version', python_version, '--custom-compile-command', 'make lock',
                    *session.posargs, pinned.replace('.txt', '.in'), '-o', pinned, external=True)


# What `make test` and CI run, in the order `nox --parallel 2` starts them: pytest (4 workers, mostly waiting on
# Ansible and the emulator's clock) beside the single-process sessions; the unit-test-heavy core sessions, which keep
# both cores busy, after it, so that the functional tests' timing is not starved.
# The longest first, the shortest last: two at a time, the run ends when the last one does.
TEST_SESSIONS = ['pytest', 'sanity', 'core-2.17', 'core-2.19', 'molecule', 'docs', 'lint', 'galaxy', 'sanity-2.17', 'changelog',
                 'ee', 'types']


@nox.session(venv_backend='none', requires=TEST_SESSIONS)
def test(session: nox.Session) -> None:
    """Every check: the sessions it requires (TEST_SESSIONS); `make test` runs them two at a time."""
    session.log('every session of TEST_SESSIONS passed')
