"""Authorization matrix: every oversight and wellness endpoint (web and API) × every role.

Wellness records answer only to the counsellors of the officer's agency — never supervisors,
internal affairs, IPOA or administrators; complaints are IPOA's and reach police agencies only
when shared; flags reach the officer's supervisors and the officer. Runs on SQLite and on
PostgreSQL (scripts/test-postgres)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.platform.oversight_helpers import SECRET_NOTE, USERS, build, login
from usalama.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
ANON = "anonymous"
ROLES = [ANON, *USERS]
SUPERVISORS = {"nps.supervisor", "nps.commander"}
NPS_DATA = {"nps.analyst", "nps.officer", "nps.supervisor", "nps.commander"}
SHARED_READERS = NPS_DATA | {"nps.iau"}  # internal affairs reads what IPOA shares

Expect = Callable[[str], int]


def only(allowed: set[str], ok: int = 200, *, denied: int = 404, anon: int = 302) -> Expect:
    return lambda who: anon if who == ANON else (ok if who in allowed else denied)


def api(expect: Expect) -> Expect:
    return lambda who: 401 if who == ANON else expect(who)


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    return build()


def _cases(w: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any] | None, Expect]]:
    ref, private, shared = w["referral"].pk, w["private"].pk, w["shared"].pk
    flag, model = w["flag"].pk, w["model"].pk
    counsellor = {"nps.wellness"}
    every_signed_in = set(USERS)
    recorders = SUPERVISORS
    stage_shared = lambda who: {ANON: 302, "ipoa.investigator": 302}.get(  # noqa: E731
        who, 403 if who in SHARED_READERS else 404
    )
    stage_shared_api = lambda who: {ANON: 401, "ipoa.investigator": 200}.get(  # noqa: E731
        who, 403 if who in SHARED_READERS else 404
    )
    respond_api = lambda who: {ANON: 401, "nps.officer": 200}.get(  # noqa: E731
        who, 403 if who in SUPERVISORS else 404
    )
    return [
        # wellness: web
        ("web", "get", "/wellness/", None, only(counsellor | {"dci.wellness"})),
        ("web", "get", f"/wellness/referrals/{ref}/", None, only(counsellor)),
        (
            "web",
            "post",
            f"/wellness/referrals/{ref}/",
            {"status": "in_care", "note": "x"},
            only(counsellor, 302),
        ),
        ("web", "get", "/wellness/support/", None, only(every_signed_in)),
        ("web", "get", "/wellness/critical-incidents/", None, only(recorders)),
        # wellness: API
        (
            "api",
            "get",
            "/api/v1/wellness/referrals",
            None,
            api(only(counsellor | {"dci.wellness"})),
        ),
        ("api", "get", f"/api/v1/wellness/referrals/{ref}", None, api(only(counsellor))),
        ("api", "post", f"/api/v1/wellness/referrals/{ref}", {"note": "x"}, api(only(counsellor))),
        # complaints: web
        ("web", "get", f"/oversight/complaints/{private}/", None, only({"ipoa.investigator"})),
        (
            "web",
            "get",
            f"/oversight/complaints/{shared}/",
            None,
            only({"ipoa.investigator"} | SHARED_READERS),
        ),
        (
            "web",
            "post",
            f"/oversight/complaints/{shared}/stage/",
            {"to_stage": "admissibility"},
            stage_shared,
        ),
        ("web", "get", "/oversight/complaints/", None, only(every_signed_in)),
        # complaints: API
        (
            "api",
            "get",
            f"/api/v1/oversight/complaints/{private}",
            None,
            api(only({"ipoa.investigator"})),
        ),
        (
            "api",
            "get",
            f"/api/v1/oversight/complaints/{shared}",
            None,
            api(only({"ipoa.investigator"} | SHARED_READERS)),
        ),
        # (the web case above moved it to admissibility)
        (
            "api",
            "post",
            f"/api/v1/oversight/complaints/{shared}/stage",
            {"to_stage": "preliminary"},
            stage_shared_api,
        ),
        # early intervention
        (
            "web",
            "get",
            f"/oversight/early-intervention/{flag}/",
            None,
            only(SUPERVISORS | {"nps.officer"}),
        ),
        ("web", "get", f"/oversight/early-intervention/models/{model}/", None, only(SUPERVISORS)),
        ("web", "get", "/oversight/early-intervention/", None, only(every_signed_in)),
        (
            "api",
            "get",
            f"/api/v1/oversight/flags/{flag}",
            None,
            api(only(SUPERVISORS | {"nps.officer"})),
        ),
        (
            "api",
            "post",
            f"/api/v1/oversight/flags/{flag}/response",
            {"response": "I asked for training"},
            respond_api,
        ),
        ("web", "get", "/oversight/notifications/", None, only(every_signed_in)),
    ]


def test_authorization_matrix(world: dict[str, Any]) -> None:
    from usalama.accounts import services as accounts
    from usalama.audit.services import Actor

    tokens = {u: accounts.create_token(Actor(name="t"), world["users"][u]).raw for u in USERS}
    failures = []
    for kind, method, path, body, expect in _cases(world):
        for who in ROLES:
            client = Client()
            extra: dict[str, Any] = {}
            if kind == "web" and who != ANON:
                login(client, world["users"][who])
            if kind == "api" and who != ANON:
                extra["HTTP_AUTHORIZATION"] = f"Bearer {tokens[who]}"
            if method == "get":
                response = client.get(path, **extra)
            elif kind == "api":
                response = client.post(
                    path, json.dumps(body), content_type="application/json", **extra
                )
            else:
                response = client.post(path, body, **extra)
            wanted = expect(who)
            if response.status_code != wanted:
                failures.append(
                    f"{method.upper()} {path} as {who}: {response.status_code}, wanted {wanted}"
                )
            text = response.content.decode(errors="replace")
            if who != "nps.wellness" and SECRET_NOTE in text:
                failures.append(f"{method.upper()} {path} as {who}: the wellness note leaked")
    assert not failures, "\n".join(failures)


def test_lists_show_only_what_each_role_may_see(world: dict[str, Any]) -> None:
    def seen(who: str, path: str) -> str:
        return login(Client(), world["users"][who]).get(path).content.decode()

    private, shared = world["private"].reference, world["shared"].reference
    ipoa = seen("ipoa.investigator", "/oversight/complaints/")
    assert private in ipoa and shared in ipoa
    nps = seen("nps.analyst", "/oversight/complaints/")
    assert shared in nps and private not in nps
    assert shared in seen("nps.iau", "/oversight/complaints/")
    for who in ("dci.analyst", "nps.wellness", "sysadmin"):
        page = seen(who, "/oversight/complaints/")
        assert shared not in page and private not in page, who
    officer_name = world["officer"].name
    assert officer_name in seen("nps.supervisor", "/oversight/early-intervention/")
    for who in ("nps.iau", "ipoa.investigator", "nps.analyst", "nps.admin", "dci.analyst"):
        assert officer_name not in seen(who, "/oversight/early-intervention/"), who
    for who in (
        "nps.supervisor",
        "nps.iau",
        "ipoa.investigator",
        "nps.admin",
        "sysadmin",
        "dci.wellness",
    ):
        assert officer_name not in seen(who, "/wellness/"), who
        assert "Juma" not in seen(who, "/wellness/critical-incidents/"), who
    assert officer_name in seen("nps.wellness", "/wellness/")


def test_refused_writes_change_nothing_and_are_audited(world: dict[str, Any]) -> None:
    shared = world["shared"]
    client = login(Client(), world["users"]["nps.analyst"])
    assert (
        client.post(
            f"/oversight/complaints/{shared.pk}/stage/", {"to_stage": "admissibility"}
        ).status_code
        == 403
    )
    shared.refresh_from_db()
    assert shared.stage == "receipt"
    refused = AuditEvent.objects.filter(
        action="oversight.complaint.stage.refused", actor="nps.analyst"
    )
    assert refused.count() == 1
    client = login(Client(), world["users"]["nps.supervisor"])
    assert (
        client.post(
            f"/wellness/referrals/{world['referral'].pk}/", {"status": "closed"}
        ).status_code
        == 404
    )
    world["referral"].refresh_from_db()
    assert world["referral"].status == "offered"
    assert AuditEvent.objects.filter(
        action="wellness.referral.update.refused", actor="nps.supervisor"
    ).exists()


def test_wellness_audit_says_a_record_was_read_not_what_it_holds(world: dict[str, Any]) -> None:
    from usalama.wellness.models import Referral

    client = login(Client(), world["users"]["nps.wellness"])
    page = client.get(f"/wellness/referrals/{world['referral'].pk}/").content.decode()
    assert SECRET_NOTE in page
    reads = AuditEvent.objects.filter(action="wellness.referral.read")
    assert reads.count() == 1 and reads.get().object_id == str(world["referral"].pk)
    for event in AuditEvent.objects.all():
        blob = json.dumps(event.details) + event.query
        assert SECRET_NOTE not in blob and "Kibera" not in blob and "Juma" not in blob
    stored = Referral.objects.values_list("notes_sealed", flat=True).get(pk=world["referral"].pk)
    assert SECRET_NOTE not in stored and "gAAAA" in stored  # a Fernet token
