"""The demo's stages after the records are loaded: each area (ledger, policing, intake,
resolution, sharing, cases, oversight, …) brings its own module with one function,
``populate(context) -> list[Tip]``, listed in ``STAGES`` in the order they must run.

A stage must be idempotent (a second ``usalama demo`` changes nothing) and must leave
every role it serves with real work on its first page; the tips it returns are printed
after the logins, one thing to try per role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from rich.console import Console


@dataclass(frozen=True)
class Tip:
    """One thing to try, for one demo login (printed in English; the pages are bilingual)."""

    username: str
    text: str


@dataclass
class DemoContext:
    seed: int
    people: int
    world: Any  # usalama.demo.model.World
    agencies: dict[str, Any]  # code -> accounts.Agency
    collections: dict[str, Any]  # key -> records.Collection
    users: dict[str, Any]  # username -> accounts.User
    console: Console
    tips: list[Tip] = field(default_factory=list)


# (label shown while it runs, "module:function"). Add a line for a new area's stage.
STAGES: list[tuple[str, str]] = [
    ("grants between agencies", "usalama.demo.stage_sharing_grants:populate"),
    ("money: ledger synced and scanned", "usalama.demo.stage_money:populate"),
    ("policing: calls for service in Nairobi and Mombasa", "usalama.demo.stage_policing:populate"),
    ("intake: reports and tips in English and Swahili", "usalama.demo.stage_intake:populate"),
    ("a tipster's conversation, keys outside the data", "usalama.demo.stage_citizen:populate"),
    ("resolution: a finished run with a review queue", "usalama.demo.stage_resolve:populate"),
    ("sharing between agencies", "usalama.demo.stage_sharing:populate"),
    ("cases and the justice chain", "usalama.demo.stage_cases:populate"),
    ("sharing chosen entities and a case", "usalama.demo.stage_sharing_items:populate"),
    ("watchlists and alerts", "usalama.demo.stage_watchlists:populate"),
    ("administration and audit log", "usalama.demo.stage_admin:populate"),
    (
        "oversight: officers, complaints, early intervention, wellness",
        "usalama.demo.stage_oversight:populate",
    ),
    ("community: ward alerts, subscribers and barazas", "usalama.demo.stage_community:populate"),
    ("indicators computed, with targets", "usalama.demo.stage_kpis:populate"),
    ("communications: call records, a seized phone's chats", "usalama.demo.stage_comms:populate"),
    ("refused writes audited", "usalama.demo.stage_security:populate"),
    ("public portal: three months published", "usalama.demo.stage_public:populate"),
]


def _resolve(target: str) -> Callable[[DemoContext], list[Tip]]:
    module, _, name = target.partition(":")
    function: Callable[[DemoContext], list[Tip]] = getattr(import_module(module), name)
    return function


def run_stages(context: DemoContext) -> list[Tip]:
    for label, target in STAGES:
        context.console.print(f"  · {label}…")
        context.tips.extend(_resolve(target)(context))
    return context.tips
