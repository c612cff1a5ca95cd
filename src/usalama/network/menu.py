from django.utils.translation import gettext_lazy as _

from usalama.accounts.menus import MenuItem, everyone

ITEMS = [MenuItem("network", _("Link chart"), "network:chart", everyone, order=30)]
