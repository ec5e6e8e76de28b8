# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``.build/ansible_collections/dbtasks/cloud``: a relative symlink to the checkout, made when it is missing or wrong.

Through it the collection imports as ``ansible_collections.dbtasks.cloud`` (pytest.ini puts ``.build`` on sys.path)
and Ansible finds ``dbtasks.cloud`` with ANSIBLE_COLLECTIONS_PATH=.build. Used by tests/conftest.py, the noxfile and
``make link`` (``python3 tests/tools/collection_link.py``).
"""

from __future__ import annotations

import os

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(REPO_ROOT, '.build')
LINK = os.path.join(BUILD, 'ansible_collections', 'dbtasks', 'cloud')


def link_collection() -> bool:
    """Make the link if it does not lead to the checkout; return whether it was made."""
    if os.path.realpath(LINK) == os.path.realpath(REPO_ROOT):
        return False
    os.makedirs(os.path.dirname(LINK), exist_ok=True)
    # Parallel nox sessions make it at the same moment: a link made beside ours, then renamed over the path, is atomic.
    made = '%s.%d' % (LINK, os.getpid())
    if os.path.lexists(made):
        os.unlink(made)
    os.symlink(os.path.join('..', '..', '..'), made)
    os.replace(made, LINK)
    return True


if __name__ == '__main__':
    link_collection()
