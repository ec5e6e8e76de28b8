# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The normalized fields (``_states.NORMALIZED_FIELDS``) and task_wait's row fields (``_task_wait_report.ROW_FIELDS``) are
the truth: every info module's RETURN documents each one and shows it in its sample item, task_wait's RETURN documents
each row field, and the table of docs/states.md has one row per normalized field."""

from __future__ import annotations

import importlib
import os
import re

import pytest
import yaml

from ansible_collections.dbtasks.cloud.plugins.module_utils._providers import PROVIDERS
from ansible_collections.dbtasks.cloud.plugins.module_utils._states import NORMALIZED_FIELDS
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_report import ROW_FIELDS

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def module_return(module: str) -> dict:
    name = module.rsplit('.', 1)[1]
    return yaml.safe_load(importlib.import_module('ansible_collections.dbtasks.cloud.plugins.modules.' + name).RETURN)


@pytest.mark.parametrize('provider', list(PROVIDERS))
def test_each_info_module_documents_and_shows_every_normalized_field(provider):
    record = PROVIDERS[provider]
    items = module_return(record.module)[record.result_key]
    assert set(NORMALIZED_FIELDS) <= set(items['contains']), set(NORMALIZED_FIELDS) - set(items['contains'])
    for sample in items['sample']:
        assert set(NORMALIZED_FIELDS) <= set(sample), set(NORMALIZED_FIELDS) - set(sample)


def test_task_wait_documents_every_row_field():
    rows = module_return('dbtasks.cloud.task_wait')['tasks']['contains']
    assert set(ROW_FIELDS) <= set(rows), set(ROW_FIELDS) - set(rows)


def test_the_states_page_has_a_row_per_normalized_field():
    with open(os.path.join(REPO_ROOT, 'docs', 'states.md'), encoding='utf-8') as handle:
        section = handle.read().split('## Normalized fields', 1)[1].split('\n## ', 1)[0]
    assert re.findall(r'^\| `(\w+)` \|', section, re.M) == list(NORMALIZED_FIELDS)
