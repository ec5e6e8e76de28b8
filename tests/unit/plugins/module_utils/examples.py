# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How many examples the property tests try: every one on ansible-core 2.21, a quarter of them on the older cores.

The properties are of code that does not change with ansible-core's version (signers, parsers, states, pagination,
the modules over arbitrary answers); the older cores' sessions (noxfile ``core_matrix``) set ``DBTASKS_EXAMPLES_SCALE``
to check that each still holds there without trying every example a second and a third time.
"""

from __future__ import annotations

import os

from hypothesis import settings

SCALE = float(os.environ.get('DBTASKS_EXAMPLES_SCALE') or 1)


def examples(count: int) -> int:
    """``count`` examples, scaled; never fewer than 10."""
    return max(10, int(count * SCALE))


def load_profile() -> None:
    """The profile of the property tests that do not say how many examples they want: Hypothesis's default, scaled."""
    settings.register_profile('dbtasks', max_examples=examples(settings.get_profile('default').max_examples))
    settings.load_profile('dbtasks')
