# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Minimal signing clients for tests that talk to the emulator over real HTTP (not the collection's client)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any, Union
from urllib.parse import urlsplit

import requests

from .auth import SDK_DATE_FORMAT, canonical_query, huawei_sign, ucloud_sign
from .scenario import HuaweiCredentials, UCloudCredentials

Query = Union[Mapping[str, Any], Sequence[tuple[str, Any]]]


class UCloudTestClient:
    def __init__(self, base_url: str, session: requests.Session | None = None, verify: Any = True,
                 public_key: str | None = None, private_key: str | None = None) -> None:
        defaults = UCloudCredentials()
        self.base_url = base_url.rstrip('/') + '/'
        self.session = session or requests.Session()
        self.verify = verify
        self.public_key = public_key or defaults.public_key
        self.private_key = private_key or defaults.private_key

    def call(self, action: str, method: str = 'POST', sign: bool = True, **params: Any) -> requests.Response:
        params = dict(params, Action=action)
        data = ucloud_sign(params, self.public_key, self.private_key) if sign else {k: str(v) for k, v in params.items()}
        if method == 'GET':
            return self.session.get(self.base_url, params=data, verify=self.verify, timeout=30)
        return self.session.post(self.base_url, data=data, verify=self.verify, timeout=30)


class HuaweiTestClient:
    def __init__(self, base_url: str, session: requests.Session | None = None, verify: Any = True,
                 credentials: HuaweiCredentials | None = None) -> None:
        self.base_url = base_url.rstrip('/')
        self.session = session or requests.Session()
        self.verify = verify
        self.creds = credentials or HuaweiCredentials()

    def get(self, path: str, query: Query = (), headers: dict[str, str] | None = None, sdk_date: str | None = None,
            token: str | None = None, security_token: str | None = None, secret_key: str | None = None,
            access_key: str | None = None, project_header: bool = True) -> requests.Response:
        """GET ``path`` (``{project_id}`` is filled in), signed with AK/SK unless ``token`` is given.

        ``project_header=False`` leaves out ``X-Project-Id``, as for IAM.
        """
        path = path.replace('{project_id}', self.creds.project_id)
        pairs = [(str(k), str(v)) for k, v in (query.items() if isinstance(query, Mapping) else query)]
        sent = {'Host': urlsplit(self.base_url).netloc, 'Content-Type': 'application/json'}
        if project_header:
            sent['X-Project-Id'] = self.creds.project_id
        if security_token:
            sent['X-Security-Token'] = security_token
        sent.update(headers or {})
        if token is not None:
            sent['X-Auth-Token'] = token
        else:
            date = sdk_date or datetime.datetime.now(datetime.timezone.utc).strftime(SDK_DATE_FORMAT)
            sent['Authorization'] = huawei_sign('GET', path, pairs, sent, b'', access_key or self.creds.access_key,
                                                secret_key or self.creds.secret_key, date)
            sent['X-Sdk-Date'] = date
        query_text = canonical_query(pairs)
        url = self.base_url + path + ('?' + query_text if query_text else '')
        return self.session.get(url, headers=sent, verify=self.verify, timeout=30)
