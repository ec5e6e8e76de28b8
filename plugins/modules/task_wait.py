# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Documentation only: the work is done on the controller by the action plugin plugins/action/task_wait.py.

from __future__ import annotations

DOCUMENTATION = r"""
module: task_wait
short_description: Wait for UCloud UDTS, Huawei Cloud DDS and RDS tasks together, with progress lines
version_added: 0.1.0
description:
  - Waits until every selected task has finished, reading all providers in one loop on the controller, and prints the
    status and percentage of each unfinished task while it waits, at default verbosity.
  - One poll reads the unfinished tasks of every provider, each provider on its own, so a task that fails on one provider
    ends the wait within one poll even while tasks of another provider are still running, or while another provider
    fails or does not answer (its tasks then keep their last-read state, marked with its age in progress lines).
  - Per provider, a poll lists the tasks page by page (C(ListUDTSTask), DDS C(ListJobs) or RDS C(ListTasks), up to 100,
    100 or 50 tasks a page), however many tasks it follows. For DDS and RDS it reads the unfinished tasks by ID instead
    when that takes fewer requests than the last listing did (a single task is always read by ID), and stops reading a
    task by ID once it has finished. A provider whose tasks have all finished is not read again.
  - The task fails when a task ends V(failed) or V(stopped) (see O(fail_on)) or when O(timeout) passes first; the message
    lists every failed or stopped task with its reason, or every unfinished task with its last status and progress.
    It succeeds when every task succeeded, or with O(target=synced) succeeded or is synced.
  - States are the normalized states of M(dbtasks.cloud.udts_task_info), M(dbtasks.cloud.dds_job_info) and
    M(dbtasks.cloud.rds_task_info), described in C(docs/states.md).
  - The connection options come, for each option, from O(ucloud) / O(huaweicloud), else from C(module_defaults) of the
    action groups C(group/dbtasks.cloud.ucloud) / C(group/dbtasks.cloud.huaweicloud) (only their connection options; the
    module itself is not a member of either group, because it spans both), else from the environment variables of the
    controller that the info modules read, else from a CLI profile (O(ucloud.profile), O(huaweicloud.profile)), else the
    defaults. Only the connections of the providers in use are needed.
  - Secrets (O(ucloud.private_key), O(huaweicloud.secret_key), O(huaweicloud.security_token), O(huaweicloud.auth_token))
    never appear in the result, messages or progress lines; treat them as C(no_log) values.
  - When the environment variable E(GITHUB_STEP_SUMMARY) is set (a GitHub Actions job), the outcome and a table of the
    tasks are appended to that file as Markdown, however the wait ends.
  - The role P(dbtasks.cloud.wait_for_tasks#role) and the playbook C(dbtasks.cloud.gate) wrap this module for pipelines.
author:
  - dbtasks.cloud contributors (@dbtasks)
options:
  tasks:
    description:
      - The tasks to wait for. A task listed twice is awaited once.
    type: list
    elements: dict
    default: []
    suboptions:
      provider:
        description: Where the task lives.
        type: str
        required: true
        choices: [udts, dds, rds]
      id:
        description: The task ID (UDTS C(TaskId), DDS or RDS job ID).
        type: str
        required: true
      name:
        description: A name to show in progress lines and the result, instead of the task's own name.
        type: str
  selectors:
    description:
      - Tasks chosen by filters, resolved once when the wait starts into a fixed set of tasks (listed with the same API calls
        as the info modules), which is then followed until each has finished, even once it no longer matches.
      - Each selector needs O(selectors[].provider) and at least one filter; a filter another provider's API does not
        have is rejected.
      - When nothing is selected at all, the task fails unless O(allow_empty=true).
    type: list
    elements: dict
    default: []
    suboptions:
      provider:
        description: Which API to list.
        type: str
        required: true
        choices: [udts, dds, rds]
      status:
        description:
          - Only tasks with one of these statuses, as the provider spells them (UDTS for example V(Dumping), V(Syncing);
            DDS and RDS V(Running), V(Completed), V(Failed)).
        type: list
        elements: str
      name:
        description: Only tasks with exactly this name (for example RDS V(RestartInstance)).
        type: str
      type:
        description: UDTS only. V(transfer) (data migration, the default of the API) or V(integration), sent as C(Type) to
          C(ListUDTSTask) and C(GetUDTSTaskStatus).
        type: str
      instance_id:
        description: DDS and RDS only. Only tasks of this DB instance.
        type: str
      order_id:
        description: RDS only. Only tasks of this order.
        type: str
      start_time:
        description:
          - DDS and RDS only. Only tasks created at or after this time, in the forms M(dbtasks.cloud.rds_task_info) accepts
            (ISO 8601, epoch seconds or milliseconds, V(-7d), V(-12h), V(-30m), V(now)).
          - DDS lists the last 30 days (less one second, as far back as it keeps jobs) when neither time is set.
        type: raw
      end_time:
        description: DDS and RDS only. Only tasks created before this time, in the same forms as O(selectors[].start_time).
        type: raw
  allow_empty:
    description:
      - Succeed when the selectors match no task (and O(tasks) is empty), for example to wait only if something is running.
    type: bool
    default: false
  timeout:
    description:
      - Seconds to wait at most, from 0 to 2592000 (30 days). The last poll happens at the deadline; then the task fails,
        listing every unfinished task with its last status and, for a provider that could not be read, how long ago that
        status was read and why the provider could not be read.
      - V(0) looks once.
    type: float
    default: 1800
  poll_interval:
    description:
      - Seconds between two polls, from 1 to 3600. The first poll is at once; the next starts O(poll_interval) after it,
        or O(progress_interval) when that is shorter, so progress lines stay current.
      - A provider that has not answered within that time is judged on its last reading, so a slow or failing API
        never delays the others by more than one interval.
      - The cadence is fixed, so the request rate is predictable against rate-limited APIs and a task's final state is
        seen at most this long after it happened. Unlike the wait of the info modules (C(wait=true)), it does not adapt
        to the progress and time estimates the APIs report.
    type: float
    default: 30
  progress_interval:
    description:
      - Seconds between two progress blocks, from 1 to 86400, each listing every unfinished task with its status and
        percentage. A line is also printed as soon as a task finishes. The first block is printed after the first poll.
    type: float
    default: 60
  not_found_grace:
    description:
      - Seconds from 0 to 3600 during which a task of O(tasks) whose id the API does not know counts as C(pending), not
        visible yet, instead of an error; a task started seconds before the wait (a new job becomes visible after a few
        seconds) is then followed once it appears. Progress lines and the summary show it as
        C(not visible yet, looked for 12s).
      - Once the grace has passed since the id was first missed, the wait ends with RV(outcome=error) and the API's
        error, saying how long the id was looked for. V(0) fails at the first poll.
      - Only the answers of the read by id that can mean an unknown id count (see C(docs/api-reference.md)); an error
        such as a denied request ends the wait at once. A task found by O(selectors) was seen, so it gets no grace.
    type: float
    default: 60
  target:
    description:
      - V(terminal) waits until each task succeeded, failed or stopped.
      - V(synced) also accepts V(synced), because an incremental UDTS task that caught up never becomes C(Done).
    type: str
    choices: [terminal, synced]
    default: terminal
  fail_on:
    description:
      - States that end the wait at once, as a failure, as soon as one task is seen in one of them.
      - The wait fails anyway when it ends with a task V(failed) or V(stopped); leaving one out of this list only means the
        other tasks are still awaited first.
      - V(retrying) (a UDTS task that failed and will be retried) and V(unknown) (a status this collection does not know)
        are not final; list them to stop waiting on them.
    type: list
    elements: str
    choices: [failed, stopped, retrying, unknown]
    default: [failed, stopped]
  junit_file:
    description:
      - Write a JUnit XML report of the outcome to this file on the controller (its directory is created), however the wait
        ends (success, failure, timeout or error), for the test report of GitLab (C(artifacts:reports:junit)), Jenkins or a
        GitHub Actions test-report action.
      - One C(testsuite); one C(testcase) per task, named C(<provider> <id> [<name>]), with C(classname) the provider and
        C(time) the seconds until it finished (the whole wait when it had not). A task that failed or stopped has a
        C(failure) with its reason; one that had not finished has a C(failure) with its last status. No task is ever
        C(skipped). A wait that could not start is one C(testcase) with an C(error).
      - The file is replaced whole (written to a temporary file next to it, then renamed), never left half-written.
    type: path
  json_file:
    description:
      - Write the outcome as JSON to this file on the controller (its directory is created), however the wait ends; the
        keys are RV(success), RV(outcome), RV(msg), RV(tasks), RV(elapsed), RV(polls), RV(unreadable) and RV(summary), the value of
        C(wait_for_tasks_result) in the P(dbtasks.cloud.wait_for_tasks#role) role. Replaced whole, like O(junit_file).
    type: path
  variable_prefix:
    description:
      - For a role that passes its variables to this action, their common prefix. Messages then name each option as that
        variable (C(wait_for_tasks_tasks[0].id) rather than C(tasks[0].id)), and every variable that starts with the prefix
        but is neither C(<prefix><option>) for an option here nor C(<prefix>result) gives a warning naming the closest one,
        as does one nearly equal to such a name.
      - The P(dbtasks.cloud.wait_for_tasks#role) role passes V(wait_for_tasks_).
    type: str
  ucloud:
    description:
      - UCloud connection for C(udts) tasks. Each option falls back to C(group/dbtasks.cloud.ucloud) module_defaults, then to
        the environment variable named, as in M(dbtasks.cloud.udts_task_info).
    type: dict
    default: {}
    suboptions:
      public_key:
        description: The public key of the API key pair (E(UCLOUD_PUBLIC_KEY)).
        type: str
      private_key:
        description: The private key of the API key pair (E(UCLOUD_PRIVATE_KEY)). A secret; never shown.
        type: str
      project_id:
        description: The project to query (E(UCLOUD_PROJECT_ID)).
        type: str
      region:
        description: Region sent with every request (E(UCLOUD_REGION)).
        type: str
      base_url:
        description: Base URL of the UCloud API (E(UCLOUD_API_BASE_URL)), else the profile's, else V(https://api.ucloud.cn).
        type: str
      profile:
        description:
          - UCloud CLI profile for the settings not set otherwise (E(UCLOUD_PROFILE)); without one, the C(active) profile
            when no key is set at all. See M(dbtasks.cloud.udts_task_info).
        type: str
      shared_config_file:
        description: UCloud CLI configuration file instead of C(~/.ucloud/config.json) (E(UCLOUD_SHARED_CONFIG_FILE)).
        type: path
      shared_credentials_file:
        description: UCloud CLI credentials file instead of C(~/.ucloud/credential.json) (E(UCLOUD_SHARED_CREDENTIAL_FILE)).
        type: path
      # The same HTTP options for both clouds: the anchor is reused under huaweicloud.
      <<: &http_options
        timeout:
          description:
            - Seconds one HTTP request may take at most, connecting and the whole answer included; at most 300.
            - Not the wait's O(timeout), which bounds every request too.
          type: float
          default: 30
        retries:
          description: How many times a request that failed transiently is repeated, V(0) to V(10).
          type: int
          default: 4
        validate_certs:
          description: Whether to verify the TLS certificate of the endpoint; V(false) gives a warning.
          type: bool
          default: true
        ca_bundle:
          description: CA bundle (file or directory) to verify the endpoint with; not together with C(validate_certs=false).
          type: path
  huaweicloud:
    description:
      - Huawei Cloud connection for C(dds) and C(rds) tasks. Each option falls back to C(group/dbtasks.cloud.huaweicloud)
        module_defaults, then to the environment variables named, as in M(dbtasks.cloud.rds_task_info).
      - Use either O(huaweicloud.access_key) and O(huaweicloud.secret_key) (with O(huaweicloud.security_token) for
        temporary credentials), or O(huaweicloud.auth_token).
    type: dict
    default: {}
    suboptions:
      access_key:
        description: Access key ID (E(HUAWEICLOUD_SDK_AK), E(HW_ACCESS_KEY)).
        type: str
      secret_key:
        description: Secret access key (E(HUAWEICLOUD_SDK_SK), E(HW_SECRET_KEY)). A secret; never shown.
        type: str
      security_token:
        description: Security token of temporary credentials (E(HUAWEICLOUD_SDK_SECURITY_TOKEN), E(HW_SECURITY_TOKEN)). A secret.
        type: str
      auth_token:
        description: IAM token sent as C(X-Auth-Token) instead of signing (E(HUAWEICLOUD_SDK_AUTH_TOKEN)). A secret.
        type: str
      project_id:
        description:
          - Project ID (E(HUAWEICLOUD_SDK_PROJECT_ID), E(HW_PROJECT_ID)).
          - Without it, access key and secret key find the project named after O(huaweicloud.region) through IAM, once per wait.
        type: str
      region:
        description: Region, for example V(cn-north-4) (E(HW_REGION_NAME), E(HUAWEICLOUD_SDK_REGION)). Required unless O(huaweicloud.endpoint) is set.
        type: str
      endpoint:
        description:
          - Base URL replacing the public endpoint of both services (E(HUAWEICLOUD_SDK_ENDPOINT)); may contain C({service})
            and C({region}).
        type: str
      iam_endpoint:
        description:
          - IAM base URL where the project ID is looked up when O(huaweicloud.project_id) is not set
            (E(HUAWEICLOUD_SDK_IAM_ENDPOINT)); default C(https://iam.<region>.myhuaweicloud.com) (C(.eu) for V(eu-west-101)).
        type: str
      profile:
        description:
          - KooCLI profile for the settings not set otherwise (E(HW_PROFILE)); without one, the C(current) profile when no
            credential is set at all. See M(dbtasks.cloud.rds_task_info).
        type: str
      shared_config_file:
        description: KooCLI configuration file instead of C(~/.hcloud/config.json) (E(HW_SHARED_CONFIG_FILE)).
        type: path
      <<: *http_options
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.conn
  - ansible.builtin.action_common_attributes.flow
attributes:
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
  become:
    support: none
  check_mode:
    support: full
    details: It only reads, so it runs and waits in check mode too.
  connection:
    support: none
  delegation:
    support: none
    details: It always runs on the controller.
  diff_mode:
    support: none
  platform:
    support: full
    platforms: all
notes:
  - The requests go out from the controller, whatever the host of the play; use C(hosts=localhost) in the play.
  - One HTTP session per cloud is kept open for the whole wait.
  - Tasks that no longer appear in a provider's listing (a DDS job older than the last 30 days, for example) are read one by
    one until they have finished.
seealso:
  - module: dbtasks.cloud.udts_task_info
  - module: dbtasks.cloud.dds_job_info
  - module: dbtasks.cloud.rds_task_info
"""

EXAMPLES = r"""
- name: Wait for a migration and two maintenance jobs, at most one hour
  dbtasks.cloud.task_wait:
    tasks:
      - {provider: udts, id: udts-demofu01, name: archive copy}
      - {provider: dds, id: 2f406db7-bdc4-402f-9dc4-2c1b094a5f93}
      - {provider: rds, id: 676e9f17f9b74289883a44a47b8101f5}
    timeout: 3600
    poll_interval: 15
  register: maintenance

# auth_token replaces access_key and secret_key: leave HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK unset,
# or the environment supplies them too and the task fails.
- name: Every running RDS task of an instance, with an IAM token set for the whole action group
  module_defaults:
    group/dbtasks.cloud.huaweicloud:
      auth_token: "{{ iam_token }}"
      project_id: "{{ huawei_project_id }}"
      region: ap-southeast-1
  dbtasks.cloud.task_wait:
    selectors:
      - provider: rds
        instance_id: 4d00c7e9d22145deb889937a72b59c8ein01
        status: [Running]
    allow_empty: true  # nothing running there is fine too
  register: instance_tasks

- name: An incremental migration counts as done once it is synced
  dbtasks.cloud.task_wait:
    tasks:
      - {provider: udts, id: udts-demoin01}
    target: synced
    ucloud:
      public_key: "{{ ucloud_public_key }}"
      private_key: "{{ ucloud_private_key }}"
  register: incremental

- name: Keep going after a failure and decide later, with a JUnit report and the outcome as JSON for the pipeline
  dbtasks.cloud.task_wait:
    tasks: "{{ cutover_tasks }}"
    junit_file: reports/database-tasks.xml
    json_file: reports/database-tasks.json
  register: cutover
  failed_when: false

- name: Show how each task ended
  ansible.builtin.debug:
    msg: "{{ item.provider }} {{ item.id }}: {{ item.state }} {{ item.failure_reason or '' }}"
  loop: "{{ cutover.tasks }}"
"""

RETURN = r"""
success:
  description: Whether RV(outcome) is V(succeeded) or V(synced), the one thing a pipeline needs to know.
  returned: always
  type: bool
  sample: true
outcome:
  description:
    - V(succeeded) (every task succeeded), V(synced) (every task succeeded or is synced, with O(target=synced)),
      V(failed) (a task failed or stopped, or reached a O(fail_on) state), V(timeout), or V(error) (bad options, or an API
      error that is not transient, such as rejected credentials or an unknown task ID).
  returned: always
  type: str
  sample: succeeded
msg:
  description:
    - What happened, in one line; on failure every failed or stopped task and its reason, on timeout every unfinished task;
      then each provider that could not be read at the end, since when and why.
    - Text from the APIs in it (names, statuses, reasons, errors) has its control characters escaped and is cut after 200
      characters; RV(tasks) keeps the values as sent.
  returned: always
  type: str
  sample: All 3 tasks succeeded within 41s
tasks:
  description: Every task awaited, in the order given (selected tasks after the listed ones), as last seen.
  returned: unless RV(outcome=error)
  type: list
  elements: dict
  contains:
    provider: &provider_field
      description: V(udts), V(dds) or V(rds).
      type: str
      sample: rds
    id:
      description: The task ID.
      type: str
      sample: 676e9f17f9b74289883a44a47b8101f5
    name:
      description: The name from O(tasks[].name), else the task's name at the provider.
      type: str
      sample: RestartInstance
    status:
      description: The provider's status.
      type: str
      sample: Completed
    state:
      description: The normalized state (C(docs/states.md)).
      type: str
      sample: succeeded
    progress_percent:
      description: Progress in percent when the provider gives one, else V(null).
      type: float
      sample: 100.0
    failure_reason:
      description: The provider's failure message, else V(null).
      type: str
      sample: null
    instance_id:
      description: The DB instance (DDS, RDS), as the info modules return it; V(null) for UDTS and when not read.
      type: str
      sample: 4d00c7e9d22145deb889937a72b59c8ein01
    instance_name:
      description: The DB instance's name (DDS, RDS); V(null) for UDTS and when unknown.
      type: str
      sample: rds-demo-mysql
    created_at:
      description: When the task was created, ISO 8601 UTC; V(null) when unknown.
      type: str
      sample: "2026-11-22T06:53:56Z"
    ended_at:
      description: When the task ended, ISO 8601 UTC; V(null) until it has ended, and always for UDTS (no end time).
      type: str
      sample: "2026-11-22T06:54:38Z"
    finished_after:
      description:
        - Seconds from the start of the wait until the poll that first saw the task finished (V(0) if it had finished
          before); V(null) if it had not.
      type: float
      sample: 38.2
    read_after:
      description:
        - Seconds from the start of the wait to the last good read of the task; V(null) if it was never read. Older than
          the last poll when its provider could not be read (see RV(unreadable)).
      type: float
      sample: 36.0
    not_found_for:
      description:
        - Seconds the task's id had been looked for without the API knowing it, when it was still not visible at the end
          (a timeout within O(not_found_grace)); V(null) otherwise.
      type: float
      sample: null
unreadable:
  description:
    - The providers that could not be read when the wait ended; their tasks in RV(tasks) are as last read. Empty when
      every provider answered.
  returned: unless RV(outcome=error)
  type: list
  elements: dict
  contains:
    provider: *provider_field
    since:
      description: Seconds into the wait of the first read that failed or did not answer.
      type: float
      sample: 6.0
    read_at:
      description: Seconds into the wait of the last good read; V(null) if the provider was never read.
      type: float
      sample: 4.0
    error:
      description: The last error, as shown in messages; V(null) when the provider has not answered at all.
      type: str
      sample: "UCloud ListUDTSTask failed: Service Unavailable (code 150, HTTP 503, request id 2c540c0c-e9bf-4896-a945-7afa1a626b8c, after 5 attempts)"
unmatched_selectors:
  description:
    - Each selector that matched no task when the wait started, with its filters (with O(allow_empty=true) that is no
      failure, and the summary says so too).
  returned: when a selector matched no task
  type: list
  elements: str
  sample:
    - "selectors[0] (dds: instance_id=1f311e6a299345d7bbc878874844e233in02, status=Running)"
elapsed:
  description: Seconds the wait took.
  returned: unless RV(outcome=error)
  type: float
  sample: 41.3
polls:
  description: How many times every task was read.
  returned: unless RV(outcome=error)
  type: int
  sample: 9
summary:
  description:
    - A readable summary, one line each - the outcome, each task with its final state and time to finish (or its
      last status), and any warning. It is what the P(dbtasks.cloud.wait_for_tasks#role) role prints.
  returned: always
  type: list
  elements: str
  sample:
    - "succeeded after 41s (9 polls), 2 tasks:"
    - "  succeeded  udts udts-demofu01 [archive copy] after 25s"
    - "  succeeded  rds 676e9f17f9b74289883a44a47b8101f5 [RestartInstance], finished before the wait"
"""
