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

# Print "X.Y" if the interpreter runs and can create virtual environments, fail otherwise.
dbt_python_minor() {
    "$1" -c 'import ensurepip, sys, venv; print("%d.%d" % sys.version_info[:2])' 2>/dev/null
}

# dbt_find_python X.Y: print the path of a working Python X.Y interpreter.
# Order: $DBTASKS_PYTHON<X><Y> (e.g. DBTASKS_PYTHON312) if set, the newest pyenv build of X.Y
# (called by its real path, because pyenv shims only answer for versions listed in
# PYENV_VERSION), then pythonX.Y on PATH. A candidate counts only if it runs, has the
# right version and has venv + ensurepip (Debian's /usr/bin/python3.X may lack them).
dbt_find_python() {
    local want="$1" override_var candidate pyenv_root
    override_var="DBTASKS_PYTHON${want//./}"
    local -a candidates=()
    if [[ -n "${!override_var:-}" ]]; then
        # an explicit choice is used or refused, never silently replaced
        if [[ "$(dbt_python_minor "${!override_var}")" == "$want" ]]; then
            printf '%s\n' "${!override_var}"
            return 0
        fi
        dbt_die "$override_var=${!override_var} is not a working Python $want with venv and ensurepip"
    fi
    pyenv_root="${PYENV_ROOT:-}"
    if [[ -z "$pyenv_root" ]] && command -v pyenv >/dev/null 2>&1; then
        pyenv_root="$(pyenv root 2>/dev/null || true)"
    fi
    pyenv_root="${pyenv_root:-$HOME/.pyenv}"
    if [[ -d "$pyenv_root/versions" ]]; then
        while IFS= read -r candidate; do
            candidates+=("$candidate")
        done < <(find "$pyenv_root/versions" -mindepth 3 -maxdepth 3 -path "*/bin/python$want" 2>/dev/null | sort -rV)
    fi
    if command -v "python$want" >/dev/null 2>&1; then
        candidates+=("$(command -v "python$want")")
    fi
    for candidate in "${candidates[@]}"; do
        if [[ "$(dbt_python_minor "$candidate")" == "$want" ]]; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    dbt_die "Python $want was not found (tried: ${candidates[*]:-nothing}).
Install it (for example 'pyenv install $want') or point $override_var at a python$want binary."
}

# The pip version a given ansible-test bootstraps into its virtual environments, read from
# the installed ansible_test package, so the get-pip stand-in gets the file name it expects.
dbt_ansible_test_pip_version() {
    "$1" - <<'PY'
import os
import re

import ansible_test

source = os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py")
with open(source, encoding="utf-8") as handle:
    match = re.search(r"""\bpip=['"]([0-9][0-9.]*)['"]""", handle.read())
if not match:
    raise SystemExit("cannot find the pip version ansible-test bootstraps in " + source)
print(match.group(1))
PY
}
