# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A request as received and the answer a route handler hands back to the HTTP layer."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

OK = 'ok'
AUTH_FAILURE = 'auth_failure'
REJECTED = 'rejected'


@dataclasses.dataclass
class Request:
    method: str
    path: str  # as received, still percent-encoded
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes

    def arg(self, name: str) -> str | None:
        """First value of a query parameter."""
        for key, value in self.query:
            if key == name:
                return value
        return None


@dataclasses.dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = 'application/json'
    headers: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    outcome: str = OK


def json_reply(status: int, payload: Any, outcome: str = OK) -> Reply:
    return Reply(status=status, body=json.dumps(payload, separators=(',', ':')).encode('utf-8'), outcome=outcome)
