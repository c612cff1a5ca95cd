"""UNODC goAML XML reports (STR, SAR, CTR...) as Person, Company, BankAccount and Payment.

Follows the goAML schema's element names: a ``report`` with header fields
(``rentity_id``, ``report_code``, ``entity_reference``, ``submission_date``...), then
``transaction`` elements whose parties are ``t_from``/``t_from_my_client`` and
``t_to``/``t_to_my_client`` holding ``from_person``/``from_entity``/``from_account`` (type
``t_person``, ``t_entity``, ``t_account``), or an ``activity`` with ``report_parties``.
Accounts carry ``signatory`` persons and an owning ``t_entity``; entities carry
``director_id`` persons. Parsed with defusedxml (no DTDs, no entity expansion), streamed
transaction by transaction so a large report needs little memory.

Ids are derived from identifying content (ID numbers, incorporation numbers, account
numbers), so the same customer in two reports is one entity.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from followthemoney.util import make_entity_id

from usalama.core.errors import InvalidInput
from usalama.records.importers import Reader, RowError, check_entity, short_ref

Entity = dict[str, Any]
_HEADER = ("rentity_id", "rentity_branch", "report_code", "entity_reference", "submission_date")


def _id(*parts: str) -> str:
    return make_entity_id(*parts) or ""


def _tag(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _child(element: Element | None, name: str) -> Element | None:
    if element is None:
        return None
    for child in element:
        if _tag(child) == name:
            return child
    return None


def _within(element: Element, name: str) -> Element:
    """The named child if there is one, else the element itself (goAML nests optionally)."""
    child = _child(element, name)
    return element if child is None else child


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _tag(child) == name]


def _text(element: Element | None, name: str) -> str:
    child = _child(element, name)
    return (child.text or "").strip() if child is not None else ""


def _entity(schema: str, entity_id: str, **props: Any) -> Entity:
    properties = {k: [v] if isinstance(v, str) else list(v) for k, v in props.items() if v}
    return {"id": entity_id, "schema": schema, "properties": properties}


class _Report:
    def __init__(self) -> None:
        self.header: dict[str, str] = {}

    @property
    def reference(self) -> str:
        return self.header.get("entity_reference") or self.header.get("rentity_id", "")

    def person(self, element: Element) -> Entity | None:
        first, last = _text(element, "first_name"), _text(element, "last_name")
        middle = _text(element, "middle_name")
        name = " ".join(p for p in (first, middle, last) if p)
        id_number = _text(element, "id_number") or _text(element, "ssn")
        passport = _text(element, "passport_number")
        birth = _text(element, "birthdate")[:10]
        if not (name or id_number or passport):
            return None
        key = id_number or passport or f"{name.lower()}|{birth}"
        phones = [_text(p, "tph_number") for p in _children(_within(element, "phones"), "phone")]
        addresses = [
            ", ".join(v for v in (_text(a, "address"), _text(a, "town"), _text(a, "city")) if v)
            for a in _children(_within(element, "addresses"), "address")
        ]
        ids = [
            _text(i, "number") for i in _children(element, "identification") if _text(i, "number")
        ]
        return _entity(
            "Person",
            _id("goaml-person", key),
            name=name,
            firstName=first,
            middleName=middle,
            lastName=last,
            birthDate=birth,
            birthPlace=_text(element, "birth_place"),
            gender=_gender(_text(element, "gender")),
            idNumber=[v for v in (id_number, *ids) if v],
            passportNumber=passport,
            nationality=_text(element, "nationality1").lower(),
            country=_text(element, "residence").lower(),
            phone=[p for p in phones if p],
            email=_text(element, "email"),
            address=[a for a in addresses if a],
            position=_text(element, "occupation"),
            taxNumber=_text(element, "tax_number"),
        )

    def company(self, element: Element) -> Entity | None:
        name = _text(element, "name")
        number = _text(element, "incorporation_number")
        if not (name or number):
            return None
        return _entity(
            "Company",
            _id("goaml-entity", number or name.lower()),
            name=name,
            alias=_text(element, "commercial_name"),
            registrationNumber=number,
            legalForm=_text(element, "incorporation_legal_form"),
            sector=_text(element, "business"),
            jurisdiction=_text(element, "incorporation_country_code").lower(),
            incorporationDate=_text(element, "incorporation_date")[:10],
            taxNumber=_text(element, "tax_number"),
            email=_text(element, "email"),
            website=_text(element, "url"),
        )

    def account(self, element: Element) -> Entity | None:
        number = _text(element, "account") or _text(element, "iban")
        if not number:
            return None
        bank = _text(element, "swift") or _text(element, "institution_code")
        bank = bank or _text(element, "institution_name")
        return _entity(
            "BankAccount",
            _id("goaml-account", bank.upper(), number),
            accountNumber=number,
            iban=_text(element, "iban"),
            bankName=_text(element, "institution_name"),
            bic=_text(element, "swift"),
            currency=_text(element, "currency_code"),
            accountType=_text(element, "personal_account_type"),
            openingDate=_text(element, "opened")[:10],
            closingDate=_text(element, "closed")[:10],
            balance=_text(element, "balance"),
        )

    def party(self, element: Element, ref: str) -> tuple[list[Entity], str | None, str | None]:
        """Entities of one party element; returns (entities, legal entity id, account id)."""
        kind = _tag(element)
        found: list[Entity] = []
        if kind.endswith("person") or kind == "signatory_person":
            person = self.person(element)
            return ([person], person["id"], None) if person else ([], None, None)
        if kind.endswith("entity"):
            company = self.company(element)
            if company is None:
                return [], None, None
            found.append(company)
            for director in _children(element, "director_id"):
                person = self.person(director)
                if person:
                    found.append(person)
                    role = _text(director, "role") or "director"
                    found.append(
                        _entity(
                            "Directorship",
                            _id("goaml-dir", person["id"], company["id"]),
                            director=person["id"],
                            organization=company["id"],
                            role=role,
                        )
                    )
            return found, company["id"], None
        if kind.endswith("account"):
            account = self.account(element)
            if account is None:
                return [], None, None
            found.append(account)
            holders: list[str] = []
            owner = _child(element, "t_entity")
            if owner is not None:
                owned, company_id, _ = self.party(_rename(owner, "t_entity"), ref)
                found.extend(owned)
                if company_id:
                    holders.append(company_id)
            for signatory in _children(element, "signatory"):
                person = self.person(_within(signatory, "t_person"))
                if person:
                    found.append(person)
                    if _text(signatory, "is_primary").lower() in ("true", "1") or not holders:
                        holders.insert(0, person["id"])
                    else:
                        holders.append(person["id"])
            for holder in dict.fromkeys(holders):
                found.append(
                    _entity(
                        "Ownership",
                        _id("goaml-own", holder, account["id"]),
                        owner=holder,
                        asset=account["id"],
                        role="account holder",
                    )
                )
            return found, (holders[0] if holders else None), account["id"]
        return [], None, None

    def side(self, transaction: Element, direction: str, ref: str) -> tuple[list[Entity], Any, Any]:
        holder = _child(transaction, f"t_{direction}_my_client")
        if holder is None:
            holder = _child(transaction, f"t_{direction}")
        if holder is None:
            return [], None, None
        for name in (f"{direction}_account", f"{direction}_person", f"{direction}_entity"):
            element = _child(holder, name)
            if element is not None:
                return self.party(_rename(element, name), ref)
        return [], None, None

    def transaction(self, element: Element, index: int) -> Iterator[tuple[Entity, str] | RowError]:
        number = _text(element, "transactionnumber") or str(index)
        ref = short_ref(f"{self.reference} transaction {index} ({number})")
        amount = _text(element, "amount_local")
        when = _text(element, "date_transaction")
        if not amount:
            yield RowError(ref, "amount_local", "transaction has no amount_local")
            return
        try:
            float(amount)
        except ValueError:
            yield RowError(ref, "amount_local", f"{amount!r} is not a number")
            return
        if not when or not when[:4].isdigit():
            yield RowError(ref, "date_transaction", "transaction has no valid date_transaction")
            return
        payer, payer_id, payer_account = self.side(element, "from", ref)
        payee, payee_id, payee_account = self.side(element, "to", ref)
        if not (payer or payee):
            yield RowError(ref, "t_from", "transaction has neither a sender nor a receiver")
            return
        payment = _entity(
            "Payment",
            _id("goaml-tx", self.header.get("rentity_id", ""), number),
            amount=amount,
            currency=_text(element, "currency_code_local") or self.header.get("currency", ""),
            date=when[:19],
            purpose=_text(element, "transaction_description"),
            transactionNumber=number,
            programme=self.header.get("report_code", ""),
            payer=payer_id or "",
            beneficiary=payee_id or "",
            payerAccount=payer_account or "",
            beneficiaryAccount=payee_account or "",
        )
        yield from _checked([*payer, *payee, payment], ref)

    def activity(self, element: Element) -> Iterator[tuple[Entity, str] | RowError]:
        parties = _within(element, "report_parties")
        for index, party in enumerate(_children(parties, "report_party"), start=1):
            ref = short_ref(f"{self.reference} party {index}")
            for name in ("person", "entity", "account"):
                found = _child(party, name)
                if found is not None:
                    entities, _, _ = self.party(_rename(found, f"t_{name}"), ref)
                    yield from _checked(entities, ref)


def _rename(element: Element, tag: str) -> Element:
    element.tag = tag
    return element


def _gender(value: str) -> str:
    return {"m": "male", "f": "female"}.get(value.strip().lower()[:1], "")


def _checked(entities: list[Entity], ref: str) -> Iterator[tuple[Entity, str] | RowError]:
    for entity in entities:
        problem = check_entity(entity, ref)
        if problem is not None:
            yield problem
            return
    for entity in entities:
        yield entity, ref


def read(path: Path) -> Reader:
    report = _Report()
    depth = 0
    transactions = 0
    root_seen = False
    try:
        with path.open("rb") as handle:
            for event, element in iterparse(handle, events=("start", "end")):
                if event == "start":
                    depth += 1
                    if depth == 1:
                        root_seen = True
                        if _tag(element) != "report":
                            raise InvalidInput(
                                f"{path.name}: not a goAML report (the root element is "
                                f"<{_tag(element)}>, expected <report>)"
                            )
                    continue
                depth -= 1
                if depth != 1:
                    continue
                tag = _tag(element)
                if tag in _HEADER:
                    report.header[tag] = (element.text or "").strip()
                elif tag == "currency_code_local":
                    report.header["currency"] = (element.text or "").strip()
                elif tag == "transaction":
                    transactions += 1
                    yield from report.transaction(element, transactions)
                elif tag == "activity":
                    yield from report.activity(element)
                element.clear()
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        where = "truncated" if "no element found" in str(error) or "unclosed" in str(error) else ""
        raise InvalidInput(
            f"{path.name}: XML is malformed at line {line}, column {column}"
            + (f" (the file looks {where})" if where else "")
        ) from error
    except DefusedXmlException as error:
        raise InvalidInput(
            f"{path.name}: XML uses DTDs or entities, which are refused ({type(error).__name__})"
        ) from error
    if not root_seen:
        raise InvalidInput(f"{path.name}: no XML content")
