"""Cases as a shareable of the Sharing page (``records.shareables``).

A case granted from the Sharing page is the case app's own ``CaseShare``, read-only, with
the grant's purpose, conditions and expiry: one mechanism for the justice chain and for
sharing. Only a supervisor or commander of the owning agency grants or revokes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse

from usalama.accounts.roles import Role
from usalama.audit.services import record
from usalama.cases import services
from usalama.cases.models import Case, CaseShare, reads_cases
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.core.text import clean_text
from usalama.records.shareables import SharedItem

GRANTING_ROLES = (Role.SUPERVISOR, Role.COMMANDER)


def _may_grant(user: Any) -> bool:
    return bool(reads_cases(user) and user.has_role(*GRANTING_ROLES))


def _item(share: CaseShare) -> SharedItem:
    return SharedItem(
        id=share.pk,
        label=f"{share.case.reference}: {share.case.title}",
        url=reverse("cases:case", args=[share.case.reference]),
        owner_code=share.case.agency.code,
        agency_code=share.agency.code,
        purpose=share.purpose,
        conditions=share.conditions,
        granted_at=share.granted_at,
        expires_at=share.expires_at,
        revoked_at=share.revoked_at,
        active=share.is_active(),
        read_only=share.read_only,
    )


def _text(value: str, field: str, *, required: bool) -> str:
    cleaned = clean_text(value or "").strip()
    if required and not cleaned:
        raise InvalidInput(f"{field} is required")
    if len(cleaned) > 2000:
        raise InvalidInput(f"{field} is longer than 2000 characters")
    return cleaned


class CaseShareable:
    kind = "case"

    def choices(self, user: Any) -> list[tuple[str, str]]:
        if not _may_grant(user):
            return []
        return [
            (c.reference, f"{c.reference}: {c.title}")
            for c in Case.objects.filter(agency_id=user.agency_id).order_by("reference")[:500]
        ]

    def grant(
        self,
        user: Any,
        value: str,
        *,
        agency_code: str,
        purpose: str,
        conditions: str,
        expires_at: datetime | None,
    ) -> SharedItem:
        case = (
            Case.objects.visible_to(user).select_related("agency").filter(reference=value).first()
        )
        if case is None:
            error: Exception = NotFound("case not found")
        elif case.agency_id != user.agency_id:
            error = PermissionDenied(
                f"case {case.reference} belongs to {case.agency.code} and is handled "
                f"{case.handling}: only {case.agency.code} may pass it on; ask them"
            )
        elif not _may_grant(user):
            error = PermissionDenied("only a supervisor or commander may share")
        else:
            share = services.upsert_share(
                user,
                case,
                agency_code,
                purpose=_text(purpose, "purpose", required=True),
                conditions=_text(conditions, "conditions", required=False),
                expires_at=expires_at,
                read_only=True,
            )
            return _item(share)
        record(
            user,
            "case.share.refused",
            object_type="case",
            object_id=value[:100],
            details={"reason": str(error)[:300]},
        )
        raise error

    def revoke(self, user: Any, grant_id: int) -> SharedItem:
        share = (
            CaseShare.objects.select_related("case__agency", "agency")
            .filter(pk=grant_id, case__agency_id=getattr(user, "agency_id", None) or 0)
            .first()
        )
        if share is None or not _may_grant(user):
            record(
                user,
                "case.unshare.refused",
                object_type="case_share",
                object_id=grant_id,
                details={"reason": "not found"},
            )
            raise NotFound(f"case grant {grant_id} not found")
        if share.revoked_at is None:
            services.end_share(user, share)
        return _item(share)

    def given(self, user: Any) -> list[SharedItem]:
        if not reads_cases(user):
            return []
        rows = CaseShare.objects.filter(case__agency_id=user.agency_id).select_related(
            "case__agency", "agency"
        )
        return [_item(s) for s in rows.order_by("-granted_at")[:200]]

    def received(self, user: Any) -> list[SharedItem]:
        if not reads_cases(user):
            return []
        rows = CaseShare.objects.filter(agency_id=user.agency_id).select_related(
            "case__agency", "agency"
        )
        return [_item(s) for s in rows.order_by("-granted_at")[:200]]
