"""Use cases of the money app: the only code that writes the ledger, checks access and audits.

Readers (``ftm``, ``parsers``) turn records and files into rows; this module stores them
idempotently (unique keys), all or nothing, with their provenance (``records.Source``), and
runs the engine (``usalama.analysis.money``) over what the caller may see.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from usalama.analysis.money import (
    TypologyConfig,
    cluster_addresses,
    load_sanctions,
    read_block_file,
    scan_typologies,
    screen_addresses,
)
from usalama.analysis.money import trace as engine_trace
from usalama.audit.services import SYSTEM, Actor, record
from usalama.core.errors import InvalidInput, NotFound
from usalama.money import ftm, parsers, tracing
from usalama.money.models import Account, Alert, AlertStatus, Transfer
from usalama.money.parsers import AccountRef, ParsedRows, TransferRow
from usalama.records import services as records
from usalama.records.models import Collection, Source

IMPORTER_VERSION = "1"
FORMATS = ("bank", "mpesa", "bitcoin", "tokens")
MAX_ERRORS_SHOWN = 20


@dataclass
class ImportResult:
    accounts_added: int = 0
    transfers_added: int = 0
    transfers_seen: int = 0
    skipped: int = 0
    transactions: int = 0
    errors: list[str] = field(default_factory=list)


# --- access --------------------------------------------------------------------------------------


def collection_for(user: Any | None, key: str) -> Collection:
    """The collection ``key`` as ``user`` may see it (``None``: the operator at the CLI)."""
    queryset = Collection.objects.all() if user is None else Collection.objects.visible_to(user)
    try:
        return queryset.select_related("agency").get(key=key)
    except Collection.DoesNotExist as missing:
        raise NotFound(f"collection {key!r} not found") from missing


def _writable(user: Any | None, collection: Collection, attempted: str = "money.write") -> Actor:
    """A grant is read-only: only the owning agency writes into a collection's ledger
    (refusals are audited by the records gate)."""
    if user is None:
        return Actor(name="cli")
    records.writable_collection(user, collection, attempted=attempted)
    return Actor.of(user)


def _actor(user: Any | None) -> Actor:
    return SYSTEM if user is None else Actor.of(user)


# --- storing rows --------------------------------------------------------------------------------


def _account_key(ref: AccountRef) -> tuple[str, str, str]:
    return (ref.kind, ref.provider[:200], ref.identifier[:200])


def _store(
    collection: Collection,
    refs: Iterable[AccountRef],
    rows: list[TransferRow],
    source_of: dict[str, tuple[int | None, str]],
    result: ImportResult,
) -> None:
    """Insert accounts and transfers that are not stored yet; fill holders that were unknown."""
    wanted: dict[tuple[str, str, str], AccountRef] = {}
    for ref in [*refs, *(r.source for r in rows), *(r.target for r in rows)]:
        key = _account_key(ref)
        if key not in wanted or (ref.holder and not wanted[key].holder):
            wanted[key] = ref
    stored = _stored_accounts(collection, wanted)
    fresh = []
    for key, ref in wanted.items():
        existing = stored.get(key)
        if existing is None:
            src = source_of.get(ref.entity_id, (None, ""))
            fresh.append(
                Account(
                    collection=collection,
                    kind=ref.kind,
                    identifier=key[2],
                    provider=key[1],
                    currency=ref.currency[:12],
                    name=ref.name[:300],
                    holder_entity_id=ref.holder[:200],
                    holder_name=ref.name[:300] if ref.holder else "",
                    entity_id=ref.entity_id[:200],
                    source_id=src[0],
                    source_ref=src[1][:100],
                )
            )
        elif ref.holder and existing.holder_entity_id != ref.holder:
            existing.holder_entity_id = ref.holder[:200]
            existing.save(update_fields=["holder_entity_id"])
    Account.objects.bulk_create(fresh, batch_size=2000)
    result.accounts_added += len(fresh)
    stored = _stored_accounts(collection, wanted)
    keys = [r.key for r in rows]
    existing_keys: set[str] = set()
    for start in range(0, len(keys), 2000):
        existing_keys.update(
            Transfer.objects.filter(
                collection=collection, key__in=keys[start : start + 2000]
            ).values_list("key", flat=True)
        )
    new_transfers = []
    for row in rows:
        result.transfers_seen += 1
        if row.key in existing_keys:
            continue
        existing_keys.add(row.key)
        src = source_of.get(row.row, source_of.get("*", (None, "")))
        new_transfers.append(
            Transfer(
                collection=collection,
                source_account=stored[_account_key(row.source)],
                target_account=stored[_account_key(row.target)],
                amount=row.amount,
                currency=row.currency[:12],
                time=row.time,
                channel=row.channel,
                reference=row.reference[:200],
                description=row.description[:500],
                key=row.key[:200],
                document_id=src[0],
                row=(src[1] or row.row)[:100],
            )
        )
    Transfer.objects.bulk_create(new_transfers, batch_size=2000)
    result.transfers_added += len(new_transfers)


def _stored_accounts(
    collection: Collection, wanted: dict[tuple[str, str, str], AccountRef]
) -> dict[tuple[str, str, str], Account]:
    identifiers = list({key[2] for key in wanted})
    found: dict[tuple[str, str, str], Account] = {}
    for start in range(0, len(identifiers), 2000):
        for account in Account.objects.filter(
            collection=collection, identifier__in=identifiers[start : start + 2000]
        ):
            found[(account.kind, account.provider, account.identifier)] = account
    return found


def _refuse_errors(name: str, errors: list[str]) -> None:
    if errors:
        shown = "; ".join(errors[:MAX_ERRORS_SHOWN])
        more = (
            f" (and {len(errors) - MAX_ERRORS_SHOWN} more)"
            if len(errors) > MAX_ERRORS_SHOWN
            else ""
        )
        raise InvalidInput(f"{name}: {len(errors)} bad row(s), nothing stored: {shown}{more}")


# --- FtM records → ledger ------------------------------------------------------------------------


def sync_from_records(collection: Collection, user: Any | None = None) -> ImportResult:
    """Map the collection's BankAccount/CryptoWallet/Payment/Ownership/UnknownLink statements
    into the ledger. Idempotent; bad entities are reported and skipped (records are already
    validated FtM, so a bad one is a gap in the data, not a broken file)."""
    actor = _writable(user, collection)
    ledger = ftm.read_collection(collection)
    result = ImportResult(errors=ledger.errors)
    source_of: dict[str, tuple[int | None, str]] = dict(ledger.statements)
    with transaction.atomic():
        _store(collection, ledger.accounts.values(), ledger.transfers, source_of, result)
        record(
            actor,
            "money.sync",
            object_type="collection",
            object_id=collection.pk,
            details={
                "accounts_added": result.accounts_added,
                "transfers_added": result.transfers_added,
                "skipped_entities": len(result.errors),
            },
        )
    return result


# --- file importers ------------------------------------------------------------------------------


def import_file(
    user: Any | None,
    collection: Collection,
    fmt: str,
    path: str | Path,
    *,
    account: str = "",
    provider: str = "",
    currency: str = "KES",
    holder: str = "",
    mapping: str | None = None,
    password: str | None = None,
    chain: str = "ethereum",
    block_format: str = "raw",
) -> ImportResult:
    """Import one statement or chain file into ``collection``'s ledger, all or nothing."""
    if fmt not in FORMATS:
        raise InvalidInput(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    actor = _writable(user, collection)
    file = Path(path)
    if not file.is_file():
        raise InvalidInput(f"{file}: no such file")
    sha = records.file_sha256(str(file))
    if fmt == "bitcoin":
        parsed, refs, transactions = _read_bitcoin(file, block_format)
    else:
        refs, transactions = [], 0
        parsed = _read_statement(
            file, fmt, sha, account, provider, currency, holder, mapping, password, chain
        )
    _refuse_errors(file.name, parsed.errors)
    result = ImportResult(skipped=parsed.skipped, transactions=transactions)
    with transaction.atomic():
        source = records.ensure_source(
            collection,
            kind=Source.Kind.IMPORT,
            name=file.name,
            sha256=sha,
            importer=f"usalama.money.{fmt}",
            importer_version=IMPORTER_VERSION,
            created_by=actor.name,
        )
        _store(collection, refs, parsed.transfers, {"*": (source.pk, "")}, result)
        records.mark_source_complete(source)
        record(
            actor,
            "money.import",
            object_type="collection",
            object_id=collection.pk,
            details={
                "format": fmt,
                "file": file.name,
                "sha256": sha,
                "transfers_added": result.transfers_added,
                "transfers_seen": result.transfers_seen,
            },
        )
    return result


def _read_statement(
    file: Path,
    fmt: str,
    sha: str,
    account: str,
    provider: str,
    currency: str,
    holder: str,
    mapping: str | None,
    password: str | None,
    chain: str,
) -> ParsedRows:
    if fmt == "tokens":
        return parsers.read_token_transfers(file, chain.lower(), sha)
    if not account:
        raise InvalidInput(f"--account is required for {fmt} statements (whose statement is it?)")
    if fmt == "mpesa":
        own = AccountRef("mobile_wallet", parsers.msisdn(account), parsers.MPESA, "KES", "", holder)
        if file.suffix.lower() == ".pdf":
            return parsers.read_mpesa_pdf(file, own, sha, password)
        return parsers.read_mpesa_csv(file, own, sha)
    own = AccountRef("bank", account.replace(" ", ""), provider, currency.upper(), "", holder)
    return parsers.read_bank_statement(file, own, parsers.parse_mapping(mapping), sha)


def _read_bitcoin(file: Path, block_format: str) -> tuple[ParsedRows, list[AccountRef], int]:
    """Every output becomes a transfer from the transaction's first input address; addresses
    get the multi-input cluster as holder, so a trace crosses between one owner's addresses."""
    chain = read_block_file(file, block_format)  # type: ignore[arg-type]
    clusters = cluster_addresses(chain.inputs, chain.outputs)
    holder = dict(zip(clusters["address"], clusters["cluster_id"], strict=True))
    first_input = dict(
        chain.inputs.sort("txid", "vin")
        .group_by("txid", maintain_order=True)
        .agg(pl.col("address").first())
        .iter_rows()
    )
    times = dict(zip(chain.transactions["txid"], chain.transactions["time"], strict=True))
    coinbase = set(chain.transactions.filter(pl.col("coinbase"))["txid"])

    def ref(address: str) -> AccountRef:
        cluster = holder.get(address)
        return AccountRef(
            "crypto", address, "bitcoin", "BTC", "", f"btc-cluster:{cluster}" if cluster else ""
        )

    parsed = ParsedRows()
    for txid, vout, value, address in chain.outputs.select(
        "txid", "vout", "value", "address"
    ).iter_rows():
        sender = (
            "coinbase" if txid in coinbase else (first_input.get(txid) or f"unknown-input:{txid}")
        )
        parsed.transfers.append(
            TransferRow(
                row=f"{txid}:{vout}",
                key=f"btc:{txid}:{vout}",
                source=ref(sender),
                target=ref(address or f"unknown-output:{txid}:{vout}"),
                amount=Decimal(int(value or 0)) / Decimal(100_000_000),
                currency="BTC",
                time=datetime.fromtimestamp(int(times[txid]), tz=UTC),
                channel="crypto",
                reference=txid,
            )
        )
    return parsed, [], chain.transactions.height


# --- frames for the engine -----------------------------------------------------------------------


def transfer_frame(transfers: Iterable[Transfer]) -> tuple[pl.DataFrame, list[int]]:
    """The engine's standard transfer frame (accounts as id strings) and each row's transfer id."""
    rows = list(
        transfers.values_list(  # type: ignore[attr-defined]
            "id", "source_account_id", "target_account_id", "amount", "currency", "time", "channel"
        )
    )
    ids = [r[0] for r in rows]
    frame = pl.DataFrame(
        {
            "source": [str(r[1]) for r in rows],
            "target": [str(r[2]) for r in rows],
            "amount": [float(r[3]) for r in rows],
            "currency": [r[4] for r in rows],
            "time": [r[5].timestamp() for r in rows],
            "channel": [r[6] for r in rows],
            "reference": [str(r[0]) for r in rows],
        },
        schema={
            "source": pl.Utf8,
            "target": pl.Utf8,
            "amount": pl.Float64,
            "currency": pl.Utf8,
            "time": pl.Float64,
            "channel": pl.Utf8,
            "reference": pl.Utf8,
        },
    )
    return frame, ids


# --- alerts --------------------------------------------------------------------------------------


@dataclass
class ScanResult:
    flagged: int = 0
    created: int = 0
    sanctioned: int = 0


def sanctions_lists() -> pl.DataFrame:
    folder = importlib.resources.files("usalama.data") / "sanctions"
    with importlib.resources.as_file(folder) as path:
        return load_sanctions(sorted(Path(path).glob("*.txt")))


def scan(
    user: Any | None, collection: Collection, config: TypologyConfig | None = None
) -> ScanResult:
    """Run the typology scan and sanctions screening over the collection's ledger; store alerts.

    A re-scan updates typologies, score and evidence and keeps the review status."""
    if user is not None:
        collection = records.writable_collection(user, collection.pk, attempted="money.scan")
    frame, ids = transfer_frame(
        Transfer.objects.filter(collection=collection).order_by("time", "id")
    )
    result = ScanResult()
    found: dict[int, dict[str, Any]] = {}
    if frame.height:
        report = scan_typologies(frame, config or TypologyConfig())
        evidence: dict[str, set[int]] = {}
        for account, transfer in report.evidence.select("account", "transfer").iter_rows():
            evidence.setdefault(account, set()).add(ids[int(transfer)])
        for account, typologies, score in report.accounts.select(
            "account", "typologies", "score"
        ).iter_rows():
            found[int(account)] = {
                "typologies": sorted(typologies),
                "score": float(score),
                "evidence": sorted(evidence.get(account, set())),
                "details": {},
            }
    crypto = dict(
        Account.objects.filter(collection=collection, kind="crypto").values_list("identifier", "id")
    )
    if crypto:
        hits = screen_addresses(crypto.keys(), sanctions_lists()).hits
        for address, listed in hits.select("address", "list").iter_rows():
            entry = found.setdefault(
                crypto[address], {"typologies": [], "score": 0.0, "evidence": [], "details": {}}
            )
            entry["typologies"] = sorted({*entry["typologies"], "sanctions"})
            entry["score"] = 1.0
            entry["details"]["sanctions_list"] = listed
            result.sanctioned += 1
    with transaction.atomic():
        for account_id, values in found.items():
            _alert, created = Alert.objects.update_or_create(
                collection=collection, account_id=account_id, defaults=values
            )
            result.created += int(created)
        result.flagged = len(found)
        record(
            _actor(user),
            "money.scan",
            object_type="collection",
            object_id=collection.pk,
            details={
                "flagged": result.flagged,
                "created": result.created,
                "sanctioned": result.sanctioned,
            },
        )
    return result


def list_alerts(user: Any, status: str | None = None) -> list[Alert]:
    queryset = Alert.objects.visible_to(user).select_related("account", "collection")
    if status:
        queryset = queryset.filter(status=status)
    alerts = list(queryset.order_by("-score", "id")[:500])
    record(user, "money.alerts.list", query=status or "", details={"count": len(alerts)})
    return alerts


def get_alert(user: Any, alert_id: int) -> Alert:
    try:
        alert = (
            Alert.objects.visible_to(user).select_related("account", "collection").get(id=alert_id)
        )
    except Alert.DoesNotExist as missing:
        raise NotFound(f"alert {alert_id} not found") from missing
    record(user, "money.alert.read", object_type="money.alert", object_id=alert.pk)
    return alert


def review_alert(user: Any, alert_id: int, status: str, note: str = "") -> Alert:
    if status not in AlertStatus.values:
        raise InvalidInput(f"status must be one of {', '.join(AlertStatus.values)}")
    alert = get_alert(user, alert_id)
    # seeing an alert through a grant is not reviewing it: that is the owner's decision
    records.writable_collection(user, alert.collection, attempted="money.alert.review")
    with transaction.atomic():
        alert.status = status
        alert.reviewer = user.get_username()
        alert.reviewed_at = datetime.now(tz=UTC)
        alert.note = note[:2000]
        alert.save(update_fields=["status", "reviewer", "reviewed_at", "note", "updated_at"])
        record(
            user,
            "money.alert.review",
            object_type="money.alert",
            object_id=alert.pk,
            details={"status": status},
        )
    return alert


def evidence_transfers(user: Any, alert: Alert) -> list[Transfer]:
    return list(
        Transfer.objects.visible_to(user)
        .filter(id__in=alert.evidence)
        .select_related("source_account", "target_account")
    )


# --- accounts ------------------------------------------------------------------------------------


def get_account(user: Any, account_id: int) -> Account:
    try:
        account = Account.objects.visible_to(user).select_related("collection").get(id=account_id)
    except (Account.DoesNotExist, ValueError) as missing:
        raise NotFound(f"account {account_id} not found") from missing
    record(user, "money.account.read", object_type="money.account", object_id=account.pk)
    return account


def account_transfers(user: Any, account: Account) -> list[Transfer]:
    return list(
        Transfer.objects.visible_to(user)
        .filter(Q(source_account=account) | Q(target_account=account))
        .select_related("source_account", "target_account")
        .order_by("time", "id")
    )


def balance_series(account: Account, transfers: list[Transfer]) -> list[tuple[datetime, float]]:
    """Running balance from the transfers we know (starts at zero: earlier money is unseen)."""
    balance = 0.0
    series = []
    for item in transfers:
        if item.source_account_id == item.target_account_id:
            continue
        balance += float(item.amount) * (1 if item.target_account_id == account.pk else -1)
        series.append((item.time, balance))
    return series


@dataclass
class Counterparty:
    account: Account
    sent: Decimal = Decimal(0)
    received: Decimal = Decimal(0)
    count: int = 0


def counterparties(account: Account, transfers: list[Transfer]) -> list[Counterparty]:
    rows: dict[int, Counterparty] = {}
    for item in transfers:
        outgoing = item.source_account_id == account.pk
        other = item.target_account if outgoing else item.source_account
        row = rows.setdefault(other.pk, Counterparty(other))
        row.count += 1
        if outgoing:
            row.sent += item.amount
        else:
            row.received += item.amount
    return sorted(rows.values(), key=lambda r: -(r.sent + r.received))


def holder_accounts(user: Any, account: Account) -> list[Account]:
    if not account.holder_entity_id:
        return []
    return list(
        Account.objects.visible_to(user)
        .filter(holder_entity_id=account.holder_entity_id)
        .exclude(id=account.pk)
    )


# --- tracing -------------------------------------------------------------------------------------

DIRECTIONS = ("forward", "backward")
MODELS = ("poison", "haircut", "fifo")
MAX_HOPS = 10


def trace(
    user: Any,
    account_id: int,
    *,
    direction: str = "forward",
    model: str = "haircut",
    hops: int = 5,
    since: date | None = None,
    until: date | None = None,
) -> tracing.TraceView:
    """Trace from one account over its collection's visible ledger, crossing holders' accounts.

    ``since``/``until`` keep the transfers of [since 00:00, until 00:00) in the server's time
    zone (either may be left open).
    """
    if direction not in DIRECTIONS:
        raise InvalidInput(f"direction must be forward or backward, not {direction!r}")
    if model not in MODELS:
        raise InvalidInput(f"model must be one of {', '.join(MODELS)}, not {model!r}")
    if not 1 <= hops <= MAX_HOPS:
        raise InvalidInput(f"hops must be between 1 and {MAX_HOPS}")
    if since and until and until <= since:
        raise InvalidInput(f"the window's end ({until}) must be after its start ({since})")
    seed = get_account(user, account_id)
    queryset = (
        Transfer.objects.visible_to(user)
        .filter(collection_id=seed.collection_id)
        .select_related("source_account", "target_account")
        .order_by("time", "id")
    )
    zone = timezone.get_current_timezone()
    if since:
        queryset = queryset.filter(time__gte=datetime.combine(since, time(), zone))
    if until:
        queryset = queryset.filter(time__lt=datetime.combine(until, time(), zone))
    transfers = {t.pk: t for t in queryset}
    frame, ids = transfer_frame(queryset)
    accounts = {a.pk: a for a in Account.objects.filter(collection_id=seed.collection_id)}
    holders = {str(pk): a.holder_entity_id for pk, a in accounts.items() if a.holder_entity_id}
    result = engine_trace(
        frame,
        [str(seed.pk)],
        direction=direction,  # type: ignore[arg-type]
        model=model,  # type: ignore[arg-type]
        hops=hops,
        holders=holders,
    )
    traced = {int(a) for a in result.accounts["account"]}
    own = [
        t
        for t in transfers.values()
        if t.source_account_id in traced
        and t.target_account_id in traced
        and t.source_account.holder_entity_id
        and t.source_account.holder_entity_id == t.target_account.holder_entity_id
        and t.source_account_id != t.target_account_id
    ]
    view = tracing.build_view(seed, direction, model, hops, result, transfers, accounts, ids, own)
    window = f"from={since or ''} to={until or ''}"
    record(
        user,
        "money.trace",
        object_type="money.account",
        object_id=seed.pk,
        query=f"direction={direction} model={model} hops={hops} {window}",
        details={"accounts": len(view.accounts), "transfers": len(view.steps)},
    )
    view.since, view.until = since, until
    return view


def export_trace(user: Any, view: tracing.TraceView, fmt: str) -> str:
    """The trace as CSV text (the HTML report is rendered by the view); audited as an export."""
    record(
        user,
        "money.trace.export",
        object_type="money.account",
        object_id=view.seed.pk,
        query=f"direction={view.direction} model={view.model} hops={view.hops}",
        details={"format": fmt, "transfers": len(view.steps)},
    )
    return tracing.trace_csv(view) if fmt == "csv" else ""
