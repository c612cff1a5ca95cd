from django.utils.translation import gettext_lazy as _

from usalama.accounts.menus import MenuItem, data_roles, everyone

ITEMS = [
    MenuItem("dashboard", _("Dashboard"), "web:dashboard", everyone, order=0),
    MenuItem("search", _("Search"), "web:search", data_roles, order=10),
    MenuItem("tokens", _("API tokens"), "web:tokens", everyone, order=900),
]
