"""Swahili (and other) labels for the FollowTheMoney schemata and properties people see most.

FtM ships no Swahili catalogue, so these English labels are marked here for extraction into
ours; ``translate_label`` looks any label up at request time in the active language.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

FTM_LABELS = [
    gettext_noop("Person"),
    gettext_noop("Company"),
    gettext_noop("Organization"),
    gettext_noop("Bank account"),
    gettext_noop("Crypto wallet"),
    gettext_noop("Payment"),
    gettext_noop("Address"),
    gettext_noop("Directorship"),
    gettext_noop("Ownership"),
    gettext_noop("Family"),
    gettext_noop("Associate"),
    gettext_noop("Membership"),
    gettext_noop("Call"),
    gettext_noop("Legal entity"),
    gettext_noop("Name"),
    gettext_noop("First name"),
    gettext_noop("Middle name"),
    gettext_noop("Last name"),
    gettext_noop("Birth date"),
    gettext_noop("Gender"),
    gettext_noop("Nationality"),
    gettext_noop("ID Number"),
    gettext_noop("Tax Number"),
    gettext_noop("Phone"),
    gettext_noop("E-Mail"),
    gettext_noop("Country"),
    gettext_noop("Registration number"),
    gettext_noop("Incorporation date"),
    gettext_noop("Account number"),
    gettext_noop("Bank name"),
    gettext_noop("Account type"),
    gettext_noop("Currency"),
    gettext_noop("Amount"),
    gettext_noop("Date"),
    gettext_noop("Summary"),
    gettext_noop("Notes"),
    gettext_noop("Alias"),
    gettext_noop("Address"),
    gettext_noop("Role"),
    gettext_noop("Relationship"),
    gettext_noop("Cryptocurrency address"),
    gettext_noop("Holder"),
    gettext_noop("Jurisdiction"),
    gettext_noop("Place of birth"),
    # relationship schemata, as link types on the link chart
    gettext_noop("Case party"),
    gettext_noop("Contract award"),
    gettext_noop("Control"),
    gettext_noop("Debt"),
    gettext_noop("Employment"),
    gettext_noop("Message"),
    gettext_noop("Occupancy"),
    gettext_noop("Project participant"),
    gettext_noop("Representation"),
    gettext_noop("Succession"),
    gettext_noop("Other link"),
]


def translate_label(label: str) -> str:
    return gettext(label)
