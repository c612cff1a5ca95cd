"""Every UI string ships in Swahili: the catalogue has no empty or fuzzy entry."""

from __future__ import annotations

import re

from tests.shared_data import PROJECT_ROOT

PO = PROJECT_ROOT / "src/usalama/locale/sw/LC_MESSAGES/django.po"


def test_swahili_catalogue_is_complete() -> None:
    text = PO.read_text()
    entries = re.findall(
        r'msgid ((?:".*"\n)+)(?:msgid_plural (?:".*"\n)+)?((?:msgstr(?:\[\d\])? (?:".*"\n)+)+)',
        text,
    )
    assert len(entries) > 100
    untranslated = [
        "".join(re.findall(r'"(.*)"', msgid))
        for msgid, msgstrs in entries
        if "".join(re.findall(r'"(.*)"', msgid))
        and any(
            not "".join(re.findall(r'"(.*)"', block))
            for block in re.split(r"msgstr(?:\[\d\])? ", msgstrs)[1:]
        )
    ]
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    assert "#, fuzzy" not in text.split("msgid", 2)[2]
