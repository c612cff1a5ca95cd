"""Translated labels for the early-intervention model's factors (the engine names them)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

LABELS: dict[str, Any] = {
    "alleg_6m": _("Allegations, last 6 months"),
    "alleg_1y": _("Allegations, last 12 months"),
    "alleg_2y": _("Allegations, last 2 years"),
    "alleg_5y": _("Allegations, last 5 years"),
    "alleg_all": _("Allegations, whole career"),
    "complaints_1y": _("Complaints, last 12 months"),
    "complaints_5y": _("Complaints, last 5 years"),
    "force_alleg_1y": _("Excessive-force allegations, last 12 months"),
    "force_alleg_5y": _("Excessive-force allegations, last 5 years"),
    "force_alleg_all": _("Excessive-force allegations, whole career"),
    "sustained_5y": _("Sustained findings, last 5 years"),
    "sustained_all": _("Sustained findings, whole career"),
    "not_sustained_all": _("Not-sustained findings, whole career"),
    "unfounded_all": _("Unfounded or exonerated findings, whole career"),
    "open_2y": _("Allegations still open, last 2 years"),
    "alleg_trend": _("Change in allegations over the year before"),
    "days_since_complaint": _("Days since the last complaint"),
    "force_reports_1y": _("Use-of-force reports, last 12 months"),
    "force_reports_5y": _("Use-of-force reports, last 5 years"),
    "firearm_5y": _("Firearm uses, last 5 years"),
    "taser_1y": _("Taser uses, last 12 months"),
    "taser_5y": _("Taser uses, last 5 years"),
    "injured_5y": _("Force reports with the officer injured, last 5 years"),
    "unit_changes_5y": _("Unit changes, last 5 years"),
    "days_in_unit": _("Days in the current unit"),
    "unit_alleg_rate_1y": _("Allegations per officer in the unit, last 12 months"),
    "unit_force_rate_1y": _("Excessive-force allegations per officer in the unit, last 12 months"),
    "service_years": _("Years of service"),
}


def label(feature: str) -> str:
    if feature in LABELS:
        return str(LABELS[feature])
    if feature.startswith("cat_"):
        _prefix, group, window = feature.split("_", 2)
        if window == "1y":
            return str(_("Allegations in category %(code)s, last 12 months") % {"code": group})
        return str(_("Allegations in category %(code)s, last 5 years") % {"code": group})
    return feature


def describe(factors: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(label, value) pairs for a flag's stored factors."""
    out = []
    for item in factors:
        value = item.get("value")
        text = f"{value:g}" if isinstance(value, int | float) else str(value)
        out.append((label(str(item.get("feature", ""))), text))
    return out


# The fairness audit's groupings (``analysis.oversight.fairness.GROUPINGS``).
GROUPING_LABELS: dict[str, Any] = {
    "race": _("race"),
    "gender": _("gender"),
    "age_band": _("age band"),
}


def grouping_label(grouping: str) -> str:
    return str(GROUPING_LABELS.get(grouping, grouping))
