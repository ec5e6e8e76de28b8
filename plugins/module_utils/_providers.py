# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The provider registry: every task API the collection knows, by the name users write.

The one place that lists the providers; task_wait's choices, selector filters
and connection checks are derived from it (and tests compare the docs with it).
"""

from __future__ import annotations

from ansible_collections.dbtasks.cloud.plugins.module_utils._dds import DDS
from ansible_collections.dbtasks.cloud.plugins.module_utils._provider import Provider
from ansible_collections.dbtasks.cloud.plugins.module_utils._rds import RDS
from ansible_collections.dbtasks.cloud.plugins.module_utils._udts import UDTS

PROVIDERS: dict[str, Provider] = {provider.name: provider for provider in (UDTS, DDS, RDS)}


def provider_named(name: str) -> Provider:
    """The record of ``name``; ``KeyError`` naming the known providers otherwise."""
    try:
        return PROVIDERS[name]
    except KeyError:
        raise KeyError("unknown provider %r; known: %s" % (name, ", ".join(PROVIDERS))) from None
