"""Deconfliction: agencies register operations (place, radius, time window, targets,
contact) and subjects under investigation. When two agencies' operations overlap in space
and time, or both work the same resolved subject, each contact officer is told at once whom
to call at the other agency, and nothing else about the other's work.

An operation's outcome (arrests, seizures) is recorded against the intelligence (collections)
that led to it, so commanders see which intelligence produced results.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_noop

from usalama.accounts.models import User
from usalama.audit.services import record
from usalama.core.errors import InvalidInput, NotFound
from usalama.core.text import clean_text, normalise_phone
from usalama.records.models import Collection, Statement
from usalama.sharing import services
from usalama.sharing.models import DeconflictionAlert, InvestigationSubject, Operation

EARTH_RADIUS_M = 6_371_000.0
MAX_RADIUS_M = 50_000


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def overlaps(a: Operation, b: Operation) -> bool:
    """Same place (same ward name, or circles that touch) and overlapping time windows."""
    same_time = a.starts_at < b.ends_at and b.starts_at < a.ends_at
    same_ward = a.place.strip().casefold() == b.place.strip().casefold()
    near = distance_m(a.latitude, a.longitude, b.latitude, b.longitude) <= a.radius_m + b.radius_m
    return same_time and (same_ward or near)


def _canonical(entity_id: str) -> str:
    found = (
        Statement.objects.filter(entity_id=entity_id).values_list("canonical_id", flat=True).first()
    )
    return found or entity_id


@dataclass(frozen=True)
class Contact:
    agency_id: int
    user: User
    phone: str


def _tell(pair: str, reason: str, one: Contact, other: Contact) -> bool:
    """Alert both contacts once per pair, each with the other's name, agency and phone only."""
    first, second = sorted([one, other], key=lambda c: c.agency_id)
    _alert, created = DeconflictionAlert.objects.get_or_create(
        pair=pair,
        defaults={
            "reason": reason,
            "first_agency_id": first.agency_id,
            "second_agency_id": second.agency_id,
        },
    )
    if not created:
        return False
    url = reverse("sharing:operations")
    for me, them in ((one, other), (other, one)):
        who = them.user.get_full_name() or them.user.get_username()
        agency = them.user.agency.code if them.user.agency else ""
        services.notify(
            me.user,
            gettext_noop(
                "Deconfliction: another agency is working the same ground. "
                "Call %(who)s (%(agency)s) on %(phone)s before you act."
            ),
            url,
            who=who,
            agency=agency,
            phone=them.phone,
        )
    record(
        one.user,
        "sharing.deconfliction.alert",
        details={"reason": reason, "agencies": sorted([one.agency_id, other.agency_id])},
    )
    return True


def _phone(value: str) -> str:
    phone = normalise_phone(value or "")
    if phone is None:
        raise InvalidInput("contact phone: not a phone number")
    return "+" + phone


def register_operation(
    user: Any,
    *,
    name: str,
    place: str,
    latitude: float,
    longitude: float,
    radius_m: int,
    starts_at: datetime,
    ends_at: datetime,
    contact_phone: str,
    targets: list[str] | None = None,
    intelligence: list[str] | None = None,
) -> tuple[Operation, int]:
    """Register an operation; returns it and how many alerts it raised."""
    if not services.may_request(user):
        raise NotFound("not found")
    name = clean_text(name).strip()[:200]
    place = clean_text(place).strip()[:200]
    if not name or not place:
        raise InvalidInput("name and place are required")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise InvalidInput("latitude/longitude out of range")
    if not 0 < radius_m <= MAX_RADIUS_M:
        raise InvalidInput(f"radius must be between 1 and {MAX_RADIUS_M} metres")
    if ends_at <= starts_at:
        raise InvalidInput("the operation must end after it starts")
    keys = [k for k in (intelligence or []) if k]
    visible = set(
        Collection.objects.visible_to(user).filter(key__in=keys).values_list("key", flat=True)
    )
    if set(keys) - visible:
        raise InvalidInput(f"unknown collection(s): {', '.join(sorted(set(keys) - visible))}")
    with transaction.atomic():
        operation = Operation.objects.create(
            agency_id=user.agency_id,
            name=name,
            place=place,
            latitude=latitude,
            longitude=longitude,
            radius_m=radius_m,
            starts_at=starts_at,
            ends_at=ends_at,
            targets=[t.strip() for t in (targets or []) if t.strip()][:100],
            intelligence=keys,
            contact=user,
            contact_phone=_phone(contact_phone),
        )
        record(user, "sharing.operation.register", object_type="operation", object_id=operation.pk)
        alerts = _check_operation(operation)
    return operation, alerts


def _check_operation(operation: Operation) -> int:
    me = Contact(operation.agency_id, operation.contact, operation.contact_phone)
    alerts = 0
    others = Operation.objects.exclude(agency_id=operation.agency_id).filter(
        starts_at__lt=operation.ends_at, ends_at__gt=operation.starts_at
    )
    for other in others.select_related("contact__agency"):
        if overlaps(operation, other):
            pair = "op:" + ":".join(str(i) for i in sorted([operation.pk, other.pk]))
            them = Contact(other.agency_id, other.contact, other.contact_phone)
            alerts += _tell(pair, DeconflictionAlert.Reason.PLACE_AND_TIME, me, them)
    canon = {_canonical(t) for t in operation.targets}
    if canon:
        for subject in InvestigationSubject.objects.filter(canonical_id__in=canon).exclude(
            agency_id=operation.agency_id
        ):
            them = Contact(subject.agency_id, subject.contact, subject.contact_phone)
            pair = f"op:{operation.pk}:subj:{subject.pk}"
            alerts += _tell(pair, DeconflictionAlert.Reason.SUBJECT, me, them)
    return alerts


def register_subject(user: Any, *, entity_id: str, contact_phone: str) -> tuple[Any, int]:
    """Register a subject the user's agency works (an entity the user can see)."""
    if not services.may_request(user):
        raise NotFound("not found")
    if not Statement.objects.visible_to(user).filter(entity_id=entity_id).exists():
        raise NotFound("entity not found")
    canonical = _canonical(entity_id)
    with transaction.atomic():
        subject, _created = InvestigationSubject.objects.get_or_create(
            agency_id=user.agency_id,
            canonical_id=canonical,
            defaults={
                "entity_id": entity_id,
                "contact": user,
                "contact_phone": _phone(contact_phone),
            },
        )
        record(user, "sharing.subject.register", object_type="subject", object_id=subject.pk)
        me = Contact(subject.agency_id, subject.contact, subject.contact_phone)
        alerts = 0
        for other in InvestigationSubject.objects.filter(canonical_id=canonical).exclude(
            agency_id=user.agency_id
        ):
            pair = "subj:" + ":".join(str(i) for i in sorted([subject.pk, other.pk]))
            them = Contact(other.agency_id, other.contact, other.contact_phone)
            alerts += _tell(pair, DeconflictionAlert.Reason.SUBJECT, me, them)
        for operation in Operation.objects.exclude(agency_id=user.agency_id):
            if canonical in {_canonical(t) for t in operation.targets}:
                them = Contact(operation.agency_id, operation.contact, operation.contact_phone)
                pair = f"op:{operation.pk}:subj:{subject.pk}"
                alerts += _tell(pair, DeconflictionAlert.Reason.SUBJECT, me, them)
    return subject, alerts


def record_outcome(
    user: Any, operation_id: int, *, arrests: int, seizures: str = "", note: str = ""
) -> Operation:
    """Only the registering agency records an operation's outcome (others: 404, audited)."""
    operation = Operation.objects.visible_to(user).filter(id=operation_id).first()
    if operation is None:
        record(user, "sharing.operation.outcome.refused", details={"operation": operation_id})
        raise NotFound(f"operation {operation_id} not found")
    if arrests < 0:
        raise InvalidInput("arrests cannot be negative")
    operation.arrests = arrests
    operation.seizures = clean_text(seizures).strip()[:500]
    operation.outcome_note = clean_text(note).strip()[:2000]
    operation.save(update_fields=["arrests", "seizures", "outcome_note"])
    record(
        user,
        "sharing.operation.outcome",
        object_type="operation",
        object_id=operation.pk,
        details={"arrests": arrests},
    )
    return operation


@dataclass(frozen=True)
class IntelligenceResult:
    collection: str
    operations: int
    arrests: int


def results_by_intelligence(user: Any) -> list[IntelligenceResult]:
    """For the user's agency: per collection of intelligence, operations and arrests."""
    totals: dict[str, list[int]] = {}
    done = Operation.objects.visible_to(user).filter(~Q(arrests=None))
    for operation in done:
        for key in operation.intelligence:
            row = totals.setdefault(key, [0, 0])
            row[0] += 1
            row[1] += operation.arrests or 0
    labels = dict(Collection.objects.filter(key__in=list(totals)).values_list("key", "label"))
    return sorted(
        (IntelligenceResult(labels.get(k, k), n, a) for k, (n, a) in totals.items()),
        key=lambda r: (-r.arrests, r.collection),
    )
