"""Reading a collection's FtM statements into ledger rows (no writes; the services store them).

Mapping (see docs/money.md): ``BankAccount`` → bank / mobile-money wallet (``accountType``
"mobile money") / exchange account; ``CryptoWallet`` → crypto address; ``Ownership`` with role
"account holder" and ``CryptoWallet.holder`` → the account's holder (canonical id where
resolution set one); ``Payment`` → transfer (a payment without a payer account is cash);
``UnknownLink`` with role "crypto withdrawal" → transfer from the exchange account to the wallet.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from usalama.money.parsers import AccountRef, TransferRow, msisdn, parse_amount, parse_time
from usalama.records.models import Collection, EntityRecord, Statement

SCHEMAS = ("BankAccount", "CryptoWallet", "Payment", "Ownership", "UnknownLink")


@dataclass
class FtmLedger:
    accounts: dict[str, AccountRef] = field(default_factory=dict)  # entity id → account
    transfers: list[TransferRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    statements: dict[str, tuple[int, str]] = field(default_factory=dict)  # entity → source, row


def _entities(collection: Collection) -> dict[str, dict[str, list[str]]]:
    rows = (
        Statement.objects.filter(collection=collection, schema__in=SCHEMAS)
        .values_list("entity_id", "schema", "prop", "value", "source_id", "record_ref")
        .iterator(chunk_size=20_000)
    )
    entities: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for entity_id, schema, prop, value, source_id, record_ref in rows:
        entity = entities[entity_id]
        entity["schema"] = [schema]
        entity[prop].append(value)
        entity["_source"] = [str(source_id)]
        entity["_row"] = [record_ref]
    return entities


def _first(props: dict[str, list[str]], name: str) -> str:
    values = props.get(name) or [""]
    return values[0]


def read_collection(collection: Collection) -> FtmLedger:
    entities = _entities(collection)
    ledger = FtmLedger()
    holders: dict[str, str] = {}
    for props in entities.values():
        if _first(props, "schema") == "Ownership" and _first(props, "role") == "account holder":
            holders[_first(props, "asset")] = _first(props, "owner")
    for entity_id, props in entities.items():
        if _first(props, "schema") == "CryptoWallet" and _first(props, "holder"):
            holders[entity_id] = _first(props, "holder")
    canonical, names = _holder_identity(collection, set(holders.values()))
    for entity_id, props in entities.items():
        schema = _first(props, "schema")
        holder = holders.get(entity_id, "")
        holder_id = canonical.get(holder, holder)
        holder_name = names.get(holder, "")
        if schema == "BankAccount":
            kind_text = _first(props, "accountType").lower()
            number = _first(props, "accountNumber") or _first(props, "iban")
            if not number:
                ledger.errors.append(f"BankAccount {entity_id}: no account number")
                continue
            if "mobile money" in kind_text:
                kind, number = "mobile_wallet", msisdn(number)
            elif "exchange" in kind_text:
                kind = "exchange"
            else:
                kind = "bank"
            ledger.accounts[entity_id] = AccountRef(
                kind,
                number,
                _first(props, "bankName") or _bank_name(entities, _first(props, "bank")),
                _first(props, "currency").upper(),
                _first(props, "name") or holder_name,
                holder_id,
                entity_id,
            )
        elif schema == "CryptoWallet":
            address = _first(props, "publicKey") or _first(props, "cryptoAddress")
            if not address:
                ledger.errors.append(f"CryptoWallet {entity_id}: no address")
                continue
            ledger.accounts[entity_id] = AccountRef(
                "crypto",
                address,
                _first(props, "blockchain"),
                _first(props, "currencySymbol").upper(),
                holder_name,
                holder_id,
                entity_id,
            )
    for entity_id, props in entities.items():
        schema = _first(props, "schema")
        ledger.statements[entity_id] = (int(_first(props, "_source")), _first(props, "_row"))
        try:
            if schema == "Payment":
                _payment(ledger, entity_id, props, canonical, names)
            elif schema == "UnknownLink" and _first(props, "role") == "crypto withdrawal":
                _withdrawal(ledger, entity_id, props)
        except ValueError as error:
            ledger.errors.append(f"{schema} {entity_id}: {error}")
    return ledger


def _bank_name(entities: dict[str, dict[str, list[str]]], bank_id: str) -> str:
    if not bank_id:
        return ""
    record = EntityRecord.objects.filter(entity_id=bank_id).values_list("caption", flat=True)
    return next(iter(record), "")


def _holder_identity(
    collection: Collection, holder_ids: set[str]
) -> tuple[dict[str, str], dict[str, str]]:
    canonical: dict[str, str] = {}
    names: dict[str, str] = {}
    ids = list(holder_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for entity_id, canonical_id, caption in EntityRecord.objects.filter(
            collection=collection, entity_id__in=chunk
        ).values_list("entity_id", "canonical_id", "caption"):
            canonical[entity_id] = canonical_id or entity_id
            names[entity_id] = caption
    return canonical, names


def _payment(
    ledger: FtmLedger,
    entity_id: str,
    props: dict[str, list[str]],
    canonical: dict[str, str],
    names: dict[str, str],
) -> None:
    amount = parse_amount(_first(props, "amount"))
    if amount is None or amount <= 0:
        raise ValueError(f"no positive amount ({_first(props, 'amount')!r})")
    when = parse_time(_first(props, "date"))
    ends = []
    for role in ("payer", "beneficiary"):
        account_id = _first(props, f"{role}Account")
        party = _first(props, role)
        if account_id and account_id in ledger.accounts:
            ends.append(ledger.accounts[account_id])
        elif party:
            # money from or to a party without a known account: cash
            ends.append(
                AccountRef(
                    "cash",
                    f"cash:{canonical.get(party, party)}",
                    "",
                    _first(props, "currency").upper(),
                    names.get(party, ""),
                    canonical.get(party, party),
                )
            )
        else:
            raise ValueError(f"no {role} account")
    source, target = ends
    ledger.transfers.append(
        TransferRow(
            row=entity_id,
            key=f"ftm:{entity_id}",
            source=source,
            target=target,
            amount=amount,
            currency=_first(props, "currency").upper() or source.currency,
            time=when,
            channel=_channel(source.kind),
            reference=_first(props, "transactionNumber")[:200],
            description=_first(props, "purpose")[:500],
        )
    )


_KES = re.compile(r"KES\s*([\d,]+(?:\.\d+)?)")
_COIN = re.compile(r"([\d.]+)\s*(BTC|ETH|USDT)")


def _withdrawal(ledger: FtmLedger, entity_id: str, props: dict[str, list[str]]) -> None:
    """An exchange pays out to a wallet; the amount is the local-currency value when stated
    (so a trace keeps one unit along the path), else the coin amount."""
    subject, wallet = _first(props, "subject"), _first(props, "object")
    if subject not in ledger.accounts or wallet not in ledger.accounts:
        raise ValueError("subject or object is not a known account")
    description = _first(props, "description")
    amount: Decimal | None = None
    currency = ledger.accounts[subject].currency or "KES"
    if match := _KES.search(description):
        amount = parse_amount(match.group(1))
        currency = "KES"
    elif match := _COIN.search(description):
        amount, currency = parse_amount(match.group(1)), match.group(2)
    if amount is None or amount <= 0:
        raise ValueError("no amount in the description")
    ledger.transfers.append(
        TransferRow(
            row=entity_id,
            key=f"ftm:{entity_id}",
            source=ledger.accounts[subject],
            target=ledger.accounts[wallet],
            amount=amount,
            currency=currency,
            time=parse_time(_first(props, "date") or _first(props, "startDate")),
            channel="crypto",
            reference="",
            description=description[:500],
        )
    )


def _channel(kind: str) -> str:
    if kind.startswith("mobile"):
        return "mobile_money"
    if kind == "crypto":
        return "crypto"
    return "bank"
