from django.utils.translation import gettext_lazy as _

from usalama.accounts.menus import MenuItem, data_roles

ITEMS = [MenuItem("policing", _("Policing"), "policing:index", data_roles, order=40)]
