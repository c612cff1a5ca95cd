from django.utils.translation import gettext_lazy as _

from usalama.accounts.menus import MenuItem, with_roles
from usalama.community.services import APPROVE_ROLES, BARAZA_ROLES, DRAFT_ROLES

ITEMS = [
    MenuItem(
        "community_alerts",
        _("Ward alerts"),
        "community:alerts",
        with_roles(*DRAFT_ROLES, *APPROVE_ROLES),
        order=15,
    ),
    MenuItem("barazas", _("Barazas"), "community:barazas", with_roles(*BARAZA_ROLES), order=16),
]
