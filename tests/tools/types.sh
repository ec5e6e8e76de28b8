#!/usr/bin/env bash
# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# mypy over plugins/ with the settings of mypy.ini, in two runs; both always run, and either failing fails:
#
#   tests/tools/types.sh VENV
#
# 1. modules, module_utils and doc fragments for Python 3.9, the oldest managed-host Python;
# 2. the action plugins for Python 3.12, the controller Python of ansible-core 2.21, whose source
#    they are checked against (mypy reads ansible-core's code, which uses 3.12 syntax).
# The collection is imported through .build/ansible_collections/dbtasks/cloud (`make link`); paths
# in the messages are shown relative to the checkout. Each run keeps its own cache in .mypy_cache/.
set -euo pipefail

# shellcheck source=tests/tools/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -eq 1 ]] || dbt_die "usage: $0 VENV"
venv="$(cd "$1" && pwd)"

cd "$DBT_ROOT"
unset MYPYPATH
mypy=("$venv/bin/mypy" --config-file mypy.ini)
dbt_say "$("${mypy[@]}" --version)"

status=0
run() {
    local label="$1"
    shift
    dbt_say "mypy: $label"
    # The sed only shortens paths; mypy's exit status is the one kept (pipefail).
    "${mypy[@]}" "$@" 2>&1 | sed -u 's#^\.build/ansible_collections/dbtasks/cloud/##' || status=1
}
run "modules, module_utils, doc_fragments, the EDA event source (Python 3.9)" --cache-dir .mypy_cache/target
run "action plugins (Python 3.12)" --cache-dir .mypy_cache/controller --python-version 3.12 \
    -p ansible_collections.dbtasks.cloud.plugins.action
dbt_say "ruff: one typing style, sorted imports (ruff.toml)"
"$venv/bin/ruff" check --no-cache plugins extensions tests || status=1
exit "$status"
