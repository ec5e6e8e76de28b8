# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The collection's metadata agrees with itself and with what Ansible shows users.

- ``meta/runtime.yml`` action groups against each module's documented ``action_group`` membership, as
  ``ansible-doc`` renders it (doc fragments merged by the ansible-core under test, not by this test);
- every module in exactly one group, except actions that say why not;
- ``galaxy.yml`` completeness (tags, links, build_ignore) and the supported ansible-core range;
- the version the modules send in their User-Agent, and every ``version_added``, against ``galaxy.yml``;
- the ``ansible``/``ansible-playbook`` the functional tests start are the ansible-core this pytest runs.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import subprocess
import sys

import pytest
import yaml
from ansible.release import __version__ as ANSIBLE_CORE_VERSION

from ansible_collections.dbtasks.cloud.plugins.module_utils._transport import COLLECTION_VERSION, USER_AGENT

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
COLLECTION = 'dbtasks.cloud'
BIN_DIR = os.path.dirname(sys.executable)
# Modules that belong to no action group, and why. An action that spans both clouds reads the defaults
# of both groups itself (plugins/action/task_wait.py); a group membership would give it only one.
NOT_IN_A_GROUP = {
    'task_wait': 'spans both clouds; reads the module_defaults of both groups itself',
}


def _load_yaml(relative: str) -> dict:
    with open(os.path.join(REPO_ROOT, relative), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def _module_names() -> list[str]:
    directory = os.path.join(REPO_ROOT, 'plugins', 'modules')
    return sorted(name[:-3] for name in os.listdir(directory) if name.endswith('.py') and not name.startswith('_'))


def _short(name: str) -> str:
    return name[len(COLLECTION) + 1:] if name.startswith(COLLECTION + '.') else name


def _runtime_groups() -> dict[str, set[str]]:
    groups = _load_yaml('meta/runtime.yml').get('action_groups') or {}
    members = {}
    for group, entries in groups.items():
        assert all(isinstance(entry, str) for entry in entries), 'group %s: only module names expected, got %r' % (group, entries)
        members[group] = {_short(entry) for entry in entries}
    return members


@pytest.fixture(scope='module')
def module_docs() -> dict[str, dict]:
    """``ansible-doc --json`` of every module, with the doc fragments merged by ansible-core itself."""
    env = {name: value for name, value in os.environ.items() if not name.startswith('ANSIBLE_')}
    env.update({'ANSIBLE_COLLECTIONS_PATH': os.path.join(REPO_ROOT, '.build'), 'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'false',
                'ANSIBLE_NOCOLOR': '1'})
    names = ['%s.%s' % (COLLECTION, module) for module in _module_names()]
    done = subprocess.run([os.path.join(BIN_DIR, 'ansible-doc'), '--json', '-t', 'module'] + names, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    docs = {_short(name): entry['doc'] for name, entry in json.loads(done.stdout).items()}
    assert sorted(docs) == _module_names(), done.stderr
    return docs


def _documented_groups(doc: dict) -> set[str]:
    action_group = (doc.get('attributes') or {}).get('action_group') or {}
    if action_group.get('support', 'none') == 'none':
        return set()
    membership = action_group.get('membership') or []
    return {_short(group) for group in ([membership] if isinstance(membership, str) else membership)}


def test_every_group_member_is_a_module():
    modules = set(_module_names())
    for group, members in _runtime_groups().items():
        assert members, 'action group %s is empty' % group
        assert members <= modules, 'action group %s lists modules that do not exist: %s' % (group, sorted(members - modules))


def test_modules_are_in_exactly_one_group_unless_exempt():
    groups = _runtime_groups()
    assert set(NOT_IN_A_GROUP) <= set(_module_names()), 'exemptions for modules that do not exist'
    for module in _module_names():
        found = sorted(group for group, members in groups.items() if module in members)
        if module in NOT_IN_A_GROUP:
            assert not found, '%s is exempt (%s) but is in %s' % (module, NOT_IN_A_GROUP[module], found)
            assert os.path.isfile(os.path.join(REPO_ROOT, 'plugins', 'action', module + '.py')), \
                '%s is exempt as an action but has no action plugin' % module
        else:
            assert len(found) == 1, '%s must be in exactly one action group, is in %s' % (module, found)


@pytest.mark.parametrize('module', _module_names())
def test_documented_action_group_matches_runtime(module_docs, module):
    in_runtime = {group for group, members in _runtime_groups().items() if module in members}
    documented = _documented_groups(module_docs[module])
    assert documented == in_runtime, (
        '%s: the documentation (attributes.action_group) says %s, meta/runtime.yml says %s'
        % (module, sorted(documented), sorted(in_runtime)))
    for group in documented:
        description = module_docs[module]['attributes']['action_group']['description']
        assert 'group/%s.%s' % (COLLECTION, group) in str(description)


def test_galaxy_yml_is_complete():
    galaxy = _load_yaml('galaxy.yml')
    for key in ('namespace', 'name', 'version', 'readme', 'authors', 'description', 'license', 'tags', 'build_ignore'):
        assert galaxy.get(key), 'galaxy.yml: %s is missing or empty' % key
    assert (galaxy['namespace'], galaxy['name']) == tuple(COLLECTION.split('.'))
    assert re.match(r'^\d+\.\d+\.\d+$', str(galaxy['version']))
    assert os.path.isfile(os.path.join(REPO_ROOT, galaxy['readme']))
    # Galaxy's rules: at most 20 tags, lower case letters, digits and underscores, at most 64 characters
    tags = galaxy['tags']
    assert len(tags) <= 20 and len(set(tags)) == len(tags)
    for tag in tags:
        assert re.match(r'^[a-z0-9_]{1,64}$', tag), 'galaxy.yml: tag %r is not valid on Galaxy' % tag
    assert {'database', 'cloud', 'ucloud', 'huaweicloud'} <= set(tags)
    for link in ('repository', 'documentation', 'homepage', 'issues'):
        assert re.match(r'^https://\S+$', str(galaxy.get(link) or '')), 'galaxy.yml: %s must be an https:// link' % link
    assert isinstance(galaxy.get('dependencies', {}), dict)


def _version(text: str) -> tuple:
    match = re.match(r'^(\d+)\.(\d+)\.(\d+)$', str(text))
    assert match, '%r is not a MAJOR.MINOR.PATCH version' % text
    return tuple(int(part) for part in match.groups())


def test_user_agent_version_is_the_galaxy_version():
    """Modules run on managed hosts, where galaxy.yml is not there to read: the version is a constant
    (``COLLECTION_VERSION`` in module_utils/_transport.py) that has to move with every release."""
    version = str(_load_yaml('galaxy.yml')['version'])
    assert COLLECTION_VERSION == version, \
        'plugins/module_utils/_transport.py: COLLECTION_VERSION is %s, galaxy.yml version is %s' % (COLLECTION_VERSION, version)
    assert USER_AGENT == '%s/%s' % (COLLECTION, version)


def _versions_added(doc: object, where: str) -> list[tuple]:
    """Every ``version_added`` in a module's documentation (the module's own and its options'), with where it is."""
    found = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key == 'version_added' and value != 'historical':
                found.append((where, str(value)))
            else:
                found.extend(_versions_added(value, '%s.%s' % (where, key)))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            found.extend(_versions_added(value, '%s[%d]' % (where, index)))
    return found


def test_nothing_is_added_in_a_later_version_than_galaxy_yml(module_docs):
    """``version_added`` names the release that brought a module or option: never one after galaxy.yml's."""
    current = _version(_load_yaml('galaxy.yml')['version'])
    found = [item for module, doc in sorted(module_docs.items()) for item in _versions_added(doc, module)]
    assert any(where in module_docs for where, dummy in found), 'no module documents version_added'
    later = ['%s: %s' % item for item in found if _version(item[1]) > current]
    assert not later, 'version_added later than galaxy.yml version %s: %s' % ('.'.join(map(str, current)), later)


@pytest.mark.parametrize('path', [
    '.venv/bin/python', '.venv-2.17/lib/x.py', '.nox/pytest/bin/python', '.ansible/collections/x', '.build/ansible-test/x', '.git/config',
    '.gitignore', '.github/workflows/ci.yml', '.ci/run', 'tests/output/junit.xml', '.pytest_cache/v/x',
    '.hypothesis/examples/x', 'tests/.hypothesis/x', 'extensions/molecule/.ansible/x', '.mypy_cache/x',
    '.cache/x', 'docs/build/html/index.html', 'dbtasks-cloud-0.1.0.tar.gz',
])
def test_build_ignore_covers(path):
    """The patterns as ansible-galaxy applies them: fnmatch on the path of each file and directory, top down."""
    patterns = _load_yaml('galaxy.yml')['build_ignore']
    parts = path.split('/')
    prefixes = ['/'.join(parts[:count]) for count in range(1, len(parts) + 1)]
    assert any(fnmatch.fnmatch(prefix, pattern) for prefix in prefixes for pattern in patterns), \
        'galaxy.yml build_ignore lets %s into the tarball' % path


def test_build_ignore_keeps_the_collection():
    patterns = _load_yaml('galaxy.yml')['build_ignore']
    for path in ('plugins', 'roles', 'playbooks', 'meta', 'docs', 'requirements.txt', 'README.md', 'LICENSE', 'changelogs'):
        assert not any(fnmatch.fnmatch(path, pattern) for pattern in patterns), 'build_ignore drops %s' % path


def test_execution_environment_metadata():
    ee = _load_yaml('meta/execution-environment.yml')
    python = ee['dependencies']['python']
    with open(os.path.join(REPO_ROOT, python), encoding='utf-8') as handle:
        requirements = [line.split('#')[0].strip() for line in handle]
    assert [line for line in requirements if line][0].startswith('requests')


def test_oldest_supported_core_is_the_matrix():
    requires = _load_yaml('meta/runtime.yml')['requires_ansible']
    oldest = re.match(r"^>=\s*(\d+\.\d+)(?:\.0)?$", requires)
    assert oldest, 'requires_ansible %r: expected a lower bound only' % requires
    with open(os.path.join(REPO_ROOT, 'requirements', 'matrix-%s.in' % oldest.group(1)), encoding='utf-8') as handle:
        assert 'ansible-core==%s.' % oldest.group(1) in handle.read()


@pytest.mark.parametrize('command', ['ansible', 'ansible-playbook', 'ansible-doc'])
def test_functional_tests_run_this_ansible_core(command):
    """The functional tests start Ansible from this interpreter's bin directory: it must be this ansible-core."""
    done = subprocess.run([os.path.join(BIN_DIR, command), '--version'], capture_output=True, text=True, timeout=60, check=True)
    first_line = done.stdout.splitlines()[0]
    assert '[core %s]' % ANSIBLE_CORE_VERSION in first_line, first_line
    assert 'python version = %d.%d.' % sys.version_info[:2] in done.stdout
