from django.utils.translation import gettext_lazy as _

from usalama.accounts.menus import MenuItem, data_roles

ITEMS = [MenuItem("comms", _("Calls and chats"), "comms:index", data_roles, order=32)]
