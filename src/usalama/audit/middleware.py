"""Audit what a request was refused, and what administrators changed, in one place.

* Every 403 or 404 answered to a signed-in user (a page or an API call on another agency's
  object, or on one that does not exist — the two are deliberately indistinguishable) is
  recorded as ``access.refused`` under the acting user, unless the service that refused
  already recorded it with more detail (``record_refused``).
* A 401 to an API call that presented a token (a wrong or revoked token) is a failed
  authentication, recorded under ``anonymous``.
* A successful POST to the administration site (``/admin/``: users, roles, agencies,
  settings) is recorded as ``admin.change`` with the path it changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from usalama.audit.services import record, record_refused, refusal_recorded, reset_refusal_recorded

REFUSED_STATUSES = frozenset({403, 404})


class AuditRefusalsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reset_refusal_recorded()
        response = self.get_response(request)
        try:
            self._audit(request, response)
        finally:
            reset_refusal_recorded()
        return response

    def _audit(self, request: HttpRequest, response: HttpResponse) -> None:
        user: Any = getattr(request, "user", None)
        signed_in = bool(getattr(user, "is_authenticated", False))
        status = response.status_code
        if status in REFUSED_STATUSES and signed_in and not refusal_recorded():
            record_refused(
                user,
                f"{request.method} {request.path}"[:200],
                object_type="url",
                object_id=request.path[:200],
                reason=str(status),
            )
        elif (
            status == 401
            and request.path.startswith("/api/")
            and request.headers.get("Authorization")
        ):
            record_refused(
                None,
                f"{request.method} {request.path}"[:200],
                object_type="api_token",
                reason="invalid or revoked token",
            )
        elif request.method == "POST" and request.path.startswith("/admin/"):
            self._audit_admin(request, user, signed_in, status)

    @staticmethod
    def _audit_admin(request: HttpRequest, user: Any, signed_in: bool, status: int) -> None:
        # The admin answers 302 after a saved change or a successful login; 200 re-shows a
        # form with its errors (a refused login, an invalid change: nothing was changed).
        if request.path.startswith("/admin/login/"):
            if status == 302 and signed_in:
                record(user, "login.admin", object_type="user", object_id=user.pk)
            elif status == 200:
                username = str(request.POST.get("username", ""))[:150]
                record_refused(
                    None,
                    "login.admin",
                    object_type="user",
                    reason="wrong credentials",
                    details={"username": username},
                )
            return
        if status == 302 and signed_in:
            record(user, "admin.change", object_type="admin", object_id=request.path[:200])
