# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The record that describes one task API (a *provider*: udts, dds, rds).

Every fact about an API lives in its record, defined in the API's own file
(``_udts.py``, ``_dds.py``, ``_rds.py``) and listed in ``_providers.py``.
Generic code (states, tracker, engine, task_wait) reads the record and never
asks which provider it has. ``docs/architecture.md`` shows how to add one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Callable


@dataclasses.dataclass(frozen=True, eq=False)
class Provider:
    """One task API. ``cloud`` names its entry in ``_clouds.CLOUDS`` (``ucloud``, ``huaweicloud``)."""

    name: str  # the key users write: provider: udts
    label: str  # how messages name it: UDTS
    cloud: str
    source: Any  # the TaskSource subclass that reads it (typed Any: _tracker imports this file)
    module: str  # the info module, for messages and docs
    result_key: str  # the info module's list of items: tasks or jobs
    # Raw fields, as the API spells them.
    id_key: str
    status_key: str
    failure_key: str
    progress_path: tuple[str, ...]  # the keys leading to the percentage, outermost first
    # The documented statuses and their normalized state (docs/states.md); matched ignoring case.
    states: Mapping[str, str]
    # Called for a status whose state depends on other fields: (canonical status, raw item) -> state.
    refine_state: Callable[[str, Any], str] | None = None
    # Module options: ids, and the filters that cannot be combined with ids.
    id_option: str = "task_id"
    ids_option: str = "task_ids"
    filter_options: tuple[str, ...] = ()
    # task_wait selector filters (a subset of the module's filters); ``status`` takes a list there.
    selector_filters: tuple[str, ...] = ()
    # Whether a status filter sent to the API must use the documented spelling (no case folding).
    status_filter_exact: bool = True
    page_size: int = 100  # the largest page the collection reads; also the largest ``limit``
    # Whether the listing's total is documented well enough to end a listing; otherwise reading goes on to an
    # empty page and the total only aims the reads ahead (docs/api-reference.md).
    trusted_total: bool = True
    list_operation: str = ""
    detail_operation: str = ""
    # One followed id is read with the detail operation alone, without listing.
    single_lookup: bool = True
    # The listing lacks fields that the detail read has (failure message): tasks selected by id, and
    # tasks that ended badly, get one detail read when the wait is over.
    detail_on_report: bool = False
    # Whether an error of the detail read (an ``ApiError``) may mean the API does not know the id yet: a new task
    # can take seconds to become visible, so a wait counts such an id as pending for its grace period. None: never.
    not_yet_visible: Callable[[Any], bool] | None = None
    service: str | None = None  # the cloud's service name, where the cloud has several (Huawei: dds, rds)
    # Raw fields that give the normalized instance_id, instance_name, created_at and ended_at of every item
    # (_states.normalize_item, docs/states.md). Each is a list of paths (keys, outermost first) because listings
    # and detail reads name them differently: the first path that gives a value wins. Empty: the API has no such
    # field. A detail read merged over a listing drops the listing's other names of a field it gives (_tracker).
    instance_paths: tuple[tuple[str, ...], ...] = ()
    instance_name_paths: tuple[tuple[str, ...], ...] = ()
    created_paths: tuple[tuple[str, ...], ...] = ()
    ended_paths: tuple[tuple[str, ...], ...] = ()
    # Listing fields that change while a task runs and that the detail read lacks: dropped when a detail read
    # replaces a listing's fields, as they would describe an earlier moment than the rest of the item.
    stale_after_detail: tuple[str, ...] = ()
    # The one form of the raw progress text (under progress_path) on every item: the number followed by this
    # ("%" or ""), whichever form the listing or the detail read sent. None: the value is left as sent.
    progress_unit: str | None = None

    @property
    def client_key(self) -> str:
        """Which client of the cloud serves this provider: one per service, or one for the whole cloud."""
        return self.service or self.cloud

    @property
    def derived_paths(self) -> dict[str, tuple[tuple[str, ...], ...]]:
        """The raw paths of each normalized field found through the record, by the field's name."""
        return {"instance_id": self.instance_paths, "instance_name": self.instance_name_paths,
                "created_at": self.created_paths, "ended_at": self.ended_paths}

    @property
    def statuses(self) -> tuple[str, ...]:
        """The raw status values the provider documents, in their documented spelling."""
        return tuple(self.states)
