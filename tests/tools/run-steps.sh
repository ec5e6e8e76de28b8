#!/usr/bin/env bash
# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run make targets one after another, all of them even when one fails, then print how
# each went and how long it took; exit non-zero if any failed. `make test` uses it.
#
#   tests/tools/run-steps.sh TARGET...
set -euo pipefail

# shellcheck source=tests/tools/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$DBT_ROOT"
make="${MAKE:-make}"
summary=()
failed=0
total_started=$SECONDS
rm -f .build/pytest-.venv.log
for step in "$@"; do
    printf '\n########## make %s ##########\n' "$step"
    started=$SECONDS
    if "$make" --no-print-directory "$step"; then
        result=passed
    else
        result=FAILED
        failed=1
    fi
    summary+=("$(printf '  %-14s %-7s %5ds' "$step" "$result" $((SECONDS - started)))")
done

printf '\n########## summary ##########\n'
printf '%s\n' "${summary[@]}"
printf '  %-14s %-7s %5ds\n' total "$([[ $failed -eq 0 ]] && echo passed || echo FAILED)" $((SECONDS - total_started))
# Repeat pytest's closing line of the main run last, so it is the one a log reader sees at the end.
if [[ -f .build/pytest-.venv.log ]]; then
    grep -E '^=+ (.*[0-9]+ (passed|failed|errors?|skipped|deselected|xfailed|xpassed|warnings?)|no tests ran).* in [0-9.]+s.* =+$' \
        .build/pytest-.venv.log | tail -n 1 || true
fi
exit "$failed"
