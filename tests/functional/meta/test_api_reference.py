# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""docs/api-reference.md is the project's reference for the three APIs: what it states is checked here.

- its signing vectors sign as stated with the collection's signers and the emulator's (written apart from each
  other), and are the vectors the signer unit tests pin;
- every emulator option its table of unsettled facts names exists, and strict mode plays the value it names;
- the code and the tests cite it, and nothing cites a reference file outside the repository.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from typing import Any

import pytest

from ansible_collections.dbtasks.cloud.plugins.module_utils import _huawei_signer, _ucloud_signer
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils import test_huawei_signer, test_ucloud_signer
from tests.emulator import auth
from tests.emulator.scenario import Options

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
REFERENCE = os.path.join(REPO_ROOT, 'docs', 'api-reference.md')


def _section(name: str) -> list[list[str]]:
    """The table rows between ``<!-- name -->`` and ``<!-- /name -->``, header and rule left out, cells unquoted."""
    with open(REFERENCE, encoding='utf-8') as handle:
        text = handle.read()
    block = text.split('<!-- %s -->' % name)[1].split('<!-- /%s -->' % name)[0]
    rows = [line.strip().strip('|').split(' | ') for line in block.strip().splitlines()[2:]]
    return [[cell.strip() for cell in row] for row in rows]


def _code(cell: str) -> str:
    match = re.fullmatch(r'`([^`]*)`', cell)
    assert match, 'not a single code span: %r' % cell
    return match.group(1)


def _params(cell: str) -> dict[str, str]:
    return dict(pair.split('=', 1) for pair in _code(cell).split(', '))


def test_ucloud_vectors_sign_as_stated_and_are_the_unit_tests_vectors() -> None:
    rows = _section('ucloud-vectors')
    assert len(rows) == 5
    stated = []
    for params_cell, public_cell, private_cell, signature_cell in rows:
        params, public_key, private_key, signature = _params(params_cell), _code(public_cell), _code(private_cell), _code(signature_cell)
        assert _ucloud_signer.sign_ucloud_params(params, public_key, private_key)['Signature'] == signature
        assert auth.ucloud_signature(dict(params, PublicKey=public_key), private_key) == signature
        stated.append(({name: str(value) for name, value in params.items()}, public_key, private_key, signature))
    pinned = [({name: str(value) for name, value in params.items()}, public_key, private_key, signature)
              for params, public_key, private_key, signature in test_ucloud_signer.VECTORS]
    assert stated == pinned


def test_the_huawei_vector_signs_as_stated_and_is_the_unit_tests_vector() -> None:
    fields = dict(_section('huawei-vector'))
    method, path = (_code(part) for part in fields['request'].split(' '))
    query = dict(_code(part).split('=', 1) for part in fields['query'].split(', '))
    headers = dict(_code(part).split(': ', 1) for part in fields['headers'].split(', '))
    signed = _code(fields['signed headers']).split(';')
    canonical = _huawei_signer.canonical_request(method, path, query, headers, b'')
    assert hashlib.sha256(canonical.encode()).hexdigest() == _code(fields['canonical request hash'])
    to_sign = _huawei_signer.string_to_sign(canonical, headers['X-Sdk-Date'])
    assert _huawei_signer.signature(_code(fields['SK']), to_sign) == _code(fields['signature'])
    lowered = {name.lower(): value for name, value in headers.items()}
    emulated = auth.canonical_request(method, path, sorted(query.items()), lowered, signed, hashlib.sha256(b'').hexdigest())
    assert auth.huawei_signature(_code(fields['SK']), auth.string_to_sign(headers['X-Sdk-Date'], emulated)) == _code(fields['signature'])
    unit = test_huawei_signer
    assert (_code(fields['AK']), _code(fields['SK']), path, query, headers, _code(fields['signature'])) == \
        (unit.AK, unit.SK, unit.PATH, unit.QUERY, unit.HEADERS, unit.SIGNATURE)


def _options(cell: str) -> list[tuple[str, Any]]:
    """``option`` (value) pairs of the table's last column; nothing for a reading the emulator always or never plays."""
    match = re.fullmatch(r'`(\w+)` \((?:`([^`]+)`|(\w+))(?:, also the default)?\)', cell)
    if match is None:
        return []
    value: Any = match.group(2) if match.group(2) is not None else match.group(3)
    value = {'true': True, 'false': False}.get(value, value)
    return [(match.group(1), int(value) if isinstance(value, str) and value.isdigit() else value)]


def test_every_unsettled_fact_is_played_by_the_emulator_as_the_table_says() -> None:
    rows = _section('unsettled')
    assert len(rows) >= 12 and all(len(row) == 5 for row in rows)
    strict, default = Options(strict=True), Options()
    played = [pair for row in rows for pair in _options(row[4])]
    expected = {'udts_total_count', 'udts_page_cap', 'dds_span_under_30_days', 'dds_total_count', 'rds_end_time_needs_start_time',
                'rds_error_body', 'skew_message', 'unknown_job_status',
                'rds_planned_end_time'}
    assert {name for name, dummy in played} == expected
    effective = {'udts_total_count': lambda options: options.udts_total_count, 'dds_total_count': lambda options: options.dds_total_count,
                 'udts_page_cap': lambda options: options.udts_cap, 'dds_span_under_30_days': lambda options: options.dds_strict_span,
                 'rds_end_time_needs_start_time': lambda options: options.rds_needs_start,
                 'rds_planned_end_time': lambda options: options.rds_planned_end,
                 'rds_error_body': lambda options: 'errCode' if options.rds_err_code_body else 'error_code',
                 'skew_message': lambda options: 'gateway' if options.generic_skew else 'clock',
                 'unknown_job_status': lambda options: options.job_missing_status}
    for name, value in played:
        assert hasattr(default, name), name
        assert effective[name](strict) == value, name
        assert effective[name](Options(**{name: value})) == value, name


def _tracked_text_files() -> list[str]:
    listed = subprocess.run(['git', 'ls-files', '--cached', '--others', '--exclude-standard'], cwd=REPO_ROOT, capture_output=True,
                            text=True, check=True).stdout.split()
    return [path for path in listed if path.endswith(('.py', '.md', '.yml', '.yaml', '.txt', '.cfg', '.ini', '.toml'))
            and os.path.exists(os.path.join(REPO_ROOT, path))]


@pytest.mark.parametrize('path', ['plugins/module_utils/_ucloud_signer.py', 'plugins/module_utils/_huawei_signer.py',
                                  'plugins/module_utils/_udts.py', 'plugins/module_utils/_times.py', 'plugins/module_utils/_huawei_client.py',
                                  'tests/unit/plugins/module_utils/test_ucloud_signer.py', 'tests/emulator/scenario.py'])
def test_code_and_tests_cite_the_reference(path: str) -> None:
    with open(os.path.join(REPO_ROOT, path), encoding='utf-8') as handle:
        assert 'docs/api-reference.md' in handle.read()


def test_no_file_cites_a_reference_outside_the_repository() -> None:
    # spelled in pieces, so that this file does not match itself
    outside = re.compile(r'(?<![\w-])' + 'REFERENCE' + r'\.md|' + '/work/' + 'shared')
    cited = [path for path in _tracked_text_files() if outside.search(open(os.path.join(REPO_ROOT, path), encoding='utf-8').read())]
    assert cited == []
