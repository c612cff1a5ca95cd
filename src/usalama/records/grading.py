"""Grading and handling codes: Europol's 4x4 and SIENA handling codes, with TLP 2.0.

Source reliability: A completely reliable, B usually reliable, C not usually reliable,
X cannot be assessed. Information assessment: 1 known to be true without reservation,
2 known personally to the source, 3 not known personally but corroborated, 4 cannot be judged.
Handling codes: H0 no restriction beyond the law, H1 not to be used as evidence in judicial
proceedings without the originator's permission, H2 not to be passed on (no onward
dissemination) without the originator's permission, H3 other restrictions stated by the originator.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Reliability(models.TextChoices):
    A = "A", _("A — completely reliable")
    B = "B", _("B — usually reliable")
    C = "C", _("C — not usually reliable")
    X = "X", _("X — cannot be assessed")


class Assessment(models.TextChoices):
    KNOWN_TRUE = "1", _("1 — known to be true without reservation")
    KNOWN_TO_SOURCE = "2", _("2 — known personally to the source")
    CORROBORATED = "3", _("3 — not known personally but corroborated")
    CANNOT_JUDGE = "4", _("4 — cannot be judged")


class Handling(models.TextChoices):
    H0 = "H0", _("H0 — no restriction beyond the law")
    H1 = "H1", _("H1 — not for use as evidence without the originator's permission")
    H2 = "H2", _("H2 — no onward dissemination without the originator's permission")
    H3 = "H3", _("H3 — other restrictions stated by the originator")


class Tlp(models.TextChoices):
    CLEAR = "CLEAR", "TLP:CLEAR"
    GREEN = "GREEN", "TLP:GREEN"
    AMBER = "AMBER", "TLP:AMBER"
    AMBER_STRICT = "AMBER+STRICT", "TLP:AMBER+STRICT"
    RED = "RED", "TLP:RED"


# Codes under which a record may not leave the originating agency (export, sharing) unless
# the originator itself does it.
NO_ONWARD_DISSEMINATION = frozenset({Handling.H2, Handling.H3})
