# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The transport's limits as the documentation states them are the ones the code enforces.

The code is the truth: ``MAX_TIMEOUT`` (``_connection_options.py``), ``MAX_BODY_BYTES`` (``_transport.py``)
and ``MAX_JSON_DEPTH`` (``_response.py``). Each page that states one is read and compared with it.
"""

from __future__ import annotations

import os
import re

import pytest
import yaml

from ansible_collections.dbtasks.cloud.plugins.doc_fragments.common import ModuleDocFragment
from ansible_collections.dbtasks.cloud.plugins.module_utils._connection_options import MAX_TIMEOUT
from ansible_collections.dbtasks.cloud.plugins.module_utils._response import MAX_JSON_DEPTH
from ansible_collections.dbtasks.cloud.plugins.module_utils._transport import MAX_BODY_BYTES
from ansible_collections.dbtasks.cloud.plugins.modules import task_wait

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
MIB = 1024 * 1024


def _read(relative: str) -> str:
    with open(os.path.join(REPO_ROOT, relative), encoding='utf-8') as handle:
        return handle.read()


def _description(option: dict) -> str:
    text = option['description']
    return ' '.join(text) if isinstance(text, list) else text


def _section(relative: str, heading: str) -> str:
    text = _read(relative)
    start = text.index('\n## %s\n' % heading)
    end = text.find('\n## ', start + 1)
    return text[start:end if end > 0 else None]


def _timeout_texts() -> dict[str, str]:
    fragment = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    task_wait_doc = yaml.safe_load(task_wait.DOCUMENTATION)['options']
    role = yaml.safe_load(_read('roles/wait_for_tasks/meta/argument_specs.yml'))['argument_specs']['main']['options']
    texts = {'doc fragment common': _description(fragment['timeout'])}
    for cloud in ('ucloud', 'huaweicloud'):
        texts['task_wait %s.timeout' % cloud] = _description(task_wait_doc[cloud]['suboptions']['timeout'])
        texts['role wait_for_tasks_%s.timeout' % cloud] = _description(role['wait_for_tasks_' + cloud]['options']['timeout'])
    texts['docs/authentication.md'] = [line for line in _read('docs/authentication.md').splitlines() if line.startswith('| `timeout`')][0]
    texts['docs/troubleshooting.md'] = _section('docs/troubleshooting.md', 'Timeouts and connection errors')
    return texts


@pytest.mark.parametrize('where, text', sorted(_timeout_texts().items()))
def test_the_timeout_maximum_is_stated_as_enforced(where: str, text: str) -> None:
    # "at most 10" is the connect timeout, stated next to it in some places.
    stated = set(re.findall(r'at most (\d+)', text))
    assert '%g' % MAX_TIMEOUT in stated and stated <= {'10', '%g' % MAX_TIMEOUT}, (where, stated)


@pytest.mark.parametrize('where, text', [
    ('doc fragment common', ModuleDocFragment.DOCUMENTATION),
    ('docs/troubleshooting.md', _section('docs/troubleshooting.md', 'Slow, huge or nonsensical answers')),
])
def test_the_answer_cap_is_stated_as_enforced(where: str, text: str) -> None:
    assert set(re.findall(r'(?:than|to) (\d+) MiB', text)) == {'%d' % (MAX_BODY_BYTES // MIB)}, where


def test_the_json_depth_is_stated_as_enforced() -> None:
    text = _section('docs/troubleshooting.md', 'Slow, huge or nonsensical answers')
    assert set(re.findall(r'more than (\d+) levels', text)) == {'%d' % MAX_JSON_DEPTH}
