"""Public intake API, staff API, webhooks (SMS, SMSSync), triage, bad input."""

from __future__ import annotations

import base64
import io
import re
from typing import Any

import pytest
from django.test import Client

from tests.platform.intake_helpers import (
    GATEWAY,
    SECRET,
    SMS_URL,
    SMSSYNC_URL,
    USSD_URL,
    api_message,
    api_report_status,
    api_status,
    configure,
    web_status,
)
from usalama.intake import staff
from usalama.intake.models import Attachment, Message, Report, Tip

PHONE = "+254722333444"


@pytest.fixture
def client(db: Any, settings: Any) -> Client:
    configure(settings)
    return Client(**GATEWAY)


def _tip(client: Client, **extra: Any) -> str:
    body = {"category": "robbery", "description": "Two men robbed a shop on Moi Avenue", **extra}
    response = client.post("/api/v1/public/tips", body, content_type="application/json")
    assert response.status_code == 201, response.content
    return str(response.json()["tip_code"])


def test_categories(client: Client) -> None:
    response = client.get("/api/v1/public/categories")
    assert response.status_code == 200
    rows = response.json()
    assert {"code", "name_en", "name_sw"} == set(rows[0])
    assert any(r["code"] == "theft_of_stock" and r["name_sw"] == "Wizi wa mifugo" for r in rows)


def test_tip_conversation_with_staff_reply(
    client: Client, world: dict[str, Any], token_for: Any
) -> None:
    code = _tip(client, location_text="Moi Avenue", occurred_at="2026-01-05T20:00:00+03:00")
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
    tip = Tip.objects.get()
    assert code.replace("-", "") not in tip.code_hash and tip.code_hash.startswith("$argon2id$")
    status = api_status(client, code).json()
    assert status["status"] == "new" and status["messages"] == []
    sent = api_message(client, code, "They had a gun")
    assert sent.status_code == 201
    auth = {"HTTP_AUTHORIZATION": "Bearer " + token_for("nps.analyst")}
    queue = client.get("/api/v1/intake/queue", **auth).json()
    assert queue[0]["kind"] == "tip" and queue[0]["suggested_category"] == "robbery"
    detail = client.get(f"/api/v1/intake/tips/{tip.pk}", **auth).json()
    assert detail["messages"][0]["text"] == "They had a gun"
    reply = client.post(
        f"/api/v1/intake/tips/{tip.pk}/messages",
        {"text": "Which way did they go?"},
        content_type="application/json",
        **auth,
    )
    assert reply.status_code == 201
    triaged = client.post(
        f"/api/v1/intake/tips/{tip.pk}/triage",
        {
            "priority": "urgent",
            "assigned_agency": "DCI",
            "station": "Central",
            "public_note": "An officer is looking into it.",
        },
        content_type="application/json",
        **auth,
    ).json()
    assert triaged["status"] == "assigned" and triaged["assigned_agency"] == "DCI"
    public = api_status(client, code, "en").json()
    assert [m["author"] for m in public["messages"]] == ["tipster", "staff"]
    assert public["messages"][1]["text"] == "Which way did they go?"
    assert public["note"] == "An officer is looking into it."
    assert "Central" not in str(public) and "DCI" not in str(public)  # nothing internal leaks
    from usalama.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="intake.tip.view", object_id=str(tip.pk)).exists()


def test_access_gate_other_agency_gets_404(
    client: Client, world: dict[str, Any], token_for: Any
) -> None:
    _tip(client)
    tip = Tip.objects.get()
    dci = {"HTTP_AUTHORIZATION": "Bearer " + token_for("dci.analyst")}
    assert client.get(f"/api/v1/intake/tips/{tip.pk}", **dci).status_code == 404
    assert client.get("/api/v1/intake/queue", **dci).json() == []
    wellness = {"HTTP_AUTHORIZATION": "Bearer " + token_for("nps.wellness")}
    assert client.get(f"/api/v1/intake/tips/{tip.pk}", **wellness).status_code == 404
    assert client.get("/api/v1/intake/queue").status_code == 401


def test_identified_report_keeps_contact_only_when_given(
    client: Client, world: dict[str, Any]
) -> None:
    plain = client.post(
        "/api/v1/public/reports",
        {
            "category": "breakings",
            "description": "My house was broken into",
            "county": "Nairobi",
            "sub_county": "Westlands",
            "ward": "Parklands/Highridge",
        },
        content_type="application/json",
    )
    assert plain.status_code == 201, plain.content
    assert re.fullmatch(r"RPT-\d{4}-\d{4}-\d{4}-\d{4}", plain.json()["reference"])
    withc = client.post(
        "/api/v1/public/reports",
        {
            "category": "breakings",
            "description": "Shop broken into",
            "contact_phone": "0712 345 678",
        },
        content_type="application/json",
    )
    assert withc.status_code == 201
    rows = {r.reference: r for r in Report.objects.all()}
    first, second = rows[plain.json()["reference"]], rows[withc.json()["reference"]]
    assert (
        not first.contact_ok and first.contact_phone == "" and first.ward == "Parklands/Highridge"
    )
    assert second.contact_ok and second.contact_phone == "254712345678"
    assert api_report_status(client, first.reference).json()["status"] == "new"


@pytest.mark.parametrize(
    "body",
    [
        {"category": "robbery", "description": ""},
        {"category": "robbery", "description": "   "},
        {"category": "robbery", "description": "x" * 4001},
        {"category": "robbery", "description": "nul \x00 byte"},
        {"category": "no-such", "description": "text"},
        {"category": "robbery", "description": "ok", "county": "Atlantis"},
        {"category": "robbery", "description": "ok", "lat": 95, "lon": 10},
        {"category": "robbery", "description": "ok", "occurred_at": "2999-01-01T00:00:00Z"},
        {"description": "no category"},
    ],
)
def test_bad_input_is_a_clear_4xx_and_stores_nothing(client: Client, body: dict[str, Any]) -> None:
    response = client.post("/api/v1/public/tips", body, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert "code" in response.json()
    assert Tip.objects.count() == 0 and Message.objects.count() == 0


def test_binary_and_malformed_bodies(client: Client) -> None:
    binary = client.post(
        "/api/v1/public/tips", b"\xff\xfe\x00\x01garbage", content_type="application/json"
    )
    assert binary.status_code in (400, 422)
    huge = client.post(
        "/api/v1/public/tips",
        b"{" + b" " * (3 * 1024 * 1024) + b"}",
        content_type="application/json",
    )
    assert huge.status_code in (400, 413)
    assert Tip.objects.count() == 0


def test_script_injection_is_stored_as_text_and_escaped(client: Client) -> None:
    code = _tip(client, description="<script>alert(1)</script> wizi")
    page = web_status(client, code, "en")
    assert page.status_code == 200
    api_message(client, code, "<img src=x onerror=alert(1)>")
    page = web_status(client, code)
    assert b"<img src=x" not in page.content and b"&lt;img src=x" in page.content


def test_wrong_code_is_404_and_old_code_paths_are_gone(client: Client) -> None:
    code = _tip(client)
    assert api_status(client, "1234-5678-9ABC-DEFG").status_code == 404
    assert api_status(client, "not-a-code").status_code == 404
    # the code is never accepted in a path (proxies' logs, browser history)
    assert client.get(f"/api/v1/public/tips/{code}").status_code in (404, 405)
    assert client.get(f"/tip/{code}/").status_code == 404
    assert api_status(client, code).status_code == 200


def test_webhook_secret(client: Client, settings: Any) -> None:
    sms = {"from": PHONE, "to": "22384", "text": "siri test", "id": "m1", "date": "2026-01-01"}
    wrong = {"HTTP_X_USALAMA_GATEWAY_SECRET": "wrong"}
    assert Client().post(SMS_URL, sms).status_code == 404  # no secret at all
    assert Client().post(SMS_URL, sms, **wrong).status_code == 404
    assert Client().post(SMSSYNC_URL, sms, **wrong).status_code == 404
    # the secret in the path (the old URLs, logged by every proxy) is not accepted any more
    assert Client().post(f"/webhooks/africastalking/sms/{SECRET}/", sms).status_code == 404
    assert Client().post(f"/webhooks/smssync/{SECRET}/", sms).status_code == 404
    assert Tip.objects.count() == 0
    # Bearer, HTTP Basic (password) and SMSSync's own form field carry it too
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {SECRET}")
    assert bearer.post(SMS_URL, {**sms, "id": "m2"}).status_code == 200
    basic = base64.b64encode(f"gateway:{SECRET}".encode()).decode()
    basic_client = Client(HTTP_AUTHORIZATION=f"Basic {basic}")
    assert basic_client.post(SMS_URL, {**sms, "id": "m3"}).status_code == 200
    sync = {"from": PHONE, "message": "siri test", "message_id": "s9", "secret": SECRET}
    assert Client().post(SMSSYNC_URL, sync).status_code == 200
    assert Tip.objects.count() == 3
    settings.USALAMA_GATEWAY_SECRET = ""  # not configured: webhooks are off
    assert client.post(SMS_URL, {**sms, "id": "m4"}).status_code == 404
    assert client.post(USSD_URL, sms).status_code == 404
    assert Tip.objects.count() == 3


def test_sms_tip_conversation_and_replay(client: Client, world: dict[str, Any]) -> None:
    from usalama.intake.gateways import get_gateway

    outbox = get_gateway().outbox  # type: ignore[attr-defined]
    response = client.post(
        SMS_URL,
        {
            "from": PHONE,
            "to": "22384",
            "text": "Kuna wizi wa mifugo Kitui",
            "id": "ATXid_1",
            "date": "2026-01-01",
            "linkId": "L1",
        },
    )
    assert response.status_code == 200
    to, text = outbox[-1]
    assert to == PHONE and "Nambari yako ya siri" in text
    code = re.search(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", text)[0]  # type: ignore[index]
    assert Tip.objects.get().channel == "sms" and Tip.objects.get().category == "theft_of_stock"
    replay = client.post(
        SMS_URL,
        {
            "from": PHONE,
            "to": "22384",
            "text": "Kuna wizi wa mifugo Kitui",
            "id": "ATXid_1",
            "date": "2026-01-01",
        },
    )
    assert replay.status_code == 409 and Tip.objects.count() == 1
    staff.reply_to_tip(world["users"]["nps.analyst"], Tip.objects.get().pk, "Ni ng'ombe wangapi?")
    client.post(SMS_URL, {"from": PHONE, "to": "22384", "text": f"HALI {code}", "id": "ATXid_2"})
    assert "Ni ng'ombe wangapi?" in outbox[-1][1]
    client.post(SMS_URL, {"from": PHONE, "to": "22384", "text": f"{code} Ni kumi", "id": "ATXid_3"})
    assert Message.objects.filter(author="tipster", text="Ni kumi").exists()
    # typed in lower case, without dashes, with O for 0: still the tipster's code
    typed = code.replace("-", "").lower().replace("0", "o")
    sms = {"from": PHONE, "to": "22384", "text": f"{typed} Kumi na moja", "id": "A5"}
    client.post(SMS_URL, sms)
    assert Message.objects.filter(author="tipster", text="Kumi na moja").exists()
    malformed = client.post(SMS_URL, {"from": PHONE, "text": "", "id": "ATXid_4"})
    assert malformed.status_code == 400


def test_smssync_replies_in_the_response(client: Client, world: dict[str, Any]) -> None:
    response = client.post(
        SMSSYNC_URL,
        {
            "from": PHONE,
            "message": "REPORT my goat was stolen",
            "message_id": "u-1",
            "sent_to": "0700",
            "secret": SECRET,
        },
    )
    assert response.status_code == 200
    payload = response.json()["payload"]
    assert payload["success"] and "RPT-" in payload["messages"][0]["message"]
    assert Report.objects.get().channel == "smssync"


def test_phone_rate_limit_and_block(client: Client, world: dict[str, Any]) -> None:
    from usalama.audit.services import Actor
    from usalama.intake import services

    services.block_phone(Actor(name="test"), PHONE)
    response = client.post(SMS_URL, {"from": PHONE, "text": "spam", "id": "z1"})
    assert response.status_code == 429 and Tip.objects.count() == 0


def test_triage_suggestions_and_duplicates(world: dict[str, Any]) -> None:
    from usalama.intake import services

    user = world["users"]["nps.analyst"]
    for text in (
        "Wezi wameiba ng'ombe watatu usiku Kitui",
        "Ng'ombe watatu wameibiwa usiku Kitui town",
        "Mtu alipigwa na panga sokoni",
    ):
        services.submit_tip(
            services.SubmissionInput(
                category="",
                description=text,
                channel="web",
                county="Kitui",
                location_text="Kitui town",
            )
        )
    items = staff.queue(user)
    by_text = {i.excerpt: i for i in items}
    cattle = [i for t, i in by_text.items() if "ombe" in t]
    assert {i.category for i in cattle} == {"theft_of_stock"}
    assert len({i.group for i in cattle}) == 1
    assault = next(i for t, i in by_text.items() if "panga" in t)
    assert assault.group != cattle[0].group and assault.suggested_priority == "high"


def test_classifier_rules() -> None:
    from usalama.intake.classify import suggest

    assert suggest("Polisi aliomba hongo kitu kidogo").category == "corruption"
    assert suggest("They shot him with a gun right now").priority == "urgent"
    assert suggest("Wanauza bangi na kush kwa watoto").category == "dangerous_drugs"
    assert suggest("hello").category == "other"


def test_photo_exif_and_gps_stripped(client: Client) -> None:
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "SecretCamCo"  # Make
    exif[0x8825] = {1: "S", 2: (1.0, 17.0, 0.0), 3: "E", 4: (36.0, 49.0, 0.0)}  # GPS IFD
    raw = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(raw, format="JPEG", exif=exif)
    assert b"SecretCamCo" in raw.getvalue()
    page = client.get("/report/?lang=en")
    token = re.search(rb'name="form_token" value="([^"]+)"', page.content)[1].decode()  # type: ignore[index]
    raw.seek(0)
    raw.name = "IMG_1234_home.jpg"
    response = client.post(
        "/report/",
        {
            "form_token": token,
            "lang": "en",
            "category": "stealing",
            "description": "Phone stolen",
            "identity": "anonymous",
            "photos": raw,
        },
    )
    assert response.status_code == 201, response.content[:2000]
    attachment = Attachment.objects.get()
    data = attachment.file.read()
    assert b"SecretCamCo" not in data and b"Exif" not in data
    assert "IMG_1234" not in attachment.file.name
    with Image.open(io.BytesIO(data)) as cleaned:
        assert not cleaned.getexif()
    bad = io.BytesIO(b"not an image at all")
    bad.name = "x.jpg"
    response = client.post(
        "/report/",
        {
            "form_token": token,
            "lang": "en",
            "category": "stealing",
            "description": "again",
            "identity": "anonymous",
            "photos": bad,
        },
    )
    assert response.status_code == 400 and Tip.objects.count() == 1


def test_report_page_weight_and_no_js(client: Client) -> None:
    from django.contrib.staticfiles import finders

    page = client.get("/report/?county=Nairobi&lang=sw")
    assert page.status_code == 200
    assert b"<script" not in page.content
    assert b"Parklands/Highridge" in page.content and b"<optgroup" in page.content
    css = finders.find("web/usalama.css")
    total = len(page.content) + len(open(css, "rb").read())  # noqa: SIM115
    assert total <= 100 * 1024, total


def test_web_form_without_token_is_refused(client: Client) -> None:
    response = client.post(
        "/report/", {"category": "stealing", "description": "x", "identity": "anonymous"}
    )
    assert response.status_code == 400 and Tip.objects.count() == 0
    forged = client.post(
        "/report/",
        {
            "form_token": "forged:token",
            "category": "stealing",
            "description": "x",
            "identity": "anonymous",
        },
    )
    assert forged.status_code == 400 and Tip.objects.count() == 0


def test_triage_web_pages(client: Client, world: dict[str, Any]) -> None:
    from usalama.intake import services

    _tip_obj, _code = services.submit_tip(
        services.SubmissionInput(category="robbery", description="Robbery at stage", channel="web")
    )
    client.force_login(world["users"]["nps.analyst"])
    session = client.session
    session["otp_device_id"] = world["users"]["nps.analyst"].totpdevice_set.get().persistent_id
    session.save()
    queue = client.get("/intake/triage/")
    assert queue.status_code == 200 and b"Robbery at stage" in queue.content
    detail = client.get(f"/intake/triage/tip/{_tip_obj.pk}/")
    assert detail.status_code == 200
    posted = client.post(
        f"/intake/triage/tip/{_tip_obj.pk}/", {"reply": "1", "text": "Tell us more"}
    )
    assert posted.status_code == 302
    assert Message.objects.filter(author="staff", text="Tell us more").exists()
