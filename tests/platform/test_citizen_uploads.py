"""Findings 3 and 4 (issue #20): uploads are bounded on every path before they are read, and
hostile files (an XLSX compression bomb, a malformed multipart body) get a clear 4xx."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import Client

from tests.platform.intake_helpers import configure
from usalama.core.errors import TooLarge
from usalama.intake.models import Attachment, Report, Tip
from usalama.intake.photos import MAX_PHOTO_BYTES

pytestmark = pytest.mark.django_db


def _token(client: Client) -> str:
    page = client.get("/report/?lang=en")
    return re.search(rb'name="form_token" value="([^"]+)"', page.content)[1].decode()  # type: ignore[index]


def _form(client: Client, **extra: Any) -> dict[str, Any]:
    return {
        "form_token": _token(client),
        "lang": "en",
        "category": "robbery",
        "description": "Two men robbed a kiosk",
        "identity": "anonymous",
        **extra,
    }


def test_the_report_form_refuses_three_big_photos_before_reading_them(
    db: Any, settings: Any
) -> None:
    configure(settings)
    client = Client()
    big = [io.BytesIO(b"\xff\xd8" + b"\0" * (6 * 1024 * 1024)) for _ in range(3)]  # 3 × 6 MB
    for i, photo in enumerate(big):
        photo.name = f"p{i}.jpg"
    response = client.post("/report/", _form(client, photos=big))
    assert response.status_code == 413
    assert "at most 3 photos" in response.content.decode()
    assert Tip.objects.count() == 0 and Attachment.objects.count() == 0


def test_one_photo_over_its_own_limit_is_a_clear_form_error(db: Any, settings: Any) -> None:
    configure(settings)
    client = Client()
    photo = io.BytesIO(b"\xff\xd8" + b"\0" * (MAX_PHOTO_BYTES + 10))
    photo.name = "big.jpg"
    response = client.post("/report/", _form(client, photos=[photo]))
    assert response.status_code == 400
    assert "Each photo may be at most 5.0" in response.content.decode()
    assert Tip.objects.count() == 0


def test_the_public_api_refuses_an_oversized_body_by_its_declared_length(
    db: Any, settings: Any
) -> None:
    configure(settings)
    response = Client().post(
        "/api/v1/public/tips",
        b"{}",
        content_type="application/json",
        CONTENT_LENGTH=str(64 * 1024 * 1024),
    )
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    assert Tip.objects.count() == 0 and Report.objects.count() == 0


def test_any_other_path_is_bounded_too(world: Any, settings: Any) -> None:
    settings.USALAMA_MAX_UPLOAD_BYTES = 1000
    response = Client().post(
        "/login/", b"x", content_type="text/plain", CONTENT_LENGTH=str(5 * 1024 * 1024)
    )
    assert response.status_code == 413
    assert "larger than the limit" in response.content.decode()


def test_a_malformed_multipart_body_on_the_import_api_is_400(world: Any, token_for: Any) -> None:
    from usalama.records.models import Collection

    collection = Collection.objects.get(key="nps-incidents")
    auth = {"HTTP_AUTHORIZATION": "Bearer " + token_for("nps.analyst")}
    broken = (
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\nid,name\r\n1,x"  # never closed
    )
    for content_type in ("multipart/form-data; boundary=B", "multipart/form-data"):
        response = Client().post(
            f"/api/v1/collections/{collection.pk}/imports",
            broken,
            content_type=content_type,
            **auth,
        )
        assert response.status_code in (400, 422), response.content
        assert response.json()["code"] in {"bad_request", "invalid_input"}
    # no boundary at all: the parser itself fails (this was a 500)
    assert response.status_code == 400 and "malformed multipart" in response.json()["message"]


def test_an_xlsx_bomb_is_refused_before_the_reader_opens_it(world: Any, tmp_path: Path) -> None:
    from usalama.records.imports import import_file
    from usalama.records.models import Statement

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name"])
    base = tmp_path / "base.xlsx"
    book.save(base)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(base) as old, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                new.writestr(item, old.read(item))
        cells = b"<row><c t='inlineStr'><is><t>a</t></is></c></row>" * 600_000
        new.writestr(
            "xl/worksheets/sheet1.xml",
            b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData>' + cells + b"</sheetData></worksheet>",
        )
    mapping = tmp_path / "m.yml"
    mapping.write_text(
        "entities:\n  p:\n    schema: Person\n    keys: [name]\n"
        "    properties:\n      name: {column: name}\n"
    )
    before = Statement.objects.count()
    with pytest.raises(TooLarge, match="the limit is"):
        import_file(world["users"]["nps.analyst"], bomb, "bomb", mapping=mapping)
    assert Statement.objects.count() == before
