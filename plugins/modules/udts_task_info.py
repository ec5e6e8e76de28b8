# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: udts_task_info
short_description: List UCloud UDTS migration tasks, or wait for them to finish or sync
version_added: 0.1.0
description:
  - Lists the data transmission (migration) tasks of UCloud UDTS with C(ListUDTSTask), every page of them; or returns
    the tasks named by O(task_id) / O(task_ids) with the detail of C(GetUDTSTaskStatus) merged in (C(failed_message),
    C(sync) with the binlog name, position and GTID).
  - Every item carries every field the API returned, in snake_case, plus the normalized fields C(id), C(state),
    C(terminal), C(progress_percent) and C(failure_reason) shared with M(dbtasks.cloud.dds_job_info) and
    M(dbtasks.cloud.rds_task_info). For example C(Dumping) is C(running), C(Synced) is C(synced), C(Done) is
    C(succeeded), C(Failed) is C(retrying) while retries remain and C(failed) after. The full table is in C(docs/states.md).
  - With O(wait=true), polls until the selected tasks have finished, or with O(wait_for=synced) caught up.
  - UDTS documents no largest page. The module asks for pages of 100 tasks and accepts O(limit) from V(1) to V(100).
author:
  - dbtasks.cloud contributors (@dbtasks)
options:
  task_id:
    description:
      - ID of one task to return, with the detail of C(GetUDTSTaskStatus).
      - Cannot be combined with O(task_ids), O(name), O(status), O(offset) or O(limit).
    type: str
  task_ids:
    description:
      - IDs of several tasks to return, in this order, each with the detail of C(GetUDTSTaskStatus).
      - One listing serves them all; C(GetUDTSTaskStatus) is called once per task for the report, and during a wait only
        for a task the listing does not show. An unknown id fails the module with a message naming it (with O(wait=true),
        once O(wait_not_found_grace) has passed).
      - Cannot be combined with O(task_id), O(name), O(status), O(offset) or O(limit).
    type: list
    elements: str
  type:
    description:
      - Which kind of task, sent as C(Type) to C(ListUDTSTask) and C(GetUDTSTaskStatus). V(transfer) is data migration,
        V(integration) data integration; the UDTS APIs that document C(Type) default to V(transfer), so data integration
        tasks may only be listed, and read by id, with V(integration).
      - Not the migration mode (full, incremental); that is each task's own C(type) field in RV(tasks).
    type: str
    choices: [transfer, integration]
  name:
    description:
      - Only tasks with exactly this name. ListUDTSTask has no name filter, so the module filters the listed tasks.
    type: str
  status:
    description:
      - Only tasks with one of these statuses. ListUDTSTask has no status filter, so the module filters the listed tasks.
    type: list
    elements: str
    choices:
      - Created
      - Checking
      - Starting
      - Started
      - Dumping
      - Loading
      - Syncing
      - Synced
      - Done
      - Success
      - Failed
      - RetryPending
      - Stopping
      - Stopped
      - FailedUnrecoverable
      - StoppedUnrecoverable
extends_documentation_fragment:
  - dbtasks.cloud.ucloud
  - dbtasks.cloud.common
  - dbtasks.cloud.task_info
  - dbtasks.cloud.attributes
  - dbtasks.cloud.attributes.actiongroup_ucloud
notes:
  - UCloud documents neither a largest page nor a C(TotalCount) for C(ListUDTSTask), so the module reads pages until an
    empty one, from the items actually received (a server serving fewer than asked loses nothing); RV(total_count) is
    only returned when the API sent it. C(docs/api-reference.md) lists these readings.
seealso:
  - module: dbtasks.cloud.dds_job_info
  - module: dbtasks.cloud.rds_task_info
"""

EXAMPLES = r"""
# Ad hoc, with credentials in UCLOUD_PUBLIC_KEY, UCLOUD_PRIVATE_KEY and UCLOUD_PROJECT_ID:
#   ansible localhost -m dbtasks.cloud.udts_task_info
#   ansible localhost -m dbtasks.cloud.udts_task_info -a "status=Failed,FailedUnrecoverable"
#   ansible localhost -m dbtasks.cloud.udts_task_info -a "task_id=udts-demofu01 wait=true"

- name: List every UDTS task
  dbtasks.cloud.udts_task_info:
  register: udts

- name: Names of the tasks that need attention
  ansible.builtin.debug:
    msg: "{{ udts.tasks | selectattr('state', 'in', ['failed', 'stopped']) | map(attribute='name') | list }}"

- name: One task with its failure message and binlog position
  dbtasks.cloud.udts_task_info:
    task_id: udts-demofail1
  register: one

- name: Wait until a full+incremental migration has caught up (Synced), 2 hours at most
  dbtasks.cloud.udts_task_info:
    task_id: udts-demofi01
    wait: true
    wait_for: synced
    wait_timeout: 7200
  register: migration

- name: Stop here unless it is in sync
  ansible.builtin.assert:
    that: migration.wait_outcome == 'synced'
    fail_msg: "The migration ended {{ migration.wait_outcome }}: {{ migration.tasks[0].failure_reason }}"

- name: Credentials once for every UCloud module of the collection
  module_defaults:
    group/dbtasks.cloud.ucloud:
      public_key: "{{ lookup('ansible.builtin.env', 'UCLOUD_PUBLIC_KEY') }}"
      private_key: "{{ lookup('ansible.builtin.env', 'UCLOUD_PRIVATE_KEY') }}"
      project_id: org-abc
  block:
    - name: Tasks that are loading or dumping
      dbtasks.cloud.udts_task_info:
        status: [Dumping, Loading]
"""

RETURN = r"""
tasks:
  description:
    - The selected tasks, in the order C(ListUDTSTask) lists them (in O(task_ids) order when selected by id); V([]) when none match.
    - Every field the API sent, in snake_case (unknown fields included), plus the normalized fields below. Tasks selected
      by id also have the fields of C(GetUDTSTaskStatus), whose values win.
    - With O(wait=true), each task as last seen.
  returned: always
  type: list
  elements: dict
  contains:
    task_id:
      description: The task ID as sent.
      type: str
      sample: udts-demofi01
    id:
      description: The task ID (normalized field).
      type: str
      sample: udts-demofi01
    status:
      description: The API's status.
      type: str
      sample: Dumping
    state:
      description: Normalized state, see C(docs/states.md).
      type: str
      choices: [pending, running, retrying, synced, succeeded, failed, stopped, unknown]
      sample: running
    terminal:
      description: Whether the task has finished (C(succeeded), C(failed) or C(stopped)) and will not change any more.
      type: bool
      sample: false
    progress_percent:
      description: C(progress.percentage), 0 to 100; V(null) when the API sent none.
      type: float
      sample: 40.56
    failure_reason:
      description: C(failed_message) (tasks selected by id) when not empty, else V(null).
      type: str
      sample: null
    instance_id:
      description: Always V(null) (normalized field; UDTS documents no instance field).
      type: str
      sample: null
    instance_name:
      description: Always V(null) (normalized field; UDTS documents no instance field).
      type: str
      sample: null
    created_at:
      description: When the task was created, ISO 8601 UTC (normalized field, from C(create_time) in epoch seconds); V(null) when unknown.
      type: str
      sample: "2026-11-22T06:53:56Z"
    ended_at:
      description: Always V(null) (normalized field; UDTS documents no end time).
      type: str
      sample: null
    progress:
      description: Full-migration progress as sent (row counts, durations in seconds, percentage, delays).
      type: dict
      sample: {"cur_count": 45802, "cur_duration": 9, "percentage": 40.56, "total_count": 112926, "total_duration": 24}
    failed_message:
      description: Why the task failed (C(GetUDTSTaskStatus)).
      returned: when selected by id
      type: str
      sample: ""
    sync:
      description: Binlog position of an incremental phase (C(GetUDTSTaskStatus)).
      returned: when selected by id
      type: dict
      sample: {"binlog_gtid": "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-17", "binlog_name": "mysql-bin.000006", "binlog_pos": 1754}
  sample:
    - task_id: udts-demofi01
      name: orders-mysql-to-mysql
      type: full+incremental
      status: Dumping
      create_time: 1795330436
      max_retry_count: 3
      cur_retry_count: 0
      progress: {"cur_count": 45802, "cur_duration": 9, "mongo_delay_time": 0, "percentage": 40.56, "redis_delay_time": 0,
                 "redis_offset_size": 0, "total_count": 112926, "total_duration": 24}
      service_type: small
      charge_type: Dynamic
      auto_renew: "No"
      is_expire: "No"
      expire_time: 1826866436
      db_type: mysql
      failed_message: ""
      sync: {"binlog_gtid": "", "binlog_name": "", "binlog_pos": 0}
      id: udts-demofi01
      state: running
      terminal: false
      progress_percent: 40.56
      failure_reason: null
      instance_id: null
      instance_name: null
      created_at: "2026-11-22T06:53:56Z"
      ended_at: null
total_count:
  description:
    - The C(TotalCount) the API reported, before the O(name) and O(status) filters, in the listing that selected the
      tasks; a wait does not change it.
  returned: when listing without O(task_id)/O(task_ids), if the API reported it
  type: int
  sample: 4
wait_outcome:
  description:
    - How the wait ended. V(succeeded) when every task succeeded; V(synced) with O(wait_for=synced) when every task is
      synced or succeeded and at least one synced; V(failed) when a task failed or stopped (at once with
      O(wait_fail_fast=true)); V(timeout) (in a failed result) when O(wait_timeout) passed first.
    - V(succeeded) also when nothing was selected; check that RV(tasks) is not empty.
  returned: when O(wait=true)
  type: str
  sample: synced
elapsed:
  description: Seconds spent waiting.
  returned: when O(wait=true)
  type: float
  sample: 36.1
"""

from ansible_collections.dbtasks.cloud.plugins.module_utils._info_module import run_info_module
from ansible_collections.dbtasks.cloud.plugins.module_utils._udts import UDTS, UDTS_TASK_TYPES


def main() -> None:
    argument_spec = dict(
        task_id=dict(type="str"),
        task_ids=dict(type="list", elements="str"),
        type=dict(type="str", choices=list(UDTS_TASK_TYPES)),
        name=dict(type="str"),
        status=dict(type="list", elements="str", choices=list(UDTS.statuses)),
    )
    run_info_module(UDTS, argument_spec)


if __name__ == "__main__":
    main()
