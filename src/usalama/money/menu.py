from django.utils.translation import gettext_lazy as _

from usalama.accounts.menus import MenuItem, data_roles

ITEMS = [MenuItem("money", _("Money"), "money:alerts", data_roles, order=50)]
