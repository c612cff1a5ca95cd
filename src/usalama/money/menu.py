from django.utils.translation import gettext_lazy as _

from usalama.accounts.menus import MenuItem, with_roles
from usalama.accounts.roles import Role

# Alerts and traces are analysts' work (and their supervisors').
ITEMS = [
    MenuItem(
        "money", _("Money"), "money:alerts", with_roles(Role.ANALYST, Role.SUPERVISOR), order=50
    )
]
