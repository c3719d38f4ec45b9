"""The hub's side of sync, one module a job: enrolling members (``enrolment``), importing
their bundles (``importing``), publishing down-bundles (``publishing``); what they share
is in ``common``. The queries the hub's screens and reports read live in
:mod:`fazhi_tui.storage.hub_store`.

A hub is a county (members: townships) or a city (members: counties); the code is the
same, the level is configuration.

May import: ``fazhi_tui.storage``, ``fazhi_tui.domain``, ``fazhi_tui.base`` and the rest of
``fazhi_tui.sync``.
"""

from __future__ import annotations

from fazhi_tui.storage.hub_store import (
    CATALOG_ALL,
    ChangeCount,
    MemberStatus,
    changes_between,
    conflict_list,
    import_history,
    member_overview,
)
from fazhi_tui.sync.hub.common import archive_dir, hub_config
from fazhi_tui.sync.hub.enrolment import enroll_member
from fazhi_tui.sync.hub.importing import ImportOutcome, KindSummary, import_bundle, import_bundles
from fazhi_tui.sync.hub.publishing import publish

__all__ = [
    "CATALOG_ALL",
    "ChangeCount",
    "ImportOutcome",
    "KindSummary",
    "MemberStatus",
    "archive_dir",
    "changes_between",
    "conflict_list",
    "enroll_member",
    "hub_config",
    "import_bundle",
    "import_bundles",
    "import_history",
    "member_overview",
    "publish",
]
