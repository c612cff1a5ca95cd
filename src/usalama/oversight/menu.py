from typing import Any

from django.utils.translation import gettext_lazy as _

from usalama.accounts.menus import MenuItem, data_roles, everyone


def police_or_ipoa(user: Any) -> bool:
    return data_roles(user)


ITEMS = [
    MenuItem(
        "oversight", _("Complaints against police"), "oversight:complaints", data_roles, order=80
    ),
    MenuItem(
        "s25",
        _("Deaths and serious injuries (s. 25)"),
        "oversight:notifications",
        police_or_ipoa,
        order=81,
    ),
    MenuItem(
        "eis",
        _("Early intervention"),
        "oversight:flags",
        everyone,
        order=82,
    ),
]
