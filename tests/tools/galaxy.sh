#!/usr/bin/env bash
# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The collection as Galaxy would ship it: build the tarball, check what it carries, install it into a
# temporary collections path and run a smoke play and the gate playbook FROM THAT COPY against the emulator.
#
#   tests/tools/galaxy.sh VENV
#
# 1. Members: nothing from the developer's machine (venvs, .ansible, .build, test output, caches, .git*,
#    .ci, byte code, tarballs, docs/build), and every tracked file of plugins/, roles/, playbooks/, meta/,
#    docs/, extensions/eda/ (the event source, its rulebook and inventory) plus README.md, LICENSE, requirements.txt and changelogs/changelog.yaml.
# 2. Smoke: `ansible-playbook dbtasks.cloud.gate` over tasks of the demo scenario that succeed within
#    25 scenario seconds (tests/tools/galaxy/gate.yml), then the three info modules
#    (tests/tools/galaxy/smoke.yml), with the emulator accelerated. Ansible runs outside the checkout with ANSIBLE_COLLECTIONS_PATH set to the temporary
#    path only, so the checkout (and ~/.ansible/collections) cannot stand in for a file the tarball lacks.
set -euo pipefail

# shellcheck source=tests/tools/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tests/tools/artifact.sh
source "$(dirname "${BASH_SOURCE[0]}")/artifact.sh"

[[ $# -eq 1 ]] || dbt_die "usage: $0 VENV"
venv="$(cd "$1" && pwd)"
# fast enough for a short run, slow enough that the gate (run first) sees its tasks still running
speed=4
cd "$DBT_ROOT"

work="$(mktemp -d)"
emulator_pid=""
cleanup() {
    if [[ -n "$emulator_pid" ]]; then
        kill -TERM "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

dbt_build_and_install "$venv" "$work"

# --- 1. what the tarball carries -------------------------------------------------------------------
if git -C "$DBT_ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$DBT_ROOT" ls-files -- plugins roles playbooks meta docs extensions/eda >"$work/required.txt"
else
    find plugins roles playbooks meta docs extensions/eda -type f -not -path '*/__pycache__/*' -not -path 'docs/build/*' >"$work/required.txt"
fi
printf '%s\n' README.md LICENSE requirements.txt changelogs/changelog.yaml >>"$work/required.txt"
"$venv/bin/python" - "$DBT_TARBALL" "$work/required.txt" <<'PY'
import fnmatch
import sys
import tarfile

tarball, required_list = sys.argv[1], sys.argv[2]
# any path component matching one of these means the file came from a developer's machine, not the source
FORBIDDEN_PARTS = ('.venv*', '.ansible', '.build', '.git*', '.ci', '.cache', '__pycache__', '.pytest_cache',
                   '.hypothesis', '.mypy_cache', '.ruff_cache', '.tox', '.benchmarks', '*.pyc', '*.tar.gz', '*.log')
FORBIDDEN_PREFIXES = ('tests/output/', 'docs/build/')
with tarfile.open(tarball) as archive:
    members = [member.name[2:] if member.name.startswith('./') else member.name for member in archive.getmembers()]
leaks = sorted(
    name for name in members
    if any(fnmatch.fnmatch(part, pattern) for part in name.split('/') for pattern in FORBIDDEN_PARTS)
    or any((name + '/').startswith(prefix) for prefix in FORBIDDEN_PREFIXES)
)
with open(required_list, encoding='utf-8') as handle:
    required = {line.strip() for line in handle if line.strip()}
missing = sorted(required - set(members))
for name in leaks:
    print('  does not belong in the tarball: %s' % name)
for name in missing:
    print('  missing from the tarball: %s' % name)
if leaks or missing:
    sys.exit('%d member(s) leaked, %d missing: fix build_ignore in galaxy.yml' % (len(leaks), len(missing)))
print('==> tarball: %d members, none from a work tree, all %d required files present' % (len(members), len(required)))
PY

# --- 2. smoke run from the installed copy ------------------------------------------------------------
"$venv/bin/python" tests/emulator --port 0 --scenario tests/emulator/scenarios/demo.yml --speed "$speed" \
    >"$work/emulator.out" 2>"$work/emulator.err" &
emulator_pid=$!
url=""
for _ in $(seq 1 300); do
    # `read` succeeds only on a complete first line: the URL, printed once the emulator listens
    if read -r url <"$work/emulator.out" 2>/dev/null; then break; fi
    kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.err" >&2; dbt_die "the emulator exited"; }
    sleep 0.1
done
[[ "$url" == http* ]] || dbt_die "the emulator printed no URL within 30s"
dbt_say "emulator at $url (demo scenario, speed x$speed)"

# Only the temporary path: no repository link, no ~/.ansible/collections, no site-packages collections.
export ANSIBLE_COLLECTIONS_PATH="$DBT_COLLECTIONS" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
export ANSIBLE_LOCAL_TEMP="$work/tmp" ANSIBLE_NOCOLOR=1
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
# the emulator's fixed demo credentials, not secrets
export UCLOUD_PUBLIC_KEY=emulator-public-key UCLOUD_PRIVATE_KEY=emulator-private-key UCLOUD_API_BASE_URL="$url"
export HUAWEICLOUD_SDK_AK=EMULATORAK0000000000 HUAWEICLOUD_SDK_SK=emulator-secret-key
export HUAWEICLOUD_SDK_PROJECT_ID=0123456789abcdef0123456789abcdef HUAWEICLOUD_SDK_ENDPOINT="$url"
export PATH="$venv/bin:$PATH"
unset PYTHONPATH
cp tests/tools/galaxy/smoke.yml tests/tools/galaxy/gate.yml "$work/"
cd "$work"

"$venv/bin/ansible-galaxy" collection list dbtasks.cloud --format json >"$work/found.json" 2>/dev/null
"$venv/bin/python" - "$work/found.json" "$DBT_COLLECTIONS/ansible_collections" <<'PY'
import json
import sys

found, expected = json.load(open(sys.argv[1], encoding='utf-8')), sys.argv[2]
paths = sorted(path for path, collections in found.items() if 'dbtasks.cloud' in collections)
if paths != [expected]:
    sys.exit('Ansible finds dbtasks.cloud in %s, expected only %s' % (paths, expected))
PY

dbt_say "gate playbook from the installed copy: ansible-playbook dbtasks.cloud.gate -e @gate.yml"
timeout 300 "$venv/bin/ansible-playbook" dbtasks.cloud.gate -e @gate.yml
dbt_say "smoke play: the three info modules from the installed copy"
timeout 300 "$venv/bin/ansible-playbook" smoke.yml
dbt_say "galaxy: the built tarball installs and works"
