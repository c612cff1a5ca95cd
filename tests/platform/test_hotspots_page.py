"""Defect 11: the hotspots page answers at once with a progress note (the forecast follows as
a fragment), names the nearest town for each patrol cell, warns when a forecast rests on too
few incidents, and draws its cells over the offline base map."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.platform.test_policing import _login, needs_data, portland_slice  # noqa: F401
from tests.platform.test_words import codes_shown
from usalama.audit.models import AuditEvent
from usalama.policing import services

pytestmark = pytest.mark.django_db


def test_nearest_place() -> None:
    name, km = services.nearest_place(-1.2864, 36.8172) or ("", 0.0)
    assert name == "Nairobi" and km < 3
    mombasa = services.nearest_place(-4.05, 39.66)
    assert mombasa is not None and mombasa[0] == "Mombasa"
    assert services.nearest_place(45.5, -122.6) is None  # Portland: no shipped town near


def test_basemap_data_is_served_locally(client: Client) -> None:
    response = client.get("/geo/basemap.json")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert len(data["counties"]["features"]) == 47
    assert any(p[0] == "Nairobi" for p in data["places"])
    credits = " ".join(a[0] for a in data["attribution"])
    assert "OpenStreetMap" in credits and "GeoNames" in credits


def _portland_signed_in(world: dict[str, Any], calls: Path, client: Client) -> None:
    """Portland's calls as an NPS collection, and the NPS analyst signed in."""
    services.import_incidents(
        world["users"]["nps.analyst"], [calls], "nps-portland-calls", "portland"
    )
    _login(client, "nps.analyst")


@needs_data
def test_page_answers_at_once_then_the_fragment_brings_the_forecast(
    world: dict[str, Any],
    portland_slice: Path,  # noqa: F811
    client: Client,
) -> None:
    _portland_signed_in(world, portland_slice, client)
    params = {"collection": "nps-portland-calls", "method": "naive", "cell": "600"}
    shell = client.get("/policing/hotspots/", params)
    assert shell.status_code == 200
    html = shell.content.decode()
    assert 'id="forecast-progress"' in html and "<progress>" in html
    assert 'hx-get="/policing/hotspots/?' in html and "part=1" in html
    assert 'id="ranked-cells"' not in html  # nothing computed yet
    assert not AuditEvent.objects.filter(action="incidents.forecast").exists()
    assert "web/basemap.js" in html and "onclick" not in html
    assert codes_shown(html) == []  # methods by label ("Self-exciting…"), not "etas"

    fragment = client.get("/policing/hotspots/", {**params, "part": "1"}).content.decode()
    assert 'id="ranked-cells"' in fragment and 'id="patrol-plan"' in fragment
    assert "<html" not in fragment
    assert 'id="few-incidents"' not in fragment
    assert codes_shown(fragment) == []
    assert "no town within 50 km" in fragment  # Portland lies far from the shipped towns

    few = client.get(
        "/policing/hotspots/", {**params, "train": "1", "horizon": "1", "part": "1"}
    ).content.decode()
    assert 'id="few-incidents"' in few

    # another agency's collection: 404 already for the page shell
    client.post("/logout/")
    _login(client, "dci.analyst")
    assert client.get("/policing/hotspots/", params).status_code == 404


@needs_data
def test_a_collection_too_short_to_forecast_is_an_answer_not_a_bad_request(
    world: dict[str, Any],
    portland_slice: Path,  # noqa: F811
    client: Client,
) -> None:
    """The page's own link (without JavaScript) for a collection that cannot be forecast says
    why, as the fragment does, with 200: the request was sound, the data is too short."""
    _portland_signed_in(world, portland_slice, client)
    params = {"collection": "nps-portland-calls", "horizon": "300", "sync": "1"}
    response = client.get("/policing/hotspots/", params)
    assert response.status_code == 200
    assert "a forecast needs at least 300 days" in response.content.decode()
    bad = client.get("/policing/hotspots/", {**params, "horizon": "nan"})
    assert bad.status_code == 400  # a malformed parameter still is a bad request
