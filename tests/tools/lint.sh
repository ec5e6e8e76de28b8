#!/usr/bin/env bash
# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# ansible-lint with the production profile (the profile and exclusions live in .ansible-lint).
#
#   tests/tools/lint.sh VENV
#
# Until the collection has a role or a playbook there is nothing for ansible-lint to judge,
# so that case is reported and passes instead of failing on an empty file list.
set -euo pipefail

# shellcheck source=tests/tools/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -eq 1 ]] || dbt_die "usage: $0 VENV"
venv="$(cd "$1" && pwd)"

cd "$DBT_ROOT"
shopt -s nullglob
content=(roles/*/tasks playbooks/*.yml playbooks/*.yaml extensions/molecule/*/*.yml)
if [[ ${#content[@]} -eq 0 ]]; then
    dbt_say "ansible-lint: no roles or playbooks yet, nothing to lint"
    exit 0
fi
export PATH="$venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$DBT_ROOT/.build"
dbt_say "ansible-lint ($("$venv/bin/ansible-lint" --version 2>/dev/null | head -n 1))"
exec "$venv/bin/ansible-lint"
