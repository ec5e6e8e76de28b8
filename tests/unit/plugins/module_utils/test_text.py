# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.dbtasks.cloud.plugins.module_utils._text import safe_text


@pytest.mark.parametrize("value, shown", [
    ("Restart", "Restart"),
    ("\x1b[2J\x1b[32mPASSED", "\\x1b[2J\\x1b[32mPASSED"),
    ("a\rb\nok: [localhost]", "a\\rb\\nok: [localhost]"),
    ("right\u202eleft", "right\\u202eleft"),
    ("line\u2028sep", "line\\u2028sep"),
    ("back\\slash", "back\\\\slash"),
    ("数据迁移", "数据迁移"),
    (42, "42"),
])
def test_control_characters_are_shown_escaped(value, shown):
    assert safe_text(value) == shown


def test_long_values_are_cut_with_a_visible_marker():
    assert safe_text("x" * 205, limit=200) == "x" * 200 + "...[5 more characters]"
    assert safe_text("x" * 200, limit=200) == "x" * 200


@given(st.text())
def test_the_result_is_one_printable_line(text):
    shown = safe_text(text, limit=50)
    assert shown.isprintable() and "\n" not in shown and "\r" not in shown
