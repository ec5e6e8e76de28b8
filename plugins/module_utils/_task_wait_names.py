# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How ``task_wait`` names its options in messages: as its own options, or as the variables of the role that passes them.

The ``wait_for_tasks`` role passes ``variable_prefix: wait_for_tasks_``: every
message then names ``wait_for_tasks_tasks``, ``wait_for_tasks_huaweicloud.secret_key``
(what the user wrote), never ``tasks`` or ``huaweicloud.secret_key``. The
same prefix finds the variables a user misspelled. Nothing here sends a request.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ParameterError

# The variable a role sets with the outcome, besides one variable per option: C(<prefix>result).
RESULT_VARIABLE = "result"
# How alike a variable that does not start with the prefix must be to a known one to be called a misspelling
# (``wait_for_task_tasks`` against ``wait_for_tasks_tasks`` is 0.97; unrelated play variables stay far below).
NEAR_MISS = 0.9


class OptionNames:
    """``names("tasks")`` is ``tasks``, or ``<prefix>tasks`` when a role passes its variable prefix."""

    def __init__(self, prefix: str | None = None) -> None:
        self.prefix = prefix or ""

    def __call__(self, option: str) -> str:
        return self.prefix + option

    def error(self, error: ParameterError) -> ParameterError:
        """``error`` naming the option (a path such as ``selectors[0].status``) as the caller wrote it."""
        return ParameterError(self(error.option), error.rule) if self.prefix else error

    def spec(self, spec: Mapping[str, Any]) -> dict[str, Any]:
        """``spec`` with top-level names as the caller writes them, so the validator's own messages name them so too."""
        return {self(name): option for name, option in spec.items()}

    def wrap(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {self(name): value for name, value in params.items()}

    def unwrap(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {name[len(self.prefix):]: value for name, value in params.items() if name.startswith(self.prefix)}

    def misspelled(self, variables: Iterable[str], options: Iterable[str]) -> list[str]:
        """A warning for each variable that looks meant for the role but is none of its variables, naming the closest.

        Only with a prefix: a variable that starts with it, or one nearly equal to a known name
        (``wait_for_task_tasks``). Such a variable would otherwise be ignored without a word.
        """
        if not self.prefix:
            return []
        known = sorted({self(option) for option in options} | {self(RESULT_VARIABLE)})
        warnings = []
        for variable in sorted(str(name) for name in set(variables) - set(known)):
            cutoff = 0.0 if variable.startswith(self.prefix) else NEAR_MISS
            closest = difflib.get_close_matches(variable, known, n=1, cutoff=cutoff)
            if closest:
                warnings.append("%s is not a variable of this role and is ignored; did you mean %s?" % (variable, closest[0]))
        return warnings
