# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Scenario files (YAML) and synthetic task generation; see docs/emulator.md for the format."""

from __future__ import annotations

import dataclasses
import random
import zlib
from collections.abc import Mapping
from typing import Any

import yaml

from . import credentials
from .model import FAILURE_STATUSES, HUAWEI_STATUSES, SUCCESS_STATUSES, UDTS_STATUSES, Step, Task

PROVIDERS = ('udts', 'dds', 'rds')
UDTS_TYPES = ('full', 'incremental', 'full+incremental')
# The Type of the UDTS APIs that document it: data migration (their default) or data integration.
UDTS_KINDS = ('transfer', 'integration')
TOP_KEYS = {'credentials', 'udts', 'dds', 'rds', 'faults', 'options', 'projects'}
TASK_KEYS = {
    'udts': {'id', 'name', 'type', 'kind', 'created', 'max_retry_count', 'total_rows', 'expect', 'lifecycle', 'status'},
    'dds': {'id', 'name', 'instance_id', 'instance_name', 'created', 'expect', 'lifecycle', 'status'},
    'rds': {'id', 'name', 'instance_id', 'instance_name', 'order_id', 'created', 'expect', 'lifecycle', 'status'},
}
STEP_KEYS = {'status', 'duration', 'progress', 'fail_reason', 'failed_message', 'instance_status'}


DEFAULT_REGION = 'cn-north-4'


class ScenarioError(ValueError):
    """A scenario file breaks a rule; the message names the place and the rule."""


@dataclasses.dataclass
class UCloudCredentials:
    public_key: str = credentials.UCLOUD_PUBLIC_KEY
    private_key: str = credentials.UCLOUD_PRIVATE_KEY


@dataclasses.dataclass
class HuaweiCredentials:
    access_key: str = credentials.HUAWEI_ACCESS_KEY
    secret_key: str = credentials.HUAWEI_SECRET_KEY
    project_id: str = credentials.HUAWEI_PROJECT_ID
    token: str = credentials.HUAWEI_TOKEN
    security_token: str = credentials.HUAWEI_SECURITY_TOKEN
    security_token_required: bool = False


STRICT_UDTS_PAGE_CAP = 20
RDS_ERROR_BODIES = ('error_code', 'errCode')
# The HTTP status of a DDS/RDS ShowJob for an unknown (or not yet created) job: undocumented. RDS documents its
# DBS.280404 as a 400 ("Invalid DB instance ID"), so the pessimistic reading is 400 (docs/api-reference.md).
UNKNOWN_JOB_STATUSES = (404, 400)
SKEW_MESSAGES = ('clock', 'gateway')


@dataclasses.dataclass
class Options:
    """Scenario options. Where no public source settles a fact, the default is what the sources show and
    ``strict`` plays every pessimistic reading at once (docs/api-reference.md, docs/emulator.md)."""
    speed: float = 1.0
    max_clock_skew: float = 900.0
    strict: bool = False
    udts_total_count: bool = False  # no source documents a top-level TotalCount
    dds_total_count: bool = False  # documented, but the Terraform provider finds it missing in practice
    udts_page_cap: int = 0  # the most tasks a ListUDTSTask page holds whatever Limit says; 0: none (strict: 20)
    dds_span_under_30_days: bool = False  # "cannot be longer than 30 days" read as strictly shorter (strict)
    rds_end_time_needs_start_time: bool = False  # end_time alone refused (strict)
    rds_error_body: str = 'error_code'  # RDS parameter errors as {error_code, error_msg} or {errCode, externalMessage} (strict)
    skew_message: str = 'clock'  # X-Sdk-Date too far off: a message naming the clock, or the gateway's generic one (strict)
    unknown_job_status: int = 404  # the HTTP status of ShowJob for an unknown job id: 404, or 400 with the same code (strict)
    rds_planned_end_time: bool = False  # the RDS list's end_time ("planned task end time") set while a task runs (strict)

    def __post_init__(self) -> None:
        self.check()

    def check(self) -> None:
        if self.rds_error_body not in RDS_ERROR_BODIES:
            raise ScenarioError('options.rds_error_body must be one of %s' % list(RDS_ERROR_BODIES))
        if self.skew_message not in SKEW_MESSAGES:
            raise ScenarioError('options.skew_message must be one of %s' % list(SKEW_MESSAGES))
        if self.unknown_job_status not in UNKNOWN_JOB_STATUSES:
            raise ScenarioError('options.unknown_job_status must be one of %s' % list(UNKNOWN_JOB_STATUSES))

    @property
    def udts_cap(self) -> int | None:
        cap = self.udts_page_cap or (STRICT_UDTS_PAGE_CAP if self.strict else 0)
        return cap or None

    @property
    def dds_strict_span(self) -> bool:
        return self.strict or self.dds_span_under_30_days

    @property
    def rds_needs_start(self) -> bool:
        return self.strict or self.rds_end_time_needs_start_time

    @property
    def rds_err_code_body(self) -> bool:
        return self.strict or self.rds_error_body == 'errCode'

    @property
    def job_missing_status(self) -> int:
        return 400 if self.strict else self.unknown_job_status

    @property
    def rds_planned_end(self) -> bool:
        return self.strict or self.rds_planned_end_time

    @property
    def generic_skew(self) -> bool:
        return self.strict or self.skew_message == 'gateway'


@dataclasses.dataclass
class Project:
    id: str
    name: str


@dataclasses.dataclass
class Scenario:
    ucloud: UCloudCredentials = dataclasses.field(default_factory=UCloudCredentials)
    huawei: HuaweiCredentials = dataclasses.field(default_factory=HuaweiCredentials)
    options: Options = dataclasses.field(default_factory=Options)
    tasks: dict[str, list[Task]] = dataclasses.field(default_factory=lambda: {name: [] for name in PROVIDERS})
    faults: list[Mapping[str, Any]] = dataclasses.field(default_factory=list)
    # IAM projects (GET /v3/projects): by default the credentials' project is the region cn-north-4, beside a
    # sub-project whose name only starts like it.
    projects: list[Project] | None = None

    def iam_projects(self) -> list[Project]:
        if self.projects is not None:
            return self.projects
        return [Project(self.huawei.project_id, DEFAULT_REGION), Project('%032x' % 0x5b, DEFAULT_REGION + '_sub')]


def _fill(target: Any, data: Any, where: str) -> None:
    if data is None:
        return
    if not isinstance(data, Mapping):
        raise ScenarioError('%s must be a mapping' % where)
    for key, value in data.items():
        if not hasattr(target, key):
            raise ScenarioError('%s: unknown key %r' % (where, key))
        default = getattr(target, key)
        if isinstance(default, bool) and not isinstance(value, bool):
            raise ScenarioError('%s.%s must be true or false' % (where, key))
        if isinstance(default, int) and not isinstance(default, bool) and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ScenarioError('%s.%s must be an integer >= 0' % (where, key))
        if isinstance(default, float) and (isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0):
            raise ScenarioError('%s.%s must be a number > 0' % (where, key))
        if isinstance(default, str) and not (isinstance(value, str) and value):
            raise ScenarioError('%s.%s must be a non-empty string' % (where, key))
        setattr(target, key, float(value) if isinstance(default, float) else value)


def _number(value: Any, where: str, minimum: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise ScenarioError('%s must be a number >= %s' % (where, minimum))
    return float(value)


def _step(provider: str, data: Any, where: str, last: bool) -> Step:
    if not isinstance(data, Mapping) or 'status' not in data:
        raise ScenarioError('%s must be a mapping with a status' % where)
    unknown = set(data) - STEP_KEYS
    if unknown:
        raise ScenarioError('%s: unknown keys %s' % (where, sorted(unknown)))
    allowed = UDTS_STATUSES if provider == 'udts' else HUAWEI_STATUSES
    if data['status'] not in allowed:
        raise ScenarioError('%s.status must be one of %s' % (where, sorted(allowed)))
    if last and data.get('duration') is not None:
        raise ScenarioError('%s is the final state and takes no duration' % where)
    if not last and data.get('duration') is None:
        raise ScenarioError('%s needs a duration (only the last step is final)' % where)
    duration = None if last else _number(data['duration'], where + '.duration')
    progress = data.get('progress')
    if progress is not None:
        pair = progress if isinstance(progress, list) else [progress, progress]
        if len(pair) != 2:
            raise ScenarioError('%s.progress must be [from, to] in percent' % where)
        progress = tuple(_number(value, where + '.progress', 0.0) for value in pair)
        if max(progress) > 100:
            raise ScenarioError('%s.progress must stay within 0..100' % where)
    if 'instance_status' in data and provider != 'rds':
        raise ScenarioError('%s.instance_status is for rds tasks only' % where)
    reason = data.get('fail_reason', data.get('failed_message', ''))
    return Step(status=data['status'], duration=duration, progress=progress, fail_reason=str(reason or ''),
                instance_status=data.get('instance_status'))


def _task(provider: str, data: Any, where: str, index: int) -> Task:
    if not isinstance(data, Mapping) or not isinstance(data.get('id'), str) or not data['id']:
        raise ScenarioError('%s must be a mapping with a string id' % where)
    unknown = set(data) - TASK_KEYS[provider]
    if unknown:
        raise ScenarioError('%s: unknown keys %s (allowed: %s)' % (where, sorted(unknown), sorted(TASK_KEYS[provider])))
    if ('lifecycle' in data) == ('status' in data):
        raise ScenarioError('%s needs exactly one of lifecycle (list of steps) or status (a final state)' % where)
    raw_steps = data['lifecycle'] if 'lifecycle' in data else [{'status': data['status']}]
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ScenarioError('%s.lifecycle must be a non-empty list' % where)
    steps = tuple(_step(provider, step, '%s.lifecycle[%d]' % (where, number), number == len(raw_steps) - 1)
                  for number, step in enumerate(raw_steps))
    task_id = data['id']
    if provider == 'udts' and data.get('type') not in UDTS_TYPES:
        raise ScenarioError('%s.type must be one of %s' % (where, list(UDTS_TYPES)))
    if provider == 'udts' and data.get('kind', 'transfer') not in UDTS_KINDS:
        raise ScenarioError('%s.kind must be one of %s' % (where, list(UDTS_KINDS)))
    if provider != 'udts' and not data.get('name'):
        raise ScenarioError('%s.name (the job name, e.g. RestartInstance) is required' % where)
    expect = data.get('expect')
    final = steps[-1].status
    if expect not in (None, 'success', 'failure'):
        raise ScenarioError('%s.expect must be success or failure' % where)
    if (expect == 'success' and final not in SUCCESS_STATUSES) or (expect == 'failure' and final not in FAILURE_STATUSES):
        raise ScenarioError('%s.expect is %s but the final state is %s' % (where, expect, final))
    created = data.get('created', 0)
    if isinstance(created, bool) or not isinstance(created, (int, float)):
        raise ScenarioError('%s.created must be a number of seconds relative to the start' % where)
    return Task(provider=provider, id=task_id, name=str(data.get('name', task_id)), type=str(data.get('type', '')),
                kind=str(data.get('kind', 'transfer')) if provider == 'udts' else '',
                created=float(created), steps=steps, instance_id=str(data.get('instance_id', 'inst-' + task_id)),
                instance_name=str(data.get('instance_name', 'instance-' + task_id)), order_id=str(data.get('order_id', '')),
                max_retry_count=int(_number(data.get('max_retry_count', 0), where + '.max_retry_count')),
                total_rows=int(_number(data.get('total_rows', 100000 + zlib.crc32(task_id.encode()) % 900000), where + '.total_rows')),
                expect=expect, index=index)


def load_scenario(source: Any = None) -> Scenario:
    """Build a Scenario from a YAML file path, an already parsed mapping, or None (defaults, no tasks)."""
    data: Any = source
    if isinstance(source, str):
        try:
            with open(source, encoding='utf-8') as handle:
                data = yaml.safe_load(handle)
        except (OSError, yaml.YAMLError) as exc:
            raise ScenarioError('cannot read scenario %s: %s' % (source, exc))
    scenario = Scenario()
    if data is None:
        return scenario
    if not isinstance(data, Mapping) or set(data) - TOP_KEYS:
        raise ScenarioError('a scenario is a mapping with the keys %s' % sorted(TOP_KEYS))
    credentials = data.get('credentials') or {}
    if not isinstance(credentials, Mapping) or set(credentials) - {'ucloud', 'huawei'}:
        raise ScenarioError('credentials has the keys ucloud and huawei')
    _fill(scenario.ucloud, credentials.get('ucloud'), 'credentials.ucloud')
    huawei = credentials.get('huawei') or {}
    _fill(scenario.huawei, huawei, 'credentials.huawei')
    if 'security_token' in huawei and 'security_token_required' not in huawei:
        scenario.huawei.security_token_required = True
    _fill(scenario.options, data.get('options'), 'options')
    scenario.options.check()
    scenario.projects = _projects(data.get('projects'))
    seen: dict[str, str] = {}
    for provider in PROVIDERS:
        entries = data.get(provider) or []
        if not isinstance(entries, list):
            raise ScenarioError('%s must be a list of tasks' % provider)
        for number, entry in enumerate(entries):
            task = _task(provider, entry, '%s[%d]' % (provider, number), number)
            # DDS and RDS share GET /v3/{project_id}/jobs?id=, so an id must be unique across providers
            if task.id in seen:
                raise ScenarioError('%s[%d].id %s is already used in %s' % (provider, number, task.id, seen[task.id]))
            seen[task.id] = provider
            scenario.tasks[provider].append(task)
    faults = data.get('faults') or []
    if not isinstance(faults, list):
        raise ScenarioError('faults must be a list of fault objects')
    scenario.faults = list(faults)
    return scenario


def _projects(data: Any) -> list[Project] | None:
    if data is None:
        return None
    if not isinstance(data, list) or not all(isinstance(item, Mapping) and set(item) == {'id', 'name'} for item in data):
        raise ScenarioError('projects must be a list of {id, name} (IAM projects; a name is a region such as cn-north-4)')
    return [Project(str(item['id']), str(item['name'])) for item in data]


def parse_generate(text: str | None) -> dict[str, int]:
    """``udts=N,dds=N,rds=N`` (any subset) -> counts per provider."""
    counts = {name: 0 for name in PROVIDERS}
    for part in filter(None, (text or '').split(',')):
        name, _sep, value = part.partition('=')
        if name.strip() not in counts or not value.strip().isdigit():
            raise ScenarioError('--generate takes udts=N,dds=N,rds=N, got %r' % part)
        counts[name.strip()] = int(value)
    return counts


DDS_NAMES = ('RestartReplicaSetInstance', 'CreateMongoDB', 'ResizeInstanceVolume', 'ModifyInstancePort', 'EnableSsl', 'UpgradeDatabaseVersion')
RDS_NAMES = ('CreateMysqlSingleHAInstance', 'RestartInstance', 'ResizeFlavor', 'RestoreToNewInstance', 'ModifyPort', 'SwitchSsl')
DAY = 86400.0


def _synthetic(provider: str, rng: random.Random, number: int, index: int) -> Task:
    roll = rng.random()
    created = -rng.uniform(120.0, 29 * DAY)
    duration = rng.uniform(30.0, 3600.0)
    if provider == 'udts':
        kind = rng.choice(UDTS_TYPES)
        task_id = 'udts-%s%04d' % (''.join(rng.choice('abcdefghijklmnopqrstuvwxyz') for position in range(4)), number)
        success = 'Done' if kind == 'full' else 'Synced'
        final = success if roll < 0.8 else rng.choice(('Failed', 'FailedUnrecoverable', 'Stopped'))
        running = 'Dumping' if kind != 'incremental' else 'Syncing'
        name, instance, order = 'synthetic-%d' % number, '', ''
    else:
        kind, final, running = '', 'Completed' if roll < 0.8 else 'Failed', 'Running'
        task_id = '%032x' % rng.getrandbits(128)
        name = rng.choice(DDS_NAMES if provider == 'dds' else RDS_NAMES)
        instance = '%032xin0%d' % (rng.getrandbits(128), 1 + number % 3)
        order = 'CS%010dSYN' % number if provider == 'rds' and roll < 0.3 else ''
    if roll > 0.94:
        # a few still running at start; they finish later in scenario time
        created, duration = -rng.uniform(60.0, 600.0), rng.uniform(900.0, 7200.0)
    reason = 'synthetic failure %d' % number if final in FAILURE_STATUSES else ''
    steps = (Step(status=running, duration=duration, progress=(0.0, 100.0)), Step(status=final, fail_reason=reason))
    return Task(provider=provider, id=task_id, name=name, type=kind, kind='transfer' if provider == 'udts' else '', created=created, steps=steps,
                instance_id=instance, instance_name='synthetic-instance-%d' % (number % 50) if instance else '',
                order_id=order, max_retry_count=3 if provider == 'udts' else 0, total_rows=rng.randint(1000, 10 ** 7),
                index=index)


def generate_tasks(counts: Mapping[str, int], seed: int = 0, first_index: int = 100000) -> dict[str, list[Task]]:
    """N synthetic tasks per provider over the last 29 days, mostly final; deterministic for a seed."""
    generated: dict[str, list[Task]] = {}
    for provider in PROVIDERS:
        rng = random.Random('%s:%s' % (seed, provider))
        generated[provider] = [_synthetic(provider, rng, number, first_index + number)
                               for number in range(counts.get(provider, 0))]
    return generated
