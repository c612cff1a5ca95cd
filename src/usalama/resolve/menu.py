from django.utils.translation import gettext_lazy as _

from usalama.accounts.menus import MenuItem, data_roles

ITEMS = [MenuItem("resolution", _("Resolution"), "resolve:review", data_roles, order=60)]
