# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""`make demo`: the collection against the local API emulator, in three labelled parts.

1. list the tasks of all three providers with the info modules (playbooks/demo.yml);
2. the gate (ansible-playbook dbtasks.cloud.gate) over the tasks that succeed: progress, summary, exit 0;
3. the gate over a set with the failing tasks: the EXPECTED failure, exit non-zero.

Each part starts from a fresh emulator (tests/emulator/launcher.py), so the tasks are seen from the start of their
lifecycle; the modules read the emulator's URL and credentials from the environment variables a user would set
(DDS and RDS at <emulator>/dds and /rds, as the two real services are). The two gate runs write their JUnit XML and
JSON reports to $DEMO_REPORTS (default tests/output/demo). Exits 0 when every part ended as expected, part 3's failure
included.

    python tests/tools/demo.py [SPEED [ansible-playbook ARGS...]]     (SPEED: scenario seconds per wall second, default 3)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from tests.emulator import credentials  # noqa: E402  pylint: disable=wrong-import-position
from tests.emulator.ansible_env import ansible_env  # noqa: E402  pylint: disable=wrong-import-position
from tests.emulator.launcher import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

SCENARIO = 'tests/emulator/scenarios/demo.yml'
PLAYBOOK = 'playbooks/demo.yml'
SUCCESS_VARS = 'tests/tools/demo/gate-success.yml'
FAILURE_VARS = 'tests/tools/demo/gate-failure.yml'
# The last of the succeeding tasks is created 10 scenario seconds in.
SUCCESS_TASKS_CREATED = 10.5
FAILED_TASK_NAMES = ('udts-demofail1', '5d1e0f2a-demo-4fa1-9c1e-failed000001')
RULE = '#' * 64


def banner(text: str) -> None:
    print('\n%s\n# %s\n%s' % (RULE, text, RULE), flush=True)


def say(text: str) -> None:
    print('==> ' + text, file=sys.stderr, flush=True)


def part(speed: str, command: list[str], workdir: str, wait_until: float = 0.0, capture: bool = False) -> tuple[int, str]:
    """Run ``command`` against a fresh emulator; return (exit code, output when captured)."""
    emulator = EmulatorProcess.start(['--scenario', SCENARIO, '--speed', speed])
    try:
        say('emulator at %s (scenario %s, speed x%s)' % (emulator.base_url, SCENARIO, speed))
        if wait_until:
            emulator.wait_for_scenario_time(wait_until)
        env = dict(ansible_env(workdir), **credentials.environment(emulator.base_url, service_endpoints=True))
        env['PATH'] = os.path.dirname(sys.executable) + os.pathsep + env.get('PATH', '')
        done = subprocess.run(command, cwd=ROOT, env=env, check=False, text=True,
                              stdout=subprocess.PIPE if capture else None, stderr=subprocess.STDOUT if capture else None)
        return done.returncode, done.stdout or ''
    finally:
        emulator.stop()


def main(argv: list[str]) -> int:
    speed, extra = (argv[0], argv[1:]) if argv else ('3', [])
    playbook = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    workdir = os.path.join(ROOT, '.build', 'demo')
    os.makedirs(workdir, exist_ok=True)
    reports = os.environ.get('DEMO_REPORTS') or os.path.join('tests', 'output', 'demo')
    shutil.rmtree(reports, ignore_errors=True)

    def report_args(name: str) -> list[str]:
        return ['-e', 'wait_for_tasks_junit_file=%s/%s.xml' % (reports, name), '-e', 'wait_for_tasks_json_file=%s/%s.json' % (reports, name)]
    started = time.monotonic()

    banner('1/3  List the tasks of UCloud UDTS, Huawei Cloud DDS and RDS (info modules)')
    listed, dummy = part(speed, [playbook, PLAYBOOK] + extra, workdir)

    banner('2/3  Gate over the tasks that succeed: expect progress lines, a summary and exit code 0')
    success, dummy = part(speed, [playbook, 'dbtasks.cloud.gate', '-e', '@' + SUCCESS_VARS] + report_args('gate-success') + extra, workdir,
                          wait_until=SUCCESS_TASKS_CREATED)
    say('gate over the succeeding tasks exited with %d (expected 0)' % success)

    banner('3/3  Gate over a set WITH FAILING TASKS: the failure below is EXPECTED (non-zero exit)')
    failure, output = part(speed, [playbook, 'dbtasks.cloud.gate', '-e', '@' + FAILURE_VARS] + report_args('gate-failure') + extra,
                           workdir, capture=True)
    print(output, flush=True)

    say('demo finished in %ds' % (time.monotonic() - started))
    problems = []
    if listed != 0:
        problems.append('part 1: listing the tasks failed (exit %d)' % listed)
    if success != 0:
        problems.append('part 2: the gate over the succeeding tasks failed (exit %d); it should pass' % success)
    if failure == 0:
        problems.append('part 3: the gate over the failing tasks passed; it should have failed')
    elif not any(name in output for name in FAILED_TASK_NAMES):
        problems.append('part 3: the gate failed (exit %d) but its output does not name a failing task' % failure)
    written = [os.path.join(reports, name) for name in ('gate-success.xml', 'gate-success.json', 'gate-failure.xml', 'gate-failure.json')]
    problems.extend('the gate did not write its report %s' % path for path in written
                    if not os.path.isfile(os.path.join(ROOT, path)) or not os.path.getsize(os.path.join(ROOT, path)))
    if problems:
        for problem in problems:
            print('ERROR: ' + problem, file=sys.stderr)
        return 1
    say('reports of the two gate runs (JUnit XML for a CI test report, and wait_for_tasks_result as JSON):')
    say('  part 2: %s  %s' % tuple(written[:2]))
    say('  part 3: %s  %s' % tuple(written[2:]))
    say('part 2 passed (exit 0) and part 3 failed (exit %d) naming the failed task and its reason:' % failure)
    say('that failure was the EXPECTED outcome, so the demo succeeded.')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
