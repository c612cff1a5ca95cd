from django.utils.translation import gettext_lazy as _

from usalama.accounts.menus import MenuItem
from usalama.cases.models import reads_cases

ITEMS = [
    MenuItem("cases", _("Cases"), "cases:index", reads_cases, order=30),
    MenuItem("justice", _("Justice dashboard"), "cases:justice", reads_cases, order=31),
]
