# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # Attributes of every module: read-only API queries
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details:
      - This module only reads; it behaves the same in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: none
  platform:
    description: Target OS/families that can be operated against.
    support: N/A
    platforms: all
    details:
      - The module talks to a cloud API over HTTPS; run it on any host that can reach the API, usually the controller.
"""

    # Named apart from the ucloud and huaweicloud fragments: ansible-core would resolve
    # dbtasks.cloud.attributes.ucloud to the ucloud fragment (plugins/doc_fragments/ucloud.py).
    ACTIONGROUP_UCLOUD = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/dbtasks.cloud.ucloud) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - dbtasks.cloud.ucloud
"""

    ACTIONGROUP_HUAWEICLOUD = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/dbtasks.cloud.huaweicloud) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - dbtasks.cloud.huaweicloud
"""
