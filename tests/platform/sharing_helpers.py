"""What the sharing tests share: a supervisor in each of two agencies on top of the shared
``world``, and whether a user sees an entity."""

from __future__ import annotations

from typing import Any

from tests.platform.clients import PASSWORD
from usalama.core.errors import NotFound


def add_supervisors(world: dict[str, Any], *codes: str) -> dict[str, Any]:
    """The world's users plus ``<code>.supervisor`` for each agency code, made in that order."""
    from usalama.accounts import services as accounts
    from usalama.audit.services import Actor

    made = {}
    for code in codes:
        username = f"{code.lower()}.supervisor"
        made[username] = accounts.create_user(
            Actor(name="test"),
            username=username,
            agency=world["agencies"][code],
            roles=["supervisor"],
            password=PASSWORD,
        ).user
    return {**world["users"], **made}


def sees(user: Any, entity_id: str) -> bool:
    from usalama.records import services as records

    try:
        records.get_entity(user, entity_id)
    except NotFound:
        return False
    return True
