# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # Options shared by the three info modules (implemented once in module_utils/_tasks.py): paging and waiting
    DOCUMENTATION = r"""
options:
  offset:
    description:
      - Return exactly one API page starting at this index (0 or more) instead of every page.
      - Cannot be combined with O(wait).
    type: int
  limit:
    description:
      - Size of the one page returned, from V(1) to the API's maximum page size; with only O(offset), pages of that size.
      - Without O(offset) and O(limit), every page is read, at the API's maximum page size, and the result is complete.
      - Cannot be combined with O(wait).
    type: int
  wait:
    description:
      - Whether to poll until every selected task has finished (see O(wait_for)), instead of reporting once.
      - Without ids, the tasks are those the filters select at the first poll; later polls follow exactly these tasks,
        even after they stop matching a status filter, and ignore tasks created meanwhile.
      - One poll lists all selected tasks together, page by page, however many they are. For DDS and RDS it reads the
        unfinished tasks by id instead when that takes fewer requests than the last listing did (a few tasks among many
        pages; a single task is always read by id). A task the list no longer shows is read by id too. A task read by id
        is not read again once it has finished.
      - Transient errors during a poll (connection errors, timeouts, throttling, HTTP 5xx), after the client's own
        retries, do not end the wait; the next poll tries again and the module warns, saying how many reads failed and
        when. The tasks keep their last-read state meanwhile.
      - Cannot be combined with O(offset) or O(limit).
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait at most when O(wait=true), from 0 to 2592000 (30 days); V(0) polls once.
      - On timeout the module fails with a message listing every unfinished task with its last status, progress and the
        time waited (and how long ago it was read, if the API could not be read at the end, with since when and why),
        and returns the last view of the tasks and C(wait_outcome=timeout).
    type: int
    default: 1800
  wait_sleep:
    description:
      - Seconds before the second poll when O(wait=true), from 1 to 3600.
      - Later pauses adapt, within 1 to 60 seconds (or O(wait_sleep) if larger). They follow the API's own estimate
        where it has one (UDTS C(TotalDuration) and C(CurDuration)) or the rate at which the progress percentage rises,
        and otherwise grow by half each poll. No pause reaches past O(wait_timeout).
    type: int
    default: 5
  wait_for:
    description:
      - What counts as finished when O(wait=true).
      - V(terminal) waits until every task is C(succeeded), C(failed) or C(stopped).
      - V(synced) also accepts C(synced), the state of an incremental UDTS migration that caught up (it never reaches
        C(Done)). DDS and RDS tasks are never C(synced), so for them it is the same as V(terminal).
    type: str
    choices: [terminal, synced]
    default: terminal
  wait_fail_fast:
    description:
      - When O(wait=true), stop waiting as soon as any selected task is C(failed) or C(stopped), even while others still run.
      - With V(false), wait until every task is finished.
      - Either way the module returns normally with RV(wait_outcome=failed); it reports, a play or the
        C(dbtasks.cloud.wait_for_tasks) role decides whether that fails the pipeline.
    type: bool
    default: true
  wait_not_found_grace:
    description:
      - When O(wait=true), seconds from 0 to 3600 during which a task id the API does not know counts as a C(pending) task
        that is not visible yet, instead of an error. A task started seconds before the wait (the API's job becomes
        visible after a few seconds) is then followed once it appears.
      - Once the grace has passed since the id was first missed, the module fails with the API's error, saying how long the
        id was looked for. V(0) fails at the first poll.
      - It applies only to ids given in the task or job id options, and only to the answers of the read by id that can
        mean an unknown id (see C(docs/api-reference.md)); an error such as a denied request fails at once. Without
        O(wait), an unknown id fails at once.
    type: int
    default: 60
notes:
  - The module only reads. Pages are read four at a time. A page may hold fewer items than asked (no API documents that
    it serves whole pages), so reading goes on from the items received, until the API's C(total_count) (where it is
    documented, DDS and RDS) or else an empty page. Items repeated across pages are returned once, and a listing that
    shifts while it is read ends with a warning rather than looping. See C(docs/modules.md) for pagination and waiting.
"""

    # Selection by id and the API-side filters that DDS jobs and RDS tasks share
    HUAWEI = r"""
options:
  job_id:
    description:
      - ID of one item to return, read with C(GET /v3/{project_id}/jobs?id=) (one request per poll). The item then has
        the fields of that API (C(created), C(ended), C(instance)), which differ from the list's.
      - A job created a few seconds ago may not be visible yet; with O(wait=true) it counts as pending for
        O(wait_not_found_grace) seconds.
      - Cannot be combined with O(job_ids) or with any filter, O(offset) or O(limit).
    type: str
  job_ids:
    description:
      - IDs of several items to return, in this order. One listing serves them all; an item the listing does not show
        is read by id. An unknown id fails the module with a message naming it (with O(wait=true), once
        O(wait_not_found_grace) has passed).
      - Cannot be combined with O(job_id) or with any filter, O(offset) or O(limit).
    type: list
    elements: str
  status:
    description:
      - Only items with this status (filtered by the API).
    type: str
    choices: [Running, Completed, Failed]
  name:
    description:
      - Only items with this name, the operation it performs (filtered by the API).
    type: str
  start_time:
    description:
      - Only items created at or after this time.
      - ISO 8601 with V(Z) or an offset (V(2026-11-01T08:30:00Z)), epoch seconds or milliseconds, V(now), or a time
        relative to now (V(-30m), V(-12h), V(-7d), V(-2w)). A time without a zone is rejected.
    type: raw
  end_time:
    description:
      - Only items created up to this time; same forms as O(start_time). Must be later than O(start_time).
    type: raw
"""
