# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The cloud registry: how to connect to each cloud (``ucloud``, ``huaweicloud``) whose APIs the providers use.

A provider record names its cloud; generic code finds here the cloud's
options, how they become a config, and how to build a client, so no code
outside the cloud's own files asks which cloud it has.
"""

from __future__ import annotations

import dataclasses
import typing as t
from collections.abc import Mapping

from ansible_collections.dbtasks.cloud.plugins.module_utils._connection_options import (
    COMMON_SPEC,
    HUAWEI_SPEC,
    UCLOUD_SPEC,
    huawei_config,
    ucloud_config,
)
from ansible_collections.dbtasks.cloud.plugins.module_utils._huawei_client import HuaweiClient
from ansible_collections.dbtasks.cloud.plugins.module_utils._profiles import huawei_profile, ucloud_profile
from ansible_collections.dbtasks.cloud.plugins.module_utils._ucloud_client import UCloudClient


@dataclasses.dataclass(frozen=True, eq=False)
class Cloud:
    name: str  # the task_wait option and role variable that hold its connection options
    label: str
    spec: Mapping[str, Mapping[str, t.Any]]  # its own connection options, without COMMON_SPEC
    configure: t.Callable[[Mapping[str, t.Any]], t.Any]  # validated options -> config; raises ParameterError
    # (config, service, transport, retry_policy, redactor, utcnow, notices=...) -> client
    connect: t.Callable[..., t.Any]
    url_option: str  # the option that overrides the API's URL (checked for plain http://)
    # validated options -> the same with what options and environment left unset taken from a CLI profile
    with_profile: t.Callable[[Mapping[str, t.Any]], dict[str, t.Any]]

    @property
    def options(self) -> dict[str, Mapping[str, t.Any]]:
        """Every connection option of the cloud: its own and the common HTTP ones."""
        return dict(self.spec, **COMMON_SPEC)


UCLOUD = Cloud("ucloud", "UCloud", UCLOUD_SPEC, ucloud_config, UCloudClient.connect, "base_url", ucloud_profile)
HUAWEICLOUD = Cloud("huaweicloud", "Huawei Cloud", HUAWEI_SPEC, huawei_config, HuaweiClient.connect, "endpoint", huawei_profile)
CLOUDS: dict[str, Cloud] = {cloud.name: cloud for cloud in (UCLOUD, HUAWEICLOUD)}
