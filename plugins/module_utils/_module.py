# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The module boundary: option specs merged, client built, errors turned into fail_json."""

from __future__ import annotations

import typing as t

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.dbtasks.cloud.plugins.module_utils._clouds import CLOUDS
from ansible_collections.dbtasks.cloud.plugins.module_utils._connection_options import secret_values
from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError, DbTasksError
from ansible_collections.dbtasks.cloud.plugins.module_utils._provider import Provider
from ansible_collections.dbtasks.cloud.plugins.module_utils._redact import Redactor
from ansible_collections.dbtasks.cloud.plugins.module_utils._runtime import Connections, RuntimeHooks
from ansible_collections.dbtasks.cloud.plugins.module_utils._text import MESSAGE_LIMIT, safe_text
from ansible_collections.dbtasks.cloud.plugins.module_utils._transport import HAS_REQUESTS, REQUESTS_IMPORT_ERROR


class DbTasksModule:
    """Base of every module: ``DbTasksModule(spec, RDS).run(lambda: {...})``: the provider's cloud gives the connection options.

    ``hooks`` may be passed here or set on the class (a module's ``main()``
    cannot pass it, so module tests replace ``DbTasksModule.hooks``).
    """

    hooks = RuntimeHooks()

    def __init__(
        self,
        argument_spec: dict[str, t.Any],
        provider: Provider,
        hooks: RuntimeHooks | None = None,
        **ansible_module_kwargs: t.Any,
    ) -> None:
        cloud = CLOUDS[provider.cloud]
        spec: dict[str, t.Any] = cloud.options
        spec.update(argument_spec)
        ansible_module_kwargs.setdefault("supports_check_mode", True)
        self.module = AnsibleModule(argument_spec=spec, **ansible_module_kwargs)
        self.provider = provider
        self.hooks = hooks or type(self).hooks
        self.redactor = Redactor(secret_values(spec, self.module.params))
        self.connections: Connections | None = None

        if not HAS_REQUESTS and self.hooks.transport is None:
            self.module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        try:
            self.connections = Connections({provider.cloud: self.module.params}, [provider.cloud], self.hooks, self.redactor)
        except DbTasksError as err:
            self.fail(err)
            return
        # Secrets from a profile file were no option value, so AnsibleModule does not know to mask them yet.
        self.module.no_log_values.update(self.connections.secrets)

    @property
    def params(self) -> dict[str, t.Any]:
        params: dict[str, t.Any] = self.module.params
        return params

    @property
    def check_mode(self) -> bool:
        return self.module.check_mode

    @property
    def client(self) -> t.Any:
        """The client of the module's provider; built once."""
        if self.connections is None:
            raise RuntimeError("the connection options were not valid")
        return self.connections.client(self.provider)

    def warn(self, message: str) -> None:
        self.module.warn(self.shown(message))

    def shown(self, message: str) -> str:
        """A message or warning as it may be printed: redacted, then made one safe line (idempotent, see ``_text``)."""
        return safe_text(self.redactor.text(message), MESSAGE_LIMIT)

    def _show_notices(self) -> None:
        """The connections' warnings (insecure settings, repaired answers) as module warnings, each once."""
        if self.connections is not None:
            for notice in self.connections.notices.drain():
                self.warn(notice)

    def fail(self, error: DbTasksError) -> None:
        """Exit through ``fail_json`` with the error's structured, redacted fields."""
        if isinstance(error, ApiError) and error.provider is None:
            error.provider = self.provider.name
        fields = {
            name: self.redactor.text(value) if isinstance(value, str) else value
            for name, value in error.to_fail_kwargs().items()
        }
        # The other text fields are data (the provider's code, the request id), returned as sent.
        fields["msg"] = self.shown(fields["msg"])
        self.close()
        self._show_notices()
        self.module.fail_json(**fields)

    def close(self) -> None:
        if self.connections is not None:
            self.connections.close()

    def run(self, fn: t.Callable[[], dict[str, t.Any]]) -> None:
        """Run ``fn`` and exit with its result (``changed=False``) or fail with the structured error."""
        try:
            result = dict(fn())
        except DbTasksError as err:
            self.fail(err)
            return
        finally:
            self.close()
        self._show_notices()
        result["changed"] = False
        self.module.exit_json(**result)
