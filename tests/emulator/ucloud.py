# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""UCloud API at ``/``: ListUDTSTask and GetUDTSTaskStatus (always HTTP 200, errors as RetCode)."""

from __future__ import annotations

import hmac
import json
import re
from typing import Any
from urllib.parse import parse_qsl

from .auth import ucloud_flatten, ucloud_signature
from .faults import PAGE_KINDS, page_number, paginate
from .model import Snapshot, Task
from .reply import AUTH_FAILURE, REJECTED, Reply, Request, json_reply
from .scenario import UDTS_KINDS
from .state import EmulatorState

ACTIONS = {'ListUDTSTask': 'udts.ListUDTSTask', 'GetUDTSTaskStatus': 'udts.GetUDTSTaskStatus'}
# codes the emulator invents where UCloud documents none (see docs/emulator.md)
RETCODE_BAD_PARAM = 230
RETCODE_NO_TASK = 1404
SYNC_STATUSES = frozenset(['Syncing', 'Synced'])
FAILED_STATUSES = frozenset(['Failed', 'FailedUnrecoverable', 'StoppedUnrecoverable'])
_DIGITS = re.compile(r'[0-9]+')
YEAR = 365 * 86400


def params_of(req: Request) -> dict[str, str]:
    """Query parameters, overridden by a form (or flat JSON) body."""
    params = dict(req.query)
    content_type = req.headers.get('content-type', '').split(';')[0].strip().lower()
    if req.body and content_type == 'application/json':
        try:
            data = json.loads(req.body.decode('utf-8'))
        except ValueError:
            data = None
        if isinstance(data, dict):
            params.update(ucloud_flatten(data))
    elif req.body:
        params.update(parse_qsl(req.body.decode('utf-8', 'replace'), keep_blank_values=True))
    return params


def route_of(params: dict[str, str]) -> str | None:
    return ACTIONS.get(params.get('Action', ''))


def _answer(action: str, code: int, message: str, outcome: str) -> Reply:
    return json_reply(200, {'Action': action + 'Response', 'RetCode': code, 'Message': message}, outcome=outcome)


def progress(task: Task, snap: Snapshot) -> dict[str, Any]:
    """Progress of the full migration; "empty when the type is incremental migration" (GetUDTSTaskStatus docs)."""
    if task.type == 'incremental':
        return {}
    percent = snap.percent
    return {
        'TotalCount': task.total_rows,
        'CurCount': int(task.total_rows * percent / 100),
        'TotalDuration': int(task.busy_total),
        'CurDuration': int(snap.busy_seconds),
        'Percentage': percent,
        'RedisOffsetSize': 0,
        'RedisDelayTime': 0,
        'MongoDelayTime': 0,
    }


def sync_data(task: Task, now: float) -> dict[str, Any]:
    began = [start for start, step in zip(task.starts, task.steps) if step.status in SYNC_STATUSES and start <= now]
    if not began:
        return {'BinlogName': '', 'BinlogPos': 0, 'BinlogGTID': ''}
    position = 154 + int((now - began[0]) * 1000)
    return {'BinlogName': 'mysql-bin.000006', 'BinlogPos': position,
            'BinlogGTID': '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-%d' % (position // 100)}


def list_item(task: Task, snap: Snapshot, state: EmulatorState) -> dict[str, Any]:
    created = int(state.clock.to_epoch(task.created))
    return {
        'TaskId': task.id,
        'Name': task.name,
        'Type': task.type,
        'Status': snap.step.status,
        'CreateTime': created,
        'MaxRetryCount': task.max_retry_count,
        'CurRetryCount': snap.retry_count,
        'Progress': progress(task, snap),
        'ServiceType': 'small',
        'ChargeType': 'Dynamic',
        'AutoRenew': 'No',
        'IsExpire': 'No',
        'ExpireTime': created + YEAR,
        'DBType': 'mysql',  # undocumented on purpose: callers must pass unknown fields through
    }


def _count(params: dict[str, str], name: str, default: int) -> int | None:
    text = params.get(name)
    if text is None or text == '':
        return default
    return int(text) if _DIGITS.fullmatch(text) else None


def _kind(params: dict[str, str]) -> str | None:
    """The Type asked for, as the UDTS APIs that document it read it: transfer (the default) or integration; None if neither."""
    kind = params.get('Type') or 'transfer'
    return kind if kind in UDTS_KINDS else None


def list_tasks(params: dict[str, str], state: EmulatorState) -> Reply:
    offset, limit = _count(params, 'Offset', 0), _count(params, 'Limit', 20)
    for name, value in (('Offset', offset), ('Limit', limit)):
        if value is None:
            return _answer('ListUDTSTask', RETCODE_BAD_PARAM, 'Params [%s] not available' % name, REJECTED)
    kind = _kind(params)
    if kind is None:
        return _answer('ListUDTSTask', RETCODE_BAD_PARAM, 'Params [Type] not available', REJECTED)
    now = state.clock.now()
    tasks = [task for task in state.tasks['udts'].window(now) if task.kind == kind]
    cap = state.scenario.options.udts_cap
    if cap is not None:
        limit = min(limit, cap)  # served silently: the answer says nothing about the cap
    fault = state.faults.take('udts.ListUDTSTask', PAGE_KINDS, page_number(offset, limit))
    page, total = paginate(tasks, offset, limit, fault)
    body: dict[str, Any] = {'Action': 'ListUDTSTaskResponse', 'RetCode': 0, 'Message': '',
                            'Data': [list_item(task, task.at(now), state) for task in page]}
    if total is not None and state.scenario.options.udts_total_count:
        body['TotalCount'] = total
    return json_reply(200, body, outcome='fault' if fault else 'ok')


def task_status(params: dict[str, str], state: EmulatorState) -> Reply:
    task_id = params.get('TaskId')
    if not task_id:
        return _answer('GetUDTSTaskStatus', RETCODE_BAD_PARAM, 'Missing params [TaskId]', REJECTED)
    kind = _kind(params)
    if kind is None:
        return _answer('GetUDTSTaskStatus', RETCODE_BAD_PARAM, 'Params [Type] not available', REJECTED)
    now = state.clock.now()
    task = state.tasks['udts'].get(task_id, now)
    if task is None or task.kind != kind:
        return _answer('GetUDTSTaskStatus', RETCODE_NO_TASK, 'Task [%s] does not exist' % task_id, 'ok')
    snap = task.at(now)
    failed = snap.step.status in FAILED_STATUSES
    data = {
        'Status': snap.step.status,
        'FailedMessage': (snap.step.fail_reason or 'migration failed') if failed else '',
        'MaxRetryCount': task.max_retry_count,
        'CurRetryCount': snap.retry_count,
        'Progress': progress(task, snap),
        'Sync': sync_data(task, now),
    }
    return json_reply(200, {'Action': 'GetUDTSTaskStatusResponse', 'RetCode': 0, 'Message': '', 'Data': data})


def handle(params: dict[str, str], state: EmulatorState) -> Reply:
    """Check action, signature and public key in the order the gateway does, then run the action."""
    action = params.get('Action', '')
    if not action:
        return _answer('', 160, 'Missing Action', REJECTED)
    if not params.get('Signature'):
        return _answer(action, 170, 'Missing signature', AUTH_FAILURE)
    creds = state.scenario.ucloud
    if params.get('PublicKey') != creds.public_key:
        return _answer(action, 172, 'User not exist', AUTH_FAILURE)
    expected = ucloud_signature(params, creds.private_key)
    if not hmac.compare_digest(expected, params['Signature']):
        return _answer(action, 171, 'Signature VerifyAC Error', AUTH_FAILURE)
    if action == 'ListUDTSTask':
        return list_tasks(params, state)
    if action == 'GetUDTSTaskStatus':
        return task_status(params, state)
    return _answer(action, 161, 'Action [%s] not found' % action, REJECTED)
