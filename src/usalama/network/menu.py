from django.utils.translation import gettext_lazy as _

from usalama.accounts.menus import MenuItem, data_roles

ITEMS = [MenuItem("network", _("Link chart"), "network:chart", data_roles, order=30)]
