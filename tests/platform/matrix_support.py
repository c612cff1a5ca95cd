"""What the authorization matrix (test_authorization_matrix.py) and its per-area modules
(tests/platform/matrix_areas/*.py) share: the access kinds, a rule, and the world an area
module builds its objects in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PUBLIC = "public"  # anyone, no login (the citizen side, health, login pages)
SECRET = "secret"  # a shared secret (gateway webhooks, peers); a wrong one answers 4xx
SIGNED_IN = "signed_in"  # any signed-in user; no object of an agency in the path
READ = "read"  # reads what the caller's agency owns or was granted
WRITE = "write"  # changes something: only the owning agency (a grant is read-only)
ADMIN = "admin"  # administrators only
PEER = "peer"  # another installation: its peer token and signature; none or wrong is 401/403
# a sensor token (scope "sensor") only; every person's token is refused (403). The world's
# params hold "sensor_token" (raw), and every other API row is checked to refuse that token.
SENSOR = "sensor"

ROLES = [
    "analyst",
    "supervisor",
    "desk_officer",
    "commander",
    "prosecutor",
    "oversight_investigator",
    "wellness_counsellor",
    "agency_admin",
    "system_admin",
    "court_clerk",
    "internal_affairs",
]
# own: the agency that owns every object; granted: holds a read-only grant or share of it;
# foreign: no relation to it.
CONTEXTS = {"own": "DCI", "granted": "ODPP", "foreign": "FRC"}


@dataclass(frozen=True)
class Rule:
    access: str
    body: dict[str, Any] | None = None
    query: dict[str, str] = field(default_factory=dict)
    multipart: bool = False
    # path parameter name -> key in the world's params, where two areas use one name for
    # different objects (e.g. {"reference": "case_reference"}, {"pk": "complaint_id"})
    rename: dict[str, str] = field(default_factory=dict)


@dataclass
class AreaContext:
    """Handed to each area module's ``build``: DCI owns ``collection`` (its entities include
    the people ``dci-p1`` and ``dci-p2``) and granted it to ODPP read-only."""

    agencies: dict[str, Any]  # code -> Agency (DCI, ODPP, FRC)
    users: dict[tuple[str, str], Any]  # (role, context) -> User
    collection: Any  # DCI's records.Collection, granted to ODPP
    actor: Any  # audit Actor for set-up writes
    settings: Any  # pytest-django settings fixture
