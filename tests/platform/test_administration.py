"""Administration screens: an agency administrator manages only their agency's people (another
agency's user answers 404 and nothing changes; the refusal is audited); a system administrator
manages agencies; Django's admin no longer says "You don't have permission"."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from usalama.accounts import services as accounts
from usalama.accounts.models import Agency, User
from usalama.audit.models import AuditEvent
from usalama.audit.services import Actor

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple 42"


def _code(username: str) -> str:
    device = TOTPDevice.objects.get(user__username=username)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def log_in(client: Client, username: str) -> None:
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    response = client.post("/otp/", {"token": _code(username)})
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.fixture
def admins(world: Any) -> dict[str, User]:
    actor = Actor(name="test")
    made = {}
    for username, code in [("nps.admin", "NPS"), ("dci.admin", "DCI")]:
        made[username] = accounts.create_user(
            actor,
            username=username,
            agency=Agency.objects.get(code=code),
            roles=["agency_admin"],
            password=PASSWORD,
        ).user
    return made


def _id(username: str) -> int:
    return int(User.objects.get(username=username).pk)


def test_agency_admin_lists_only_own_agency(client: Client, admins: Any) -> None:
    log_in(client, "dci.admin")
    page = client.get("/admin-console/").content.decode()
    assert "dci.analyst" in page and "nps.analyst" not in page and "sysadmin" not in page
    assert client.get(f"/admin-console/users/{_id('dci.analyst')}/").status_code == 200


def test_agency_admin_gets_404_for_another_agencys_user_and_nothing_changes(
    client: Client, admins: Any
) -> None:
    log_in(client, "dci.admin")
    target = _id("nps.analyst")
    before_events = AuditEvent.objects.count()
    assert client.get(f"/admin-console/users/{target}/").status_code == 404
    for path, data in [
        (f"/admin-console/users/{target}/active/", {"active": "0"}),
        (f"/admin-console/users/{target}/roles/", {"roles": ["agency_admin"]}),
        (f"/admin-console/users/{target}/second-factor/", {}),
        (f"/admin-console/users/{target}/password/", {"password": "a brand new password 77"}),
    ]:
        assert client.post(path, data).status_code == 404, path
    nps_analyst = User.objects.get(pk=target)
    assert nps_analyst.is_active and nps_analyst.role_set == {"analyst"}
    assert nps_analyst.check_password(PASSWORD)
    assert TOTPDevice.objects.filter(user=nps_analyst).count() == 1
    refusals = AuditEvent.objects.filter(
        id__gt=before_events, action="admin.refused", actor="dci.admin", object_id=str(target)
    )
    assert refusals.count() >= 5  # the read and every attempted write


def test_agency_admin_creates_user_with_second_factor(client: Client, admins: Any) -> None:
    log_in(client, "dci.admin")
    response = client.post(
        "/admin-console/users/new/",
        {"username": "dci.new", "roles": ["analyst"], "password": "a long new password 2026"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page and 'id="totp-secret"' in page
    assert "no-store" in response["Cache-Control"]
    created = User.objects.get(username="dci.new")
    assert created.agency.code == "DCI" and created.role_set == {"analyst"}
    assert TOTPDevice.objects.filter(user=created, confirmed=True).count() == 1
    assert AuditEvent.objects.filter(action="user.create", actor="dci.admin").exists()


def test_agency_admin_cannot_create_in_another_agency_or_grant_system_admin(
    client: Client, admins: Any
) -> None:
    log_in(client, "dci.admin")
    nps = Agency.objects.get(code="NPS")
    # the agency field is not offered, and a forged one is ignored in favour of their own
    client.post(
        "/admin-console/users/new/",
        {
            "username": "forged",
            "roles": ["analyst"],
            "password": "a long new password 2026",
            "agency": nps.pk,
        },
    )
    assert User.objects.get(username="forged").agency.code == "DCI"
    response = client.post(
        "/admin-console/users/new/",
        {"username": "root2", "roles": ["system_admin"], "password": "a long new password 2026"},
    )
    assert response.status_code == 400
    assert not User.objects.filter(username="root2").exists()
    response = client.post(
        f"/admin-console/users/{_id('dci.analyst')}/roles/", {"roles": ["system_admin"]}
    )
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="admin.refused", actor="dci.admin").exists()
    assert User.objects.get(username="dci.analyst").role_set == {"analyst"}


def test_roles_deactivation_reset_and_tokens_are_audited(client: Client, admins: Any) -> None:
    target = User.objects.get(username="dci.analyst")
    issued = accounts.create_token(Actor(name="test"), target, "laptop")
    old_key = TOTPDevice.objects.get(user=target).key
    log_in(client, "dci.admin")
    url = f"/admin-console/users/{target.pk}/"
    assert "laptop" in client.get(url).content.decode()

    assert client.post(url + "roles/", {"roles": ["analyst", "supervisor"]}).status_code == 302
    assert User.objects.get(pk=target.pk).role_set == {"analyst", "supervisor"}

    page = client.post(url + "second-factor/").content.decode()
    assert "<svg" in page
    assert TOTPDevice.objects.get(user=target).key != old_key

    assert client.post(url + f"tokens/{issued.token.pk}/revoke/").status_code == 302
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None

    assert client.post(url + "active/", {"active": "0"}).status_code == 302
    assert not User.objects.get(pk=target.pk).is_active
    other = Client()
    assert (
        other.post("/login/", {"username": "dci.analyst", "password": PASSWORD}).status_code == 200
    )

    actions = set(
        AuditEvent.objects.filter(
            actor="dci.admin", object_id__in=[str(target.pk), str(issued.token.pk)]
        ).values_list("action", flat=True)
    )
    assert {"user.roles", "user.2fa_reset", "token.revoke", "user.deactivate"} <= actions


def test_admin_cannot_deactivate_self(client: Client, admins: Any) -> None:
    log_in(client, "dci.admin")
    client.post(f"/admin-console/users/{_id('dci.admin')}/active/", {"active": "0"})
    assert User.objects.get(username="dci.admin").is_active


def test_non_admins_are_refused(client: Client, admins: Any) -> None:
    log_in(client, "nps.analyst")
    assert client.get("/admin-console/").status_code == 403
    assert client.get("/admin-console/agencies/").status_code == 403
    menu = client.get("/").content.decode()
    assert "/admin-console/" not in menu and "/audit/" not in menu


def test_agencies_are_for_the_system_administrator(client: Client, admins: Any) -> None:
    log_in(client, "dci.admin")
    assert client.get("/admin-console/agencies/").status_code == 403
    assert "/admin-console/agencies/" not in client.get("/").content.decode()
    client.post("/logout/")
    log_in(client, "sysadmin")
    assert "/admin-console/agencies/" in client.get("/").content.decode()
    response = client.post(
        "/admin-console/agencies/",
        {"code": "kws", "name": "Kenya Wildlife Service", "country": "ke", "kind": "partner"},
    )
    assert response.status_code == 302
    assert Agency.objects.get(code="KWS").country == "KE"
    assert (
        client.post(
            "/admin-console/agencies/", {"code": "x", "name": "", "country": "KEN", "kind": "nope"}
        ).status_code
        == 400
    )
    assert AuditEvent.objects.filter(action="agency.create", actor="sysadmin").exists()
    assert client.get("/admin-console/settings/").status_code == 200
    # the system administrator manages every agency's people
    assert client.get(f"/admin-console/users/{_id('dci.analyst')}/").status_code == 200


def test_django_admin_opens_for_the_system_administrator(client: Client, admins: Any) -> None:
    log_in(client, "sysadmin")
    page = client.get("/admin/").content.decode()
    assert "have permission to view or edit anything" not in page
    assert "/admin/accounts/user/" in page
    assert client.get("/admin/accounts/user/").status_code == 200
    # view only: changes go through the audited administration screens
    assert client.get("/admin/accounts/user/add/").status_code == 403
    # never the records
    assert client.get("/admin/policing/incident/").status_code == 403


def test_system_admin_edits_an_agency_and_sees_settings(client: Client, admins: Any) -> None:
    dci = Agency.objects.get(code="DCI")
    log_in(client, "dci.admin")
    assert client.get(f"/admin-console/agencies/{dci.pk}/").status_code == 403
    client.post("/logout/")
    log_in(client, "sysadmin")
    url = f"/admin-console/agencies/{dci.pk}/"
    data = {"code": "IGNORED", "name": "DCI renamed", "country": "ke", "kind": "investigations"}
    assert client.post(url, data).status_code == 302
    dci.refresh_from_db()
    assert (dci.code, dci.name, dci.country) == ("DCI", "DCI renamed", "KE")
    assert client.post(url, {**data, "kind": "spies"}).status_code == 400
    assert client.get("/admin-console/agencies/999999/").status_code == 404
    event = AuditEvent.objects.filter(action="agency.update").get()
    assert event.details["before"]["name"] == "Directorate of Criminal Investigations"
    page = client.get("/admin-console/settings/").content.decode()
    assert "USALAMA_LOGIN_FAILURE_LIMIT" in page and "<input" not in page.split("<main>")[1]
