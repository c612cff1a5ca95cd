"""The demo stages of the KPI layer and community alerts: real work for each role, twice over
without duplicates."""

from __future__ import annotations

from typing import Any

import pytest
from rich.console import Console

from tests.platform.kpi_helpers import add_user
from usalama.community.models import Alert, Baraza, Delivery, Subscriber
from usalama.demo import stage_community, stage_kpis
from usalama.demo.stages import DemoContext
from usalama.kpis.models import StationArea

pytestmark = pytest.mark.django_db


def test_stages_give_work_and_are_idempotent(world: dict[str, Any]) -> None:
    for username, role in (
        ("nps.commander", "commander"),
        ("nps.supervisor", "supervisor"),
        ("nps.desk", "desk_officer"),
    ):
        add_user(world, username, "NPS", role)
    context = DemoContext(
        seed=7,
        people=0,
        world=None,
        agencies=world["agencies"],
        collections={},
        users=world["users"],
        console=Console(quiet=True),
    )
    for _ in range(2):
        tips = stage_community.populate(context) + stage_kpis.populate(context)
    assert {t.username for t in tips} >= {"nps.commander", "nps.supervisor", "nps.desk"}
    assert Alert.objects.count() == 2
    sent = Alert.objects.get(status="sent")
    assert Delivery.objects.filter(alert=sent).count() == 12
    assert Alert.objects.filter(status="draft").count() == 1
    assert Baraza.objects.count() == 3
    assert Subscriber.objects.filter(active=True).count() == 23
    assert StationArea.objects.filter(station="Kibera Police Station").exists()
