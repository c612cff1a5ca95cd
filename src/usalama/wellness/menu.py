from typing import Any

from django.utils.translation import gettext_lazy as _

from usalama.accounts.menus import MenuItem, everyone, with_roles
from usalama.wellness.models import is_counsellor


def counsellor(user: Any) -> bool:
    return is_counsellor(user)


ITEMS = [
    MenuItem("wellness", _("Wellness referrals"), "wellness:queue", counsellor, order=90),
    MenuItem("support", _("Support for you"), "wellness:support", everyone, order=91),
    MenuItem(
        "critical_incident",
        _("Critical incidents"),
        "wellness:incident",
        with_roles("supervisor", "commander", "desk_officer"),
        order=92,
    ),
]
