# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Clock skew: a Huawei request signed with a clock far off is refused, and the message points at the clock.

The module runs in this process with its clock (``RuntimeHooks.utcnow``, what ``X-Sdk-Date`` is signed with)
moved; the emulator, on the real clock, allows 15 minutes either way as the Huawei gateway does. In the default
mode its answer names the clock; in strict mode it is the gateway's generic ``APIGW.0301`` "verify aksk signature
fail", the very answer a wrong key gets, so the hint names both causes.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from ansible_collections.dbtasks.cloud.plugins.module_utils._huawei_client import CLOCK_SKEW_HINT, SIGNATURE_OR_CLOCK_HINT
from tests.emulator.launcher import MODES
from tests.functional.reliability.support import RESULT_KEYS, connection_args, run_in_process

EMULATOR_MODES = MODES
GATEWAY_WORDS = 'Incorrect IAM authentication information: verify aksk signature fail'


def _clock(offset: timedelta) -> Any:
    return lambda: datetime.now(timezone.utc) + offset


@pytest.mark.parametrize('provider', ['dds', 'rds'])
@pytest.mark.parametrize('minutes', [-20, 20, -24 * 60])
def test_skewed_clock_is_named_in_the_failure(emulator: Any, emulator_mode: str, provider: str, minutes: int) -> None:
    run = run_in_process(provider, connection_args(provider, emulator.base_url), utcnow=_clock(timedelta(minutes=minutes)))
    assert run.traceback is None, run.traceback
    result = run.result
    assert run.failed, result
    message = result['msg']
    assert (result['error_code'], result['http_status'], result['attempts']) == ('APIGW.0301', 401, 1), message
    assert 'request id %s' % result['request_id'] in message
    if emulator_mode == 'strict':
        assert GATEWAY_WORDS in message and 'server clock' not in message and message.endswith(SIGNATURE_OR_CLOCK_HINT)
    else:
        assert 'server clock' in message  # the gateway's words as the default emulator plays them
        assert message.endswith(CLOCK_SKEW_HINT)
    assert 'check the clock' in message
    assert emulator.stats()['auth_failures'] == 1


@pytest.mark.parametrize('provider', ['dds', 'rds'])
def test_skew_within_the_allowance_is_accepted(emulator: Any, provider: str) -> None:
    run = run_in_process(provider, connection_args(provider, emulator.base_url), utcnow=_clock(timedelta(minutes=-10)))
    assert not run.failed and run.traceback is None, run.result.get('msg') or run.traceback
    assert run.result[RESULT_KEYS[provider]]


def test_a_bad_signature_names_the_key_pair_first_and_the_clock_as_the_other_cause(emulator: Any) -> None:
    args = dict(connection_args('rds', emulator.base_url), secret_key='not-the-secret-key')
    run = run_in_process('rds', args)
    assert run.failed and run.result['error_code'] == 'APIGW.0301'
    message = run.result['msg']
    assert GATEWAY_WORDS in message and message.endswith(SIGNATURE_OR_CLOCK_HINT)
    assert message.index('secret_key') < message.index('clock')
