"""Communications pages: cell sites into an owned collection only, analysis of visible
records only (another agency's collection is 404), the planted meeting on the page."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.platform.web_login import sign_in

pytestmark = pytest.mark.django_db

CDR = (
    "a_number,b_number,start_time,duration_s,type,direction,cell_id,imei,imsi\n"
    "0711000001,0711000002,2026-03-01T10:02:00+03:00,60,voice,out,639-02-1-1,35001,63902001\n"
    "0711000002,0711000001,2026-03-01T10:03:00+03:00,60,voice,in,639-02-1-2,35002,63902002\n"
    "0711000001,0711000003,2026-03-01T13:00:00+03:00,30,voice,out,639-02-1-3,35001,63902009\n"
    "0711000003,0711000001,2026-03-01T10:04:00+03:00,30,sms,in,639-02-1-3,35003,63902003\n"
)
CELLS = (
    "cell_id,lat,lon,azimuth,beam_width,name\n"
    "639-2-1-1,-4.0435,39.6682,120,65,Likoni A\n"
    "639-2-1-2,-4.0410,39.6682,240,65,Likoni B\n"
    "639-2-1-3,-4.0800,39.7000,0,65,Far away\n"
)


def _load(world: Any, tmp_path: Path) -> int:
    from usalama.comms.services import import_cells
    from usalama.records.imports import import_file

    path = tmp_path / "cdr.csv"
    path.write_text(CDR, encoding="utf-8")
    import_file(world["users"]["nps.analyst"], path, "op-likoni", fmt="cdr")
    cells = tmp_path / "cells.csv"
    cells.write_text(CELLS, encoding="utf-8")
    collection = world["users"]["nps.analyst"].agency.collections.get(key="op-likoni")
    assert import_cells(world["users"]["nps.analyst"], collection.pk, cells, "cells.csv") == 3
    return int(collection.pk)


def _client(world: Any, username: str) -> Client:
    client = Client()
    sign_in(client, world["users"][username])
    return client


def test_analysis_page_shows_the_meeting_and_handset_change(world: Any, tmp_path: Path) -> None:
    from usalama.audit.models import AuditEvent

    collection_id = _load(world, tmp_path)
    client = _client(world, "nps.analyst")
    index = client.get("/comms/")
    assert index.status_code == 200 and b"op-likoni" in index.content
    page = client.get(f"/comms/{collection_id}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "+254711000001" in text and "+254711000002" in text
    assert 'id="comms-map-data"' in text and "Likoni A" in text
    assert "35001" not in text.split('id="comms-handsets"')[0]  # handsets table below the map
    assert "63902009" in text  # one handset, two SIMs
    data = page.context["a"]
    assert [(m["a"], m["b"], m["meetings"]) for m in data.meetings] == [
        ("+254711000001", "+254711000002", 1)
    ]
    assert len(data.map_data["meetings"]) == 1
    assert AuditEvent.objects.filter(action="comms.analysis").exists()
    bad = client.get(f"/comms/{collection_id}/", {"window": "0"})
    assert bad.status_code == 400


def test_another_agencys_collection_is_not_found(world: Any, tmp_path: Path) -> None:
    collection_id = _load(world, tmp_path)
    client = _client(world, "dci.analyst")
    assert client.get(f"/comms/{collection_id}/").status_code == 404
    upload = io.BytesIO(CELLS.encode())
    upload.name = "cells.csv"
    answer = client.post("/comms/cells", {"collection": str(collection_id), "file": upload})
    assert answer.status_code == 404


def test_cells_upload_and_bad_cells(world: Any, tmp_path: Path) -> None:
    from usalama.comms.models import CellSite

    collection_id = _load(world, tmp_path)
    client = _client(world, "nps.analyst")
    upload = io.BytesIO(b"cell_id,lat,lon\n639-2-1-9,-4.0,39.6\n639-2-1-10,north,39.6\n")
    upload.name = "cells.csv"
    answer = client.post("/comms/cells", {"collection": str(collection_id), "file": upload})
    assert answer.status_code == 422
    assert b"line 3" in answer.content
    assert not CellSite.objects.filter(cell="639-2-1-9").exists()  # nothing half-written
    good = io.BytesIO(b"cell_id,lat,lon\n639-2-1-9,-4.0,39.6\n")
    good.name = "cells.csv"
    answer = client.post("/comms/cells", {"collection": str(collection_id), "file": good})
    assert answer.status_code == 302 and CellSite.objects.filter(cell="639-2-1-9").exists()
