from django.utils.translation import gettext_lazy as _

from usalama.accounts.menus import MenuItem, with_roles
from usalama.accounts.roles import Role

# Incidents and their analysis are police work: the roles that load and work incidents.
policing_roles = with_roles(Role.ANALYST, Role.SUPERVISOR, Role.DESK_OFFICER, Role.COMMANDER)

ITEMS = [
    MenuItem("policing", _("Policing"), "policing:index", policing_roles, order=40),
    MenuItem("incidents", _("Incidents"), "incidents", policing_roles, order=41),
]
