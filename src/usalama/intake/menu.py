from django.utils.translation import gettext_lazy as _

from usalama.accounts.menus import MenuItem
from usalama.intake.models import may_triage

ITEMS = [MenuItem("intake", _("Intake"), "intake:triage", may_triage, order=70)]
