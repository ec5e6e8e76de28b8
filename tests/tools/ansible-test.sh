#!/usr/bin/env bash
# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run ansible-test against a fresh copy of the collection.
#
#   tests/tools/ansible-test.sh VENV CONTROLLER_X.Y "TARGET_X.Y ..." COMMAND [ANSIBLE-TEST ARGS...]
#   e.g. tests/tools/ansible-test.sh .venv 3.12 "3.9 3.12" sanity
#
# ansible-test insists on running from .../ansible_collections/<namespace>/<name>/ and finds
# that path with os.getcwd(), which resolves symlinks, so a symlink to the checkout is not
# enough. The working tree's files (git-tracked plus untracked-not-ignored, so work in
# progress is tested too, but never .venv*, .build or other ignored output) are copied to
# .build/ansible-test/<venv>/ansible_collections/dbtasks/cloud before every run.
#
# The copy gets its own `git init`: ansible-test lists files with git from the nearest .git
# upwards, and the checkout's repository ignores .build.
#
# Offline, `--venv` would download get-pip.py; a stand-in that uses ensurepip and then pip
# is written to the cache path ansible-test reads first (get_pip_<pip version>.py, the version
# read from the installed ansible-test). Only the requested interpreters are on PATH, by their
# real directories, never through pyenv shims.
set -euo pipefail

# shellcheck source=tests/tools/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

COLLECTION_NAMESPACE=dbtasks
COLLECTION_NAME=cloud

[[ $# -ge 4 ]] || dbt_die "usage: $0 VENV CONTROLLER_X.Y \"TARGET_X.Y ...\" COMMAND [ARGS...]"
venv="$(cd "$1" && pwd)"
controller="$2"
read -r -a targets <<<"$3"
command="$4"
shift 4

ansible_test="$venv/bin/ansible-test"
[[ -x "$ansible_test" ]] || dbt_die "$ansible_test not found: bootstrap the venv first (make venv)"

stage_collection() {
    local dest="$1" list keep
    # Keep only ansible-test's own delegation venvs (it checks and tops up their requirements every
    # run); everything else is copied afresh so deleted or renamed files never linger.
    keep="$(dirname "$dest")/.delegation-keep"
    rm -rf "$keep"
    if [[ -d "$dest/tests/output/.tmp/delegation" ]]; then
        mv "$dest/tests/output/.tmp/delegation" "$keep"
    fi
    rm -rf "$dest"
    mkdir -p "$dest"
    if [[ -d "$keep" ]]; then
        mkdir -p "$dest/tests/output/.tmp"
        mv "$keep" "$dest/tests/output/.tmp/delegation"
    fi
    list="$(mktemp)"
    if git -C "$DBT_ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        git -C "$DBT_ROOT" ls-files -z --cached --others --exclude-standard
    else
        (cd "$DBT_ROOT" && find . \( -name .git -o -name .build -o -name '.venv*' -o -name .ansible \
            -o -name __pycache__ -o -name .pytest_cache -o -name .hypothesis -o -name .mypy_cache -o -name .ruff_cache \
            -o -path ./tests/output \) -prune \
            -o \( -type f -o -type l \) -printf '%P\0')
    fi | (
        cd "$DBT_ROOT"
        # a tracked file deleted in the work tree is listed but absent; tool state never belongs in the copy
        while IFS= read -r -d '' path; do
            case "$path" in
                .build/* | .venv*/* | .ansible/* | tests/output/* | .mypy_cache/* | .ruff_cache/*) continue ;;
            esac
            if [[ -e "$path" || -L "$path" ]]; then
                printf '%s\0' "$path"
            fi
        done
    ) | sort -zu >"$list"
    tar -C "$DBT_ROOT" --null --files-from="$list" -cf - | tar -C "$dest" -xf -
    rm -f "$list"
    # without a repository of its own the copy is read through the checkout's, where .build is
    # ignored: ansible-test would find no targets at all
    git -C "$dest" init -q
}

write_get_pip_stand_in() {
    local pip_version cache
    pip_version="$(dbt_ansible_test_pip_version "$venv/bin/python")"
    cache="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
    mkdir -p "$(dirname "$cache")"
    cat >"$cache" <<PY
"""Offline stand-in for get-pip.py $pip_version, written by dbtasks.cloud tests/tools/ansible-test.sh."""
import subprocess
import sys

# ansible-test passes get-pip options; pip install does not know the two --no-* ones.
args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
PY
}

check_no_sanity_ignores() {
    local file entries=0
    for file in "$1"/tests/sanity/ignore-*.txt; do
        [[ -e "$file" ]] || continue
        if grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$file" >&2; then
            printf '  ^ entries in %s\n' "${file#"$1"/}" >&2
            entries=1
        fi
    done
    [[ $entries -eq 0 ]] || dbt_die "sanity ignore entries are not allowed in this collection: fix the code instead"
}

dest="$DBT_ROOT/.build/ansible-test/$(basename "$venv")/ansible_collections/$COLLECTION_NAMESPACE/$COLLECTION_NAME"
stage_collection "$dest"
write_get_pip_stand_in
if [[ "$command" == sanity ]]; then
    check_no_sanity_ignores "$dest"
fi

# ansible-test creates its venvs from the first pythonX.Y on PATH whatever path it was given, and a
# pyenv shim there fails for any version not in PYENV_VERSION: put the chosen interpreters' own bin
# directories first and drop the shims, so an unlisted version is skipped instead of breaking the run.
# Sanity makes a venv per test itself and takes plain targets; units runs pytest in the target, so
# that must be a venv ansible-test manages (it installs tests/unit/requirements.txt there).
target_kind="venv/"
if [[ "$command" == sanity ]]; then
    target_kind=""
fi
controller_python="$(dbt_find_python "$controller")"
hosts=(--controller "origin:python=venv/$controller@$controller_python")
python_dirs="$(dirname "$controller_python")"
for target in "${targets[@]}"; do
    target_python="$(dbt_find_python "$target")"
    hosts+=(--target-python "$target_kind$target@$target_python")
    python_dirs="$python_dirs:$(dirname "$target_python")"
done
path_without_shims="$(tr ':' '\n' <<<"$PATH" | grep -v -E '/(pyenv|\.pyenv)/.*shims/?$' | paste -sd: -)"

dbt_say "ansible-test $command ($("$ansible_test" --version 2>/dev/null)), controller Python $controller, targets ${targets[*]}, in ${dest#"$DBT_ROOT"/}"
cd "$dest"
export PATH="$venv/bin:$python_dirs:$path_without_shims"
unset PYTHONPATH
exec "$ansible_test" "$command" "${hosts[@]}" "$@"
