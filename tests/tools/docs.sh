#!/usr/bin/env bash
# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The documentation site: docs/*.md plus the module, role and environment-variable pages antsibull-docs
# generates from the plugin documentation, built to HTML with Sphinx. Any warning fails the build.
#
#   tests/tools/docs.sh VENV          -> docs/build/html/index.html
#
# 1. `antsibull-docs lint-collection-docs --plugin-docs`: documentation syntax and schema of every plugin
#    and role, references to other plugins (ansible.builtin included), rstcheck of the generated pages;
# 2. `antsibull-docs collection` writes the plugin pages (reStructuredText) into docs/build/src/collection;
# 3. sphinx-build -W --keep-going -n with myst-parser for the Markdown pages and the theme and extension
#    antsibull-docs documents for collection docsites.
# The generated pages link to a few pages of the Ansible documentation by label. Offline, intersphinx
# cannot download Ansible's inventory, so a small one is written for exactly those labels (ANSIBLE_LABELS
# below): a new label in the generated pages fails the build as an undefined label until it is added there.
set -euo pipefail

# shellcheck source=tests/tools/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -eq 1 ]] || dbt_die "usage: $0 VENV"
venv="$(cd "$1" && pwd)"
cd "$DBT_ROOT"
build="$DBT_ROOT/docs/build"
src="$build/src"

export PATH="$venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$DBT_ROOT/.build" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false ANSIBLE_NOCOLOR=1
unset PYTHONPATH

dbt_say "antsibull-docs lint-collection-docs ($("$venv/bin/antsibull-docs" --version 2>/dev/null | head -n 1))"
"$venv/bin/antsibull-docs" lint-collection-docs --plugin-docs --validate-collection-refs=dependent \
    --disallow-unknown-collection-refs --check-extra-docs-refs .

rm -rf "$build"
# antsibull-docs writes only into directories that nobody else can write to
mkdir -m 700 "$build" "$src" "$src/collection"
dbt_say "antsibull-docs collection: plugin and role pages"
"$venv/bin/antsibull-docs" collection --use-current --squash-hierarchy --fail-on-error \
    --dest-dir "$src/collection" dbtasks.cloud >"$build/antsibull-docs.log" 2>&1 ||
    { cat "$build/antsibull-docs.log" >&2; dbt_die "antsibull-docs collection failed"; }

# The guide pages first, in reading order; any other page after them.
pages=()
for page in authentication recipes troubleshooting modules states role architecture emulator; do
    [[ -f "docs/$page.md" ]] && pages+=("$page")
done
for file in docs/*.md; do
    page="$(basename "$file" .md)"
    [[ " ${pages[*]} " == *" $page "* ]] || pages+=("$page")
done
cp docs/*.md "$src/"

{
    cat <<'RST'
dbtasks.cloud
=============

Ansible collection for UCloud UDTS migration tasks, Huawei Cloud DDS jobs and Huawei Cloud RDS instant tasks:
info modules, the ``task_wait`` action and the ``wait_for_tasks`` role.

.. toctree::
   :maxdepth: 2
   :caption: Guides

RST
    printf '   %s\n' "${pages[@]}"
    printf '%s\n' '' '.. toctree::' '   :maxdepth: 1' '   :caption: Reference' '' \
        '   collection/index' '   collection/environment_variables'
} >"$src/index.rst"

cat >"$src/conf.py" <<'PY'
# Sphinx configuration written by tests/tools/docs.sh (antsibull-docs' collection docsite settings, plus Markdown).
project = 'dbtasks.cloud'
copyright = '2026 dbtasks.cloud contributors'
title = html_short_title = 'dbtasks.cloud'
extensions = ['sphinx.ext.intersphinx', 'sphinx_antsibull_ext', 'myst_parser']
source_suffix = {'.rst': 'restructuredtext', '.md': 'markdown'}
exclude_patterns = ['ansible.inv']
myst_heading_anchors = 4
pygments_style = 'ansible'
# code blocks without a language stay plain text; the generated pages name theirs (yaml+jinja)
highlight_language = 'none'
html_theme = 'sphinx_ansible_theme'
html_show_sphinx = False
html_use_modindex = False
html_use_index = False
html_copy_source = False
display_version = False
default_role = 'any'
nitpicky = True
intersphinx_mapping = {'ansible_devel': ('https://docs.ansible.com/projects/ansible/devel/', 'ansible.inv')}
PY

"$venv/bin/python" - "$src/ansible.inv" <<'PY'
import sys
import zlib

# label -> (page#anchor, title) in the Ansible documentation
ANSIBLE_LABELS = {
    'action_plugins': ('plugins/action.html#action-plugins', 'Action plugins'),
    'ansible_configuration_settings': ('reference_appendices/config.html#ansible-configuration-settings',
                                       'Ansible Configuration Settings'),
    'common_return_values': ('reference_appendices/common_return_values.html#common-return-values', 'Return Values'),
}
lines = ''.join('%s std:label -1 %s %s\n' % (label, uri, title) for label, (uri, title) in sorted(ANSIBLE_LABELS.items()))
with open(sys.argv[1], 'wb') as handle:
    handle.write(b'# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n'
                 b'# The remainder of this file is compressed using zlib.\n')
    handle.write(zlib.compress(lines.encode('utf-8')))
PY

dbt_say "sphinx-build -W: ${pages[*]} and the plugin pages"
"$venv/bin/sphinx-build" -W --keep-going -n -q -b html "$src" "$build/html"
dbt_say "docs: $build/html/index.html ($(find "$build/html" -name '*.html' | wc -l) pages, no warnings)"
