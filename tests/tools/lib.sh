# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Shared helpers for the scripts in tests/tools. Source it, do not run it.
# shellcheck shell=bash

# The repository root, whatever directory the caller runs from.
DBT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export DBT_ROOT

dbt_say() {
    printf '==> %s\n' "$*" >&2
}

dbt_die() {
    printf 'ERROR: %s\n' "$*" >&2
    exit 1
}
