# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""pytest plugin: a test function that asserts nothing fails ("has no assertion").

A test checks something when its body, or a function it calls by name (followed three calls deep, when it is
part of tests/ or of the test's own file), holds an ``assert``, a ``raise``, or a call of ``pytest.raises``/``warns``/``fail``/``skip`` or of
anything named ``assert*`` (``mock.assert_called_once()``). Loaded by tests/conftest.py.
"""

from __future__ import annotations

import ast
import functools
import inspect
import os
import textwrap
import types
from typing import Any

import pytest

CHECK_CALLS = {'raises', 'warns', 'fail', 'skip', 'xfail', 'deprecated_call', 'importorskip'}
DEPTH = 3
TESTS_DIR = os.path.dirname(os.path.dirname(os.path.realpath(__file__))) + os.sep


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


@functools.lru_cache(maxsize=None)
def _parsed(function: types.FunctionType) -> ast.AST | None:
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return None


def checks_something(function: Any, depth: int = DEPTH) -> bool:
    """Whether ``function`` (or what it calls, ``depth`` calls deep) asserts, raises or calls a checking helper."""
    function = inspect.unwrap(getattr(getattr(function, 'hypothesis', None), 'inner_test', function))
    tree = _parsed(function) if isinstance(function, types.FunctionType) else None
    if tree is None:
        return True  # no source to read (a builtin, a C function): give it the benefit of the doubt
    called = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assert, ast.Raise)):
            return True
        if isinstance(node, ast.Call):
            name = _called_name(node)
            if name is None:
                continue
            if name in CHECK_CALLS or name.lstrip('_').startswith('assert'):
                return True
            called.append(name)
    if depth == 0:
        return False
    scope = function.__globals__
    for name in called:
        helper = scope.get(name)
        if isinstance(helper, types.FunctionType) and helper is not function and _is_test_code(helper, function) \
                and checks_something(helper, depth - 1):
            return True
    return False


def _is_test_code(helper: types.FunctionType, caller: types.FunctionType) -> bool:
    """Helpers of the test suite count; the code under test raising an error proves nothing by itself."""
    path = os.path.realpath(helper.__code__.co_filename)
    return path.startswith(TESTS_DIR) or path == os.path.realpath(caller.__code__.co_filename)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> None:
    if not checks_something(pyfuncitem.obj):
        pytest.fail('%s has no assertion: a test must be able to fail (assert, pytest.raises, ...)' % pyfuncitem.name,
                    pytrace=False)
