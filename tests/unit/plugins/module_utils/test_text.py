# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.dbtasks.cloud.plugins.module_utils._redact import Redactor
from ansible_collections.dbtasks.cloud.plugins.module_utils._text import Show, safe_text


@pytest.mark.parametrize("value, shown", [
    ("Restart", "Restart"),
    ("\x1b[2J\x1b[32mPASSED", "\\x1b[2J\\x1b[32mPASSED"),
    ("a\rb\nok: [localhost]", "a\\rb\\nok: [localhost]"),
    ("right\u202eleft", "right\\u202eleft"),
    ("line\u2028sep", "line\\u2028sep"),
    ("\x9b31m C1 CSI", "\\x9b31m C1 CSI"),
    # Backslashes stay as they are, so that text made safe once is not escaped again.
    ("back\\slash", "back\\slash"),
    ("数据迁移", "数据迁移"),
    (42, "42"),
    (["x\n"], "['x\\n']"),
])
def test_control_characters_are_shown_escaped(value, shown):
    assert safe_text(value) == shown


def test_long_values_are_cut_with_a_visible_marker():
    assert safe_text("x" * 205, limit=200) == "x" * 200 + "...[5 more characters]"
    assert safe_text("x" * 200, limit=200) == "x" * 200
    assert safe_text("x" * 200_000, limit=0) == "x" * 200_000


def test_the_limit_counts_shown_characters_and_never_cuts_inside_an_escape():
    shown = safe_text("\x1b" * 100, limit=10)
    assert shown == "\\x1b\\x1b...[98 more characters]"


def test_text_already_made_safe_passes_unchanged():
    once = safe_text("\x1b[2J" + "n" * 300, limit=50)
    assert safe_text(once, limit=50) == once
    assert safe_text(once, limit=0) == once
    assert safe_text(once, limit=1000) == once
    # A smaller limit cuts further and adds to the count.
    assert safe_text(once, limit=10) == "\\x1b[2Jnnn...[297 more characters]"


@given(st.text(), st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=60))
def test_the_result_is_one_printable_line_and_safe_text_is_idempotent(text, limit, again):
    shown = safe_text(text, limit=limit)
    assert shown.isprintable() and "\n" not in shown and "\r" not in shown
    if again == 0 or (limit and again >= limit):  # limit 0 cuts nothing: any other limit may cut further
        assert safe_text(shown, limit=again) == shown


def test_show_masks_a_secret_before_the_cut_could_split_it():
    secret = "s3cr3t-value-0123456789"
    show = Show(Redactor([secret]).text)
    shown = show("y" * 195 + secret, limit=200)
    assert secret[:5] not in shown and shown.startswith("y" * 195 + "*****")
    assert show("a\x1bb") == "a\\x1bb"
