"""Alert delivery by e-mail and SMS (SQLite and PostgreSQL): a subscriber's channels, a
message with a reference and a link only, background planning, retries counted and audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from usalama.audit.models import AuditEvent
from usalama.core.errors import InvalidInput
from usalama.watchlists import delivery, services
from usalama.watchlists.models import AlertDelivery, Subscription, WatchlistAlert

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

WANTED = [
    {
        "id": "wanted-1",
        "schema": "Person",
        "properties": {"name": ["Hassan Mohammed Abdi"], "birthDate": ["1985-03-02"]},
    }
]


class FakeGateway:
    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.sent: list[tuple[str, str]] = []

    def send_sms(self, to: str, message: str) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("gateway unreachable")
        self.sent.append((to, message))


@pytest.fixture
def gateway(monkeypatch: Any) -> FakeGateway:
    fake = FakeGateway()
    monkeypatch.setattr("usalama.intake.gateways.get_gateway", lambda: fake)
    return fake


@pytest.fixture
def subscribed(world: dict[str, Any], settings: Any) -> Any:
    settings.TASKS = IMMEDIATE
    settings.USALAMA_BASE_URL = "https://usalama.example.go.ke"
    analyst = world["users"]["nps.analyst"]
    analyst.email = "analyst@nps.example"
    analyst.save(update_fields=["email"])
    watchlist = services.create_watchlist(analyst, key="nps-wanted", label="Wanted", kind="wanted")
    services.add_entries(analyst, watchlist.pk, WANTED, reason="warrant")
    services.subscribe(
        analyst, "watchlist", "nps-wanted", by_email=True, by_sms=True, phone="0712 345 678"
    )
    return watchlist


def test_an_alert_reaches_the_subscriber_by_email_and_sms_with_no_record_content(
    world: dict[str, Any], subscribed: Any, gateway: FakeGateway
) -> None:
    services.screen_collection(world["collections"]["nps"].pk)
    alert = WatchlistAlert.objects.get(record_entity_id="nps-p1")
    planned = delivery.plan_deliveries()
    assert len(planned) == 2
    for delivery_id in planned:
        assert delivery.send_delivery(delivery_id).sent
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["analyst@nps.example"]
    link = f"https://usalama.example.go.ke/watchlists/alerts/{alert.pk}/"
    assert link in mail.outbox[0].body and f"WL-{alert.pk}" in mail.outbox[0].subject
    assert gateway.sent == [("+254712345678", mail.outbox[0].body)]
    for text in (mail.outbox[0].body, mail.outbox[0].subject):
        for secret in ("Hassan", "Abdi", "nps-p1", "wanted-1", "1985", "Wanted"):
            assert secret not in text
    # planning again sends nothing twice
    assert delivery.plan_deliveries() == []
    WatchlistAlert.objects.filter(pk=alert.pk).update(delivery_planned=False)
    assert delivery.plan_deliveries() == []
    assert AlertDelivery.objects.filter(status="sent").count() == 2
    assert AuditEvent.objects.filter(action="watchlists.delivery.sent").count() == 2


def test_a_failed_send_is_retried_counted_and_audited_then_given_up(
    world: dict[str, Any], subscribed: Any, gateway: FakeGateway
) -> None:
    Subscription.objects.update(by_email=False)
    gateway.failures = 1
    services.screen_collection(world["collections"]["nps"].pk)
    (delivery_id,) = delivery.plan_deliveries()
    now = timezone.now()
    outcome = delivery.send_delivery(delivery_id, now)
    assert not outcome.sent and outcome.retry_at == now + timedelta(seconds=60)
    row = AlertDelivery.objects.get()
    assert (row.status, row.attempts) == ("retrying", 1) and "ConnectionError" in row.last_error
    assert AuditEvent.objects.filter(action="watchlists.delivery.failed").count() == 1
    assert delivery.deliver_due(now).sent == 0  # not due yet
    run = delivery.deliver_due(now + timedelta(minutes=2))
    assert run.sent == 1 and len(gateway.sent) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    # a gateway that never answers: given up after MAX_ATTEMPTS, each attempt audited
    row.status, row.attempts = "retrying", 0
    row.save()
    gateway.failures = 99
    when = now
    for _ in range(delivery.MAX_ATTEMPTS):
        delivery.send_delivery(row.pk, when)
        when += timedelta(days=1)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", delivery.MAX_ATTEMPTS)
    assert not delivery.send_delivery(row.pk, when).sent  # a failed one is left alone


def test_screening_queues_delivery_in_the_background(
    world: dict[str, Any],
    subscribed: Any,
    gateway: FakeGateway,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.screen_collection(world["collections"]["nps"].pk)
    assert AlertDelivery.objects.filter(status="sent").count() == 2
    assert len(mail.outbox) == 1 and len(gateway.sent) == 1


def test_channels_need_an_address_and_a_watchlist_the_agency_sees(
    world: dict[str, Any], subscribed: Any
) -> None:
    dci = world["users"]["dci.analyst"]
    with pytest.raises(InvalidInput, match="no watchlist"):
        services.subscribe(dci, "watchlist", "nps-wanted")
    services.grant(world["users"]["nps.analyst"], subscribed.pk, "DCI")
    with pytest.raises(InvalidInput, match="e-mail"):
        services.subscribe(dci, "watchlist", "nps-wanted", by_email=True)
    with pytest.raises(InvalidInput, match="phone"):
        services.subscribe(dci, "watchlist", "nps-wanted", by_sms=True)
    with pytest.raises(InvalidInput, match="phone"):
        services.subscribe(dci, "watchlist", "nps-wanted", by_sms=True, phone="not a number")
    follow = services.subscribe(dci, "watchlist", "nps-wanted", by_sms=True, phone="+254700111222")
    assert follow.normalised == str(subscribed.pk) and follow.by_sms


def test_the_subscriptions_page_sets_channels_and_the_alert_page_lists_messages(
    world: dict[str, Any], subscribed: Any, gateway: FakeGateway
) -> None:
    from django.test import Client

    from tests.platform.test_watchlists import _login

    client = Client()
    _login(client, "nps.analyst")
    page = client.get("/watchlists/subscriptions/").content.decode()
    assert "nps-wanted" in page and "+254712345678" in page
    bad = client.post(
        "/watchlists/subscriptions/", {"kind": "watchlist", "value": "nope", "by_email": "on"}
    )
    assert bad.status_code == 400 and "no watchlist" in bad.content.decode()
    response = client.post(
        "/watchlists/subscriptions/",
        {"kind": "search", "value": "abdi hassan", "by_sms": "on", "phone": "+254 700 123 456"},
    )
    assert response.status_code == 302
    follow = Subscription.objects.get(kind="search")
    assert follow.by_sms and not follow.by_email
    services.screen_collection(world["collections"]["nps"].pk)
    delivery.deliver_due()
    alert = WatchlistAlert.objects.filter(origin="screening", notice=False).first()
    assert alert is not None
    page = client.get(f"/watchlists/alerts/{alert.pk}/").content.decode()
    assert 'id="deliveries"' in page and "nps.analyst" in page
