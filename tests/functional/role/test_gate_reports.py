# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the gate leaves for a pipeline and says to its user, through ``ansible-playbook`` against the emulator.

- the JUnit XML report (parsed with the standard library, as a CI server would read it), the JSON file and the
  GitHub step summary, for success, failure and timeout;
- messages that name the role's variables, one line for a bad ``provider`` (no argument spec dump), warnings for
  misspelled variables, the hint at a timeout on synced tasks, and the note for a selector that matched nothing.
"""

from __future__ import annotations

import json
import os
from xml.etree import ElementTree

import pytest
import yaml

from tests.emulator.ansible_env import save_task, saved_values

SPEED = 4.0
FAST = {'wait_for_tasks_poll_interval': 1, 'wait_for_tasks_progress_interval': 1}
RUNS = {
    'success': ({'wait_for_tasks_tasks': [{'provider': 'dds', 'id': 'dds-ok', 'name': 'restart'}, {'provider': 'rds', 'id': 'rds-done'}]},
                0, 'succeeded', {}),
    'failure': ({'wait_for_tasks_tasks': [{'provider': 'dds', 'id': 'dds-bad'}, {'provider': 'rds', 'id': 'rds-long'}]},
                2, 'failed', {'dds dds-bad [ModifyInstancePort]': ('failed', 'Failed: The port 8635 is already in use by another instance in the VPC.'),
                              'rds rds-long [UpgradeMajorVersion]': ('unfinished', 'not finished when the wait stopped; last status Running (running), ')}),
    'timeout': ({'wait_for_tasks_tasks': [{'provider': 'rds', 'id': 'rds-long'}, {'provider': 'rds', 'id': 'rds-done'}], 'wait_for_tasks_timeout': 3},
                2, 'timeout', {'rds rds-long [UpgradeMajorVersion]': ('timeout', 'not finished at the timeout; last status Running (running), ')}),
}


@pytest.mark.parametrize('run_name', sorted(RUNS))
def test_junit_json_and_step_summary_are_written_for_each_outcome(gate_for, run_name):
    variables, code, outcome, failures = RUNS[run_name]
    gate = gate_for(SPEED)
    junit, report, summary = (os.path.join(gate.workdir, name) for name in ('reports/gate.xml', 'reports/gate.json', 'summary.md'))
    run = gate.run(dict(FAST, wait_for_tasks_junit_file='reports/gate.xml', wait_for_tasks_json_file='reports/gate.json', **variables),
                   env={'GITHUB_STEP_SUMMARY': summary})
    assert run.returncode == code, run.output

    with open(report, encoding='utf-8') as handle:
        result = json.load(handle)
    assert sorted(result) == ['elapsed', 'msg', 'outcome', 'polls', 'success', 'summary', 'tasks', 'unreadable']
    assert (result['outcome'], result['success']) == (outcome, code == 0)
    for row in result['tasks']:  # the normalized instance and times of each task, as the info modules return them
        assert row['created_at'].endswith('Z') and row['instance_id'] and row['instance_name'] is not None, row
        assert (row['ended_at'] is not None) == (row['state'] in ('succeeded', 'failed', 'stopped')), row
    for line in result['summary']:
        assert line in run.output  # the summary the role printed

    root = ElementTree.parse(junit).getroot()
    suites = root.findall('testsuite')
    assert len(suites) == 1
    cases = suites[0].findall('testcase')
    assert [case.get('name') for case in cases] == ['%s %s [%s]' % (row['provider'], row['id'], row['name']) for row in result['tasks']]
    assert [case.get('classname') for case in cases] == [row['provider'] for row in result['tasks']]
    assert suites[0].get('tests') == str(len(result['tasks'])) and suites[0].get('failures') == str(len(failures))
    assert suites[0].find('skipped') is None and not suites[0].findall('testcase/skipped')
    for case, row in zip(cases, result['tasks']):
        failure = case.find('failure')
        expected = failures.get(case.get('name'))
        if expected is None:
            assert failure is None and float(case.get('time')) == row['finished_after']
        else:
            assert failure.get('type') == expected[0] and failure.get('message').startswith(expected[1]), failure.get('message')
            assert float(case.get('time')) == (row['finished_after'] if row['finished_after'] is not None else result['elapsed'])

    with open(summary, encoding='utf-8') as handle:
        markdown = handle.read()
    assert markdown.startswith('### Database tasks gate: %s (%s)' % ('passed' if code == 0 else 'FAILED', outcome))
    assert markdown.count('\n| %s | ' % result['tasks'][0]['provider']) >= 1


def test_the_role_fact_is_the_json_file(gate_for):
    gate = gate_for(SPEED)
    playbook = os.path.join(gate.workdir, 'fact.yml')
    with open(playbook, 'w', encoding='utf-8') as handle:
        yaml.safe_dump([{'name': 'The role, then its fact saved', 'hosts': 'localhost', 'gather_facts': False, 'tasks': [{
            'name': 'Gate', 'block': [{'name': 'Run the role', 'ansible.builtin.import_role': {'name': 'dbtasks.cloud.wait_for_tasks'}}],
            'always': [save_task('wait_for_tasks_result', 'Save the fact')]}]}], handle)
    run = gate.run(dict(FAST, wait_for_tasks_tasks=[{'provider': 'dds', 'id': 'dds-bad'}, {'provider': 'rds', 'id': 'rds-done'}],
                        wait_for_tasks_json_file='gate.json'), playbook=playbook)
    assert run.returncode == 2, run.output
    with open(os.path.join(gate.workdir, 'gate.json'), encoding='utf-8') as handle:
        written = json.load(handle)
    assert saved_values(run.output).get('localhost') == written and written['outcome'] == 'failed'


def test_a_bad_provider_is_one_line_naming_the_variable_without_the_argument_spec(gate_for):
    gate = gate_for(SPEED)
    run = gate.run({'wait_for_tasks_tasks': [{'provider': 'RDS', 'id': 'rds-ok'}], 'wait_for_tasks_junit_file': 'gate.xml'})
    assert run.returncode == 2
    message = 'Invalid variables: value of provider must be one of: udts, dds, rds, got: RDS found in wait_for_tasks_tasks'
    assert 'fatal: [localhost]: FAILED! => {"changed": false, "msg": "%s"}' % message in run.output
    assert 'argument_spec' not in run.output and len(run.output) < 4000, run.output
    error = ElementTree.parse(os.path.join(gate.workdir, 'gate.xml')).getroot().find('testsuite/testcase/error')
    assert error.get('message') == message


def test_nothing_to_wait_for_names_the_variables_to_set_and_a_misspelling_is_warned_about(gate_for):
    gate = gate_for(SPEED)
    run = gate.run({'wait_for_task_tasks': [{'provider': 'rds', 'id': 'rds-ok'}], 'wait_for_tasks_timout': 60})
    assert run.returncode == 2
    assert ('wait_for_tasks_tasks: nothing to wait for: list tasks by id in wait_for_tasks_tasks, or choose them by filters '
            'with wait_for_tasks_selectors') in run.output
    for typo, meant in (('wait_for_task_tasks', 'wait_for_tasks_tasks'), ('wait_for_tasks_timout', 'wait_for_tasks_timeout')):
        assert '%s is not a variable of this role and is ignored; did you mean %s?' % (typo, meant) in run.output


def test_a_timeout_on_synced_tasks_says_which_variable_accepts_them(gate_for):
    gate = gate_for(SPEED * 10)
    gate.wait_for_scenario_time(41)  # udts-inc is synced from scenario second 40
    run = gate.run(dict(FAST, wait_for_tasks_tasks=[{'provider': 'udts', 'id': 'udts-inc'}, {'provider': 'rds', 'id': 'rds-done'}],
                        wait_for_tasks_timeout=2))
    assert run.returncode == 2
    assert 'udts udts-inc [incremental-sync]: Synced' in run.output
    assert 'set wait_for_tasks_target: synced to accept synced tasks' in run.output


def test_with_allow_empty_the_summary_says_which_selector_matched_nothing(gate_for):
    gate = gate_for(SPEED)
    run = gate.run(dict(FAST, wait_for_tasks_tasks=[{'provider': 'rds', 'id': 'rds-done'}], wait_for_tasks_allow_empty=True,
                        wait_for_tasks_selectors=[{'provider': 'dds', 'instance_id': 'no-such-instance', 'status': ['Running']}]))
    assert run.returncode == 0, run.output
    assert 'note: wait_for_tasks_selectors[0] (dds: instance_id=no-such-instance, status=Running) matched no task' in run.output
