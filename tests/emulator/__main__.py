# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``python tests/emulator --port 0 ...``: run the emulator until SIGTERM or SIGINT."""

from __future__ import annotations

import os
import sys

if __package__ in (None, ''):
    # run as a folder: make the repository root importable so the package's relative imports work
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tests.emulator.cli import main
else:
    from .cli import main

sys.exit(main(sys.argv[1:]))
