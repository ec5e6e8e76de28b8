# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The module boundary: option specs merged, client built, errors turned into fail_json."""

from __future__ import annotations

import time
import typing as t
from datetime import datetime, timezone

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.dbtasks.cloud.plugins.module_utils._common import (
    COMMON_SPEC,
    PROVIDER_SPECS,
    huawei_config,
    secret_values,
    transport_settings,
    ucloud_config,
)
from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import DbTasksError
from ansible_collections.dbtasks.cloud.plugins.module_utils._huawei_client import HuaweiClient
from ansible_collections.dbtasks.cloud.plugins.module_utils._redact import Redactor
from ansible_collections.dbtasks.cloud.plugins.module_utils._retry import RetryPolicy
from ansible_collections.dbtasks.cloud.plugins.module_utils._transport import HAS_REQUESTS, REQUESTS_IMPORT_ERROR, RequestsTransport
from ansible_collections.dbtasks.cloud.plugins.module_utils._ucloud_client import UCloudClient


class RuntimeHooks:
    """Where requests go and how time passes; tests swap the whole object.

    ``transport`` None means a ``RequestsTransport`` built from the options.
    """

    def __init__(
        self,
        transport: t.Any = None,
        sleep: t.Callable[[float], t.Any] = time.sleep,
        clock: t.Callable[[], float] = time.monotonic,
        utcnow: t.Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ) -> None:
        self.transport = transport
        self.sleep = sleep
        self.clock = clock
        self.utcnow = utcnow


class DbTasksModule:
    """Base of every module: ``DbTasksModule(spec, "ucloud").run(lambda: {...})``.

    ``hooks`` may be passed here or set on the class (a module's ``main()``
    cannot pass it, so module tests replace ``DbTasksModule.hooks``).
    """

    hooks = RuntimeHooks()

    def __init__(
        self,
        argument_spec: dict[str, t.Any],
        provider: str,
        service: str | None = None,
        hooks: RuntimeHooks | None = None,
        **ansible_module_kwargs: t.Any,
    ) -> None:
        if provider not in PROVIDER_SPECS:
            raise ValueError("unknown provider %r" % provider)
        if provider == "huaweicloud" and not service:
            raise ValueError("a Huawei Cloud module must name its service (dds, rds)")
        spec: dict[str, t.Any] = {}
        spec.update(PROVIDER_SPECS[provider])
        spec.update(COMMON_SPEC)
        spec.update(argument_spec)
        ansible_module_kwargs.setdefault("supports_check_mode", True)
        self.module = AnsibleModule(argument_spec=spec, **ansible_module_kwargs)
        self.provider = provider
        self.service = service
        self.hooks = hooks or type(self).hooks
        self.redactor = Redactor(secret_values(spec, self.module.params))
        self._clients: dict[str | None, t.Any] = {}
        self._transport: t.Any = None

        if not HAS_REQUESTS and self.hooks.transport is None:
            self.module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        try:
            self.transport_settings = transport_settings(self.module.params)
            self.connection = ucloud_config(self.module.params) if provider == "ucloud" else huawei_config(self.module.params)
        except DbTasksError as err:
            self.fail(err)
            return

    @property
    def params(self) -> dict[str, t.Any]:
        return self.module.params

    @property
    def check_mode(self) -> bool:
        return self.module.check_mode

    @property
    def transport(self) -> t.Any:
        if self._transport is None:
            self._transport = self.hooks.transport or RequestsTransport(redactor=self.redactor, **self.transport_settings)
        return self._transport

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(retries=self.params["retries"], sleep=self.hooks.sleep, clock=self.hooks.clock)

    def client_for(self, service: str | None) -> t.Any:
        """The client of ``service`` (Huawei) or the UCloud client; built once, sharing one transport."""
        if service not in self._clients:
            if self.provider == "ucloud":
                client: t.Any = UCloudClient(self.connection, self.transport, self.retry_policy(), redactor=self.redactor)
            else:
                client = HuaweiClient(self.connection, service or "", self.transport, self.retry_policy(),
                                      redactor=self.redactor, utcnow=self.hooks.utcnow)
            self._clients[service] = client
        return self._clients[service]

    @property
    def client(self) -> t.Any:
        return self.client_for(self.service)

    def warn(self, message: str) -> None:
        self.module.warn(self.redactor.text(message))

    def fail(self, error: DbTasksError) -> None:
        """Exit through ``fail_json`` with the error's structured, redacted fields."""
        fields = {
            name: self.redactor.text(value) if isinstance(value, str) else value
            for name, value in error.to_fail_kwargs().items()
        }
        self.close()
        self.module.fail_json(**fields)

    def close(self) -> None:
        if self._transport is not None and self.hooks.transport is None:
            self._transport.close()

    def run(self, fn: t.Callable[[], dict[str, t.Any]]) -> None:
        """Run ``fn`` and exit with its result (``changed=False``) or fail with the structured error."""
        try:
            result = dict(fn())
        except DbTasksError as err:
            self.fail(err)
            return
        finally:
            self.close()
        result["changed"] = False
        self.module.exit_json(**result)
