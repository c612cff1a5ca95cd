from django.utils.translation import gettext_lazy as _

from usalama.accounts.menus import MenuItem
from usalama.administration.audit_log import may_read_audit
from usalama.administration.services import may_administer, may_manage_agencies

ITEMS = [
    MenuItem("admin-users", _("People"), "administration:users", may_administer, order=800),
    MenuItem("admin-sensors", _("Sensors"), "administration:sensors", may_administer, order=805),
    MenuItem(
        "admin-agencies", _("Agencies"), "administration:agencies", may_manage_agencies, order=810
    ),
    MenuItem(
        "admin-settings", _("Settings"), "administration:settings", may_manage_agencies, order=820
    ),
    MenuItem("audit-log", _("Audit log"), "administration:audit", may_read_audit, order=830),
]
