# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the secrets tests share (``tests.functional.reliability.secrets_support``).

The emulator runs in this process with distinctive credentials, and records every signature and token it
receives (UCloud ``Signature`` parameters, Huawei ``Authorization: ... Signature=`` values, ``X-Auth-Token``,
``X-Security-Token``). The configured secrets, the wrong ones some runs use, and everything recorded are then
searched for, in their raw, URL-encoded and JSON-escaped spellings, in everything Ansible prints and in every
result. ``check_runs`` does the search and counts into ``SECRET_TOTALS``.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple
from urllib.parse import quote, quote_plus

import pytest

from tests.emulator import huawei as emulator_huawei
from tests.emulator import ucloud as emulator_ucloud
from tests.emulator.server import Emulator
from tests.functional.reliability.support import MODULE_NAMES, SECRET_TOTALS

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
        self.values: set[str] = set()
        self.ucloud_signatures = 0
        self.huawei_signatures = 0
        self._lock = threading.Lock()

    def _add(self, value: str | None, counter: str = '') -> None:
        if value:
            with self._lock:
                self.values.add(value)
                if counter:
                    setattr(self, counter, getattr(self, counter) + 1)

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        params_of, route_of = emulator_ucloud.params_of, emulator_huawei.route_of

        def recording_params_of(req: Any) -> dict[str, str]:
            params = params_of(req)
            self._add(params.get('Signature'), 'ucloud_signatures')
            return params

        def recording_route_of(req: Any, state: Any) -> str | None:
            match = self._SIGNATURE.search(req.headers.get('authorization', ''))
            self._add(match.group(1) if match else None, 'huawei_signatures')
            self._add(req.headers.get('x-auth-token'))
            self._add(req.headers.get('x-security-token'))
            return route_of(req, state)

        monkeypatch.setattr(emulator_ucloud, 'params_of', recording_params_of)
        monkeypatch.setattr(emulator_huawei, 'route_of', recording_route_of)


def spellings(secret: str) -> set[str]:
    """The forms a secret takes in URLs, form bodies, JSON and Python reprs."""
    return {secret, quote(secret, safe=''), quote_plus(secret), json.dumps(secret)[1:-1], repr(secret)[1:-1]}


def find_leaks(text: str, secrets: Iterable[str]) -> list[str]:
    """The secrets (as given) found in ``text`` in any spelling."""
    return sorted({secret for secret in secrets for form in spellings(secret) if form in text})


class Recorded(NamedTuple):
    base_urls: dict[str, str]  # one emulator per provider, so that faults stay with one provider
    sent: SentCredentials


def recording_emulators() -> Iterator[Recorded]:
    """One emulator per provider in this process, recording what they receive; a generator for a module fixture."""
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
    args: dict[str, Any]
    failure: str | None


def emulator_with_faults(stack: contextlib.ExitStack, faults: list[dict[str, Any]]) -> str:
    """The base URL of a new recording emulator (stopped with ``stack``) that meets every request with ``faults``.

    The faults are in its scenario, so no playbook task has to set and clear them: each such ``uri`` task
    would be a module run of its own, about half a second of CPU at -vvvv.
    """
    return stack.enter_context(Emulator(dict(SCENARIO, faults=faults))).base_url


def connection(provider: str, base_url: str) -> dict[str, Any]:
    if provider == 'udts':
        return {'public_key': PUBLIC_KEY, 'private_key': PRIVATE_KEY, 'base_url': base_url}
    return {'access_key': ACCESS_KEY, 'secret_key': SECRET_KEY, 'project_id': PROJECT_ID, 'endpoint': base_url}


def check_runs(runs: list[Run], results: dict[str, Any], outputs: list[str], secrets: set[str]) -> list[str]:
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


def all_secrets(sent: SentCredentials) -> set[str]:
    secrets = set(CONFIGURED_SECRETS) | sent.values
    SECRET_TOTALS.secrets = max(SECRET_TOTALS.secrets, len(secrets))
    return secrets
