"""Issue #13, defect 6: the report form keeps what was typed when "Show wards" is pressed, and
"Stay anonymous" means the contact fields are hidden (CSS, no JavaScript) and ignored."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.platform.intake_helpers import configure
from usalama.intake.models import Report, Tip

pytestmark = pytest.mark.django_db
TYPED = "Watu watatu walivunja duka la dawa usiku wa manane"


def _token(client: Client) -> str:
    page = client.get("/report/?lang=sw")
    return re.search(rb'name="form_token" value="([^"]+)"', page.content)[1].decode()  # type: ignore[index]


def test_show_wards_keeps_what_was_typed(settings: Any) -> None:
    configure(settings)
    client = Client()
    response = client.post(
        "/report/",
        {
            "form_token": _token(client),
            "lang": "sw",
            "county": "Mombasa",
            "show_wards": "1",
            "category": "breakings",
            "description": TYPED,
            "location_text": "Soko la Kongowea",
            "identity": "contact",
            "contact_name": "Amina",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert TYPED in body and "Soko la Kongowea" in body and 'value="Amina"' in body
    assert 'value="breakings" selected' in body
    assert re.search(r'value="contact"[^>]*checked', body)
    assert "Changamwe|Kipevu" in body  # the ward list of the chosen county
    assert 'class="errors"' not in body  # nothing was checked yet
    assert Tip.objects.count() == 0 and Report.objects.count() == 0


def test_the_anonymous_choice_ignores_contact_fields(settings: Any) -> None:
    configure(settings)
    client = Client()
    response = client.post(
        "/report/",
        {
            "form_token": _token(client),
            "lang": "en",
            "category": "robbery",
            "description": TYPED,
            "identity": "anonymous",
            "contact_name": "Amina Said",
            "contact_phone": "0712 345 678",
            "contact_email": "not an email",
        },
    )
    assert response.status_code == 201, response.content.decode()[:2000]
    assert Tip.objects.count() == 1 and Report.objects.count() == 0
    assert "Amina" not in str(Tip.objects.values().get())


def test_the_contact_fields_are_hidden_by_css_when_anonymous() -> None:
    page = Client().get("/report/?lang=en").content.decode()
    assert 'id="contact-fields"' in page
    assert "intake/public" in page  # the stylesheet that hides them
    from django.contrib.staticfiles import finders

    css_path = finders.find("intake/public.css")
    assert css_path is not None
    css = Path(css_path).read_text(encoding="utf-8")
    assert ':has(input[value="anonymous"]:checked) .contact-fields{display:none}' in css
