"""Synthetic, deterministic multi-agency demo world (pure Python, no Django).

Public API (also exported by :mod:`usalama.demo`)::

    generate_world(seed: int = 7, people: int = 5000) -> DemoWorld
    generate_person_table(n: int, seed: int = 7, duplicate_share: float = 0.3) -> polars.DataFrame

    @dataclass(frozen=True) DemoAgency(code, name, country, kind)
    @dataclass(frozen=True) DemoCollection(key, agency, label, summary,
                                           reliability, assessment, handling, tlp)
    @dataclass(frozen=True) DemoRecord(collection: str, entity: dict)   # .id, .schema
    @dataclass DemoWorld(seed, agencies, collections, records, truth, scenarios)
        .record(entity_id) / .by_schema(schema) / .to_json() / .digest()

The same seed gives a byte-identical world (``world.to_json()``); nothing is read
from outside the package (places come from ``usalama/data/geo``).

What the world holds (see ``docs/demo-data.md`` for the details):

* seven agencies (NPS, DCI, ODPP, IPOA, FRC and partners UPF, TPF) and ten
  collections with default grading (reliability, assessment, handling code, TLP);
* ``people`` true people with East African names, dates of birth, Kenyan ID numbers,
  KRA PINs, E.164 phones, e-mails and addresses in real wards/towns with coordinates;
  each is recorded as FtM ``Person`` entities by one or more agencies (about 30% by
  several), spelled and filled in differently; ``truth`` maps each Person/Company
  record id to its true id;
* ``Company`` records with BRS numbers, ``Directorship`` and ``Ownership``;
  ``BankAccount`` (banks, and mobile-money wallets: accountNumber = MSISDN,
  bankName = "M-Pesa (Safaricom)" etc.), account holders as ``Ownership`` with role
  "account holder", ``CryptoWallet`` (holder via ``holder``); ``Payment``, ``Call``,
  ``Family``, ``Associate``, ``Membership`` and ``Address`` entities;
* planted scenarios in ``world.scenarios``: ``cross_agency_suspect``,
  ``hidden_path`` and ``layering``.
"""

from __future__ import annotations

from usalama.demo import companies, money, populate, scenarios
from usalama.demo.builder import WorldBuilder
from usalama.demo.model import (
    AGENCIES,
    COLLECTIONS,
    DemoAgency,
    DemoCollection,
    DemoRecord,
    DemoWorld,
)
from usalama.demo.table import generate_person_table

__all__ = [
    "DemoAgency",
    "DemoCollection",
    "DemoRecord",
    "DemoWorld",
    "generate_person_table",
    "generate_world",
]


def generate_world(seed: int = 7, people: int = 5000) -> DemoWorld:
    """Build the demo world for ``seed`` with ``people`` background true people.

    Deterministic: equal arguments give an equal world, down to ``to_json()``. The
    three planted scenarios add a dozen more true people on top of ``people``.
    """
    if people < 10:
        raise ValueError("people must be at least 10")
    b = WorldBuilder(seed)
    families = populate.make_people(b, people)
    populate.relationship_records(b, families)
    companies.make_companies(b, max(10, people // 12))
    money.make_accounts(b)
    populate.make_calls(b, max(10, people // 5))
    populate.make_memberships(b)
    planted = {
        "cross_agency_suspect": scenarios.cross_agency_suspect(b),
        "hidden_path": scenarios.hidden_path(b),
        "layering": scenarios.layering(b),
    }
    return DemoWorld(
        seed=seed,
        agencies=list(AGENCIES),
        collections=list(COLLECTIONS),
        records=b.records,
        truth=b.truth,
        scenarios=planted,
    )
