# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Advice added to a message at the moment it helps, in the caller's words (an option or a role variable).

An incremental migration that caught up is ``synced`` and stays so: it never
becomes terminal. A wait for ``terminal`` on such tasks runs to its timeout;
the timeout message then says which setting accepts them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ansible_collections.dbtasks.cloud.plugins.module_utils._states import normalized


def synced_hint(unfinished: Sequence[Mapping[str, Any] | None], target: str, setting: str) -> str | None:
    """Advice when every unfinished task is ``synced`` and the wait was for ``terminal``; ``setting`` as the caller writes it."""
    if target == "synced" or not unfinished:
        return None
    if any(item is None or normalized(item, "state") != "synced" for item in unfinished):
        return None
    return ("every unfinished task is synced: an incremental migration that caught up stays synced and never finishes; "
            "set %s to accept synced tasks" % setting)


def with_hint(message: str, hint: str | None) -> str:
    return "%s. Hint: %s" % (message.rstrip("."), hint) if hint else message
