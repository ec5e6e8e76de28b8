# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""HTTPS: the emulator's throwaway CA through ca_bundle, validate_certs=false, and the failure without either."""

from __future__ import annotations

import os

CATALOG = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'scenarios', 'catalog.yml')


def test_https_with_ca_bundle_or_without_verification(emulator_factory, ansible_runner_for):
    emulator = emulator_factory(['--scenario', CATALOG, '--tls'])
    assert emulator.base_url.startswith('https://')
    runner = ansible_runner_for(emulator)
    rc, results, output = runner.playbook([
        {'name': 'RDS verified with the emulator CA', 'dbtasks.cloud.rds_task_info': {'ca_bundle': emulator.ca_path}, 'register': 'rds'},
        {'name': 'UDTS verified with the emulator CA', 'dbtasks.cloud.udts_task_info': {'ca_bundle': emulator.ca_path}, 'register': 'udts'},
        {'name': 'DDS without verification', 'dbtasks.cloud.dds_job_info': {'validate_certs': False}, 'register': 'dds'},
        {'name': 'DDS verified against the system store fails', 'dbtasks.cloud.dds_job_info': {}, 'register': 'untrusted',
         'ignore_errors': True},
    ])
    assert rc == 0, output
    assert len(results['rds']['tasks']) == 4 and len(results['udts']['tasks']) == 4 and len(results['dds']['jobs']) == 4
    untrusted = results['untrusted']
    assert untrusted['failed'] is True and 'certificate' in untrusted['msg'].lower()
    assert 'Traceback' not in output


def test_ca_bundle_wins_over_ca_variables_in_the_environment(emulator_factory, ansible_runner_for):
    emulator = emulator_factory(['--scenario', CATALOG, '--tls'])
    runner = ansible_runner_for(emulator)
    rc, result, output = runner.adhoc('rds_task_info', 'ca_bundle=%s' % emulator.ca_path,
                                      extra_env={'CURL_CA_BUNDLE': '/etc/ssl/certs/ca-certificates.crt'})
    assert rc == 0, output
    assert len(result['tasks']) == 4


def test_validate_certs_false_gives_one_warning_per_task_and_no_urllib3_noise(emulator_factory, ansible_runner_for):
    emulator = emulator_factory(['--scenario', CATALOG, '--tls'])
    runner = ansible_runner_for(emulator)
    rc, results, output = runner.playbook([
        {'name': 'RDS without verification', 'dbtasks.cloud.rds_task_info': {'validate_certs': False}, 'register': 'rds'},
        {'name': 'task_wait without verification', 'dbtasks.cloud.task_wait': {
            'selectors': [{'provider': 'rds', 'status': ['Completed']}], 'timeout': 60,
            'huaweicloud': {'validate_certs': False}}, 'register': 'waited'},
    ])
    assert rc == 0, output
    assert len(results['rds']['tasks']) == 4 and results['waited']['outcome'] == 'succeeded'
    for name in ('rds', 'waited'):
        assert [warning.split(':')[0] for warning in results[name]['warnings']] == ['validate_certs is false']
    # Ansible prints a warning text once per run, however many tasks return it.
    assert output.count('validate_certs is false') == 1, output
    assert 'InsecureRequestWarning' not in output and 'Unverified HTTPS request' not in output, output
