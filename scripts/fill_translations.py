"""Fill the Swahili catalogue from scripts/translations_sw.py and report what is missing.

Usage: python scripts/fill_translations.py  (after `make messages` has refreshed the .po)
Exits non-zero if any message has no Swahili text, so a new UI string can't ship untranslated.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from translations_sw import PLURALS, SW

PO = Path(__file__).resolve().parents[1] / "src/usalama/locale/sw/LC_MESSAGES/django.po"
ENTRY = re.compile(
    r'(?P<head>(?:#.*\n)*)msgid (?P<id>(?:".*"\n)+)(?:msgid_plural (?P<plural>(?:".*"\n)+))?'
    r'(?P<str>(?:msgstr(?:\[\d\])? (?:".*"\n)+)+)'
)


def _text(block: str) -> str:
    return "".join(re.findall(r'"(.*)"', block))


def _quote(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'


def main() -> int:
    source = PO.read_text()
    missing: list[str] = []

    def fill(match: re.Match[str]) -> str:
        msgid = _text(match["id"]).replace('\\"', '"')
        if not msgid:
            return match.group(0)
        # A filled entry is no longer fuzzy, and compilemessages skips fuzzy entries.
        head = re.sub(r"^#\| .*\n", "", match["head"], flags=re.MULTILINE)
        head = head.replace("#, fuzzy\n", "").replace("#, fuzzy, ", "#, ")
        if match["plural"]:
            forms = PLURALS.get(msgid)
            if forms is None:
                missing.append(msgid)
                return match.group(0)
            return (
                f"{head}msgid {match['id']}msgid_plural {match['plural']}"
                f"msgstr[0] {_quote(forms[0])}\nmsgstr[1] {_quote(forms[1])}\n"
            )
        if msgid not in SW:
            missing.append(msgid)
            return match.group(0)
        return f"{head}msgid {match['id']}msgstr {_quote(SW[msgid])}\n"

    filled = ENTRY.sub(fill, source)
    filled = filled.replace(
        '"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;\\n"',
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"',
    )
    filled = filled.replace('"Language: \\n"', '"Language: sw\\n"')
    PO.write_text(filled)
    for msgid in missing:
        print(f"untranslated: {msgid!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
