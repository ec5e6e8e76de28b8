# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What every pytest run of the collection needs, so that plain ``python -m pytest`` works in a fresh clone.

- The collection is imported as ``ansible_collections.dbtasks.cloud`` through ``.build/ansible_collections/dbtasks/cloud``,
  a symlink to the checkout (pytest.ini puts ``.build`` on sys.path; ansible-playbook finds it with
  ANSIBLE_COLLECTIONS_PATH=.build): made here when it is missing, before any test module imports the collection.
- Tests under tests/unit get the ``unit`` marker, tests run against a non-default emulator mode ``emulator_variant``
  (the older ansible-core sessions select ``unit or (core_smoke and not emulator_variant)``: the emulator's mode does not
  change what ansible-core does).
- tests/tools/pytest_assertions.py fails a test function that asserts nothing.
- Hypothesis's profile: its default number of examples, scaled by ``DBTASKS_EXAMPLES_SCALE``
  (tests/unit/plugins/module_utils/examples.py).
"""

from __future__ import annotations

import importlib
import os
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.append(os.path.join(REPO_ROOT, 'tests', 'tools'))

from collection_link import BUILD, link_collection  # noqa: E402  pylint: disable=wrong-import-position

if link_collection():
    # .build may have been on sys.path before the link existed: forget the negative lookups made meanwhile.
    sys.path_importer_cache.pop(BUILD, None)
    importlib.invalidate_caches()
for _path in (BUILD, REPO_ROOT):
    if _path not in sys.path:
        sys.path.insert(0, _path)

pytest_plugins = ['pytester', 'tests.tools.pytest_assertions']

# before any test module makes its Hypothesis settings, which inherit the profile loaded then
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.examples import load_profile  # noqa: E402  pylint: disable=wrong-import-position

load_profile()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    unit_dir = os.path.join(REPO_ROOT, 'tests', 'unit') + os.sep
    for item in items:
        if str(item.path).startswith(unit_dir):
            item.add_marker(pytest.mark.unit)
        callspec = getattr(item, 'callspec', None)
        if callspec is not None and callspec.params.get('emulator_mode', 'default') != 'default':
            item.add_marker(pytest.mark.emulator_variant)
