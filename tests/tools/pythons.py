# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Find a working Python X.Y interpreter by its real path (``python tests/tools/pythons.py 3.12`` prints it).

Order: ``$DBTASKS_PYTHON<X><Y>`` (e.g. DBTASKS_PYTHON312) if set, the newest pyenv build of X.Y (by its real path:
a pyenv shim only answers for the versions in PYENV_VERSION, and uv skips shims), then ``pythonX.Y`` on PATH. A
candidate counts only if it runs, has that version and has venv and ensurepip (Debian's python3.X may lack them).
"""

from __future__ import annotations

import functools
import glob
import os
import shutil
import subprocess
import sys

_PROBE = 'import ensurepip, sys, venv; print("%d.%d" % sys.version_info[:2])'


def _version_of(path: str) -> str | None:
    try:
        return subprocess.run([path, '-c', _PROBE], capture_output=True, text=True, timeout=30, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


@functools.lru_cache(maxsize=None)
def find_python(version: str) -> str:
    """The path of a Python ``version`` ("3.12"); the bare version when none is found (nox then reports it missing)."""
    override = os.environ.get('DBTASKS_PYTHON' + version.replace('.', ''))
    if override:
        if _version_of(override) != version:
            raise SystemExit('DBTASKS_PYTHON%s=%s is not a working Python %s with venv and ensurepip'
                             % (version.replace('.', ''), override, version))
        return override
    pyenv_root = os.environ.get('PYENV_ROOT') or os.path.expanduser('~/.pyenv')
    builds = glob.glob(os.path.join(pyenv_root, 'versions', version + '*', 'bin', 'python' + version))

    def release(path: str) -> list[int]:
        name = path.split(os.sep)[-3]
        return [int(part) if part.isdigit() else -1 for part in name.replace('-', '.').split('.')]

    candidates = sorted(builds, key=release, reverse=True)
    on_path = shutil.which('python' + version)
    if on_path:
        candidates.append(on_path)
    for candidate in candidates:
        if _version_of(candidate) == version:
            return candidate
    return version


if __name__ == '__main__':
    found = find_python(sys.argv[1])
    if found == sys.argv[1]:
        sys.exit('Python %s was not found: install it (pyenv install %s) or set DBTASKS_PYTHON%s'
                 % (found, found, found.replace('.', '')))
    print(found)
