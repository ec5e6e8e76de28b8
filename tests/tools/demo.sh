#!/usr/bin/env bash
# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The demo against the local API emulator, in three labelled parts:
#   1. list the tasks of all three providers with the info modules (playbooks/demo.yml);
#   2. the gate (ansible-playbook dbtasks.cloud.gate) over the tasks that succeed: progress, summary, exit 0;
#   3. the gate over a set with the failing tasks: the EXPECTED failure, exit non-zero.
# Each part starts from a fresh emulator, so the tasks are seen from the start of their lifecycle.
# The script exits 0 when every part ended as expected, including part 3's failure.
#
#   tests/tools/demo.sh VENV SPEED [ansible-playbook ARGS...]
#
# Environment: DEMO_PLAYBOOK (default playbooks/demo.yml), DEMO_SCENARIO (default
# tests/emulator/scenarios/demo.yml), DEMO_SUCCESS_VARS / DEMO_FAILURE_VARS (the gate inputs,
# default tests/tools/demo/gate-success.yml and gate-failure.yml), DEMO_REPORTS (where the two gate
# runs write their JUnit XML and JSON reports, default tests/output/demo). SPEED is scenario seconds
# per wall second.
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
success_vars="${DEMO_SUCCESS_VARS:-tests/tools/demo/gate-success.yml}"
failure_vars="${DEMO_FAILURE_VARS:-tests/tools/demo/gate-failure.yml}"
reports="${DEMO_REPORTS:-tests/output/demo}"
[[ -f tests/emulator/__main__.py ]] || dbt_die "the emulator (tests/emulator) is not there yet"
for file in "$scenario" "$playbook" "$success_vars" "$failure_vars"; do
    [[ -f "$file" ]] || dbt_die "not found: $file"
done

work="$(mktemp -d)"
emulator_pid=""
stop_emulator() {
    if [[ -n "$emulator_pid" ]] && kill -0 "$emulator_pid" 2>/dev/null; then
        kill -TERM "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
    fi
    emulator_pid=""
}
cleanup() {
    stop_emulator
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_emulator: a fresh emulator (scenario time 0); sets $url and exports the endpoints.
start_emulator() {
    stop_emulator
    : >"$work/stdout"
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
    # {service}: DDS and RDS apart, at /dds and /rds, as the two real services are.
    export UCLOUD_API_BASE_URL="$url" HUAWEICLOUD_SDK_ENDPOINT="$url/{service}"
    dbt_say "emulator at $url (scenario $scenario, speed x$speed)"
}

# wait_for_scenario_time SECONDS: until the emulator's clock reaches SECONDS (tasks created later exist then).
wait_for_scenario_time() {
    "$venv/bin/python" - "$url" "$1" <<'PY'
import json, sys, time, urllib.request
url, wanted = sys.argv[1], float(sys.argv[2])
for _ in range(600):
    with urllib.request.urlopen(url + "/_emulator/health", timeout=5) as answer:
        if json.load(answer)["scenario_time"] >= wanted:
            break
    time.sleep(0.1)
PY
}

banner() {
    printf '\n%s\n# %s\n%s\n' "################################################################" "$*" \
        "################################################################"
}

export UCLOUD_PUBLIC_KEY=emulator-public-key
export UCLOUD_PRIVATE_KEY=emulator-private-key
export HUAWEICLOUD_SDK_AK=EMULATORAK0000000000
export HUAWEICLOUD_SDK_SK=emulator-secret-key
export HUAWEICLOUD_SDK_PROJECT_ID=0123456789abcdef0123456789abcdef
export ANSIBLE_COLLECTIONS_PATH="$DBT_ROOT/.build"
export ANSIBLE_LOCALHOST_WARNING=false
export ANSIBLE_INVENTORY_UNPARSED_WARNING=false
export PATH="$venv/bin:$PATH"
unset PYTHONPATH

started=$SECONDS

banner "1/3  List the tasks of UCloud UDTS, Huawei Cloud DDS and RDS (info modules)"
start_emulator
"$venv/bin/ansible-playbook" "$playbook" "$@"

banner "2/3  Gate over the tasks that succeed: expect progress lines, a summary and exit code 0"
start_emulator
# The last of these tasks is created 10 scenario seconds in.
wait_for_scenario_time 10.5
rm -rf "$reports"
success_rc=0
"$venv/bin/ansible-playbook" dbtasks.cloud.gate -e "@$success_vars" -e "wait_for_tasks_junit_file=$reports/gate-success.xml" \
    -e "wait_for_tasks_json_file=$reports/gate-success.json" "$@" || success_rc=$?
dbt_say "gate over the succeeding tasks exited with $success_rc (expected 0)"

banner "3/3  Gate over a set WITH FAILING TASKS: the failure below is EXPECTED (non-zero exit)"
start_emulator
failure_rc=0
"$venv/bin/ansible-playbook" dbtasks.cloud.gate -e "@$failure_vars" -e "wait_for_tasks_junit_file=$reports/gate-failure.xml" \
    -e "wait_for_tasks_json_file=$reports/gate-failure.json" "$@" >"$work/failure.log" 2>&1 || failure_rc=$?
cat "$work/failure.log"
stop_emulator

printf '\n'
dbt_say "demo finished in $((SECONDS - started))s"
for file in "$reports"/gate-success.xml "$reports"/gate-success.json "$reports"/gate-failure.xml "$reports"/gate-failure.json; do
    [[ -s "$file" ]] || dbt_die "the gate did not write its report $file"
done
dbt_say "reports of the two gate runs (JUnit XML for a CI test report, and wait_for_tasks_result as JSON):"
dbt_say "  part 2: $reports/gate-success.xml  $reports/gate-success.json"
dbt_say "  part 3: $reports/gate-failure.xml  $reports/gate-failure.json"
if [[ $success_rc -ne 0 ]]; then
    dbt_die "part 2: the gate over the succeeding tasks failed (exit $success_rc); it should pass"
fi
if [[ $failure_rc -eq 0 ]]; then
    dbt_die "part 3: the gate over the failing tasks passed; it should have failed"
fi
if ! grep -q "udts-demofail1\|5d1e0f2a-demo-4fa1-9c1e-failed000001" "$work/failure.log"; then
    dbt_die "part 3: the gate failed (exit $failure_rc) but its output does not name a failing task"
fi
dbt_say "part 2 passed (exit 0) and part 3 failed (exit $failure_rc) naming the failed task and its reason:"
dbt_say "that failure was the EXPECTED outcome, so the demo succeeded."
