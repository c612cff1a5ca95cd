"""Complaints against police by SMS and USSD (reusing intake's gateways, anonymous, with a
follow-up code) and officers' wellness self-referral by USSD (never revealing who asked)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from tests.platform.intake_helpers import GATEWAY, SMSSYNC_URL, configure, ussd
from tests.platform.oversight_helpers import build, login
from usalama.oversight.models import Complaint
from usalama.wellness import services as wellness
from usalama.wellness.models import Referral, UssdPin

pytestmark = pytest.mark.django_db
PHONE = "+254722333444"
CODE = re.compile(r"\d{6}(?: \d{6}){4}")


@pytest.fixture
def world(db: Any, settings: Any) -> dict[str, Any]:
    configure(settings)
    return build()


def _sms(client: Client, text: str, message_id: str) -> str:
    response = client.post(
        SMSSYNC_URL, {"from": PHONE, "message": text, "message_id": message_id, "sent_to": "0700"}
    )
    assert response.status_code == 200, response.content
    return str(json.loads(response.content)["payload"]["messages"][0]["message"])


def _ussd(client: Client, session: str, text: str) -> str:
    response = ussd(client, session, PHONE, text)
    assert response.status_code == 200, response.content
    return response.content.decode()


def _phone_stored_anywhere() -> bool:
    """Whether the caller's number (in any usual spelling) is in any oversight or wellness
    column."""
    needles = ("722333444",)
    with connection.cursor() as cursor:
        for table in ("oversight_complaint", "oversight_allegation", "wellness_referral"):
            cursor.execute(f"SELECT * FROM {table}")
            for row in cursor.fetchall():
                if any(n in str(value) for value in row for n in needles):
                    return True
    return False


def test_sms_complaint_in_swahili_and_english_with_status(world: dict[str, Any]) -> None:
    client = Client(**GATEWAY)
    reply = _sms(client, "MALALAMIKO Polisi walinipiga kwenye kizuizi cha Githurai", "m1")
    assert "IPOA" in reply and "HALI" in reply
    code = CODE.search(reply)
    assert code is not None
    complaint = Complaint.objects.get(description__contains="Githurai")
    assert complaint.reference in reply
    assert (complaint.channel, complaint.stage, complaint.anonymous) == ("sms", "receipt", True)
    assert complaint.agency.code == "IPOA" and complaint.complainant_phone == ""
    assert code.group(0) not in complaint.code_hash
    # the status command, and the code sent alone, answer with the stage
    for n, text in enumerate((f"HALI {code.group(0)}", code.group(0).replace(" ", ""))):
        status = _sms(client, text, f"s{n}")
        assert complaint.reference in status, status
    english = _sms(client, "complaint An officer took my phone at a roadblock in Thika", "m2")
    assert "Send STATUS" in english and CODE.search(english)
    assert Complaint.objects.filter(channel="sms").count() == 2
    short = _sms(client, "COMPLAINT bad", "m3")
    assert "at least 10" in short and Complaint.objects.count() == 4  # 2 from build()
    unknown = _sms(client, "STATUS " + "1" * 30, "m4")
    assert "not found" in unknown.lower() or "haijapatikana" in unknown
    assert not _phone_stored_anywhere()
    # the follow-up page takes the same code
    page = Client().post("/oversight/complain/follow-up/", {"code": code.group(0)})
    assert complaint.reference in page.content.decode()


def test_ussd_complaint_with_optional_officer_and_station(world: dict[str, Any]) -> None:
    client = Client(**GATEWAY)
    menu = _ussd(client, "u1", "")
    assert "4. Lalamika kuhusu afisa wa polisi" in menu and "5. Ustawi" in menu
    assert menu.rstrip().endswith("0. English") and len(menu) - 4 <= 182
    english = _ussd(client, "u0", "0")
    assert "4. Complain about a police officer" in english and len(english) - 4 <= 182
    assert _ussd(client, "u1", "4").startswith("CON Malalamiko")
    assert _ussd(client, "u1", "4*Githurai").startswith("CON Eleza")
    assert _ussd(client, "u1", "4*Githurai*fupi").startswith("END Eleza")  # too short
    described = "4*Githurai*Afisa alinipiga na kuchukua simu yangu"
    assert _ussd(client, "u1", described).startswith("CON Jina")
    assert _ussd(client, "u1", described + "*0").startswith("CON Kituo")
    done = _ussd(client, "u1", described + "*0*Kasarani")
    assert done.startswith("END Asante") and len(done) - 4 <= 182
    code = CODE.search(done)
    assert code is not None
    complaint = Complaint.objects.get(channel="ussd")
    assert complaint.reference in done
    assert (complaint.place, complaint.station, complaint.anonymous) == (
        "Githurai",
        "Kasarani",
        True,
    )
    assert complaint.allegations.get().officer_description == ""
    named = _ussd(
        client, "u2", "0*4*Thika road*An officer demanded a bribe at the road block*PC Kamau 4471*0"
    )
    assert named.startswith("END Thank you")
    other = Complaint.objects.get(place="Thika road")
    assert other.station == "" and other.allegations.get().officer_description == "PC Kamau 4471"
    # the check item answers with the stage
    status = _ussd(client, "u3", "3*" + code.group(0).replace(" ", ""))
    assert status.startswith("END") and complaint.reference in status
    # a replayed final step stores nothing twice
    replay = ussd(client, "u1", PHONE, described + "*0*Kasarani")
    assert replay.status_code == 409 and Complaint.objects.filter(channel="ussd").count() == 2
    assert not _phone_stored_anywhere()


def _set_pin(world: dict[str, Any], pin: str = "246813") -> None:
    client = login(Client(), world["users"]["nps.officer"])
    assert "ussd-pin" in client.get("/wellness/support/").content.decode()
    response = client.post(
        "/wellness/support/pin/", {"service_number": "nps-1001", "pin": pin, "pin_again": pin}
    )
    assert response.status_code == 302
    assert UssdPin.objects.get().service_number == "NPS1001"


def test_ussd_wellness_self_referral_reaches_counsellors_only(world: dict[str, Any]) -> None:
    _set_pin(world)
    before = set(Referral.objects.values_list("pk", flat=True))
    client = Client(**GATEWAY)
    assert _ussd(client, "w1", "5").startswith("CON Ustawi")
    assert _ussd(client, "w1", "5*NPS-1001").startswith("CON Weka PIN")
    assert "1. Tukio la kazini" in _ussd(client, "w1", "5*NPS-1001*246813")
    done = _ussd(client, "w1", "5*NPS-1001*246813*2")
    made = Referral.objects.exclude(pk__in=before).get()
    assert (made.origin, made.status, made.officer_user) == (
        "ussd",
        "requested",
        world["users"]["nps.officer"],
    )
    assert made.agency.code == "NPS"
    counsellor = world["users"]["nps.wellness"]
    assert made in wellness.list_referrals(counsellor)
    _item, notes = wellness.get_referral(counsellor, made.pk)
    assert "Stress" in notes
    for name in ("nps.supervisor", "nps.commander", "nps.iau", "ipoa.investigator", "nps.admin"):
        page = login(Client(), world["users"][name]).get(f"/wellness/referrals/{made.pk}/")
        assert page.status_code == 404, name
    # The same screen whether the number is unknown, the PIN wrong, or all is right.
    wrong_pin = _ussd(client, "w2", "5*NPS-1001*999999*1")
    unknown = _ussd(client, "w3", "5*NPS-4242*246813*1")
    assert done == wrong_pin == unknown
    assert Referral.objects.exclude(pk__in=before).count() == 1
    assert not _phone_stored_anywhere()


def test_wrong_pins_lock_the_pin_silently(world: dict[str, Any]) -> None:
    _set_pin(world)
    before = Referral.objects.count()
    client = Client(**GATEWAY)
    replies = {_ussd(client, f"x{n}", "5*NPS1001*11223{n}*1") for n in range(5)}
    locked = _ussd(client, "x9", "5*NPS1001*246813*1")  # right PIN, but locked now
    assert len(replies | {locked}) == 1
    assert Referral.objects.count() == before


def test_pin_rules(world: dict[str, Any]) -> None:
    from usalama.core.errors import InvalidInput
    from usalama.wellness import ussd as wellness_ussd

    officer = world["users"]["nps.officer"]
    for bad in ("1234", "123456", "111111", "98765432", "12ab56"):
        with pytest.raises(InvalidInput):
            wellness_ussd.set_pin(officer, "NPS-1001", bad)
    wellness_ussd.set_pin(officer, "NPS-1001", "470215")
    from django.contrib.auth.hashers import check_password

    stored = UssdPin.objects.get(user=officer).pin_hash
    assert "470215" not in stored and check_password("470215", stored)


def test_every_ussd_screen_fits_182_characters() -> None:
    from usalama.oversight import channels as complaints
    from usalama.wellness import ussd as wellness_ussd

    values = {"reference": "IPOA-2026-123456", "code": "123456 " * 4 + "123456"}
    for key, texts in complaints.TEXTS.items():
        if key.startswith("sms"):
            continue  # SMS replies may run to several messages
        for text in texts.values():
            assert len(text.format(**values, stage="Preliminary inquiry", text="x" * 60)) <= 182
    for texts in wellness_ussd.TEXTS.values():
        assert all(len(text) <= 182 for text in texts.values())
