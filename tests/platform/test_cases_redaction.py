"""Redaction inside the disclosure bundle's files: text by terms, images by regions, PDFs withheld.

The stored exhibit files are only read: `usalama evidence verify` still passes afterwards.
"""

from __future__ import annotations

import base64
import csv
import email
import email.policy
import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.platform.cases_helpers import add_justice
from usalama.cases import evidence, redaction
from usalama.core.errors import InvalidInput

NAME = "Wanjiru Kamau"


def _pdf(text: str) -> bytes:
    """A one-page PDF with ``text`` in Helvetica (offsets computed, so parsers accept it)."""
    stream = f"BT /F1 12 Tf 10 50 Td ({text}) Tj ET".encode()
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 100]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _jpeg_with_exif() -> bytes:
    picture = Image.new("RGB", (120, 80), (255, 255, 255))
    exif = Image.Exif()
    exif[0x013B] = NAME  # Artist
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=95, exif=exif.tobytes())
    return out.getvalue()


MAIL = (
    b"From: Wanjiru Kamau <wk@example.org>\r\nTo: dci@example.org\r\nSubject: statement\r\n"
    b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\n"
) + base64.encodebytes(b"I, WANJIRU  kamau, saw the car.\n")


# --- the pure functions -----------------------------------------------------------------------


def test_terms_match_case_accents_and_spacing_and_are_counted() -> None:
    terms = redaction.Terms(["Wanjiru Kamau", "  "])
    text, count = terms.redact("Seen by WANJIRŪ\n kamau; wanjiru-Kamau called twice.")
    assert text == "Seen by [REDACTED]; [REDACTED] called twice." and count == 2
    assert not terms.found_in(text)
    assert redaction.Terms([]).redact("Wanjiru") == ("Wanjiru", 0)


def test_regions_are_parsed_and_bad_lines_named() -> None:
    boxes = redaction.parse_boxes("\nP-1 | my photo.jpg | 10, 5, 60, 40\n")
    assert boxes == [("P-1", "my photo.jpg", redaction.Box(10, 5, 60, 40))]
    with pytest.raises(InvalidInput, match="line 2"):
        redaction.parse_boxes("P-1 | a.png | 1,1,2,2\nP-1 | a.png | 5,5,2,2")
    with pytest.raises(InvalidInput, match="line 1"):
        redaction.parse_boxes("P-1 a.png 1,1,2,2")


def test_json_and_mail_are_redacted_after_decoding() -> None:
    terms = redaction.Terms([NAME])
    data = b'{"witness": "Wanjiru Kamau", "amount": 5000, "Wanjiru Kamau": [1]}'
    outcome = redaction.redact_file("w.json", data, terms, [])
    assert outcome.disclosed == "redacted" and outcome.counts == {"terms": 2}
    assert b"Wanjiru" not in (outcome.content or b"")
    mail = redaction.redact_file("statement.eml", MAIL, terms, [])
    assert mail.disclosed == "redacted" and mail.counts["terms"] == 2
    parsed = email.message_from_bytes(mail.content or b"", policy=email.policy.default)
    assert str(parsed["From"]) == "REDACTED <wk@example.org>"
    assert "[REDACTED], saw the car" in parsed.get_content()  # type: ignore[attr-defined]


def test_html_hiding_a_term_in_entities_is_withheld() -> None:
    outcome = redaction.redact_file(
        "page.html", b"<p>Wanj&#105;ru Kamau</p>", redaction.Terms([NAME]), []
    )
    assert outcome.disclosed == "withheld" and outcome.content is None and outcome.reason


def test_pdf_with_a_term_is_withheld_and_without_is_kept() -> None:
    terms = redaction.Terms([NAME])
    withheld = redaction.redact_file("s.pdf", _pdf("Statement of Wanjiru Kamau"), terms, [])
    assert withheld.disclosed == "withheld" and "PDF" in withheld.reason
    kept = redaction.redact_file("s.pdf", _pdf("Statement of the officer"), terms, [])
    assert kept.disclosed == "unchanged" and kept.content == _pdf("Statement of the officer")


# --- the bundle -------------------------------------------------------------------------------


@pytest.fixture
def digital(world: dict[str, Any], settings: Any, tmp_path: Path) -> dict[str, Any]:
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    add_justice(world)
    world["files"] = {
        "mpesa.csv": f"date,sender,amount\n2026-01-02,{NAME.upper()},5000\n".encode(),
        "scene.jpg": _jpeg_with_exif(),
        "statement.pdf": _pdf("Statement of Wanjiru Kamau"),
        "notes.txt": b"nothing to hide\n",
    }
    world["exhibit"] = evidence.add_exhibit(
        world["users"]["dci.analyst"],
        world["case"],
        number="EX-9",
        kind="digital",
        description=f"Phone dump given by {NAME}",
        files=list(world["files"].items()),
    )
    return world


@pytest.mark.django_db
def test_the_bundle_redacts_inside_files_and_leaves_the_exhibit_intact(
    digital: dict[str, Any],
) -> None:
    case, analyst = digital["case"], digital["users"]["dci.analyst"]
    bundle = evidence.build_disclosure(
        analyst,
        case,
        redact=[NAME],
        regions=redaction.parse_boxes("EX-9 | scene.jpg | 10,20,50,60"),
    )
    raw = (evidence.evidence_dir() / bundle.stored_path).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == bundle.sha256
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    # the term is nowhere: not in the ZIP's bytes, not in any member once inflated
    for blob in [raw, *members.values()]:
        assert b"wanjiru" not in blob.lower() and b"kamau" not in blob.lower()
    assert b"[REDACTED]" in members["files/EX-9/mpesa.csv"]
    assert "files/EX-9/statement.pdf" not in members  # withheld, listed in the index
    assert members["files/EX-9/notes.txt"] == b"nothing to hide\n"
    picture = Image.open(io.BytesIO(members["files/EX-9/scene.jpg"]))
    assert picture.getpixel((30, 40)) == pytest.approx((0, 0, 0), abs=8)
    assert picture.getpixel((100, 70)) == pytest.approx((255, 255, 255), abs=8)
    assert "exif" not in picture.info and not picture.getexif()
    index = {
        row["file"]: row
        for row in csv.DictReader(io.StringIO(members["index.csv"].decode("utf-8")))
    }
    originals = digital["files"]
    for name, row in index.items():
        assert row["original_sha256"] == hashlib.sha256(originals[name]).hexdigest()
        member = members.get(f"files/EX-9/{name}")
        assert row["disclosed_sha256"] == (hashlib.sha256(member).hexdigest() if member else "")
    assert index["mpesa.csv"]["disclosed"] == "redacted"
    assert index["mpesa.csv"]["redactions"] == "1 term occurrence(s) replaced"
    assert index["scene.jpg"]["redactions"] == "1 region(s) blacked out; metadata removed"
    assert index["statement.pdf"]["disclosed"] == "withheld"
    assert "PDF" in index["statement.pdf"]["withheld_reason"]
    assert index["notes.txt"]["disclosed"] == "unchanged"
    # the stored exhibit is untouched and its chain still verifies
    for stored in digital["exhibit"].files.all():
        assert (evidence.evidence_dir() / stored.stored_path).read_bytes() == originals[stored.name]
    assert evidence.verify_case(case.reference).ok


@pytest.mark.django_db
def test_regions_naming_an_unknown_file_or_a_non_image_are_refused(
    digital: dict[str, Any],
) -> None:
    from usalama.cases.models import DisclosureBundle

    case, analyst = digital["case"], digital["users"]["dci.analyst"]
    for line, message in (
        ("EX-404 | scene.jpg | 1,1,5,5", "no exhibit"),
        ("EX-9 | other.jpg | 1,1,5,5", "no file"),
        ("EX-9 | mpesa.csv | 1,1,5,5", "not a JPEG or PNG"),
        ("EX-9 | scene.jpg | 500,500,600,600", "outside"),
    ):
        with pytest.raises(InvalidInput, match=message):
            evidence.build_disclosure(analyst, case, regions=redaction.parse_boxes(line))
    assert not DisclosureBundle.objects.filter(case=case).exists()
    assert not (evidence.evidence_dir() / "disclosures").exists()
