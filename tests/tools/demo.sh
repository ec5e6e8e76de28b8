#!/usr/bin/env bash
# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Start the local API emulator, run a playbook against it, stop the emulator.
#
#   tests/tools/demo.sh VENV SPEED [ansible-playbook ARGS...]
#
# Environment: DEMO_PLAYBOOK (default playbooks/demo.yml), DEMO_SCENARIO (default
# tests/emulator/scenarios/demo.yml). SPEED is scenario seconds per wall second.
# The modules read their credentials and endpoints from the same environment variables
# a user would set; the values are the emulator's fixed demo credentials, not secrets.
set -euo pipefail

# shellcheck source=tests/tools/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -ge 2 ]] || dbt_die "usage: $0 VENV SPEED [ansible-playbook ARGS...]"
venv="$(cd "$1" && pwd)"
speed="$2"
shift 2
cd "$DBT_ROOT"
playbook="${DEMO_PLAYBOOK:-playbooks/demo.yml}"
scenario="${DEMO_SCENARIO:-tests/emulator/scenarios/demo.yml}"
[[ -f tests/emulator/__main__.py ]] || dbt_die "the emulator (tests/emulator) is not there yet"
[[ -f "$scenario" ]] || dbt_die "scenario not found: $scenario"
[[ -f "$playbook" ]] || dbt_die "playbook not found: $playbook"

work="$(mktemp -d)"
emulator_pid=""
stop_emulator() {
    if [[ -n "$emulator_pid" ]] && kill -0 "$emulator_pid" 2>/dev/null; then
        kill -TERM "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap stop_emulator EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$venv/bin/python" tests/emulator --port 0 --scenario "$scenario" --speed "$speed" >"$work/stdout" 2>"$work/stderr" &
emulator_pid=$!

# The emulator prints its base URL as its first line once it listens.
url=""
for _ in $(seq 1 300); do
    if [[ -s "$work/stdout" ]]; then
        url="$(head -n 1 "$work/stdout")"
        break
    fi
    if ! kill -0 "$emulator_pid" 2>/dev/null; then
        cat "$work/stderr" >&2
        dbt_die "the emulator exited before printing its URL"
    fi
    sleep 0.1
done
[[ "$url" == http* ]] || dbt_die "the emulator did not print its URL within 30s (got: '${url}')"
dbt_say "emulator at $url (scenario $scenario, speed x$speed)"

export UCLOUD_PUBLIC_KEY=emulator-public-key
export UCLOUD_PRIVATE_KEY=emulator-private-key
export UCLOUD_API_BASE_URL="$url"
export HUAWEICLOUD_SDK_AK=EMULATORAK0000000000
export HUAWEICLOUD_SDK_SK=emulator-secret-key
export HUAWEICLOUD_SDK_PROJECT_ID=0123456789abcdef0123456789abcdef
export DBTASKS_HUAWEICLOUD_ENDPOINT="$url"
export ANSIBLE_COLLECTIONS_PATH="$DBT_ROOT/.build"
export ANSIBLE_LOCALHOST_WARNING=false
export ANSIBLE_INVENTORY_UNPARSED_WARNING=false
export PATH="$venv/bin:$PATH"
unset PYTHONPATH

"$venv/bin/ansible-playbook" "$playbook" "$@"
