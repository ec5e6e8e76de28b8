# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # UCloud connection and authentication options
    DOCUMENTATION = r"""
options:
  public_key:
    description:
      - The public key of a UCloud API key pair.
      - If not set, the value of the E(UCLOUD_PUBLIC_KEY) environment variable is used.
      - Required, as an option or through the environment.
    type: str
  private_key:
    description:
      - The private key of the API key pair; requests are signed with it and it is never sent.
      - If not set, the value of the E(UCLOUD_PRIVATE_KEY) environment variable is used.
      - Required, as an option or through the environment.
    type: str
  project_id:
    description:
      - The project to query, for example C(org-abc123). Sub-accounts must set it; without it the default project is used.
      - If not set, the value of the E(UCLOUD_PROJECT_ID) environment variable is used.
    type: str
  region:
    description:
      - Region sent with every request. UDTS ignores it; it is accepted for APIs that need it.
      - If not set, the value of the E(UCLOUD_REGION) environment variable is used.
    type: str
  base_url:
    description:
      - Base URL of the UCloud API, for example V(https://api.scloudsg.com) for another UCloud site or a local emulator.
      - If not set, the value of the E(UCLOUD_API_BASE_URL) environment variable is used, then the C(base_url) of the
        profile (see O(profile)), then V(https://api.ucloud.cn).
    type: str
  profile:
    description:
      - A UCloud CLI profile to take the settings that neither options nor environment variables set from - the key pair
        from C(~/.ucloud/credential.json), O(project_id), O(region) and O(base_url) from C(~/.ucloud/config.json).
      - If not set, the value of the E(UCLOUD_PROFILE) environment variable is used. Without either, the profile marked
        C(active) in C(config.json) (else V(default)) is used when no key is set at all and C(credential.json) exists.
      - The keys come from the profile only when neither O(public_key) nor O(private_key) is set otherwise.
    type: str
  shared_config_file:
    description:
      - The UCloud CLI configuration file, instead of C(~/.ucloud/config.json).
      - If not set, the value of the E(UCLOUD_SHARED_CONFIG_FILE) environment variable is used.
    type: path
  shared_credentials_file:
    description:
      - The UCloud CLI credentials file, instead of C(~/.ucloud/credential.json).
      - If not set, the value of the E(UCLOUD_SHARED_CREDENTIAL_FILE) environment variable is used.
    type: path
notes:
  - Precedence, for each setting - the option (or C(module_defaults)), then its environment variable, then the profile.
  - UCloud requests are signed with O(private_key); a request rejected with RetCode 171 means the key pair does not match.
"""
