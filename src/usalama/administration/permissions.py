"""Django admin permissions for the system administrator.

A system administrator is ``is_staff`` but not a superuser and holds no Django model
permissions, so Django's admin used to greet them with "You don't have permission to view or
edit anything". This backend gives them *view* permission on the account models only: changes
go through the administration screens, which check scope and write the audit log (Django's
admin would write neither). Records, cases and intelligence stay out of reach (separation of
duties: administrators manage people, they do not read records).
"""

from __future__ import annotations

from typing import Any

from usalama.accounts.roles import Role

VIEWABLE = frozenset(
    {
        "accounts.view_agency",
        "accounts.view_user",
        "accounts.view_apitoken",
        "otp_totp.view_totpdevice",
        "axes.view_accessattempt",
        "axes.view_accesslog",
        "axes.view_accessfailurelog",
    }
)


def _is_system_admin(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_active", False)
        and getattr(user, "is_staff", False)
        and user.has_role(Role.SYSTEM_ADMIN)
    )


class SystemAdminBackend:
    """An authorisation-only backend: it never authenticates anyone."""

    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def get_user(self, user_id: Any) -> None:
        return None

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in VIEWABLE and _is_system_admin(user_obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        in_app = any(p.startswith(app_label + ".") for p in VIEWABLE)
        return in_app and _is_system_admin(user_obj)

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set(VIEWABLE) if _is_system_admin(user_obj) else set()
