"""Template context every page gets: the shell's navigation state."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from usalama import __version__
from usalama.accounts.menus import menu_for


def shell(request: HttpRequest) -> dict[str, Any]:
    return {
        "usalama_version": __version__,
        "demo_skips_2fa": settings.USALAMA_DEMO_SKIP_2FA,
        "main_menu": menu_for(getattr(request, "user", None)),
    }
