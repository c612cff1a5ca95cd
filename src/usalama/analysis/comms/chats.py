"""Seized-phone chats: WhatsApp "Export chat" text, Telegram Desktop JSON, ALEAPP/iLEAPP TSV.

Every parser returns a ``ChatReport``: the messages (and, for ALEAPP, calls and contacts),
the number of system lines left out, and the problems, each naming its line (or, for JSON,
the chat and message position). Nothing is dropped silently.

WhatsApp rules (both platforms, several locales):

* a record starts with a timestamp: Android ``31/12/2021, 23:59 - Name: text``, iOS
  ``[31/12/2021, 23:59:01] Name: text``; dates day-first, month-first or year-first (the
  order is read from the file: a first part above 12 means day-first, a second part above
  12 month-first; otherwise ``date_order``), two- or four-digit years, ``/``, ``.`` or ``-``;
  24-hour or 12-hour clocks (``PM``, ``p.m.``, with a narrow no-break space or not);
* any other line continues the record above it (a multi-line message);
* media placeholders (``<Media omitted>``, ``image omitted``, ``<attached: ...>``, ``... (file
  attached)``) are messages, marked ``media``;
* the deleted-message placeholder is a message marked ``deleted``;
* system lines are not messages: the encryption notice, joins, adds, leaves, removals,
  subject/icon/description changes, security-code and number changes. Android writes them
  without ``Name:``; iOS writes them under the group's (or contact's) name with a
  left-to-right mark before the text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from usalama.analysis.comms.cdr import DEFAULT_TIMEZONE, RowProblem
from usalama.analysis.comms.phones import DEFAULT_REGION, to_e164

FORMATS = ("whatsapp", "telegram", "aleapp")
LRM = "\u200e"
OWNER = "device owner"  # the seized phone's own side in ALEAPP/iLEAPP reports
_INVISIBLE = "\u200e\u200f\ufeff\u202a\u202c"
_SPACES = "\u202f\u00a0 "

_DATE = r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}"
_TIME = r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:[\u202f\u00a0 ]?(?:[AaPp]\.?\s?[Mm]\.?))?"
_ANDROID = re.compile(rf"^(?P<date>{_DATE}),?\s(?P<time>{_TIME})\s[-–]\s(?P<rest>.*)$")
_IOS = re.compile(rf"^\[(?P<date>{_DATE}),?\s(?P<time>{_TIME})\]\s(?P<rest>.*)$")
_LOOKS_LIKE_HEADER = re.compile(rf"^\[?{_DATE},?\s\d{{1,2}}[:.]\d{{2}}")

_MEDIA = re.compile(
    r"^(?:<Media omitted>|<Medien ausgeschlossen>|<Médias omis>|<Multimedia omitido>"
    r"|(?:image|video|audio|sticker|GIF|document|Contact card) omitted"
    r"|<attached: [^>]+>|.+ \(file attached\)|.+ \(Datei angehängt\)|.+ \(fichier joint\))$",
    re.IGNORECASE,
)
_DELETED = re.compile(
    r"^(?:This message was deleted|You deleted this message|Diese Nachricht wurde gelöscht"
    r"|Du hast diese Nachricht gelöscht|Ce message a été supprimé"
    r"|Vous avez supprimé ce message)\.?$",
    re.IGNORECASE,
)
_SYSTEM = re.compile(
    r"(?:end-to-end encrypted|Ende-zu-Ende-verschlüsselt|chiffrés de bout en bout"
    r"|\badded\b|\bremoved\b|\bleft$|\bjoined using\b|\bjoined\b|\bcreated (?:the )?group\b"
    r"|\bchanged (?:the subject|this group's icon|the group description|the group name"
    r"|their phone number|to\b|the settings)|\bsecurity code\b|\bis now an admin\b"
    r"|\bdeleted this group's icon\b|\bhinzugefügt\b|\bhat die Gruppe verlassen\b"
    r"|\bhat den Betreff\b|\ba ajouté\b|\best parti\b|\bdisappearing messages\b"
    r"|\bnow an admin\b|\bMessages to this group\b)",
    re.IGNORECASE,
)


@dataclass
class ChatMessage:
    line: int
    chat: str
    sent_at: datetime
    sender: str
    sender_id: str | None
    body: str
    media: bool = False
    deleted: bool = False
    multiline: bool = False
    message_id: str | None = None
    recipients: list[str] = field(default_factory=list)
    direction: str | None = None
    service: str = "WhatsApp"


@dataclass
class CallEvent:
    line: int
    at: datetime
    number: str
    name: str | None
    direction: str | None
    duration: int | None


@dataclass
class Contact:
    line: int
    name: str
    number: str | None
    username: str | None = None


@dataclass
class ChatReport:
    format: str
    messages: list[ChatMessage] = field(default_factory=list)
    calls: list[CallEvent] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    system_lines: int = 0
    owner: Contact | None = None
    chats: list[str] = field(default_factory=list)

    @property
    def senders(self) -> set[str]:
        return {m.sender for m in self.messages}


class ChatError(ValueError):
    """The file is not an export of the named kind at all (nothing is read)."""


def parse_file(
    path: Path,
    fmt: str | None = None,
    *,
    region: str = DEFAULT_REGION,
    timezone: str = DEFAULT_TIMEZONE,
    date_order: str = "DMY",
) -> ChatReport:
    """Parse an export; ``fmt`` guessed from the name (``.txt``, ``.json``, ``.tsv``)."""
    fmt = fmt or guess_format(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ChatError(f"cannot read {path.name}: {error.strerror}") from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ChatError(f"{path.name} is not UTF-8 text (byte {error.start})") from error
    if fmt == "whatsapp":
        return parse_whatsapp(
            text, chat=_chat_name(path), region=region, timezone=timezone, date_order=date_order
        )
    if fmt == "telegram":
        return parse_telegram(text, region=region, timezone=timezone)
    if fmt == "aleapp":
        return parse_aleapp(text, region=region, timezone="UTC")
    raise ChatError(f"unknown chat format {fmt!r}; formats: {', '.join(FORMATS)}")


def guess_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return "whatsapp"
    if suffix == ".json":
        return "telegram"
    if suffix in (".tsv", ".csv"):
        return "aleapp"
    raise ChatError(
        f"cannot tell the format of {path.name}; pass --format whatsapp|telegram|aleapp"
    )


def _chat_name(path: Path) -> str:
    stem = path.stem
    for prefix in ("WhatsApp Chat with ", "WhatsApp Chat - ", "WhatsApp-Chat mit "):
        if stem.startswith(prefix):
            return stem[len(prefix) :]
    return stem


# --- WhatsApp ---------------------------------------------------------------------------


def _date_order(dates: list[str], default: str) -> str:
    order = default
    firsts_over, seconds_over = False, False
    for text in dates:
        parts = re.split(r"[./-]", text)
        if len(parts[0]) == 4:
            return "YMD"
        first, second = int(parts[0]), int(parts[1])
        firsts_over = firsts_over or first > 12
        seconds_over = seconds_over or second > 12
    if firsts_over and not seconds_over:
        return "DMY"
    if seconds_over and not firsts_over:
        return "MDY"
    return order


def _moment(date_text: str, time_text: str, order: str, zone: ZoneInfo) -> datetime:
    parts = [int(p) for p in re.split(r"[./-]", date_text)]
    if order == "YMD":
        year, month, day = parts
    elif order == "MDY":
        month, day, year = parts
    else:
        day, month, year = parts
    if year < 100:
        year += 2000
    clock = time_text
    for space in _SPACES:
        clock = clock.replace(space, "")
    meridiem = None
    lowered = clock.lower().replace(".", ":")
    if lowered.endswith(("am", "a:m:")) or lowered.endswith(("pm", "p:m:")):
        meridiem = "pm" if "p" in lowered else "am"
        lowered = re.sub(r"[ap]:?m:?$", "", lowered)
    numbers = [int(p) for p in lowered.strip(":").split(":")]
    hour, minute = numbers[0], numbers[1]
    second = numbers[2] if len(numbers) > 2 else 0
    if meridiem is not None:
        if not 1 <= hour <= 12:
            raise ValueError(f"hour {hour} on a 12-hour clock")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    local = datetime(year, month, day, hour, minute, second, tzinfo=zone)
    return local.astimezone(UTC)


def parse_whatsapp(
    text: str,
    *,
    chat: str = "",
    region: str = DEFAULT_REGION,
    timezone: str = DEFAULT_TIMEZONE,
    date_order: str = "DMY",
) -> ChatReport:
    """A WhatsApp "Export chat" text file (without media), Android or iOS layout."""
    zone = ZoneInfo(timezone)
    lines = text.splitlines()
    headers: list[tuple[int, re.Match[str], bool]] = []
    for number, line in enumerate(lines, start=1):
        clean = line.lstrip(_INVISIBLE)
        match = _IOS.match(clean) or _ANDROID.match(clean)
        if match is not None:
            headers.append((number, match, clean.startswith("[")))
    if not headers:
        raise ChatError("no line starts with a WhatsApp timestamp; this is not a chat export")
    order = _date_order([m.group("date") for _, m, _ in headers], date_order.upper())
    starts = {number: (match, ios) for number, match, ios in headers}
    report = ChatReport(format="whatsapp", chats=[chat])
    current: ChatMessage | None = None
    in_system = False
    bad_record: int | None = None
    for number, line in enumerate(lines, start=1):
        if number in starts:
            match, ios = starts[number]
            _finish(current)
            current, in_system, bad_record = None, False, None
            try:
                moment = _moment(match.group("date"), match.group("time"), order, zone)
            except ValueError as error:
                report.problems.append(
                    RowProblem(number, "timestamp", f"{match.group('date')} "
                               f"{match.group('time')} is not a date and time ({error})")
                )  # fmt: skip
                bad_record = number
                continue
            rest = match.group("rest")
            sender, body = _split_sender(rest)
            if sender is None or _is_system(sender, body, ios):
                report.system_lines += 1
                in_system = True
                continue
            clean_body = body.strip(_INVISIBLE)
            current = ChatMessage(
                line=number,
                chat=chat,
                sent_at=moment,
                sender=sender.strip(_INVISIBLE),
                sender_id=to_e164(sender.strip(_INVISIBLE), region),
                body=clean_body,
                media=bool(_MEDIA.match(clean_body)),
                deleted=bool(_DELETED.match(clean_body)),
            )
            report.messages.append(current)
            continue
        if current is not None:
            current.body += "\n" + line
            current.multiline = True
        elif in_system:
            continue  # a system line's own continuation
        elif bad_record is not None:
            report.problems.append(
                RowProblem(number, "text", f"continues line {bad_record}, which could not be read")
            )
        elif line.strip(_INVISIBLE + " "):
            if _LOOKS_LIKE_HEADER.match(line.lstrip(_INVISIBLE)):
                reason = "looks like a message but its timestamp cannot be read"
            else:
                reason = "text before the first message"
            report.problems.append(RowProblem(number, "text", reason))
    _finish(current)
    _one_to_one_recipients(report)
    return report


def _split_sender(rest: str) -> tuple[str | None, str]:
    if ": " not in rest:
        if rest.endswith(":"):
            return rest[:-1], ""
        return None, rest
    sender, body = rest.split(": ", 1)
    return sender, body


def _is_system(sender: str, body: str, ios: bool) -> bool:
    # "X changed the subject from "a: b"" was split at the colon inside the subject
    if re.search(r"\b(?:changed the subject|changed the group description)\b", sender):
        return True
    stripped = body.strip(_INVISIBLE)
    if _MEDIA.match(stripped) or _DELETED.match(stripped):
        return False
    if re.match(r"(?:Messages and calls are end-to-end encrypted|Nachrichten und Anrufe sind"
                r"|Les messages et les appels sont)", stripped):  # fmt: skip
        return True
    return ios and body.startswith(LRM) and bool(_SYSTEM.search(stripped))


def _finish(message: ChatMessage | None) -> None:
    if message is not None and message.multiline:
        message.body = message.body.rstrip("\n")
        message.multiline = "\n" in message.body


def _one_to_one_recipients(report: ChatReport) -> None:
    senders = sorted(report.senders)
    if len(senders) == 2:
        for message in report.messages:
            message.recipients = [s for s in senders if s != message.sender]


# --- Telegram ---------------------------------------------------------------------------

_TELEGRAM_MEDIA = ("photo", "file", "media_type", "sticker_emoji", "contact_information",
                   "location_information", "poll", "live_location_period_seconds")  # fmt: skip


def parse_telegram(
    text: str, *, region: str = DEFAULT_REGION, timezone: str = DEFAULT_TIMEZONE
) -> ChatReport:
    """Telegram Desktop's JSON export: one chat (``result.json`` of a chat) or a full account."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ChatError(
            f"not JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from error
    if not isinstance(data, dict):
        raise ChatError("a Telegram export is a JSON object")
    report = ChatReport(format="telegram")
    if "chats" in data:
        info = data.get("personal_information") or {}
        if isinstance(info, dict) and (info.get("phone_number") or info.get("username")):
            name = " ".join(str(info.get(k) or "") for k in ("first_name", "last_name")).strip()
            report.owner = Contact(
                0, name or str(info.get("username")), to_e164(info.get("phone_number"), region),
                info.get("username") or None,
            )  # fmt: skip
        for index, contact in enumerate((data.get("contacts") or {}).get("list") or [], start=1):
            if not isinstance(contact, dict):
                report.problems.append(RowProblem(index, "contacts", "not an object"))
                continue
            name = " ".join(str(contact.get(k) or "") for k in ("first_name", "last_name"))
            report.contacts.append(
                Contact(index, name.strip(), to_e164(contact.get("phone_number"), region))
            )
        chats: list[Any] = []
        for section in ("chats", "left_chats"):
            listed = (data.get(section) or {}).get("list") or []
            chats.extend(listed if isinstance(listed, list) else [])
    elif "messages" in data:
        chats = [data]
    else:
        raise ChatError("not a Telegram Desktop export: no 'messages' and no 'chats'")
    phones = {c.name: c.number for c in report.contacts if c.number}
    if report.owner is not None and report.owner.number:
        phones[report.owner.name] = report.owner.number
    zone = ZoneInfo(timezone)
    for chat_index, chat in enumerate(chats, start=1):
        if not isinstance(chat, dict) or not isinstance(chat.get("messages"), list):
            report.problems.append(RowProblem(chat_index, "chat", "a chat without messages list"))
            continue
        name = str(chat.get("name") or f"chat {chat.get('id', chat_index)}")
        report.chats.append(name)
        before = len(report.messages)
        for position, item in enumerate(chat["messages"], start=1):
            _telegram_message(report, name, position, item, phones, zone)
        if chat.get("type") == "personal_chat":
            _telegram_recipients(report.messages[before:])
    return report


def _telegram_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(
            part if isinstance(part, str) else str(part.get("text", ""))
            for part in value
            if isinstance(part, str | dict)
        )
    return ""


def _telegram_message(
    report: ChatReport, chat: str, position: int, item: Any, phones: dict[str, str], zone: ZoneInfo
) -> None:
    where = f"{chat}, message {position}"
    if not isinstance(item, dict):
        report.problems.append(RowProblem(position, "message", f"{where}: not an object"))
        return
    if item.get("type") == "service":
        report.system_lines += 1
        return
    if item.get("type") != "message":
        report.problems.append(
            RowProblem(position, "type", f"{where}: unknown type {item.get('type')!r}")
        )
        return
    moment: datetime | None = None
    if str(item.get("date_unixtime") or "").isdigit():
        moment = datetime.fromtimestamp(int(item["date_unixtime"]), UTC)
    elif isinstance(item.get("date"), str):
        try:
            moment = datetime.fromisoformat(item["date"]).replace(tzinfo=zone).astimezone(UTC)
        except ValueError:
            moment = None
    if moment is None:
        report.problems.append(RowProblem(position, "date", f"{where}: no readable date"))
        return
    sender = item.get("from")
    sender_key = item.get("from_id")
    if not isinstance(sender, str) or not sender:
        sender = str(sender_key or "Deleted Account")
    media_kind = next((k for k in _TELEGRAM_MEDIA if item.get(k)), None)
    body = _telegram_text(item.get("text"))
    if media_kind and not body:
        body = f"[{item.get('media_type') or media_kind}]"
    report.messages.append(
        ChatMessage(
            line=position,
            chat=chat,
            sent_at=moment,
            sender=sender,
            sender_id=phones.get(sender) or (str(sender_key) if sender_key else None),
            body=body,
            media=media_kind is not None,
            multiline="\n" in body,
            message_id=str(item.get("id")) if item.get("id") is not None else None,
            service="Telegram",
        )
    )


def _telegram_recipients(messages: list[ChatMessage]) -> None:
    senders = sorted({m.sender for m in messages})
    if len(senders) == 2:
        for message in messages:
            message.recipients = [s for s in senders if s != message.sender]


# --- ALEAPP / iLEAPP --------------------------------------------------------------------

_DATE_COLUMNS = ("date", "call date", "message timestamp", "timestamp", "message date",
                 "date sent", "start time", "sent date", "received date", "time")  # fmt: skip
_NUMBER_COLUMNS = ("address", "partner", "phone number", "number", "other party", "handle",
                   "phone", "contact", "from/to", "to/from", "recipient",
                   "chat contact id")  # fmt: skip
_NAME_COLUMNS = ("display name", "name", "contact name", "partner name", "cached name",
                 "first name")  # fmt: skip
_BODY_COLUMNS = ("body", "message", "message text", "text")
_DURATION_COLUMNS = ("duration", "duration in secs", "call duration", "duration (seconds)")
_DIRECTION_COLUMNS = ("message direction", "direction", "type", "call type", "call direction")


def _pick(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower().replace("_", " ") for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def _direction(value: str) -> str | None:
    word = value.strip().lower()
    if word in ("2", "outgoing", "sent", "outbox", "out", "from me", "yes"):
        return "out"
    if word in ("1", "3", "incoming", "received", "inbox", "in", "missed", "no"):
        return "in"
    if "outgoing" in word or "sent" in word:
        return "out"
    if "incoming" in word or "received" in word or "missed" in word:
        return "in"
    return None


def _aleapp_time(value: str, zone: ZoneInfo) -> datetime | None:
    text = value.strip().replace("T", " ")
    if not text:
        return None
    if text.isdigit():
        number = int(text)
        seconds = number / 1000 if number > 10**11 else number
        return datetime.fromtimestamp(seconds, UTC)
    text = re.sub(r"\s*(?:UTC|GMT|Z)$", "", text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def parse_aleapp(text: str, *, region: str = DEFAULT_REGION, timezone: str = "UTC") -> ChatReport:
    """An ALEAPP/iLEAPP TSV report of messages (a body column), calls (a duration) or contacts."""
    zone = ZoneInfo(timezone)
    lines = text.splitlines()
    if not lines:
        raise ChatError("the report is empty")
    header = lines[0].split("\t")
    if len(header) < 2:
        raise ChatError("not a TSV report: the first line has no tab-separated column names")
    at, number, name = (
        _pick(header, _DATE_COLUMNS),
        _pick(header, _NUMBER_COLUMNS),
        _pick(header, _NAME_COLUMNS),
    )
    body, duration = _pick(header, _BODY_COLUMNS), _pick(header, _DURATION_COLUMNS)
    direction = _pick(header, _DIRECTION_COLUMNS)
    kind = "messages" if body is not None else "calls" if duration is not None else "contacts"
    if kind != "contacts" and at is None:
        raise ChatError(f"the {kind} report has no date column; header: {', '.join(header)}")
    if kind == "contacts" and name is None and number is None:
        raise ChatError(f"the report has no name or number column; header: {', '.join(header)}")
    report = ChatReport(format="aleapp", chats=[kind])
    for line_number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(header):
            report.problems.append(
                RowProblem(line_number, "", f"{len(cells)} columns where the header has "
                           f"{len(header)}")
            )  # fmt: skip
            continue

        def cell(index: int | None, cells: list[str] = cells) -> str:
            return cells[index].strip() if index is not None else ""

        raw_number = cell(number)
        e164 = to_e164(raw_number, region) if raw_number else None
        if kind == "contacts":
            report.contacts.append(Contact(line_number, cell(name) or raw_number, e164))
            continue
        moment = _aleapp_time(cell(at), zone)
        if moment is None:
            report.problems.append(RowProblem(line_number, header[at or 0], "is not a time"))
            continue
        way = _direction(cell(direction)) if direction is not None else None
        if kind == "calls":
            seconds = cell(duration)
            try:
                length = int(float(seconds)) if seconds else None
            except ValueError:
                report.problems.append(
                    RowProblem(line_number, header[duration or 0], f"{seconds!r} is not seconds")
                )
                continue
            report.calls.append(
                CallEvent(line_number, moment, e164 or raw_number, cell(name) or None, way, length)
            )
            continue
        party = e164 or raw_number or cell(name) or "unknown"
        content = cell(body)
        report.messages.append(
            ChatMessage(
                line=line_number,
                chat=raw_number or cell(name) or "messages",
                sent_at=moment,
                sender=OWNER if way == "out" else party,
                sender_id=None if way == "out" else e164,
                body=content,
                recipients=[party] if way == "out" else [OWNER],
                direction=way,
                service="SMS",
                media=not content,
            )
        )
    return report
