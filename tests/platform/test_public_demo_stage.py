"""The demo's public-portal stage: its months published, idempotent, a tip for the commander."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from usalama.demo import stage_public
from usalama.demo.stages import STAGES
from usalama.intake.models import Report
from usalama.public import services

pytestmark = pytest.mark.django_db


def test_stage_publishes_its_three_months_once(db: Any, monkeypatch: Any) -> None:
    assert ("public portal: three months published", "usalama.demo.stage_public:populate") in STAGES
    monkeypatch.setattr(stage_public, "COUNTIES", {"Mombasa": 25})  # small and fast
    tips = stage_public.populate(SimpleNamespace(seed=7))  # type: ignore[arg-type]
    reports = Report.objects.count()
    months = services.months()
    assert len(months) == 3 and reports > 60
    assert [t.username for t in tips] == ["nps.commander"] and months[0] in tips[0].text
    assert stage_public.populate(SimpleNamespace(seed=7)) == tips  # type: ignore[arg-type]
    assert Report.objects.count() == reports and services.months() == months
    counts = services.statistics_rows("county", months[0], None)
    assert {r["area_name"] for r in counts} == {"Mombasa"}
