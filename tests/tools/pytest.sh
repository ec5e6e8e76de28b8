#!/usr/bin/env bash
# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run pytest from VENV with the collection importable and resolvable.
#
#   tests/tools/pytest.sh VENV [PYTEST ARGS...]
#
# pytest.ini puts .build (where the ansible_collections/dbtasks/cloud symlink lives) and the
# repository root (for tests.emulator) on sys.path. ANSIBLE_COLLECTIONS_PATH lets the
# ansible-playbook that functional tests start (this venv's, first on PATH) find dbtasks.cloud.
# pytest's exit code 5 ("no tests collected") is not a failure while suites are still empty.
set -euo pipefail

# shellcheck source=tests/tools/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -ge 1 ]] || dbt_die "usage: $0 VENV [PYTEST ARGS...]"
venv="$(cd "$1" && pwd)"
shift

cd "$DBT_ROOT"
export PATH="$venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$DBT_ROOT/.build"
unset PYTHONPATH

log="$DBT_ROOT/.build/pytest-$(basename "$venv").log"
mkdir -p "$(dirname "$log")"
dbt_say "pytest ($("$venv/bin/python" -c 'import ansible; print("ansible-core " + ansible.__version__)')): $*"
rc=0
"$venv/bin/python" -m pytest "$@" 2>&1 | tee "$log" || rc=$?
if [[ $rc -eq 5 ]]; then
    dbt_say "pytest collected no tests in: $*"
    rc=0
fi
exit "$rc"
