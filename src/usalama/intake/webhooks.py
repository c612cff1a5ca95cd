"""Gateway webhooks: Africa's Talking SMS and USSD, and SMSSync.

The shared secret (``USALAMA_GATEWAY_SECRET``) travels in a header, never in the URL (a path
sits in proxies' access logs): ``Authorization: Bearer <secret>``, ``X-Usalama-Gateway-Secret``,
or HTTP Basic with the secret as password (``https://gateway:<secret>@host/...`` for a gateway
that takes only a URL; the client turns it into a header); SMSSync sends its own ``secret``
form field. A wrong secret, or none configured, answers 404 exactly like an unknown path.
Malformed posts get a 400, replayed message ids a 409, and nothing is stored for either.
No session, cookie, IP address or user agent is read or kept; the sender's number goes no
further than ``services``/``sms``/``ussd``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import uuid
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from usalama.core.errors import InvalidInput
from usalama.intake import services, sms, ussd
from usalama.intake.errors import RateLimited, Replayed
from usalama.intake.gateways import get_gateway
from usalama.intake.models import Channel

MAX_FIELD = 2000


class _WrongSecret(Exception):
    pass


SECRET_HEADER = "HTTP_X_USALAMA_GATEWAY_SECRET"  # noqa: S105 - a header name


def presented_secret(request: HttpRequest) -> str:
    """The secret the gateway sent: a header, HTTP Basic's password, or SMSSync's field."""
    header = request.META.get(SECRET_HEADER, "")
    if header:
        return str(header)
    scheme, _, value = str(request.META.get("HTTP_AUTHORIZATION", "")).partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return ""
        return decoded.partition(":")[2]
    return str(request.POST.get("secret", "")) if request.method == "POST" else ""


def _check_secret(secret: str) -> None:
    configured = settings.USALAMA_GATEWAY_SECRET
    if (
        not configured
        or not secret
        or not hmac.compare_digest(secret.encode(), configured.encode())
    ):
        raise _WrongSecret


def _guarded(view: Callable[[HttpRequest], HttpResponse]) -> Callable[..., HttpResponse]:
    """A wrong or unset secret answers a bare 404 (no template, so no CSRF cookie either)."""

    @wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        try:
            _check_secret(presented_secret(request))
        except _WrongSecret:
            return HttpResponseNotFound("Not Found", content_type="text/plain")
        return view(request)

    return wrapper


def _field(request: HttpRequest, name: str, *, required: bool = True) -> str:
    value = request.POST.get(name, "")
    if required and not value.strip():
        raise InvalidInput(f"{name}: missing")
    if len(value) > MAX_FIELD or "\x00" in value:
        raise InvalidInput(f"{name}: malformed")
    return value


def _plain(text: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(text, content_type="text/plain; charset=utf-8", status=status)
    response["Cache-Control"] = "no-store"
    return response


def _accept_sms(source: str, phone: str, text: str, message_id: str, channel: Channel) -> str:
    """One inbound SMS, whatever the gateway: rate-limit the sender, refuse replays, reply."""
    services.check_phone(phone)
    with transaction.atomic():
        services.accept_once(source, message_id)
        return sms.handle(phone, text, channel)


@csrf_exempt
@_guarded
@require_POST
def africastalking_sms(request: HttpRequest) -> HttpResponse:
    try:
        phone = _field(request, "from")
        text = _field(request, "text")
        message_id = _field(request, "id")
        reply = _accept_sms("at-sms", phone, text, message_id, Channel.SMS)
    except InvalidInput as bad:
        return _plain(f"rejected: {bad.message}", 400)
    except Replayed as seen:
        return _plain(seen.message, 409)
    except RateLimited as busy:
        return _plain(busy.message, 429)
    get_gateway().send_sms(phone, reply)
    return _plain("OK")


@csrf_exempt
@_guarded
@require_POST
def africastalking_ussd(request: HttpRequest) -> HttpResponse:
    try:
        session_id = _field(request, "sessionId")
        phone = _field(request, "phoneNumber")
        _field(request, "serviceCode")
        text = _field(request, "text", required=False)
    except InvalidInput as bad:
        return _plain(f"END {bad.message}", 400)
    if len(text) > ussd.MAX_USSD_TEXT:
        return _plain(
            "END " + ("Ujumbe ni mrefu mno." if not text.startswith("0") else "Too long."), 400
        )
    try:
        reply = ussd.respond(session_id, phone, text)
    except Replayed as seen:
        return _plain(f"END {seen.message}", 409)
    return _plain(reply)


@csrf_exempt
@_guarded
@require_POST
def smssync(request: HttpRequest) -> HttpResponse:
    """SMSSync (an Android phone as the gateway): the reply rides back in the response."""
    try:
        phone = _field(request, "from")
        text = _field(request, "message")
        message_id = _field(request, "message_id")
        reply = _accept_sms("smssync", phone, text, message_id, Channel.SMSSYNC)
    except InvalidInput as bad:
        return JsonResponse({"payload": {"success": False, "error": bad.message}}, status=400)
    except Replayed as seen:
        return JsonResponse({"payload": {"success": False, "error": seen.message}}, status=409)
    except RateLimited as busy:
        return JsonResponse({"payload": {"success": False, "error": busy.message}}, status=429)
    body = {
        "payload": {
            "success": True,
            "error": None,
            "task": "send",
            "messages": [{"to": phone, "message": reply, "uuid": str(uuid.uuid4())}],
        }
    }
    return HttpResponse(json.dumps(body), content_type="application/json")
