"""Defect 10: labels, not codes. Pages are rendered in English and Swahili and their visible
text (not attributes, scripts or styles) is searched for internal codes; every code in the
label registry must have a Swahili label."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from tests.platform.test_administration import PASSWORD, log_in
from tests.platform.test_ledger import demo  # noqa: F401 - the demo ledger fixture
from usalama.money.models import Account, Alert
from usalama.web.templatetags.labels import LABELS, country, label

pytestmark = pytest.mark.django_db

# Codes that are never English words: none may appear in a page's visible text.
CODES = [
    "scatter_gather",
    "gather_scatter",
    "split_payments",
    "fan_in",
    "fan_out",
    "rapid_pass_through",
    "peel_chain",
    "structuring",
    "mobile_money",
    "haircut",
    "fifo",
    "poison",
    "etas",
    "kde",
    "pagerank",
    "betweenness",
    "cash:",
    "1 Links",
    # the link chart's link types
    "same_phone",
    "same_id",
    "same_account",
    "same_registration_number",
    "UnknownLink",
    "CourtCaseParty",
]
# Codes that are also English words: checked where they used to appear (select options,
# the trace's header and its channel list).
WORD_CODES = ["forward", "backward", "best", "naive", "seed", "bank", "crypto", "degree"]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.options: list[str] = []
        self._skip = 0
        self._in_option = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "svg"}:
            self._skip += 1
        self._in_option = tag == "option"

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "svg"}:
            self._skip = max(0, self._skip - 1)
        if tag == "option":
            self._in_option = False

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.parts.append(data)
        if self._in_option:
            self.options.append(data.strip())


def visible(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def codes_shown(html: str) -> list[str]:
    text = visible(html)
    joined = " ".join(text.parts)
    found = [c for c in CODES if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", joined)]
    found += [o for o in text.options if o in WORD_CODES or o in CODES]
    return found


def test_the_checker_finds_codes() -> None:
    html = "<p>structuring · scatter_gather</p><select><option value='etas'>etas</option></select>"
    assert codes_shown(html) == ["scatter_gather", "structuring", "etas", "etas"]
    assert codes_shown("<option value='etas'>Self-exciting</option><p title='kde'>x</p>") == []


def test_every_code_has_a_swahili_label() -> None:
    untranslated = []
    for code, english in LABELS.items():
        with translation.override("en"):
            en = str(english)
        with translation.override("sw"):
            sw = str(label(code))
        if en == sw and en not in {"Bank"}:
            untranslated.append(code)
    assert untranslated == []
    assert country("ke") == "Kenya"


def test_collections_get_human_names() -> None:
    from usalama.policing.services import human_label

    assert human_label("nps-portland-calls", "NPS") == "NPS Portland calls for service"
    assert human_label("dci-nairobi-incidents", "DCI") == "DCI Nairobi incidents"


def _log_in_frc(client: Client) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from usalama.accounts.models import User

    user = User.objects.get(username="frc.analyst")
    user.set_password(PASSWORD)
    user.save()
    if not TOTPDevice.objects.filter(user=user).exists():
        TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    log_in(client, "frc.analyst")


@pytest.mark.parametrize("language", ["en", "sw"])
def test_pages_show_labels_not_codes(
    client: Client,
    demo: dict[str, Any],  # noqa: F811
    language: str,
) -> None:
    from usalama.accounts.models import User
    from usalama.money import services

    services.scan(User.objects.get(username="frc.analyst"), demo["collection"])
    _log_in_frc(client)
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    scenario = demo["world"].scenarios["layering"]
    source = Account.objects.get(
        collection=demo["collection"], entity_id=scenario["source_account"]
    )
    alert = Alert.objects.filter(collection=demo["collection"]).first()
    assert alert is not None
    cash = Account.objects.filter(collection=demo["collection"], identifier__startswith="cash:")
    pages = [
        "/money/alerts/",
        f"/money/alerts/{alert.pk}/",
        f"/money/accounts/{source.pk}/",
        f"/money/trace/?account={source.pk}&direction=forward&model=haircut&hops=5",
        f"/money/trace/?account={source.pk}&direction=backward&model=fifo&hops=3",
        "/network/",
    ]
    if cash.exists():
        pages.append(f"/money/accounts/{cash.first().pk}/")  # type: ignore[union-attr]
    shown: dict[str, list[str]] = {}
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert f'lang="{language}"' in html
        found = codes_shown(html)
        if found:
            shown[path] = found
    assert shown == {}
    trace = client.get(pages[3]).content.decode()
    channels = re.search(r'id="channels">([^<]*)<', trace)
    assert channels is not None and "mobile_money" not in channels.group(1)


def test_every_link_type_has_a_label_in_both_languages() -> None:
    from usalama.network import building
    from usalama.network.views import relation_label

    codes = {*building.edge_endpoints(), *building.IDENTIFIER_RELATIONS.values()}
    with translation.override("en"):
        english = {code: relation_label(code) for code in codes}
    with translation.override("sw"):
        swahili = {code: relation_label(code) for code in codes}
    assert english["UnknownLink"] == "Other link" and english["same_phone"] == "Same phone number"
    assert [c for c in codes if "_" in english[c] or english[c] == swahili[c]] == []
