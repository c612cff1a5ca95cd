"""Ward alerts and barazas on the database: opt in by SMS and USSD, STOP/ACHA, draft →
approve (never by the drafter) → send through the sandbox gateway, delivery reports (a forged
one is refused), agency boundaries, and the public baraza page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from tests.platform.intake_helpers import GATEWAY, SMS_URL, configure, ussd
from tests.platform.kpi_helpers import KILIMANI, add_user
from usalama.audit.models import AuditEvent
from usalama.community import services
from usalama.community.models import Alert, Delivery, Subscriber
from usalama.core.errors import NotFound, PermissionDenied

pytestmark = pytest.mark.django_db
DELIVERY_URL = "/community/webhooks/delivery-report/"
PHONES = ["+254722000101", "+254722000102", "+254722000110"]  # the last ends in 0: fails


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[Any]:
    from usalama.intake.gateways import get_gateway

    configure(settings)
    settings.USALAMA_ALERT_RATE = 1000.0
    monkeypatch.setenv("USALAMA_SMS_GATEWAY", "sandbox")
    get_gateway.cache_clear()
    yield get_gateway()
    get_gateway.cache_clear()


@pytest.fixture
def people(world: dict[str, Any]) -> dict[str, Any]:
    add_user(world, "nps.commander", "NPS", "commander")
    add_user(world, "nps.supervisor", "NPS", "supervisor")
    add_user(world, "dci.supervisor", "DCI", "supervisor")
    add_user(world, "nps.desk", "NPS", "desk_officer")
    return world["users"]


def sms(text: str, phone: str, n: int) -> Any:
    body = {"from": phone, "to": "22384", "text": text, "id": f"m-{n}", "date": "2026-01-01"}
    return Client(**GATEWAY).post(SMS_URL, body)


def test_opt_in_and_out_by_sms_and_ussd(sandbox: Any, world: dict[str, Any]) -> None:
    assert sms("JIUNGE Kilimani", PHONES[0], 1).status_code == 200
    assert "Kilimani" in sandbox.outbox[-1][2] and "ACHA" in sandbox.outbox[-1][2]
    assert sms("join 1371", PHONES[1], 2).status_code == 200
    assert "STOP" in sandbox.outbox[-1][2]
    # a ward name found in several counties asks for the number
    sms("JIUNGE Township", PHONES[2], 3)
    assert "JIUNGE" in sandbox.outbox[-1][2] and Subscriber.objects.count() == 2
    reply = ussd(Client(**GATEWAY), "s1", PHONES[2], "6*1371")
    assert reply.status_code == 200 and reply.content.startswith(b"END")
    rows = Subscriber.objects.filter(active=True)
    assert rows.count() == 3 and {r.language for r in rows} == {"sw", "en"}
    # sealed at rest, found by digest, never stored in the clear
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM community_subscriber")
        stored = [row[0] for row in cursor.fetchall()]
    assert all(s.startswith("fernet:") and "722000" not in s for s in stored)
    assert sms("STOP", PHONES[0], 4).status_code == 200
    assert "stopped" in sandbox.outbox[-1][2]
    ussd(Client(**GATEWAY), "s2", PHONES[1], "6*0")
    left = Subscriber.objects.filter(active=False)
    assert left.count() == 2 and all(s.phone == "" for s in left)
    assert sms("ACHA", PHONES[0], 5).status_code == 200
    assert "Hupokei" in sandbox.outbox[-1][2]


def _subscribe_all() -> None:
    for phone in PHONES:
        services.subscribe(phone, KILIMANI, "sw", "sms")
    services.subscribe("+254722000999", "1", "sw", "sms")  # another ward: not sent to


def test_draft_approve_send_and_delivery_reports(sandbox: Any, people: dict[str, Any]) -> None:
    _subscribe_all()
    commander, supervisor = people["nps.commander"], people["nps.supervisor"]
    alert = services.draft_alert(
        commander, "Flooding", "Mafuriko Kilimani: epukeni barabara ya Argwings.", "", [KILIMANI]
    )
    with pytest.raises(PermissionDenied):
        services.decide_alert(commander, alert.pk, True)  # the drafter may not approve
    with pytest.raises(NotFound):
        services.decide_alert(people["dci.supervisor"], alert.pk, True)  # another agency's
    assert AuditEvent.objects.filter(details__attempted="community.alert.decide").exists()
    services.decide_alert(supervisor, alert.pk, True)
    assert Alert.objects.get().status == "approved"
    assert services.send_alert(alert.pk, sleep=lambda s: None) == 3
    assert [m[1] for m in sandbox.outbox] == PHONES and "Mafuriko" in sandbox.outbox[0][2]
    figures = services.figures(Alert.objects.get())
    assert (figures.sent, figures.delivered, figures.failed) == (3, 2, 1)
    assert services.send_alert(alert.pk) == 0  # sent once only
    # a real gateway's report through the webhook: header secret, never in the URL
    delivery = Delivery.objects.filter(status="delivered").first()
    assert delivery is not None
    body = {"id": delivery.gateway_id, "status": "Failed", "failureReason": "UserInBlacklist"}
    assert Client().post(DELIVERY_URL, body).status_code == 404  # forged: no secret
    forged = Client(HTTP_X_USALAMA_GATEWAY_SECRET="guess").post(DELIVERY_URL, body)
    assert forged.status_code == 404
    assert Delivery.objects.get(pk=delivery.pk).status == "delivered"
    assert Client(**GATEWAY).post(DELIVERY_URL, body).status_code == 200
    assert services.figures(Alert.objects.get()).failed == 2
    assert Client(**GATEWAY).post(DELIVERY_URL, {**body, "id": "nope"}).status_code == 404
    assert Client(**GATEWAY).post(DELIVERY_URL, {**body, "status": "odd"}).status_code == 400
    services.unsubscribe(PHONES[1])
    assert services.figures(Alert.objects.get()).opted_out == 1


def test_stop_before_sending_is_honoured(sandbox: Any, people: dict[str, Any]) -> None:
    _subscribe_all()
    alert = services.draft_alert(people["nps.commander"], "Curfew", "", "Stay in.", [KILIMANI])
    services.decide_alert(people["nps.supervisor"], alert.pk, True)
    services.unsubscribe(PHONES[0])
    assert services.send_alert(alert.pk, sleep=lambda s: None) == 2
    assert PHONES[0] not in [m[1] for m in sandbox.outbox]


def test_rate_limit_paces_the_sending(sandbox: Any, people: dict[str, Any], settings: Any) -> None:
    _subscribe_all()
    settings.USALAMA_ALERT_RATE = 2.0
    alert = services.draft_alert(people["nps.commander"], "Rate", "Jihadharini.", "", [KILIMANI])
    services.decide_alert(people["nps.supervisor"], alert.pk, True)
    waits: list[float] = []
    services.send_alert(alert.pk, sleep=waits.append)
    assert len(waits) == 2 and all(0.4 < w <= 0.5 for w in waits)


def test_only_commanders_draft(people: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.draft_alert(people["nps.supervisor"], "x", "y", "", [KILIMANI])
    with pytest.raises(PermissionDenied):
        services.list_alerts(people["nps.desk"])


def test_barazas_are_published_without_personal_data(people: dict[str, Any]) -> None:
    desk = people["nps.desk"]
    baraza = services.schedule_baraza(
        desk,
        KILIMANI,
        datetime(2026, 3, 14, 7, tzinfo=UTC),
        "Kilimani chief's camp",
        "OCS Kilimani",
    )
    services.record_attendance(desk, baraza.pk, 84)
    issue = services.add_issue(desk, baraza.pk, "Street lights out on Argwings Kodhek Road")
    services.update_issue(desk, issue.pk, "resolved", "Kenya Power repaired six lights")
    with pytest.raises(NotFound):
        services.get_baraza(people["dci.supervisor"], baraza.pk)
    with pytest.raises(NotFound):
        services.update_issue(people["dci.supervisor"], issue.pk, "open", "")
    page = Client().get("/public/barazas/")
    text = page.content.decode()
    assert page.status_code == 200 and "<script" not in text
    assert "Kenya Power repaired six lights" in text and "84 people attended" in text
    assert "nps.desk" not in text
    assert len(page.content) < 150_000
    sw = Client(HTTP_ACCEPT_LANGUAGE="sw").get("/public/barazas/?county=47")
    assert sw.status_code == 200 and 'lang="sw"' in sw.content.decode()
    assert Client().get("/public/barazas/?county=99").status_code == 400
