"""The JSON API at /api/v1/: one NinjaAPI, one routers list, one place mapping errors.

Every error reaches the client as ``{"code": ..., "message": ...}`` with a 4xx status; an
unexpected exception becomes a 500 with no detail (it is logged server-side).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from usalama import __version__
from usalama.api.auth import token_auth
from usalama.core.errors import UsalamaError

log = logging.getLogger("usalama.api")

api = NinjaAPI(
    title="usalama API",
    version="1",
    description="Agency-owned intelligence records, search and audit. Bearer-token auth.",
    auth=token_auth,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def _error(
    request: HttpRequest, status: int, code: str, message: str, details: Any = None
) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return api.create_response(request, body, status=status)


@api.exception_handler(UsalamaError)
def _usalama_error(request: HttpRequest, exc: UsalamaError) -> HttpResponse:
    response = _error(request, exc.http_status, exc.code, exc.message)
    retry_after = getattr(exc, "retry_after", 0)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = [
        {"loc": [str(part) for part in err.get("loc", [])], "msg": str(err.get("msg", ""))[:200]}
        for err in exc.errors[:20]
    ]
    return _error(request, 422, "invalid_input", "the request does not match the schema", details)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request,
        401,
        "authentication_required",
        "send a valid API token as 'Authorization: Bearer <token>'",
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "http_error", str(exc)[:200])


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", "not found")


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _error(request, 413, "too_large", "request body is larger than the configured limit")


@api.exception_handler(MultiPartParserError)
def _bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return _error(request, 400, "bad_request", "malformed multipart body: send a valid form upload")


@api.exception_handler(SuspiciousOperation)
def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    return _error(request, 400, "bad_request", "malformed request")


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("unhandled API error on %s", request.path)
    return _error(request, 500, "internal_error", "internal error; it has been logged")


class Health(Schema):
    status: str
    version: str
    database: str


@api.get("/health", auth=None, response=Health, tags=["system"])
def health(request: HttpRequest) -> dict[str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok", "version": __version__, "database": connection.vendor}


def _register_routers() -> None:
    from usalama.accounts.api import router as accounts_router
    from usalama.audit.api import router as audit_router
    from usalama.money.api import router as money_router
    from usalama.network.api import router as network_router
    from usalama.policing.api import router as policing_router
    from usalama.records.api import router as records_router

    api.add_router("/", accounts_router)
    api.add_router("/", records_router)
    api.add_router("/", audit_router)
    from usalama.intake.api import public_router, staff_router

    api.add_router("/", public_router)  # auth=None on the router: no login, no cookies
    api.add_router("/", staff_router)
    from usalama.desk.api import router as desk_router

    api.add_router("/", desk_router)  # converting a report or tip into an incident
    api.add_router("/", network_router)
    api.add_router("/", policing_router)
    api.add_router("/", money_router)
    from usalama.resolve.api import router as resolve_router

    api.add_router("/", resolve_router)
    from usalama.cases.api import router as cases_router

    api.add_router("/", cases_router)
    from usalama.watchlists.api import router as watchlists_router

    api.add_router("/", watchlists_router)
    from usalama.sharing.api import router as sharing_router
    from usalama.sharing.api import staff_router as sharing_staff_router

    api.add_router("/", sharing_router)  # federation: peers, by token and signature
    api.add_router("/", sharing_staff_router)
    from usalama.public.api import router as public_portal_router

    api.add_router("/", public_portal_router)  # the public portal: checked tables, no login
    from usalama.oversight.api import public_router as oversight_public
    from usalama.oversight.api import router as oversight_router
    from usalama.wellness.api import router as wellness_router

    api.add_router("/", oversight_public)  # auth=None: complaints from the public
    api.add_router("/", oversight_router)
    api.add_router("/", wellness_router)


_register_routers()
