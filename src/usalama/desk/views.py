"""The desk officer's "convert to an incident" button on the intake triage page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.desk.services import convert_to_incident


@login_required
@require_POST
def convert(request: HttpRequest, kind: str, item_id: int) -> HttpResponse:
    if kind not in {"tip", "report"}:
        raise Http404
    try:
        done = convert_to_incident(
            request.user, kind, item_id, station=request.POST.get("station", "")
        )
    except (NotFound, PermissionDenied) as missing:
        # no right to open incidents, or another agency's item: the same answer, 404
        raise Http404 from missing
    except InvalidInput as bad:
        messages.error(request, bad.message)
    else:
        messages.success(request, _("Converted to incident %(number)s.") % {"number": done.number})
    return redirect("intake:triage_item", kind=kind, item_id=item_id)
