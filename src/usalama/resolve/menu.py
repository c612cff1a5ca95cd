from django.utils.translation import gettext_lazy as _

from usalama.accounts.menus import MenuItem, with_roles
from usalama.accounts.roles import Role

# Those who may run resolution review its matches (usalama.resolve.runs.RUN_ROLES).
ITEMS = [
    MenuItem(
        "resolution",
        _("Resolution"),
        "resolve:review",
        with_roles(Role.ANALYST, Role.SUPERVISOR),
        order=60,
    )
]
