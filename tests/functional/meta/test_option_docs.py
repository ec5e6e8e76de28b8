# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One source of truth for the options of ``dbtasks.cloud.task_wait`` and the ``wait_for_tasks`` role.

``TASK_WAIT_SPEC`` (what the action validates) is the truth. Every other place that states an option is
compared with it, and any difference fails with one line per difference:

- ``plugins/modules/task_wait.py`` DOCUMENTATION as ``ansible-doc`` renders it (doc fragments merged by
  ansible-core): names, type, elements, choices, default, required, suboptions, and the environment
  variables of each fallback named as ``E(...)`` in the description. ``ansible-test sanity`` does not do
  this for a docs-only module file whose code is an action plugin;
- the role's ``meta/argument_specs.yml`` (``wait_for_tasks_<option>``), ``defaults/main.yml``, the arguments
  its tasks pass to ``task_wait``, and the defaults its README and ``docs/role.md`` restate;
- every ``provider`` choice list against the provider registry (``registry_providers``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
import yaml
from ansible.module_utils.common.parameters import DEFAULT_TYPE_VALIDATORS

from ansible_collections.dbtasks.cloud.plugins.doc_fragments.task_info import ModuleDocFragment as TaskInfoFragment
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_options import DURATION_BOUNDS, TASK_WAIT_SPEC
from ansible_collections.dbtasks.cloud.plugins.module_utils._wait import WAIT_BOUNDS


def registry_providers() -> list[str]:
    """The provider names of the registry, in its order: the one place this file reads the registry."""
    from ansible_collections.dbtasks.cloud.plugins.module_utils._providers import PROVIDERS  # pylint: disable=import-outside-toplevel
    return list(PROVIDERS)


REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BIN_DIR = os.path.dirname(sys.executable)
ROLE_DIR = os.path.join(REPO_ROOT, 'roles', 'wait_for_tasks')
ROLE_PREFIX = 'wait_for_tasks_'
# Pages that restate the role's variables and defaults in a Markdown table.
ROLE_TABLES = ('roles/wait_for_tasks/README.md', 'docs/role.md')

# Intended differences between the action's options and the role's variables, each with its reason. Both empty:
# every option of task_wait is a role variable of the same name and the role has no variable of its own.
# An entry that no longer matches a difference fails too, so none outlives its reason.
NOT_IN_ROLE: dict[str, str] = {}
ROLE_ONLY: dict[str, str] = {}
# Options the role passes as a fixed value rather than from a variable: {option: (value, reason)}.
ROLE_FIXED: dict[str, tuple[str, str]] = {
    'variable_prefix': (ROLE_PREFIX, "messages name the role's variables, and misspelled ones are reported; nothing for users to set"),
}

# Argument spec keys that are compared, and those that are not (with why). Any other key fails the test, so a
# new kind of constraint in the spec is not silently left out of the comparison.
COMPARED = ('type', 'elements', 'choices', 'default', 'required', 'aliases')
NOT_COMPARED = {
    'options': 'compared as suboptions',
    'fallback': 'compared with the E() names in the module documentation',
    'no_log': 'compared with the role argument spec (the module documentation has no such key)',
    'apply_defaults': 'how the validator fills an omitted dict; the documented default is the same {}',
}
# Keys a documented option may have besides the compared ones.
DOC_KEYS = set(COMPARED) | {'description', 'suboptions', 'options', 'no_log', 'version_added', 'version_added_collection'}

Diff = list[str]


def _load_yaml(relative: str) -> Any:
    with open(os.path.join(REPO_ROOT, relative), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def _read(relative: str) -> str:
    with open(os.path.join(REPO_ROOT, relative), encoding='utf-8') as handle:
        return handle.read()


def _coerce(value: Any, type_name: str, elements: str | None) -> Any:
    """``value`` as Ansible's validator converts it for ``type``, so 30 and 30.0 of a float are equal, 1 and True are not."""
    if value is None:
        return None
    converted = DEFAULT_TYPE_VALIDATORS[type_name](value)
    if type_name == 'list' and elements:
        converted = [DEFAULT_TYPE_VALIDATORS[elements](item) for item in converted]
    return converted


def _shown(value: Any) -> str:
    """A value as one comparable, readable string: types stay apart (30 vs 30.0 vs '30'), tuples read as lists."""
    return json.dumps(value, sort_keys=True, default=repr)


def _as_list(text: Any) -> list[str]:
    if text is None:
        return []
    return [text] if isinstance(text, str) else list(text)


def _facts(option: Mapping[str, Any], sub_key: str) -> tuple[dict[str, str], Mapping[str, Any] | None]:
    """The compared fields of one option (missing ones at Ansible's defaults), and its suboptions."""
    type_name = option.get('type', 'str')
    elements = option.get('elements')
    facts = {
        'type': type_name,
        'elements': _shown(elements),
        'choices': _shown([_coerce(choice, elements if type_name == 'list' else type_name, None)
                           for choice in option['choices']] if option.get('choices') is not None else None),
        'default': _shown(_coerce(option.get('default'), type_name, elements)),
        'required': _shown(bool(option.get('required', False))),
        'aliases': _shown(sorted(option.get('aliases') or [])),
    }
    return facts, option.get(sub_key)


def compare_options(spec: Mapping[str, Any], other: Mapping[str, Any], other_name: str, other_sub_key: str,
                    rename=lambda name: name, path: str = '') -> Diff:
    """Every difference between the argument spec ``spec`` and documented options ``other``, one line each."""
    diff: Diff = []
    expected = {rename(name): name for name in spec}
    for shown_name in sorted(set(expected) | set(other or {})):
        where = path + shown_name
        if shown_name not in (other or {}):
            diff.append('%s: in TASK_WAIT_SPEC, missing from %s' % (where, other_name))
            continue
        if shown_name not in expected:
            diff.append('%s: in %s, not in TASK_WAIT_SPEC' % (where, other_name))
            continue
        spec_option, doc_option = spec[expected[shown_name]], other[shown_name]
        unknown = set(spec_option) - set(COMPARED) - set(NOT_COMPARED)
        if unknown:
            diff.append('%s: TASK_WAIT_SPEC uses %s, which this test does not compare yet' % (where, sorted(unknown)))
        unknown = set(doc_option) - DOC_KEYS
        if unknown:
            diff.append('%s: %s uses %s, which this test does not compare yet' % (where, other_name, sorted(unknown)))
        spec_facts, spec_sub = _facts(spec_option, 'options')
        doc_facts, doc_sub = _facts(doc_option, other_sub_key)
        for field in COMPARED:
            if spec_facts[field] != doc_facts[field]:
                diff.append('%s.%s: TASK_WAIT_SPEC %s, %s %s' % (where, field, spec_facts[field], other_name, doc_facts[field]))
        if spec_sub or doc_sub:
            diff.extend(compare_options(spec_sub or {}, doc_sub or {}, other_name, other_sub_key, path=where + '.'))
    return diff


def _fail_on(diff: Diff, what: str) -> None:
    if diff:
        pytest.fail('%s differs in %d place(s):\n  %s' % (what, len(diff), '\n  '.join(diff)), pytrace=False)


def _walk(options: Mapping[str, Any], sub_key: str, path: str = '') -> dict[str, Mapping[str, Any]]:
    """{path: option} of every option and suboption, paths like ``ucloud.private_key``."""
    found: dict[str, Mapping[str, Any]] = {}
    for name, option in (options or {}).items():
        found[path + name] = option
        found.update(_walk(option.get(sub_key) or {}, sub_key, path + name + '.'))
    return found


@pytest.fixture(scope='module')
def task_wait_doc() -> dict[str, Any]:
    """``ansible-doc --json dbtasks.cloud.task_wait``: the documentation as users see it."""
    env = {name: value for name, value in os.environ.items() if not name.startswith('ANSIBLE_')}
    env.update({'ANSIBLE_COLLECTIONS_PATH': os.path.join(REPO_ROOT, '.build'), 'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'false',
                'ANSIBLE_NOCOLOR': '1'})
    done = subprocess.run([os.path.join(BIN_DIR, 'ansible-doc'), '--json', '-t', 'module', 'dbtasks.cloud.task_wait'],
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)['dbtasks.cloud.task_wait']


@pytest.fixture(scope='module')
def role_spec() -> dict[str, Any]:
    return _load_yaml('roles/wait_for_tasks/meta/argument_specs.yml')['argument_specs']['main']['options']


def _spec_defaults() -> dict[str, str]:
    return {name: _shown(_coerce(option.get('default'), option.get('type', 'str'), option.get('elements')))
            for name, option in TASK_WAIT_SPEC.items()}


def _role_option(name: str) -> str:
    return ROLE_PREFIX + name


# --- task_wait: DOCUMENTATION against the spec ---------------------------------------------------------------------


def test_task_wait_doc_matches_the_spec(task_wait_doc):
    _fail_on(compare_options(TASK_WAIT_SPEC, task_wait_doc['doc']['options'], 'DOCUMENTATION', 'suboptions'),
             'plugins/modules/task_wait.py DOCUMENTATION against TASK_WAIT_SPEC')


def test_task_wait_doc_names_each_fallback_variable(task_wait_doc):
    """Each option with an environment fallback names exactly those variables, as E(NAME), in its description."""
    diff: Diff = []
    documented = _walk(task_wait_doc['doc']['options'], 'suboptions')
    for path, option in _walk(TASK_WAIT_SPEC, 'options').items():
        fallback = option.get('fallback')
        variables = sorted(fallback[1]) if fallback else []
        named = sorted(set(re.findall(r'E\(([A-Z0-9_]+)\)', ' '.join(_as_list((documented.get(path) or {}).get('description'))))))
        if variables != named:
            diff.append('%s: falls back to %s, the description names %s' % (path, variables, named))
    _fail_on(diff, 'environment variables in the task_wait DOCUMENTATION')


def _stated_bounds(text: Any) -> list[tuple[int, int]]:
    return [(int(low), int(high)) for low, high in re.findall(r'from (\d+) to (\d+)', ' '.join(_as_list(text)))]


def test_duration_bounds_are_stated_as_enforced(task_wait_doc, role_spec):
    """The bounds parse_plan enforces on each duration option are the ones the docs state, as "from <min> to <max>"
    (the role README's table has no meaning column)."""
    diff: Diff = []
    for option, bounds in DURATION_BOUNDS.items():
        texts = {
            'task_wait DOCUMENTATION': task_wait_doc['doc']['options'][option]['description'],
            'role meta/argument_specs.yml': role_spec[_role_option(option)]['description'],
            'docs/role.md': ' | '.join(_table_rows('docs/role.md')[_role_option(option)]),
        }
        for where, text in texts.items():
            if _stated_bounds(text) != [bounds]:
                diff.append('%s: %s states %s, parse_plan enforces %s' % (where, option, _stated_bounds(text), bounds))
    _fail_on(diff, 'the stated bounds of the duration options')


def test_the_info_modules_wait_bounds_are_stated_as_enforced():
    options = yaml.safe_load(TaskInfoFragment.DOCUMENTATION)['options']
    diff = ['doc_fragments/task_info.py: %s states %s, the module enforces %s' % (option, _stated_bounds(options[option]['description']), bounds)
            for option, bounds in WAIT_BOUNDS.items() if _stated_bounds(options[option]['description']) != [bounds]]
    _fail_on(diff, 'the stated bounds of the wait options')


# --- the role: argument spec, defaults, the task that calls task_wait, restated defaults -----------------------------


def test_exemptions_name_real_options(role_spec):
    assert set(NOT_IN_ROLE) <= set(TASK_WAIT_SPEC), 'NOT_IN_ROLE lists options task_wait does not have'
    assert {_role_option(name) for name in NOT_IN_ROLE}.isdisjoint(role_spec), 'NOT_IN_ROLE lists options the role has'
    assert set(ROLE_ONLY) <= set(role_spec), 'ROLE_ONLY lists variables the role does not have'
    assert set(ROLE_FIXED) <= set(TASK_WAIT_SPEC), 'ROLE_FIXED lists options task_wait does not have'
    assert {_role_option(name) for name in ROLE_FIXED}.isdisjoint(role_spec), 'ROLE_FIXED lists options the role has as variables'


def test_role_argument_spec_matches_the_spec(role_spec):
    spec = {name: option for name, option in TASK_WAIT_SPEC.items() if name not in NOT_IN_ROLE and name not in ROLE_FIXED}
    role = {name: option for name, option in role_spec.items() if name not in ROLE_ONLY}
    _fail_on(compare_options(spec, role, 'meta/argument_specs.yml', 'options', rename=_role_option),
             'roles/wait_for_tasks/meta/argument_specs.yml against TASK_WAIT_SPEC')


def test_role_marks_the_same_secrets(role_spec):
    """The role validates its variables before task_wait runs: every no_log option of the action is no_log there too."""
    diff: Diff = []
    role = _walk(role_spec, 'options')
    for path, option in _walk(TASK_WAIT_SPEC, 'options').items():
        role_path = _role_option(path)
        secret, role_secret = bool(option.get('no_log')), bool((role.get(role_path) or {}).get('no_log'))
        if role_path in role and secret != role_secret:
            diff.append('%s: no_log %s in TASK_WAIT_SPEC, %s in the role' % (role_path, secret, role_secret))
    _fail_on(diff, 'no_log in the role argument spec')


def test_role_defaults_file_matches(role_spec):
    defaults = _load_yaml('roles/wait_for_tasks/defaults/main.yml')
    diff: Diff = []
    for name in sorted(set(defaults) | set(role_spec)):
        if name not in role_spec:
            diff.append('%s: in defaults/main.yml, not in meta/argument_specs.yml' % name)
        elif name not in defaults:
            diff.append('%s: in meta/argument_specs.yml, missing from defaults/main.yml' % name)
    spec_defaults = _spec_defaults()
    for name, option in TASK_WAIT_SPEC.items():
        if name in NOT_IN_ROLE or _role_option(name) not in defaults:
            continue
        shown = _shown(_coerce(defaults[_role_option(name)], option.get('type', 'str'), option.get('elements')))
        if shown != spec_defaults[name]:
            diff.append('%s: defaults/main.yml %s, TASK_WAIT_SPEC %s' % (_role_option(name), shown, spec_defaults[name]))
    _fail_on(diff, 'roles/wait_for_tasks/defaults/main.yml')


def _task_wait_calls(tasks: list[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    for task in tasks or []:
        for key in ('block', 'rescue', 'always'):
            yield from _task_wait_calls(task.get(key) or [])
        for action in ('dbtasks.cloud.task_wait', 'task_wait'):
            if action in task:
                yield task[action]


def test_role_passes_every_option_from_its_variable():
    """Each option of task_wait is reachable from the role variable of its name, and nothing else is passed."""
    directory = os.path.join(ROLE_DIR, 'tasks')
    calls = []
    for name in sorted(os.listdir(directory)):
        if name.endswith(('.yml', '.yaml')):
            calls.extend(_task_wait_calls(_load_yaml(os.path.join('roles', 'wait_for_tasks', 'tasks', name))))
    assert len(calls) == 1, 'expected one task_wait task in roles/wait_for_tasks/tasks/, found %d' % len(calls)
    args = calls[0]
    diff: Diff = []
    for option in sorted(set(TASK_WAIT_SPEC) | set(args)):
        if option not in TASK_WAIT_SPEC:
            diff.append('%s: passed to task_wait, which has no such option' % option)
        elif option in ROLE_FIXED:
            if args.get(option) != ROLE_FIXED[option][0]:
                diff.append('%s: passed as %r, ROLE_FIXED says %r (%s)' % ((option, args.get(option)) + ROLE_FIXED[option]))
        elif option in NOT_IN_ROLE:
            if option in args:
                diff.append('%s: passed, but NOT_IN_ROLE says the role leaves it out (%s)' % (option, NOT_IN_ROLE[option]))
        elif option not in args:
            diff.append('%s: not passed; set it from {{ %s }} or list it in NOT_IN_ROLE with the reason' % (option, _role_option(option)))
        elif not re.match(r'^\{\{\s*%s\s*\}\}$' % re.escape(_role_option(option)), str(args[option])):
            diff.append('%s: passed as %r, expected "{{ %s }}"' % (option, args[option], _role_option(option)))
    _fail_on(diff, 'the arguments roles/wait_for_tasks/tasks pass to task_wait')


def _table_rows(relative: str) -> dict[str, list[str]]:
    """Rows of the Markdown tables whose first cell is a role variable: {variable: [other cells]}."""
    rows = {}
    for line in _read(relative).splitlines():
        match = re.match(r'^\| `(%s\w+)` \|(.*)\|\s*$' % ROLE_PREFIX, line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in re.split(r'(?<!\\)\|', match.group(2))]
    return rows


@pytest.mark.parametrize('relative', ROLE_TABLES)
def test_restated_role_defaults_match(relative, role_spec):
    """The variable tables of the role README and docs/role.md: every variable, each with the spec's default."""
    rows = _table_rows(relative)
    diff: Diff = []
    for name in sorted(set(rows) | set(role_spec)):
        if name not in rows:
            diff.append('%s: a role variable missing from the table' % name)
        elif name not in role_spec:
            diff.append('%s: in the table, not a role variable' % name)
    spec_defaults = _spec_defaults()
    for name, option in TASK_WAIT_SPEC.items():
        variable = _role_option(name)
        if variable not in rows:
            continue
        # The default column starts with the default in backticks (more may follow: "`[]`, items ...").
        first = re.match(r'^`([^`]*)`', rows[variable][0])
        shown = _shown(_coerce(yaml.safe_load(first.group(1)), option.get('type', 'str'), option.get('elements'))) if first else None
        if shown != spec_defaults[name]:
            diff.append('%s: the table says %s, TASK_WAIT_SPEC %s' % (variable, rows[variable][0], spec_defaults[name]))
    # Defaults restated in prose: "`wait_for_tasks_progress_interval` seconds (default 60)".
    for variable, text in re.findall(r'`(%s\w+)`[^`()|]*\(default ([^)]+)\)' % ROLE_PREFIX, _read(relative)):
        name = variable[len(ROLE_PREFIX):]
        option = TASK_WAIT_SPEC.get(name, {})
        shown = _shown(_coerce(yaml.safe_load(text.strip('`')), option.get('type', 'str'), option.get('elements')))
        if shown != spec_defaults.get(name):
            diff.append('%s: the text says (default %s), TASK_WAIT_SPEC %s' % (variable, text, spec_defaults.get(name)))
    # The connection cells name suboptions: each must be one.
    for connection in ('ucloud', 'huaweicloud'):
        for cell in rows.get(_role_option(connection), [])[1:]:
            for named in re.findall(r'`(\w+)`', cell):
                if named not in TASK_WAIT_SPEC[connection]['options']:
                    diff.append('%s: names `%s`, which is no %s option' % (_role_option(connection), named, connection))
    _fail_on(diff, '%s (the role variables table)' % relative)


# --- providers: every choice list against the registry ----------------------------------------------------------------


def test_registry_is_not_empty():
    assert registry_providers(), 'the provider registry lists no provider'


def _provider_choices(options: Mapping[str, Any], sub_key: str) -> dict[str, Any]:
    found = {path: option.get('choices') for path, option in _walk(options, sub_key).items() if path.split('.')[-1] == 'provider'}
    assert found, 'no provider option found'
    return found


def test_provider_choices_are_the_registry(task_wait_doc, role_spec):
    providers = registry_providers()
    places = {
        'TASK_WAIT_SPEC': _provider_choices(TASK_WAIT_SPEC, 'options'),
        'task_wait DOCUMENTATION': _provider_choices(task_wait_doc['doc']['options'], 'suboptions'),
        'role meta/argument_specs.yml': _provider_choices(role_spec, 'options'),
    }
    diff: Diff = ['%s %s: choices %s' % (where, path, choices)
                  for where, found in places.items() for path, choices in sorted(found.items()) if choices != providers]
    # The return value documents the same names in its description.
    returned = task_wait_doc['return']['tasks']['contains']['provider']['description']
    named = re.findall(r'V\((\w+)\)', ' '.join(_as_list(returned)))
    if named != providers:
        diff.append('task_wait RETURN tasks[].provider: names %s' % named)
    _fail_on(diff, 'provider choices against the registry %s' % providers)


@pytest.mark.parametrize('relative', ROLE_TABLES)
def test_provider_lists_in_role_tables_are_the_registry(relative):
    """The tasks row spells the choices as `{provider: udts|dds|rds, ...}` (pipes escaped inside the table)."""
    cells = ' '.join(_table_rows(relative)[_role_option('tasks')])
    spelled = re.findall(r'provider: ([a-z0-9_\\|]+)', cells)
    assert spelled, '%s: no "provider: a|b|c" in the %s row' % (relative, _role_option('tasks'))
    _fail_on(['%s row: provider: %s' % (_role_option('tasks'), text)
              for text in spelled if text.replace('\\', '').split('|') != registry_providers()],
             '%s against the registry %s' % (relative, registry_providers()))
