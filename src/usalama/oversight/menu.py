from typing import Any

from django.utils.translation import gettext_lazy as _

from usalama.accounts.menus import MenuItem, data_roles, everyone, with_roles
from usalama.oversight.services import may_refer

_internal_affairs = with_roles("internal_affairs")


def complaint_readers(user: Any) -> bool:
    """IPOA's investigators, police data roles (what IPOA shares), and internal affairs."""
    return data_roles(user) or _internal_affairs(user)


ITEMS = [
    MenuItem(
        "oversight",
        _("Complaints against police"),
        "oversight:complaints",
        complaint_readers,
        order=80,
    ),
    MenuItem(
        "s25",
        _("Deaths and serious injuries (s. 25)"),
        "oversight:notifications",
        data_roles,
        order=81,
    ),
    MenuItem("eis", _("Early intervention"), "oversight:flags", everyone, order=82),
    MenuItem("ipoa_refer", _("Refer a complaint to IPOA"), "oversight:refer", may_refer, order=83),
]
