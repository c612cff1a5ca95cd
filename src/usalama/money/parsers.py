"""Reading statement files into ledger rows. Pure parsing: nothing here touches the database.

Each reader returns ``ParsedRows``: the statement's own account (when the file is one
account's statement), the transfers as ``TransferRow`` and the per-row errors. The services
decide what to do with errors (nothing is written when there is any).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from usalama.core.archives import xlsx_rows
from usalama.core.errors import InvalidInput

MPESA = "M-Pesa (Safaricom)"


@dataclass(frozen=True)
class AccountRef:
    kind: str
    identifier: str
    provider: str = ""
    currency: str = ""
    name: str = ""
    holder: str = ""
    entity_id: str = ""


@dataclass(frozen=True)
class TransferRow:
    row: str
    key: str
    source: AccountRef
    target: AccountRef
    amount: Decimal
    currency: str
    time: datetime
    channel: str
    reference: str = ""
    description: str = ""


@dataclass
class ParsedRows:
    transfers: list[TransferRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped: int = 0


# --- shared helpers ------------------------------------------------------------------------------


def parse_amount(text: object) -> Decimal | None:
    """``"1,234.50"``, ``"(1,234.50)"``, ``"-12"``, ``""`` → Decimal or None (blank)."""
    value = str(text if text is not None else "").strip().replace(",", "").replace(" ", "")
    value = value.removeprefix("KES").removeprefix("KSh").removeprefix("Ksh")
    if value in ("", "-", "—"):
        return None
    negative = value.startswith("(") and value.endswith(")")
    value = value.strip("()")
    try:
        amount = Decimal(value)
    except InvalidOperation as error:
        raise ValueError(f"not an amount: {text!r}") from error
    return -amount if negative else amount


_TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
)


def parse_time(value: object) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = str(value if value is not None else "").strip()
    if not text:
        raise ValueError("no date")
    if re.fullmatch(r"\d{9,11}(\.\d+)?", text):
        return datetime.fromtimestamp(float(text), tz=UTC)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except ValueError:
        pass
    for pattern in _TIME_FORMATS:
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


def msisdn(text: str) -> str:
    """Kenyan numbers to E.164 (``0712…``, ``254712…``, ``+254712…``); others unchanged."""
    digits = re.sub(r"[^\d+]", "", text)
    if re.fullmatch(r"0[17]\d{8}", digits):
        return "+254" + digits[1:]
    if re.fullmatch(r"254[17]\d{8}", digits):
        return "+" + digits
    return digits


def _read_table(path: Path) -> list[dict[str, str]]:
    """A CSV or XLSX file as a list of header → text dicts."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = xlsx_rows(path)  # archive guard, then streamed under the memory cap
        first = next(rows, None)
        if first is None:
            return []
        header = [str(c).strip() if c is not None else "" for c in first]
        table = []
        for values in rows:
            cells = {h: ("" if v is None else v) for h, v in zip(header, values, strict=False)}
            table.append({k: v if isinstance(v, datetime) else str(v) for k, v in cells.items()})
        return table  # type: ignore[return-value]
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{path}: not a readable UTF-8 CSV file ({error})") from error
    reader = csv.DictReader(io.StringIO(text))
    return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]


# --- bank statements ------------------------------------------------------------------------------

BANK_FIELDS = (
    "date",
    "amount",
    "debit",
    "credit",
    "counterparty",
    "counterparty_bank",
    "reference",
    "description",
    "currency",
)
DEFAULT_BANK_MAPPING = {
    "date": "Date",
    "debit": "Debit",
    "credit": "Credit",
    "counterparty": "Counterparty",
    "counterparty_bank": "Counterparty Bank",
    "reference": "Reference",
    "description": "Description",
}


def parse_mapping(text: str | None) -> dict[str, str]:
    """``"date=Txn Date,debit=Withdrawals,credit=Deposits"`` → dict (over the defaults)."""
    mapping = dict(DEFAULT_BANK_MAPPING)
    if not text:
        return mapping
    for part in text.split(","):
        if "=" not in part:
            raise InvalidInput(f"mapping {part!r}: write field=Column")
        name, column = (s.strip() for s in part.split("=", 1))
        if name not in BANK_FIELDS:
            raise InvalidInput(f"mapping: unknown field {name!r}; fields: {', '.join(BANK_FIELDS)}")
        mapping[name] = column
    if "amount" in mapping and "debit" not in dict(p.split("=", 1) for p in text.split(",")):
        mapping.pop("debit", None)
        mapping.pop("credit", None)
    return mapping


def read_bank_statement(
    path: Path, own: AccountRef, mapping: dict[str, str], sha: str
) -> ParsedRows:
    """One account's statement: credits are transfers in, debits transfers out."""
    table = _read_table(path)
    result = ParsedRows()
    if table and mapping.get("date") not in table[0]:
        raise InvalidInput(
            f"{path.name}: no date column {mapping.get('date')!r} "
            f"(columns are {', '.join(table[0])}); pass --mapping date=COLUMN,..."
        )
    for number, row in enumerate(table, start=2):
        try:
            when = parse_time(row.get(mapping["date"], ""))
            if "amount" in mapping:
                signed = parse_amount(row.get(mapping["amount"]))
                if signed is None:
                    raise ValueError(f"no amount in column {mapping['amount']!r}")
            else:
                debit = parse_amount(row.get(mapping.get("debit", ""), ""))
                credit = parse_amount(row.get(mapping.get("credit", ""), ""))
                if debit is None and credit is None:
                    raise ValueError("neither debit nor credit")
                signed = (credit or Decimal(0)) - abs(debit or Decimal(0))
            if signed == 0:
                result.skipped += 1
                continue
            description = str(row.get(mapping.get("description", ""), ""))[:500]
            name = str(row.get(mapping.get("counterparty", ""), "")).strip()
            other = AccountRef(
                kind="bank" if name else "unknown",
                identifier=name or (description[:200] or "unknown"),
                provider=str(row.get(mapping.get("counterparty_bank", ""), "")).strip(),
                currency=own.currency,
            )
            currency = str(row.get(mapping.get("currency", ""), "") or own.currency)
            source, target = (other, own) if signed > 0 else (own, other)
            result.transfers.append(
                TransferRow(
                    row=str(number),
                    key=f"bank:{sha}:{number}",
                    source=source,
                    target=target,
                    amount=abs(signed),
                    currency=currency,
                    time=when,
                    channel="bank",
                    reference=str(row.get(mapping.get("reference", ""), ""))[:200],
                    description=description,
                )
            )
        except ValueError as error:
            result.errors.append(f"row {number}: {error}")
    return result


# --- M-Pesa statements ----------------------------------------------------------------------------

MPESA_COLUMNS = ("Receipt No.", "Completion Time", "Details", "Transaction Status")
_PHONE = re.compile(r"(?:\+?254|0)[17]\d{8}")
_MASKED = re.compile(r"(?:254|0)[17]\d{2}\*{3}\d{3}")


def mpesa_counterparty(details: str) -> AccountRef:
    """The other side named in the Details column of a Safaricom statement row."""
    text = " ".join(details.split())
    lowered = text.lower()
    name = text.split(" - ", 1)[1].strip() if " - " in text else ""
    number = re.search(r"\b(\d{5,7})\b", text)
    if ("pay bill" in lowered or "paybill" in lowered) and number:
        return AccountRef("mobile_paybill", number.group(1), MPESA, "KES", name)
    if "merchant payment" in lowered or "buy goods" in lowered or "till" in lowered:
        if "agent" in lowered and number:
            return AccountRef("mobile_agent", number.group(1), MPESA, "KES", name)
        if number:
            return AccountRef("mobile_till", number.group(1), MPESA, "KES", name)
    if "agent" in lowered and number:
        return AccountRef("mobile_agent", number.group(1), MPESA, "KES", name)
    phone = _PHONE.search(text.replace(" ", ""))
    if phone:
        return AccountRef("mobile_wallet", msisdn(phone.group(0)), MPESA, "KES", name)
    masked = _MASKED.search(text)
    if masked:
        return AccountRef("unknown", masked.group(0), MPESA, "KES", name)
    return AccountRef("unknown", (name or text)[:200] or "unknown", MPESA, "KES", name)


def mpesa_rows(rows: list[dict[str, str]], own: AccountRef, sha: str) -> ParsedRows:
    result = ParsedRows()
    for number, row in rows_numbered(rows):
        status = row.get("Transaction Status", "Completed").strip().lower()
        if status and status != "completed":
            result.skipped += 1
            continue
        try:
            receipt = row.get("Receipt No.", "").strip()
            if not receipt:
                raise ValueError("no receipt number")
            when = parse_time(row.get("Completion Time", ""))
            paid_in = parse_amount(row.get("Paid In", "")) or Decimal(0)
            withdrawn = parse_amount(row.get("Withdrawn", "")) or Decimal(0)
            signed = paid_in - abs(withdrawn)
            if signed == 0:
                raise ValueError("neither Paid In nor Withdrawn")
            details = row.get("Details", "")
            other = mpesa_counterparty(details)
            source, target = (other, own) if signed > 0 else (own, other)
            result.transfers.append(
                TransferRow(
                    row=str(number),
                    key=f"mpesa:{own.identifier}:{receipt}:{'in' if signed > 0 else 'out'}",
                    source=source,
                    target=target,
                    amount=abs(signed),
                    currency="KES",
                    time=when,
                    channel="mobile_money",
                    reference=receipt,
                    description=details[:500],
                )
            )
        except ValueError as error:
            result.errors.append(f"row {number}: {error}")
    return result


def rows_numbered(rows: list[dict[str, str]]) -> list[tuple[int, dict[str, str]]]:
    return [(int(r.pop("_row", i)), r) for i, r in enumerate(rows, start=2)]


def read_mpesa_csv(path: Path, own: AccountRef, sha: str) -> ParsedRows:
    table = _read_table(path)
    if table and "Receipt No." not in table[0]:
        raise InvalidInput(
            f"{path.name}: not an M-Pesa statement (expected columns {', '.join(MPESA_COLUMNS)})"
        )
    return mpesa_rows(table, own, sha)


_PDF_ROW = re.compile(
    r"^(?P<receipt>[A-Z0-9]{10})\s+(?P<time>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})\s+"
    r"(?P<details>.*?)\s+(?P<status>Completed|Failed|Reversed|Pending)\s+"
    r"(?P<paid_in>-?[\d,]+\.\d{2}|-)?\s*(?P<withdrawn>-?[\d,]+\.\d{2}|-)?\s+"
    r"(?P<balance>-?[\d,]+\.\d{2})$"
)


def read_mpesa_pdf(path: Path, own: AccountRef, sha: str, password: str | None) -> ParsedRows:
    """Safaricom's statement PDF (optionally password-protected): one line per transaction.

    The detailed statement's lines read ``RECEIPT TIME DETAILS STATUS PAID_IN WITHDRAWN BALANCE``;
    amounts in the paid-in column are positive and withdrawals are printed negative.
    """
    import pdfplumber

    rows: list[dict[str, str]] = []
    try:
        with pdfplumber.open(path, password=password or "") as pdf:
            for page in pdf.pages:
                for line in (page.extract_text() or "").splitlines():
                    match = _PDF_ROW.match(line.strip())
                    if not match:
                        continue
                    parts = match.groupdict()
                    amounts = [a for a in (parts["paid_in"], parts["withdrawn"]) if a and a != "-"]
                    paid_in = withdrawn = ""
                    for amount in amounts:
                        if amount.startswith("-"):
                            withdrawn = amount
                        else:
                            paid_in = amount
                    rows.append(
                        {
                            "_row": str(len(rows) + 1),
                            "Receipt No.": parts["receipt"],
                            "Completion Time": parts["time"],
                            "Details": parts["details"],
                            "Transaction Status": parts["status"],
                            "Paid In": paid_in,
                            "Withdrawn": withdrawn,
                        }
                    )
    except Exception as error:  # pdfminer raises many types for bad or locked files
        if type(error).__name__ in ("PDFPasswordIncorrect", "PdfminerException"):
            raise InvalidInput(f"{path.name}: cannot open the PDF (wrong password?)") from error
        raise InvalidInput(f"{path.name}: not a readable PDF ({error})") from error
    if not rows:
        raise InvalidInput(f"{path.name}: no M-Pesa transaction lines found")
    return mpesa_rows(rows, own, sha)


# --- token transfers ------------------------------------------------------------------------------

TOKEN_COLUMNS = ("from", "to", "value", "token", "tx_hash", "time")
_TOKEN_ALIASES = {"tx hash": "tx_hash", "hash": "tx_hash", "txhash": "tx_hash", "timestamp": "time"}


def read_token_transfers(path: Path, chain: str, sha: str) -> ParsedRows:
    table = _read_table(path)
    result = ParsedRows()
    if table:
        header = {_TOKEN_ALIASES.get(k.lower(), k.lower()) for k in table[0]}
        missing = [c for c in TOKEN_COLUMNS if c not in header]
        if missing:
            raise InvalidInput(f"{path.name}: missing column(s) {', '.join(missing)}")
    for number, raw in enumerate(table, start=2):
        row = {_TOKEN_ALIASES.get(k.lower(), k.lower()): v for k, v in raw.items()}
        try:
            sender, receiver = str(row["from"]).strip(), str(row["to"]).strip()
            if not sender or not receiver:
                raise ValueError("empty from/to address")
            amount = parse_amount(row["value"])
            if amount is None or amount < 0:
                raise ValueError(f"bad value {row['value']!r}")
            token = str(row["token"]).strip().upper()
            tx_hash = str(row["tx_hash"]).strip()
            if not tx_hash:
                raise ValueError("no tx hash")
            result.transfers.append(
                TransferRow(
                    row=str(number),
                    key=f"{chain}:{tx_hash}:{sender}:{receiver}:{token}:{amount}",
                    source=AccountRef("crypto", _address(sender), chain, token),
                    target=AccountRef("crypto", _address(receiver), chain, token),
                    amount=amount,
                    currency=token,
                    time=parse_time(row["time"]),
                    channel="crypto",
                    reference=tx_hash[:200],
                )
            )
        except (ValueError, KeyError) as error:
            result.errors.append(f"row {number}: {error}")
    return result


def _address(value: str) -> str:
    return value.lower() if value.lower().startswith("0x") else value
