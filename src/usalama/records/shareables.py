"""Things other than records that an agency can grant from the Sharing page (cases).

The sharing app may not import a domain app such as ``cases`` (import-linter: domain apps
talk only through the base apps), so a domain app that owns something shareable registers
a ``Shareable`` here at start-up. The Sharing page grants and revokes through it, so a case
granted from the Sharing page *is* the case app's own share (one mechanism, not two).

``records.signals.disseminated`` carries what the shareable granted, revoked or let another
agency read to the originator's dissemination log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class SharedItem:
    """One grant of a shareable, as the Sharing page lists it (given or received)."""

    id: int
    label: str
    url: str
    owner_code: str
    agency_code: str
    purpose: str
    conditions: str
    granted_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    active: bool
    read_only: bool


class Shareable(Protocol):
    kind: str

    def choices(self, user: Any) -> list[tuple[str, str]]:
        """What the user's agency owns and may grant: (value, label)."""

    def grant(
        self,
        user: Any,
        value: str,
        *,
        agency_code: str,
        purpose: str,
        conditions: str,
        expires_at: datetime | None,
    ) -> SharedItem:
        """Grant it read-only; raises InvalidInput, NotFound or PermissionDenied."""

    def revoke(self, user: Any, grant_id: int) -> SharedItem:
        """Revoke at once; NotFound unless the user's agency owns the grant."""

    def given(self, user: Any) -> list[SharedItem]: ...

    def received(self, user: Any) -> list[SharedItem]: ...


_REGISTRY: dict[str, Shareable] = {}


def register(shareable: Shareable) -> None:
    _REGISTRY[shareable.kind] = shareable


def get(kind: str) -> Shareable | None:
    return _REGISTRY.get(kind)
