"""The planted scenarios: small stories with known answers, hidden in the demo world.

Each function writes its records through the :class:`WorldBuilder` and returns a
JSON-ready dict that ``DemoWorld.scenarios[name]`` keeps. People and companies made
here are ``reserved``: the random background never links to them, so the only
connections are the planted ones.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from usalama.demo import formats
from usalama.demo.builder import TruePerson, WorldBuilder
from usalama.demo.companies import new_company
from usalama.demo.model import make_entity
from usalama.demo.money import add_account, add_crypto_wallet, add_payment, mobile_money_provider
from usalama.demo.names import COMMUNITIES, NameParts
from usalama.demo.populate import random_name

__all__ = ["STRUCTURING_THRESHOLD_KES", "cross_agency_suspect", "hidden_path", "layering"]

STRUCTURING_THRESHOLD_KES = 1_000_000
_COMMUNITY = {c.key: c for c in COMMUNITIES}


def _mpesa_person(b: WorldBuilder, community_key: str, gender: str) -> TruePerson:
    """A reserved Kenyan whose first phone is a Safaricom (M-Pesa) number."""
    community = _COMMUNITY[community_key]
    person = b.new_person(community, gender, random_name(community, gender, b.rng), reserved=True)
    while mobile_money_provider(person.phones[0]) != "M-Pesa (Safaricom)":
        person.phones[0] = b.new_phone("KE")
    return person


def cross_agency_suspect(b: WorldBuilder) -> dict[str, Any]:
    """One man recorded three ways: "Mohamed Abdi Hassan" at DCI, "Mohammed Hassan
    Abdi" at FRC (spelling variant and swapped order, same phone and ID number) and
    "M. A. Hassan" with a Ugandan phone at UPF (no ID number)."""
    person = b.new_person(
        _COMMUNITY["somali"],
        "male",
        NameParts("Mohamed", "Abdi", "Hassan"),
        birth_date=date(1984, 3, 12),
        county="Nairobi",
        reserved=True,
    )
    if person.kra_pin is None:
        person.kra_pin = formats.kra_pin(b.rng)
    dci = b.person_record(person, "dci-investigations", first=True)
    frc = b.person_record(
        person,
        "frc-str",
        parts=NameParts("Mohammed", "Hassan", "Abdi"),
        phone=person.phones[0],
        keep=("idNumber", "taxNumber", "birthDate"),
    )
    ug_phone = b.new_phone("UG")
    person.phones.append(ug_phone)
    upf = b.person_record(
        person,
        "upf-cross-border",
        name="M. A. Hassan",
        phone=ug_phone,
        keep=("birthDate",),
        drop=("idNumber", "taxNumber", "email"),
    )
    return {
        "description": "Same man at DCI, FRC and UPF under three renderings of his name.",
        "true_id": person.tid,
        "records": {"DCI": dci, "FRC": frc, "UPF": upf},
        "collections": {"DCI": "dci-investigations", "FRC": "frc-str", "UPF": "upf-cross-border"},
        "names": {
            "DCI": "Mohamed Abdi Hassan",
            "FRC": "Mohammed Hassan Abdi",
            "UPF": "M. A. Hassan",
        },
        "phones": {"DCI": person.phones[0], "FRC": person.phones[0], "UPF": ug_phone},
    }


def hidden_path(b: WorldBuilder) -> dict[str, Any]:
    """Person A (NPS) and person B (FRC) share nothing directly. A gave the phone of
    M as contact; DCI holds M with that phone; FRC's register holds M (same phone and
    ID number) as director of a company that B owns."""
    rng = b.rng
    person_a = b.new_person(
        _COMMUNITY["luo"], "male", random_name(_COMMUNITY["luo"], "male", rng), reserved=True
    )
    middle = b.new_person(
        _COMMUNITY["kikuyu"], "male", random_name(_COMMUNITY["kikuyu"], "male", rng), reserved=True
    )
    person_b = b.new_person(
        _COMMUNITY["kalenjin"],
        "female",
        random_name(_COMMUNITY["kalenjin"], "female", rng),
        reserved=True,
    )
    shared_phone = middle.phones[0]
    a_nps = b.person_record(person_a, "nps-occurrence-book", first=True, phone=shared_phone)
    m_dci = b.person_record(middle, "dci-investigations", first=True)
    register = "frc-beneficial-ownership"
    m_frc = b.person_record(middle, register, phone=shared_phone, keep=("idNumber",))
    company = new_company(b, reserved=True)
    company_id = b.company_record(company, register, first=True)
    b_frc = b.person_record(person_b, register, first=True)
    directorship = b.add(
        register,
        make_entity(
            "Directorship",
            b.new_id("FRC", "dir"),
            {
                "director": m_frc,
                "organization": company_id,
                "role": "director",
                "startDate": company.incorporated.isoformat(),
            },
        ),
    )
    ownership = b.add(
        register,
        make_entity(
            "Ownership",
            b.new_id("FRC", "own"),
            {
                "owner": b_frc,
                "asset": company_id,
                "percentage": "100",
                "role": "shareholder",
                "startDate": company.incorporated.isoformat(),
            },
        ),
    )
    return {
        "description": "A (NPS) reaches B (FRC) only through a shared phone and a company.",
        "person_a": a_nps,
        "person_b": b_frc,
        "true_ids": {
            "person_a": person_a.tid,
            "intermediary": middle.tid,
            "person_b": person_b.tid,
            "company": company.tid,
        },
        "shared_phone": shared_phone,
        "company": company_id,
        "intermediaries": [m_dci, m_frc, company_id],
        "links": {"directorship": directorship, "ownership": ownership},
        "path": [a_nps, m_dci, m_frc, company_id, b_frc],
        "path_via": ["phone", "same person (phone, idNumber)", "Directorship", "Ownership"],
    }


def layering(b: WorldBuilder) -> dict[str, Any]:
    """Bank → M-Pesa → crypto: a large cash deposit, structured transfers just under
    KES 1,000,000 to associates' M-Pesa wallets (fan-out), on to one collector wallet
    (fan-in), into an exchange account, withdrawn to a Bitcoin wallet."""
    rng = b.rng
    str_ = "frc-str"
    principal = _mpesa_person(b, "kikuyu", "male")
    p_id = b.person_record(principal, str_, first=True)
    source = add_account(b, str_, p_id, "bank", bank=formats.BANKS[0], name=principal.name.full)
    day = date(2024, 5, 6) + timedelta(days=rng.randrange(0, 60))

    associates = [
        _mpesa_person(b, rng.choice(("kikuyu", "kamba", "luhya")), rng.choice(("male", "female")))
        for _ in range(6)
    ]
    collector = _mpesa_person(b, "meru", "female")
    c_id = b.person_record(collector, str_, first=True)
    collector_wallet = add_account(b, str_, c_id, "mobile", msisdn=collector.phones[0])

    amounts = [rng.randrange(950_000, 999_900, 100) for _ in associates]
    deposit_amount = sum(amounts) + rng.randrange(10_000, 90_000, 1_000)
    deposit = add_payment(
        b, str_, (p_id, ""), (p_id, source), deposit_amount, "KES", day, "cash deposit at branch"
    )
    fan_out: list[str] = []
    associate_ids: list[str] = []
    structuring: list[str] = []
    fan_in: list[str] = []
    total_in = 0
    for i, (person, amount) in enumerate(zip(associates, amounts, strict=True)):
        a_id = b.person_record(person, str_, first=True)
        associate_ids.append(a_id)
        b.add(
            str_,
            make_entity(
                "Associate",
                b.new_id("FRC", "aso"),
                {
                    "person": p_id,
                    "associate": a_id,
                    "relationship": "associate (named in STR)",
                },
            ),
        )
        wallet = add_account(b, str_, a_id, "mobile", msisdn=person.phones[0])
        fan_out.append(wallet)
        structuring.append(
            add_payment(
                b,
                str_,
                (p_id, source),
                (a_id, wallet),
                amount,
                "KES",
                day + timedelta(days=i // 3),
                "bank to M-Pesa transfer",
            )
        )
        forwarded = amount - rng.randrange(2_000, 15_000, 100)
        total_in += forwarded
        fan_in.append(
            add_payment(
                b,
                str_,
                (a_id, wallet),
                (c_id, collector_wallet),
                forwarded,
                "KES",
                day + timedelta(days=2 + i // 2),
                "send money",
            )
        )
    exchange = new_company(b, reserved=True)
    exchange.name = "Nyota Digital Assets Limited"
    exchange.sector = "virtual asset service provider"
    exchange.email = "compliance@nyotadigital.co.ke"
    exchange_company = b.company_record(exchange, str_, first=True)
    exchange_account = add_account(
        b,
        str_,
        c_id,
        "bank",
        bank=formats.Bank(exchange.name, "", 12, "88"),
        name=f"{collector.name.full} (exchange customer account)",
    )
    b.records[-2].entity["properties"]["accountType"] = ["virtual asset exchange account"]
    b.records[-2].entity["properties"]["bank"] = [exchange_company]
    purchase_day = day + timedelta(days=9)
    exchange_payment = add_payment(
        b,
        str_,
        (c_id, collector_wallet),
        (exchange_company, exchange_account),
        total_in,
        "KES",
        purchase_day,
        "crypto purchase (M-Pesa paybill)",
    )
    crypto_wallet = add_crypto_wallet(b, str_, c_id, bitcoin=True)
    btc = round(total_in / 9_000_000, 4)  # about KES 9m per BTC in mid-2024
    withdrawal = b.add(
        str_,
        make_entity(
            "UnknownLink",
            b.new_id("FRC", "lnk"),
            {
                "subject": exchange_account,
                "object": crypto_wallet,
                "role": "crypto withdrawal",
                "date": (purchase_day + timedelta(days=1)).isoformat(),
                "description": f"Withdrawal of {btc} BTC (about KES {total_in:,}) to the wallet",
            },
        ),
    )
    return {
        "description": "Bank deposit, structured transfers to M-Pesa, fan-in, crypto.",
        "currency": "KES",
        "threshold": STRUCTURING_THRESHOLD_KES,
        "accounts": [source, *fan_out, collector_wallet, exchange_account, crypto_wallet],
        "source_account": source,
        "fan_out_accounts": fan_out,
        "collector_account": collector_wallet,
        "exchange_account": exchange_account,
        "crypto_wallet": crypto_wallet,
        "deposit_payment": deposit,
        "structuring_payments": structuring,
        "fan_in_payments": fan_in,
        "exchange_payment": exchange_payment,
        "withdrawal_link": withdrawal,
        "principal": p_id,
        "associates": associate_ids,
        "collector": c_id,
        "exchange": exchange_company,
        "deposit_amount": deposit_amount,
        "structured_amounts": amounts,
    }
