"""Disclosure control for published counts: primary and secondary cell suppression, and an
auditor that tries to recover every suppressed cell from what is published.

No Django: plain dataclasses in, plain dataclasses out (see ``docs/public-portal.md``).
"""

from usalama.analysis.disclosure.audit import Interval, audit, intervals
from usalama.analysis.disclosure.suppress import (
    DEFAULT_K,
    MIN_K,
    Cell,
    Protected,
    Table,
    build_table,
    check_k,
    protect,
)

__all__ = [
    "DEFAULT_K",
    "MIN_K",
    "Cell",
    "Interval",
    "Protected",
    "Table",
    "audit",
    "build_table",
    "check_k",
    "intervals",
    "protect",
]
