"""Demo stage: a grant is read-only, and the owner's administrators see who tried.

ODPP reads the DCI's investigations through a grant. Here its prosecutor tries to change
that collection once (the write gate refuses it and audits the attempt), so the DCI's
administrator finds a real refused attempt in the audit log on the first look. Idempotent:
the attempt is made only if the log does not hold it yet.
"""

from __future__ import annotations

import contextlib

from usalama.audit.models import AuditEvent
from usalama.audit.services import REFUSED_ACTION
from usalama.core.errors import NotFound, PermissionDenied
from usalama.demo.stages import DemoContext, Tip
from usalama.records import services as records

ATTEMPT = "resolve.judge"
COLLECTION = "dci-investigations"


def populate(context: DemoContext) -> list[Tip]:
    prosecutor = context.users.get("odpp.prosecutor")
    collection = context.collections.get(COLLECTION)
    if prosecutor is None or collection is None:
        return []
    done = AuditEvent.objects.filter(
        action=REFUSED_ACTION, actor=prosecutor.username, details__attempted=ATTEMPT
    ).exists()
    if not done:
        # refused and audited: what this stage is for
        with contextlib.suppress(PermissionDenied, NotFound):
            records.writable_collection(prosecutor, collection, attempted=ATTEMPT)
    return [
        Tip(
            "odpp.prosecutor",
            "Open a DCI pair under Resolution and judge it: refused (403), because a grant "
            "lets ODPP read the DCI's records, never change them; the attempt is audited.",
        ),
        Tip(
            "dci.admin",
            "GET /api/v1/audit/events?action=access.refused with your API token: ODPP's "
            "refused attempt on your collection is listed (owner_agency DCI).",
        ),
    ]
