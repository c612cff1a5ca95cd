"""Security fixes in oversight and wellness (issue #15, second round): who may list officers,
who may file a s. 25 notification, and wellness notes under `usalama keys rotate`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.utils import timezone

from tests.platform.oversight_helpers import build
from usalama.accounts import sealing
from usalama.accounts import services as accounts
from usalama.audit.models import AuditEvent
from usalama.audit.services import Actor
from usalama.core.errors import PermissionDenied
from usalama.oversight import services
from usalama.oversight.models import Notification, Officer, Shift
from usalama.wellness import crypto
from usalama.wellness.models import Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    return build()


def _user(world: dict[str, Any], username: str, agency: str, role: str) -> Any:
    return accounts.create_user(
        Actor(name="test"),
        username=username,
        agency=world["agencies"][agency],
        roles=[role],
        password="correct horse battery staple 42",
        check_password=False,
    ).user


def test_ipoa_sees_only_officers_named_in_its_cases_or_on_duty_for_them(
    world: dict[str, Any],
) -> None:
    nps = world["agencies"]["NPS"]
    stranger = Officer.objects.create(agency=nps, service_number="NPS-9999", name="Not Involved")
    Shift.objects.create(
        officer=stranger,
        station="Kilimani",
        starts_at=timezone.now() - dt.timedelta(days=40),
        ends_at=timezone.now() - dt.timedelta(days=39, hours=16),
    )  # on duty at the complaint's station, but not at its time
    visible = set(services.officers_for(world["users"]["ipoa.investigator"]))
    # NPS-1001 was on duty at Kilimani when the private complaint happened
    assert world["officer"] in visible
    assert stranger not in visible and world["other"] not in visible
    # once IPOA names an officer in an allegation, that officer is visible too
    allegation = world["shared"].allegations.get()
    services.set_allegation(
        world["users"]["ipoa.investigator"],
        world["shared"].pk,
        allegation.pk,
        officer_id=world["other"].pk,
    )
    assert world["other"] in set(services.officers_for(world["users"]["ipoa.investigator"]))
    assert stranger not in set(services.officers_for(world["users"]["ipoa.investigator"]))


def test_police_supervisors_see_their_agency_and_others_see_none(world: dict[str, Any]) -> None:
    users = world["users"]
    nps_officers = set(Officer.objects.filter(agency__code="NPS"))
    assert set(services.officers_for(users["nps.supervisor"])) == nps_officers
    assert set(services.officers_for(users["nps.iau"])) == nps_officers
    for name in ("nps.analyst", "dci.analyst", "nps.wellness", "nps.admin"):
        assert not services.officers_for(users[name]).exists(), name


def test_only_a_police_agency_files_s25_notifications(world: dict[str, Any]) -> None:
    odpp = accounts.ensure_agency(
        Actor(name="test"), code="ODPP", name="ODPP", country="KE", kind="prosecution"
    )
    world["agencies"]["ODPP"] = odpp
    prosecutor = _user(world, "odpp.analyst", "ODPP", "analyst")
    for user in (prosecutor, world["users"]["dci.analyst"]):
        with pytest.raises(PermissionDenied):
            services.notify(
                user,
                kind="death",
                occurred_at=timezone.now(),
                place="Kibera",
                summary="A death blamed on NPS officers",
            )
    assert not Notification.objects.exists()
    assert AuditEvent.objects.filter(
        action="oversight.notification.create.refused", actor="odpp.analyst"
    ).exists()
    # a police agency reports, about its own officers
    services.notify(
        world["users"]["nps.commander"],
        kind="death",
        occurred_at=timezone.now(),
        place="Kibera",
        summary="A man died during an arrest",
        officers=[world["officer"]],
    )
    assert Notification.objects.count() == 1


def test_keys_rotate_reencrypts_wellness_notes_under_the_wellness_key(
    world: dict[str, Any], settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.USALAMA_KEYS_DIR = tmp_path / "keys"
    settings.USALAMA_FIELD_KEYS = ""
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("USALAMA_WELLNESS_KEY", old)
    referral = Referral.objects.get(pk=world["referral"].pk)
    referral.notes_sealed = crypto.seal("sleepless since the shooting")
    referral.save(update_fields=["notes_sealed"])
    monkeypatch.setenv("USALAMA_WELLNESS_KEY", f"{new},{old}")  # the operator adds a new key
    values, _dropped = sealing.rotate()
    assert values >= 1
    sealed = Referral.objects.get(pk=referral.pk).notes_sealed
    monkeypatch.setenv("USALAMA_WELLNESS_KEY", old)
    with pytest.raises(crypto.WellnessKeyError):
        crypto.unseal(sealed)
    monkeypatch.setenv("USALAMA_WELLNESS_KEY", new)
    assert crypto.unseal(sealed) == "sleepless since the shooting"


def test_keys_rotate_keeps_wellness_notes_readable_under_field_keys(
    world: dict[str, Any], settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.USALAMA_KEYS_DIR = tmp_path / "keys"
    settings.USALAMA_FIELD_KEYS = ""
    monkeypatch.delenv("USALAMA_WELLNESS_KEY", raising=False)
    referral = Referral.objects.get(pk=world["referral"].pk)
    referral.notes_sealed = crypto.seal("nightmares")
    referral.save(update_fields=["notes_sealed"])
    sealing.rotate()  # drops the old field key
    assert crypto.unseal(Referral.objects.get(pk=referral.pk).notes_sealed) == "nightmares"
