"""A full USSD session (report + tip + status check) against the webhook, in both languages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.platform.intake_helpers import GATEWAY, USSD_URL, configure, ussd
from usalama.intake import staff
from usalama.intake.models import Report, Tip

PHONE = "+254711222333"


@pytest.fixture
def client(db: Any, settings: Any) -> Client:
    configure(settings)
    return Client(**GATEWAY)


def _reply(response: Any) -> str:
    assert response.status_code == 200, response.content
    text = response.content.decode()
    assert text.startswith(("CON ", "END ")), text
    return text


def test_full_session_swahili(client: Client, world: dict[str, Any]) -> None:
    menu = _reply(ussd(client, "s1", PHONE, ""))
    assert menu.startswith("CON Karibu")
    assert "1. Ripoti uhalifu" in menu and "0. English" in menu
    # 1: report a crime, step by step (the text accumulates with '*')
    assert _reply(ussd(client, "s1", PHONE, "1")).startswith("CON Chagua")
    assert _reply(ussd(client, "s1", PHONE, "1*5")).startswith("CON Eleza")
    assert _reply(ussd(client, "s1", PHONE, "1*5*Simu yangu imeibiwa sokoni")).startswith(
        "CON Wapi"
    )
    contact = _reply(ussd(client, "s1", PHONE, "1*5*Simu yangu imeibiwa sokoni*Gikomba"))
    assert contact.startswith("CON Polisi wakupigie")
    done = _reply(ussd(client, "s1", PHONE, "1*5*Simu yangu imeibiwa sokoni*Gikomba*2"))
    assert done.startswith("END Asante")
    reference = re.search(r"RPT-\d{4}(?:-\d{4}){3}", done)[0]  # type: ignore[index]
    report = Report.objects.get(reference=reference)
    assert report.category == "stealing" and report.location_text == "Gikomba"
    assert not report.contact_ok and report.contact_phone == ""
    # 2: anonymous tip in one go
    assert _reply(ussd(client, "s2", PHONE, "2")).startswith("CON Andika")
    tip_reply = _reply(ussd(client, "s2", PHONE, "2*Kuna bangi inauzwa karibu na shule"))
    assert tip_reply.startswith("END Asante")
    code = re.search(r"(\d{5} ){4}\d{5}", tip_reply)[0]  # type: ignore[index]
    assert Tip.objects.count() == 1
    assert Tip.objects.get().category == "dangerous_drugs"
    # 3: status by tip code (typed as digits only on a keypad) and by reference
    assert _reply(ussd(client, "s3", PHONE, "3")).startswith("CON Weka")
    status = _reply(ussd(client, "s3", PHONE, "3*" + code.replace(" ", "")))
    assert status.startswith("END Hali:")
    status = _reply(ussd(client, "s4", PHONE, "3*" + reference.split("-", 1)[1].replace("-", "")))
    assert status.startswith("END Hali:")
    missing = _reply(ussd(client, "s5", PHONE, "3*1234512345123451234512345"))
    assert missing.startswith("END") and "haijapatikana" in missing


def test_full_session_english_with_contact(client: Client, world: dict[str, Any]) -> None:
    menu = _reply(ussd(client, "e1", PHONE, "0"))
    assert menu.startswith("CON Welcome") and "0. Kiswahili" in menu
    assert "Choose the kind" in _reply(ussd(client, "e1", PHONE, "0*1"))
    done = _reply(ussd(client, "e1", PHONE, "0*1*2*I was beaten at the stage*Kisumu bus park*1"))
    assert done.startswith("END Thank you. Your report reference: RPT-")
    report = Report.objects.get()
    assert report.contact_ok and report.contact_phone == "254711222333"
    assert report.category == "assault" and report.language == "en"
    tip = _reply(ussd(client, "e2", PHONE, "0*2*A man sells fake M-Pesa*SIM cards"))
    assert tip.startswith("END Thank you. Your tip code")
    assert Tip.objects.get().description == "A man sells fake M-Pesa*SIM cards"
    code = re.search(r"(\d{5} ){4}\d{5}", tip)[0]  # type: ignore[index]
    status = _reply(ussd(client, "e3", PHONE, "0*3*" + code.replace(" ", "")))
    assert status.startswith("END Status: Received")
    # switching twice returns to Swahili
    assert _reply(ussd(client, "e4", PHONE, "0*0")).startswith("CON Karibu")


def test_staff_reply_reaches_the_ussd_status(client: Client, world: dict[str, Any]) -> None:

    tip_reply = _reply(ussd(client, "r1", PHONE, "2*Wezi wa mifugo wanakuja usiku"))
    code = re.search(r"(\d{5} ){4}\d{5}", tip_reply)[0].replace(" ", "")  # type: ignore[index]
    tip = Tip.objects.get()
    staff.reply_to_tip(world["users"]["nps.analyst"], tip.pk, "Wanakuja saa ngapi?")
    status = _reply(ussd(client, "r2", PHONE, "3*" + code))
    assert "Jibu: Wanakuja saa ngapi?" in status


def test_ussd_bad_input(client: Client, world: dict[str, Any]) -> None:
    assert "Chaguo si sahihi" in _reply(ussd(client, "b1", PHONE, "9"))
    assert "Chaguo si sahihi" in _reply(ussd(client, "b2", PHONE, "1*77"))
    assert "mtupu" in _reply(ussd(client, "b3", PHONE, "2*   "))
    huge = ussd(client, "b4", PHONE, "2*" + "a" * 5000)
    assert huge.status_code == 400 and huge.content.startswith(b"END")
    malformed = Client(**GATEWAY).post(USSD_URL, {"text": "2*x"})
    assert malformed.status_code == 400
    # a replayed final step stores nothing the second time
    assert _reply(ussd(client, "b5", PHONE, "2*Kuna wizi wa mafuta")).startswith("END Asante")
    replay = ussd(client, "b5", PHONE, "2*Kuna wizi wa mafuta")
    assert replay.status_code == 409 and replay.content.startswith(b"END")
    assert Tip.objects.count() == 1 and Report.objects.count() == 0


def test_local_leader_over_ussd_is_verified(client: Client, world: dict[str, Any]) -> None:
    from usalama.audit.services import Actor
    from usalama.intake import services

    services.register_leader(
        Actor(name="test"), name="Chief Wanjala", kind="chief", phone=PHONE, pin="4321"
    )
    screen = _reply(ussd(client, "l1", PHONE, "1*8*Afisa aliomba hongo*Kakamega"))
    assert "3. Kiongozi" in screen
    assert "PIN" in _reply(ussd(client, "l1", PHONE, "1*8*Afisa aliomba hongo*Kakamega*3"))
    wrong = _reply(ussd(client, "l1", PHONE, "1*8*Afisa aliomba hongo*Kakamega*3*0000"))
    assert wrong.startswith("END PIN si sahihi")
    done = _reply(ussd(client, "l2", PHONE, "1*8*Afisa aliomba hongo*Kakamega*3*4321"))
    assert done.startswith("END Asante")
    report = Report.objects.get()
    assert report.verified_source and report.leader is not None and report.category == "corruption"
