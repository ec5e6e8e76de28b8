# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator's default credentials: the only file that spells them out (fixed test values, not secrets).

The scenario defaults (scenario.py), the tests, the benchmarks, the demo and molecule read them from here;
``python -m tests.emulator.launcher env URL`` prints them as shell ``export`` lines.
"""

from __future__ import annotations

UCLOUD_PUBLIC_KEY = 'emulator-public-key'
UCLOUD_PRIVATE_KEY = 'emulator-private-key'
HUAWEI_ACCESS_KEY = 'EMULATORAK0000000000'
HUAWEI_SECRET_KEY = 'emulator-secret-key'
HUAWEI_PROJECT_ID = '0123456789abcdef0123456789abcdef'
HUAWEI_TOKEN = 'emulator-token'
HUAWEI_SECURITY_TOKEN = 'emulator-security-token'


def module_options(provider: str, base_url: str) -> dict[str, str]:
    """The connection options of the info module of ``provider`` (udts, dds, rds) for an emulator at ``base_url``."""
    if provider == 'udts':
        return {'public_key': UCLOUD_PUBLIC_KEY, 'private_key': UCLOUD_PRIVATE_KEY, 'base_url': base_url}
    return {'access_key': HUAWEI_ACCESS_KEY, 'secret_key': HUAWEI_SECRET_KEY, 'project_id': HUAWEI_PROJECT_ID, 'endpoint': base_url}


def environment(base_url: str, service_endpoints: bool = False) -> dict[str, str]:
    """The environment variables a user would set, pointing every module at the emulator at ``base_url``.

    ``service_endpoints``: DDS at ``<base>/dds`` and RDS at ``<base>/rds`` (``HUAWEICLOUD_SDK_ENDPOINT=<base>/{service}``),
    two services apart as the real clouds' hosts are.
    """
    return {
        'UCLOUD_PUBLIC_KEY': UCLOUD_PUBLIC_KEY,
        'UCLOUD_PRIVATE_KEY': UCLOUD_PRIVATE_KEY,
        'UCLOUD_API_BASE_URL': base_url,
        'HUAWEICLOUD_SDK_AK': HUAWEI_ACCESS_KEY,
        'HUAWEICLOUD_SDK_SK': HUAWEI_SECRET_KEY,
        'HUAWEICLOUD_SDK_PROJECT_ID': HUAWEI_PROJECT_ID,
        'HUAWEICLOUD_SDK_ENDPOINT': base_url + '/{service}' if service_endpoints else base_url,
    }
