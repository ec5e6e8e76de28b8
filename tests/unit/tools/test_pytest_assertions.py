# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""tests/tools/pytest_assertions.py: a test function that asserts nothing fails; one that checks anything passes."""

from __future__ import annotations

SAMPLE = '''
import pytest
from unittest import mock


def compute():
    return 1


def check_one(value):
    assert value == 1


def test_calls_without_checking():
    compute()


def test_asserts():
    assert compute() == 1


def test_expects_an_error():
    with pytest.raises(ZeroDivisionError):
        compute() / 0


def test_through_a_checking_helper():
    check_one(compute())


def test_with_a_mock_assertion():
    called = mock.Mock()
    called(compute())
    called.assert_called_once_with(1)
'''


def test_only_the_test_without_an_assertion_fails(pytester):
    pytester.makepyfile(test_sample=SAMPLE)
    result = pytester.runpytest('-p', 'tests.tools.pytest_assertions')
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines(['*test_calls_without_checking has no assertion*'])


def test_a_run_that_collects_nothing_fails(pytester):
    pytester.makepyfile(test_sample=SAMPLE)
    result = pytester.runpytest('-p', 'tests.tools.pytest_assertions', '-k', 'nothing-matches')
    assert result.ret == 5  # pytest's "no tests collected": make pytest and CI pass it on
