from django.utils.translation import gettext_lazy as _

from usalama.accounts.menus import MenuItem, data_roles

ITEMS = [
    MenuItem("sharing", _("Sharing"), "sharing:index", data_roles, order=65),
    MenuItem("requests", _("Requests for information"), "sharing:requests", data_roles, order=66),
]
ITEMS.append(
    MenuItem("deconfliction", _("Deconfliction"), "sharing:operations", data_roles, order=67)
)
