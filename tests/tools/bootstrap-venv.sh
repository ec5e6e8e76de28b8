#!/usr/bin/env bash
# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Create VENV from a pinned lock file, or do nothing when it is already up to date.
#
#   tests/tools/bootstrap-venv.sh VENV PYTHON_X.Y LOCK_FILE
#
# The venv is rebuilt from scratch only when its stamp changes: the stamp is a hash of the
# lock file, this script, and the interpreter's path and exact version. Installs use
# --no-deps so nothing outside the lock gets in; `pip check` then proves the lock complete.
set -euo pipefail

# shellcheck source=tests/tools/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -eq 3 ]] || dbt_die "usage: $0 VENV PYTHON_X.Y LOCK_FILE"
venv="$1"
python_minor="$2"
lock="$3"
[[ -f "$lock" ]] || dbt_die "lock file not found: $lock"

python="$(dbt_find_python "$python_minor")"
python_full="$("$python" -c 'import sys; print(sys.version.split()[0])')"
stamp_file="$venv/.dbtasks-stamp"
stamp="$( { printf '%s %s\n' "$python" "$python_full"; cat "$lock" "${BASH_SOURCE[0]}"; } | sha256sum | cut -d' ' -f1)"

if [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$stamp" && -x "$venv/bin/python" ]]; then
    exit 0
fi

dbt_say "bootstrapping $venv (Python $python_full from $python, pins from $lock)"
started=$SECONDS
rm -rf "$venv"
"$python" -m venv "$venv"
log="$venv/bootstrap.log"
# pip's own output is long (and this machine's pip config adds noise): keep it in a log, show it on failure.
if ! "$venv/bin/python" -m pip install --disable-pip-version-check --no-deps --no-input -r "$lock" >"$log" 2>&1; then
    grep -v "^WARNING: Location 'file:" "$log" | tail -n 40 >&2
    dbt_die "pip install -r $lock failed (full log: $log)"
fi
if ! "$venv/bin/python" -m pip check --disable-pip-version-check >>"$log" 2>&1; then
    tail -n 20 "$log" >&2
    dbt_die "$lock is incomplete or inconsistent: regenerate it with 'make lock'"
fi
printf '%s\n' "$stamp" >"$stamp_file"
dbt_say "$venv ready in $((SECONDS - started))s"
