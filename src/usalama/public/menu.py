from django.utils.translation import gettext_lazy as _

from usalama.accounts.menus import MenuItem, everyone

ITEMS = [
    MenuItem("public", _("Public statistics"), "public:overview", everyone, order=950),
]
