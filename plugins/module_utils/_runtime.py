# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the info modules and the task_wait action share at run time: the hooks tests replace, and the client factory."""

from __future__ import annotations

import time
import typing as t
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone

from ansible_collections.dbtasks.cloud.plugins.module_utils._clouds import CLOUDS
from ansible_collections.dbtasks.cloud.plugins.module_utils._connection_options import secret_values, transport_settings, transport_warnings
from ansible_collections.dbtasks.cloud.plugins.module_utils._provider import Provider
from ansible_collections.dbtasks.cloud.plugins.module_utils._redact import Redactor
from ansible_collections.dbtasks.cloud.plugins.module_utils._response import Notices
from ansible_collections.dbtasks.cloud.plugins.module_utils._retry import Deadline, RetryPolicy
from ansible_collections.dbtasks.cloud.plugins.module_utils._transport import RequestsTransport


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


class Connections:
    """Validated settings per cloud, one transport per cloud and one client per provider's service.

    ``settings`` maps a cloud name to its option values; only the clouds in
    ``used`` are validated (an RDS-only wait needs no UCloud key). Building
    clients sends nothing. Raises ``ParameterError`` naming the option.

    ``notices`` collects the warnings to show (insecure settings when a cloud
    is validated, repaired answers later); the caller drains it. ``deadline``
    is shared by every client: a wait sets it (``with connections.deadline.within(seconds):``)
    so that no request outlives the wait.
    """

    def __init__(self, settings: Mapping[str, Mapping[str, t.Any]], used: Iterable[str], hooks: RuntimeHooks,
                 redactor: Redactor, notices: Notices | None = None) -> None:
        self.hooks = hooks
        self.redactor = redactor
        self.notices = notices or Notices()
        self.deadline = Deadline(hooks.clock)
        self._settings = settings
        self._configs: dict[str, t.Any] = {}
        self._transport_settings: dict[str, dict[str, t.Any]] = {}
        self._transports: dict[str, t.Any] = {}
        self._clients: dict[str, t.Any] = {}
        self.secrets: list[str] = []  # the no_log values in use, some perhaps read from profile files: masked like the options
        for cloud in used:
            self.validate(cloud)

    def validate(self, cloud: str) -> None:
        """Check the options of ``cloud`` (each cloud once); raises ``ParameterError``."""
        if cloud not in self._configs:
            params = CLOUDS[cloud].with_profile(self._settings[cloud])
            self.secrets.extend(secret_values(CLOUDS[cloud].options, params))
            self.redactor.add(*self.secrets)
            self._transport_settings[cloud] = transport_settings(params)
            self._configs[cloud] = CLOUDS[cloud].configure(params)
            for warning in transport_warnings(params, CLOUDS[cloud].url_option):
                self.notices.add(warning)

    def config(self, cloud: str) -> t.Any:
        return self._configs[cloud]

    def transport(self, cloud: str) -> t.Any:
        if cloud not in self._transports:
            self._transports[cloud] = self.hooks.transport or RequestsTransport(redactor=self.redactor, **self._transport_settings[cloud])
        return self._transports[cloud]

    def client(self, provider: Provider) -> t.Any:
        """The client that serves ``provider``; shared by the providers of one service."""
        key = "%s/%s" % (provider.cloud, provider.client_key)
        if key not in self._clients:
            self.validate(provider.cloud)
            policy = RetryPolicy(retries=self._settings[provider.cloud]["retries"], sleep=self.hooks.sleep, clock=self.hooks.clock,
                                 deadline=self.deadline)
            self._clients[key] = CLOUDS[provider.cloud].connect(self._configs[provider.cloud], provider.service,
                                                                self.transport(provider.cloud), policy, self.redactor, self.hooks.utcnow,
                                                                notices=self.notices)
        return self._clients[key]

    def close(self) -> None:
        if self.hooks.transport is None:
            for transport in self._transports.values():
                transport.close()
        self._transports.clear()
