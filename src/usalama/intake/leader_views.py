"""The local leaders' web channel: a chief, assistant chief or Nyumba Kumi leader logged in
with their own account reports; the report is marked verified-source.

Unlike the public form this page is for an identified person: it uses the session, Django's
CSRF protection and the login, and the account (not a form field) says who reported.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from usalama.core.errors import InvalidInput, PermissionDenied
from usalama.intake import services
from usalama.intake.forms import LeaderReportForm
from usalama.intake.models import Channel, Report
from usalama.intake.photos import clean_photo
from usalama.intake.views import occurred


@login_required
@require_http_methods(["GET", "POST"])
def leader_report(request: HttpRequest) -> HttpResponse:
    try:
        leader = services.leader_for_user(request.user)
    except PermissionDenied as not_a_leader:
        raise Http404 from not_a_leader  # the page does not exist for other accounts
    language = "sw" if translation.get_language() == "sw" else "en"
    form = LeaderReportForm(
        request.POST or None, request.FILES or None, language=language, county=leader.county
    )
    reference = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sub_county, _, ward = (data.get("place") or "").partition("|")
        try:
            report = services.submit_report(
                services.SubmissionInput(
                    category=data["category"],
                    description=data["description"],
                    channel=Channel.LEADER,
                    language=language,
                    county=leader.county if sub_county else "",
                    sub_county=sub_county,
                    ward=ward,
                    location_text=data.get("location_text") or "",
                    occurred_at=occurred(data.get("occurred_date"), data.get("occurred_time")),
                    photos=[clean_photo(upload.read()) for upload in data.get("photos") or []],
                ),
                leader=leader,
            )
        except InvalidInput as bad:
            form.add_error(None, bad.message)
        else:
            reference = report.reference
            form = LeaderReportForm(language=language, county=leader.county)
    recent = Report.objects.filter(leader=leader).order_by("-created_at")[:10]
    context = {"form": form, "leader": leader, "reference": reference, "recent": recent}
    return render(request, "intake/leader_report.html", context, status=201 if reference else 200)
