"""What the portal calls each row, in English and Swahili (gettext; Swahili in scripts/sw)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from usalama.intake.categories import BY_CODE

LEVELS = {
    "national": _("Kenya"),
    "county": _("County"),
    "subcounty": _("Sub-county"),
    "ward": _("Ward"),
}
CHILD_LEVEL = {"national": "county", "county": "subcounty", "subcounty": "ward"}
COMPLAINT_GROUPS = {
    "open": _("Still being handled"),
    "inadmissible": _("Not admissible"),
    "prosecution": _("Recommended for prosecution"),
    "disciplinary_iau": _("Disciplinary action (Internal Affairs Unit)"),
    "disciplinary_npsc": _("Disciplinary action (National Police Service Commission)"),
    "no_further_action": _("No further action"),
    None: _("All complaints received"),
}
RESPONSE_GROUPS = {
    "P1": _("Priority 1 (life in danger)"),
    "P2": _("Priority 2 (urgent)"),
    "P3": _("Priority 3"),
    "P4": _("Priority 4"),
    "other": _("Priority not recorded"),
    None: _("All calls"),
}
JUSTICE_MEASURES = {
    "charged": _("Accused charged in court"),
    "judgments": _("Judgments delivered"),
    "convictions": _("Convictions"),
    "pending_at_end": _("Accused awaiting judgment at the end of the month"),
    "clearance_rate": _("Clearance rate (judgments per accused charged)"),
    "conviction_rate": _("Conviction rate (share of judgments)"),
    "disposition_time_days": _("Time to disposition (days, pending ÷ judgments × days)"),
    "median_days_report_to_charge": _("Median days from report to charge"),
}
RATES = {"clearance_rate", "conviction_rate"}


def category_name(code: str | None, language: str) -> Any:
    """The category's name in ``language``; the total's label stays lazy (rendered in the
    page's language, whatever language is active when this is called)."""
    if code is None:
        return _("All categories")
    category = BY_CODE.get(code)
    return category.name(language) if category else code
