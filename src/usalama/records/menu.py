from django.utils.translation import gettext_lazy as _

from usalama.accounts.menus import MenuItem, data_roles

ITEMS = [MenuItem("records", _("Records"), "records:collections", data_roles, order=20)]
