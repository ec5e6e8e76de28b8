#!/usr/bin/env bash
# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Execution environment support: ansible-builder can build an image that holds this collection and the
# Python packages its modules need (meta/execution-environment.yml -> requirements.txt).
#
#   tests/tools/ee.sh VENV
#
# No container engine runs here, so the check stops before `build`:
# 1. `ansible-builder create` on an EE definition (version 3) that installs the built tarball: the context
#    must hold a Containerfile that installs the collections and introspects them, the galaxy requirements
#    naming the tarball, and the tarball itself;
# 2. the introspection script that `create` put into the context (the one the image build runs) is run on
#    the tarball installed into a temporary collections path: it must find every line of requirements.txt,
#    `requests` included, attributed to dbtasks.cloud.
set -euo pipefail

# shellcheck source=tests/tools/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tests/tools/artifact.sh
source "$(dirname "${BASH_SOURCE[0]}")/artifact.sh"

[[ $# -eq 1 ]] || dbt_die "usage: $0 VENV"
venv="$(cd "$1" && pwd)"
cd "$DBT_ROOT"
[[ -f meta/execution-environment.yml ]] || dbt_die "meta/execution-environment.yml is missing"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dbt_build_and_install "$venv" "$work"
tarball_name="$(basename "$DBT_TARBALL")"

mkdir -p "$work/ee"
cp "$DBT_TARBALL" "$work/ee/"
cat >"$work/ee/execution-environment.yml" <<YAML
---
version: 3
images:
  base_image:
    name: quay.io/centos/centos:stream9
dependencies:
  python_interpreter:
    package_system: python3.11
    python_path: /usr/bin/python3.11
  ansible_core:
    package_pip: ansible-core>=2.17
  ansible_runner:
    package_pip: ansible-runner
  galaxy:
    collections:
      - name: collections/$tarball_name
        type: file
additional_build_files:
  - src: $tarball_name
    dest: collections
YAML

dbt_say "ansible-builder create ($("$venv/bin/ansible-builder" --version))"
"$venv/bin/ansible-builder" create -f "$work/ee/execution-environment.yml" -c "$work/context" \
    --output-filename Containerfile -v 1

"$venv/bin/python" - "$work/context" "$DBT_TARBALL" "$DBT_COLLECTIONS" requirements.txt <<'PY'
import filecmp
import os
import re
import subprocess
import sys

import yaml

context, tarball, collections, runtime_requirements = sys.argv[1:5]
problems = []
containerfile = os.path.join(context, 'Containerfile')
text = open(containerfile, encoding='utf-8').read() if os.path.isfile(containerfile) else ''
for needle in ('ansible-galaxy collection install', 'introspect', 'requirements.yml'):
    if needle not in text:
        problems.append('Containerfile does not contain %r' % needle)

galaxy = yaml.safe_load(open(os.path.join(context, '_build', 'requirements.yml'), encoding='utf-8'))
names = [entry.get('name') for entry in galaxy.get('collections', [])]
expected = 'collections/' + os.path.basename(tarball)
if names != [expected]:
    problems.append('_build/requirements.yml lists %s, expected [%r]' % (names, expected))
copied = os.path.join(context, '_build', expected)
if not (os.path.isfile(copied) and filecmp.cmp(copied, tarball, shallow=False)):
    problems.append('the context does not carry the built tarball at _build/%s' % expected)

# The same introspection the image build runs, on the installed tarball.
pip_out = os.path.join(context, 'introspected-requirements.txt')
subprocess.run([sys.executable, os.path.join(context, '_build', 'scripts', 'introspect.py'), 'introspect',
                '--write-pip', pip_out, collections], check=True, stdout=subprocess.DEVNULL)
found = open(pip_out, encoding='utf-8').read().splitlines() if os.path.exists(pip_out) else []
print('==> ansible-builder introspection of the installed tarball:')
for line in found:
    print('      ' + line)
wanted = [line.split('#')[0].strip() for line in open(runtime_requirements, encoding='utf-8')]
for requirement in filter(None, wanted):
    if not any(line.startswith(requirement) and 'from collection dbtasks.cloud' in line for line in found):
        problems.append('introspection does not report %r from collection dbtasks.cloud' % requirement)
if not any(re.match(r'requests\b', line) for line in found):
    problems.append('introspection does not report requests')
for problem in problems:
    print('  ' + problem)
sys.exit('the execution environment context is incomplete' if problems else 0)
PY
dbt_say "ee: ansible-builder context complete; the collection brings: $(grep -v '^#' requirements.txt | paste -sd' ')"
