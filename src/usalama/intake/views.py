"""Public pages (report form, tip status and conversation) and staff triage pages.

Public views read nothing about the connection, never touch the session and set no cookie:
the form carries a signed, time-limited token instead of Django's CSRF cookie (see
docs/decisions/0005-anonymous-intake.md), and the language is a ``lang`` parameter.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.intake import codes, places, services, staff, throttle
from usalama.intake.categories import BY_CODE
from usalama.intake.errors import RateLimited
from usalama.intake.forms import (
    CodeForm,
    MessageForm,
    ReplyForm,
    ReportForm,
    TriageForm,
    form_token_valid,
    new_form_token,
)
from usalama.intake.models import Channel, Priority, Report, Tip
from usalama.intake.photos import clean_photo


def _language(request: HttpRequest) -> str:
    wanted = request.POST.get("lang") or request.GET.get("lang") or translation.get_language()
    return "en" if (wanted or "").startswith("en") else "sw"


def _public(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    language = context["lang"]
    with translation.override(language):
        response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = language
    response["Referrer-Policy"] = "no-referrer"
    return response


def occurred(date: Any, at: time | None) -> datetime | None:
    if not date:
        return None
    return timezone.make_aware(datetime.combine(date, at or time(12, 0)))


@csrf_exempt  # the signed form token replaces the CSRF cookie (decision 0005)
@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest) -> HttpResponse:
    language = _language(request)
    county = (request.POST.get("county") or request.GET.get("county") or "").strip()
    if county and not places.is_county(county):
        county = ""
    showing_wards = request.method == "POST" and bool(request.POST.get("show_wards"))
    with translation.override(language):
        if showing_wards:
            # "Show wards" posts the whole form: give back what was typed, with the ward
            # list of the chosen county, and check nothing yet.
            typed = {
                name: request.POST.get(name)
                for name in ReportForm.base_fields
                if name not in {"form_token", "website", "photos", "place"}
                and request.POST.get(name)
            }
            form = ReportForm(
                language=language,
                county=county,
                initial={**typed, "form_token": new_form_token(), "county": county},
            )
        else:
            form = ReportForm(
                request.POST or None,
                request.FILES or None,
                language=language,
                county=county,
                initial={"form_token": new_form_token(), "county": county},
            )
        if request.method == "POST" and not showing_wards and form.is_valid():
            try:
                return _submit(request, form, language)
            except InvalidInput as bad:
                form.add_error(None, bad.message)
        status = 400 if request.method == "POST" and not showing_wards else 200
        context = {
            "kept_typing": showing_wards,
            "form": form,
            "lang": language,
            "county": county,
            "counties": places.counties(),
            "code_form": CodeForm(),
        }
        return _public(request, "intake/report_form.html", context, status)


def _submit(request: HttpRequest, form: ReportForm, language: str) -> HttpResponse:
    data = form.cleaned_data
    sub_county, _, ward = (data.get("place") or "").partition("|")
    photos = [clean_photo(upload.read()) for upload in data.get("photos") or []]
    submission = services.SubmissionInput(
        category=data["category"],
        description=data["description"],
        channel=Channel.WEB,
        language=language,
        county=data.get("county") or "",
        sub_county=sub_county,
        ward=ward,
        location_text=data.get("location_text") or "",
        occurred_at=occurred(data.get("occurred_date"), data.get("occurred_time")),
        photos=photos,
    )
    if data["identity"] == ReportForm.ANONYMOUS:
        _tip, code = services.submit_tip(submission)
        context = {"lang": language, "tip_code": code, "form_token": new_form_token()}
    else:
        contact = services.Contact(
            name=data.get("contact_name") or "",
            phone=data.get("contact_phone") or "",
            email=data.get("contact_email") or "",
        )
        report = services.submit_report(submission, contact=contact)
        context = {
            "lang": language,
            "reference": report.reference,
            "form_token": new_form_token(),
        }
    return _public(request, "intake/submitted.html", context, 201)


def _client(request: HttpRequest) -> throttle.Client:
    # The address becomes an opaque, per-process key held in memory only (throttle.py).
    return throttle.for_address(throttle.client_address(request.META))


@csrf_exempt  # the signed form token replaces the CSRF cookie (decision 0005)
@require_http_methods(["GET", "POST"])
def tip_lookup(request: HttpRequest) -> HttpResponse:
    """Check a tip code or reference, read the conversation and answer it — all by POST.

    The code is typed into a form and travels only in request bodies (and in a hidden field
    of the page that answers): never in an address, so it stays out of the browser's history,
    of proxies' logs and of Referer headers. The page answers the POST itself (no redirect).
    """
    language = _language(request)
    if request.method == "GET":
        return _public(request, "intake/lookup.html", _lookup_context(language, CodeForm()))
    form = CodeForm(request.POST)
    if not form_token_valid(request.POST.get("form_token", "")):
        context = _lookup_context(language, form, expired=True)
        return _public(request, "intake/lookup.html", context, 400)
    if not form.is_valid():
        return _public(request, "intake/lookup.html", _lookup_context(language, form), 400)
    raw = form.cleaned_data["code"]
    client = _client(request)
    message_form = MessageForm(request.POST if request.POST.get("send") else None)
    sent = False
    try:
        if message_form.is_bound and message_form.is_valid():
            try:
                services.add_tipster_message(
                    raw, message_form.cleaned_data["text"], Channel.WEB, client=client
                )
                sent, message_form = True, MessageForm()
            except InvalidInput as bad:
                message_form.add_error("text", bad.message)
        status = services.status_for(raw, language, client=client)
    except NotFound:
        context = _lookup_context(language, form, missing=True)
        return _public(request, "intake/lookup.html", context, 404)
    except RateLimited as busy:
        context = _lookup_context(
            language, form, busy_minutes=throttle.minutes(busy.retry_after or 60)
        )
        response = _public(request, "intake/lookup.html", context, 429)
        response["Retry-After"] = str(busy.retry_after or 60)
        return response
    digits = codes.normalise_code(raw)
    context = {
        "lang": language,
        "code": codes.format_code(digits) if digits else raw.strip().upper(),
        "status": status,
        "form": message_form,
        "form_token": new_form_token(),
        "sent": sent,
    }
    return _public(request, "intake/tip.html", context, 400 if message_form.errors else 200)


def _lookup_context(language: str, form: CodeForm, **flags: Any) -> dict[str, Any]:
    return {"lang": language, "form": form, "form_token": new_form_token(), **flags}


# --- staff ----------------------------------------------------------------------------------------
def _staff_language(request: HttpRequest) -> str:
    return "sw" if translation.get_language() == "sw" else "en"


@login_required
def triage_queue(request: HttpRequest) -> HttpResponse:
    try:
        items = staff.queue(request.user, include_closed=request.GET.get("all") == "1")
    except NotFound as missing:
        raise Http404 from missing
    language = _staff_language(request)
    names = {code: c.name(language) for code, c in BY_CODE.items()}
    return render(request, "intake/triage_queue.html", {"items": items, "names": names})


@login_required
@require_http_methods(["GET", "POST"])
def triage_item(request: HttpRequest, kind: str, item_id: int) -> HttpResponse:
    if kind not in {"tip", "report"}:
        raise Http404
    language = _staff_language(request)
    reply_form = ReplyForm(request.POST if "reply" in request.POST else None)
    triage_form = TriageForm(request.POST if "triage" in request.POST else None, language=language)
    try:
        if request.method == "POST":
            if "reply" in request.POST and kind == "tip" and reply_form.is_valid():
                staff.reply_to_tip(request.user, item_id, reply_form.cleaned_data["text"])
                return redirect("intake:triage_item", kind=kind, item_id=item_id)
            if "triage" in request.POST and triage_form.is_valid():
                staff.triage(request.user, kind, item_id, **triage_form.cleaned_data)
                messages.success(request, _("Saved."))
                return redirect("intake:triage_item", kind=kind, item_id=item_id)
        item = staff.get_item(request.user, kind, item_id)
    except (NotFound, PermissionDenied) as missing:
        raise Http404 from missing
    except InvalidInput as bad:
        triage_form.add_error(None, bad.message)
        item = staff.get_item(request.user, kind, item_id)
    if not triage_form.is_bound:
        triage_form = TriageForm(
            language=language,
            initial={
                "category": item.category,
                "priority": item.priority,
                "status": item.status,
                "assigned_agency": item.assigned_agency.code if item.assigned_agency else "",
                "station": item.station,
                "public_note": item.public_note,
            },
        )
    context = {
        "kind": kind,
        "item": item,
        "label": item.reference if isinstance(item, Report) else f"TIP-{item.pk}",
        "category_name": BY_CODE[item.category].name(language)
        if item.category in BY_CODE
        else item.category,
        "suggested_name": BY_CODE[item.suggested_category].name(language)
        if item.suggested_category in BY_CODE
        else "",
        "suggested_priority": Priority(item.suggested_priority).label
        if item.suggested_priority in Priority.values
        else item.suggested_priority,
        "messages_list": list(item.messages.all()) if isinstance(item, Tip) else [],
        "attachments": list(item.attachments.all()),
        "triage_form": triage_form,
        "reply_form": reply_form,
    }
    return render(request, "intake/triage_item.html", context)
