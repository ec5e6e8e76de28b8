# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Prints the reliability totals (fault matrix, secrets) at the end of the pytest run; helpers live in support.py."""

from __future__ import annotations

from typing import Any

from tests.functional.reliability.support import FAULT_TOTALS, HOSTILE_TOTALS, SECRET_TOTALS


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the reliability totals when the tests that fill them ran."""
    faults, secrets, hostile = FAULT_TOTALS, SECRET_TOTALS, HOSTILE_TOTALS
    if not faults.tried and not secrets.runs and not hostile.cases:
        return
    terminalreporter.section('reliability totals')
    if faults.tried:
        counts = (faults.tried, faults.survived, faults.failed_clearly, faults.warned_incomplete, faults.data_lost, faults.tracebacks, faults.other)
        terminalreporter.write_line('fault matrix: %d faults tried, %d survived, %d failed clearly (%d of them finished with an "incomplete" '
                                    'warning), %d data lost, %d tracebacks, %d other' % counts)
    if secrets.runs:
        terminalreporter.write_line('secrets: %d runs checked in %d ansible processes at -vvvv, %d secret values searched for, %d leaks found%s'
                                    % (secrets.runs, secrets.processes, secrets.secrets, secrets.leaks,
                                       (': ' + ', '.join(secrets.leaked)) if secrets.leaked else ''))
    if hostile.cases:
        counts = (hostile.cases, hostile.handled, hostile.tracebacks, hostile.measured, hostile.peak_rss_mib)
        terminalreporter.write_line('hostile server: %d cases, %d handled as expected, %d tracebacks; peak RSS of %d module processes %.1f MiB'
                                    ' (bound 200 MiB)' % counts)
