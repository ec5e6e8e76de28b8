# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks of option values that Ansible's argument spec cannot express, shared by modules, sources and task_wait."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ParameterError


def text_option(params: Mapping[str, Any], option: str) -> str | None:
    """A string option's value; ``ParameterError`` when it is set but blank (it would match nothing)."""
    value = params.get(option)
    if value is not None and not str(value).strip():
        raise ParameterError(option, "must not be empty")
    return value
