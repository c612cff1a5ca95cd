from django.utils.translation import gettext_lazy as _

from usalama.accounts.menus import MenuItem, with_roles
from usalama.kpis.services import DASHBOARD_ROLES, TARGET_ROLES

ITEMS = [
    MenuItem("kpis", _("Indicators"), "kpis:dashboard", with_roles(*DASHBOARD_ROLES), order=12),
    MenuItem("kpi_targets", _("Targets"), "kpis:targets", with_roles(*TARGET_ROLES), order=13),
    MenuItem("kpi_pack", _("Monthly review"), "kpis:pack", with_roles(*DASHBOARD_ROLES), order=14),
]
