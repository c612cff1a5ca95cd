"""Finding 2 (issue #20) and #13.6: the guesser is throttled, never the code; codes stay out of
addresses. Before: 310 random guesses from anywhere locked the valid code out on every
channel (429), the message said 15 minutes while the lock lasted one, and references had six
digits and were never throttled."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.platform.intake_helpers import (
    GATEWAY,
    SMS_URL,
    api_report_status,
    api_status,
    configure,
    ussd,
    web_status,
)
from usalama.intake import services, throttle
from usalama.intake.models import Channel, Report

PHONE = "+254722000111"
GUESSER = {"REMOTE_ADDR": "198.51.100.7"}


@pytest.fixture
def client(db: Any, settings: Any) -> Client:
    configure(settings)
    return Client(**GATEWAY)


def _tip(channel: str = Channel.WEB) -> str:
    _tip, code = services.submit_tip(
        services.SubmissionInput(category="robbery", description="Wizi sokoni", channel=channel)
    )
    return code


def _guess(n: int, **meta: Any) -> list[int]:
    guesser = Client(**meta)
    statuses = []
    for i in range(n):
        statuses.append(api_status(guesser, f"ZZZZ-ZZZZ-ZZZZ-{i:04d}").status_code)
    return statuses


def test_310_guesses_elsewhere_never_lock_the_honest_holder_out(
    client: Client, world: dict[str, Any]
) -> None:
    web_code, ussd_code = _tip(), _tip(Channel.USSD)
    statuses = _guess(310, **GUESSER)
    assert statuses[: throttle.FREE_FAILURES] == [404] * throttle.FREE_FAILURES
    assert statuses[-1] == 429  # the guesser is locked
    # the honest holders, from their own connections and phones, on every channel
    assert api_status(client, web_code).status_code == 200
    assert web_status(client, web_code).status_code == 200
    reply = ussd(client, "hon-1", PHONE, "3*" + ussd_code.replace("-", "")).content.decode()
    assert reply.startswith("END Hali:"), reply
    client.post(SMS_URL, {"from": PHONE, "text": f"HALI {web_code}", "id": "hon-sms"})
    from usalama.intake.gateways import get_gateway

    assert "Hali:" in get_gateway().outbox[-1][1]  # type: ignore[attr-defined]


def test_the_guesser_is_locked_with_back_off_and_the_message_says_how_long(
    client: Client, world: dict[str, Any]
) -> None:
    code = _tip()
    guesser = Client(**GUESSER)
    for i in range(throttle.FREE_FAILURES):
        assert api_status(guesser, f"ZZZZ-ZZZZ-ZZZZ-{i:04d}").status_code == 404
    first = api_status(guesser, "ZZZZ-ZZZZ-ZZZZ-YYYY")
    assert first.status_code == 404  # this failure earns the first lock
    locked = api_status(guesser, "ZZZZ-ZZZZ-ZZZZ-XXXX")
    assert locked.status_code == 429
    seconds = int(locked["Retry-After"])
    assert 0 < seconds <= throttle.BASE_LOCK
    assert f"{throttle.minutes(seconds)} minutes" in locked.json()["message"]
    # locked: even the right code from the guesser's connection waits (it is not checked)
    assert api_status(guesser, code).status_code == 429
    # the web page states the same duration as the lock it refuses with
    page = web_status(guesser, code, "en")
    assert page.status_code == 429
    assert int(page["Retry-After"]) <= seconds
    assert "Try again in 1 minute" in page.content.decode()
    # every refused attempt is audited, as the public (nothing about the guesser is kept)
    from usalama.audit.models import AuditEvent

    refused = AuditEvent.objects.filter(action="intake.lookup.refused")
    assert refused.count() == throttle.FREE_FAILURES + 1
    assert AuditEvent.objects.filter(action="intake.lookup.locked").count() >= 3
    assert GUESSER["REMOTE_ADDR"] not in str(list(refused.values()))
    # back-off: the next failure after the lock doubles it
    key = throttle.for_address(GUESSER["REMOTE_ADDR"])
    throttle.forget(key)
    locks = [throttle.failed(key) for _ in range(throttle.FREE_FAILURES + 4)]
    assert locks[: throttle.FREE_FAILURES] == [0.0] * throttle.FREE_FAILURES
    base = float(throttle.BASE_LOCK)
    assert locks[throttle.FREE_FAILURES :] == [base, 2 * base, 4 * base, 8 * base]


def test_many_guessers_raise_the_global_guard_but_never_lock_the_code(
    client: Client, world: dict[str, Any]
) -> None:
    from usalama.intake.models import CodeThrottle

    code = _tip()
    CodeThrottle.objects.update_or_create(
        bucket=throttle.GLOBAL_ROW, defaults={"failures": throttle.GUARD_FAILURES}
    )
    # guarded: a fresh guesser gets one free failure only
    assert _guess(3, REMOTE_ADDR="198.51.100.99") == [404, 404, 429]
    # and the holder still gets in
    assert api_status(client, code).status_code == 200


def test_report_references_are_long_and_their_lookups_throttled(
    client: Client, world: dict[str, Any]
) -> None:
    report = services.submit_report(
        services.SubmissionInput(category="robbery", description="Duka", channel=Channel.WEB)
    )
    assert re.fullmatch(r"RPT-\d{4}(-\d{4}){3}", report.reference)
    guesser = Client(**GUESSER)
    statuses = [
        api_report_status(guesser, f"RPT-2026-{n:06d}").status_code
        for n in range(throttle.FREE_FAILURES + 2)
    ]
    assert statuses[-1] == 429
    assert api_report_status(client, report.reference).status_code == 200
    # a reference issued before (six digits) still answers
    Report.objects.filter(pk=report.pk).update(reference="RPT-2025-123456")
    assert api_report_status(client, "RPT-2025-123456").status_code == 200


def test_the_code_is_never_in_an_address(client: Client, world: dict[str, Any]) -> None:
    page = Client().get("/report/?lang=en")
    token = re.search(rb'name="form_token" value="([^"]+)"', page.content)[1].decode()  # type: ignore[index]
    done = Client().post(
        "/report/",
        {
            "form_token": token,
            "lang": "en",
            "category": "robbery",
            "description": "Two men robbed a kiosk",
            "identity": "anonymous",
        },
    )
    assert done.status_code == 201
    code = re.search(r"[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}", done.content.decode())[0]  # type: ignore[index]
    # no link, form action or redirect carries it
    for attribute in re.findall(r'(?:href|action)="([^"]*)"', done.content.decode()):
        assert code not in attribute and code.replace("-", "") not in attribute
    status = web_status(Client(), code.lower().replace("-", " "), "en")
    assert status.status_code == 200 and not status.has_header("Location")
    for attribute in re.findall(r'(?:href|action)="([^"]*)"', status.content.decode()):
        assert code not in attribute
    assert status["Cache-Control"] == "no-store"
    assert Client().get(f"/tip/{code}/").status_code == 404
    assert Client().get("/tip/", {"code": code}).content.count(code.encode()) == 0
