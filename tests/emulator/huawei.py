# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Huawei Cloud DDS and RDS task APIs: routing, authentication, listing and single-job lookup."""

from __future__ import annotations

import datetime
import re
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote

from .auth import SIGNATURE_FAIL, AuthFailure, verify_huawei
from .faults import PAGE_KINDS, page_number, paginate
from .huawei_query import Invalid, ListQuery, dds_list_query, rds_list_query
from .model import Task
from .reply import AUTH_FAILURE, REJECTED, Reply, Request, json_reply
from .state import EmulatorState

# /v3.1/{project_id}/jobs (DDS list), /v3/{project_id}/tasklist (RDS list), /v3/{project_id}/jobs?id= (either's job);
# an optional /dds or /rds prefix lets clients give the two services distinct endpoints, as in the real clouds
_PATH = re.compile(r'/(?:(dds|rds)/)?(v3|v3\.1)/([^/]+)/(jobs|tasklist)')
# IAM KeystoneListProjects, where the SDKs find a region's project id; an optional /iam prefix as for the services
IAM_PROJECTS = re.compile(r'/(?:iam/)?v3/projects/?')
IAM_ROUTE = 'iam.KeystoneListProjects'
NOT_FOUND = {'dds': 'DBS.200404', 'rds': 'DBS.280404'}
UNDOCUMENTED = {'dds': ('instance_mode', 'ReplicaSet'), 'rds': ('datastore_type', 'MySQL')}


def route_of(req: Request, state: EmulatorState) -> str | None:
    if req.method == 'GET' and IAM_PROJECTS.fullmatch(unquote(req.path)):
        return IAM_ROUTE
    match = _PATH.fullmatch(unquote(req.path))
    if req.method != 'GET' or match is None:
        return None
    prefix, version, _project, resource = match.groups()
    if (version, resource) == ('v3.1', 'jobs') and prefix in (None, 'dds'):
        return 'dds.ListJobs'
    if (version, resource) == ('v3', 'tasklist') and prefix in (None, 'rds'):
        return 'rds.ListTasks'
    if (version, resource) != ('v3', 'jobs'):
        return None
    if prefix is None:
        job_id = req.arg('id') or ''
        prefix = 'rds' if job_id not in state.tasks['dds'].by_id and job_id in state.tasks['rds'].by_id else 'dds'
    return prefix + '.ShowJob'


def error(status: int, code: str, message: str, outcome: str = 'ok', err_code_body: bool = False) -> Reply:
    """A Huawei error answer: ``{error_code, error_msg}``, or with ``err_code_body`` the ``{errCode, externalMessage}``
    some DB services answer (the Terraform provider reads ``errCode`` before ``error_code``)."""
    body = {'errCode': code, 'externalMessage': message} if err_code_body else {'error_code': code, 'error_msg': message}
    return json_reply(status, body, outcome=outcome)


def timestamp(epoch: float | None) -> str:
    return '' if epoch is None else time.strftime('%Y-%m-%dT%H:%M:%S+0000', time.gmtime(epoch))


def _view(task: Task, state: EmulatorState, now: float) -> dict[str, Any]:
    """Fields common to list items and single jobs."""
    snap = task.at(now)
    running = snap.step.status == 'Running'
    return {
        'status': snap.step.status,
        'percent': str(int(snap.percent)) if running else '',
        'fail_reason': (snap.step.fail_reason or 'task failed') if snap.step.status == 'Failed' else '',
        'created': timestamp(state.clock.to_epoch(task.created)),
        'ended': timestamp(state.clock.to_epoch(snap.ended) if snap.ended is not None else None),
        'instance_status': snap.step.instance_status or 'ACTIVE',
    }


def dds_item(task: Task, state: EmulatorState, now: float) -> dict[str, Any]:
    view = _view(task, state, now)
    key, value = UNDOCUMENTED['dds']
    return {'id': task.id, 'name': task.name, 'instance_id': task.instance_id, 'instance_name': task.instance_name,
            'status': view['status'], 'progress': view['percent'] and view['percent'] + '%', 'fail_reason': view['fail_reason'],
            'created_at': view['created'], 'ended_at': view['ended'], key: value}


def rds_item(task: Task, state: EmulatorState, now: float) -> dict[str, Any]:
    view = _view(task, state, now)
    key, value = UNDOCUMENTED['rds']
    # "Planned task end time" (the RDS docs): read pessimistically, a running task already has one, its scenario end
    ended = view['ended'] or (timestamp(state.clock.to_epoch(task.ends_at)) if state.scenario.options.rds_planned_end else '')
    return {'id': task.id, 'name': task.name, 'instance_id': task.instance_id, 'instance_name': task.instance_name,
            'instance_status': view['instance_status'], 'order_id': task.order_id, 'process': view['percent'],
            'fail_reason': view['fail_reason'], 'create_time': view['created'], 'end_time': ended,
            'status': view['status'], key: value}


def show_job(service: str, task: Task, state: EmulatorState, now: float) -> dict[str, Any]:
    view = _view(task, state, now)
    key, value = UNDOCUMENTED[service]
    job = {'id': task.id, 'name': task.name, 'status': view['status'], 'created': view['created'], 'ended': view['ended'],
           'instance': {'id': task.instance_id, 'name': task.instance_name}, 'fail_reason': view['fail_reason'], key: value}
    # the documented example for RDS single jobs shows "60%" where the RDS list shows "60"
    percent = view['percent'] and view['percent'] + '%'
    if service == 'dds':
        job['progress'] = percent
    else:
        job['process'] = percent
        job['entities'] = {'instance': {'endpoint': '192.168.0.10:3306', 'type': 'Ha',
                                        'datastore': {'type': 'MySQL', 'version': '8.0'}},
                           'resource_ids': [task.instance_id]}
    return {'job': job}


def _current_status(task: Task, now: float) -> str:
    return task.final_status if now >= task.ends_at else task.at(now).step.status


def _select(tasks: Sequence[Task], query: ListQuery, now: float) -> Sequence[Task]:
    checks = [(name, getattr(query, name)) for name in ('id', 'name', 'instance_id', 'order_id') if getattr(query, name)]
    if checks:
        tasks = [task for task in tasks if all(getattr(task, name) == wanted for name, wanted in checks)]
    if query.status:
        tasks = [task for task in tasks if _current_status(task, now) == query.status]
    return tasks


def list_service(service: str, query: ListQuery, state: EmulatorState) -> Reply:
    now = state.clock.now()
    clock = state.clock
    low = clock.from_epoch(query.start) if query.start is not None else None
    high = clock.from_epoch(query.end) if query.end is not None else None
    if low is not None and high is not None and high < low:
        tasks: Sequence[Task] = []
    else:
        tasks = _select(state.tasks[service].window(now, low, high), query, now)
    route = 'dds.ListJobs' if service == 'dds' else 'rds.ListTasks'
    fault = state.faults.take(route, PAGE_KINDS, page_number(query.offset, query.limit))
    page, total = paginate(tasks, query.offset, query.limit, fault)
    render = dds_item if service == 'dds' else rds_item
    body: dict[str, Any] = {'jobs' if service == 'dds' else 'tasks': [render(task, state, now) for task in page]}
    if service == 'rds':
        body['actions'] = sorted({task.name for task in tasks})
    # DDS documents total_count, but its example has none and the Terraform provider finds it missing.
    if total is not None and (service == 'rds' or state.scenario.options.dds_total_count):
        body['total_count'] = total
    return json_reply(200, body, outcome='fault' if fault else 'ok')


def authenticate(req: Request, state: EmulatorState, project_scoped: bool = True) -> Reply | None:
    """None when the caller may proceed, else the gateway's 401/403 answer."""
    creds = state.scenario.huawei
    options = state.scenario.options
    now = datetime.datetime.fromtimestamp(state.clock.wall(), datetime.timezone.utc)
    try:
        verify_huawei(creds, req.method, req.path, req.query, req.headers, req.body, now, options.max_clock_skew)
    except AuthFailure as failure:
        # The gateway's own wording for every AK/SK failure, a stale X-Sdk-Date included, says nothing of the clock.
        message = SIGNATURE_FAIL if options.generic_skew and failure.code == 'APIGW.0301' else failure.message
        return error(401, failure.code, message, AUTH_FAILURE)
    if not project_scoped:
        return None
    match = _PATH.fullmatch(unquote(req.path))
    project = match.group(3) if match else ''
    for claimed in (project, req.headers.get('x-project-id', creds.project_id)):
        if claimed != creds.project_id:
            return error(403, 'APIGW.0302', 'The IAM user is not authorized to access the API: project %s is not '
                                            'the project of these credentials.' % claimed, AUTH_FAILURE)
    return None


def list_projects(req: Request, state: EmulatorState) -> Reply:
    """KeystoneListProjects: the projects named ``name`` exactly (every project without it)."""
    wanted = req.arg('name')
    projects = [project for project in state.scenario.iam_projects() if wanted is None or project.name == wanted]
    return json_reply(200, {'projects': [{'id': project.id, 'name': project.name, 'domain_id': '%032x' % 0xd0, 'description': '',
                                          'enabled': True, 'is_domain': False, 'parent_id': '%032x' % 0xd0,
                                          'links': {'self': '/v3/projects/' + project.id}} for project in projects],
                            'links': {'self': req.path, 'previous': None, 'next': None}})


def handle(route: str, req: Request, state: EmulatorState) -> Reply:
    refused = authenticate(req, state, project_scoped=route != IAM_ROUTE)
    if refused is not None:
        return refused
    if route == IAM_ROUTE:
        return list_projects(req, state)
    service, operation = route.split('.')
    options = state.scenario.options
    try:
        if operation == 'ListJobs':
            return list_service('dds', dds_list_query(req, options.dds_strict_span), state)
        if operation == 'ListTasks':
            return list_service('rds', rds_list_query(req, options.rds_needs_start), state)
        job_id = req.arg('id')
        if not job_id:
            raise Invalid('DBS.200001' if service == 'dds' else 'DBS.280001', 'Parameter id is mandatory.')
    except Invalid as invalid:
        return error(400, invalid.code, invalid.message, REJECTED, err_code_body=service == 'rds' and options.rds_err_code_body)
    now = state.clock.now()
    task = state.tasks[service].get(job_id, now)
    if task is None:
        status = options.job_missing_status
        return error(status, NOT_FOUND[service], 'The job %s does not exist.' % job_id,
                     err_code_body=status == 400 and service == 'rds' and options.rds_err_code_body)
    return json_reply(200, show_job(service, task, state, now))


def not_found() -> Reply:
    return error(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment.')
