# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The collection as users get it, for the packaging checks (galaxy.sh, ee.sh). Source it after lib.sh.
# shellcheck shell=bash

# dbt_build_and_install VENV WORKDIR: `ansible-galaxy collection build` of the checkout into WORKDIR/dist and
# `ansible-galaxy collection install` of that tarball (offline, no dependencies to fetch) into
# WORKDIR/collections. Sets DBT_TARBALL and DBT_COLLECTIONS (the collections path to give Ansible).
dbt_build_and_install() {
    local venv="$1" work="$2"
    mkdir -p "$work/dist" "$work/collections"
    "$venv/bin/ansible-galaxy" collection build --force --output-path "$work/dist" "$DBT_ROOT" >"$work/build.log" 2>&1 ||
        { cat "$work/build.log" >&2; dbt_die "ansible-galaxy collection build failed"; }
    DBT_TARBALL="$(find "$work/dist" -maxdepth 1 -name 'dbtasks-cloud-*.tar.gz' | head -n 1)"
    [[ -n "$DBT_TARBALL" ]] || dbt_die "ansible-galaxy collection build wrote no dbtasks-cloud-*.tar.gz"
    # only the target path configured, or a copy in ~/.ansible/collections would count as "already installed"
    ANSIBLE_COLLECTIONS_PATH="$work/collections" \
        "$venv/bin/ansible-galaxy" collection install --offline --force -p "$work/collections" "$DBT_TARBALL" \
            >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; dbt_die "ansible-galaxy collection install failed"; }
    DBT_COLLECTIONS="$work/collections"
    [[ -f "$DBT_COLLECTIONS/ansible_collections/dbtasks/cloud/MANIFEST.json" ]] ||
        dbt_die "the installed collection has no MANIFEST.json under $DBT_COLLECTIONS"
    dbt_say "built $(basename "$DBT_TARBALL") ($(du -k "$DBT_TARBALL" | cut -f1) KiB) and installed it into $DBT_COLLECTIONS"
}
