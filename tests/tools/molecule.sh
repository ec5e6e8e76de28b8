#!/usr/bin/env bash
# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Every molecule scenario of the collection (extensions/molecule/*), from the repository root, where
# molecule recognises the collection (galaxy.yml) and looks for scenarios under extensions/molecule.
# Each scenario starts and stops its own emulator.
#
#   tests/tools/molecule.sh VENV [molecule test ARGS...]    (default: --all)
set -euo pipefail

# shellcheck source=tests/tools/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -ge 1 ]] || dbt_die "usage: $0 VENV [molecule test ARGS...]"
venv="$(cd "$1" && pwd)"
shift
[[ $# -gt 0 ]] || set -- --all

cd "$DBT_ROOT"
export PATH="$venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$DBT_ROOT/.build"
unset PYTHONPATH
dbt_say "molecule ($("$venv/bin/molecule" --version 2>/dev/null | head -n 1)): test $*"
exec "$venv/bin/molecule" test "$@"
