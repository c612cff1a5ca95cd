from django.utils.translation import gettext_lazy as _

from usalama.accounts.menus import MenuItem, data_roles, with_roles

ITEMS = [
    MenuItem("watchlists", _("Watchlists"), "watchlists:index", data_roles, order=55),
    MenuItem("alerts", _("Alerts"), "watchlists:inbox", data_roles, order=56),
    MenuItem(
        "anpr_map",
        _("Plate hits map"),
        "watchlists:map",
        with_roles("commander", "supervisor", "analyst"),
        order=57,
    ),
]
