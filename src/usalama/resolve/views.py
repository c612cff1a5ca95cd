"""Review queue, pair review with the match-weight waterfall, canonical entity pages.

Views only translate between HTTP and the services; access checks and audit happen there.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from usalama.core.errors import InvalidInput, NotFound
from usalama.records import services as records
from usalama.resolve import charts, services
from usalama.resolve.models import CandidatePair, PairStatus, Verdict


def _comparison_labels() -> dict[str, str]:
    return {
        "name": _("Name"),
        "name_term_frequency": _("Name frequency"),
        "date_of_birth": _("Date of birth"),
        "national_id": _("National ID"),
        "passport": _("Passport"),
        "kra_pin": _("KRA PIN"),
        "brs_number": _("BRS number"),
        "phone": _("Phone"),
        "email": _("Email"),
        "address": _("Address"),
        "postcode": _("Postcode"),
        "location": _("Location"),
        "nationality": _("Nationality"),
    }


@login_required
def review(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", PairStatus.REVIEW)
    if status not in PairStatus.values:
        status = PairStatus.REVIEW
    pairs = services.review_queue(request.user, status=status)
    return render(
        request,
        "resolve/review.html",
        {"pairs": pairs, "status": status, "statuses": PairStatus.choices},
    )


def _side_by_side(left: Any, right: Any) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for side, view in (("left", left), ("right", right)):
        for prop in view.properties:
            row = rows.setdefault(prop.name, {"label": prop.label, "left": [], "right": []})
            row[side] = prop.values
    # the records app lists the name first
    return [{"label": r["label"], "sides": [r["left"], r["right"]]} for r in rows.values()]


@login_required
def pair(request: HttpRequest, pair_id: int) -> HttpResponse:
    try:
        candidate = services.get_pair(request.user, pair_id)
        left = records.get_entity(request.user, candidate.left_entity_id)
        right = records.get_entity(request.user, candidate.right_entity_id)
    except NotFound as missing:
        raise Http404 from missing
    names = _comparison_labels()
    steps = [(names.get(k, k), w) for k, w in candidate.weights.items()]
    chart = charts.waterfall(
        candidate.prior_weight,
        steps,
        candidate.match_weight,
        {
            "prior": _("Prior"),
            "final": _("Match weight"),
            "title": _("How each comparison moved the match weight"),
        },
    )
    return render(
        request,
        "resolve/pair.html",
        {
            "pair": candidate,
            "left": left,
            "right": right,
            "rows": _side_by_side(left, right),
            "steps": [(label, w) for label, w in steps],
            "chart": mark_safe(chart),  # noqa: S308 - built by charts.py, every text escaped
            "verdicts": Verdict.choices,
            "judgements": services.judgements_of(request.user, candidate),
            "next_pair": _next_pair(request.user, candidate),
        },
    )


def _next_pair(user: Any, current: CandidatePair) -> int | None:
    for candidate in services.review_queue(user, limit=2):
        if candidate.pk != current.pk:
            return candidate.pk
    return None


@login_required
@require_POST
def judge(request: HttpRequest, pair_id: int) -> HttpResponse:
    try:
        services.judge_pair(
            request.user,
            pair_id,
            request.POST.get("verdict", ""),
            request.POST.get("note", "")[:2000],
        )
    except NotFound as missing:
        raise Http404 from missing
    except InvalidInput as error:
        messages.error(request, error.message)
        return redirect("resolve:pair", pair_id=pair_id)
    messages.success(request, _("Judgement recorded."))
    upcoming = services.review_queue(request.user, limit=1)
    if upcoming:
        return redirect("resolve:pair", pair_id=upcoming[0].pk)
    return redirect("resolve:review")


@login_required
def canonical(request: HttpRequest, canonical_id: str) -> HttpResponse:
    try:
        view = services.get_canonical(request.user, canonical_id)
    except NotFound as missing:
        raise Http404 from missing
    return render(request, "resolve/canonical.html", {"view": view})


@login_required
@require_POST
def undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    try:
        merge = services.undo_merge(request.user, merge_id)
    except NotFound as missing:
        raise Http404 from missing
    except InvalidInput as error:
        messages.error(request, error.message)
        return redirect("resolve:review")
    messages.success(request, _("Merge undone: the records are separate again."))
    first = merge.members.order_by("entity_id").first()
    if first is None:
        return redirect("resolve:review")
    return redirect("resolve:canonical", canonical_id=first.entity_id)
