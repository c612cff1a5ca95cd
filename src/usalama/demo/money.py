"""Money in the demo world: bank accounts, mobile-money wallets, crypto wallets and
payments.

FtM has no wallet schema, so a mobile-money wallet is a ``BankAccount`` with
``accountType`` "mobile money", ``accountNumber`` = the MSISDN (E.164) and
``bankName`` = the service ("M-Pesa (Safaricom)", "Airtel Money", ...): that keeps
``Payment.payerAccount``/``beneficiaryAccount`` (range ``BankAccount``) usable for
every hop. FtM 4's ``BankAccount`` has no holder property, so the holder is an
``Ownership`` (owner = person/company record, asset = account, role "account
holder"); a ``CryptoWallet`` names its holder in its own ``holder`` property.
"""

from __future__ import annotations

from datetime import date, timedelta

from usalama.demo import formats
from usalama.demo.builder import COLLECTION_AGENCY, WorldBuilder
from usalama.demo.model import make_entity

__all__ = [
    "MOBILE_MONEY",
    "add_account",
    "add_crypto_wallet",
    "add_payment",
    "make_accounts",
    "mobile_money_provider",
]


MOBILE_MONEY = {
    "KE": ("M-Pesa (Safaricom)", "Airtel Money", "T-Kash (Telkom)"),
    "UG": ("MTN Mobile Money", "Airtel Money Uganda"),
    "TZ": ("M-Pesa (Vodacom Tanzania)", "Airtel Money Tanzania"),
}
_AIRTEL_KE = ("+25473", "+25475", "+25478", "+25410")
_CURRENCY = {"KE": "KES", "UG": "UGX", "TZ": "TZS"}


def mobile_money_provider(msisdn: str) -> str:
    """The mobile-money service behind a number, from its operator range."""
    if msisdn.startswith("+256"):
        return MOBILE_MONEY["UG"][0 if msisdn[4:6] in ("77", "78", "76") else 1]
    if msisdn.startswith("+255"):
        return MOBILE_MONEY["TZ"][0 if msisdn[4:6] in ("74", "75", "76") else 1]
    if msisdn.startswith("+25477"):
        return MOBILE_MONEY["KE"][2]
    return MOBILE_MONEY["KE"][1 if msisdn.startswith(_AIRTEL_KE) else 0]


def add_account(
    b: WorldBuilder,
    collection: str,
    holder_id: str,
    kind: str,
    *,
    country: str = "KE",
    msisdn: str | None = None,
    bank: formats.Bank | None = None,
    name: str | None = None,
) -> str:
    """A ``BankAccount`` (``kind`` ``"bank"``) or mobile-money wallet (``"mobile"``,
    also a ``BankAccount``: accountNumber = MSISDN, bankName = service) with an
    ``Ownership`` (role "account holder") from ``holder_id``."""
    rng = b.rng
    agency = COLLECTION_AGENCY[collection]
    aid = b.new_id(agency, "acc")
    if kind == "mobile":
        assert msisdn is not None
        props: dict[str, object] = {
            "accountNumber": msisdn,
            "bankName": mobile_money_provider(msisdn),
            "accountType": "mobile money",
            "currency": _CURRENCY[country],
            "country": country.lower(),
            "name": name,
        }
    else:
        bank = bank or rng.choice(formats.BANKS)
        props = {
            "accountNumber": formats.bank_account_number(bank, rng),
            "bankName": bank.name,
            "bic": bank.bic,
            "accountType": rng.choice(("current", "savings")),
            "currency": "KES",
            "country": "ke",
            "name": name,
            "openingDate": (date(2005, 1, 1) + timedelta(days=rng.randrange(0, 6900))).isoformat(),
        }
    b.add(collection, make_entity("BankAccount", aid, props))
    b.add(
        collection,
        make_entity(
            "Ownership",
            b.new_id(agency, "own"),
            {
                "owner": holder_id,
                "asset": aid,
                "role": "account holder",
            },
        ),
    )
    return aid


def add_payment(
    b: WorldBuilder,
    collection: str,
    payer: tuple[str, str],
    beneficiary: tuple[str, str],
    amount: float,
    currency: str,
    when: date,
    purpose: str | None = None,
    reference: str | None = None,
) -> str:
    """A ``Payment`` from ``payer`` to ``beneficiary``, each ``(holder_id, account_id)``."""
    agency = COLLECTION_AGENCY[collection]
    amount_text = f"{amount:.2f}".removesuffix(".00")
    return b.add(
        collection,
        make_entity(
            "Payment",
            b.new_id(agency, "pay"),
            {
                "payer": payer[0],
                "payerAccount": payer[1],
                "beneficiary": beneficiary[0],
                "beneficiaryAccount": beneficiary[1],
                "amount": amount_text,
                "currency": currency,
                "date": when.isoformat(),
                "transactionNumber": reference or formats.mpesa_code(b.rng),
                "purpose": purpose,
            },
        ),
    )


def make_accounts(b: WorldBuilder) -> None:
    """Bank accounts, mobile-money wallets and crypto wallets reported to FRC, a few
    wallets seized by DCI, and everyday payments between them."""
    rng = b.rng
    str_ = "frc-str"
    accounts: list[tuple[str, str, str]] = []  # (holder id, account id, currency)
    for person in b.people:
        if person.reserved:
            continue
        if rng.random() < 0.05 and person.country == "KE":
            holder = b.ensure_person(person, str_)
            accounts.append(
                (holder, add_account(b, str_, holder, "bank", name=person.name.full), "KES")
            )
        if rng.random() < 0.08:
            holder = b.ensure_person(person, str_)
            accounts.append(
                (
                    holder,
                    add_account(
                        b, str_, holder, "mobile", country=person.country, msisdn=person.phones[0]
                    ),
                    _CURRENCY[person.country],
                )
            )
        if "dci-investigations" in person.records and rng.random() < 0.05:
            holder = person.records["dci-investigations"][0]
            add_account(
                b,
                "dci-investigations",
                holder,
                "mobile",
                country=person.country,
                msisdn=person.phones[0],
            )
        if rng.random() < 0.02 and person.country == "KE":
            holder = b.ensure_person(person, str_)
            add_crypto_wallet(b, str_, holder, rng.random() < 0.7)
    for company in b.companies:
        if company.reserved or rng.random() > 0.9:
            continue
        holder = b.ensure_company(company, str_)
        accounts.append((holder, add_account(b, str_, holder, "bank", name=company.name), "KES"))
    for _ in range(len(accounts) * 3):
        (p_holder, p_acc, cur), (r_holder, r_acc, _cur) = rng.sample(accounts, 2)
        amount = round(min(rng.lognormvariate(8.5, 1.6), 4_000_000), 0)
        if cur == "UGX":
            amount *= 28
        elif cur == "TZS":
            amount *= 18
        when = date(2023, 1, 1) + timedelta(days=rng.randrange(0, 900))
        add_payment(
            b,
            str_,
            (p_holder, p_acc),
            (r_holder, r_acc),
            amount,
            cur,
            when,
            rng.choice(
                ("goods", "school fees", "rent", "loan repayment", "transfer", "business", None)
            ),
        )


def add_crypto_wallet(
    b: WorldBuilder, collection: str, holder_id: str, bitcoin: bool, exchange: str | None = None
) -> str:
    """A ``CryptoWallet`` (address in ``cryptoAddress`` and ``publicKey``; holder via
    the wallet's own ``holder`` property)."""
    rng = b.rng
    address = formats.btc_address(rng) if bitcoin else formats.eth_address(rng)
    agency = COLLECTION_AGENCY[collection]
    return b.add(
        collection,
        make_entity(
            "CryptoWallet",
            b.new_id(agency, "cw"),
            {
                "cryptoAddress": address,
                "publicKey": address,
                "blockchain": "Bitcoin" if bitcoin else "Ethereum",
                "currencySymbol": "BTC" if bitcoin else "ETH",
                "holder": holder_id,
                "managingExchange": exchange,
                "custodyType": "custodial" if exchange else "self-custody",
            },
        ),
    )
