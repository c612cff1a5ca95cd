"""Redaction inside the files of a disclosure bundle (pure functions: bytes in, bytes out).

* Text-like files (``.txt``, ``.csv``, ``.json``, ``.html``/``.htm``, ``.eml``): every
  redaction term is found case-insensitively and normalised like names (accents folded,
  any run of spaces or punctuation between its words) and replaced with ``MARK``. JSON is
  redacted value by value and written back; an e-mail's headers and text parts are redacted
  after decoding (quoted-printable, base64, RFC 2047), then re-encoded.
* Images (JPEG, PNG): the rectangles given for the file are filled black, the picture is
  re-encoded from its pixels (EXIF, GPS and text chunks are gone; EXIF orientation applied
  first so rectangles are in the picture as seen).
* PDFs: a PDF's text cannot be removed reliably (glyphs, fonts and content streams), so a PDF
  that contains a term, or has no text to check while terms are given, is **withheld**.
* Anything else is included unchanged unless its bytes contain a term: then it is withheld.

Every redacted output is checked again (decoded as a reader would see it) and withheld if a
term is still found, so a format this module reads wrongly fails closed. ``Outcome`` keeps
counts, never the redacted values.
"""

from __future__ import annotations

import email
import email.policy
import html
import io
import json
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageOps, UnidentifiedImageError

from usalama.core.errors import InvalidInput
from usalama.core.text import fold, tokens

MARK = "[REDACTED]"
HEADER_MARK = "REDACTED"  # in e-mail headers: brackets would break an address's display name
TEXT_SUFFIXES = frozenset({".txt", ".csv", ".json", ".html", ".htm", ".eml"})
IMAGE_FORMATS = {"JPEG": "JPEG", "PNG": "PNG"}
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png"})
MAX_PIXELS = 80_000_000


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels: left and top included, right and bottom excluded."""

    left: int
    top: int
    right: int
    bottom: int


@dataclass
class Outcome:
    content: bytes | None  # None: withheld
    disclosed: str  # "unchanged", "redacted" or "withheld"
    counts: dict[str, int] = field(default_factory=dict)
    reason: str = ""

    def summary(self) -> str:
        parts = []
        if self.counts.get("terms"):
            parts.append(f"{self.counts['terms']} term occurrence(s) replaced")
        if self.counts.get("boxes"):
            parts.append(f"{self.counts['boxes']} region(s) blacked out")
        if self.counts.get("metadata"):
            parts.append("metadata removed")
        return "; ".join(parts)


class Terms:
    """Redaction terms as one pattern over folded text (longest first, overlaps merged)."""

    def __init__(self, terms: list[str]) -> None:
        alternatives = set()
        for term in terms:
            words = tokens(term)
            if words:
                alternatives.add(r"[^0-9a-z]+".join(re.escape(word) for word in words))
        ordered = sorted(alternatives, key=len, reverse=True)
        self.pattern = re.compile("|".join(ordered)) if ordered else None

    def __bool__(self) -> bool:
        return self.pattern is not None

    def redact(self, text: str, mark: str = MARK) -> tuple[str, int]:
        """``text`` with every occurrence replaced by ``mark``, and how many there were."""
        if self.pattern is None or not text:
            return text, 0
        folded, origin = _fold_with_origin(text)
        spans = [
            (origin[match.start()], origin[match.end() - 1] + 1)
            for match in self.pattern.finditer(folded)
            if match.end() > match.start()
        ]
        if not spans:
            return text, 0
        pieces = []
        position = 0
        for start, end in spans:
            if start < position:  # two matches inside one original character
                continue
            pieces.append(text[position:start])
            pieces.append(mark)
            position = end
        pieces.append(text[position:])
        return "".join(pieces), len(spans)

    def found_in(self, text: str) -> bool:
        if self.pattern is None:
            return False
        cleared = text.replace(MARK, " ").replace(HEADER_MARK, " ")
        return self.pattern.search(fold(cleared)) is not None


def _fold_with_origin(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each folded character the index of its original one."""
    folded: list[str] = []
    origin: list[int] = []
    for index, character in enumerate(text):
        for piece in fold(character):
            folded.append(piece)
            origin.append(index)
    return "".join(folded), origin


# --- rectangles -------------------------------------------------------------------------------

_BOX_LINE = re.compile(r"^(?P<exhibit>[^|]+)\|(?P<file>[^|]+)\|(?P<box>[^|]+)$")


def parse_boxes(text: str) -> list[tuple[str, str, Box]]:
    """``EXHIBIT | FILE | left,top,right,bottom`` a line; errors name the line."""
    boxes = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        found = _BOX_LINE.match(line.strip())
        values = found["box"].split(",") if found else []
        if not found or len(values) != 4:
            raise InvalidInput(
                _("regions, line %(line)d: expected EXHIBIT | FILE | left,top,right,bottom")
                % {"line": number}
            )
        try:
            left, top, right, bottom = (int(value.strip()) for value in values)
        except ValueError:
            raise InvalidInput(
                _("regions, line %(line)d: the coordinates must be whole pixels") % {"line": number}
            ) from None
        if min(left, top) < 0 or right <= left or bottom <= top:
            raise InvalidInput(
                _("regions, line %(line)d: expected 0 ≤ left < right and 0 ≤ top < bottom")
                % {"line": number}
            )
        boxes.append(
            (found["exhibit"].strip(), found["file"].strip(), Box(left, top, right, bottom))
        )
    return boxes


def is_image_name(name: str) -> bool:
    return PurePath(name).suffix.lower() in IMAGE_SUFFIXES


# --- per format -------------------------------------------------------------------------------


def _decode(content: bytes) -> str | None:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(content).best()
    return str(best) if best is not None else None


def _withheld(reason: str) -> Outcome:
    return Outcome(None, "withheld", {}, reason)


def _redact_json(value: Any, terms: Terms) -> tuple[Any, int]:
    if isinstance(value, str):
        return terms.redact(value)
    if isinstance(value, list):
        total = 0
        items = []
        for item in value:
            new, count = _redact_json(item, terms)
            items.append(new)
            total += count
        return items, total
    if isinstance(value, dict):
        total = 0
        mapping = {}
        for key, item in value.items():
            new_key, key_count = terms.redact(str(key))
            new, count = _redact_json(item, terms)
            mapping[new_key] = new
            total += key_count + count
        return mapping, total
    return value, 0


def _redact_text_file(suffix: str, content: bytes, terms: Terms) -> Outcome:
    text = _decode(content)
    if text is None:
        return _withheld(_("the text's encoding could not be read, so it cannot be redacted"))
    if suffix == ".json":
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if parsed is not None:
            redacted, count = _redact_json(parsed, terms)
            if not count:
                return Outcome(content, "unchanged")
            out = json.dumps(redacted, ensure_ascii=False, indent=2)
            return _checked(out.encode("utf-8"), count, lambda: out, terms)
    new, count = terms.redact(text)
    # entities (&#105;) can hide a term from the raw text of a page
    if suffix in {".html", ".htm"} and terms.found_in(html.unescape(new)):
        return _withheld(_("the HTML hides a redaction term in character references"))
    if not count:
        return Outcome(content, "unchanged")
    data = new.encode("utf-8")
    seen = html.unescape(new) if suffix in {".html", ".htm"} else new
    return _checked(data, count, lambda: seen, terms)


def _checked(data: bytes, count: int, view: Any, terms: Terms) -> Outcome:
    if terms.found_in(view()):
        return _withheld(_("a redaction term was still found after redaction"))
    return Outcome(data, "redacted", {"terms": count})


def _mail_views(message: EmailMessage) -> list[str]:
    views = [str(value) for _name, value in message.items()]
    for part in message.walk():
        if part is not message:
            views.extend(str(value) for _name, value in part.items())
        if part.is_multipart():
            continue
        if part.get_content_maintype() == "text":
            views.append(str(part.get_content()))
        else:
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                views.append(payload.decode("latin-1"))
    return views


def _redact_mail(content: bytes, terms: Terms) -> Outcome:
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    total = 0
    for part in list(message.walk()):
        if part.is_multipart():
            continue
        if part.get_content_maintype() == "text":
            body = part.get_content()
            new, count = terms.redact(body)
            if count:
                total += count
                part.set_content(
                    new,
                    subtype=part.get_content_subtype(),
                    charset="utf-8",
                    cte="quoted-printable",
                    disposition=part.get_content_disposition(),
                    filename=part.get_filename(),
                )
        else:
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and terms.found_in(payload.decode("latin-1")):
                return _withheld(
                    _("an attachment of type %(type)s contains a redaction term")
                    % {"type": part.get_content_type()}
                )
    for part in message.walk():
        items = list(part.items())
        redacted = [(name, *terms.redact(str(value), HEADER_MARK)) for name, value in items]
        if any(count for _name, _value, count in redacted):
            for name in {name for name, _value in items}:
                del part[name]
            for name, value, count in redacted:
                total += count
                part[name] = value
    if not total:
        return Outcome(content, "unchanged")
    data = message.as_bytes(policy=email.policy.default)
    again = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(again, EmailMessage)
    if any(terms.found_in(view) for view in _mail_views(again)):
        return _withheld(_("a redaction term was still found after redaction"))
    return Outcome(data, "redacted", {"terms": total})


def _redact_image(content: bytes, boxes: list[Box]) -> Outcome:
    try:
        with Image.open(io.BytesIO(content)) as opened:
            kind = opened.format or ""
            if kind not in IMAGE_FORMATS:
                return _withheld(_("not a JPEG or PNG image, so it cannot be redacted"))
            if opened.width * opened.height > MAX_PIXELS:
                return _withheld(_("the image is too large to redact"))
            picture = ImageOps.exif_transpose(opened)
            picture.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        return _withheld(_("the image could not be read, so it cannot be redacted"))
    wanted = "RGB" if kind == "JPEG" or "A" not in picture.getbands() else "RGBA"
    if picture.mode not in ("L", wanted) or (kind == "JPEG" and picture.mode not in ("L", "RGB")):
        picture = picture.convert(wanted)
    drawn = 0
    if boxes:
        draw = ImageDraw.Draw(picture)
        black: Any = (
            0 if picture.mode == "L" else (0, 0, 0) + ((255,) if picture.mode == "RGBA" else ())
        )
        for box in boxes:
            if box.left >= picture.width or box.top >= picture.height:
                raise InvalidInput(
                    _("regions: %(box)s lies outside the %(w)d×%(h)d picture")
                    % {
                        "box": f"{box.left},{box.top},{box.right},{box.bottom}",
                        "w": picture.width,
                        "h": picture.height,
                    }
                )
            draw.rectangle(
                (
                    box.left,
                    box.top,
                    min(box.right, picture.width) - 1,
                    min(box.bottom, picture.height) - 1,
                ),
                fill=black,
            )
            drawn += 1
    # a new image from the pixels alone: no EXIF, GPS, ICC or text chunks survive
    clean = Image.new(picture.mode, picture.size)
    clean.paste(picture)
    out = io.BytesIO()
    if kind == "JPEG":
        clean.save(out, "JPEG", quality=92)
    else:
        clean.save(out, "PNG")
    return Outcome(out.getvalue(), "redacted", {"boxes": drawn, "metadata": 1})


def _redact_pdf(content: bytes, terms: Terms) -> Outcome:
    if not terms:
        return Outcome(content, "unchanged")
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(content)) as pdf:
            texts = [page.extract_text() or "" for page in pdf.pages]
            metadata = " ".join(str(value) for value in (pdf.metadata or {}).values())
    except Exception:
        return _withheld(_("the PDF could not be read, so it cannot be checked for terms"))
    if any(terms.found_in(text) for text in [*texts, metadata]):
        return _withheld(
            _("the PDF contains a redaction term and a PDF's text cannot be removed reliably")
        )
    if not any(text.strip() for text in texts):
        return _withheld(_("the PDF has no text layer to check for the redaction terms"))
    return Outcome(content, "unchanged")


def redact_file(name: str, content: bytes, terms: Terms, boxes: list[Box]) -> Outcome:
    """The file as it may be disclosed (or withheld, with the reason)."""
    suffix = PurePath(name).suffix.lower()
    if boxes and suffix not in IMAGE_SUFFIXES:
        raise InvalidInput(_("regions: %(file)s is not a JPEG or PNG image") % {"file": name})
    if suffix in IMAGE_SUFFIXES:
        return _redact_image(content, boxes)
    if suffix == ".pdf" or content[:5] == b"%PDF-":
        return _redact_pdf(content, terms)
    if not terms:
        return Outcome(content, "unchanged")
    if suffix == ".eml":
        return _redact_mail(content, terms)
    if suffix in TEXT_SUFFIXES:
        return _redact_text_file(suffix, content, terms)
    seen = content.decode("utf-8", errors="ignore")
    if terms.found_in(seen) or terms.found_in(content.decode("latin-1")):
        return _withheld(
            _("the file contains a redaction term in a format that cannot be redacted")
        )
    return Outcome(content, "unchanged")
