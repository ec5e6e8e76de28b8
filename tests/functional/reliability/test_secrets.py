# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Secrets never show: every module run through Ansible at -vvvv, on success and on every failure path.

The emulator runs in this process with distinctive credentials, and records every signature and token it
receives (UCloud ``Signature`` parameters, Huawei ``Authorization: ... Signature=`` values, ``X-Auth-Token``,
``X-Security-Token``). The configured secrets, the wrong ones some runs use, and everything recorded are then
searched for, in their raw, URL-encoded and JSON-escaped spellings, in everything ``ansible-playbook`` and
``ansible`` print and in every registered result.
"""

from __future__ import annotations

import json
import os
import re
import threading
from typing import Any, Dict, Iterable, Iterator, List, NamedTuple, Optional, Set, Tuple
from urllib.parse import quote, quote_plus

import pytest

from tests.emulator import huawei as emulator_huawei
from tests.emulator import ucloud as emulator_ucloud
from tests.emulator.server import Emulator
from tests.functional.reliability.support import MODULE_NAMES, SECRET_TOTALS, AnsibleVerbose

PUBLIC_KEY = 'reliability-public-key'
ACCESS_KEY = 'RELIABILITYAK0000001'
PROJECT_ID = '5eb0c0ffee5eb0c0ffee5eb0c0ffee00'
# The secrets: distinctive, and with characters that URL and JSON encoding change.
PRIVATE_KEY = 'PrivKey-Rel/Suite+7Qx=9aZ'
SECRET_KEY = 'SecretKey-Rel/Suite+Kp3=mW'
SECURITY_TOKEN = 'SecTok-Rel/Suite+Vb8=Ln'
AUTH_TOKEN = 'AuthTok-Rel/Suite+Jd2=Rt'
WRONG_SECRETS = {'private_key': 'WrongPriv-Rel/Suite+Zz1', 'secret_key': 'WrongSK-Rel/Suite+Yy2',
                 'auth_token': 'WrongTok-Rel/Suite+Xx3', 'security_token': 'WrongSecTok-Rel/Suite+Ww4'}
CONFIGURED_SECRETS = (PRIVATE_KEY, SECRET_KEY, SECURITY_TOKEN, AUTH_TOKEN) + tuple(WRONG_SECRETS.values())

FINAL_IDS = {'udts': 'udts-secret-done', 'dds': 'dd000000-5ec2-4e75-8000-000000000001', 'rds': 'bd000000000000000000000000000001'}
RUNNING_IDS = {'udts': 'udts-secret-long', 'dds': 'dd000000-5ec2-4e75-8000-000000000002', 'rds': 'bd000000000000000000000000000002'}
LONG = 10 ** 6  # scenario seconds: still running when the suite is over
SCENARIO = {
    'options': {'speed': 1},
    'credentials': {
        'ucloud': {'public_key': PUBLIC_KEY, 'private_key': PRIVATE_KEY},
        'huawei': {'access_key': ACCESS_KEY, 'secret_key': SECRET_KEY, 'project_id': PROJECT_ID, 'token': AUTH_TOKEN,
                   'security_token': SECURITY_TOKEN, 'security_token_required': False},
    },
    'udts': [
        {'id': FINAL_IDS['udts'], 'type': 'full', 'status': 'Done', 'created': -3600},
        {'id': 'udts-secret-fail', 'type': 'full', 'created': -3000, 'lifecycle': [
            {'status': 'Dumping', 'duration': 60}, {'status': 'FailedUnrecoverable', 'fail_reason': 'Access denied for user'}]},
        {'id': RUNNING_IDS['udts'], 'type': 'full', 'created': -60, 'lifecycle': [
            {'status': 'Dumping', 'duration': LONG, 'progress': [0, 100]}, {'status': 'Done'}]},
    ],
    'dds': [
        {'id': FINAL_IDS['dds'], 'name': 'RestartReplicaSetInstance', 'status': 'Completed', 'created': -3600},
        {'id': RUNNING_IDS['dds'], 'name': 'ResizeInstanceVolume', 'created': -60, 'lifecycle': [
            {'status': 'Running', 'duration': LONG, 'progress': [0, 100]}, {'status': 'Completed'}]},
    ],
    'rds': [
        {'id': FINAL_IDS['rds'], 'name': 'RestartInstance', 'status': 'Completed', 'created': -3600},
        {'id': RUNNING_IDS['rds'], 'name': 'ResizeFlavor', 'created': -60, 'lifecycle': [
            {'status': 'Running', 'duration': LONG, 'progress': [0, 100]}, {'status': 'Completed'}]},
        {'id': 'bd000000000000000000000000000003', 'name': 'ModifyPort', 'status': 'Failed', 'created': -1800},
    ],
}


class SentCredentials:
    """Records the signatures and tokens the emulator receives, by wrapping its request parsing."""

    _SIGNATURE = re.compile(r'Signature=([^,\s]+)')

    def __init__(self) -> None:
        self.values: Set[str] = set()
        self.ucloud_signatures = 0
        self.huawei_signatures = 0
        self._lock = threading.Lock()

    def _add(self, value: Optional[str], counter: str = '') -> None:
        if value:
            with self._lock:
                self.values.add(value)
                if counter:
                    setattr(self, counter, getattr(self, counter) + 1)

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        params_of, route_of = emulator_ucloud.params_of, emulator_huawei.route_of

        def recording_params_of(req: Any) -> Dict[str, str]:
            params = params_of(req)
            self._add(params.get('Signature'), 'ucloud_signatures')
            return params

        def recording_route_of(req: Any, state: Any) -> Optional[str]:
            match = self._SIGNATURE.search(req.headers.get('authorization', ''))
            self._add(match.group(1) if match else None, 'huawei_signatures')
            self._add(req.headers.get('x-auth-token'))
            self._add(req.headers.get('x-security-token'))
            return route_of(req, state)

        monkeypatch.setattr(emulator_ucloud, 'params_of', recording_params_of)
        monkeypatch.setattr(emulator_huawei, 'route_of', recording_route_of)


def spellings(secret: str) -> Set[str]:
    """The forms a secret takes in URLs, form bodies, JSON and Python reprs."""
    return {secret, quote(secret, safe=''), quote_plus(secret), json.dumps(secret)[1:-1], repr(secret)[1:-1]}


def find_leaks(text: str, secrets: Iterable[str]) -> List[str]:
    """The secrets (as given) found in ``text`` in any spelling."""
    return sorted({secret for secret in secrets for form in spellings(secret) if form in text})


class Recorded(NamedTuple):
    base_urls: Dict[str, str]  # one emulator per provider, so that faults stay with one provider
    sent: SentCredentials


@pytest.fixture(scope='module')
def recorded() -> Iterator[Recorded]:
    sent = SentCredentials()
    with pytest.MonkeyPatch.context() as monkeypatch:
        sent.install(monkeypatch)
        emulators = {provider: Emulator(SCENARIO).start() for provider in MODULE_NAMES}
        try:
            yield Recorded({provider: emulator.base_url for provider, emulator in emulators.items()}, sent)
        finally:
            for emulator in emulators.values():
                emulator.stop()


class Run(NamedTuple):
    """One module run in the playbook: its register name, and the text its message must carry (None: it must succeed)."""
    register: str
    module: str
    args: Dict[str, Any]
    failure: Optional[str]


def _fault_task(base_url: str, faults: Optional[List[Dict[str, Any]]]) -> Dict[str, Any]:
    request: Dict[str, Any] = {'url': base_url + '/_emulator/faults', 'method': 'POST' if faults else 'DELETE'}
    if faults:
        request.update(body_format='json', body=faults)
    return {'name': 'Emulator faults: %s' % (json.dumps(faults) if faults else 'none'), 'ansible.builtin.uri': request}


def _connection(provider: str, base_url: str) -> Dict[str, Any]:
    if provider == 'udts':
        return {'public_key': PUBLIC_KEY, 'private_key': PRIVATE_KEY, 'base_url': base_url}
    return {'access_key': ACCESS_KEY, 'secret_key': SECRET_KEY, 'project_id': PROJECT_ID, 'endpoint': base_url}


Phase = Tuple[Optional[List[Dict[str, Any]]], List[Run]]  # (faults active during the runs, the runs)
API_FAILURES = {'http_500': 'HTTP 500', 'truncated_json': 'truncated JSON', 'html_error': 'HTML error page', 'http_429_retry_after': 'HTTP 429'}


def module_phases(provider: str, base_url: str) -> List[Phase]:
    """One module on success and on each failure path, against its own emulator at ``base_url``."""
    module = MODULE_NAMES[provider]
    id_option = 'task_id' if provider == 'udts' else 'job_id'
    wrong_option = 'private_key' if provider == 'udts' else 'secret_key'
    url_option = 'base_url' if provider == 'udts' else 'endpoint'
    clean = [
        Run('list', module, {}, None),
        Run('check_mode', module, {'_check_mode': True}, None),
        Run('wait_done', module, {id_option: FINAL_IDS[provider], 'wait': True, 'wait_sleep': 1}, None),
        Run('wrong_key', module, {wrong_option: WRONG_SECRETS[wrong_option]}, 'code 171' if provider == 'udts' else 'APIGW.0301'),
        Run('unknown_id', module, {id_option: 'no-such-task-0000'}, 'code 1404' if provider == 'udts' else 'HTTP 404'),
        Run('bad_limit', module, {'limit': 1000}, 'limit'),
        Run('bad_filter', module, {'status': ['Finished']} if provider == 'udts' else {'start_time': 'yesterday-ish'},
            'status' if provider == 'udts' else 'start_time'),
        Run('refused', module, {url_option: 'http://127.0.0.1:9', 'retries': 0}, 'cannot connect'),
        Run('wait_timeout', module, {id_option: RUNNING_IDS[provider], 'wait': True, 'wait_timeout': 1, 'wait_sleep': 1}, 'Timed out'),
    ]
    if provider != 'udts':
        token_args = {'auth_token': AUTH_TOKEN, 'project_id': PROJECT_ID, 'endpoint': base_url}
        clean += [
            Run('auth_token', module, token_args, None),
            Run('wrong_auth_token', module, dict(token_args, auth_token=WRONG_SECRETS['auth_token']), 'APIGW.0307'),
            Run('security_token', module, {'security_token': SECURITY_TOKEN}, None),
            Run('wrong_security_token', module, {'security_token': WRONG_SECRETS['security_token']}, 'APIGW.0301'),
        ]
    read_timeout = Run('read_timeout', module, {'timeout': 0.3, 'retries': 1}, 'timed out')
    phases: List[Phase] = [(None, clean), ([{'route': '*', 'kind': 'slow', 'delay': 1.0}], [read_timeout])]
    failures = dict(API_FAILURES, **({'retcode_150': 'code 150'} if provider == 'udts' else {}))
    for kind, failure in failures.items():
        phases.append(([{'route': '*', 'kind': kind, 'retry_after': 0.2}], [Run(kind, module, {'retries': 1}, failure)]))
    return [(faults, [run._replace(register='%s_%s' % (provider, run.register)) for run in runs]) for faults, runs in phases]


def _task(run: Run, provider: str, base_url: str) -> Dict[str, Any]:
    args = dict(run.args)
    check_mode = args.pop('_check_mode', False)
    if 'auth_token' not in args:
        args = dict(_connection(provider, base_url), **args)
    task = {'name': run.register, 'dbtasks.cloud.' + run.module: args, 'register': run.register, 'ignore_errors': True}
    if check_mode:
        task['check_mode'] = True
    return task


def build_playbook(phases: Dict[str, List[Phase]], base_urls: Dict[str, str], results_dir: str) -> List[Dict[str, Any]]:
    """One play over one host per provider (all local), free strategy: the providers' runs go in parallel.

    Each host has its own emulator, so the faults one host sets never reach another.
    """
    tasks: List[Dict[str, Any]] = []
    for provider, provider_phases in phases.items():
        host_tasks: List[Dict[str, Any]] = []
        registers = []
        for faults, runs in provider_phases:
            if faults:
                host_tasks.append(_fault_task(base_urls[provider], faults))
            host_tasks += [_task(run, provider, base_urls[provider]) for run in runs]
            registers += [run.register for run in runs]
            if faults:
                host_tasks.append(_fault_task(base_urls[provider], None))
        content = '{{ {%s} | to_json }}' % ', '.join("'%s': %s" % (name, name) for name in registers)
        host_tasks.append({'name': 'Save the results', 'ansible.builtin.copy': {
            'dest': os.path.join(results_dir, provider + '.json'), 'mode': '0600', 'content': content}})
        tasks.append({'name': provider, 'when': "inventory_hostname == '%s'" % provider, 'block': host_tasks})
    return [{'name': 'Every module on every path', 'hosts': 'all', 'strategy': 'free', 'gather_facts': False, 'tasks': tasks}]


def _check(runs: List[Run], results: Dict[str, Any], outputs: List[str], secrets: Set[str]) -> List[str]:
    """Wrong outcomes (a failure path that did not fail as intended) and leaks; counts the runs checked."""
    problems = []
    for run in runs:
        result = results.get(run.register)
        if result is None:
            problems.append('%s: no result' % run.register)
            continue
        SECRET_TOTALS.runs += 1
        if run.failure is None and result.get('failed'):
            problems.append('%s should have succeeded: %s' % (run.register, result.get('msg')))
        if run.failure is not None and (not result.get('failed') or run.failure not in str(result.get('msg'))):
            problems.append('%s should have failed with %r: %s' % (run.register, run.failure, result.get('msg')))
        leaked = find_leaks(json.dumps(result), secrets)
        if leaked:
            problems.append('%s: secrets in the result: %s' % (run.register, leaked))
    for output in outputs:
        leaked = find_leaks(output, secrets)
        if leaked:
            problems.append('secrets in the output: %s' % leaked)
    leaks = [problem for problem in problems if 'secrets in' in problem]
    SECRET_TOTALS.leaks += len(leaks)
    SECRET_TOTALS.leaked += leaks
    return problems


def _all_secrets(sent: SentCredentials) -> Set[str]:
    secrets = set(CONFIGURED_SECRETS) | sent.values
    SECRET_TOTALS.secrets = max(SECRET_TOTALS.secrets, len(secrets))
    return secrets


def test_the_leak_search_finds_every_spelling() -> None:
    assert find_leaks('x=%s&y' % quote_plus(SECRET_KEY), [SECRET_KEY]) == [SECRET_KEY]
    assert find_leaks('{"k": %s}' % json.dumps(PRIVATE_KEY), [PRIVATE_KEY]) == [PRIVATE_KEY]
    assert find_leaks(quote(AUTH_TOKEN, safe=''), [AUTH_TOKEN]) == [AUTH_TOKEN]
    assert not find_leaks('********', CONFIGURED_SECRETS)


def test_modules_never_show_secrets(recorded: Recorded, tmp_path: Any) -> None:
    phases = {provider: module_phases(provider, recorded.base_urls[provider]) for provider in MODULE_NAMES}
    ansible = AnsibleVerbose(str(tmp_path))
    inventory = tmp_path / 'inventory'
    inventory.write_text(''.join('%s ansible_connection=local\n' % provider for provider in MODULE_NAMES))
    code, stdout, stderr = ansible.playbook(build_playbook(phases, recorded.base_urls, str(tmp_path)), 'secrets-modules', inventory=str(inventory))
    SECRET_TOTALS.processes += 1
    assert code == 0, stdout[-3000:] + stderr[-3000:]
    results: Dict[str, Any] = {}
    for provider in MODULE_NAMES:
        with open(str(tmp_path / (provider + '.json')), encoding='utf-8') as handle:
            results.update(json.load(handle))
    assert recorded.sent.ucloud_signatures >= 10 and recorded.sent.huawei_signatures >= 20, 'signatures were not recorded'
    runs = [run for provider_phases in phases.values() for dummy, phase_runs in provider_phases for run in phase_runs]
    problems = _check(runs, results, [stdout, stderr], _all_secrets(recorded.sent))
    assert not problems, '\n'.join(problems)


ADHOC_ENV = {
    'HUAWEICLOUD_SDK_AK': ACCESS_KEY, 'HUAWEICLOUD_SDK_SK': SECRET_KEY, 'HUAWEICLOUD_SDK_PROJECT_ID': PROJECT_ID,
    'UCLOUD_PUBLIC_KEY': PUBLIC_KEY, 'UCLOUD_PRIVATE_KEY': PRIVATE_KEY,
}


@pytest.mark.parametrize('module, args, env, failure', [
    ('rds_task_info', {'status': 'Completed'}, {}, None),
    ('dds_job_info', {'job_id': 'no-such-job'}, {}, 'HTTP 404'),
    ('udts_task_info', {}, {'UCLOUD_PRIVATE_KEY': WRONG_SECRETS['private_key']}, 'code 171'),
    ('rds_task_info', {}, {'HUAWEICLOUD_SDK_SK': WRONG_SECRETS['secret_key'], 'HUAWEICLOUD_SDK_SECURITY_TOKEN': SECURITY_TOKEN}, 'APIGW.0301'),
], ids=['rds-ok', 'dds-not-found', 'udts-wrong-key', 'rds-wrong-key-with-token'])
def test_adhoc_with_environment_credentials_never_shows_secrets(recorded: Recorded, tmp_path: Any, module: str, args: Dict[str, Any],
                                                                env: Dict[str, str], failure: Optional[str]) -> None:
    base_url = recorded.base_urls['rds']
    ansible = AnsibleVerbose(str(tmp_path), dict(ADHOC_ENV, UCLOUD_API_BASE_URL=base_url, HUAWEICLOUD_SDK_ENDPOINT=base_url))
    code, stdout, stderr = ansible.adhoc('dbtasks.cloud.' + module, args, env)
    SECRET_TOTALS.processes += 1
    dummy, separator, body = stdout.partition(' => ')
    assert separator, stdout[-3000:] + stderr[-3000:]
    result = json.loads(body[:body.rindex('}') + 1])
    result.setdefault('failed', code != 0)  # the ad hoc output leaves it out
    assert code == (0 if failure is None else 2), stdout[-2000:]
    problems = _check([Run('adhoc', module, args, failure)], {'adhoc': result}, [stdout, stderr], _all_secrets(recorded.sent))
    assert not problems, '\n'.join(problems)
