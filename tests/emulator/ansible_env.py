# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The environment for ``ansible``/``ansible-playbook`` processes that run this checkout's collection.

One list of the variables to clear, shared by the functional tests and the benchmarks, so that no
copy forgets one. Nothing here imports the collection.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from typing import Any

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# `make link` keeps .build/ansible_collections/dbtasks/cloud pointing at the checkout.
COLLECTIONS_PATH = os.path.join(REPO_ROOT, '.build')
# Credential and CA variables from the developer's shell would reach the modules through their env fallbacks.
CREDENTIAL_VARIABLES = ('UCLOUD_PUBLIC_KEY', 'UCLOUD_PRIVATE_KEY', 'UCLOUD_PROJECT_ID', 'UCLOUD_REGION', 'UCLOUD_API_BASE_URL',
                        'HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_SDK_SECURITY_TOKEN', 'HUAWEICLOUD_SDK_PROJECT_ID',
                        'HUAWEICLOUD_SDK_AUTH_TOKEN', 'HUAWEICLOUD_SDK_ENDPOINT', 'HUAWEICLOUD_SDK_IAM_ENDPOINT', 'HUAWEICLOUD_SDK_REGION',
                        'HW_ACCESS_KEY', 'HW_SECRET_KEY', 'HW_SECURITY_TOKEN', 'HW_PROJECT_ID', 'HW_REGION_NAME', 'REQUESTS_CA_BUNDLE',
                        'CURL_CA_BUNDLE', 'UCLOUD_PROFILE', 'UCLOUD_SHARED_CONFIG_FILE', 'UCLOUD_SHARED_CREDENTIAL_FILE',
                        'HW_PROFILE', 'HW_SHARED_CONFIG_FILE')


def ansible_env(workdir: str) -> dict[str, str]:
    """``os.environ`` without shell credentials, with the checkout's collection and quiet, colourless output."""
    env = {name: value for name, value in os.environ.items() if name not in CREDENTIAL_VARIABLES}
    env.update({
        'ANSIBLE_COLLECTIONS_PATH': COLLECTIONS_PATH,
        'ANSIBLE_LOCAL_TEMP': os.path.join(workdir, 'tmp'),
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_LOCALHOST_WARNING': 'false',
        'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'false',
        # saved_values() reads results from the default callback's JSON, whatever the developer's shell prefers
        'ANSIBLE_STDOUT_CALLBACK': 'default',
        'ANSIBLE_CALLBACK_RESULT_FORMAT': 'json',
    })
    return env


_SAVED = 'dbtasks-tests-saved-value '
_HOST_RESULT = re.compile(r'^ok: \[([^\]]+)\] => ', re.MULTILINE)


def save_task(expression: str, name: str = 'Save the registered results') -> dict[str, Any]:
    """A task printing ``expression`` as JSON for ``saved_values``.

    A debug task runs in the controller; copying the value to a file instead would cost two module runs
    (stat and copy), about a second of CPU per playbook, which over the suite is tens of seconds.
    """
    return {'name': name, 'ansible.builtin.debug': {'msg': _SAVED + '{{ %s | to_json }}' % expression}}


def save_registered(names: list[str], name: str = 'Save the registered results') -> dict[str, Any]:
    """A ``save_task`` for the variables ``names`` registered, as {name: result}."""
    return save_task('{%s}' % ', '.join("'%s': %s" % (registered, registered) for registered in names), name)


def _saved_blocks(stdout: str) -> Iterator[tuple[str, Any, int, int]]:
    """(host, value, start, end) of each value a ``save_task`` printed in ``stdout``."""
    decoder = json.JSONDecoder()
    for match in _HOST_RESULT.finditer(stdout):
        try:
            printed, end = decoder.raw_decode(stdout, match.end())
        except ValueError:
            continue
        message = printed.get('msg') if isinstance(printed, dict) else None
        if isinstance(message, str) and message.startswith(_SAVED):
            yield match.group(1), json.loads(message[len(_SAVED):]), match.start(), end


def saved_values(stdout: str) -> dict[str, Any]:
    """{host: the value its ``save_task`` printed}; a host whose play ended before the task is missing."""
    return {host: value for host, value, dummy, dummy_end in _saved_blocks(stdout)}


def without_saved_values(stdout: str) -> str:
    """``stdout`` as a user would see it without the save task: none of the saved results printed."""
    kept, position = [], 0
    for dummy, dummy_value, start, end in _saved_blocks(stdout):
        kept.append(stdout[position:start])
        position = end
    return ''.join(kept) + stdout[position:]
