# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # Huawei Cloud connection and authentication options
    DOCUMENTATION = r"""
options:
  access_key:
    description:
      - Access key ID (AK) for AK/SK request signing.
      - Use either O(access_key) and O(secret_key), or O(auth_token).
      - If not set, the value of the E(HUAWEICLOUD_SDK_AK) or E(HW_ACCESS_KEY) environment variable is used, in that order.
    type: str
  secret_key:
    description:
      - Secret access key (SK) that signs every request; it is never sent.
      - If not set, the value of the E(HUAWEICLOUD_SDK_SK) or E(HW_SECRET_KEY) environment variable is used, in that order.
    type: str
  security_token:
    description:
      - Security token of temporary AK/SK credentials, sent and signed as C(X-Security-Token).
      - Only valid together with O(access_key) and O(secret_key) of the same temporary credentials.
      - If not set, the value of the E(HUAWEICLOUD_SDK_SECURITY_TOKEN) or E(HW_SECURITY_TOKEN) environment variable is used,
        in that order. Unset a stale variable when switching to permanent keys.
    type: str
  auth_token:
    description:
      - An IAM token (the C(X-Subject-Token) returned by C(POST /v3/auth/tokens)), sent as C(X-Auth-Token) instead of signing.
      - Tokens are valid for 24 hours. Cannot be combined with O(access_key), O(secret_key) or O(security_token).
      - If not set, the value of the E(HUAWEICLOUD_SDK_AUTH_TOKEN) environment variable is used
        (a name read by this collection, not by the official SDK).
    type: str
  project_id:
    description:
      - ID of the project (per region) that owns the resources, sent in the request path and as C(X-Project-Id).
      - If not set, the value of the E(HUAWEICLOUD_SDK_PROJECT_ID) or E(HW_PROJECT_ID) environment variable is used, in that order.
      - If none is set, O(access_key) and O(secret_key) find it as the official SDK does, once per run. IAM
        C(GET /v3/projects?name=<region>) at O(iam_endpoint) must name exactly one project, else the module fails naming
        the region, or listing the projects found. Required with O(auth_token), and without O(region).
    type: str
  region:
    description:
      - Region name, for example V(cn-north-4). The endpoint is C(https://<service>.<region>.myhuaweicloud.com)
        (C(.myhuaweicloud.eu) for V(eu-west-101)).
      - If not set, the value of the E(HW_REGION_NAME) or E(HUAWEICLOUD_SDK_REGION) environment variable is used, in that order.
      - Required unless O(endpoint) is set.
    type: str
  endpoint:
    description:
      - Base URL used instead of the regional endpoint for every service the module calls (DDS and RDS alike),
        for example a private endpoint, a proxy or a local emulator.
      - May contain the placeholders C({service}) and C({region}), for example V(https://{service}.{region}.example.com).
      - If not set, the value of the E(HUAWEICLOUD_SDK_ENDPOINT) environment variable is used
        (a name read by this collection, not by the official SDK).
    type: str
  iam_endpoint:
    description:
      - Base URL of IAM, where the project ID is looked up when O(project_id) is not set. May contain C({region}).
      - If not set, the value of the E(HUAWEICLOUD_SDK_IAM_ENDPOINT) environment variable is used (the official SDK's
        name); else C(https://iam.<region>.myhuaweicloud.com) (C(https://iam.eu-west-101.myhuaweicloud.eu) for V(eu-west-101)).
    type: str
  profile:
    description:
      - A Huawei Cloud KooCLI (C(hcloud)) profile to take the settings that neither options nor environment variables set
        from - O(access_key), O(secret_key), O(security_token), O(project_id) and O(region) - from C(~/.hcloud/config.json).
      - If not set, the value of the E(HW_PROFILE) environment variable is used. Without either, the C(current) profile of
        the file is used when no credential is set at all and the file exists.
      - The credentials come from the profile only when none of O(access_key), O(secret_key), O(security_token) and
        O(auth_token) is set otherwise. Only C(AKSK) profiles stored unencrypted can be read.
    type: str
  shared_config_file:
    description:
      - The KooCLI configuration file, instead of C(~/.hcloud/config.json).
      - If not set, the value of the E(HW_SHARED_CONFIG_FILE) environment variable is used.
    type: path
notes:
  - Precedence, for each setting - the option (or C(module_defaults)), then its environment variables, then the profile.
  - AK/SK requests carry a C(X-Sdk-Date) timestamp; Huawei Cloud rejects requests more than 15 minutes off its clock,
    so the clock of the host running the module must be correct.
"""
