# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the benchmarks, print a table and write the same figures to tests/output/bench.json.

    python tests/benchmarks [--only listing,waiting,adhoc,memory] [--rounds N] [--output FILE] [--publish]

Each benchmark starts its own emulator subprocess (``python tests/emulator``) and stops it; docs/benchmarks.md
explains what is measured and how. With ``--publish`` (``make bench``) a complete run, every benchmark run
without error, also becomes docs/bench.json and the table of docs/benchmarks.md (report.py).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
import time
from collections.abc import Sequence
from typing import Any, Callable

if __package__ in (None, ''):  # run as a script: python tests/benchmarks/run.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from tests.benchmarks import common  # noqa: E402  pylint: disable=wrong-import-position
from tests.benchmarks import report as docs_report

BENCHMARKS = ('listing', 'waiting', 'adhoc', 'memory')
DEFAULT_OUTPUT = os.path.join(common.REPO_ROOT, 'tests', 'output', 'bench.json')
COLUMNS = (('benchmark', 30), ('figure', 34), ('measured', 40), ('target', 26), ('result', 8))


def _runner(name: str) -> Callable[..., list[common.Figure]]:
    # Imported here: the collection becomes importable only once setup_paths() ran.
    if name == 'listing':
        from tests.benchmarks import listing  # pylint: disable=import-outside-toplevel
        return listing.run
    if name == 'waiting':
        from tests.benchmarks import waiting  # pylint: disable=import-outside-toplevel
        return waiting.run
    if name == 'adhoc':
        from tests.benchmarks import adhoc  # pylint: disable=import-outside-toplevel
        return adhoc.run
    from tests.benchmarks import memory  # pylint: disable=import-outside-toplevel
    return memory.run


def _verdict(met: bool | None) -> str:
    return '' if met is None else ('met' if met else 'MISSED')


def format_table(figures: Sequence[common.Figure]) -> str:
    """The figures as a fixed-width table, long cells wrapped."""
    lines = ['  '.join(title.ljust(width) for title, width in COLUMNS), '  '.join('-' * width for dummy, width in COLUMNS)]
    previous = None
    for figure in figures:
        cells = [figure.benchmark if figure.benchmark != previous else '', figure.name, figure.measured, figure.target, _verdict(figure.met)]
        previous = figure.benchmark
        wrapped = [textwrap.wrap(cell, width) or [''] for cell, (dummy, width) in zip(cells, COLUMNS)]
        for row in range(max(len(parts) for parts in wrapped)):
            lines.append('  '.join((parts[row] if row < len(parts) else '').ljust(width)
                                   for parts, (dummy, width) in zip(wrapped, COLUMNS)).rstrip())
    return '\n'.join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog='python tests/benchmarks', description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--only', default=','.join(BENCHMARKS), help='comma-separated subset of %s' % ', '.join(BENCHMARKS))
    parser.add_argument('--rounds', type=int, default=0, help='repetitions per measurement (default: each benchmark\'s own)')
    parser.add_argument('--output', default=DEFAULT_OUTPUT, help='JSON file to write (default: tests/output/bench.json)')
    parser.add_argument('--publish', action='store_true',
                        help='after a complete run, copy the JSON to docs/bench.json and regenerate the table in docs/benchmarks.md')
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(',') if name.strip()]
    unknown = sorted(set(chosen) - set(BENCHMARKS))
    if unknown:
        parser.error('unknown benchmark(s) %s; choose from %s' % (', '.join(unknown), ', '.join(BENCHMARKS)))

    common.setup_paths()
    report: dict[str, Any] = {'machine': common.machine(), 'benchmarks': {}, 'figures': []}
    figures: list[common.Figure] = []
    failed = []
    for name in chosen:
        print('==> benchmark %s ...' % name, file=sys.stderr, flush=True)
        started = time.monotonic()
        try:
            produced = _runner(name)(**({'rounds': args.rounds} if args.rounds else {}))
        except Exception as err:  # pylint: disable=broad-exception-caught  # one broken benchmark must not hide the others
            failed.append(name)
            produced = [common.Figure(name, 'error', '%s: %s' % (type(err).__name__, err), met=False)]
        seconds = time.monotonic() - started
        report['benchmarks'][name] = {'seconds': round(seconds, 1), 'ok': name not in failed}
        print('==> benchmark %s done in %.0f s' % (name, seconds), file=sys.stderr, flush=True)
        figures += produced
    report['figures'] = [figure.as_dict() for figure in figures]
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, 'w', encoding='utf-8') as handle:
        json.dump(report, handle, indent=2, sort_keys=False)
        handle.write('\n')
    described = report['machine']
    print('\ndbtasks.cloud benchmarks, %s on %s x %s, Python %s, ansible-core %s (load average at start %s), commit %s%s\n'
          % (described['date'], described['nproc'], described['cpu'], described['python'], described['ansible_core'],
             described['load_average_at_start'], described['git_commit'], ' with uncommitted changes' if described['git_dirty'] else ''))
    print(format_table(figures))
    print('\nfigures written to %s' % os.path.relpath(args.output))
    if args.publish:
        if docs_report.publish(args.output, BENCHMARKS):
            print('complete run: docs/bench.json and the table in docs/benchmarks.md regenerated')
        else:
            print('partial run or a benchmark failed: docs/bench.json and docs/benchmarks.md left as they were')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
