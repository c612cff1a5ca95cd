"""Panels that delivery code adds to the case page (the cases app imports no other domain app).

``usalama.desk.case_money`` registers the money-trace panel when the URLs load; the case
page renders every registered panel for the case and the reader. A panel returns HTML built
from an escaped template, or "" when it has nothing to show.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString

from usalama.cases.models import Case

Panel = Callable[[HttpRequest, Case, bool], SafeString]
_PANELS: list[Panel] = []


def register(panel: Panel) -> Panel:
    if panel not in _PANELS:
        _PANELS.append(panel)
    return panel


def render_all(request: HttpRequest, case: Case, owner: bool) -> list[Any]:
    return [html for html in (panel(request, case, owner) for panel in _PANELS) if html]
