"""No IP address, user agent, phone number or cookie of an anonymous tipster is kept anywhere.

Runs the web, API, SMS, SMSSync and USSD flows with a distinctive client address, proxy
header, user agent and phone number, then scans every text column of every table and every
log record emitted on the way (at DEBUG, before any handler filter).
"""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from tests.platform.intake_helpers import (
    GATEWAY,
    SMS_URL,
    SMSSYNC_URL,
    api_status,
    configure,
    ussd,
    web_status,
)

IP = "203.0.113.77"
FORWARDED = "198.51.100.23"
AGENT = "TipsterPhone/9.9 (KaiOS; UniqueAgent-7f3a)"
PHONE = "+254799123456"
NEEDLES = [
    IP,
    FORWARDED,
    "UniqueAgent-7f3a",
    "TipsterPhone",
    "254799123456",
    "0799123456",
    "799123456",
]
META = {"REMOTE_ADDR": IP, "HTTP_X_FORWARDED_FOR": FORWARDED, "HTTP_USER_AGENT": AGENT}


def _all_text(cursor: Any) -> list[tuple[str, str, str]]:
    found = []
    for table in connection.introspection.table_names(cursor):
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        names = [c[0] for c in cursor.description]
        for row in cursor.fetchall():
            for name, value in zip(names, row, strict=True):
                if value is None:
                    continue
                text = (
                    value.decode("latin-1") if isinstance(value, bytes | memoryview) else str(value)
                )
                found.append((table, name, text))
    return found


@pytest.fixture
def flows(
    db: Any, settings: Any, world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> dict[str, Any]:
    configure(settings)
    caplog.set_level(logging.DEBUG)
    for name in ("django.request", "django.server", "django.security", "axes", "usalama"):
        caplog.set_level(logging.DEBUG, logger=name)
    client = Client(**META, **GATEWAY)
    responses = []
    # web: the form, an anonymous submission, the tip page, a reply, a wrong code
    page = client.get("/report/?lang=sw")
    responses.append(page)
    token = re.search(rb'name="form_token" value="([^"]+)"', page.content)[1].decode()  # type: ignore[index]
    done = client.post(
        "/report/",
        {
            "form_token": token,
            "lang": "sw",
            "category": "robbery",
            "description": "Majambazi walivamia duka usiku",
            "identity": "anonymous",
        },
    )
    assert done.status_code == 201
    responses.append(done)
    code = re.search(rb"[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}", done.content)[0].decode()  # type: ignore[index]
    responses.append(web_status(client, code))
    responses.append(web_status(client, code, text="Walikuwa watatu"))
    responses.append(web_status(client, "1111-2222-3333-4444"))
    responses.append(client.get("/tip/"))
    # API
    api = client.post(
        "/api/v1/public/tips",
        {"category": "dangerous_drugs", "description": "Bangi shuleni"},
        content_type="application/json",
    )
    responses.append(api)
    responses.append(api_status(client, api.json()["tip_code"]))
    responses.append(api_status(client, "9999-9999-9999-9999"))
    # SMS, SMSSync, USSD from the tipster's phone
    responses.append(
        client.post(
            SMS_URL,
            {
                "from": PHONE,
                "to": "22384",
                "text": "Kuna wizi wa mafuta depo",
                "id": "sms-1",
                "date": "2026-01-01",
                "linkId": "x",
            },
        )
    )
    responses.append(
        client.post(
            SMSSYNC_URL,
            {
                "from": PHONE,
                "message": "SIRI kuna silaha nyumbani",
                "message_id": "ss-1",
                "sent_to": "0700",
            },
        )
    )
    for step in ("", "2", "2*Gari la wizi limefichwa gereji"):
        responses.append(ussd(client, "sess-anon", PHONE, step, **META))
    responses.append(ussd(client, "sess-anon2", PHONE, "3*" + code.replace("-", ""), **META))
    responses.append(Client(**META).post(SMS_URL, {"from": PHONE, "text": "x"}))
    # a desk officer converts the web tip into an incident; the tipster checks the status again
    from usalama.desk.services import convert_to_incident
    from usalama.intake import staff
    from usalama.intake.models import Tip

    officer = world["users"]["nps.analyst"]
    web_tip = Tip.objects.get(description="Majambazi walivamia duka usiku")
    staff.triage(officer, "tip", web_tip.pk, priority="high")
    convert_to_incident(officer, "tip", web_tip.pk, station="Central Police Station")
    responses.append(web_status(client, code))
    responses.append(ussd(client, "sess-anon3", PHONE, "3*" + code.replace("-", ""), **META))
    return {"responses": responses, "caplog": caplog}


def test_no_ip_agent_or_phone_in_any_table(flows: dict[str, Any]) -> None:
    from usalama.intake.models import PhoneHash, Tip

    assert Tip.objects.count() == 5  # web, API, SMS, SMSSync, USSD
    with connection.cursor() as cursor:
        cells = _all_text(cursor)
    assert cells, "the scan read nothing"
    leaks = [(t, c) for t, c, text in cells for needle in NEEDLES if needle in text]
    assert leaks == []
    assert PhoneHash.objects.count() == 1  # the phone exists only as one keyed HMAC


def test_no_ip_agent_or_phone_in_logs(flows: dict[str, Any]) -> None:
    records = flows["caplog"].get_records("setup")  # the flows run in the fixture
    assert records, "expected the 404s to be logged by django.request"
    for record in records:
        text = record.getMessage() + " " + " ".join(str(v) for v in record.__dict__.values())
        for needle in NEEDLES:
            assert needle not in text, (record.name, record.getMessage())


def test_the_configured_handler_drops_intake_requests(flows: dict[str, Any]) -> None:
    from django.conf import settings

    from usalama.intake.logging import SkipIntakeRequests

    assert "skip_intake" in settings.LOGGING["handlers"]["stderr"]["filters"]
    handler = logging.getLogger().handlers
    assert any(isinstance(f, SkipIntakeRequests) for h in handler for f in h.filters)
    about_intake = [
        r
        for r in flows["caplog"].get_records("setup")
        if "/tip/" in r.getMessage()
        or "/webhooks/" in r.getMessage()
        or "/api/v1/public/" in r.getMessage()
    ]
    assert about_intake, "expected 404 log records about intake paths"
    assert not any(SkipIntakeRequests().filter(r) for r in about_intake)


def test_public_pages_set_no_cookie_and_no_session(flows: dict[str, Any]) -> None:
    for response in flows["responses"]:
        assert not response.cookies, (response.request["PATH_INFO"], response.cookies)
        assert "Set-Cookie" not in response.headers
    from django.contrib.sessions.models import Session

    assert Session.objects.count() == 0


def test_axes_recorded_nothing(flows: dict[str, Any]) -> None:
    from axes.models import AccessAttempt, AccessLog

    assert AccessAttempt.objects.count() == 0 and AccessLog.objects.count() == 0
