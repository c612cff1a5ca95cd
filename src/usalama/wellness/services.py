"""Wellness use cases. Only counsellors read referrals; the officer concerned sees their own
offers. Every read is audited with the referral's id only — never its content."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from usalama.accounts.models import Agency
from usalama.accounts.roles import Role
from usalama.audit import services as audit
from usalama.audit.services import Actor
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.wellness.crypto import seal, unseal
from usalama.wellness.models import (
    CriticalIncident,
    IncidentKind,
    Origin,
    Referral,
    Status,
    is_counsellor,
)

# Who may record a critical incident for their agency (they never see the referrals it makes).
RECORDING_ROLES = (Role.SUPERVISOR, Role.COMMANDER, Role.DESK_OFFICER)
OFFICER_STATUSES = (Status.ACCEPTED, Status.DECLINED)


@dataclass(frozen=True)
class InvolvedOfficer:
    name: str
    service_number: str
    user_id: int | None = None


def _audit_refused(user: Any, action: str, pk: Any) -> None:
    """Audit a refusal; callers raise it before opening a transaction, so it is kept."""
    audit.record(user, f"{action}.refused", object_type="wellness_referral", object_id=pk)


def record_critical_incident(
    actor: Actor | Any,
    agency: Agency,
    *,
    kind: str,
    occurred_at: dt.datetime,
    place: str = "",
    officers: Iterable[InvolvedOfficer],
    external_ref: str = "",
) -> tuple[CriticalIncident, int]:
    """Record a critical incident; each officer involved is offered a confidential referral.
    Idempotent per (incident reference, officer) when ``external_ref`` is given."""
    if not isinstance(actor, Actor) and (
        actor.agency_id != agency.pk or not actor.has_role(*RECORDING_ROLES)
    ):
        audit.record(actor, "wellness.incident.create.refused", object_type="critical_incident")
        raise PermissionDenied("only this agency's supervisors, commanders or desk officers")
    with transaction.atomic():
        return _record_incident(actor, agency, kind, occurred_at, place, officers, external_ref)


def _record_incident(
    actor: Actor | Any,
    agency: Agency,
    kind: str,
    occurred_at: dt.datetime,
    place: str,
    officers: Iterable[InvolvedOfficer],
    external_ref: str,
) -> tuple[CriticalIncident, int]:
    if kind not in IncidentKind.values:
        raise InvalidInput(f"unknown incident kind {kind!r}")
    officers = [o for o in officers if o.service_number.strip() or o.name.strip()]
    if not officers:
        raise InvalidInput("name at least one officer involved")
    who = actor if isinstance(actor, Actor) else Actor.of(actor)
    incident = None
    if external_ref:
        incident = CriticalIncident.objects.filter(agency=agency, external_ref=external_ref).first()
    if incident is None:
        incident = CriticalIncident.objects.create(
            agency=agency,
            kind=kind,
            occurred_at=occurred_at,
            place=place,
            recorded_by=who.name,
            external_ref=external_ref,
        )
    offered = 0
    for officer in officers:
        _, created = Referral.objects.get_or_create(
            incident=incident,
            service_number=officer.service_number.strip(),
            defaults={
                "agency": agency,
                "officer_user_id": officer.user_id,
                "officer_name": officer.name.strip(),
                "origin": Origin.CRITICAL_INCIDENT,
                "status": Status.OFFERED,
            },
        )
        offered += created
    # The count only: who was offered support is itself confidential.
    audit.record(
        who,
        "wellness.incident.create",
        object_type="critical_incident",
        object_id=incident.pk,
        details={"kind": kind, "offers": offered},
    )
    return incident, offered


def self_refer(
    user: Any, *, message: str = "", contact: str = "", origin: str = Origin.SELF
) -> Referral:
    """An officer asks for a counsellor. Any signed-in member of an agency may."""
    if not getattr(user, "is_authenticated", False) or not user.agency_id:
        raise PermissionDenied("sign in to ask for a counsellor")
    with transaction.atomic():
        referral = Referral.objects.create(
            agency_id=user.agency_id,
            officer_user=user,
            officer_name=user.get_full_name() or user.get_username(),
            origin=origin,
            status=Status.REQUESTED,
            notes_sealed=seal(message.strip()),
            contact=contact.strip()[:200],
        )
        audit.record(
            user,
            "wellness.referral.request",
            object_type="wellness_referral",
            object_id=referral.pk,
        )
    return referral


def list_referrals(user: Any) -> list[Referral]:
    if not is_counsellor(user):
        _audit_refused(user, "wellness.referral.list", "")
        raise NotFound("not found")
    rows = list(Referral.objects.visible_to(user)[:500])
    audit.record(
        user,
        "wellness.referral.list",
        object_type="wellness_referral",
        details={"count": len(rows)},
    )
    return rows


def get_referral(user: Any, pk: int) -> tuple[Referral, str]:
    """The referral and its decrypted notes, for a counsellor of the officer's agency."""
    referral = Referral.objects.visible_to(user).filter(pk=pk).first()
    if referral is None:
        _audit_refused(user, "wellness.referral.read", pk)
        raise NotFound("not found")
    audit.record(user, "wellness.referral.read", object_type="wellness_referral", object_id=pk)
    return referral, unseal(referral.notes_sealed)


def update_referral(user: Any, pk: int, *, status: str | None = None, note: str = "") -> Referral:
    if not Referral.objects.visible_to(user).filter(pk=pk).exists():
        _audit_refused(user, "wellness.referral.update", pk)
        raise NotFound("not found")
    with transaction.atomic():
        return _update_referral(user, pk, status, note)


def _update_referral(user: Any, pk: int, status: str | None, note: str) -> Referral:
    referral = Referral.objects.visible_to(user).select_for_update().get(pk=pk)
    if status is not None:
        if status not in Status.values:
            raise InvalidInput(f"unknown status {status!r}")
        referral.status = status
    if note.strip():
        stamp = timezone.now().strftime("%Y-%m-%d %H:%M")
        previous = unseal(referral.notes_sealed)
        entry = f"[{stamp} {user.get_username()}] {note.strip()}"
        referral.notes_sealed = seal(f"{previous}\n{entry}".strip())
    referral.updated_at = timezone.now()
    referral.save()
    audit.record(user, "wellness.referral.update", object_type="wellness_referral", object_id=pk)
    return referral


def my_referrals(user: Any) -> list[Referral]:
    rows = list(Referral.objects.own(user))
    audit.record(
        user, "wellness.referral.own", object_type="wellness_referral", details={"count": len(rows)}
    )
    return rows


def answer_offer(user: Any, pk: int, accept: bool) -> Referral:
    referral = Referral.objects.own(user).filter(pk=pk).first()
    if referral is None:
        _audit_refused(user, "wellness.referral.answer", pk)
        raise NotFound("not found")
    if referral.status != Status.OFFERED:
        raise InvalidInput("this offer has already been answered")
    with transaction.atomic():
        referral.status = Status.ACCEPTED if accept else Status.DECLINED
        referral.updated_at = timezone.now()
        referral.save(update_fields=["status", "updated_at"])
        audit.record(
            user, "wellness.referral.answer", object_type="wellness_referral", object_id=pk
        )
    return referral


def incidents_for(user: Any) -> list[CriticalIncident]:
    if not user.is_authenticated or not user.has_role(*RECORDING_ROLES):
        return []
    return list(CriticalIncident.objects.filter(agency_id=user.agency_id)[:100])
