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

from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.records import captions as records_captions
from usalama.records import services as records
from usalama.resolve import charts, services
from usalama.resolve.models import CandidatePair, Family, PairStatus, Verdict


def _comparison_labels(family: str = Family.PERSON) -> dict[str, str]:
    if family == Family.ORGANIZATION:
        # the organisation model reads these fields from company properties
        return {
            **_comparison_labels(),
            "date_of_birth": _("Incorporation date"),
            "brs_number": _("Registration number"),
            "nationality": _("Country"),
        }
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
        "identifier": _("Account number or address"),
        "issuer": _("Bank or provider"),
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


def _entity_captions(user: Any, views: list[Any]) -> dict[str, str]:
    """Captions of the entities that entity-valued properties (addressEntity, owner, ...)
    point to, so the page shows names with links instead of raw ids."""
    ids = [
        v.value for view in views for p in view.properties if p.type == "entity" for v in p.values
    ]
    return records_captions.captions_of(user, ids)


def _shown(prop: Any, captions: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {"v": v, "entity": prop.type == "entity", "caption": captions.get(v.value, "")}
        for v in prop.values
    ]


def _side_by_side(left: Any, right: Any, captions: dict[str, str]) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for side, view in (("left", left), ("right", right)):
        for prop in view.properties:
            row = rows.setdefault(prop.name, {"label": prop.label, "left": [], "right": []})
            row[side] = _shown(prop, captions)
    # the records app lists the name first
    return [{"label": r["label"], "sides": [r["left"], r["right"]]} for r in rows.values()]


def _merged_properties(views: list[Any], captions: dict[str, str]) -> list[dict[str, Any]]:
    """Every value of every source record, grouped by property, each with its record."""
    rows: dict[str, dict[str, Any]] = {}
    for view in views:
        for prop in view.properties:
            row = rows.setdefault(prop.name, {"label": prop.label, "values": []})
            for shown in _shown(prop, captions):
                row["values"].append({**shown, "record": view})
    return list(rows.values())


@login_required
def pair(request: HttpRequest, pair_id: int) -> HttpResponse:
    try:
        candidate = services.get_pair(request.user, pair_id)
        left = records.get_entity(request.user, candidate.left_entity_id)
        right = records.get_entity(request.user, candidate.right_entity_id)
    except NotFound as missing:
        raise Http404 from missing
    names = _comparison_labels(candidate.family)
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
            "rows": _side_by_side(left, right, _entity_captions(request.user, [left, right])),
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
    except PermissionDenied as refused:
        return HttpResponse(refused.message, status=403, content_type="text/plain")
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
    sources = []
    for rec in view.records[:CANONICAL_RECORDS_SHOWN]:
        try:
            sources.append(records.get_entity(request.user, rec.entity_id))
        except NotFound:
            continue  # its only visible statements went away since the list was read
    captions = _entity_captions(request.user, sources)
    return render(
        request,
        "resolve/canonical.html",
        {"view": view, "properties": _merged_properties(sources, captions)},
    )


# A canonical entity is a handful of records; the cap keeps a bad merge's page readable.
CANONICAL_RECORDS_SHOWN = 25


@login_required
@require_POST
def undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    try:
        merge = services.undo_merge(request.user, merge_id)
    except NotFound as missing:
        raise Http404 from missing
    except PermissionDenied as refused:
        return HttpResponse(refused.message, status=403, content_type="text/plain")
    except InvalidInput as error:
        messages.error(request, error.message)
        return redirect("resolve:review")
    messages.success(request, _("Merge undone: the records are separate again."))
    first = merge.members.order_by("entity_id").first()
    if first is None:
        return redirect("resolve:review")
    return redirect("resolve:canonical", canonical_id=first.entity_id)


@login_required
def runs(request: HttpRequest) -> HttpResponse:
    """Start a resolution run over chosen collections; list recent runs of the agency."""
    if request.method == "POST":
        keys = [k for k in request.POST.getlist("collections") if k][:100]
        try:
            run = services.start_run(request.user, keys or None)
        except NotFound as missing:
            raise Http404 from missing
        except PermissionDenied as refused:
            return HttpResponse(refused.message, status=403, content_type="text/plain")
        except InvalidInput as error:
            messages.error(request, error.message)
            return redirect("resolve:runs")
        messages.success(request, _("Resolution run started."))
        return redirect("resolve:run", run_id=run.pk)
    return render(
        request,
        "resolve/runs.html",
        {
            "runs": services.recent_runs(request.user),
            "collections": records.writable_collections(request.user),
        },
    )


@login_required
def run(request: HttpRequest, run_id: int) -> HttpResponse:
    """A run's progress; the page reloads itself every few seconds until the run ends."""
    try:
        found = services.get_run(request.user, run_id)
    except NotFound as missing:
        raise Http404 from missing
    return render(
        request,
        "resolve/run.html",
        {
            "run": found,
            "phase": _(found.phase) if found.phase else "",
            "family_rows": [
                (label, found.counts.get(value, {})) for value, label in Family.choices
            ],
        },
    )
