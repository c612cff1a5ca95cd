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


# --- in the authorization matrix's world (tests/platform/matrix_areas/oversight_wellness.py) ---


@pytest.fixture
def matrix_world(db: Any, settings: Any) -> Any:
    from tests.platform.test_authorization_matrix import _build_world

    return _build_world(settings)


def _matrix_request(world: Any, key: str, user: Any) -> Any:
    """Send the matrix row ``key`` (its body and parameters) as ``user``."""
    from tests.platform.matrix_areas.oversight_wellness import RULES
    from tests.platform.test_authorization_matrix import _request
    from usalama.accounts import services as accounts
    from usalama.audit.services import Actor

    client = Client()
    headers: dict[str, str] = {}
    if key.startswith("web "):
        login(client, user)
    else:
        headers["Authorization"] = f"Bearer {accounts.create_token(Actor(name='t'), user).raw}"
    return _request(client, key, RULES[key], world, headers)


WELLNESS_RECORD_ROWS = [
    ("GET /api/v1/wellness/referrals/{pk}", 200),
    ("web GET wellness/referrals/<int:pk>/", 200),
    ("POST /api/v1/wellness/referrals/{pk}", 200),
    ("web POST wellness/referrals/<int:pk>/", 302),
]


def test_wellness_firewall_in_matrix(matrix_world: Any) -> None:
    """Only DCI's wellness counsellor reads or writes DCI's referral: every other role, in
    DCI, ODPP (which holds DCI's collection grant) or FRC, gets 404 — and never the note."""
    from tests.platform.matrix_areas.oversight_wellness import SECRET_MESSAGE
    from tests.platform.matrix_support import CONTEXTS, ROLES

    failures = []
    for key, ok in WELLNESS_RECORD_ROWS:
        for context in CONTEXTS:
            for role in ROLES:
                user = matrix_world.users[(role, context)]
                response = _matrix_request(matrix_world, key, user)
                wanted = ok if (role, context) == ("wellness_counsellor", "own") else 404
                if response.status_code != wanted:
                    failures.append(f"{key} as {role}@{context}: {response.status_code}")
                if wanted == 404 and SECRET_MESSAGE in response.content.decode(errors="replace"):
                    failures.append(f"{key} as {role}@{context}: the note leaked")
    # the queues: counsellors see their own agency's referrals only; everyone else 404
    referral = matrix_world.params["wellness_referral_id"]
    for context in CONTEXTS:
        for role in ROLES:
            user = matrix_world.users[(role, context)]
            response = _matrix_request(matrix_world, "GET /api/v1/wellness/referrals", user)
            if role != "wellness_counsellor":
                if response.status_code != 404:
                    failures.append(f"referral list as {role}@{context}: {response.status_code}")
                continue
            ids = {str(row["id"]) for row in response.json()}
            if (referral in ids) != (context == "own"):
                failures.append(f"referral list as {role}@{context}: {sorted(ids)}")
    assert not failures, "\n".join(failures)


# IPOA's records on a complaint (findings, allegations, summonses, attendance), API and pages
IPOA_RECORDS = (
    "POST /api/v1/oversight/complaints/{pk}/allegations",
    "POST /api/v1/oversight/complaints/{pk}/allegations/{allegation_id}",
    "POST /api/v1/oversight/complaints/{pk}/summonses",
    "POST /api/v1/oversight/complaints/{pk}/summonses/{summons_id}/attended",
    "web POST oversight/complaints/<int:pk>/allegations/",
    "web POST oversight/complaints/<int:pk>/allegations/<int:allegation_id>/",
    "web POST oversight/complaints/<int:pk>/summonses/",
    "web POST oversight/complaints/<int:pk>/summonses/<int:summons_id>/attended/",
)


def test_oversight_matrix_bodies_succeed_for_the_owner(matrix_world: Any) -> None:
    """The matrix's write rows are refused for a reason, not for a bad body: the same requests
    succeed for whoever may write (IPOA's investigator for the complaint, DCI's supervisor for
    the model, the flagged officer, DCI's counsellor), while DCI — which referred the complaint
    and reads it through IPOA's share — may not change it."""
    from usalama.accounts.models import User
    from usalama.oversight.models import Complaint, ModelVersion, RiskFlag
    from usalama.wellness.models import Referral

    users, params = matrix_world.users, matrix_world.params
    complaint = Complaint.objects.get(pk=params["oversight_complaint_id"])
    assert complaint.agency.code == "IPOA"
    assert {a.code for a in complaint.shared_with.all()} == {"DCI", "ODPP"}
    for role in ("analyst", "oversight_investigator"):
        for key in (
            "POST /api/v1/oversight/complaints/{pk}/stage",
            "POST /api/v1/oversight/complaints/{pk}/share",
            "web POST oversight/complaints/<int:pk>/stage/",
            *IPOA_RECORDS,
        ):
            assert _matrix_request(matrix_world, key, users[(role, "own")]).status_code == 403
    assert (
        _matrix_request(
            matrix_world, "GET /api/v1/oversight/complaints/{pk}", users[("analyst", "own")]
        ).status_code
        == 200
    )
    ipoa = User.objects.get(username="ipoa.matrix")
    for key in (
        "POST /api/v1/oversight/complaints/{pk}/stage",
        "POST /api/v1/oversight/complaints/{pk}/share",
    ):
        assert _matrix_request(matrix_world, key, ipoa).status_code == 200, key
    complaint.refresh_from_db()
    assert complaint.stage == "admissibility"
    assert complaint.shared_with.filter(code="FRC").exists()
    for key in IPOA_RECORDS:
        assert _matrix_request(matrix_world, key, ipoa).status_code in (200, 201, 302), key
    assert sorted(complaint.allegations.values_list("category", "finding")) == [
        ("excessive_force", "not_sustained"),
        ("neglect", ""),
        ("neglect", ""),
    ]
    assert complaint.summonses.filter(attended_at__isnull=False).exists()
    assert complaint.summonses.count() == 3

    officer = users[("desk_officer", "own")]
    key = "POST /api/v1/oversight/flags/{pk}/response"
    assert _matrix_request(matrix_world, key, officer).status_code == 200
    supervisor = users[("supervisor", "own")]
    key = "web POST oversight/early-intervention/<int:pk>/"
    assert _matrix_request(matrix_world, key, supervisor).status_code == 302
    flag = RiskFlag.objects.get(pk=params["oversight_flag_id"])
    assert flag.officer_response and flag.status == "in_support"
    key = "web POST oversight/early-intervention/models/<int:pk>/"
    assert _matrix_request(matrix_world, key, supervisor).status_code == 302
    model = ModelVersion.objects.get(pk=params["oversight_model_id"])
    assert model.signed_off_by == supervisor.username

    counsellor = users[("wellness_counsellor", "own")]
    assert (
        _matrix_request(matrix_world, "POST /api/v1/wellness/referrals/{pk}", counsellor).json()[
            "status"
        ]
        == "in_care"
    )
    key = "web POST wellness/support/<int:pk>/answer/"
    assert _matrix_request(matrix_world, key, officer).status_code == 302
    assert Referral.objects.get(pk=params["wellness_offer_id"]).status == "accepted"
