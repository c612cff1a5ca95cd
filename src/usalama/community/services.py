"""Community use cases: subscriptions (from SMS/USSD), alerts (drafted by a commander,
approved by a different supervisor of the same agency, sent by a background job at a limited
rate, delivery reports counted), and barazas. The only code here that writes, checks
permission and audits."""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from usalama.audit.services import Actor, record, record_refused
from usalama.community.models import (
    Alert,
    AlertStatus,
    Baraza,
    BarazaIssue,
    Delivery,
    DeliveryStatus,
    IssueStatus,
    Subscriber,
)
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.data import areas

log = logging.getLogger("usalama.community")
SYSTEM = Actor(name="community", agency="")
DRAFT_ROLES = ("commander",)
APPROVE_ROLES = ("supervisor",)
BARAZA_ROLES = ("commander", "supervisor", "desk_officer")
MAX_WARDS = 50


def _digest(phone: str) -> str:
    from usalama.intake.services import phone_digest

    return phone_digest(phone)


def _normalised(phone: str) -> str:
    from usalama.core.text import normalise_phone

    found = normalise_phone(phone)
    if not found:
        raise InvalidInput("phone: not a phone number")
    return found if found.startswith("+") else "+" + found  # E.164, as gateways want it


# --- subscriptions (citizens) -------------------------------------------------------------


def subscribe(phone: str, ward_code: str, language: str, channel: str) -> bool:
    """Opt a number in to one ward's alerts; False if it already was. Never logs the number."""
    if areas.ward(ward_code) is None:
        raise InvalidInput("ward: unknown ward code")
    number = _normalised(phone)
    digest = _digest(number)
    with transaction.atomic():
        found = (
            Subscriber.objects.select_for_update()
            .filter(phone_digest=digest, ward_code=ward_code)
            .first()
        )
        if found is not None and found.active:
            if found.language != language:
                found.language = language
                found.save(update_fields=["language"])
            return False
        if found is None:
            found = Subscriber(phone_digest=digest, ward_code=ward_code)
        found.phone, found.language, found.channel = number, language, channel[:10]
        found.active, found.joined_at, found.left_at = True, timezone.now(), None
        found.save()
        record(
            SYSTEM,
            "community.subscribed",
            object_type="subscriber",
            object_id=found.pk,
            details={"ward": ward_code, "channel": channel},
        )
    return True


def unsubscribe(phone: str) -> int:
    """STOP/ACHA: end every ward subscription of the number; the number is erased."""
    try:
        digest = _digest(_normalised(phone))
    except InvalidInput:
        return 0
    with transaction.atomic():
        rows = list(Subscriber.objects.select_for_update().filter(phone_digest=digest, active=True))
        for row in rows:
            row.active, row.left_at, row.phone = False, timezone.now(), ""
            row.save(update_fields=["active", "left_at", "phone"])
        if rows:
            record(
                SYSTEM,
                "community.unsubscribed",
                object_type="subscriber",
                object_id=rows[0].pk,
                details={"subscriptions": len(rows)},
            )
    return len(rows)


def subscriber_counts(ward_codes: list[str]) -> dict[str, int]:
    counts = Counter(
        Subscriber.objects.filter(ward_code__in=ward_codes, active=True).values_list(
            "ward_code", flat=True
        )
    )
    return {code: counts.get(code, 0) for code in ward_codes}


# --- alerts ----------------------------------------------------------------------------------


def _staff(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.agency_id is not None
    )


def reads_alerts(user: Any) -> bool:
    return _staff(user) and bool(user.has_role(*DRAFT_ROLES, *APPROVE_ROLES))


def drafts_alerts(user: Any) -> bool:
    return _staff(user) and bool(user.has_role(*DRAFT_ROLES))


def approves_alerts(user: Any) -> bool:
    return _staff(user) and bool(user.has_role(*APPROVE_ROLES))


def _refuse(user: Any, attempted: str, pk: Any, reason: str, owner: str = "") -> None:
    record_refused(
        user, attempted, object_type="alert", object_id=pk, reason=reason, owner_agency=owner
    )


def clean_wards(raw: list[str]) -> list[str]:
    wards = []
    for item in raw:
        code = item.strip()
        if not code:
            continue
        if areas.ward(code) is None:
            raise InvalidInput(f"wards: {code!r} is not a ward code")
        if code not in wards:
            wards.append(code)
    if not wards:
        raise InvalidInput("wards: name at least one ward")
    if len(wards) > MAX_WARDS:
        raise InvalidInput(f"wards: at most {MAX_WARDS}")
    return wards


def draft_alert(user: Any, title: str, message_sw: str, message_en: str, wards: list[str]) -> Alert:
    if not drafts_alerts(user):
        _refuse(user, "community.alert.draft", "", "not a commander")
        raise PermissionDenied("alerts are drafted by commanders")
    title = " ".join(title.split())
    if not title:
        raise InvalidInput("title: missing")
    message_sw, message_en = message_sw.strip(), message_en.strip()
    if not message_sw and not message_en:
        raise InvalidInput("message: write it in Swahili, English or both")
    for name, text in (("message_sw", message_sw), ("message_en", message_en)):
        if len(text) > 480:
            raise InvalidInput(f"{name}: at most 480 characters (three SMS)")
    codes = clean_wards(wards)
    with transaction.atomic():
        alert = Alert.objects.create(
            agency_id=user.agency_id,
            title=title[:120],
            message_sw=message_sw,
            message_en=message_en,
            wards=codes,
            drafted_by=user,
        )
        record(
            user,
            "community.alert.drafted",
            object_type="alert",
            object_id=alert.pk,
            details={"wards": codes},
        )
    return alert


def get_alert(user: Any, alert_id: int) -> Alert:
    if not reads_alerts(user):
        _refuse(user, "community.alert.read", alert_id, "not an alerting role")
        raise PermissionDenied("alerts are for commanders and supervisors")
    found = (
        Alert.objects.visible_to(user)
        .filter(pk=alert_id)
        .select_related("drafted_by", "decided_by")
        .first()
    )
    if found is None:
        _refuse(user, "community.alert.read", alert_id, "not found or another agency's")
        raise NotFound(f"alert {alert_id} not found")
    return found


def list_alerts(user: Any) -> list[Alert]:
    if not reads_alerts(user):
        _refuse(user, "community.alert.list", "", "not an alerting role")
        raise PermissionDenied("alerts are for commanders and supervisors")
    return list(Alert.objects.visible_to(user).select_related("drafted_by")[:200])


def decide_alert(user: Any, alert_id: int, approve: bool, note: str = "") -> Alert:
    """A supervisor approves (queues the sending) or rejects a draft; never its drafter."""
    alert = get_alert(user, alert_id)
    if not approves_alerts(user):
        _refuse(user, "community.alert.decide", alert_id, "not a supervisor")
        raise PermissionDenied("alerts are approved by supervisors")
    if alert.drafted_by_id == user.pk:
        _refuse(user, "community.alert.decide", alert_id, "the drafter may not approve")
        raise PermissionDenied("another person must approve the alert you drafted")
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.status != AlertStatus.DRAFT:
            raise InvalidInput(f"the alert is {locked.get_status_display()}, not a draft")
        locked.status = AlertStatus.APPROVED if approve else AlertStatus.REJECTED
        locked.decided_by, locked.decided_at = user, timezone.now()
        locked.decision_note = " ".join(note.split())[:300]
        locked.save()
        record(
            user,
            "community.alert.approved" if approve else "community.alert.rejected",
            object_type="alert",
            object_id=alert.pk,
        )
        if approve:
            from usalama.community.tasks import send_alert_task

            transaction.on_commit(lambda: send_alert_task.enqueue(alert.pk))
    return locked


def rate_per_second() -> float:
    return max(0.1, float(getattr(settings, "USALAMA_ALERT_RATE", 5.0)))


def send_alert(alert_id: int, *, sleep: Any = time.sleep) -> int:
    """Send an approved alert to every active subscriber of its wards, at most
    ``USALAMA_ALERT_RATE`` messages a second. Safe to run again: a message already handed to
    the gateway is not sent twice. Returns how many were sent in this run."""
    from usalama.intake.gateways import get_gateway

    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert_id)
        if alert.status not in (AlertStatus.APPROVED, AlertStatus.SENDING):
            return 0
        alert.status = AlertStatus.SENDING
        alert.save(update_fields=["status"])
        for subscriber in Subscriber.objects.filter(ward_code__in=alert.wards, active=True):
            Delivery.objects.get_or_create(alert=alert, subscriber=subscriber)
    gateway = get_gateway()
    gap = 1.0 / rate_per_second()
    sent = 0
    last = 0.0
    queued = Delivery.objects.filter(alert=alert, status=DeliveryStatus.QUEUED).select_related(
        "subscriber"
    )
    for delivery in queued.iterator():
        subscriber = delivery.subscriber
        if not subscriber.active:  # opted out after the alert was approved
            delivery.status, delivery.failure = DeliveryStatus.FAILED, "opted out"
            delivery.save(update_fields=["status", "failure"])
            continue
        wait = last + gap - time.monotonic()
        if wait > 0:
            sleep(wait)
        last = time.monotonic()
        message_id = gateway.send_sms(subscriber.phone, alert.text_for(subscriber.language))
        delivery.status = DeliveryStatus.SENT
        delivery.gateway_id = message_id or ""
        delivery.updated_at = timezone.now()
        delivery.save(update_fields=["status", "gateway_id", "updated_at"])
        sent += 1
    Alert.objects.filter(pk=alert.pk).update(status=AlertStatus.SENT, sent_at=timezone.now())
    record(
        SYSTEM,
        "community.alert.sent",
        object_type="alert",
        object_id=alert.pk,
        details={"sent": sent, "gateway": gateway.name},
    )
    take = getattr(gateway, "take_reports", None)
    if take is not None:  # the sandbox's simulated delivery reports
        for message_id, status in take():
            try:
                record_delivery(message_id, status)
            except NotFound:
                continue
    return sent


_REPORTED = {
    "success": DeliveryStatus.DELIVERED,
    "delivered": DeliveryStatus.DELIVERED,
    "failed": DeliveryStatus.FAILED,
    "rejected": DeliveryStatus.FAILED,
    "sent": DeliveryStatus.SENT,
    "submitted": DeliveryStatus.SENT,
    "buffered": DeliveryStatus.SENT,
}


def record_delivery(message_id: str, status: str, failure: str = "") -> Delivery:
    """A gateway's delivery report (webhook or the sandbox) updates one message's status."""
    mapped = _REPORTED.get(status.strip().lower())
    if mapped is None:
        raise InvalidInput(f"status: unknown delivery status {status!r}")
    if not message_id.strip():
        raise InvalidInput("id: missing")
    delivery = Delivery.objects.filter(gateway_id=message_id.strip()).first()
    if delivery is None:
        raise NotFound("no message with that id")
    delivery.status, delivery.failure = mapped, failure[:100]
    delivery.updated_at = timezone.now()
    delivery.save(update_fields=["status", "failure", "updated_at"])
    return delivery


@dataclass(frozen=True)
class Figures:
    subscribers: int
    queued: int
    sent: int
    delivered: int
    failed: int
    opted_out: int


def figures(alert: Alert) -> Figures:
    counts = Counter(Delivery.objects.filter(alert=alert).values_list("status", flat=True))
    opted_out = Delivery.objects.filter(alert=alert, subscriber__active=False).count()
    return Figures(
        sum(subscriber_counts(list(alert.wards)).values()),
        counts.get(DeliveryStatus.QUEUED, 0),
        counts.get(DeliveryStatus.SENT, 0)
        + counts.get(DeliveryStatus.DELIVERED, 0)
        + counts.get(DeliveryStatus.FAILED, 0),
        counts.get(DeliveryStatus.DELIVERED, 0),
        counts.get(DeliveryStatus.FAILED, 0),
        opted_out,
    )


# --- barazas ---------------------------------------------------------------------------------


def manages_barazas(user: Any) -> bool:
    return _staff(user) and bool(user.has_role(*BARAZA_ROLES))


def _require_baraza_staff(user: Any, attempted: str, pk: Any = "") -> None:
    if not manages_barazas(user):
        record_refused(
            user, attempted, object_type="baraza", object_id=pk, reason="not station staff"
        )
        raise PermissionDenied("barazas are managed by station staff")


def list_barazas(user: Any) -> list[Baraza]:
    _require_baraza_staff(user, "community.baraza.list")
    return list(Baraza.objects.visible_to(user).prefetch_related("issues")[:200])


def get_baraza(user: Any, baraza_id: int) -> Baraza:
    _require_baraza_staff(user, "community.baraza.read", baraza_id)
    found = Baraza.objects.visible_to(user).filter(pk=baraza_id).first()
    if found is None:
        record_refused(
            user,
            "community.baraza.read",
            object_type="baraza",
            object_id=baraza_id,
            reason="not found or another agency's",
        )
        raise NotFound(f"baraza {baraza_id} not found")
    return found


def schedule_baraza(
    user: Any, ward_code: str, held_at: datetime, place: str, convenor: str
) -> Baraza:
    _require_baraza_staff(user, "community.baraza.schedule")
    if areas.ward(ward_code.strip()) is None:
        raise InvalidInput("ward: not a ward code")
    place, convenor = " ".join(place.split()), " ".join(convenor.split())
    if not place or not convenor:
        raise InvalidInput("place and convenor: both are needed")
    with transaction.atomic():
        baraza = Baraza.objects.create(
            agency_id=user.agency_id,
            ward_code=ward_code.strip(),
            held_at=held_at,
            place=place[:200],
            convenor=convenor[:200],
            created_by=user,
        )
        record(user, "community.baraza.scheduled", object_type="baraza", object_id=baraza.pk)
    return baraza


def record_attendance(user: Any, baraza_id: int, attendance: int) -> Baraza:
    baraza = get_baraza(user, baraza_id)
    if not 0 <= attendance <= 1_000_000:
        raise InvalidInput("attendance: between 0 and 1,000,000")
    baraza.attendance = attendance
    baraza.save(update_fields=["attendance"])
    record(
        user,
        "community.baraza.attendance",
        object_type="baraza",
        object_id=baraza.pk,
        details={"attendance": attendance},
    )
    return baraza


def add_issue(user: Any, baraza_id: int, text: str) -> BarazaIssue:
    baraza = get_baraza(user, baraza_id)
    text = " ".join(text.split())
    if not text:
        raise InvalidInput("issue: missing")
    if len(text) > 500:
        raise InvalidInput("issue: at most 500 characters")
    with transaction.atomic():
        issue = BarazaIssue.objects.create(baraza=baraza, text=text, updated_by=user)
        record(
            user,
            "community.baraza.issue",
            object_type="baraza",
            object_id=baraza.pk,
            details={"issue": issue.pk},
        )
    return issue


def update_issue(user: Any, issue_id: int, status: str, action: str) -> BarazaIssue:
    _require_baraza_staff(user, "community.issue.update", issue_id)
    issue = BarazaIssue.objects.filter(
        pk=issue_id, baraza__in=Baraza.objects.visible_to(user)
    ).first()
    if issue is None:
        record_refused(
            user,
            "community.issue.update",
            object_type="baraza_issue",
            object_id=issue_id,
            reason="not found or another agency's",
        )
        raise NotFound(f"issue {issue_id} not found")
    if status not in IssueStatus.values:
        raise InvalidInput(f"status: one of {', '.join(IssueStatus.values)}")
    action = " ".join(action.split())
    if len(action) > 500:
        raise InvalidInput("action: at most 500 characters")
    with transaction.atomic():
        issue.status, issue.action = status, action
        issue.updated_by, issue.updated_at = user, timezone.now()
        issue.save()
        record(
            user,
            "community.issue.updated",
            object_type="baraza_issue",
            object_id=issue.pk,
            details={"status": status},
        )
    return issue


def public_barazas(county_code: str = "") -> list[Baraza]:
    """Every agency's barazas for the public page (published fields only), newest first."""
    rows = Baraza.objects.prefetch_related("issues").order_by("-held_at")
    if county_code:
        rows = rows.filter(ward_code__in=areas.wards_within(areas.COUNTY, county_code))
    return list(rows[:200])
