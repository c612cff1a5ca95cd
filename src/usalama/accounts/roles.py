"""Roles a user can hold, and what each role may see.

Kept apart from the models so that views, the API and services ask one question
("may this user see intelligence data?") instead of listing roles everywhere.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ANALYST = "analyst", _("Analyst")
    SUPERVISOR = "supervisor", _("Supervisor")
    DESK_OFFICER = "desk_officer", _("Desk officer")
    COMMANDER = "commander", _("Commander")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    OVERSIGHT_INVESTIGATOR = "oversight_investigator", _("Oversight investigator")
    WELLNESS_COUNSELLOR = "wellness_counsellor", _("Wellness counsellor")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    COURT_CLERK = "court_clerk", _("Court clerk")
    INTERNAL_AFFAIRS = "internal_affairs", _("Internal affairs officer")


# Roles that read intelligence, case or oversight records. A wellness counsellor and the
# administrators manage people and settings but never read records (separation of duties).
DATA_ROLES = frozenset(
    {
        Role.ANALYST,
        Role.SUPERVISOR,
        Role.DESK_OFFICER,
        Role.COMMANDER,
        Role.PROSECUTOR,
        Role.OVERSIGHT_INVESTIGATOR,
    }
)

# Roles whose holders must pass a second factor. The counsellor sees confidential referrals.
SECOND_FACTOR_ROLES = DATA_ROLES | {
    Role.COURT_CLERK,
    Role.INTERNAL_AFFAIRS,
    Role.WELLNESS_COUNSELLOR,
    Role.AGENCY_ADMIN,
    Role.SYSTEM_ADMIN,
}

ADMIN_ROLES = frozenset({Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN})
