"""Alert delivery by e-mail and SMS to subscribers, in the background, retried and audited.

A subscriber follows a watchlist's alerts (or an entity, identifier or search) and chooses
channels on the subscription; the web inbox always has the alert. Screening and ANPR store
alerts, then queue ``plan_deliveries_task``: each alert not yet planned gets one
``AlertDelivery`` per (subscriber, channel) — unique, so planning twice sends nothing twice —
and each delivery is sent by ``send_delivery_task``. A message carries a reference and a link,
never record content (whatever the handling code: what leaves the platform by e-mail or SMS is
H0). A failed send is retried with backoff up to ``MAX_ATTEMPTS`` times (``usalama watchlist
deliver`` also sends what is due), counted on the row and audited.

E-mail goes through Django's mail backend (``USALAMA_SMTP_*`` settings, console in
development); SMS through ``usalama.intake.gateways.get_gateway()`` (the factory named by the
``USALAMA_SMS_GATEWAY_FACTORY`` setting).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from usalama.audit.services import SYSTEM, record
from usalama.watchlists.models import (
    AlertContact,
    AlertDelivery,
    Subscription,
    WatchlistAlert,
)

log = logging.getLogger("usalama.watchlists.delivery")

MAX_ATTEMPTS = 5
BACKOFF_SECONDS = (60, 300, 1800, 7200)  # after attempt 1, 2, 3, 4
PLAN_BATCH = 500


def alert_reference(alert: WatchlistAlert) -> str:
    return f"WL-{alert.pk}"


def alert_link(alert: WatchlistAlert) -> str:
    base = str(getattr(settings, "USALAMA_BASE_URL", "")).rstrip("/")
    return f"{base}/watchlists/alerts/{alert.pk}/"


def message_for(alert: WatchlistAlert) -> tuple[str, str]:
    """(subject, text): a reference and a link only — no name, plate, score or list."""
    reference = alert_reference(alert)
    subject = f"usalama: watchlist alert {reference}"
    text = f"usalama: new watchlist alert {reference}. Sign in to read it: {alert_link(alert)}"
    return subject, text


def _recipients(alert: WatchlistAlert) -> list[Subscription]:
    """Subscriptions with a channel that this alert concerns, of active users of the
    recipient agency who work with records."""
    if alert.origin == WatchlistAlert.Origin.SUBSCRIPTION and alert.subscription_id is not None:
        candidates = Subscription.objects.filter(pk=alert.subscription_id)
    elif alert.entry_id is not None:
        watchlist_id = alert.entry.watchlist_id if alert.entry else None
        candidates = Subscription.objects.filter(
            kind=Subscription.Kind.WATCHLIST, normalised=str(watchlist_id)
        )
    else:
        return []
    candidates = candidates.filter(
        Q(by_email=True) | Q(by_sms=True),
        user__agency_id=alert.agency_id,
        user__is_active=True,
    ).select_related("user")
    return [s for s in candidates if s.user.sees_records]


def plan_deliveries(limit: int = PLAN_BATCH) -> list[int]:
    """Create the deliveries of alerts not yet planned; return the new deliveries' ids."""
    created: list[int] = []
    alerts = list(
        WatchlistAlert.objects.filter(delivery_planned=False)
        .select_related("entry")
        .order_by("pk")[:limit]
    )
    for alert in alerts:
        with transaction.atomic():
            for subscription in _recipients(alert):
                for channel, wanted, address in (
                    (AlertDelivery.Channel.EMAIL, subscription.by_email, subscription.user.email),
                    (AlertDelivery.Channel.SMS, subscription.by_sms, _phone(subscription.user)),
                ):
                    if not wanted:
                        continue
                    if not address:
                        record(
                            SYSTEM,
                            "watchlists.delivery.no_address",
                            object_type="watchlist_alert",
                            object_id=alert.pk,
                            details={"user": subscription.user.username, "channel": channel},
                        )
                        continue
                    try:
                        with transaction.atomic():
                            delivery = AlertDelivery.objects.create(
                                alert=alert,
                                user=subscription.user,
                                channel=channel,
                                address=address,
                            )
                    except IntegrityError:
                        continue  # already planned (two subscriptions, or a rerun)
                    created.append(delivery.pk)
            WatchlistAlert.objects.filter(pk=alert.pk).update(delivery_planned=True)
    return created


def _phone(user: Any) -> str:
    contact = AlertContact.objects.filter(user=user).first()
    return contact.phone if contact else ""


def _send(delivery: AlertDelivery) -> None:
    subject, text = message_for(delivery.alert)
    if delivery.channel == AlertDelivery.Channel.EMAIL:
        send_mail(subject, text, None, [delivery.address], fail_silently=False)
    else:
        # the platform's SMS gateway (usalama.intake.gateways.get_gateway), named in settings
        # so that this app does not import another domain app
        get_gateway = import_string(settings.USALAMA_SMS_GATEWAY_FACTORY)
        get_gateway().send_sms(delivery.address, text)


@dataclass(frozen=True)
class Outcome:
    sent: bool
    retry_at: datetime | None


def send_delivery(delivery_id: int, now: datetime | None = None) -> Outcome:
    """Send one delivery (if not sent yet); on failure count it and schedule a retry."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            AlertDelivery.objects.select_for_update()
            .select_related("alert", "user")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status in (
            AlertDelivery.Status.SENT,
            AlertDelivery.Status.FAILED,
        ):
            return Outcome(sent=False, retry_at=None)
        delivery.attempts += 1
        try:
            _send(delivery)
        except Exception as error:  # a gateway or SMTP failure of any kind
            log.warning("alert delivery %s failed: %s", delivery.pk, type(error).__name__)
            delivery.last_error = f"{type(error).__name__}: {error}"[:300]
            retry_at: datetime | None = None
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = AlertDelivery.Status.FAILED
            else:
                delivery.status = AlertDelivery.Status.RETRYING
                wait = BACKOFF_SECONDS[min(delivery.attempts, len(BACKOFF_SECONDS)) - 1]
                retry_at = now + timedelta(seconds=wait)
                delivery.next_attempt_at = retry_at
            delivery.save()
            record(
                SYSTEM,
                "watchlists.delivery.failed",
                object_type="alert_delivery",
                object_id=delivery.pk,
                details={
                    "alert": delivery.alert_id,
                    "user": delivery.user.username,
                    "channel": delivery.channel,
                    "attempt": delivery.attempts,
                    "final": delivery.status == AlertDelivery.Status.FAILED,
                    "error": type(error).__name__,
                },
            )
            return Outcome(sent=False, retry_at=retry_at)
        delivery.status = AlertDelivery.Status.SENT
        delivery.sent_at = now
        delivery.last_error = ""
        delivery.save()
        record(
            SYSTEM,
            "watchlists.delivery.sent",
            object_type="alert_delivery",
            object_id=delivery.pk,
            details={
                "alert": delivery.alert_id,
                "user": delivery.user.username,
                "channel": delivery.channel,
                "attempt": delivery.attempts,
            },
        )
        return Outcome(sent=True, retry_at=None)


def due_deliveries(now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        AlertDelivery.objects.filter(
            status__in=[AlertDelivery.Status.QUEUED, AlertDelivery.Status.RETRYING],
            next_attempt_at__lte=now,
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:PLAN_BATCH]
    )


@dataclass(frozen=True)
class DeliveryRun:
    planned: int
    sent: int
    failed: int


def deliver_due(now: datetime | None = None) -> DeliveryRun:
    """Plan what is unplanned and send everything due (the CLI and the worker's fallback)."""
    planned = plan_deliveries()
    sent = failed = 0
    for delivery_id in due_deliveries(now):
        outcome = send_delivery(delivery_id, now)
        sent += outcome.sent
        failed += not outcome.sent
    return DeliveryRun(planned=len(planned), sent=sent, failed=failed)


def queue_planning() -> None:
    """After alerts were stored: plan and send their deliveries in the background."""
    from usalama.watchlists.tasks import plan_deliveries_task

    def enqueue() -> None:
        try:
            plan_deliveries_task.enqueue()
        except Exception:  # the CLI (usalama watchlist deliver) plans what is left
            log.exception("could not queue alert delivery")

    transaction.on_commit(enqueue)


def delivery_counts(alert: WatchlistAlert) -> list[AlertDelivery]:
    return list(alert.deliveries.select_related("user").order_by("pk"))
